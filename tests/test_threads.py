"""The process-owned thread pools: one per process, a forked child's its own."""

from __future__ import annotations

import multiprocessing
import os
import sys

import pytest

from tpot_widget._threads import ProcessThreads

THREADS = ProcessThreads(2, "tpot-test")


def test_the_pool_is_made_once_per_process() -> None:
    assert THREADS.get() is THREADS.get()
    assert THREADS.get().submit(os.getpid).result(timeout=10) == os.getpid()


def _child_pool_answers(queue: multiprocessing.Queue[int]) -> None:
    queue.put(THREADS.get().submit(os.getpid).result(timeout=10))


@pytest.mark.skipif(sys.platform != "linux", reason="fork is Linux's default here")
def test_a_forked_child_gets_its_own_working_pool() -> None:
    THREADS.get().submit(int).result()  # the parent's threads exist before the fork
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[int] = context.Queue()
    child = context.Process(target=_child_pool_answers, args=(queue,))
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == child.pid
