"""A scan that keeps the inventory: walk, skip what has not changed, scan the rest,
record each file in its own transaction, and mark what disappeared.

``RecordedScan.results()`` yields the ``FileResult``s of the files actually
scanned (for the console or JSONL report) while writing each file's results to
the inventory before moving on, so a scan killed at any point loses at most the
file in hand. A file counts as unchanged when its size, mtime and inode equal
the recorded ones (and, with ``hash_check``, its SHA-256 too; a file whose
stat changed but whose content did not is then only re-stamped). An
unchanged tree of 20,000 files therefore costs one ``stat`` per file and one
query.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from scanner.models import FileResult, FileStatus
from scanner.names import path_text
from scanner.scan.executors import Executor
from scanner.scan.fsio import open_regular
from scanner.scan.walk import walk
from scanner.store.inventory import FileStat, Inventory, KnownFile, MeasureRow

# What a run keeps of the inventory as it finishes (the application passes
# ``reports.trends.measures_of`` of the summary): the points of a report's trends.
Measure = Callable[[Inventory], Sequence[MeasureRow]]
log = logging.getLogger("baomi.inventory")


def measured(measure: Measure | None, inventory: Inventory) -> Sequence[MeasureRow]:
    """``measure`` of ``inventory``; none when it fails (the run still finishes: every
    file is recorded, only the trend loses a point, and the log says why)."""
    if measure is None:
        return ()
    try:
        return measure(inventory)
    except Exception as exc:  # a report-side failure must not leave the run unfinished
        log.warning("run measures not kept (no trend point for this run): %s", exc)
        return ()


class FileScanner(Protocol):
    def scan_file(self, path: Path) -> list[FileResult]: ...


@dataclass
class RunCounts:
    seen: int = 0
    scanned: int = 0
    unchanged: int = 0
    removed: int = 0
    unchanged_findings: int = 0  # findings already recorded for the unchanged files
    resumed_from: int | None = None  # the interrupted run this one continued


@dataclass(frozen=True, slots=True)
class Planned:
    root: Path
    path: Path
    stat: FileStat | None  # None: the walk could not stat it
    error: str = ""


Progress = Callable[[int, int], None]  # (files done, bytes done)


@dataclass
class RecordedScan:
    inventory: Inventory
    scanner: FileScanner | None  # unused when an executor scans
    roots: Sequence[Path]
    exclude: Sequence[str] = ()
    follow_symlinks: bool = False
    incremental: bool = False
    hash_check: bool = False
    executor: Executor | None = None  # several files at once (local pool, Dask); else one by one
    counts: RunCounts = field(default_factory=RunCounts)
    measure: Measure | None = None  # what the inventory holds as the run ends (trends)
    total_files: int = 0
    total_bytes: int = 0
    _plan: list[Planned] = field(default_factory=list)

    def plan(self) -> list[Planned]:
        """Walk every root once (stat only); sets ``total_files`` and ``total_bytes``."""
        if not self._plan:
            for root in self.roots:
                for entry in walk([root], self.exclude, self.follow_symlinks):
                    self._plan.append(planned_entry(root, entry.path, entry.error))
            self.total_files = len(self._plan)
            self.total_bytes = sum(p.stat.size for p in self._plan if p.stat)
        return self._plan

    def results(self, progress: Progress | None = None) -> Iterator[FileResult]:
        plan = self.plan()
        run_id = self.inventory.begin_run(self.roots, self.incremental)
        interrupted = self.inventory.interrupted_run()
        skip_unchanged = self.incremental or interrupted is not None
        if interrupted is not None and not self.incremental:
            self.counts.resumed_from = interrupted.id
        known = self.inventory.known_files(self.roots)
        seen: set[str] = set()
        unchanged_ids: list[int] = []
        done = [0, 0]  # files, bytes

        def advance(item: Planned) -> None:
            done[0] += 1
            done[1] += item.stat.size if item.stat else 0
            if progress:
                progress(done[0], done[1])

        def to_scan() -> Iterator[Planned]:
            """The plan minus what is unchanged (counted and passed over here)."""
            for item in plan:
                key = self.inventory.key_of(item.path)  # files are known by their path key
                seen.add(key)
                self.counts.seen += 1
                record = known.get(key)
                if skip_unchanged and record and self._unchanged(item, record, interrupted):
                    self.counts.unchanged += 1
                    unchanged_ids.append(record.id)
                    advance(item)
                else:
                    yield item

        for item, results in self._scanned(to_scan()):
            yield from self._record(run_id, item, results)
            advance(item)
        gone = [k.id for key, k in known.items() if key not in seen]
        self.inventory.mark_removed(gone)
        self.counts.removed = len(gone)
        self.counts.unchanged_findings = self.inventory.findings_in(unchanged_ids)
        counts = self.counts
        measures = measured(self.measure, self.inventory)
        self.inventory.finish_run(
            run_id, counts.seen, counts.scanned, counts.unchanged, len(gone), measures
        )

    def _scanned(self, items: Iterator[Planned]) -> Iterator[tuple[Planned, list[FileResult]]]:
        """Each item with its results: walk errors answered here, the rest by the executor
        (several at once, in order) or, without one, by the scanner one by one."""
        if self.executor is None:
            for item in items:
                yield item, self._failure(item) or self._scan_one(item.path)
            return
        submitted: deque[Planned] = deque()
        ready: deque[tuple[Planned, list[FileResult]]] = deque()

        def paths() -> Iterator[Path]:
            for item in items:
                failure = self._failure(item)
                if failure:
                    ready.append((item, failure))
                    continue
                submitted.append(item)
                yield item.path

        for _, results in self.executor.scan(paths()):
            while ready:
                yield ready.popleft()
            yield submitted.popleft(), results
        while ready:
            yield ready.popleft()

    def _scan_one(self, path: Path) -> list[FileResult]:
        """One file, by the scanner: without an executor, a RecordedScan has one."""
        assert self.scanner is not None, "a RecordedScan needs a scanner or an executor"
        return self.scanner.scan_file(path)

    @staticmethod
    def _failure(item: Planned) -> list[FileResult] | None:
        if item.error or item.stat is None:
            reason = item.error or "cannot stat"
            return [FileResult(path_text(item.path), FileStatus.ERROR, reason=reason)]
        return None

    def _unchanged(self, item: Planned, record: KnownFile, interrupted) -> bool:
        if item.stat is None or record.status == "error":
            return False  # errors are retried: the cause may be gone
        if not self.incremental and interrupted is not None and record.run_id < interrupted.id:
            return False  # resuming: only what the interrupted run itself recorded is done
        same_stat = item.stat == record.stat
        if not self.hash_check:
            return same_stat
        digest = sha256_of(item.path, self.follow_symlinks)
        if digest is None or digest != record.sha256:
            return False
        if not same_stat:  # touched or copied over with the same content: re-stamp only
            self.inventory.restamp(record.id, item.stat)
        return True

    def _record(
        self, run_id: int, item: Planned, results: list[FileResult]
    ) -> Iterator[FileResult]:
        stat = item.stat or FileStat(0, 0, 0)
        record_file(
            self.inventory, run_id, item.root, item.path, stat, results, self.follow_symlinks
        )
        self.counts.scanned += 1
        yield from results


def record_file(
    inventory: Inventory,
    run_id: int,
    root: Path,
    path: Path,
    stat: FileStat,
    results: Sequence[FileResult],
    follow_symlinks: bool = False,
) -> None:
    """One file's results into the inventory, in one transaction (``baomi scan``, ``watch``
    and ``retention`` alike): its row with the content hash when it was scanned, its
    owner, its findings, and — for a confidentiality agreement — the seven-clause check
    the scan's worker made (``FileResult.agreement``)."""
    scanned = bool(results) and results[0].status is FileStatus.SCANNED
    digest = None
    if scanned:
        digest = results[0].sha256 or sha256_of(path, follow_symlinks)
    inventory.record(run_id, root, path, stat, digest, owner_of(path), results)
    agreement = results[0].agreement if scanned else None
    if agreement is not None:
        clauses = {c.key: {"present": c.present, "location": c.location} for c in agreement.clauses}
        inventory.record_agreement(path, agreement.complete, agreement.missing, clauses)


