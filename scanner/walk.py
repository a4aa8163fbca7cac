"""Enumerate the files under the paths to scan, in a stable order.

Symbolic links below the given paths are not followed unless asked: a link can
point outside the share or make a loop. The given paths themselves are followed
(a share is often mounted behind a link). Directories that cannot be listed are reported, not
fatal. File names matching the exclude globs (office lock files, partial
downloads) are passed over.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WalkEntry:
    path: Path
    error: str = ""  # set when the entry could not be walked (the path is then reported)


def walk(
    roots: Sequence[Path], exclude: Sequence[str] = (), follow_symlinks: bool = False
) -> Iterator[WalkEntry]:
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:  # a path named on the command line is followed, like find -H
        if root.is_dir():
            yield from _walk_dir(root, exclude, follow_symlinks, seen_dirs)
        else:
            yield WalkEntry(root)


def _walk_dir(
    top: Path, exclude: Sequence[str], follow: bool, seen: set[tuple[int, int]]
) -> Iterator[WalkEntry]:
    try:
        st = top.stat()
        if (st.st_dev, st.st_ino) in seen:  # a link loop
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
        path = Path(entry.path)
        try:
            is_link = entry.is_symlink()
            if is_link and not follow:
                continue
            if entry.is_dir(follow_symlinks=follow):
                yield from _walk_dir(path, exclude, follow, seen)
            elif entry.is_file(follow_symlinks=follow):
                yield WalkEntry(path)
        except OSError as exc:
            yield WalkEntry(path, f"cannot stat: {exc.strerror}")
