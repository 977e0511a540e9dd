"""Every loader is a `Loader` (FORMAT, sniff, load), and detection is unambiguous: exactly
one registered loader claims each per-request fixture in tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from tpot_widget.loaders import FORMATS, LOADERS, Loader
from tpot_widget.loaders._io import read_head

#: Fixture files that are not per-request outputs (an LLMeter run folder's other files,
#: notes); a tool may also keep summary-only files, which no loader claims.
_NOT_DATA = {".md", ".txt"}


def _fixture_paths() -> list[Path]:
    """Each LLMeter run folder, and every other fixture file (all tools, any depth)."""
    paths: list[Path] = []
    for tool in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        if tool.name == "llmeter":
            paths.extend(sorted(p for p in tool.iterdir() if p.is_dir()))
            continue
        paths.extend(
            sorted(p for p in tool.rglob("*") if p.is_file() and p.suffix not in _NOT_DATA)
        )
    return paths


def _claims(path: Path) -> list[str]:
    head = read_head(path)
    return [m.FORMAT for m in LOADERS if m.sniff(path, head)]


def test_every_loader_has_the_loader_shape() -> None:
    assert len(FORMATS) == len(LOADERS)  # names are unique
    for module in LOADERS:
        assert isinstance(module.FORMAT, str) and module.FORMAT
        assert callable(module.sniff) and callable(module.load)
        loader: Loader = module  # a module satisfies the Protocol structurally
        assert loader.FORMAT in FORMATS


@pytest.mark.parametrize("path", _fixture_paths(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_exactly_one_loader_claims_each_fixture(path: Path) -> None:
    tool = path.relative_to(FIXTURES).parts[0]
    claims = _claims(path)
    if not claims:
        # only a tool's own non-request files may go unclaimed (e.g. a summary-only export)
        pytest.skip(f"no loader claims {path.name} (not a per-request file)")
    assert len(claims) == 1, f"{path} is claimed by {claims}"
    if tool in FORMATS:
        assert claims == [tool]


def test_the_fixtures_of_every_format_are_claimed() -> None:
    claimed = {c for p in _fixture_paths() for c in _claims(p)}
    tools_with_fixtures = {p.name for p in FIXTURES.iterdir() if p.is_dir()} & set(FORMATS)
    assert tools_with_fixtures <= claimed
