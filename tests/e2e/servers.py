"""The widget's other hosts for the real-browser tests: Notebook 7 pages and a `marimo run` app.

Notebook 7 is served by the same server as JupyterLab (the `notebook` package adds /notebooks/
to it), so its pages reuse the session's LabServer; Notebook 7 does not expose its app object
to the page, so cells are run the way a user runs them, from the Run menu. marimo gets its own
server per test module on a free port, with private config/cache dirs, stopped by PID.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from playwright.sync_api import Locator, Page

from .lab import (
    DEFAULT_TIMEOUT_S,
    WIDGET_SETTLED_JS,
    E2EError,
    LabServer,
    ServerProcess,
    free_port,
)

#: Where a failed setup leaves a screenshot (the conftest hook only sees a test's own pages).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def screenshot_on_failure(page: Page, name: str) -> str:
    """Save a full-page PNG of `page` as test-artifacts/<name>.png; return where (or why not)."""
    path = ARTIFACTS / f"{name}.png"
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(path), full_page=True, timeout=10_000)
    except Exception as exc:  # a crashed page must not hide the real failure
        return f"(no screenshot: {exc})"
    return str(path)


# ----------------------------------------------------------------------------- Notebook 7


def open_notebook7(
    page: Page, lab: LabServer, name: str, timeout: float = DEFAULT_TIMEOUT_S
) -> None:
    """Open notebook `name` in the Notebook 7 UI (/notebooks/...); wait for an idle kernel."""
    page.goto(f"{lab.url}/notebooks/{name}", wait_until="domcontentloaded")
    try:
        # Before the session starts the indicator already says "idle" next to "No Kernel":
        # wait for the notebook's own kernel to be named and idle.
        page.wait_for_function(
            """() => {
              const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
              const kernel = document.querySelector('.jp-KernelName');
              return !!(document.querySelector('.jp-Notebook .jp-Cell') && status && kernel
                && status.dataset.status === 'idle'
                && !['', 'No Kernel'].includes((kernel.textContent || '').trim()));
            }""",
            timeout=timeout * 1000,
            polling=100,
        )
    except Exception as exc:  # playwright TimeoutError: say what the page shows instead
        raise E2EError(
            f"Notebook 7 did not open {name} with an idle kernel within {timeout:.0f} s "
            f"({type(exc).__name__}); the page shows: {page.inner_text('body')[:1500]!r}\n"
            f"server log: {lab.log_tail(1500)}"
        ) from exc


def run_all_cells_notebook7(page: Page, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """Run every cell as a user does in Notebook 7: Run menu → Run All Cells.

    Waits until the first cell is queued or ran (its prompt leaves "[ ]:"), clicking again if
    a click was lost; does not wait for the cells to finish.
    """
    prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    deadline = time.monotonic() + timeout
    while True:
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
        started = time.monotonic()
        while time.monotonic() - started < 10:
            if re.search(r"\[(\*|\d+)\]", prompt.inner_text()):
                return
            time.sleep(0.1)
        if time.monotonic() > deadline:
            raise E2EError(
                f"Run → Run All Cells did not start the cells within {timeout:.0f} s; "
                f"first prompt {prompt.inner_text()!r}"
            )


# ----------------------------------------------------------------------------- marimo


@dataclass
class MarimoServer(ServerProcess):
    """`marimo run <notebook>` on a free port with private dirs; stop it with `stop()`.

    It runs in its own process group: `stop()` ends it and its children.
    """

    _what: ClassVar[str] = "marimo run"
    _ready_path: ClassVar[str] = "/health"
    _own_group: ClassVar[bool] = True

    url: str
    notebook: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    _log_file: Any = field(repr=False, default=None)

    @classmethod
    def start(cls, notebook: Path, base_dir: Path, timeout: float = 60.0) -> MarimoServer:
        """Serve `notebook` as a read-only app (`marimo run --headless`); wait until it answers."""
        base_dir = Path(base_dir).resolve()
        env = dict(os.environ)
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            folder = base_dir / var.lower()
            folder.mkdir(parents=True, exist_ok=True)
            env[var] = str(folder)  # marimo's config and caches stay in the test's folder
        env["PYTHONUNBUFFERED"] = "1"
        port = free_port()
        cmd = [
            sys.executable, "-m", "marimo", "run", str(notebook),
            "--headless", "--host", "127.0.0.1", "--port", str(port),
            "--no-token", "--no-sandbox",
        ]  # fmt: skip
        log_path = base_dir / "marimo.log"
        process, log_file = cls._spawn(cmd, cwd=notebook.parent, env=env, log_path=log_path)
        server = cls(f"http://127.0.0.1:{port}", notebook, process, log_path, log_file)
        return server._ready_or_stopped(timeout)


def wait_for_marimo_widget(
    page: Page, server: MarimoServer, timeout: float = DEFAULT_TIMEOUT_S
) -> Locator:
    """Wait until the app's TPOTCompare (in marimo's shadow root) shows plots and settled numbers.

    Playwright's CSS locators pierce open shadow roots, so `.tpot-widget` finds it there.
    """
    root = page.locator(".tpot-widget").last
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # `marimo run` shows a failed cell as no output; its traceback goes to the server log.
        if root.count() == 0 and "Traceback (most recent call last)" in server.log_tail(20_000):
            raise E2EError(
                f"a marimo cell failed before the widget rendered:\n{server.log_tail(4000)}"
            )
        if root.count() and root.evaluate(WIDGET_SETTLED_JS):
            return root
        time.sleep(0.2)
    raise E2EError(
        f"the widget did not render in `marimo run` within {timeout:.0f} s; the page shows: "
        f"{page.inner_text('body')[:1500]!r}\nserver log: {server.log_tail(2000)}"
    )
