"""Let a widget's sent messages leave the kernel before it starts long work.

ipykernel sends IOPub messages (a widget's state updates) from a thread of its own, which
needs the GIL at each step. While the kernel's main thread computes in Python (a sweep's
every level after the panel's numbers were sent), that thread gets the GIL only at the
interpreter's switch interval, and a message already "sent" reached the browser 10–40 ms
late (benchmarks/bench_sweep_widget.py). Waiting here until the thread has passed the
message on costs the main thread a millisecond or two, with the GIL released.
"""

from __future__ import annotations

import threading
from typing import Any

#: Longest wait (s) for the IOPub thread; past it the work goes on (never a hang).
WAIT_LIMIT_S = 0.05


def _iopub_thread(comm: Any) -> Any:
    """The kernel's IOPub thread behind `comm` (ipykernel), or None (another frontend's comm,
    no kernel, the thread stopped, or this is that thread)."""
    thread = getattr(getattr(comm, "kernel", None), "iopub_thread", None)
    worker = getattr(thread, "thread", None)
    if not callable(getattr(thread, "schedule", None)) or worker is None:
        return None
    if not worker.is_alive() or worker.ident == threading.get_ident():
        return None
    return thread


def wait_until_sent(comm: Any, limit_s: float = WAIT_LIMIT_S) -> bool:
    """Block until the messages sent on `comm` so far have left the IOPub thread.

    Returns whether it waited (False where there is nothing to wait for, e.g. marimo).
    """
    thread = _iopub_thread(comm)
    if thread is None:
        return False
    done = threading.Event()
    thread.schedule(done.set)  # runs after every send scheduled before it
    done.wait(limit_s)
    return True
