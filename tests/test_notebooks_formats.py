"""notebooks/formats.ipynb runs top to bottom and shows a run from each of the 8 tools."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tpot_widget.loaders import FORMATS

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "formats.ipynb"


def test_committed_notebook_has_no_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [], cell.source[:60]
        assert cell.execution_count is None, cell.source[:60]


@pytest.mark.slow
def test_notebook_executes_and_shows_every_format(fixtures_dir: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},  # cwd = notebooks/
    )
    # jupyter_client starts the "python3" kernel with this interpreter (the project's venv)
    client.execute()
    stdout = "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("name") == "stdout"
    )
    shown = set(re.findall(r"format='([^']+)'", stdout))
    # a Parquet reload keeps the run's own format (an exact round trip), so it shows "llmeter"
    assert shown == set(FORMATS) - {"parquet"}, f"formats shown: {sorted(shown)}"
    # each tool cell ends with a table of the run's first rows
    tables = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "execute_result" and "text/html" in out.get("data", {})
    ]
    assert len(tables) == len(FORMATS) + 1
    assert "time_per_output_token" in tables[0]["data"]["text/html"]
