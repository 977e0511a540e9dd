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


def _data_files() -> list[Path]:
    """Every per-request fixture file a loader claims (text formats; folders left out)."""
    return [p for p in _fixture_paths() if p.is_file() and _claims(p) not in ([], ["evalscope"])]


@pytest.mark.filterwarnings("ignore:.*kept only a sample")
@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_compressed_file_loads_under_the_same_run_names(path: Path, tmp_path: Path) -> None:
    # the run is named as the plain file's would be: no ".jsonl" / ".json" left in the name
    import gzip
    import shutil

    from tpot_widget.loaders import load_runs

    tool_dir = path.relative_to(FIXTURES).parts[0]
    plain_root, packed_root = tmp_path / "plain", tmp_path / "packed"
    shutil.copytree(FIXTURES / tool_dir, plain_root / tool_dir)
    shutil.copytree(FIXTURES / tool_dir, packed_root / tool_dir)
    relative = path.relative_to(FIXTURES)
    packed = packed_root / relative
    packed.with_name(packed.name + ".gz").write_bytes(gzip.compress(packed.read_bytes()))
    packed.unlink()
    plain_runs = load_runs(plain_root / relative)
    packed_runs = load_runs(packed.with_name(packed.name + ".gz"))
    assert [r.name for r in packed_runs] == [r.name for r in plain_runs]
    for name in (r.name for r in packed_runs):
        assert ".json" not in name and ".gz" not in name
    for a, b in zip(plain_runs, packed_runs, strict=True):
        assert a.format == b.format and len(a) == len(b)
