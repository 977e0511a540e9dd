"""The shipped notebooks run top to bottom on this venv's Python, and are stored without outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = "tpot-widget-test-venv"


@pytest.fixture(scope="module")
def venv_kernel(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A kernelspec that starts this very interpreter (the venv's), found via JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "tpot_widget test venv",
                "language": "python",
            }
        )
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root))
        yield KERNEL


def execute(name: str, kernel: str) -> NotebookNode:
    """Run notebooks/<name> in notebooks/ (as a user would); raise on the first failing cell."""
    path = NOTEBOOKS / name
    if not path.exists():
        pytest.fail(f"{path} is missing")
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell("import sys; print('KERNEL-PYTHON', sys.executable)")
    nb.cells.insert(0, probe)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    return nb


def text_outputs(nb: NotebookNode) -> str:
    """Every stream and text/plain output of the executed notebook, concatenated."""
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "text/plain" in out.get("data", {}):
                parts.append(out["data"]["text/plain"])
    return "\n".join(parts)


@pytest.mark.slow
def test_tpot_comparison_notebook_runs(venv_kernel: str) -> None:
    nb = execute("tpot_comparison.ipynb", venv_kernel)
    text = text_outputs(nb)
    assert f"KERNEL-PYTHON {sys.executable}" in text
    # The seed's printout: each median with its CI and the difference with its CI.
    assert text.count(": median ") >= 4  # twice from compare(), twice from the widget
    assert "difference (run 2 − run 1): " in text
    assert "difference (run 2 − run 1), 400–800 tokens: " in text
    assert "compare() and scipy.stats.bootstrap agree." in text
    assert "tpot_comparison_report.html" in text
    kinds = {
        mime for cell in nb.cells for out in cell.get("outputs", []) for mime in out.get("data", {})
    }
    assert "application/vnd.plotly.v1+json" in kinds  # the static figures rendered
    assert "application/vnd.jupyter.widget-view+json" in kinds  # and the widget


@pytest.mark.slow
def test_demo_notebook_runs(venv_kernel: str) -> None:
    nb = execute("demo.ipynb", venv_kernel)
    assert f"KERNEL-PYTHON {sys.executable}" in text_outputs(nb)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; clear them"
            assert cell.execution_count is None, f"{path.name}: clear execution counts"