def planned_entry(root: Path, path: Path, error: str) -> Planned:
    if error:
        return Planned(root, path, None, error)
    try:
        return Planned(root, path, FileStat.of(path.stat()))
    except FileNotFoundError:
        return Planned(root, path, None, "vanished before it could be read")
    except OSError as exc:
        return Planned(root, path, None, f"cannot stat: {exc.strerror}")


def sha256_of(path: Path, follow_symlinks: bool = False) -> str | None:
    """The SHA-256 of a regular file; None for anything else (a link, a FIFO, a device
    swapped in after the walk is never read) or when it cannot be read."""
    try:
        with open_regular(path, follow_symlinks) as fh:
            # fh is a BufferedReader (os.fdopen "rb"), which has the readinto file_digest
            # wants; open_regular declares it as BinaryIO, which does not
            return hashlib.file_digest(fh, "sha256").hexdigest()  # type: ignore[arg-type]
    except OSError:
        return None


_OWNERS: dict[int, str] = {}


def owner_of(path: Path) -> str:
    try:
        uid = os.stat(path).st_uid
    except OSError:
        return ""
    if uid not in _OWNERS:
        try:
            _OWNERS[uid] = pwd.getpwuid(uid).pw_name
        except KeyError:
            _OWNERS[uid] = str(uid)
    return _OWNERS[uid]
