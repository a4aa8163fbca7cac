"""Where files are scanned: one interface, an engine per module.

An executor takes the files to scan, in order, and gives back, in the same order,
each file with its ``FileResult``s (masked values and keyed fingerprints only,
unless the scan asked for values). The coordinator — ``baomi scan`` in this
process — walks, decides what needs scanning (incremental), and is the single
writer of the inventory; executors only extract and analyse.

* ``local`` (``scanner/scan/executors/local.py``): a pool of isolated extraction
  processes on this machine (``--workers N``, default: every core);
* ``dask`` (``scanner/scan/executors/dask.py``): a Dask distributed cluster
  (``--executor dask --scheduler tcp://HOST:8786``).

Adding an engine (Ray, Spark): one module with a class implementing ``Executor``
and one line in ``EXECUTORS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from scanner.models import FileResult


class Executor(Protocol):
    def scan(self, paths: Iterable[Path]) -> Iterator[tuple[Path, list[FileResult]]]:
        """Each path with its results, in the order given."""
        ...

    def close(self) -> None: ...


EXECUTORS = {
    "local": "scanner.scan.executors.local:LocalExecutor",
    "dask": "scanner.scan.executors.dask:DaskExecutor",
}


def executor_class(name: str) -> type:
    module, _, cls = EXECUTORS[name].partition(":")
    return getattr(__import__(module, fromlist=[cls]), cls)
