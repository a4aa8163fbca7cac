"""``baomi watch``: new and changed files are scanned within seconds of being complete.

Threads and queues (every queue bounded, so a burst costs waiting, not memory)::

    watchdog observer ─events─▶ Watcher.pending {path: last change}   (coalesced per path)
                                    │ settler: size and mtime stable for ``settle`` s
                                    ▼
                               work queue ──▶ N scan workers (one isolated extraction
                                    │          process each; optional redacted copy)
                                    ▼
                               results queue ──▶ the writer: the only inventory
                                                  connection; records, moves, removals,
                                                  reconciliation; alerts queue ──▶ alerter

* The native observer (inotify) is used on local disks; network file systems
  (SMB/CIFS, NFS, sshfs …) deliver no inotify events, so a mount of such a type
  (read from ``/proc/mounts``) gets the polling observer, as does ``--polling``.
* Editor and office temporaries (the ``[scan] exclude`` globs: ``~$*``,
  ``.~lock.*#``, ``*.tmp``, ``*.part``, ``.DS_Store``) are ignored.
* A rename or move of a recorded file whose size, mtime and inode are unchanged
  moves its inventory row; a deletion marks it removed.
* On start and every ``reconcile`` seconds an incremental pass over the roots
  catches what the observer missed (events while baomi was stopped, an
  overflowed inotify queue).
* ``--on-finding CMD`` gets the summary of a file with findings as JSON on
  stdin (masked values only); a failing or hanging command is retried with
  back-off in its own thread and never holds up scanning.
* SIGINT/SIGTERM: the workers finish the file in hand, the writer records it,
  and the watcher exits 0.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import logging
import os
import queue
import shlex
import stat
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from scanner.models import FileResult, FileStatus
from scanner.names import path_text, printable
from scanner.scan.fsio import lstat_kind
from scanner.scan.paths import PathMasker
from scanner.scan.walk import refusal, walk, within
from scanner.store.inventory import FileStat, Inventory
from scanner.store.recording import Measure, measured, planned_entry, record_file, sha256_of

log = logging.getLogger("baomi.watch")

NETWORK_FILESYSTEMS = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs", "sshfs", "9p", "davfs", "afs", "ncpfs"}
)


# --- choosing the observer ----------------------------------------------------------------


def mount_type(path: Path, mounts_text: str | None = None) -> str:
    """The file-system type of the mount holding ``path`` (longest mount point wins)."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text()
        except OSError:
            return ""
    target = str(path.resolve())
    best, kind = "", ""
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, parts[2]
    return kind


def needs_polling(path: Path, mounts_text: str | None = None) -> bool:
    return mount_type(path, mounts_text) in NETWORK_FILESYSTEMS


# --- settings and statistics --------------------------------------------------------------


@dataclass(frozen=True)
class WatchSettings:
    roots: tuple[Path, ...]
    exclude: tuple[str, ...] = ()
    polling: bool = False
    interval: float = 5.0  # polling observer: seconds between sweeps
    settle: float = 2.0  # size and mtime unchanged this long: the file is complete
    reconcile: float = 300.0  # seconds between reconciliation passes (0: only at start)
    workers: int = 2
    queue_size: int = 256
    on_finding: str | None = None
    alert_retries: int = 5
    alert_timeout: float = 30.0
    redact_to: Path | None = None


@dataclass
class WatchStats:
    scanned: Counter = field(default_factory=Counter)  # path → times scanned
    moved: int = 0
    removed: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    redacted: int = 0
    redaction_failed: int = 0
    reconciliations: int = 0
    stored_at: dict[str, float] = field(default_factory=dict)  # path → when recorded


@dataclass(frozen=True)
class _Work:
    root: Path
    path: Path


@dataclass(frozen=True)
class _Done:
    work: _Work
    stat: FileStat
    digest: str | None
    results: list[FileResult]


