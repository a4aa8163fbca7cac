"""atheris harness: arbitrary bytes through the redaction writers (``rewrite_bytes``).

The first byte picks the extension (``fuzz/_common.py``), the rest is the content,
rewritten with a rewriter that changes nothing (so every writer still parses and
serialises the whole file). Only ``RedactionError`` may leave a writer; any other
exception is a crash.

    python fuzz/fuzz_redact.py fuzz/seeds -max_total_time=3600
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import atheris

with atheris.instrument_imports():
    import _common  # noqa: F401  (sys.path, environment)

    from scanner.redact.edits import Edit, RedactionError
    from scanner.redact.writers import WriteContext, rewrite_bytes

from _common import split


class NoEdits:
    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        return []


REWRITER = NoEdits()


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    name, content = split(data)
    if not content:
        return
    try:
        out = rewrite_bytes(content, REWRITER, WriteContext(name))
    except RedactionError:
        return  # refusing a file it cannot rewrite safely is the writers' contract
    if not isinstance(out, bytes):
        raise TypeError(f"{name}: writer returned {type(out).__name__}")


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
