"""File names as text baomi can store, print and write into a workbook.

A POSIX file name is bytes. Python hands over a name that is not valid UTF-8 (GBK
from a Windows share: ``b'\\xbf\\xcd\\xbb\\xa7.txt'``) as a ``str`` holding lone
surrogates (``surrogateescape``), which SQLite, JSON writers, openpyxl and
terminals refuse or mangle; a name may also hold control characters (``\\x01``,
ESC) that break a workbook or drive a terminal. Names from the file system are
therefore turned into text here once (``path_text``), and every writer guards its
own output (``unsurrogate``, ``printable``, ``visible``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# control characters (C0, DEL, C1; openpyxl and XML 1.0 refuse most) and XML's two
# non-characters: shown escaped, never written raw
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_ESCAPE = re.compile(rb"\\\\|\\x[0-9a-f]{2}")


def path_text(path: str | bytes | os.PathLike) -> str:
    """The one text form of a file-system path that baomi stores and shows.

    A name that is valid UTF-8 without a backslash is itself. In a name that is not
    valid UTF-8 every byte outside ASCII is shown as ``\\xNN`` (half-decoded GBK would
    be misleading mojibake); in both that and a name holding a backslash every
    backslash is doubled. Two different names therefore never get the same text
    (the inventory keys files by it): a literal ``\\xbf`` stays distinct from the byte.
    """
    text = os.fsdecode(os.fspath(path))
    if "\\" not in text and not _has_surrogates(text):
        return text
    return "/".join(_component_text(part, double_backslash=True) for part in text.split("/"))


def fs_path(text: str) -> Path:
    """The path ``path_text`` made ``text`` from (its inverse): for a tool that goes back
    from the inventory to the file."""
    return Path("/".join(_component_path(part) for part in text.split("/")))


def unsurrogate(text: str) -> str:
    """Undecodable bytes (lone surrogates) as ``\\xNN``; text without them unchanged.

    A guard for writers whose text may come from elsewhere than ``path_text``.
    """
    if not _has_surrogates(text):
        return text
    return "/".join(_component_text(part, double_backslash=False) for part in text.split("/"))


def printable(text: str) -> str:
    """One safe line: control characters escaped (a file name with a newline or an
    escape sequence must not break the one-line-per-file log or drive the terminal),
    undecodable bytes of non-UTF-8 file names shown as ``\\xNN``."""
    text = unsurrogate(text)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def visible(text: str) -> str:
    """Text as it is, but undecodable bytes and control characters escaped visibly
    (``\\x01``): what a workbook cell or a table cell on a terminal may hold (openpyxl
    refuses most control characters, a terminal obeys them, the rest are invisible)."""
    text = unsurrogate(text)
    if not _INVISIBLE.search(text):
        return text
    return _INVISIBLE.sub(lambda m: repr(m.group())[1:-1], text)


def _component_text(part: str, double_backslash: bool) -> str:
    """One path component: escaped byte by byte when it is not valid UTF-8."""
    if not _has_surrogates(part):
        return part.replace("\\", "\\\\") if double_backslash else part
    raw = os.fsencode(part)
    if double_backslash:
        raw = raw.replace(b"\\", b"\\\\")
    return raw.decode("ascii", "backslashreplace")


def _component_path(part: str) -> str:
    """One component of ``path_text`` back to the name (``\\\\`` and ``\\xNN`` undone)."""
    if "\\" not in part:
        return part
    raw = _ESCAPE.sub(_unescape, part.encode("utf-8"))
    return os.fsdecode(raw)


def _unescape(match: re.Match[bytes]) -> bytes:
    escape = match.group()
    return b"\\" if escape == b"\\\\" else bytes([int(escape[2:], 16)])


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # only a lone surrogate fails to encode
        return True
    return False