# --- events -------------------------------------------------------------------------------


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return
        src = Path(os.fsdecode(event.src_path))
        if kind == "moved":
            dest = Path(os.fsdecode(event.dest_path))
            self.watcher.moved(src, dest, event.is_directory)
        elif kind == "deleted":
            self.watcher.control.put(("deleted", src))
        elif kind == "created" and event.is_directory:
            # files moved into a new folder before its watch existed send no events
            self.watcher.control.put(("new_folder", src))
        elif not event.is_directory:  # created, modified, closed
            self.watcher.touch(src)


# --- the watcher --------------------------------------------------------------------------


class Watcher:
    """Runs until ``stop()``; ``scanner_factory`` makes one scanner per worker, each with
    ``scan_file(path) -> list[FileResult]`` and ``close()``. ``paths`` masks the paths
    of log lines, alerts and the inventory (the scan's analyser and key; by default
    ``PathMasker.default()``)."""

    def __init__(
        self,
        settings: WatchSettings,
        inventory_path: Path,
        scanner_factory: Callable[[], object],
        redactor_factory: Callable[[], object] | None = None,
        paths: PathMasker | None = None,
        measure: Measure | None = None,
    ) -> None:
        self.paths = paths or PathMasker.default()
        self.measure = measure  # what the inventory holds when the watch stops (trends)
        self.settings = settings
        self.inventory_path = inventory_path
        self.scanner_factory = scanner_factory
        self.redactor_factory = redactor_factory
        self.stats = WatchStats()
        self.pending: dict[Path, float] = {}
        self._pending_lock = threading.Lock()
        self.work: queue.Queue[_Work | None] = queue.Queue(settings.queue_size)
        self.results: queue.Queue[_Done | None] = queue.Queue(settings.queue_size)
        self.control: queue.Queue[tuple] = queue.Queue()
        self.alerts: queue.Queue[dict | None] = queue.Queue(settings.queue_size)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._observer: Any = None
        self.ready = threading.Event()  # set once the first reconciliation is queued
        self.idle = threading.Event()

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        # the scanners' extraction processes are forked here, before any other thread runs
        scanners = [self.scanner_factory() for _ in range(self.settings.workers)]
        for scanner in scanners:
            start = getattr(scanner, "start", None)
            if start:
                start()
        self._observer = self._make_observer()
        handler = _Events(self)
        for root in self.settings.roots:
            self._observer.schedule(handler, str(root), recursive=True)
        self._observer.start()
        self._spawn(self._writer, "baomi-writer")
        self._spawn(self._settler, "baomi-settler")
        self._spawn(self._alerter, "baomi-alerter")
        for i, scanner in enumerate(scanners):
            self._spawn(functools.partial(self._worker, scanner), f"baomi-worker-{i}")

    def stop(self) -> None:
        """Finish the files in hand, record them, and return."""
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        workers = [t for t in self._threads if t.name.startswith("baomi-worker")]
        for _ in workers:
            self._put(self.work, None, force=True)
        for t in workers:
            t.join()
        self._put(self.results, None, force=True)
        self._put(self.alerts, None, force=True)
        for t in self._threads:
            t.join(timeout=self.settings.alert_timeout + 5)

    def request_stop(self, *_: object) -> None:
        self._stop.set()

    def wait_for_stop(self, timeout: float) -> bool:
        return self._stop.wait(timeout)

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _make_observer(self):
        polling = self.settings.polling or any(needs_polling(r) for r in self.settings.roots)
        if polling:
            return PollingObserver(timeout=self.settings.interval)
        return Observer()

    @property
    def observer_kind(self) -> str:
        return "polling" if isinstance(self._observer, PollingObserver) else "native"

    # --- events → pending -----------------------------------------------------------------

    def ignored(self, path: Path) -> bool:
        return any(fnmatch.fnmatch(path.name, p) for p in self.settings.exclude)

    def touch(self, path: Path) -> None:
        if self.ignored(path):
            return
        with self._pending_lock:
            self.pending[path] = time.monotonic()
            self.idle.clear()

    def moved(self, src: Path, dest: Path, is_directory: bool) -> None:
        with self._pending_lock:
            self.pending.pop(src, None)
        self.control.put(("moved", src, dest, is_directory))

    # --- settler: pending → work ----------------------------------------------------------

    def _settler(self) -> None:
        seen: dict[Path, tuple[int, int]] = {}
        while not self._stop.is_set():
            time.sleep(min(0.2, self.settings.settle / 4))
            now = time.monotonic()
            with self._pending_lock:
                candidates = list(self.pending.items())
            for path, changed in candidates:
                if self._stop.is_set():
                    return
                try:
                    st = os.lstat(path)  # a link is judged itself, its target never looked at
                except OSError:
                    self._forget(path, changed)
                    seen.pop(path, None)
                    continue
                signature = (st.st_size, st.st_mtime_ns)
                if seen.get(path) != signature:  # still growing: wait again
                    seen[path] = signature
                    with self._pending_lock:
                        if self.pending.get(path) == changed:
                            self.pending[path] = now
                    continue
                if now - changed < self.settings.settle:
                    continue
                if self._forget(path, changed):
                    seen.pop(path, None)
                    self._put(self.work, _Work(self._root_of(path), path))
            with self._pending_lock:
                if not self.pending and self.work.empty():
                    self.idle.set()

    def _forget(self, path: Path, changed: float) -> bool:
        """Drop ``path`` from pending unless a newer event arrived meanwhile."""
        with self._pending_lock:
            if self.pending.get(path) == changed:
                del self.pending[path]
                return True
        return False

    def _root_of(self, path: Path) -> Path:
        for root in sorted(self.settings.roots, key=lambda r: -len(str(r))):
            if path == root or root in path.parents:
                return root
        return path.parent

    # --- workers: work → results ----------------------------------------------------------

    def _worker(self, scanner) -> None:
        redactor = self.redactor_factory() if self.redactor_factory else None
        try:
            while True:
                work = self.work.get()
                if work is None:
                    return
                if self._stop.is_set():
                    continue  # shutting down: queued files wait for the next start's pass
                done = self._scan(scanner, work)
                if done is not None:
                    if redactor is not None and done.digest is not None:
                        self._redact(redactor, done)
                    self._put(self.results, done, force=True)
        finally:
            close = getattr(scanner, "close", None)
            if close:
                close()

    def _scan(self, scanner, work: _Work) -> _Done | None:
        try:
            st = os.lstat(work.path)
        except OSError:
            return None  # gone again before its turn: the delete event says so
        if stat.S_ISDIR(st.st_mode):
            return None  # a folder's files have events of their own
        reason = self._refusal(work.path)
        if reason:  # a link, a FIFO, a device: recorded as not scanned, never opened
            log.warning("not scanned %s: %s", self._shown(work.path), reason)
            failed = FileResult(path_text(work.path), FileStatus.ERROR, reason=reason)
            return _Done(work, FileStat.of(st), None, [failed])
        planned = planned_entry(work.root, work.path, "")
        if planned.stat is None:
            return None
        results = scanner.scan_file(work.path)
        ok = results and results[0].status is FileStatus.SCANNED
        digest = (results[0].sha256 or sha256_of(work.path)) if ok else None
        return _Done(work, planned.stat, digest, results)

    def _refusal(self, path: Path) -> str:
        """Why ``path`` is not read ("" when it is a regular file inside the roots)."""
        if not within(path, self.settings.roots):
            return "outside the watched folders, not read"
        return refusal(path, self.settings.roots)

    def _redact(self, redactor, done: _Done) -> None:
        from scanner.redact.engine import Job, redacted_path

        target = self.settings.redact_to
        assert target is not None
        # checked again just before the copy: the file may have been swapped for a link
        # (to /etc/passwd, the key file) or a FIFO since it was scanned
        try:
            reason = self._refusal(done.work.path) or lstat_kind(done.work.path)
        except OSError as exc:
            reason = f"cannot stat: {exc.strerror}"
        if reason:
            self.stats.redaction_failed += 1
            log.warning("redacted copy of %s not written: %s", self._shown(done.work.path), reason)
            return
        relative = (
            done.work.path.relative_to(done.work.root)
            if done.work.root.is_dir()
            else (Path(done.work.path.name))
        )
        # folder and file names redacted as in baomi redact --out-dir
        copy = target / redacted_path(relative, redactor.rewriter)
        outcome = redactor.run(Job(done.work.path, copy))
        if outcome.ok:
            self.stats.redacted += 1
        else:
            self.stats.redaction_failed += 1
            log.warning(
                "redacted copy of %s not written: %s", self._shown(done.work.path), outcome.reason
            )

    # --- writer: the one inventory connection ---------------------------------------------

    def _writer(self) -> None:
        inventory = Inventory.open(self.inventory_path, writer=True, paths=self.paths)
        try:
            run_id = inventory.begin_run(self.settings.roots, incremental=True)
            last_reconcile = -1e9
            while True:
                if self._reconcile_due(last_reconcile):
                    self._reconcile(inventory)
                    last_reconcile = time.monotonic()
                    self.ready.set()
                self._apply_control(inventory)
                try:
                    done = self.results.get(timeout=0.2)
                except queue.Empty:
                    continue
                if done is None:
                    self._apply_control(inventory)
                    break
                self._record(inventory, run_id, done)
            scanned = sum(self.stats.scanned.values())
            measures = measured(self.measure, inventory)
            inventory.finish_run(run_id, scanned, scanned, 0, self.stats.removed, measures)
        finally:
            inventory.close()

    def _reconcile_due(self, last: float) -> bool:
        if self._stop.is_set():
            return False
        if last < 0:
            return True
        return self.settings.reconcile > 0 and time.monotonic() - last >= self.settings.reconcile

    def _reconcile(self, inventory: Inventory) -> None:
        """An incremental pass: new or changed files are queued, vanished ones removed."""
        known = inventory.known_files(self.settings.roots)
        seen: set[str] = set()
        for root in self.settings.roots:
            for entry in walk([root], self.settings.exclude):
                key = inventory.key_of(entry.path)
                seen.add(key)
                if entry.error:  # a link, a FIFO …: recorded once as not scanned
                    self._reconcile_refused(entry.path, known.get(key))
                    continue
                record = known.get(key)
                planned = planned_entry(root, entry.path, "")
                if planned.stat is None:
                    continue
                if record is None or record.stat != planned.stat or record.status == "error":
                    self.touch(entry.path)
        gone = [k.id for key, k in known.items() if key not in seen]
        inventory.mark_removed(gone)
        self.stats.removed += len(gone)
        self.stats.reconciliations += 1

    def _reconcile_refused(self, path: Path, record) -> None:
        """A walk refusal is queued (to be reported and recorded) when it is new or has
        changed; one already recorded is not reported again on every pass."""
        try:
            st = os.lstat(path)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode):
            return  # a folder that cannot be listed: reported by `baomi scan`
        if record is None or record.stat != FileStat.of(st) or record.status != "error":
            self.touch(path)

    def _apply_control(self, inventory: Inventory) -> None:
        while True:
            try:
                message = self.control.get_nowait()
            except queue.Empty:
                return
            if message[0] == "deleted":
                self.stats.removed += inventory.remove_under(message[1])
            elif message[0] == "new_folder":
                for entry in walk([message[1]], self.settings.exclude):
                    if inventory.lookup(entry.path) is None:  # refusals too: reported
                        self.touch(entry.path)
            elif message[0] == "moved":
                self._apply_move(inventory, *message[1:])

    def _apply_move(self, inventory: Inventory, src: Path, dest: Path, is_dir: bool) -> None:
        if is_dir:  # a folder moved: every file below it is looked at again
            self.stats.removed += inventory.remove_under(src)
            for entry in walk([dest], self.settings.exclude):
                self.touch(entry.path)  # refusals too: the worker reports and records them
            return
        if self.ignored(dest):  # saved through a temporary and renamed back is a change
            self.stats.removed += inventory.remove_under(src)
            return
        record = inventory.lookup(src)
        planned = planned_entry(self._root_of(dest), dest, "")
        same = record is not None and planned.stat is not None and record.stat == planned.stat
        if same and inventory.move(src, dest):
            self.stats.moved += 1
            return
        if record is not None:
            self.stats.removed += inventory.remove_under(src)
        self.touch(dest)  # an office save: temporary renamed over the document

    def _record(self, inventory: Inventory, run_id: int, done: _Done) -> None:
        path = done.work.path
        record_file(inventory, run_id, done.work.root, path, done.stat, done.results)
        self.stats.scanned[str(path)] += 1
        self.stats.stored_at[str(path)] = time.time()
        findings = [f for r in done.results for f in r.findings]
        log.debug(  # shown with -v: one line per scanned file, masked values only
            "已扫描 scanned %s: %d findings %s",
            self._shown(path),
            len(findings),
            "、".join(printable(f.masked) for f in findings[:3]),
        )
        if findings and self.settings.on_finding:
            self._put(self.alerts, _summary(self.paths.shown_path(path), findings), force=False)

    # --- alerts ---------------------------------------------------------------------------

    def _alerter(self) -> None:
        while True:
            summary = self.alerts.get()
            if summary is None:
                return
            self._send(summary)

    def _send(self, summary: dict) -> None:
        payload = json.dumps(summary, ensure_ascii=False).encode("utf-8")
        delay = 0.5
        for attempt in range(1, self.settings.alert_retries + 1):
            try:
                done = subprocess.run(
                    shlex.split(self.settings.on_finding or ""),
                    input=payload,
                    capture_output=True,
                    timeout=self.settings.alert_timeout,
                )
                if done.returncode == 0:
                    self.stats.alerts_sent += 1
                    return
                reason = f"exit code {done.returncode}"
            except subprocess.TimeoutExpired:
                reason = f"no answer in {self.settings.alert_timeout:g} s"
            except OSError as exc:
                reason = exc.strerror or str(exc)
            log.warning("alert command failed (attempt %d): %s", attempt, reason)
            if self._stop.wait(delay) and attempt > 1:
                break  # shutting down: one last try was made
            delay = min(delay * 2, 60.0)
        self.stats.alerts_failed += 1

    # --- helpers --------------------------------------------------------------------------

    def _shown(self, path: Path) -> str:
        """A path for the log: values in its names masked, undecodable bytes and control
        characters escaped."""
        return printable(self.paths.shown_path(path))

    def _put(self, q: queue.Queue, item: object, force: bool = True) -> None:
        """Put, waiting while the queue is full (back-pressure); alerts are dropped with a
        warning instead when the alert command cannot keep up (``force=False``)."""
        while True:
            try:
                q.put(item, timeout=0.5)
                return
            except queue.Full:
                if not force:
                    log.warning("alert queue full: an alert was dropped")
                    return
                if self._stop.is_set() and item is not None and q is self.work:
                    return


def _summary(shown: str, findings: Sequence) -> dict:
    """What an alert says: the masked path, masked values and counts only."""
    counts = Counter(f.entity_type for f in findings)
    return {
        "path": shown,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "findings": len(findings),
        "by_type": dict(counts),
        "clients": sorted({f.client for f in findings if f.client}),
        "examples": [
            {"entity_type": f.entity_type, "masked": f.masked, "location": f.location}
            for f in findings[:10]
        ],
    }
