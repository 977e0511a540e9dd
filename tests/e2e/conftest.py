"""Fixtures of the real-browser tests: one headless Chromium and one JupyterLab per session.

Every test here gets the `e2e` marker. A failing browser test leaves a screenshot of its page
in test-artifacts/ (gitignored) so a CI failure can be looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .lab import (
    CHROMIUM,
    LabServer,
    chromium_missing_message,
    launch_chromium,
    open_notebook,
    run_all_cells,
    wait_for_widget,
    write_notebook,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as `e2e` (select or skip them with -m)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Save a PNG of every page a failed browser test had open into test-artifacts/."""
    report = yield
    if report.failed and call.when in ("setup", "call"):
        pages: list[Page] = []
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Page):
                pages.append(value)
            elif isinstance(value, NotebookPages):
                pages.extend(value.pages)
            elif isinstance(getattr(value, "page", None), Page):
                pages.append(value.page)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:]
        for i, page in enumerate(pages):
            if page.is_closed():
                continue
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{name}{'' if i == 0 else f'-{i}'}.png"
            try:
                page.screenshot(path=str(path), full_page=True, timeout=10_000)
                report.sections.append(("e2e screenshot", str(path)))
            except Exception as exc:  # a crashed page must not hide the real failure
                report.sections.append(("e2e screenshot", f"failed: {exc}"))
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium; fails (never skips) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(chromium_missing_message(), pytrace=False)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab with private settings/workspaces/config/runtime dirs and the venv's kernel."""
    server = LabServer.start(tmp_path_factory.mktemp("lab"))
    try:
        yield server
    finally:
        server.stop()


@dataclass
class NotebookPages:
    """Opens generated notebooks in fresh browser contexts; closes them and their kernels after."""

    browser: Browser
    lab: LabServer
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def open(self, name: str, cells: Sequence[str], run: bool = True) -> Page:
        """Write notebook `name` from `cells`, open it in Lab and (by default) run all cells."""
        write_notebook(self.lab.root_dir / name, cells)
        self.names.append(name)
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.pages.append(page)
        open_notebook(page, self.lab, name)
        if run:
            run_all_cells(page)
        return page

    def open_widget(self, name: str, cells: Sequence[str]) -> Page:
        """Open and run a notebook whose last cell displays a TPOTCompare; wait until rendered."""
        page = self.open(name, cells)
        wait_for_widget(page)
        return page

    def close(self) -> None:
        """Close every context and shut down the kernels of the notebooks it opened."""
        for context in self.contexts:
            context.close()
        self.lab.shutdown_sessions(self.names)


@pytest.fixture
def notebooks(browser: Browser, lab: LabServer) -> Iterator[NotebookPages]:
    """Per-test opener of generated notebooks; everything it opened is closed afterwards."""
    opener = NotebookPages(browser, lab)
    try:
        yield opener
    finally:
        opener.close()


@pytest.fixture(scope="module")
def module_notebooks(browser: Browser, lab: LabServer) -> Iterator[NotebookPages]:
    """Like `notebooks`, for a notebook several tests of one module share."""
    opener = NotebookPages(browser, lab)
    try:
        yield opener
    finally:
        opener.close()


def state_file(lab: LabServer, name: str) -> Path:
    """Where a notebook writes its widget's Python-side state (see lab.state_dump_code)."""
    folder = lab.base_dir / "state"
    folder.mkdir(exist_ok=True)
    return folder / f"{re.sub(r'[^A-Za-z0-9_]+', '_', name)}.json"


@pytest.fixture
def state_path(lab: LabServer, request: pytest.FixtureRequest) -> Path:
    """This test's state file (see state_file)."""
    return state_file(lab, request.node.name)
