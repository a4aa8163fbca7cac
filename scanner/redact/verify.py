"""Verified before release: the written copy is extracted and scanned again.

Two checks, both on the output exactly as it will be released:

1. **Rescan** — the output goes through the scanner's own extractors and
   analyser (members and attachments included, file name too): any finding of a
   type the policy does not keep is a failure, unless it lies inside an
   operator's own output (an encrypted token, a keyed hash, a label).
2. **Leftovers** — every raw value the redaction replaced (held in memory
   only) is searched for in all text the extractors read from the output, so a
   value the recognizers would no longer flag in a new context (a name cut off
   from its label) is still caught.
3. **Every byte** — those values and everything the scan of the original found
   that the policy removes are searched for in every byte of the copy, taken
   apart as a container rather than extracted (``leftovers.py``): what the
   extractors cannot see is searched all the same.

Failures are listed with masked values only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from scanner.masking import mask
from scanner.models import Detection, Segment
from scanner.redact import leftovers
from scanner.redact.policy import Policy
from scanner.scan.analyze import Analyzer
from scanner.scan.content import segments_of
from scanner.scan.pipeline import Scanner

__all__ = ["Remaining", "masked_text", "removed_values", "segments_of", "verify"]
LEFT_IN_TEXT = "left in the text"
LEFT_IN_BYTES = "left in the bytes"


@dataclass(frozen=True, slots=True)
class Remaining:
    entity_type: str
    where: str
    masked: str
    value: str = field(default="", repr=False, compare=False)  # in memory only, never shown

    def __str__(self) -> str:
        return f"{self.entity_type} {self.masked} ({self.where})"


# What the operators write: encrypted tokens, keyed hashes, labels. A recognizer may see a
# "name" in base64 noise; inside these it is the operator's own output, not information.
OPERATOR_OUTPUT = re.compile(
    r"\[\[BAOMI-ENC:[A-Za-z0-9_\-=]+\]\]|\[[^\[\]\s:]{1,24}:[0-9a-f]{16}\]"
    r"|\[[^\[\]\s]{1,24}?(?:[A-Z]{1,3}|\d{1,6})\]"
)


def verify(
    scanner: Scanner,
    data: bytes,
    display: str,
    policy: Policy,
    replaced: Iterable[tuple[str, str]],
    flagged: Callable[[Detection], bool] | None = None,
    removed: Iterable[tuple[str, str]] = (),
) -> list[Remaining]:
    """What the policy does not allow and is still in ``data`` (empty: safe to release).
    ``flagged`` narrows what counts (retention of some of a file's clients only);
    ``removed`` are further values that must not be anywhere in the copy's bytes (what
    the scan of the original found, in places no writer rewrites)."""
    flagged = flagged or (lambda d: not policy.allows(d.entity_type))
    try:
        found = list(_detections(scanner, data, display))
    except Exception as exc:  # the copy must be readable by the same extractors
        return [Remaining("UNREADABLE", display, f"cannot be read again ({type(exc).__name__})")]
    remaining: list[Remaining] = []
    texts = []
    for segment, detections in found:
        texts.append(segment.text)
        tokens = [m.span() for m in OPERATOR_OUTPUT.finditer(segment.text)]
        for d in detections:
            inside_token = any(s <= d.start and d.end <= e for s, e in tokens)
            if not inside_token and flagged(d):
                masked = mask(d.entity_type, d.value)
                remaining.append(Remaining(d.entity_type, segment.location, masked, d.value))
    replaced = set(replaced)
    for entity_type, value in sorted(replaced):
        if len(value) >= 2 and any(value in text for text in texts):
            masked = mask(entity_type, value)
            remaining.append(Remaining(entity_type, LEFT_IN_TEXT, masked, value))
    already = {r.value for r in remaining}
    for hit in leftovers.search(data, replaced | set(removed), scanner.limits):
        if hit.value not in already:
            masked = mask(hit.entity_type, hit.value)
            where = f"{LEFT_IN_BYTES}: {masked_text(scanner.analyzer, hit.where)}"
            remaining.append(Remaining(hit.entity_type, where, masked, hit.value))
    return remaining


def removed_values(
    scanner: Scanner,
    data: bytes,
    display: str,
    policy: Policy,
    flagged: Callable[[Detection], bool] | None = None,
) -> set[tuple[str, str]]:
    """(type, value) of everything the policy removes that a scan of the original finds,
    wherever it stands: none of it may be anywhere in the copy."""
    flagged = flagged or (lambda d: not policy.allows(d.entity_type))
    try:
        found = list(_detections(scanner, data, display))
    except Exception:  # unreadable originals are refused by the writer itself
        return set()
    return {(d.entity_type, d.value) for _, ds in found for d in ds if flagged(d)}


def _detections(
    scanner: Scanner, data: bytes, display: str
) -> Iterator[tuple[Segment, list[Detection]]]:
    segments = [Segment(display, "文件名"), *segments_of(data, display, scanner.limits)]
    found = scanner.analyzer.analyze_batch([(s.text, s.context) for s in segments])
    yield from zip(segments, found, strict=True)


def masked_text(analyzer: Analyzer, text: str) -> str:
    """``text`` (a part or attachment name, a place) with every value in it masked."""
    for d in sorted(analyzer.analyze(text, ()), key=lambda d: d.start, reverse=True):
        text = text[: d.start] + mask(d.entity_type, d.value) + text[d.end :]
    return text
