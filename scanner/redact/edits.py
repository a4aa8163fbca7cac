"""What a writer applies: edits on a piece of text, and how they land on formatted runs.

A writer (``scanner/redact/writers/<format>.py``) walks every place of its format
where text lives (a paragraph, a cell, a header, a property), hands the text to a
``TextRewriter`` and applies the ``Edit``s it returns. Redaction and restoration
are both ``TextRewriter``s, so one writer serves ``baomi redact`` and
``baomi restore``.

Formatted text is split into runs (Word ``w:r``, PowerPoint ``a:r``, Excel rich
text ``r``); a value may span several of them (``138`` bold + ``12345678``
plain). ``apply_to_runs`` applies edits made on the concatenated text: the
replacement goes into the run where the value starts (keeping that run's
format) and the rest of the value is cut from the runs that follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement`` (empty: remove it)."""

    start: int
    end: int
    replacement: str
    entity_type: str = ""


class TextRewriter(Protocol):
    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        """Edits for one piece of text, sorted, non-overlapping. ``location`` names where the
        text is (for messages); ``context`` carries labels such as a column header."""
        ...


class RedactionError(Exception):
    """The file cannot be rewritten safely (unsupported part, encrypted, corrupt)."""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    out: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < position:
            raise ValueError(f"overlapping edits at {edit.start}")
        out.append(text[position : edit.start])
        out.append(edit.replacement)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def apply_to_runs(runs: Sequence[str], edits: Sequence[Edit]) -> list[str]:
    """New texts for ``runs`` after ``edits`` (each on a non-empty span) made on
    ``"".join(runs)``.

    Each replacement is placed in the run holding the edit's first character; the
    characters of the edited span in later runs are removed. Runs keep their number
    (a run may become empty), so the caller can write them back in place.
    """
    ordered = sorted(edits, key=lambda e: e.start)
    out: list[str] = []
    run_start = 0
    for text in runs:
        run_end = run_start + len(text)
        pieces: list[str] = []
        cursor = run_start
        for edit in ordered:
            if edit.end <= run_start or edit.start >= run_end:
                continue
            if edit.start >= cursor:  # the edit starts in this run: its replacement goes here
                pieces.append(text[cursor - run_start : edit.start - run_start])
                pieces.append(edit.replacement)
            cursor = max(cursor, min(edit.end, run_end))
        pieces.append(text[cursor - run_start :])
        out.append("".join(pieces))
        run_start = run_end
    return out
