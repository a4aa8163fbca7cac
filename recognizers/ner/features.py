"""Character features of the Chinese CRF, shared by training and tagging.

One feature list per character of a *normalised* sentence (``normalise``:
traditional characters read as simplified (``traditional.py``, OpenCC's
one-to-one table), then NFKC character by character where that keeps one
character, Latin lower-cased, every digit written ``0``; the result has exactly
the input's length, so a span in the normalised text is the same span in the
original). Training and tagging both normalise through this function, so the
model learns from traditional sentences of Weibo/CLUENER what it later sees.

Features of character ``i`` (window ±2):

* ``c`` the character, ``c-2 c-1 c+1 c+2`` its neighbours;
* ``b-2 b-1 b+1 b+2`` the bigrams around it;
* ``t`` the classes (Han, digit, Latin, punctuation, space, other) of i-1, i, i+1;
* ``k-2 … k+2`` lexicon codes (``lexicon.py``): surname, compound surname,
  given-name character, title after a name, label before a name, organisation
  suffix, address unit, province/city and county name, a word that looks like a
  name but is not.

Changing anything here changes what the model means: retrain after any edit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick
import numpy as np

from recognizers.ner import lexicon
from recognizers.ner.traditional import _table as traditional_table

PAD = "\x02"  # stands before the first and after the last character


@lru_cache(maxsize=1)
def _normal_table() -> dict[int, str]:
    """Length-preserving NFKC of every BMP character whose NFKC form is one character,
    after the traditional → simplified view (one table, one ``translate``)."""
    table: dict[int, str] = {}
    for cp in range(0x10000):
        if 0x4E00 <= cp <= 0x9FFF or 0xD800 <= cp <= 0xDFFF:
            continue  # unified ideographs are their own NFKC form; surrogates are not text
        char = chr(cp)
        norm = unicodedata.normalize("NFKC", char)
        if len(norm) != 1:
            norm = char
        norm = norm.lower() if norm.isascii() else norm
        if norm.isdigit() and norm.isascii():
            norm = "0"
        if norm != char:
            table[cp] = norm
    nfkc = dict(table)
    for cp, simplified in traditional_table().items():
        table[cp] = nfkc.get(ord(simplified), simplified)  # to_simplified, then NFKC
    return table


def normalise(text: str) -> str:
    """The text the CRF sees: same length as ``text``, one character for one character."""
    return text.translate(_normal_table())


def char_class(char: str) -> str:
    """H Han, D digit, L Latin, P punctuation, S space, O other."""
    if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
        return "H"
    if char == "0":  # normalised digits
        return "D"
    if char.isascii():
        if char.isalpha():
            return "L"
        if char.isspace():
            return "S"
        return "P"
    if char.isspace():
        return "S"
    return "P" if unicodedata.category(char).startswith("P") else "O"


# One bit per lexicon code letter; a character's code is the sorted letters of its bits.
CODE_LETTERS = "ACEGLNOPQSTWacflnopqt"
_BIT = {letter: 1 << i for i, letter in enumerate(CODE_LETTERS)}


def _mask(letters: str) -> int:
    mask = 0
    for letter in letters:
        mask |= _BIT[letter]
    return mask


class Lexicon:
    """Per-character lexicon codes as bit masks: one automaton pass for words, a table
    for single characters. ``code_string`` turns a mask into the feature value."""

    # (words, code of first char, code of inner chars, code of last char)
    def __init__(self) -> None:
        upper, county, _ = lexicon.admin_divisions()
        spec: list[tuple[Iterable[str], str, str, str]] = [
            (lexicon.COMPOUND_SURNAMES, "C", "c", "c"),
            (lexicon.TITLES, "T", "t", "t"),
            (lexicon.PERSON_LABELS, "l", "l", "L"),
            (lexicon.ORG_SUFFIXES_STRONG, "o", "o", "O"),
            (lexicon.BRANCH_SUFFIXES, "o", "o", "O"),
            (lexicon.ADDRESS_UNITS, "a", "a", "A"),
            (upper, "P", "p", "E"),
            (county, "Q", "q", "E"),
            (lexicon.NOT_NAMES, "N", "n", "n"),
        ]
        words: dict[str, list[int]] = {}
        for group, first, inner, last in spec:
            for word in group:
                if len(word) < 2:
                    continue
                codes = [_BIT[first]] + [_BIT[inner]] * (len(word) - 2) + [_BIT[last]]
                merged = words.setdefault(word, [0] * len(word))
                for i, bit in enumerate(codes):
                    merged[i] |= bit
        self._automaton = ahocorasick.Automaton()
        for word, masks in words.items():
            self._automaton.add_word(word, (len(word), tuple(masks)))
        self._automaton.make_automaton()
        single = np.zeros(0x10000, dtype=np.int64)  # BMP code point → mask
        for chars, letter in (
            (lexicon.SURNAMES, "S"),
            (lexicon.GIVEN_NAME_CHARS, "G"),
            ((t for t in lexicon.TITLES if len(t) == 1), "T"),
            ((s for s in lexicon.ORG_SUFFIXES_WEAK if len(s) == 1), "W"),
            ((u for u in lexicon.ADDRESS_UNITS if len(u) == 1), "A"),
        ):
            for char in chars:
                single[ord(char)] |= _BIT[letter]
        self._single = single
        self._strings: dict[int, str] = {}

    def masks(self, text: str, points: np.ndarray | None = None) -> np.ndarray:
        """One bit mask per character of ``text`` (``points``: its code points, if known)."""
        if points is None:
            points = code_points(text)
        masks = self._single[np.minimum(points, 0xFFFF)]
        masks[points > 0xFFFF] = 0
        positions: list[int] = []
        values: list[int] = []
        for end, (length, word_masks) in self._automaton.iter(text):
            positions.extend(range(end - length + 1, end + 1))
            values.extend(word_masks)
        if positions:
            np.bitwise_or.at(masks, np.array(positions), np.array(values, dtype=np.int64))
        return masks

    def code_string(self, mask: int) -> str:
        """The feature value of a mask: its letters in ``CODE_LETTERS`` order, ``-`` for none."""
        text = self._strings.get(mask)
        if text is None:
            text = "".join(c for c in CODE_LETTERS if mask & _BIT[c]) or "-"
            self._strings[mask] = text
        return text

    def codes(self, text: str) -> list[str]:
        """One code string per character."""
        string = self.code_string
        return [string(m) for m in self.masks(text).tolist()]


def code_points(text: str) -> np.ndarray:
    """The text's code points as int64."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    return Lexicon()


