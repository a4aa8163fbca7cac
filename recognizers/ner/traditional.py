"""A simplified-character view of traditional Chinese text, offsets unchanged.

The CRF and the surname, title and suffix lists know simplified characters; press
releases and pages from Hong Kong and Taiwan (張克佳, 董事長, 會計師事務所) would otherwise be
read as unknown characters. Each traditional
character is replaced by its simplified form, one code point for one code point, so a
span found in the view is the same span in the original text. The table
(``traditional.txt``) is derived from OpenCC by ``scripts/make_traditional.py``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).with_name("traditional.txt")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


def to_simplified(text: str) -> str:
    """``text`` with every traditional character replaced by its simplified one; the
    result has the same length and every other character in place."""
    return text.translate(_table())
