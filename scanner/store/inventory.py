"""The compliance inventory: an embedded SQLite store of scan runs, files and findings.

What it holds (``SCHEMA``): scan runs; one row per file on disk (path, size,
mtime, inode, SHA-256 of the content, detected type, owner, status or error);
the findings in it and in its archive members (entity type, location, score,
recognizer, the **masked** value and the keyed fingerprint of the normalised
value, never the raw value); the clients found per file (masked name and keyed
fingerprint); and the parts that could not be read. The fingerprint key lives
outside the database (``scanner/keys.py``).

Guarantees:

* **One transaction per file**: a file's row, its findings, clients and
  problems are replaced together, so a scan killed at any moment leaves every
  file either as it was or fully updated — never half, never twice.
* **Resumable**: a run left ``running`` by a dead process is marked
  ``interrupted``; the next scan of the same inventory skips files it already
  recorded unchanged (as ``--incremental`` always does).
* **One writer**: an exclusive POSIX lock on ``<db>.lock`` is held for the
  whole scan; a second scan says who holds it and stops.
* **Migrated on open**: ``PRAGMA user_version`` counts the applied
  ``MIGRATIONS``; a newer database than this baomi knows is refused.
* **The only SQL**: every statement baomi runs is in this module; reports,
  compliance, recording and the command line use the query and command methods
  below, which return rows as named tuples or small dataclasses, never cursors
  (``tests/scanner/test_store_owns_sql.py`` checks).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from scanner.models import CLIENT, FileResult, FileStatus
from scanner.names import path_text, unsurrogate
from scanner.scan.paths import PathMasker
from scanner.store.location import DEFAULT_PATH as DEFAULT_PATH  # the store's callers' names
from scanner.store.location import ENV_VAR as ENV_VAR
from scanner.store.location import resolve_path as resolve_path

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started REAL NOT NULL,
        finished REAL,
        roots TEXT NOT NULL,           -- JSON list of the scanned paths
        mode TEXT NOT NULL,            -- full | incremental
        status TEXT NOT NULL,          -- running | finished | interrupted
        pid INTEGER NOT NULL,
        files_seen INTEGER NOT NULL DEFAULT 0,
        files_scanned INTEGER NOT NULL DEFAULT 0,
        files_unchanged INTEGER NOT NULL DEFAULT 0,
        files_removed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        root TEXT NOT NULL,            -- the scanned path it was found under
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        sha256 TEXT,
        mime TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,          -- scanned | skipped | error | removed
        reason TEXT NOT NULL DEFAULT '',
        scanned_at REAL NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        removed_at REAL
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        item TEXT NOT NULL,            -- the file, or a member: a.zip!dir/b.docx
        entity_type TEXT NOT NULL,
        location TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        score REAL NOT NULL,
        recognizer TEXT NOT NULL,
        masked TEXT NOT NULL,
        fingerprint TEXT NOT NULL
    );
    CREATE INDEX findings_file ON findings(file_id);
    CREATE INDEX findings_type ON findings(entity_type);
    CREATE TABLE file_clients (
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        client_fingerprint TEXT NOT NULL,
        client_masked TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (file_id, client_fingerprint)
    );
    CREATE TABLE problems (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        item TEXT NOT NULL,
        status TEXT NOT NULL,          -- skipped | error | note
        reason TEXT NOT NULL
    );
    CREATE INDEX problems_file ON problems(file_id);
    """,
    # 2: when a file was first seen (NDA check: an agreement signed after that is too late),
    # and the seven-clause check of files that are confidentiality agreements
    """
    ALTER TABLE files ADD COLUMN first_seen REAL;
    UPDATE files SET first_seen = MIN(scanned_at, mtime_ns / 1e9);
    CREATE TABLE agreements (
        file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
        complete INTEGER NOT NULL,
        missing TEXT NOT NULL,         -- JSON list of clause keys
        clauses TEXT NOT NULL          -- JSON: key → {present, location}
    );
    """,
    # 3: what kind of client information a file holds (scanner/scan/classify.py, doc_grade.py)
    """
    ALTER TABLE files ADD COLUMN kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE files ADD COLUMN categories TEXT NOT NULL DEFAULT '';
    ALTER TABLE files ADD COLUMN doc_grade TEXT NOT NULL DEFAULT '';
    """,
    # 4: paths stored masked (scanner/scan/paths.py) and files found by the keyed hash of their
    # real path; two real paths may mask alike, so path is no longer UNIQUE and the table
    # is rebuilt (SQLite cannot drop a constraint). The raw paths of older rows are their
    # real paths: keyed and masked here by the functions the writer registers.
    """
    CREATE TABLE files_v4 (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,            -- masked: values in folder and file names masked
        path_key TEXT NOT NULL UNIQUE, -- HMAC-SHA256 of the real path under the hash key
        root TEXT NOT NULL,            -- the scanned path it was found under, masked
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        sha256 TEXT,
        mime TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        scanned_at REAL NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        removed_at REAL,
        first_seen REAL,
        kind TEXT NOT NULL DEFAULT '',
        categories TEXT NOT NULL DEFAULT '',
        doc_grade TEXT NOT NULL DEFAULT ''
    );
    INSERT INTO files_v4 (id, path, path_key, root, size, mtime_ns, inode, sha256, mime,
        owner, status, reason, scanned_at, run_id, removed_at, first_seen, kind, categories,
        doc_grade)
    SELECT id, baomi_shown(path), baomi_path_key(path), baomi_shown(root), size, mtime_ns,
        inode, sha256, mime, owner, status, reason, scanned_at, run_id, removed_at,
        first_seen, kind, categories, doc_grade
    FROM files;
    DROP TABLE files;
    ALTER TABLE files_v4 RENAME TO files;
    CREATE INDEX files_path ON files(path);
    UPDATE findings SET item = baomi_shown(item);
    UPDATE problems SET item = baomi_shown(item);
    UPDATE runs SET roots = baomi_shown_roots(roots);
    """,
    # 5: suppressions: "this is not client information", said once (baomi ignore). Kept by
    # keyed fingerprint (or a glob over masked paths), never a value; findings stay stored,
    # the views leave the suppressed ones out of every report, so removing a suppression
    # brings them back without a rescan.
    """
    CREATE TABLE suppressions (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,            -- fingerprint | path
        pattern TEXT NOT NULL,         -- a finding's keyed fingerprint, or a path glob
        entity_type TEXT NOT NULL DEFAULT '',  -- for a value given with --value: its type
        reason TEXT NOT NULL,
        who TEXT NOT NULL,
        created REAL NOT NULL,
        UNIQUE (kind, pattern)
    );
    CREATE VIEW active_findings AS
    SELECT x.* FROM findings x JOIN files f ON f.id = x.file_id
    WHERE x.fingerprint NOT IN (SELECT pattern FROM suppressions WHERE kind = 'fingerprint')
      AND NOT EXISTS (
        SELECT 1 FROM suppressions s
        WHERE s.kind = 'path' AND (f.path GLOB s.pattern OR x.item GLOB s.pattern));
    CREATE VIEW active_file_clients AS
    SELECT c.* FROM file_clients c JOIN files f ON f.id = c.file_id
    WHERE c.client_fingerprint NOT IN (
        SELECT pattern FROM suppressions WHERE kind = 'fingerprint')
      AND NOT EXISTS (
        SELECT 1 FROM suppressions s WHERE s.kind = 'path' AND f.path GLOB s.pattern);
    """,
    # 6: where in the image a finding read by OCR lies (JSON [left, top, right, bottom] in
    # the pixels of the page or picture its location names); NULL for text read as text
    """
    ALTER TABLE findings ADD COLUMN box TEXT;
    """,
    # 7: whose information a finding is (scanner/scan/attribution.py): the owning client's
    # keyed fingerprint and masked name, and how that is known; NULL when unattributed
    """
    ALTER TABLE findings ADD COLUMN owner_fingerprint TEXT;
    ALTER TABLE findings ADD COLUMN owner_masked TEXT;
    ALTER TABLE findings ADD COLUMN owner_by TEXT;
    CREATE INDEX findings_owner ON findings(owner_fingerprint);
    """,
    # 8: what the inventory held when a run finished (reports/trends.py measures it), so a
    # report draws trends across runs without a rescan: one row per measure, and per key of
    # a breakdown (a grade, a top-level folder). Counts only: no value, no client name.
    # Earlier runs have none: the files table keeps only the current state.
    """
    CREATE TABLE run_measures (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        measure TEXT NOT NULL,         -- files | files_with_findings | findings_by_grade …
        key TEXT NOT NULL DEFAULT '',  -- of a breakdown: the grade or folder (empty for a total)
        value INTEGER NOT NULL,
        PRIMARY KEY (run_id, measure, key)
    );
    """,
)


