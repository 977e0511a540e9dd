"""Shared test fixtures: where the benchmark tools' sample outputs live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ../shared/fixtures from the project's root (CI lays shared/ beside the clone too).
FIXTURES = (ROOT.parent / "shared" / "fixtures").resolve()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The folder of real sample outputs, one subfolder per tool."""
    if not FIXTURES.is_dir():
        pytest.fail(f"benchmark fixtures not found at {FIXTURES} (expected ../shared/fixtures)")
    return FIXTURES
