"""Shared test fixtures: where the benchmark tools' sample outputs live; a silent server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
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


@pytest.fixture
def silent_server() -> Iterator[str]:
    """The base URL of a server on 127.0.0.1 that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:  # closed at the end of the test
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in held:
            connection.close()
