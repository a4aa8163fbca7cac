"""Reasons people read (why a file was not scanned or not redacted) without file content.

A reason goes to the inventory, the workbook, exports and stderr: places that must hold
masked values only. Extractors and writers build reasons from fixed phrases and the
exception's type, but parsers put content into their messages (an undefined entity's
name, a DTD's name, a zip member's name, a header they could not decode). Every reason
passes through ``safe_reason`` on its way out, as a last line of defence:

* anything a parser quoted (``'…'``, ``"…"``, ``b'…'``) is replaced by ``'…'``;
* control characters are escaped, the reason is one line, at most 300 characters;
* with an analyser, every value it recognises (a phone in a member name) is masked.
"""

from __future__ import annotations

import re
from typing import Protocol

from scanner.masking import mask
from scanner.models import Detection

QUOTED = re.compile(r"""b?'[^'\n]*'|b?"[^"\n]*"|«[^»\n]*»|“[^”\n]*”|‘[^’\n]*’|「[^」\n]*」""")
MAX_LENGTH = 300


class Analyses(Protocol):
    def analyze(self, text: str, context: tuple[str, ...] = ()) -> list[Detection]: ...


def safe_reason(reason: str, analyzer: Analyses | None = None) -> str:
    """``reason`` with quoted content removed, values masked, one printable line."""
    text = QUOTED.sub("'…'", reason)
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    if analyzer is not None and text:
        for d in sorted(analyzer.analyze(text, ()), key=lambda d: d.start, reverse=True):
            text = text[: d.start] + mask(d.entity_type, d.value) + text[d.end :]
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - 1] + "…"
    return text
