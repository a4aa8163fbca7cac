"""The Dask executor: files scanned by the workers of a Dask distributed cluster.

The coordinator (this process) walks the tree, decides what needs scanning and
writes the inventory; it sends batches of paths to the cluster, and every
worker, which must see the share at the same mount path, scans them with a
scanner built from the ``ScanSpec`` and sends back the ``FileResult``s: masked
values and keyed fingerprints only (raw values only when the scan asked for
them). A batch whose worker dies is retried on another (``retries``). Results
are yielded in the order the files were given.

Dask worker processes may not fork (they are daemonic and run threads), so each
worker thread hands its files to a ``SpawnedScanner``: a separate interpreter that
builds the scanner once and is killed and replaced when a file overruns the
per-file time-out, as the local executor's forked workers are.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from scanner.models import FileResult
from scanner.scan.executors.spec import ScanSpec
from scanner.scan.isolation import SpawnedScanner

# per worker process: (spec digest, worker thread) → its spawned scanner
_SCANNERS: dict[tuple[str, int], SpawnedScanner] = {}


def scan_batch(spec: ScanSpec, paths: Sequence[str]) -> list[list[FileResult]]:
    """Runs on a worker: the results of each path of the batch."""
    key = (hashlib.sha256(pickle.dumps(spec)).hexdigest(), threading.get_ident())
    scanner = _SCANNERS.get(key)
    if scanner is None:
        scanner = _SCANNERS[key] = SpawnedScanner(spec, spec.file_timeout_s)
    return [scanner.scan_file(Path(p)) for p in paths]


class DaskExecutor:
    def __init__(
        self,
        spec: ScanSpec,
        scheduler: str | None = None,
        batch_size: int = 16,
        retries: int = 2,
        client=None,
    ) -> None:
        from distributed import Client

        self.client = client or Client(scheduler, set_as_default=False)
        self._own_client = client is None
        self.batch_size = batch_size
        self.retries = retries
        self._spec = self.client.scatter(spec, broadcast=True, hash=False)

    def scan(self, paths: Iterable[Path]) -> Iterator[tuple[Path, list[FileResult]]]:
        window: deque = deque()
        in_flight = 4 * max(1, len(self.client.scheduler_info().get("workers", {})))
        for batch in _batches(paths, self.batch_size):
            future = self.client.submit(
                scan_batch, self._spec, [str(p) for p in batch], retries=self.retries, pure=False
            )
            window.append((batch, future))
            if len(window) >= in_flight:
                yield from _unpack(*window.popleft())
        while window:
            yield from _unpack(*window.popleft())

    def close(self) -> None:
        if self._own_client:
            self.client.close()


def _batches(paths: Iterable[Path], size: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
    for path in paths:
        batch.append(path)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unpack(batch: list[Path], future) -> Iterator[tuple[Path, list[FileResult]]]:
    yield from zip(batch, future.result(), strict=True)
