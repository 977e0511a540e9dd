"""Thread pools that belong to one process: made on first use, and made again in a forked
child (which inherits the pool object but none of its threads)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor


class ProcessThreads:
    """A `ThreadPoolExecutor` of `workers` threads for the calling process, made lazily."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = workers
        self.name = name
        self._pool: tuple[int, ThreadPoolExecutor] | None = None  # (its process, the pool)
        self._lock = threading.Lock()

    def get(self) -> ThreadPoolExecutor:
        """This process's pool (a forked child gets a new one)."""
        with self._lock:
            if self._pool is None or self._pool[0] != os.getpid():
                executor = ThreadPoolExecutor(self.workers, thread_name_prefix=self.name)
                self._pool = (os.getpid(), executor)
            return self._pool[1]
