"""Writing the files a user names (``-o``, ``--xlsx``, copies, exports), without harm.

What a path names decides how it is written:

* a regular file, or nothing yet: atomically (a temporary beside it, fsync, rename), so a
  reader sees the old file or the complete new one, never half; a symbolic link to a
  regular file keeps the link and replaces the file it points to;
* ``-``: standard output;
* a FIFO, a character device (``/dev/null``, a terminal) or a Unix socket: opened and
  written directly. Renaming over it would replace the device or pipe with a plain file
  (``/dev/null`` turned into a file breaks the whole machine; a FIFO's reader waits
  forever). A FIFO nobody reads fails after ``FIFO_READER_WAIT_S`` instead of hanging;
* a directory, a block device, a link to nothing: refused (``OutputRefused``).

Permissions: a new file gets ``0666 & ~umask`` like any other tool's output; a file that
replaces another in place keeps the original's mode, owner, group and POSIX ACL
(``like=``); a private file (keys, pseudonym tables) is 0600.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

STDOUT = "-"
FIFO_READER_WAIT_S = 5.0  # a reader started beside baomi (`cat fifo &`) has time to open it
PRIVATE_MODE = 0o600
ACL_XATTR = "system.posix_acl_access"  # colleagues' access on a share often lives here

# what output_kind says a path is
NEW, FILE, STREAM_OUT, FIFO, CHAR_DEVICE, SOCKET = (
    "new",
    "file",
    "stdout",
    "fifo",
    "char-device",
    "socket",
)


class OutputRefused(OSError):
    """A user-named output baomi will not write: not a file, a pipe or a device to write.

    An ``OSError`` so that every caller that reports a failed write (``exc.strerror``)
    reports this one too; ``str()`` is the whole bilingual message."""

    def __init__(self, path: Path | str, zh: str, en: str) -> None:
        super().__init__(errno.EINVAL, f"{zh} / {en}", str(path))
        self.path = str(path)

    def __str__(self) -> str:
        return f"{self.path}: {self.strerror}"


def output_kind(path: Path | str, stdout: bool = True) -> str:
    """What ``path`` is as an output: ``NEW``, ``FILE``, ``STREAM_OUT``, ``FIFO``,
    ``CHAR_DEVICE`` or ``SOCKET``; raises ``OutputRefused`` for anything else.

    A path that cannot be examined (a parent not searchable, a parent that is a file) is
    ``FILE``: the write itself then fails with the system's reason."""
    if str(path) == STDOUT:
        if not stdout:
            raise OutputRefused(
                path, "这里不能写到标准输出", "standard output is not accepted here"
            )
        return STREAM_OUT
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise OutputRefused(
                path,
                "是指向不存在目标的符号链接",
                "is a symbolic link to nothing; give a file name",
            ) from None
        return NEW
    except OSError:
        return FILE
    return _kind_of(path, st.st_mode)


def _kind_of(path: Path | str, mode: int) -> str:
    if stat.S_ISREG(mode):
        return FILE
    if stat.S_ISFIFO(mode):
        return FIFO
    if stat.S_ISCHR(mode):
        return CHAR_DEVICE
    if stat.S_ISSOCK(mode):
        return SOCKET
    if stat.S_ISDIR(mode):
        raise OutputRefused(path, "是一个目录，请给出文件名", "is a directory; give a file name")
    if stat.S_ISBLK(mode):
        raise OutputRefused(
            path, "是块设备（磁盘），不写入", "is a block device (a disk): not written"
        )
    raise OutputRefused(
        path, "不是普通文件、管道或字符设备", "is not a regular file, FIFO or character device"
    )


def check_output(path: Path | str, option: str, stdout: bool = True) -> None:
    """Refuse, before any work is done, an output that would be refused when written."""
    try:
        output_kind(path, stdout)
    except OutputRefused as exc:
        raise OutputRefused(f"{option} {path}", *_halves(exc)) from None


def _halves(exc: OutputRefused) -> tuple[str, str]:
    zh, _, en = (exc.strerror or "").partition(" / ")
    return zh, en


@contextlib.contextmanager
def open_output(
    path: Path | str,
    mode: str = "w",
    encoding: str | None = "utf-8",
    *,
    private: bool = False,
    like: Path | None = None,
    stdout: bool = True,
) -> Iterator[IO]:
    """Open the output ``path`` for writing as its kind requires (see the module)."""
    kind = output_kind(path, stdout)
    if kind in (NEW, FILE):
        target = Path(os.path.realpath(path)) if kind == FILE else Path(path)
        with atomic_write(target, mode, encoding, private=private, like=like) as fh:
            yield fh
        return
    if kind == STREAM_OUT:
        fh = sys.stdout.buffer if "b" in mode else sys.stdout
        yield fh
        fh.flush()
        return
    with _open_stream(Path(path), kind, mode, encoding) as fh:
        yield fh
        fh.flush()


