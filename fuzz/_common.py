"""Shared by the atheris harnesses: the repository on sys.path, names from a byte."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# a fixed key and a throw-away inventory: a fuzz run writes nothing into $HOME or ./.baomi
os.environ.setdefault("BAOMI_HASH_KEY", "00112233445566778899aabbccddeeff" * 2)
os.environ.setdefault("BAOMI_INVENTORY", os.path.join("/tmp", f"baomi-fuzz-{os.getpid()}.db"))

# The first input byte picks the file name: content decides binary formats, but for text
# the extension picks the parser, and a wrong extension is a case of its own.
EXTENSIONS = (
    ".docx", ".xlsx", ".pptx", ".pdf", ".eml", ".zip", ".txt", ".csv", ".json", ".html",
    ".xml", ".rtf", ".msg", ".doc", ".xls", ".odt", ".ods", ".7z", ".tar", ".gz", ".bz2",
    ".xz", ".tsv", ".md", ".log", ".jsonl", ".htm", "",
)  # fmt: skip


def split(data: bytes) -> tuple[str, bytes]:
    """(file name, content) from a fuzzer input: byte 0 chooses the extension."""
    if not data:
        return "fuzz.txt", b""
    return "客户资料" + EXTENSIONS[data[0] % len(EXTENSIONS)], data[1:]
