"""Write ``recognizers/ner/traditional.txt``: traditional → simplified Chinese, character by
character, from OpenCC's ``TSCharacters.txt``.

Press releases from Hong Kong and Taiwan partners, judgments of Taiwanese parties and
many company pages are written in traditional characters (張, 陳, 寧, 會, 錢), which the
CRF, trained on simplified news text, and the surname lists do not know. The recognizer
reads a simplified view of such text: one code point for one code point, so every
offset stays the text's own. OpenCC's phrase tables (which may change the length) are not
used: for finding names a character mapping is enough, and only a character mapping keeps
offsets exact.

The table comes from ``opencc-python-reimplemented`` (Apache-2.0, which redistributes
OpenCC's dictionaries, Apache-2.0, (c) Carbo Kuo and contributors); the wheel is not a
runtime dependency.

    pip download opencc-python-reimplemented==0.1.7 --no-deps -d /tmp/opencc
    python scripts/make_traditional.py /tmp/opencc/opencc_python_reimplemented-*.whl

Output: one pair a line, ``traditional<TAB>simplified``; of several simplified readings
the first (OpenCC's default) is kept; pairs that are not one code point each are skipped.
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "recognizers" / "ner" / "traditional.txt"
MEMBER = "opencc/dictionary/TSCharacters.txt"
HEADER = (
    "# Traditional -> simplified Chinese, one character each, derived by\n"
    "# scripts/make_traditional.py from opencc-python-reimplemented 0.1.7\n"
    "# dictionary/TSCharacters.txt (OpenCC, Apache License 2.0). traditional<TAB>simplified\n"
)


def pairs(table: str) -> list[tuple[str, str]]:
    """(traditional, simplified) pairs of single code points, first reading first."""
    out = []
    for line in table.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            out.append((source, target))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="opencc-python-reimplemented wheel")
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        table = wheel.read(MEMBER).decode("utf-8")
    body = "".join(f"{t}\t{s}\n" for t, s in pairs(table))
    OUT.write_text(HEADER + body, encoding="utf-8")
    print(f"{OUT}: {body.count(chr(10))} pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