_CLASS_CACHE: dict[str, str] = {}


def _classes(text: str) -> str:
    cache = _CLASS_CACHE
    out = []
    for char in text:
        cls = cache.get(char)
        if cls is None:
            cls = cache[char] = char_class(char)
        out.append(cls)
    return "".join(out)


def sentence_features(norm: str) -> list[list[str]]:
    """The CRF's feature lists for one normalised sentence (see the module docstring)."""
    n = len(norm)
    if n == 0:
        return []
    padded = PAD + PAD + norm + PAD + PAD  # padded[i + 2] is norm[i]
    cls = "P" + _classes(norm) + "P"  # cls[i + 1] is the class of norm[i]
    codes = ["-", "-", *_lexicon().codes(norm), "-", "-"]
    columns = (
        ["c:" + c for c in norm],
        ["c-1:" + c for c in padded[1 : n + 1]],
        ["c+1:" + c for c in padded[3 : n + 3]],
        ["c-2:" + c for c in padded[0:n]],
        ["c+2:" + c for c in padded[4 : n + 4]],
        ["b-1:" + padded[i + 1 : i + 3] for i in range(n)],
        ["b+1:" + padded[i + 2 : i + 4] for i in range(n)],
        ["b-2:" + padded[i : i + 2] for i in range(n)],
        ["b+2:" + padded[i + 3 : i + 5] for i in range(n)],
        ["t:" + cls[i : i + 3] for i in range(n)],
        ["k:" + k for k in codes[2 : n + 2]],
        ["k-1:" + k for k in codes[1 : n + 1]],
        ["k+1:" + k for k in codes[3 : n + 3]],
        ["k-2:" + k for k in codes[0:n]],
        ["k+2:" + k for k in codes[4 : n + 4]],
    )
    return [list(row) for row in zip(*columns, strict=True)]
