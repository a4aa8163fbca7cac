"""Write ``recognizers/ner/admin_divisions.txt`` from the cpca package's adcode table.

The list of provinces, prefecture-level cities and counties/districts that the
person / organisation / address recognizer uses comes from ``cpca`` (Chinese
Province, City and Area Recognition Utilities, MIT licence, (c) 2018 QinYuan
Du), whose wheel ships ``cpca/resources/adcodes.csv`` (GB/T 2260 codes with
names). Only names and levels are kept; the wheel is not a runtime dependency.

    pip download cpca==0.5.5 --no-deps -d /tmp/cpca
    python scripts/make_admin_divisions.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

Output: one division a line, ``level<TAB>full name<TAB>short name`` with level
``province``, ``city`` or ``county``; the short name (广东, 深圳, 内蒙古) is given
for provinces and cities only, because short county names (朝阳, 南山) are
ordinary words too often.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "recognizers" / "ner" / "admin_divisions.txt"
CSV_MEMBER = "cpca/resources/adcodes.csv"
NATIONS_MEMBER = "cpca/resources/56_nations.csv"
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# 新疆维吾尔自治区 → 新疆, 延边朝鲜族自治州 → 延边, 大兴安岭地区 → 大兴安岭: the
# ethnic names (from cpca's 56_nations.csv) are stripped with the suffix.
_SIMPLE_SUFFIX = r"特别行政区|自治区|自治州|地区|省|市|盟"
HEADER = (
    "# Chinese administrative divisions (province / city / county), derived by\n"
    "# scripts/make_admin_divisions.py from cpca 0.5.5 resources/adcodes.csv\n"
    "# (MIT licence, Copyright (c) 2018 QinYuan Du). level<TAB>name<TAB>short\n"
)


def level_of(adcode: str) -> str:
    if adcode[2:] == "0" * 10:
        return "province"
    if adcode[4:] == "0" * 8:
        return "city"
    return "county"


def suffix_patterns(nations: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    ethnic = "|".join(sorted(nations, key=len, reverse=True))
    return (
        re.compile(rf"(?:(?:{ethnic})+(?:自治区|自治州)|{_SIMPLE_SUFFIX})$"),
        re.compile(rf"(?:{_SIMPLE_SUFFIX})$"),  # 内蒙古自治区: 蒙古 is not stripped
    )


def short_name(name: str, suffixes: tuple[re.Pattern[str], ...]) -> str:
    for suffix in suffixes:
        short = suffix.sub("", name)
        if len(short) >= 2 and short != name:
            return short
    return ""


def read_rows(wheel: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(CSV_MEMBER).decode("utf-8")
        nations = archive.read(NATIONS_MEMBER).decode("utf-8").split()
    # 维吾尔族 is written 维吾尔 in 新疆维吾尔自治区: both forms are stripped.
    nations += [n[:-1] for n in nations if n.endswith("族") and len(n) > 2]
    suffix = suffix_patterns(nations)
    rows: set[tuple[str, str, str]] = set()
    for record in csv.DictReader(io.StringIO(text)):
        name = record["name"].strip()
        if not name or name in PLACEHOLDERS:
            continue
        level = level_of(record["adcode"])
        rows.add((level, name, short_name(name, suffix) if level != "county" else ""))
    order = {"province": 0, "city": 1, "county": 2}
    return sorted(rows, key=lambda r: (order[r[0]], r[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the downloaded cpca wheel")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    rows = read_rows(args.wheel)
    lines = [HEADER] + ["\t".join(row) + "\n" for row in rows]
    args.output.write_text("".join(lines), encoding="utf-8")
    print(f"{len(rows)} divisions written to {args.output}")


if __name__ == "__main__":
    main()