def _open_stream(path: Path, kind: str, mode: str, encoding: str | None) -> IO:
    """A FIFO, character device or socket opened for writing (no temporary, no rename)."""
    text = None if "b" in mode else encoding
    if kind == SOCKET:
        return _connect(path, "wb" if "b" in mode else "w", text)
    fd = _open_fifo(path) if kind == FIFO else os.open(path, os.O_WRONLY | os.O_NOCTTY)
    return os.fdopen(fd, "wb" if "b" in mode else "w", encoding=text)


def _open_fifo(path: Path, wait_s: float | None = None) -> int:
    """Open a FIFO for writing without hanging when nobody reads it.

    A blocking open would wait for a reader forever (a cron job stuck all night);
    ``O_NONBLOCK`` fails at once (``ENXIO``) instead, so the open is retried for a few
    seconds, then refused. Writes then block again as usual: a slow reader is not an error."""
    wait = FIFO_READER_WAIT_S if wait_s is None else wait_s
    deadline = time.monotonic() + wait
    fd = _try_open_fifo(path)
    while fd is None:
        if time.monotonic() >= deadline:
            raise OutputRefused(
                path,
                "没有进程读取这个命名管道",
                f"nobody reads this FIFO (waited {wait:g} s)",
            )
        time.sleep(0.05)
        fd = _try_open_fifo(path)
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    return fd


def _try_open_fifo(path: Path) -> int | None:
    """The FIFO opened for writing, or None while it has no reader."""
    try:
        return os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            return None
        raise


def _connect(path: Path, mode: Literal["wb", "w"], encoding: str | None) -> IO:
    """A Unix stream socket's listener gets the output as a client would send it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EPROTOTYPE:
            raise OutputRefused(
                path, "不是流式套接字", "is a datagram socket, not a stream to write"
            ) from None
        raise
    fh = sock.makefile(mode, encoding=encoding)
    sock.close()  # the file object holds its own reference to the connection
    return fh


def can_append(path: Path | str, option: str) -> None:
    """Refuse an append-only log that is not a file, FIFO or character device to append to.

    A FIFO is not probed: opening and closing it would hand its reader an end of file
    (``cat`` would exit before the first record). Each record opens the log anew and
    waits for a reader, as a pipe to a log collector should: an audit record is never
    dropped because the collector was restarting."""
    check_output(path, option, stdout=False)
    if output_kind(path, stdout=False) == SOCKET:  # open() cannot append to a socket
        raise OutputRefused(
            f"{option} {path}",
            "是套接字，不能追加写入",
            "is a socket: a log cannot be appended to it",
        )


@contextlib.contextmanager
def atomic_write(
    path: Path,
    mode: str = "w",
    encoding: str | None = "utf-8",
    *,
    private: bool = False,
    like: Path | None = None,
) -> Iterator[IO]:
    """Write to a temporary file beside ``path``, fsync, then rename over it.

    Only for a regular file or a path that does not exist: anything else is refused
    rather than replaced (use ``open_output`` for user-named outputs). The new file is
    ``0666 & ~umask``, 0600 when ``private``, or has ``like``'s mode, owner and group.
    Temporaries of the same target left by a writer that was killed (SIGKILL cannot
    clean up) are removed first, so a restart leaves no partial file behind."""
    path = Path(path)
    if os.path.lexists(path) and not path.is_file():  # a device or pipe is never replaced
        raise OutputRefused(path, "不是普通文件，不替换", "is not a regular file: not replaced")
    for stale in (path.parent or Path(".")).glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as fh:
            yield fh
            fh.flush()
            _set_permissions(fh.fileno(), private, like)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _set_permissions(fd: int, private: bool, like: Path | None) -> None:
    """mkstemp makes 0600; give the file the mode it should have before it is visible."""
    if private:
        return
    if like is None:
        os.fchmod(fd, 0o666 & ~current_umask())
        return
    original = os.stat(like)
    owner_kept = _chown_like(fd, original)
    mode = stat.S_IMODE(original.st_mode)
    if not owner_kept:  # setuid/setgid of someone else must not pass to us
        mode &= ~(stat.S_ISUID | stat.S_ISGID)
    os.fchmod(fd, mode)
    _copy_acl(like, fd)


def _chown_like(fd: int, original: os.stat_result) -> bool:
    """Give the file ``original``'s owner and group, as far as allowed: root may, a member
    of the group may still set the group; the mode is kept either way. Whether the
    owner (and group) were kept."""
    made = os.fstat(fd)
    if (made.st_uid, made.st_gid) == (original.st_uid, original.st_gid):
        return True
    try:
        os.fchown(fd, original.st_uid, original.st_gid)
        return True
    except PermissionError:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, original.st_gid)
        return False


def _copy_acl(like: Path, fd: int) -> None:
    """The original's POSIX access ACL, if it has one and the file system keeps them."""
    try:
        acl = os.getxattr(like, ACL_XATTR)
    except OSError:
        return  # no ACL, or no ACL support: the mode says it all
    with contextlib.suppress(OSError):
        os.setxattr(fd, ACL_XATTR, acl)


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (threads may be
    creating files meanwhile); elsewhere set and restored at once."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask
