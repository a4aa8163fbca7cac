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
from bisect import bisect_right
from dataclasses import dataclass

# U+FF01..U+FF5E are the full-width twins of ASCII 0x21..0x7E; U+3000 is the ideographic
# space, U+00A0 the no-break space (&nbsp;: 139&nbsp;1234&nbsp;5678); both become a blank.
_FULLWIDTH_FIRST, _FULLWIDTH_LAST, _FULLWIDTH_SHIFT = 0xFF01, 0xFF5E, 0xFEE0
_WIDE_SPACES = (0x3000, 0x00A0)
_FULLWIDTH = {cp: cp - _FULLWIDTH_SHIFT for cp in range(_FULLWIDTH_FIRST, _FULLWIDTH_LAST + 1)}
_FULLWIDTH.update(dict.fromkeys(_WIDE_SPACES, 0x20))
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)

# A line break (with the spaces a layout engine leaves around it) between two digits.
_JOINT = re.compile(r"(?<=[0-9０-９])[ \t\u3000]*\r?\n[ \t\u3000]*(?=[0-9０-９])")
# Characters that can belong to a wrapped identifier; windows extend over them.
_IDENT_CHARS = re.compile(r"[0-9A-Za-z \-+()０-９Ａ-Ｚａ-ｚ－＋（）\u3000]")

# Characters a reader does not see that split a value for a pattern (138\u200b1234…):
# zero-width space, (non-)joiners, word joiner, BOM, soft hyphen, Mongolian vowel
# separator, combining grapheme joiner.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")

SEPARATORS = " -\t\r\n"
_SEPARATOR_TABLE = str.maketrans("", "", SEPARATORS)


_HALFWIDTH_TABLE = str.maketrans({v: k for k, v in _FULLWIDTH.items()})


# Below this length ``str.translate`` is quicker; above it the array round trip wins
# (a 300-character paragraph: 15 µs translated, 7 µs as an array; 1.7 M characters:
# 115 ms against 9 ms). Measured in bench/throughput.py's corpus.
_ARRAY_FROM = 256


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms to ASCII; the result has exactly the input's length."""
    if len(text) < _ARRAY_FROM:
        return text.translate(_FULLWIDTH_TABLE)
    import numpy as np  # here: a scan without NER need not load numpy before its first page

    # UTF-32 keeps one array element per character; surrogatepass lets a lone surrogate
    # (a file decoded with surrogateescape) through unchanged, as translate does.
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    points[(points >= _FULLWIDTH_FIRST) & (points <= _FULLWIDTH_LAST)] -= _FULLWIDTH_SHIFT
    wide_space, no_break_space = _WIDE_SPACES
    points[(points == wide_space) | (points == no_break_space)] = 0x20  # (np.isin: 17x slower)
    return points.tobytes().decode("utf-32-le", "surrogatepass")


def to_fullwidth(text: str) -> str:
    """ASCII to the full-width forms (the inverse of ``to_halfwidth``)."""
    return text.translate(_HALFWIDTH_TABLE)


# What people type between the groups of a long identifier: a space, two spaces (a
# justified table, a form's boxes) or a hyphen (1101-0519-…, 6222-0212-…).
GROUP_SEPARATOR = r"(?:[ ]{1,2}|-)"
# Boundaries of a grouped value, tested once its first character is consumed (hence the
# ``.``): not inside a run of letters/digits, and not a slice of a longer grouped digit
# run (no digit one separator before it). A pattern that starts with a character class
# lets ``re`` skip to the candidates' first characters in C; starting with look-behinds
# tests them at every position of the text (9x slower on bench/throughput.py's corpus).
GROUPED_START = r"(?<![0-9A-Za-z].)(?<!\d[ -].)(?<!\d[ ]{2}.)"
# ... and no digit one separator after its end.
NOT_BEFORE_GROUPED_DIGIT = r"(?![0-9A-Za-z])(?![ -]\d)(?![ ]{2}\d)"


def grouped(atoms: list[str], optional: list[str] | None = None) -> str:
    """A pattern for an identifier typed in groups, any grouping: ``atoms`` is one
    character class per character (``optional`` those of a variable-length tail); a
    ``GROUP_SEPARATOR`` may stand between any two, and at least one does (the unbroken
    form is each recognizer's own plain pattern). So 1101 0519 4912 3100 2X,
    110105-19491231-002X and 91 110108 MA01ABCD2X all match; the check characters of the
    compacted value (``compact``) decide, the regex only keeps the shape."""
    first, *rest = atoms
    tail = optional or []
    separated = GROUP_SEPARATOR + "?"
    return (
        first
        + GROUPED_START
        + rf"(?=[0-9A-Za-z]{{0,{len(rest) + len(tail) - 1}}}[ -])"  # a separator comes
        + "".join(separated + atom for atom in rest)
        + "".join(f"(?:{separated}{atom}" for atom in tail)
        + ")?" * len(tail)
        + NOT_BEFORE_GROUPED_DIGIT
    )


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
        i = bisect_right(self.joints, start)  # the first joint after ``start``
        return i < len(self.joints) and self.joints[i] < end


_DIGITS = frozenset("0123456789０１２３４５６７８９")
_BLANKS = " \t\u3000\r"


# The shortest wrapped identifier worth re-reading: a grouped card or phone broken between
# two groups of four ("6222 0212\n3456 …"). Fewer digits around a break are what logs and
# tables look like ("took 123\n2025-03-15"), and re-reading them costs time for nothing.
MIN_WRAPPED_DIGITS = 8


def has_wrapped_digits(text: str) -> bool:
    """Is there a line break inside a digit run? Looks only at the line breaks, so a
    long text without one costs a single ``find``."""
    i = text.find("\n")
    while i >= 0:
        if _is_joint(text, i):
            return True
        i = text.find("\n", i + 1)
    return False


def _is_joint(text: str, newline: int) -> bool:
    """Digits on both sides of this line break, enough of them to form an identifier."""
    j = newline - 1
    while j >= 0 and text[j] in _BLANKS:
        j -= 1
    k = newline + 1
    while k < len(text) and text[k] in _BLANKS:
        k += 1
    before = 0
    while j >= 0 and text[j] in _DIGITS:
        before, j = before + 1, j - 1
    after = 0
    while k < len(text) and text[k] in _DIGITS:
        after, k = after + 1, k + 1
    return before > 0 and after > 0 and before + after >= MIN_WRAPPED_DIGITS


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
        if not _is_joint(text, text.index("\n", m.start())):
            continue
        if joiner and not _GROUP_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue  # a joiner only matters where the line ends in a digit group: 138 1234
        lo = max(0, _extend(text, m.start(), -1, radius) - margin_before)
        hi = min(len(text), _extend(text, m.end(), +1, radius) + margin_after)
        # neighbouring joints share a window, but windows stay small: a long run of
        # wrapped lines gets overlapping windows instead of one the size of the text
        if spans and lo <= spans[-1][1] and hi - spans[-1][0] <= MAX_WINDOW:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return [_join(text, lo, hi, joiner) for lo, hi in spans]


MAX_WINDOW = 256


_GROUP_BEFORE = re.compile(r"(?<![0-9])[0-9]{3,4}$|[ \-][0-9]{1,4}$")
_IDENT_RUN_END = re.compile(_IDENT_CHARS.pattern + "*$")
_IDENT_RUN = re.compile(_IDENT_CHARS.pattern + "*")


def _extend(text: str, pos: int, step: int, radius: int) -> int:
    """Move from ``pos`` over identifier characters, at most ``radius`` of them."""
    if step < 0:
        lo = max(0, pos - radius)
        run = _IDENT_RUN_END.search(text, lo, pos)
        return run.start() if run else pos
    run = _IDENT_RUN.match(text, pos, min(len(text), pos + radius))
    return run.end() if run else pos


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
