"""Shared helpers of the loader tests: the per-request fixture files, a quiet load, run equality."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

import tpot_widget
from tpot_widget import LoadError, Run

LLMETER_RUN = "llmeter/v0.1.12-tiny-run-a"
#: Fixture folders of the JSON formats read through the shared readers.
JSON_TOOLS = ("vllm", "sglang", "aiperf", "genai-perf", "guidellm", "llmperf", "llm-load-test")


def quiet_load(source: object, **kwargs: object) -> list[Run]:
    """`load_runs` with its warnings silenced (the tests check warnings where they matter)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tpot_widget.load_runs(source, **kwargs)


def _loads(path: Path) -> bool:
    """True for a fixture that loads as it is (tools also keep summary-only files)."""
    try:
        quiet_load(path)
    except LoadError:
        return False
    return True


def per_request_fixtures(fixtures_dir: Path) -> list[Path]:
    """Every per-request fixture file (LLMeter's responses.jsonl, every other tool's files)."""
    files = [fixtures_dir / LLMETER_RUN / "responses.jsonl"]
    for tool in JSON_TOOLS:
        found = (fixtures_dir / tool).rglob("*")
        files.extend(sorted(p for p in found if p.is_file() and p.suffix != ".md"))
    return [p for p in files if _loads(p)]


def assert_same_runs(got: list[Run], expected: list[Run], *, names: bool = True) -> None:
    """The same runs: names (unless `names=False`), formats, every column, row for row."""
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        if names:
            assert a.name == b.name
        assert a.format == b.format and len(a) == len(b)
        for column in a:
            if column == "error":
                assert a["error"].tolist() == b["error"].tolist()
            else:
                np.testing.assert_array_equal(a[column], b[column])


#: The sweep fixtures (tests/fixtures/sweeps/, built by its build.py from each tool's source).
SWEEPS = "sweeps"


def levels(runs: list[Run]) -> list[tuple[str, float | None] | None]:
    """Each run's load level as (kind, value), None where it has none."""
    return [None if r.load is None else (r.load.kind, r.load.value) for r in runs]


def sweep_structure(runs: list[Run]) -> list[tuple[object, object]]:
    """Each run's (sweep_config, repeat) metadata (None where absent)."""
    return [(r.metadata.get("sweep_config"), r.metadata.get("repeat")) for r in runs]


def other_tools_files(fixtures_dir: Path, tool: str, pattern: str = "*") -> list[Path]:
    """Every fixture file matching `pattern` that is not `tool`'s: neither in its folder
    (tests/fixtures/<tool>/) nor in its sweep folders (tests/fixtures/sweeps/<tool>-*/)."""
    own = [fixtures_dir / tool, *(fixtures_dir / SWEEPS).glob(f"{tool}-*")]
    return [
        p
        for p in sorted(fixtures_dir.rglob(pattern))
        if p.is_file() and not any(p.is_relative_to(folder) for folder in own)
    ]
