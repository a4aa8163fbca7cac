"""Opening files on a share that may hold hostile entries: links, FIFOs, devices, sockets.

Every read of a file baomi did not write goes through ``open_regular``:

* ``O_NOFOLLOW``: a file swapped for a symbolic link after the walk is refused, so a
  link cannot lead a scan or a redaction outside the scanned folders;
* ``O_NONBLOCK``: opening a FIFO whose writer never comes returns at once instead of
  blocking the worker forever (the flag is cleared again for a regular file);
* ``fstat`` on the open descriptor: only a regular file is read; a FIFO, a device
  (``/dev/zero``), a socket or a directory is refused with a reason people can read.

The reasons are fixed phrases: they never quote content.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path
from typing import BinaryIO

O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotRegularFile(OSError):
    """The path is not a regular file baomi may read; ``reason`` says what it is."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(errno.EINVAL, reason, os.fspath(path))
        self.reason = reason


# Every reason for an entry baomi deliberately does not open ends with one of these:
# a link not followed, a FIFO or a device not read. Such an entry is reported and
# recorded, but it is a decision, not a failure to scan (``scanner/scan/coverage.py``).
REFUSED = (", not followed", ", not read")


def is_refusal(reason: str) -> bool:
    """Whether ``reason`` says an entry was deliberately not opened (a link, a FIFO …)."""
    return reason.endswith(REFUSED)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in the words the inventory shows."""
    if stat.S_ISLNK(mode):
        return "symbolic link, not followed"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO), not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file, not read"
    if stat.S_ISSOCK(mode):
        return "socket, not read"
    if stat.S_ISDIR(mode):
        return "directory, not a file"
    return "not a regular file, not read"


def open_regular(path: str | os.PathLike[str], follow_symlinks: bool = False) -> BinaryIO:
    """``path`` opened for binary reading if, and only if, it is a regular file.

    Raises ``NotRegularFile`` (a link when links are not followed, a FIFO, a device …)
    or the ``OSError`` of the open itself (missing, permission denied).
    """
    flags = os.O_RDONLY | O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks:
            raise NotRegularFile(path, kind_of(stat.S_IFLNK)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, kind_of(mode))
        if O_NONBLOCK:  # a regular file reads the same either way; clear it for clarity
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(
    path: str | os.PathLike[str], max_bytes: int | None = None, follow_symlinks: bool = False
) -> bytes:
    """The whole content of a regular file; ``NotRegularFile`` otherwise. With ``max_bytes``
    a larger file raises ``FileTooLarge`` before it is read into memory."""
    with open_regular(path, follow_symlinks) as fh:
        if max_bytes is not None:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise FileTooLarge(path, size, max_bytes)
            data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:  # grew since the fstat (a log being written)
                raise FileTooLarge(path, len(data), max_bytes)
            return data
        return fh.read()


class FileTooLarge(OSError):
    """A file beyond the configured size limit (``[limits] max_file_mb``)."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        mb = 1024 * 1024
        reason = f"limit exceeded: {size / mb:.1f} MB (limit {limit / mb:g} MB)"
        super().__init__(errno.EFBIG, reason, os.fspath(path))
        self.reason = reason


def lstat_kind(path: Path) -> str:
    """Why ``path`` will not be read ("" for a regular file), without following a link."""
    mode = os.lstat(path).st_mode
    return "" if stat.S_ISREG(mode) else kind_of(mode)
