"""Real-browser test machinery: a throwaway JupyterLab server, notebooks, and waits on the widget.

Used by the e2e tests (tests/e2e/conftest.py) and by benchmarks/bench_widget.py. Everything a
server writes (settings, workspaces, config, runtime files, the kernelspec) lives in a temporary
folder, so the tests never touch the user's Jupyter setup; the kernel is this interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, TypeVar

from playwright.sync_api import Browser, Locator, Page, Playwright

#: Debian's Chromium (`make setup-browser` installs it); browser downloads fail on these machines.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Name of the kernelspec written into the server's private data dir (argv = this Python).
KERNEL_NAME = "tpot-e2e"
#: Generous waits: a kernel busy with a previous cell (or compiling Numba) delays replies.
DEFAULT_TIMEOUT_S = 90.0

#: JS on a `.tpot-widget` root: plots drawn and the panel shows settled numbers for every run.
#: Runs on the root element itself, so it works inside marimo's shadow root too.
WIDGET_SETTLED_JS = """
(root) => {
  const panel = root.querySelector('[data-testid="stats-panel"]');
  if (!panel || panel.dataset.stale !== 'false') return false;
  const rows = panel.querySelectorAll('[data-testid="stat-run"]');
  if (rows.length === 0) return false;
  for (const r of rows) { if (!r.hasAttribute('data-estimate')) return false; }
  for (const id of ['scatter', 'box', 'hist']) {
    const plot = root.querySelector(`[data-testid="${id}"]`);
    if (!plot || !plot.querySelector('svg.main-svg')) return false;
  }
  return true;
}
"""

#: JS on a `.tpot-widget` root of an offline report: it has views and each view's box holds a
#: drawn plot or, where the report cannot draw that view, a note saying why.
REPORT_VIEWS_DRAWN_JS = """
(root) => {
  const views = Array.from(root.querySelectorAll('.tpot-view'));
  return views.length > 0 && views.every((v) => {
    const plot = v.querySelector('.tpot-plot');
    return (plot.hidden && v.querySelector('.tpot-view-note').textContent !== '')
      || plot.querySelector('svg.main-svg') !== null;
  });
}
"""

#: JS: the page's last widget is settled (`WIDGET_SETTLED_JS`), or the traceback of a cell
#: that failed before any widget rendered.
_WIDGET_READY_JS = f"""
() => {{
  const roots = document.querySelectorAll('.tpot-widget');
  const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'))
    .map((o) => o.textContent || '');
  const tb = outputs.find((t) => t.includes('Traceback') || t.includes('Error:'));
  if (tb !== undefined && roots.length === 0) return {{error: tb.slice(0, 4000)}};
  if (roots.length === 0) return null;
  const settled = {WIDGET_SETTLED_JS.strip()};
  return settled(roots[roots.length - 1]) ? {{ok: true}} : null;
}}
"""


class E2EError(AssertionError):
    """A browser-side step failed; the message says which and what the page showed."""


def chromium_missing_message() -> str:
    """The failure text when Debian's Chromium is not installed."""
    return (
        f"{CHROMIUM} not found: the real-browser tests need Debian's Chromium. "
        "Install it with `make setup-browser` (apt-get install chromium)."
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium at /usr/bin/chromium with the flags known to work on these machines."""
    if not CHROMIUM.exists():
        raise E2EError(chromium_missing_message())
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _http_get_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


_S = TypeVar("_S", bound="ServerProcess")


class ServerProcess:
    """What LabServer and MarimoServer share: a logged process, a readiness wait and a stop.

    Subclasses are dataclasses holding `url`, `process`, `log_path` and `_log_file`, and say
    what the messages call them (`_what`), which path answers once they are ready
    (`_ready_path`) and whether they run in their own process group (`_own_group`).
    """

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log_file: Any
    _what: ClassVar[str]
    _ready_path: ClassVar[str]
    _own_group: ClassVar[bool] = False

    @classmethod
    def _spawn(
        cls, cmd: Sequence[str], *, cwd: Path, env: dict[str, str], log_path: Path
    ) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
        """Start `cmd` with stdout and stderr going to `log_path` (left open, for the server)."""
        log_file = log_path.open("wb")
        process = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=cls._own_group,  # then stop() ends it and its children
        )
        return process, log_file

    def _ready_or_stopped(self: _S, timeout: float) -> _S:
        """Wait until the server answers; stop it (and re-raise) if it does not."""
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise E2EError(
                    f"{self._what} exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                url = f"{self.url}{self._ready_path}"
                with urllib.request.urlopen(url, timeout=2.0) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise E2EError(f"{self._what} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n_chars: int = 4000) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n_chars:]
        except OSError:
            return "(no server log)"

    def _signal(self, signum: int) -> None:
        if not self._own_group:
            self.process.send_signal(signum)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the server by PID (its process group if it has one) and wait; SIGKILL if
        it does not exit."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


@dataclass
class LabServer(ServerProcess):
    """A JupyterLab server on a free port with private dirs; stop it with `stop()`."""

    _what: ClassVar[str] = "jupyter lab"
    _ready_path: ClassVar[str] = "/api/status"

    url: str
    root_dir: Path
    base_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    _log_file: Any = field(repr=False, default=None)

    @classmethod
    def start(cls, base_dir: Path, timeout: float = 60.0) -> LabServer:
        """Start `jupyter lab` under `base_dir` (notebooks go in base_dir/notebooks); wait ready."""
        base_dir = Path(base_dir).resolve()
        root_dir = base_dir / "notebooks"
        settings_dir = base_dir / "settings"
        data_dir = base_dir / "data"
        for d in (
            root_dir,
            settings_dir,
            base_dir / "workspaces",
            base_dir / "config",
            base_dir / "runtime",
            base_dir / "ipython",
            data_dir,
        ):
            d.mkdir(parents=True, exist_ok=True)
        # No news / update pop-up covering the page.
        _write_json(
            settings_dir
            / "@jupyterlab"
            / "apputils-extension"
            / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        # The kernel is this very interpreter (the project's venv), whatever else is installed.
        _write_json(
            data_dir / "kernels" / KERNEL_NAME / "kernel.json",
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "tpot_widget e2e (venv Python)",
                "language": "python",
                "metadata": {"debugger": False},
            },
        )
        env = dict(os.environ)
        env.update(
            JUPYTER_PATH=str(data_dir),
            JUPYTER_CONFIG_DIR=str(base_dir / "config"),
            JUPYTER_RUNTIME_DIR=str(base_dir / "runtime"),
            IPYTHONDIR=str(base_dir / "ipython"),
            PYTHONUNBUFFERED="1",
        )
        port = free_port()
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ip", "127.0.0.1", "--port", str(port), "--ServerApp.port_retries=0",
            "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
            # Lets shutdown_kernels() DELETE without an _xsrf cookie (local, throwaway server).
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={root_dir}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.user_settings_dir={settings_dir}",
            f"--LabApp.workspaces_dir={base_dir / 'workspaces'}",
            f"--KernelSpecManager.allowed_kernelspecs={KERNEL_NAME}",
            f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
        ]  # fmt: skip
        log_path = base_dir / "jupyterlab.log"
        process, log_file = cls._spawn(cmd, cwd=root_dir, env=env, log_path=log_path)
        server = cls(f"http://127.0.0.1:{port}", root_dir, base_dir, process, log_path, log_file)
        return server._ready_or_stopped(timeout)

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel (frees the CPU between tests)."""
        try:
            kernels = _http_get_json(f"{self.url}/api/kernels")
        except (urllib.error.URLError, OSError):
            return
        for kernel in kernels:
            request = urllib.request.Request(
                f"{self.url}/api/kernels/{kernel['id']}", method="DELETE"
            )
            with contextlib.suppress(urllib.error.URLError, OSError):
                urllib.request.urlopen(request, timeout=10).close()

    def shutdown_sessions(self, paths: Sequence[str]) -> None:
        """Shut down the kernels of the notebooks at `paths` (relative to the root)."""
        try:
            sessions = _http_get_json(f"{self.url}/api/sessions")
        except (urllib.error.URLError, OSError):
            return
        for session in sessions:
            if session.get("path") in paths:
                request = urllib.request.Request(
                    f"{self.url}/api/sessions/{session['id']}", method="DELETE"
                )
                with contextlib.suppress(urllib.error.URLError, OSError):
                    urllib.request.urlopen(request, timeout=10).close()

    def stop(self, timeout: float = 10.0) -> None:
        """Shut its kernels down, then SIGTERM the server by PID (SIGKILL if it hangs)."""
        if self.process.poll() is None:
            self.shutdown_kernels()
        super().stop(timeout)


def write_notebook(path: Path, cells: Sequence[str]) -> Path:
    """Write a notebook of code `cells` that runs on the e2e kernel (this Python)."""
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {
                "name": KERNEL_NAME,
                "display_name": "tpot_widget e2e",
                "language": "python",
            },
            "language_info": {"name": "python"},
        },
        "cells": [
            {
                "cell_type": "code",
                "id": f"cell-{i}",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def open_notebook(
    page: Page, lab: LabServer, name: str, timeout: float = DEFAULT_TIMEOUT_S
) -> None:
    """Open notebook `name` (relative to the server root) and wait until its kernel is idle."""
    # A fresh workspace per page: Lab would otherwise reopen the notebooks of earlier tests.
    workspace = f"e2e-{uuid.uuid4().hex[:12]}"
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}", wait_until="domcontentloaded")
    page.wait_for_function(
        """() => {
          const app = window.jupyterapp;
          const w = app && app.shell && app.shell.currentWidget;
          const k = w && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel;
          return !!(w && w.content && w.content.widgets && w.content.widgets.length
            && k && k.status === 'idle');
        }""",
        timeout=timeout * 1000,
        polling=100,
    )


def run_all_cells(page: Page) -> None:
    """Run every cell of the current notebook (does not wait for them)."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def wait_for_widget(page: Page, timeout: float = DEFAULT_TIMEOUT_S) -> Locator:
    """Wait until a TPOTCompare shows plots and settled numbers; return its root element.

    Fails at once with the traceback if a cell raised before any widget appeared.
    """
    try:
        handle = page.wait_for_function(_WIDGET_READY_JS, timeout=timeout * 1000, polling=100)
    except Exception as exc:  # playwright TimeoutError: say what the page shows instead
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        raise E2EError(
            f"the widget did not render within {timeout:.0f} s ({type(exc).__name__}).\n"
            f"Cell outputs: {outputs!r}"
        ) from exc
    result = handle.json_value()
    if "error" in result:
        raise E2EError(f"a notebook cell failed before the widget rendered:\n{result['error']}")
    return page.locator(".tpot-widget").last


def state_dump_code(widget_var: str, path: Path) -> str:
    """Notebook code: write the widget's Python-side state as JSON to `path` on every change.

    The test process reads this file to learn what Python really holds (token_range, stats).
    """
    return f"""
import json as _json, os as _os, threading as _threading
_state_lock = _threading.Lock()
_state_version = [0]
_state_history = []
def _dump_state(change=None, _w={widget_var}, _path={str(path)!r}):
    with _state_lock:
        _state_version[0] += 1
        tr = _w.token_range
        _state_history.append([change["name"] if change else "init",
                               None if tr is None else [tr[0], tr[1]],
                               (_w.stats or {{}}).get("token_range")])
        tm = getattr(_w, "time_range", None)
        state = {{
            "version": _state_version[0],
            "history": _state_history[-40:],
            "token_range": None if tr is None else [tr[0], tr[1]],
            "time_range": None if tm is None else [tm[0], tm[1]],
            "slo": dict(getattr(_w, "slo", {{}}) or {{}}),
            "dimension": _w.dimension,
            "x_dimension": _w.x_dimension,
            "statistic": _w.statistic,
            "confidence_level": _w.confidence_level,
            "stats": _w.stats,
        }}
        tmp = _path + ".tmp"
        with open(tmp, "w") as f:
            _json.dump(state, f)
        _os.replace(tmp, _path)
{widget_var}.observe(
    _dump_state,
    names=[n for n in ("stats", "token_range", "time_range", "slo", "dimension")
           if {widget_var}.has_trait(n)],
)
_dump_state()
"""


def read_state(path: Path) -> dict[str, Any] | None:
    """The last state written by `state_dump_code`, or None before the first write."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `predicate()` until it returns a truthy value; fail naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise E2EError(f"timed out after {timeout:.0f} s waiting for {what} (last value: {last!r})")


def index_builder(root: Locator, timeout: float = DEFAULT_TIMEOUT_S) -> str:
    """Where the widget built the indexes its brush reads, once it has: "worker" (off the main
    thread, a worker started from the bundle) or "main" (the page allowed no worker)."""
    return str(
        wait_until(
            lambda: root.get_attribute("data-indexes"), timeout, "the brush's indexes to be built"
        )
    )


def wait_for_state(
    path: Path, condition: Any, timeout: float, what: str, interval: float = 0.1
) -> dict[str, Any]:
    """Poll the notebook's state file until `condition(state)` holds; fail showing the last one."""
    deadline = time.monotonic() + timeout
    state: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        state = read_state(path)
        if state is not None and condition(state):
            return state
        time.sleep(interval)
    shown = None if state is None else {k: v for k, v in state.items() if k != "stats"}
    # history: [trait that changed, token_range, stats' token_range] per change, oldest first.
    raise E2EError(f"timed out after {timeout:.0f} s waiting for {what}; Python state: {shown}")


def execute_in_kernel(page: Page, code: str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """Run `code` in the kernel of the notebook open in `page` (no new cell); raise on error."""
    reply = page.evaluate(
        """async ([code, timeout]) => {
          const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          const future = kernel.requestExecute({code, stop_on_error: true, store_history: false});
          const timer = new Promise((_, reject) =>
            setTimeout(() => reject(new Error('execute timed out')), timeout));
          const msg = await Promise.race([future.done, timer]);
          return msg.content;
        }""",
        [code, timeout * 1000],
    )
    if reply.get("status") != "ok":
        raise E2EError(f"kernel code failed: {code!r}: {reply.get('ename')}: {reply.get('evalue')}")