MASKED_PATHS = 4  # the schema from which paths are stored masked (migration 4)
RUN_MEASURES = 8  # the schema from which runs keep their measures (migration 8)
# A reader (report) opens an inventory of this schema or newer without migrating it: the
# later migrations only add what a reader can do without (8: measures; no trend points)
READABLE_FROM = 7


class InventoryError(Exception):
    """The inventory cannot be used (locked, unreadable, from a newer baomi)."""


@dataclass(frozen=True, slots=True)
class FileStat:
    """What incremental scanning compares: a file is unchanged when all of these are."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True, slots=True)
class SuppressionRow:
    """One "not client information" decision: a finding's keyed fingerprint or a glob
    over the masked paths, with who took it, when and why."""

    kind: str  # fingerprint | path
    pattern: str
    entity_type: str
    reason: str
    who: str
    created: float
    id: int = 0


@dataclass(frozen=True, slots=True)
class KnownFile:
    id: int
    stat: FileStat
    sha256: str | None
    status: str
    run_id: int
    path: str = ""  # masked, as stored


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    started: float
    finished: float | None
    roots: tuple[str, ...]
    mode: str
    status: str


class MeasureRow(NamedTuple):
    """One measure of the inventory when a run finished (``reports/trends.py``)."""

    measure: str
    key: str  # of a breakdown (a grade, a folder); '' for a total
    value: int


@dataclass(frozen=True, slots=True)
class MeasuredRun:
    run: Run
    measures: tuple[MeasureRow, ...]


# Rows the read queries give (``Inventory.present_files`` …): tuples, so a report can
# stream them as they are, with names for the code that reads them.


class FileRow(NamedTuple):
    """A file not removed, as the 文件清单 sheet shows it."""

    id: int
    path: str  # masked
    root: str  # masked
    mime: str
    size: int
    mtime_ns: int
    owner: str
    status: str
    scanned_at: float
    kind: str
    categories: str
    doc_grade: str


class FindingRow(NamedTuple):
    """A finding not suppressed, as the 发现明细 sheet shows it."""

    item: str  # the file, or a member: a.zip!dir/b.docx (masked)
    location: str
    entity_type: str
    masked: str
    score: float
    recognizer: str
    fingerprint: str


class FileFindings(NamedTuple):
    """A file with findings and how many (the summary's per-folder counts)."""

    file_id: int
    path: str  # masked
    root: str  # masked
    findings: int


class ClientFileRow(NamedTuple):
    """A client found in a file not removed."""

    client_masked: str
    client_fingerprint: str
    path: str
    root: str
    mentions: int


class UnattributedRow(NamedTuple):
    """A finding attributed to no client (retention: a person decides)."""

    file_id: int
    item: str  # masked
    location: str
    entity_type: str
    masked: str
    fingerprint: str


class OwnedCount(NamedTuple):
    """Findings of one entity type attributed to one client."""

    owner_fingerprint: str
    owner_masked: str
    entity_type: str
    findings: int
    values: int  # distinct values (by keyed fingerprint)


class ProblemRow(NamedTuple):
    """A file or member not (fully) read, or a note about one."""

    path: str
    status: str  # skipped | error | note
    reason: str


class RecordedFinding(NamedTuple):
    """A stored finding with what JSONL adds to it: its client (CLIENT findings) and the
    kind and grade of its file."""

    path: str  # the item, masked
    entity_type: str
    start: int
    end: int
    score: float
    location: str
    recognizer: str
    masked: str
    fingerprint: str
    client: str | None
    file_kind: str
    file_grade: str
    box: str | None  # JSON [left, top, right, bottom]: found by OCR
    owner: str | None  # the owning client, masked (scanner/scan/attribution.py)
    owner_by: str | None  # how that is known


class AgreementRow(NamedTuple):
    """The seven-clause check of an agreement file not removed."""

    path: str
    complete: bool
    missing: list[str]  # clause keys
    clauses: dict  # key → {present, location}


@dataclass(frozen=True, slots=True)
class FileCounts:
    """The 概览 sheet's file counts."""

    files: int  # not removed
    with_findings: int  # with findings not suppressed
    unreadable: int  # error or skipped
    removed: int


class Inventory:
    """An open inventory. ``Inventory.open(path, writer=True)`` takes the scan lock.

    A writer stores paths masked and finds files by their path key, both made by
    ``paths`` (the scan's own ``PathMasker``: its analyser and fingerprint key); a
    writer opened without one builds ``PathMasker.default()`` when it first needs it.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        lock_fd: int | None,
        paths: PathMasker | None = None,
    ) -> None:
        self.path = path
        self.conn = conn
        self._lock_fd = lock_fd
        self._paths = paths
        self.schema = len(MIGRATIONS)  # a reader's older inventory: set by _migrate

    @property
    def paths(self) -> PathMasker:
        if self._paths is None:
            self._paths = PathMasker.default()
        return self._paths

    @paths.setter
    def paths(self, masker: PathMasker) -> None:
        """A command that builds its scanner after opening the inventory masks with it."""
        self._paths = masker

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, writer: bool = False, paths: PathMasker | None = None) -> Inventory:
        path = Path(path)
        if not writer and not path.exists():
            raise InventoryError(f"no inventory at {path}: run `baomi scan` first")
        lock_fd = None
        if writer:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise InventoryError(f"cannot create {path.parent}: {exc.strerror}") from None
            lock_fd = _lock(path)
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            if writer:
                conn.execute("PRAGMA journal_mode = WAL")  # readers never block the scan
                conn.execute("PRAGMA synchronous = NORMAL")
                os.chmod(path, 0o600)  # masked values only, but still the firm's map of secrets
            inventory = cls(path, conn, lock_fd, paths)
            inventory._migrate(writer)
        except sqlite3.DatabaseError as exc:
            _unlock(lock_fd)
            raise InventoryError(f"{path} is not a usable inventory: {exc}") from None
        if writer:
            inventory._close_dead_runs()
        return inventory

    def close(self) -> None:
        self.conn.close()
        _unlock(self._lock_fd)
        self._lock_fd = None

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self, writer: bool) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise InventoryError(
                f"{self.path} was written by a newer baomi (schema {version}); upgrade baomi"
            )
        if version == len(MIGRATIONS):
            return
        if not writer and version >= READABLE_FROM:
            self.schema = version  # read as it is: the next scan migrates it
            return
        if not writer:
            raise InventoryError(f"{self.path} needs a schema upgrade: run `baomi scan` once")
        self._register_path_functions()
        # a table rebuilt (4) is dropped and renamed: with foreign keys on, the DROP would
        # cascade to every finding; they are checked before each migration commits instead
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                with self.transaction():
                    for statement in _statements(script):
                        self.conn.execute(statement)
                    if self.conn.execute("PRAGMA foreign_key_check").fetchone():
                        raise InventoryError(f"{self.path}: migration {number} broke references")
                    self.conn.execute(f"PRAGMA user_version = {number}")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")
        if 0 < version < MASKED_PATHS:
            # the raw paths of the old rows must not linger in free pages or the WAL
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _register_path_functions(self) -> None:
        """SQL functions migration 4 masks and keys an older inventory's raw paths with
        (the masker is only built when there is a row to mask)."""

        def shown(text: str) -> str:
            return self.paths.shown(text)

        def key(text: str) -> str:
            return self.paths.key(text)

        def shown_roots(roots: str) -> str:
            return json.dumps(self.paths.shown_many(json.loads(roots)), ensure_ascii=False)

        self.conn.create_function("baomi_shown", 1, shown, deterministic=True)
        self.conn.create_function("baomi_path_key", 1, key, deterministic=True)
        self.conn.create_function("baomi_shown_roots", 1, shown_roots, deterministic=True)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _close_dead_runs(self) -> None:
        """A run still 'running' belongs to a scan that died (we hold the lock)."""
        with self.transaction() as c:
            c.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")

    # --- a scan run -------------------------------------------------------------------

    def begin_run(self, roots: Sequence[Path], incremental: bool) -> int:
        with self.transaction() as c:
            cursor = c.execute(
                "INSERT INTO runs (started, roots, mode, status, pid) VALUES (?, ?, ?, ?, ?)",
                (
                    time.time(),
                    json.dumps(
                        self.paths.shown_many([path_text(r) for r in roots]), ensure_ascii=False
                    ),
                    "incremental" if incremental else "full",
                    "running",
                    os.getpid(),
                ),
            )
            return int(cursor.lastrowid or 0)

    def interrupted_run(self) -> Run | None:
        """The latest run, when it was interrupted (the one a new scan resumes)."""
        latest = self.runs(limit=2)
        # the newest row is the run just begun; the one before decides
        previous = latest[1] if len(latest) > 1 else None
        return previous if previous and previous.status == "interrupted" else None

    def finish_run(
        self,
        run_id: int,
        seen: int,
        scanned: int,
        unchanged: int,
        removed: int,
        measures: Sequence[MeasureRow] = (),
    ) -> None:
        """The run marked finished with its counts and, in the same transaction, the
        ``measures`` of what the inventory holds now (the trends of ``baomi report``)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished = ?, status = 'finished', files_seen = ?, "
                "files_scanned = ?, files_unchanged = ?, files_removed = ? WHERE id = ?",
                (time.time(), seen, scanned, unchanged, removed, run_id),
            )
            c.executemany(
                "INSERT OR REPLACE INTO run_measures (run_id, measure, key, value) "
                "VALUES (?, ?, ?, ?)",
                [(run_id, m.measure, m.key, m.value) for m in measures],
            )

    def key_of(self, path: Path) -> str:
        """The path key a file is recorded under (``known_files`` is keyed by it)."""
        return self.paths.key_of(path)

    def known_files(self, roots: Sequence[Path]) -> dict[str, KnownFile]:
        """Every recorded file under ``roots`` (removed ones excluded), by path key."""
        out: dict[str, KnownFile] = {}
        rows = self.conn.execute(
            "SELECT id, path, path_key, size, mtime_ns, inode, sha256, status, run_id "
            "FROM files WHERE status != 'removed'"
        )
        prefixes = [(Path(root), self._prefix(root)) for root in roots]
        for fid, path, key, size, mtime, inode, sha, status, run_id in rows:
            known = KnownFile(fid, FileStat(size, mtime, inode), sha, status, run_id, path)
            if any(self._under(known, key, root, prefix) for root, prefix in prefixes):
                out[key] = known
        return out

    def _prefix(self, root: Path) -> str:
        """The masked text every file under ``root`` starts with (masking goes component by
        component, so a masked path starts with its masked folders)."""
        text = self.paths.shown_path(root)
        return text if text.endswith(os.sep) else text + os.sep

    def _under(self, known: KnownFile, key: str, root: Path, prefix: str) -> bool:
        """Whether a recorded file lies under ``root``. By the masked text, except when the
        root's own name is masked (客户资料_138****5678 stands for a sibling too): then a
        file found elsewhere on disk is not under it; one found nowhere is (it is gone)."""
        if not (known.path == prefix.rstrip(os.sep) or known.path.startswith(prefix)):
            return False
        if self.paths.shown_path(root) == path_text(root):  # cached: one look-up
            return True
        real = self.paths.resolve(known.path, key)
        return real is None or real == root or root in real.parents

    def record(
        self,
        run_id: int,
        root: Path,
        path: Path,
        stat: FileStat,
        sha256: str | None,
        owner: str,
        results: Sequence[FileResult],
    ) -> None:
        """Replace everything known about ``path`` with ``results``, in one transaction."""
        own = (
            results[0]
            if results
            else FileResult(path_text(path), FileStatus.ERROR, reason="no result")
        )
        key = self.key_of(path)
        shown_path, shown_root = self.paths.shown_many([path_text(path), path_text(root)])
        with self.transaction() as c:
            row = c.execute("SELECT id FROM files WHERE path_key = ?", (key,)).fetchone()
            values = (
                shown_path,
                own.kind,
                ",".join(map(str, own.categories)),
                own.doc_grade,
                shown_root,
                stat.size,
                stat.mtime_ns,
                stat.inode,
                sha256,
                own.mime,
                owner,
                own.status.value,
                own.reason,
                time.time(),
                run_id,
            )
            if row:
                file_id = row[0]
                c.execute("DELETE FROM findings WHERE file_id = ?", (file_id,))
                c.execute("DELETE FROM file_clients WHERE file_id = ?", (file_id,))
                c.execute("DELETE FROM problems WHERE file_id = ?", (file_id,))
                c.execute("DELETE FROM agreements WHERE file_id = ?", (file_id,))
                c.execute(
                    "UPDATE files SET path = ?, kind = ?, categories = ?, doc_grade = ?, "
                    "root = ?, size = ?, mtime_ns = ?, inode = ?, sha256 = ?, "
                    "mime = ?, owner = ?, status = ?, reason = ?, scanned_at = ?, run_id = ?, "
                    "removed_at = NULL WHERE id = ?",
                    (*values, file_id),
                )
            else:
                first_seen = min(time.time(), stat.mtime_ns / 1e9) if stat.mtime_ns else time.time()
                cursor = c.execute(
                    "INSERT INTO files (path, kind, categories, doc_grade, root, size, mtime_ns, "
                    "inode, sha256, mime, owner, status, reason, scanned_at, run_id, path_key, "
                    "first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, key, first_seen),
                )
                file_id = int(cursor.lastrowid or 0)
            self._insert_contents(c, file_id, results)

    def _insert_contents(
        self, c: sqlite3.Connection, file_id: int, results: Sequence[FileResult]
    ) -> None:
        clients: dict[str, list] = {}
        # every item (the file, a member: a.zip!dir/b.docx) stored masked, analysed at once
        texts = {unsurrogate(r.path) for r in results}
        texts |= {unsurrogate(f.path) for r in results for f in r.findings}
        ordered = sorted(texts)
        shown = dict(zip(ordered, self.paths.shown_many(ordered), strict=True))
        for index, result in enumerate(results):
            c.executemany(
                'INSERT INTO findings (file_id, item, entity_type, location, start, "end", '
                "score, recognizer, masked, fingerprint, box, owner_fingerprint, owner_masked, "
                "owner_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        file_id,
                        shown[unsurrogate(f.path)],
                        f.entity_type,
                        f.location,
                        f.start,
                        f.end,
                        f.score,
                        f.recognizer,
                        f.masked,
                        f.fingerprint,
                        None if f.box is None else json.dumps(list(f.box)),
                        f.owner.fingerprint if f.owner else None,
                        f.owner.client if f.owner else None,
                        f.owner.by if f.owner else None,
                    )
                    for f in result.findings
                ],
            )
            for f in result.findings:
                if f.entity_type == CLIENT and f.client:
                    clients.setdefault(f.fingerprint, [f.client, 0])[1] += 1
            problems = [(n, "note") for n in result.notes]
            if index and result.status is not FileStatus.SCANNED:  # a member that failed
                problems.insert(0, (result.reason, result.status.value))
            c.executemany(
                "INSERT INTO problems (file_id, item, status, reason) VALUES (?, ?, ?, ?)",
                # a result made outside the pipeline may still hold an undecodable name
                [
                    (file_id, shown[unsurrogate(result.path)], status, unsurrogate(reason))
                    for reason, status in problems
                ],
            )
        c.executemany(
            "INSERT INTO file_clients (file_id, client_fingerprint, client_masked, mentions) "
            "VALUES (?, ?, ?, ?)",
            [(file_id, fp, masked, n) for fp, (masked, n) in clients.items()],
        )

    def record_agreement(
        self, path: Path, complete: bool, missing: Sequence[str], clauses: dict
    ) -> None:
        """The seven-clause check of a file that is a confidentiality agreement."""
        with self.transaction() as c:
            row = c.execute(
                "SELECT id FROM files WHERE path_key = ?", (self.key_of(path),)
            ).fetchone()
            if row is None:
                return
            c.execute(
                "INSERT OR REPLACE INTO agreements (file_id, complete, missing, clauses) "
                "VALUES (?, ?, ?, ?)",
                (
                    row[0],
                    int(complete),
                    json.dumps(list(missing)),
                    json.dumps(clauses, ensure_ascii=False),
                ),
            )

    def mark_removed(self, file_ids: Sequence[int]) -> None:
        """Files that are gone: status removed, their findings dropped, the row kept."""
        now = time.time()
        with self.transaction() as c:
            for file_id in file_ids:
                c.execute("DELETE FROM findings WHERE file_id = ?", (file_id,))
                c.execute("DELETE FROM file_clients WHERE file_id = ?", (file_id,))
                c.execute("DELETE FROM problems WHERE file_id = ?", (file_id,))
                c.execute(
                    "UPDATE files SET status = 'removed', removed_at = ? WHERE id = ?",
                    (now, file_id),
                )

    def restamp(self, file_id: int, stat: FileStat) -> None:
        """A file touched or copied over with the same content: its new size, mtime and
        inode recorded, its findings kept (``--hash-check``)."""
        self.conn.execute(
            "UPDATE files SET size = ?, mtime_ns = ?, inode = ? WHERE id = ?",
            (stat.size, stat.mtime_ns, stat.inode, file_id),
        )

    def recorded_root(self, path: Path) -> tuple[str, int] | None:
        """The (masked) root a file was recorded under and the run that recorded it, removed
        or not; None when it was never recorded."""
        row = self.conn.execute(
            "SELECT root, run_id FROM files WHERE path_key = ?", (self.key_of(path),)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def lookup(self, path: Path) -> KnownFile | None:
        row = self.conn.execute(
            "SELECT id, size, mtime_ns, inode, sha256, status, run_id, path FROM files "
            "WHERE path_key = ? AND status != 'removed'",
            (self.key_of(path),),
        ).fetchone()
        if row is None:
            return None
        fid, size, mtime, inode, sha, status, run_id, shown = row
        return KnownFile(fid, FileStat(size, mtime, inode), sha, status, run_id, shown)

    def move(self, old: Path, new: Path) -> bool:
        """A file renamed or moved with its content unchanged: its row and its findings
        follow it (no rescan). False when ``old`` is not recorded."""
        new_key = self.key_of(new)
        old_shown, new_shown = self.paths.shown_many([path_text(old), path_text(new)])
        with self.transaction() as c:
            row = c.execute(
                "SELECT id FROM files WHERE path_key = ?", (self.key_of(old),)
            ).fetchone()
            if row is None:
                return False
            c.execute("DELETE FROM files WHERE path_key = ? AND id != ?", (new_key, row[0]))
            c.execute(
                "UPDATE files SET path = ?, path_key = ? WHERE id = ?",
                (new_shown, new_key, row[0]),
            )
            prefix = old_shown + "!"  # members: a.zip!dir/b.docx (masked part by part)
            for table in ("findings", "problems"):
                c.execute(
                    f"UPDATE {table} SET item = ? WHERE file_id = ? AND item = ?",
                    (new_shown, row[0], old_shown),
                )
                c.execute(
                    f"UPDATE {table} SET item = ? || substr(item, ?) "
                    "WHERE file_id = ? AND substr(item, 1, ?) = ?",
                    (new_shown, len(old_shown) + 1, row[0], len(prefix), prefix),
                )
        return True

    def remove_under(self, path: Path) -> int:
        """The file at ``path``, or every file below a deleted folder, marked removed.

        Files below are found by the masked text; when the folder's own name is masked
        (it stands for siblings too) only those no longer on disk are removed."""
        prefix = self._prefix(path)
        masked_folder = self.paths.shown_path(path) != path_text(path)
        ids = [
            fid
            for fid, shown, key in self.conn.execute(
                "SELECT id, path, path_key FROM files WHERE status != 'removed' "
                "AND (path_key = ? OR substr(path, 1, ?) = ?)",
                (self.key_of(path), len(prefix), prefix),
            )
            if not masked_folder
            or key == self.key_of(path)
            or self.paths.resolve(shown, key) is None
        ]
        self.mark_removed(ids)
        return len(ids)

    def real_path(self, file_id: int) -> Path | None:
        """The file a row stands for, found on disk by its masked path and key; None when
        it is no longer there."""
        row = self.conn.execute(
            "SELECT path, path_key FROM files WHERE id = ?", (file_id,)
        ).fetchone()
        return None if row is None else self.paths.resolve(row[0], row[1])

    def findings_in(self, file_ids: Sequence[int]) -> int:
        if not file_ids:
            return 0
        total = 0
        for i in range(0, len(file_ids), 500):
            chunk = file_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            total += self.conn.execute(
                f"SELECT COUNT(*) FROM active_findings WHERE file_id IN ({marks})", chunk
            ).fetchone()[0]
        return total

    # --- suppressions (baomi ignore) --------------------------------------------------

    def suppress(self, rows: Sequence[SuppressionRow]) -> int:
        """Record suppressions (one already there is left as it was); how many are new."""
        with self.transaction() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO suppressions "
                "(kind, pattern, entity_type, reason, who, created) VALUES (?, ?, ?, ?, ?, ?)",
                [(r.kind, r.pattern, r.entity_type, r.reason, r.who, r.created) for r in rows],
            )
            return c.total_changes - before

    def suppressions(self) -> list[SuppressionRow]:
        query = (
            "SELECT id, kind, pattern, entity_type, reason, who, created "
            "FROM suppressions ORDER BY id"
        )
        return [
            SuppressionRow(kind, pattern, entity_type, reason, who, created, id=row_id)
            for row_id, kind, pattern, entity_type, reason, who, created in self.conn.execute(query)
        ]

    def unsuppress(self, ids: Sequence[int]) -> int:
        """Remove suppressions by id; how many there were."""
        with self.transaction() as c:
            before = c.total_changes
            c.executemany("DELETE FROM suppressions WHERE id = ?", [(i,) for i in ids])
            return c.total_changes - before

    # --- reading ----------------------------------------------------------------------

    def runs(self, limit: int = 10) -> list[Run]:
        rows = self.conn.execute(
            "SELECT id, started, finished, roots, mode, status FROM runs ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            Run(i, started, finished, tuple(json.loads(roots)), mode, status)
            for i, started, finished, roots, mode, status in rows
        ]

    def measured_runs(self, limit: int, since: float | None = None) -> list[MeasuredRun]:
        """The last ``limit`` finished runs with measures (finished at or after ``since``),
        oldest first: the points of a trend (none in an inventory not yet migrated)."""
        if self.schema < RUN_MEASURES:
            return []
        query = (
            "SELECT id, started, finished, roots, mode, status FROM runs "
            "WHERE status = 'finished' AND finished >= ? "
            "AND EXISTS (SELECT 1 FROM run_measures m WHERE m.run_id = runs.id) "
            "ORDER BY finished DESC, id DESC LIMIT ?"
        )
        runs = [
            Run(i, started, finished, tuple(json.loads(roots)), mode, status)
            for i, started, finished, roots, mode, status in self.conn.execute(
                query, (since or 0.0, limit)
            )
        ]
        out = []
        for run in reversed(runs):
            rows = self.conn.execute(
                "SELECT measure, key, value FROM run_measures WHERE run_id = ? ORDER BY 1, 2",
                (run.id,),
            )
            out.append(MeasuredRun(run, tuple(map(MeasureRow._make, rows))))
        return out

    # --- reading: the report tables (reports/tables.py) -------------------------------
    #
    # Findings and clients are read through the active_* views: what `baomi ignore`
    # suppressed is left out. Files marked removed are left out unless said otherwise.
    # The row-per-finding and row-per-file queries are iterators, streamed from SQLite.

    def entity_types(self) -> list[str]:
        """Every entity type with a finding, sorted."""
        query = "SELECT DISTINCT entity_type FROM active_findings ORDER BY 1"
        return [e for (e,) in self.conn.execute(query)]

    def present_files(self) -> Iterator[FileRow]:
        """Every file not removed, by path."""
        query = (
            "SELECT id, path, root, mime, size, mtime_ns, owner, status, scanned_at, kind, "
            "categories, doc_grade FROM files WHERE status != 'removed' ORDER BY path"
        )
        return map(FileRow._make, self.conn.execute(query))

    def active_findings(self) -> Iterator[FindingRow]:
        """Every finding, by file and in the order found."""
        query = (
            "SELECT item, location, entity_type, masked, score, recognizer, fingerprint "
            "FROM active_findings ORDER BY file_id, id"
        )
        return map(FindingRow._make, self.conn.execute(query))

    def client_files(self) -> Iterator[ClientFileRow]:
        """Every (client, file) pair, by masked client, client fingerprint and path."""
        query = (
            "SELECT c.client_masked, c.client_fingerprint, f.path, f.root, c.mentions "
            "FROM active_file_clients c JOIN files f ON f.id = c.file_id "
            "WHERE f.status != 'removed' ORDER BY c.client_masked, c.client_fingerprint, f.path"
        )
        return map(ClientFileRow._make, self.conn.execute(query))

    def owned_counts(self) -> Iterator[OwnedCount]:
        """Per owning client and entity type: findings and distinct values attributed to
        it, in files not removed."""
        query = (
            "SELECT x.owner_fingerprint, x.owner_masked, x.entity_type, COUNT(*), "
            "COUNT(DISTINCT x.fingerprint) FROM active_findings x JOIN files f ON f.id = x.file_id "
            "WHERE x.owner_fingerprint IS NOT NULL AND f.status != 'removed' "
            "GROUP BY x.owner_fingerprint, x.owner_masked, x.entity_type ORDER BY 1, 3"
        )
        return map(OwnedCount._make, self.conn.execute(query))

    def owned_files(self) -> Iterator[ClientFileRow]:
        """Every (owning client, file) pair with the findings attributed to the client."""
        query = (
            "SELECT x.owner_masked, x.owner_fingerprint, f.path, f.root, COUNT(*) "
            "FROM active_findings x JOIN files f ON f.id = x.file_id "
            "WHERE x.owner_fingerprint IS NOT NULL AND f.status != 'removed' "
            "GROUP BY x.owner_fingerprint, x.owner_masked, f.id ORDER BY 1, 2, 3"
        )
        return map(ClientFileRow._make, self.conn.execute(query))

    def unattributed_findings(self, file_ids: Sequence[int]) -> Iterator[UnattributedRow]:
        """The findings of ``file_ids`` attributed to no client, by file and in the order
        found."""
        for i in range(0, len(file_ids), 500):
            chunk = list(file_ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT file_id, item, location, entity_type, masked, fingerprint "
                f"FROM active_findings WHERE owner_fingerprint IS NULL AND file_id IN ({marks}) "
                "ORDER BY file_id, id"
            )
            yield from map(UnattributedRow._make, self.conn.execute(query, chunk))

    def problems(self) -> Iterator[ProblemRow]:
        """Files not scanned (error, skipped), then members not read and notes of files not
        removed, all by path."""
        query = (
            "SELECT path, status, reason FROM files WHERE status IN ('error', 'skipped') "
            "UNION ALL SELECT p.item, p.status, p.reason FROM problems p "
            "JOIN files f ON f.id = p.file_id WHERE f.status != 'removed' ORDER BY 1"
        )
        return map(ProblemRow._make, self.conn.execute(query))

    def finding_counts_by_file(self) -> dict[int, dict[str, int]]:
        """file id → entity type → number of findings."""
        out: dict[int, dict[str, int]] = {}
        query = (
            "SELECT file_id, entity_type, COUNT(*) FROM active_findings "
            "GROUP BY file_id, entity_type"
        )
        for fid, entity, n in self.conn.execute(query):
            out.setdefault(fid, {})[entity] = n
        return out

    def clients_by_file(self) -> dict[int, list[tuple[str, str]]]:
        """file id → (client fingerprint, masked client) of the clients in it, by masked name."""
        out: dict[int, list[tuple[str, str]]] = {}
        query = (
            "SELECT file_id, client_fingerprint, client_masked FROM active_file_clients "
            "ORDER BY client_masked, client_fingerprint"
        )
        for fid, fingerprint, masked in self.conn.execute(query):
            out.setdefault(fid, []).append((fingerprint, masked))
        return out

    # --- reading: the summary (reports/tables.py, 概览) --------------------------------

    def file_counts(self) -> FileCounts:
        c = self.conn
        return FileCounts(
            files=c.execute("SELECT COUNT(*) FROM files WHERE status != 'removed'").fetchone()[0],
            with_findings=c.execute(
                "SELECT COUNT(DISTINCT file_id) FROM active_findings"
            ).fetchone()[0],
            unreadable=c.execute(
                "SELECT COUNT(*) FROM files WHERE status IN ('error', 'skipped')"
            ).fetchone()[0],
            removed=c.execute("SELECT COUNT(*) FROM files WHERE status = 'removed'").fetchone()[0],
        )

    def findings_by_entity(self) -> dict[str, int]:
        """entity type → number of findings."""
        query = "SELECT entity_type, COUNT(*) FROM active_findings GROUP BY entity_type"
        return dict(self.conn.execute(query))

    def findings_per_file(self) -> list[FileFindings]:
        """Every file with findings: its id, masked path and root, and how many, by path."""
        query = (
            "SELECT f.id, f.path, f.root, COUNT(*) FROM active_findings x "
            "JOIN files f ON f.id = x.file_id GROUP BY f.id ORDER BY f.path, f.id"
        )
        return list(map(FileFindings._make, self.conn.execute(query)))

    def top_clients(self, limit: int = 10) -> list[tuple[str, int, int]]:
        """(masked client, files, mentions) of the clients in most files, then with most
        mentions."""
        rows = self.conn.execute(
            "SELECT client_masked, COUNT(*), SUM(mentions) FROM active_file_clients "
            "GROUP BY client_fingerprint ORDER BY 2 DESC, 3 DESC, 1 LIMIT ?",
            (limit,),
        )
        return [(masked, n, int(mentions)) for masked, n, mentions in rows]

    def scanned_by_kind(self) -> dict[str, int]:
        """document kind → number of scanned files of that kind (files of no kind left out)."""
        query = (
            "SELECT kind, COUNT(*) FROM files WHERE status = 'scanned' AND kind != '' GROUP BY kind"
        )
        return dict(self.conn.execute(query))

    def scanned_by_doc_grade(self) -> dict[str, int]:
        """document grade → number of scanned files of that grade (ungraded left out)."""
        query = (
            "SELECT doc_grade, COUNT(*) FROM files WHERE status = 'scanned' "
            "AND doc_grade != '' GROUP BY doc_grade"
        )
        return dict(self.conn.execute(query))

    # --- reading: JSONL of files not rescanned (reports/jsonl.py) ---------------------

    def recorded_findings(self, file_id: int) -> Iterator[RecordedFinding]:
        """The findings stored for one file, in the order found, with their client and
        their file's kind and grade."""
        query = (
            'SELECT x.item, x.entity_type, x.start, x."end", x.score, x.location, '
            "x.recognizer, x.masked, x.fingerprint, c.client_masked, f.kind, f.doc_grade, x.box, "
            "x.owner_masked, x.owner_by "
            "FROM active_findings x JOIN files f ON f.id = x.file_id "
            "LEFT JOIN active_file_clients c ON x.entity_type = 'CLIENT' "
            "AND c.file_id = x.file_id AND c.client_fingerprint = x.fingerprint "
            "WHERE x.file_id = ? ORDER BY x.id"
        )
        return map(RecordedFinding._make, self.conn.execute(query, (file_id,)))

    # --- reading: retention and NDA coverage (scanner/compliance/status.py) ------------------

    def client_fingerprints_by_file(self) -> list[tuple[int, str, str]]:
        """(file id, masked path, client fingerprint) of every client in a file not
        removed, by path."""
        query = (
            "SELECT f.id, f.path, c.client_fingerprint FROM active_file_clients c "
            "JOIN files f ON f.id = c.file_id WHERE f.status != 'removed' ORDER BY f.path"
        )
        return self.conn.execute(query).fetchall()

    def entity_types_by_file(self) -> dict[int, set[str]]:
        """file id → the entity types found in it."""
        out: dict[int, set[str]] = {}
        query = "SELECT DISTINCT file_id, entity_type FROM active_findings"
        for file_id, entity in self.conn.execute(query):
            out.setdefault(file_id, set()).add(entity)
        return out

    def findings_by_owner(self) -> dict[int, dict[str | None, int]]:
        """file id → owning client's fingerprint (None: unattributed) → findings."""
        out: dict[int, dict[str | None, int]] = {}
        query = (
            "SELECT file_id, owner_fingerprint, COUNT(*) FROM active_findings "
            "GROUP BY file_id, owner_fingerprint"
        )
        for file_id, owner, count in self.conn.execute(query):
            out.setdefault(file_id, {})[owner] = count
        return out

    def first_seen(self) -> dict[int, float | None]:
        """file id → when it was first seen, of every file not removed."""
        query = "SELECT id, first_seen FROM files WHERE status != 'removed'"
        return dict(self.conn.execute(query))

    def agreements(self) -> list[AgreementRow]:
        """The seven-clause checks of agreement files not removed, by path."""
        rows = self.conn.execute(
            "SELECT f.path, a.complete, a.missing, a.clauses FROM agreements a "
            "JOIN files f ON f.id = a.file_id WHERE f.status != 'removed' ORDER BY f.path"
        )
        return [AgreementRow(p, bool(c), json.loads(m), json.loads(d)) for p, c, m, d in rows]


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _lock(path: Path) -> int:
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise InventoryError(f"cannot open lock {lock_path}: {exc.strerror}") from None
    try:
        # a POSIX record lock, not flock: it belongs to this process alone, so the
        # forked extraction worker never inherits it and it dies with this process
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
            raise InventoryError(
                f"inventory {path} is in use by another scan (pid {holder}); try again later"
            ) from None
        raise InventoryError(f"cannot lock {lock_path}: {exc.strerror}") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            fcntl.lockf(fd, fcntl.LOCK_UN)
        os.close(fd)
