"""The local executor: ``workers`` isolated extraction processes on this machine.

Each worker is an ``IsolatedScanner`` (a forked process per worker, abandoned and
replaced when a file hangs or crashes it); threads hand them files, since the
work happens in the child processes. Results come back in the order the files
were given, with at most ``4 × workers`` files in flight, so memory stays
bounded whatever the tree's size.
"""

from __future__ import annotations

import os
import queue
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from scanner.models import FileResult
from scanner.scan.executors.spec import ScanSpec
from scanner.scan.isolation import IsolatedScanner


class LocalExecutor:
    def __init__(self, spec: ScanSpec, workers: int | None = None, scanner=None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._scanner = scanner or spec.build()
        self._isolated = [
            IsolatedScanner(self._scanner, timeout=spec.file_timeout_s) for _ in range(self.workers)
        ]
        for worker in self._isolated:  # fork now, before any thread of ours runs
            worker.start()
        self._free: queue.Queue[IsolatedScanner] = queue.Queue()
        for worker in self._isolated:
            self._free.put(worker)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="baomi-scan")

    @property
    def scanner(self):
        return self._scanner

    def scan(self, paths: Iterable[Path]) -> Iterator[tuple[Path, list[FileResult]]]:
        window: deque[tuple[Path, Future]] = deque()
        for path in paths:
            window.append((path, self._pool.submit(self._scan_one, path)))
            if len(window) >= 4 * self.workers:
                done_path, future = window.popleft()
                yield done_path, future.result()
        while window:
            done_path, future = window.popleft()
            yield done_path, future.result()

    def _scan_one(self, path: Path) -> list[FileResult]:
        worker = self._free.get()
        try:
            return worker.scan_file(path)
        finally:
            self._free.put(worker)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        for worker in self._isolated:
            worker.close()
