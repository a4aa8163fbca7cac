"""Per-file time limit: files are scanned in a worker process that can be abandoned.

A parser that hangs on one crafted file (a PDF with a cyclic page tree, a
spreadsheet with a billion repeated empty rows) must not stall the scan of a
share. ``IsolatedScanner`` hands each file to a forked worker that holds the
same ``Scanner`` (recognizers loaded once) and waits at most the time limit for
its results. A worker that overruns is killed and replaced; one that dies (a
crash in a C extension) is replaced too; either way the file is reported with
the reason and the scan goes on. ``SpawnedScanner`` does the same where forking
is not allowed (a Dask worker): its worker is a new interpreter built from the
``ScanSpec``. Raw values never leave the worker unless
``--include-values`` was asked for: results travel as masked ``FileResult``s.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from scanner.models import FileResult, FileStatus
from scanner.scan.pipeline import Scanner
from scanner.scan.walk import walk

if TYPE_CHECKING:
    from scanner.scan.executors.spec import ScanSpec


Link = tuple[Connection, Connection]  # (to the worker, from the worker)
T = TypeVar("T")


class _WorkerProcess(ABC):
    """A process that scans the paths it is sent; each file gets at most ``timeout``
    seconds, then the process is killed and replaced and the file reported."""

    timeout: float
    _link: Link | None = None

    def __enter__(self) -> _WorkerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scan_file(self, path: Path) -> list[FileResult]:
        try:
            send, receive = self._worker()
            send.send(str(path))
            if receive.poll(self.timeout):
                return receive.recv()
        except (EOFError, OSError):  # a broken pipe: the worker died
            code = self._stop()
            return [_failed(path, f"extraction crashed (worker exit code {code})")]
        self._stop()
        return [_failed(path, f"timed out after {self.timeout:g} s: abandoned, not scanned")]

    def start(self) -> None:
        """Start the worker now (before the caller starts other threads)."""
        self._worker()

    def close(self) -> None:
        if self._link is not None:
            with contextlib.suppress(OSError):
                self._link[0].send(None)
        self._stop(graceful=True)

    def _worker(self) -> Link:
        if self._link is None or not self._alive():
            self._stop()
            self._link = self._start()
        return self._link

    def _stop(self, graceful: bool = False) -> int | None:
        """Close the link and end the worker (killed unless ``graceful`` and it ends
        within 5 s); its exit code, None when there was none."""
        link, self._link = self._link, None
        for conn in link or ():
            conn.close()
        return self._end(graceful)

    @abstractmethod
    def _start(self) -> Link: ...

    @abstractmethod
    def _alive(self) -> bool: ...

    @abstractmethod
    def _end(self, graceful: bool) -> int | None: ...


class IsolatedScanner(_WorkerProcess):
    """The worker is a fork of this process holding the same ``Scanner``."""

    def __init__(self, scanner: Scanner, timeout: float) -> None:
        self.scanner = scanner
        self.timeout = timeout
        self._context = multiprocessing.get_context("fork")
        self._process: multiprocessing.process.BaseProcess | None = None

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

    def _start(self) -> Link:
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
        return parent, parent

    def _alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _end(self, graceful: bool) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if graceful:
            process.join(timeout=5)
        if process.is_alive():
            process.kill()
        process.join()
        return process.exitcode


class SpawnedScanner(_WorkerProcess):
    """The worker is a new interpreter (``python -m scanner.scan.isolation``) that builds its
    scanner from a ``ScanSpec``: for processes that may not fork, such as a Dask worker
    (daemonic, and running threads). Starting one costs an interpreter and the model load
    (1–3 s), paid again only after a file overran or crashed it."""

    START_TIMEOUT_S = 300.0

    def __init__(self, spec: ScanSpec, timeout: float) -> None:
        self.spec = spec
        self.timeout = timeout
        self._process: subprocess.Popen | None = None

    def _start(self) -> Link:
        from_parent, to_child = os.pipe()  # (read end, write end)
        from_child, to_parent = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "scanner.scan.isolation", str(from_parent), str(to_parent)],
                pass_fds=(from_parent, to_parent),
                stdin=subprocess.DEVNULL,
            )
        except OSError:
            for fd in (to_child, from_child):
                os.close(fd)
            raise
        finally:
            os.close(from_parent)
            os.close(to_parent)
        link = Connection(to_child, readable=False), Connection(from_child, writable=False)
        self._link = link  # closed by _stop if the worker does not start
        link[0].send(self.spec)
        if not link[1].poll(self.START_TIMEOUT_S) or link[1].recv() != _READY:
            raise EOFError("the worker did not start")
        return link

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _end(self, graceful: bool) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if graceful:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        if process.poll() is None:
            process.kill()
        return process.wait()


_READY = "ready"


def _spawned_main(argv: list[str]) -> None:
    """The spawned worker: the spec first, then paths until None or end of file."""
    _die_with_parent()
    receive = Connection(int(argv[1]), writable=False)
    send = Connection(int(argv[2]), readable=False)
    scanner = receive.recv().build()
    scanner.analyzer.prepare()
    send.send(_READY)
    _serve_paths(scanner, receive, send)


def _serve(scanner: Scanner, conn: Connection, parent_end: Connection) -> None:
    """The forked worker. It closes its inherited copy of the parent's end of the pipe,
    so the parent's death reads as end-of-file here, and asks the kernel to kill it with
    the parent (a scan killed with SIGKILL must not leave an orphan holding files open)."""
    parent_end.close()
    _die_with_parent()
    _serve_paths(scanner, conn, conn)


def _serve_paths(scanner: Scanner, receive: Connection, send: Connection) -> None:
    """Scan each path received, send the results back, until None or end of file."""
    while True:
        try:
            path = receive.recv()
        except EOFError:
            return
        if path is None:
            return
        send.send(scanner.scan_file(Path(path)))


class Abandoned(Exception):
    """Work run by ``call_isolated`` that did not finish: ``str()`` is the reason shown
    (``timed out after 120 s: abandoned, not scanned``, ``extraction crashed …``)."""


def call_isolated(work: Callable[[], T], timeout: float, what: str = "not scanned") -> T:
    """``work()`` in a forked child of this process, given at most ``timeout`` seconds,
    as the scan gives each file: a child that overruns is killed, one that dies is
    collected, and either way ``Abandoned`` is raised with the reason. An exception in
    ``work`` is raised here as ``Abandoned`` too, by its type only (its message may quote
    the file). What ``work`` returns must pickle (masked values only)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_call_child, args=(work, send, receive), daemon=True, name="baomi-worker"
    )
    process.start()
    send.close()
    reply = None
    answered = False  # a reply or end-of-file came before the time ran out
    try:
        answered = receive.poll(timeout)
        if answered:
            reply = receive.recv()
    except (EOFError, OSError):
        pass  # the child died before it answered (it may not be reaped yet)
    finally:
        receive.close()
    if reply is None:
        if not answered:
            process.kill()
            process.join()
            raise Abandoned(f"timed out after {timeout:g} s: abandoned, {what}")
        process.join()
        raise Abandoned(f"extraction crashed (worker exit code {process.exitcode})")
    process.join()
    ok, value = reply
    if not ok:
        raise Abandoned(value)
    return value


def _call_child(work: Callable[[], object], send: Connection, parent_end: Connection) -> None:
    parent_end.close()  # the parent's death must read as end-of-file, not hang here
    _die_with_parent()
    try:
        reply = (True, work())
    except Exception as exc:
        reply = (False, _reason(exc))
    send.send(reply)


def _reason(exc: Exception) -> str:
    """An extraction error's own reason (``encrypted: not scanned``, ``limit exceeded: …``);
    any other error by its type only: its message may quote the file."""
    from scanner.scan.extract import ExtractionError
    from scanner.scan.fsio import FileTooLarge, NotRegularFile

    if isinstance(exc, ExtractionError):
        return str(exc)
    if isinstance(exc, NotRegularFile | FileTooLarge):
        return exc.reason
    if isinstance(exc, FileNotFoundError):
        return "vanished before it could be read"
    if isinstance(exc, OSError):
        return f"unreadable: {exc.strerror}"
    return f"cannot be read as a document ({type(exc).__name__})"


def _die_with_parent() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) on Linux; elsewhere the pipe's EOF suffices."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _failed(path: Path, reason: str) -> FileResult:
    return FileResult(str(path), FileStatus.ERROR, reason=reason)


if __name__ == "__main__":
    _spawned_main(sys.argv)
