"""Shared test fixtures: where the benchmark tools' sample outputs live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Real sample outputs of the benchmark tools, one subfolder per tool (see its README).
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The folder of real sample outputs, one subfolder per tool."""
    if not FIXTURES.is_dir():
        pytest.fail(f"benchmark fixtures not found at {FIXTURES} (tests/fixtures in the repo)")
    return FIXTURES
