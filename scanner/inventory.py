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

from scanner.models import FileResult, FileStatus
from scanner.names import path_text, unsurrogate

DEFAULT_PATH = Path(".baomi") / "inventory.db"
ENV_VAR = "BAOMI_INVENTORY"

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
    # 3: what kind of client information a file holds (scanner/classify.py, doc_grade.py)
    """
    ALTER TABLE files ADD COLUMN kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE files ADD COLUMN categories TEXT NOT NULL DEFAULT '';
    ALTER TABLE files ADD COLUMN doc_grade TEXT NOT NULL DEFAULT '';
    """,
)


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
class KnownFile:
    id: int
    stat: FileStat
    sha256: str | None
    status: str
    run_id: int


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    started: float
    finished: float | None
    roots: tuple[str, ...]
    mode: str
    status: str


def resolve_path(cli: Path | None, configured: Path | None) -> Path:
    """The command line, then ``BAOMI_INVENTORY``, then the config, then ./.baomi/."""
    if cli is not None:
        return cli
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return configured or DEFAULT_PATH


class Inventory:
    """An open inventory. ``Inventory.open(path, writer=True)`` takes the scan lock."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_fd: int | None) -> None:
        self.path = path
        self.conn = conn
        self._lock_fd = lock_fd

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, writer: bool = False) -> Inventory:
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
            inventory = cls(path, conn, lock_fd)
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
        if not writer:
            raise InventoryError(f"{self.path} needs a schema upgrade: run `baomi scan` once")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

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
                    json.dumps([path_text(r) for r in roots], ensure_ascii=False),
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
        self, run_id: int, seen: int, scanned: int, unchanged: int, removed: int
    ) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished = ?, status = 'finished', files_seen = ?, "
                "files_scanned = ?, files_unchanged = ?, files_removed = ? WHERE id = ?",
                (time.time(), seen, scanned, unchanged, removed, run_id),
            )

    def known_files(self, roots: Sequence[Path]) -> dict[str, KnownFile]:
        """Every recorded file under ``roots`` (removed ones excluded), by path."""
        out: dict[str, KnownFile] = {}
        rows = self.conn.execute(
            "SELECT id, path, size, mtime_ns, inode, sha256, status, run_id FROM files "
            "WHERE status != 'removed'"
        )
        prefixes = [_prefix(r) for r in roots]
        for fid, path, size, mtime, inode, sha, status, run_id in rows:
            if any(path == p.rstrip(os.sep) or path.startswith(p) for p in prefixes):
                out[path] = KnownFile(fid, FileStat(size, mtime, inode), sha, status, run_id)
        return out

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
        with self.transaction() as c:
            row = c.execute("SELECT id FROM files WHERE path = ?", (path_text(path),)).fetchone()
            values = (
                own.kind,
                ",".join(map(str, own.categories)),
                own.doc_grade,
                path_text(root),
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
                    "UPDATE files SET kind = ?, categories = ?, doc_grade = ?, "
                    "root = ?, size = ?, mtime_ns = ?, inode = ?, sha256 = ?, "
                    "mime = ?, owner = ?, status = ?, reason = ?, scanned_at = ?, run_id = ?, "
                    "removed_at = NULL WHERE id = ?",
                    (*values, file_id),
                )
            else:
                first_seen = min(time.time(), stat.mtime_ns / 1e9) if stat.mtime_ns else time.time()
                cursor = c.execute(
                    "INSERT INTO files (kind, categories, doc_grade, root, size, mtime_ns, inode, "
                    "sha256, mime, owner, status, reason, scanned_at, run_id, path, first_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, path_text(path), first_seen),
                )
                file_id = int(cursor.lastrowid or 0)
            self._insert_contents(c, file_id, results)

    @staticmethod
    def _insert_contents(
        c: sqlite3.Connection, file_id: int, results: Sequence[FileResult]
    ) -> None:
        clients: dict[str, list] = {}
        for index, result in enumerate(results):
            c.executemany(
                'INSERT INTO findings (file_id, item, entity_type, location, start, "end", '
                "score, recognizer, masked, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        file_id,
                        unsurrogate(f.path),
                        f.entity_type,
                        f.location,
                        f.start,
                        f.end,
                        f.score,
                        f.recognizer,
                        f.masked,
                        f.fingerprint,
                    )
                    for f in result.findings
                ],
            )
            for f in result.findings:
                if f.entity_type == "CLIENT" and f.client:
                    clients.setdefault(f.fingerprint, [f.client, 0])[1] += 1
            problems = [(n, "note") for n in result.notes]
            if index and result.status is not FileStatus.SCANNED:  # a member that failed
                problems.insert(0, (result.reason, result.status.value))
            c.executemany(
                "INSERT INTO problems (file_id, item, status, reason) VALUES (?, ?, ?, ?)",
                # a result made outside the pipeline may still hold an undecodable name
                [
                    (file_id, unsurrogate(result.path), status, unsurrogate(reason))
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
            row = c.execute("SELECT id FROM files WHERE path = ?", (path_text(path),)).fetchone()
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

    def lookup(self, path: Path) -> KnownFile | None:
        row = self.conn.execute(
            "SELECT id, size, mtime_ns, inode, sha256, status, run_id FROM files "
            "WHERE path = ? AND status != 'removed'",
            (path_text(path),),
        ).fetchone()
        if row is None:
            return None
        fid, size, mtime, inode, sha, status, run_id = row
        return KnownFile(fid, FileStat(size, mtime, inode), sha, status, run_id)

    def move(self, old: Path, new: Path) -> bool:
        """A file renamed or moved with its content unchanged: its row and its findings
        follow it (no rescan). False when ``old`` is not recorded."""
        with self.transaction() as c:
            row = c.execute("SELECT id FROM files WHERE path = ?", (path_text(old),)).fetchone()
            if row is None:
                return False
            c.execute("DELETE FROM files WHERE path = ? AND id != ?", (path_text(new), row[0]))
            c.execute("UPDATE files SET path = ? WHERE id = ?", (path_text(new), row[0]))
            c.execute(
                "UPDATE findings SET item = ? WHERE file_id = ? AND item = ?",
                (path_text(new), row[0], path_text(old)),
            )
            prefix = path_text(old) + "!"
            c.execute(
                "UPDATE findings SET item = ? || substr(item, ?) "
                "WHERE file_id = ? AND substr(item, 1, ?) = ?",
                (path_text(new), len(path_text(old)) + 1, row[0], len(prefix), prefix),
            )
        return True

    def remove_under(self, path: Path) -> int:
        """The file at ``path``, or every file below a deleted folder, marked removed."""
        prefix = _prefix(path)
        ids = [
            fid
            for (fid,) in self.conn.execute(
                "SELECT id FROM files WHERE status != 'removed' "
                "AND (path = ? OR substr(path, 1, ?) = ?)",
                (path_text(path), len(prefix), prefix),
            )
        ]
        self.mark_removed(ids)
        return len(ids)

    def findings_in(self, file_ids: Sequence[int]) -> int:
        if not file_ids:
            return 0
        total = 0
        for i in range(0, len(file_ids), 500):
            chunk = file_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            total += self.conn.execute(
                f"SELECT COUNT(*) FROM findings WHERE file_id IN ({marks})", chunk
            ).fetchone()[0]
        return total

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


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _prefix(root: Path) -> str:
    text = path_text(root)
    return text if text.endswith(os.sep) else text + os.sep


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
