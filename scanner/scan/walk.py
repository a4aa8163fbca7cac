"""Enumerate the files under the paths to scan, in a stable order.

Symbolic links below the given paths are not followed unless asked: a link can
point outside the share or make a loop. The given paths themselves are followed
(a share is often mounted behind a link). Nothing under a root is passed over
silently: a link, a FIFO, a device or a socket comes out as an entry with an
``error`` that says what it is (a symbolic link loop, a link to outside the scanned
folders, a dangling link …), so the scan reports it and the inventory records it as
a file that could not be scanned. With ``follow_symlinks`` a link to a file or a
folder inside the roots is followed; a loop, a dangling link, a link leading
outside the roots and a link to anything but a file or folder are still reported
and never read. Looking at a link's target uses ``stat`` only, which opens nothing:
a FIFO or a device behind a link is never opened. Directories that cannot be
listed are reported, not fatal. File names matching the exclude globs (office lock
files, partial downloads) are passed over.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.scan.fsio import kind_of

LINK_LOOP = "symbolic link loop, not followed"
LINK_DANGLING = "dangling symbolic link (its target does not exist), not followed"


@dataclass(frozen=True, slots=True)
class WalkEntry:
    path: Path
    error: str = ""  # set when the entry could not be walked or is not read (then reported)


class _Bounds:
    """The real locations of the roots: what a link may lead to and still be inside."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.real = [os.path.realpath(root) for root in roots]

    def inside(self, real: str) -> bool:
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.real)

    def link_reason(self, link: Path, follow: bool) -> str:
        """Why the link ``link`` is not followed ("" when it is followed)."""
        try:
            mode = os.stat(link).st_mode  # stat only: the target is never opened
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return LINK_LOOP
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return LINK_DANGLING
            return f"symbolic link, its target cannot be examined: {exc.strerror}"
        target = os.path.realpath(link)
        what = _target_kind(mode)
        if not self.inside(target):
            return f"symbolic link to {what} outside the scanned folders, not followed"
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            return f"symbolic link to {what}, not read"
        if stat.S_ISDIR(mode) and _is_ancestor(target, os.path.realpath(link.parent)):
            return LINK_LOOP
        if not follow:
            return f"symbolic link to {what}, not followed"
        return ""


def walk(
    roots: Sequence[Path], exclude: Sequence[str] = (), follow_symlinks: bool = False
) -> Iterator[WalkEntry]:
    seen_dirs: set[tuple[int, int]] = set()
    bounds = _Bounds(roots)
    for root in roots:  # a path named on the command line is followed, like find -H
        if root.is_dir():
            yield from _walk_dir(root, exclude, follow_symlinks, seen_dirs, bounds)
        else:
            yield WalkEntry(root, _root_reason(root))


def _walk_dir(
    top: Path,
    exclude: Sequence[str],
    follow: bool,
    seen: set[tuple[int, int]],
    bounds: _Bounds,
) -> Iterator[WalkEntry]:
    try:
        st = top.stat()
        if (st.st_dev, st.st_ino) in seen:  # reached again through a followed link
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except PermissionError:
        yield WalkEntry(top, "permission denied (directory)")
        return
    except OSError as exc:
        yield WalkEntry(top, f"cannot list directory: {exc.strerror}")
        return
    for entry in entries:
        if any(fnmatch.fnmatch(entry.name, pattern) for pattern in exclude):
            continue
        yield from _entry(entry, exclude, follow, seen, bounds)


def _entry(
    entry: os.DirEntry,
    exclude: Sequence[str],
    follow: bool,
    seen: set[tuple[int, int]],
    bounds: _Bounds,
) -> Iterator[WalkEntry]:
    """One directory entry: a file, a folder to descend, or a reported refusal."""
    path = Path(entry.path)
    try:
        if entry.is_symlink():
            reason = bounds.link_reason(path, follow)
            if reason:
                yield WalkEntry(path, reason)
                return
        if entry.is_dir(follow_symlinks=follow):
            yield from _walk_dir(path, exclude, follow, seen, bounds)
        elif entry.is_file(follow_symlinks=follow):
            yield WalkEntry(path)
        else:  # a FIFO, a device or a socket: never opened
            yield WalkEntry(path, kind_of(entry.stat(follow_symlinks=follow).st_mode))
    except OSError as exc:
        yield WalkEntry(path, f"cannot stat: {exc.strerror}")


def refusal(path: Path, roots: Sequence[Path]) -> str:
    """Why ``path``, met outside a walk (a watcher's event), is not read, in the walk's
    words; "" for a regular file, a folder or nothing there. Links are not followed."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return ""
    if stat.S_ISLNK(mode):
        return _Bounds(roots).link_reason(path, follow=False)
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    return kind_of(mode)


def within(path: Path, roots: Sequence[Path]) -> bool:
    """``path`` lies inside one of ``roots``: its folder resolved, its last component
    not (a link is judged where it lies, never by where it points)."""
    located = os.path.join(os.path.realpath(path.parent), path.name)
    return _Bounds(roots).inside(located)


def _root_reason(root: Path) -> str:
    """A root that is not a folder is scanned as a file only when it is a regular one."""
    try:
        mode = os.stat(root).st_mode  # a named root is followed, like find -H
    except OSError:
        return ""  # missing or unreadable: the scan of the file says so
    return "" if stat.S_ISREG(mode) else kind_of(mode)


def _target_kind(mode: int) -> str:
    """What a link points to, in the words of its reason."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something that is not a regular file"


def _is_ancestor(folder: str, real: str) -> bool:
    """``folder`` is ``real`` or one of its parents: descending it would never end."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)
