"""_outbox.wait_until_sent: the kernel's IOPub thread has passed on what was sent before."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

from tpot_widget import _outbox


class FakeIOPubThread:
    """ipykernel's IOPubThread as _outbox sees it: `schedule(f)` runs f on its own thread, in
    order; `thread` is that thread."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            self._jobs.get()()

    def schedule(self, f: Callable[[], None]) -> None:
        self._jobs.put(f)


def comm_of(thread: object) -> SimpleNamespace:
    return SimpleNamespace(kernel=SimpleNamespace(iopub_thread=thread))


def test_it_returns_once_the_messages_sent_before_have_left() -> None:
    thread = FakeIOPubThread()
    sent: list[str] = []

    def slow_send() -> None:
        time.sleep(0.02)  # the IOPub thread busy with a message
        sent.append("stats")

    thread.schedule(slow_send)
    assert _outbox.wait_until_sent(comm_of(thread)) is True
    assert sent == ["stats"]


def test_a_stuck_thread_is_waited_for_at_most_the_limit() -> None:
    thread = FakeIOPubThread()
    release = threading.Event()
    thread.schedule(release.wait)  # never done until released
    start = time.perf_counter()
    assert _outbox.wait_until_sent(comm_of(thread), limit_s=0.01) is True
    assert time.perf_counter() - start < 1.0
    release.set()


def test_without_an_ipykernel_there_is_nothing_to_wait_for() -> None:
    assert _outbox.wait_until_sent(None) is False
    assert _outbox.wait_until_sent(SimpleNamespace(kernel=None)) is False
    stopped = SimpleNamespace(schedule=lambda f: f(), thread=threading.Thread(target=lambda: None))
    assert _outbox.wait_until_sent(comm_of(stopped)) is False  # never started
