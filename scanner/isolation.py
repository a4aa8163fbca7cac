"""Per-file time limit: files are scanned in a worker process that can be abandoned.

A parser that hangs on one crafted file (a PDF with a cyclic page tree, a
spreadsheet with a billion repeated empty rows) must not stall the scan of a
share. ``IsolatedScanner`` hands each file to a forked worker that holds the
same ``Scanner`` (recognizers loaded once) and waits at most the time limit for
its results. A worker that overruns is killed and replaced; one that dies (a
crash in a C extension) is replaced too; either way the file is reported with
the reason and the scan goes on. Raw values never leave the worker unless
``--include-values`` was asked for: results travel as masked ``FileResult``s.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from scanner.models import FileResult, FileStatus
from scanner.pipeline import Scanner
from scanner.walk import walk


class IsolatedScanner:
    def __init__(self, scanner: Scanner, timeout: float) -> None:
        self.scanner = scanner
        self.timeout = timeout
        self._context = multiprocessing.get_context("fork")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> IsolatedScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scan(self, roots: Sequence[Path]) -> Iterator[FileResult]:
        options = self.scanner.options
        try:
            for entry in walk(roots, options.exclude, options.follow_symlinks):
                if entry.error:
                    yield FileResult(str(entry.path), FileStatus.ERROR, reason=entry.error)
                else:
                    yield from self.scan_file(entry.path)
        finally:
            self.close()

    def scan_file(self, path: Path) -> list[FileResult]:
        conn = self._worker()
        try:
            conn.send(str(path))
            if conn.poll(self.timeout):
                return conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            code = self._stop()
            return [_failed(path, f"extraction crashed (worker exit code {code})")]
        self._stop()
        return [_failed(path, f"timed out after {self.timeout:g} s: abandoned, not scanned")]

    def start(self) -> None:
        """Fork the extraction process now (before the caller starts other threads)."""
        self._worker()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(None)
        self._stop(graceful=True)

    def _worker(self) -> Connection:
        if self._process is None or not self._process.is_alive():
            self._stop()
            self.scanner.analyzer.prepare()  # compiled once here, inherited by every fork
            parent, child = self._context.Pipe()
            self._process = self._context.Process(
                target=_serve,
                args=(self.scanner, child, parent),
                daemon=True,
                name="baomi-worker",
            )
            self._process.start()
            child.close()
            self._conn = parent
        assert self._conn is not None
        return self._conn

    def _stop(self, graceful: bool = False) -> int | None:
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if process is None:
            return None
        if graceful:
            process.join(timeout=5)
        if process.is_alive():
            process.kill()
        process.join()
        return process.exitcode


def _serve(scanner: Scanner, conn: Connection, parent_end: Connection) -> None:
    """The worker: scan each path it is sent, send the results back, until None.

    It closes its inherited copy of the parent's end of the pipe, so the parent's
    death reads as end-of-file here, and asks the kernel to kill it with the parent
    (a scan killed with SIGKILL must not leave an orphan holding files open)."""
    parent_end.close()
    _die_with_parent()
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        conn.send(scanner.scan_file(Path(path)))


def _die_with_parent() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) on Linux; elsewhere the pipe's EOF suffices."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _failed(path: Path, reason: str) -> FileResult:
    return FileResult(str(path), FileStatus.ERROR, reason=reason)
