"""Text normalisation that keeps offsets meaningful.

Two problems hide Chinese identifiers from plain regular expressions:

* full-width forms (``１３８１２３４５６７８``, ``（０７５５）``) typed with Chinese input
  methods. ``to_halfwidth`` maps them one character to one character, so every
  offset in the normalised text is an offset in the original.
* digit runs broken by a line wrap (``13812345\\n678``), as text copied out of a
  PDF or a narrow table cell arrives. ``wrapped_digit_windows`` finds every such
  joint and returns a small window with the joint removed plus a map from each
  window character back to its original offset; the analyser looks for
  identifiers that straddle a joint only there, so a CSV row ending in a phone
  number is never glued to the next row's leading digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# U+FF01..U+FF5E are the full-width twins of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)

# A line break (with the spaces a layout engine leaves around it) between two digits.
_JOINT = re.compile(r"(?<=[0-9０-９])[ \t\u3000]*\r?\n[ \t\u3000]*(?=[0-9０-９])")
# Characters that can belong to a wrapped identifier; windows extend over them.
_IDENT_CHARS = re.compile(r"[0-9A-Za-z \-+()０-９Ａ-Ｚａ-ｚ－＋（）\u3000]")

SEPARATORS = " -\t\r\n"
_SEPARATOR_TABLE = str.maketrans("", "", SEPARATORS)


_HALFWIDTH_TABLE = str.maketrans({v: k for k, v in _FULLWIDTH.items()})


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms to ASCII; the result has exactly the input's length."""
    return text.translate(_FULLWIDTH_TABLE)


def to_fullwidth(text: str) -> str:
    """ASCII to the full-width forms (the inverse of ``to_halfwidth``)."""
    return text.translate(_HALFWIDTH_TABLE)


def compact(value: str) -> str:
    """An identifier without separators, upper-cased: the form checksums work on."""
    return value.translate(_SEPARATOR_TABLE).upper()


@dataclass(frozen=True, slots=True)
class JoinedWindow:
    """Text around one or more line-wrap joints with the joints removed.

    ``origin[i]`` is the offset in the original text of ``text[i]``; ``origin`` has
    one extra entry (the original end) so spans map back as ``origin[start]`` and
    ``origin[end - 1] + 1``.
    """

    text: str
    origin: tuple[int, ...]
    joints: tuple[int, ...]  # positions in ``text`` where a joint was removed

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1

    def straddles_joint(self, start: int, end: int) -> bool:
        return any(start < j < end for j in self.joints)


_DIGITS = frozenset("0123456789０１２３４５６７８９")
_BLANKS = " \t\u3000\r"


def has_wrapped_digits(text: str) -> bool:
    """Is there a line break between two digits? Looks only at the line breaks, so a
    long text without one costs a single ``find``."""
    i = text.find("\n")
    while i >= 0:
        j = i - 1
        while j >= 0 and text[j] in _BLANKS:
            j -= 1
        k = i + 1
        while k < len(text) and text[k] in _BLANKS:
            k += 1
        if j >= 0 and k < len(text) and text[j] in _DIGITS and text[k] in _DIGITS:
            return True
        i = text.find("\n", i + 1)
    return False


def wrapped_digit_windows(
    text: str,
    radius: int = 28,
    margin_before: int = 16,
    margin_after: int = 6,
    joiner: str = "",
) -> list[JoinedWindow]:
    """Windows around each digit joint, the joint replaced by ``joiner``; neighbouring
    joints share one. ``joiner=""`` rejoins a wrapped run (13812345\\n678), ``" "``
    one written in groups (138 1234\\n5678).

    A window covers the identifier characters next to the joint (at most
    ``radius`` each side) plus a margin of any characters, so that context words
    such as 手机 before a wrapped number are inside it too.
    """
    spans: list[tuple[int, int]] = []
    for m in _JOINT.finditer(text):
        lo = max(0, _extend(text, m.start(), -1, radius) - margin_before)
        hi = min(len(text), _extend(text, m.end(), +1, radius) + margin_after)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return [_join(text, lo, hi, joiner) for lo, hi in spans]


def _extend(text: str, pos: int, step: int, radius: int) -> int:
    """Move from ``pos`` over identifier characters, at most ``radius`` of them."""
    i, n = pos, 0
    if step < 0:
        while i > 0 and n < radius and _IDENT_CHARS.match(text, i - 1):
            i, n = i - 1, n + 1
    else:
        while i < len(text) and n < radius and _IDENT_CHARS.match(text, i):
            i, n = i + 1, n + 1
    return i


def _join(text: str, lo: int, hi: int, joiner: str = "") -> JoinedWindow:
    chars: list[str] = []
    origin: list[int] = []
    joints: list[int] = []
    pos = lo
    for m in _JOINT.finditer(text, lo, hi):
        chars.append(text[pos : m.start()] + joiner)
        origin.extend(range(pos, m.start()))
        joints.append(len(origin))
        origin.extend([m.start()] * len(joiner))  # the joiner stands where the break was
        pos = m.end()
    chars.append(text[pos:hi])
    origin.extend(range(pos, hi))
    origin.append(hi)
    return JoinedWindow("".join(chars), tuple(origin), tuple(joints))
