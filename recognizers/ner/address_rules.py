"""CN_ADDRESS rules: addresses by the administrative hierarchy (province, city, county,
then areas, streets, numbers, buildings, rooms) and roads with a number."""

from __future__ import annotations

import re

from recognizers.ner.candidate import (
    ADDRESS,
    FUNCTION_CHARS,
    HAN_CHAR,
    RULE_SCORE,
    Candidate,
    Keyword,
)

# Address parts after the division names. Areas and streets may follow a division
# directly (南山区科技园, 朝阳区建国路); building parts (88号, SOHO现代城, A座, 1203室)
# only follow a street-level part, so 南通中心 or 北京铁路局 are no addresses.
_ADDR_BODY = rf"[{HAN_CHAR}A-Za-z0-9\-]"
_AREA_PARTS = (
    re.compile(rf"{_ADDR_BODY}{{0,10}}?(?:科技园|产业园|工业园|园区|开发区|工业区|高新区|新区)"),
    re.compile(rf"{_ADDR_BODY}{{1,10}}?(?:街道|社区|镇|乡|村|区|县)"),
    re.compile(rf"{_ADDR_BODY}{{2,10}}?(?:大道|大街|胡同|路|街|巷|弄|里)"),
)
_BUILDING_PARTS = (
    re.compile(r"[0-9]+(?:-[0-9]+)*(?:号院|号楼|号|栋|幢|座|楼|层|单元|室)?"),
    re.compile(r"[A-Za-z][0-9]*(?:座|栋|幢|区|楼)"),
    re.compile(
        rf"{_ADDR_BODY}{{1,10}}?(?:号院|号楼|号|栋|幢|座|楼|层|单元|室|大厦|广场|中心|花园|小区|城|苑|园)"
    ),
)
_STREET_UNITS = re.compile(r"(?:大道|大街|胡同|路|街|巷|弄|里|号院|号楼|号)$")
_ROAD_NUMBER = re.compile(rf"[{HAN_CHAR}]{{2,8}}(?:大道|大街|胡同|路|街|巷|弄)[0-9]+(?:-[0-9]+)?号")
_ADDRESS_STOP = FUNCTION_CHARS | frozenset("举召")


def address_rules(text: str, keywords: list[Keyword]) -> list[Candidate]:
    """Addresses by the administrative hierarchy, and roads with a number."""
    found = []
    divisions = {}
    for s, e, kinds in keywords:
        is_division = "upper" in kinds or "county" in kinds
        if is_division and e - s > divisions.get(s, (0, False))[0] - s:
            divisions[s] = (e, "county" in kinds and "upper" not in kinds)
    covered_until = -1
    for start in sorted(divisions):
        if start < covered_until:
            continue
        end, parts, _street = _walk_address(text, start, divisions)
        if parts >= 2:
            found.append(Candidate(start, end, ADDRESS, RULE_SCORE, "hierarchy"))
            covered_until = end
    for m in _ROAD_NUMBER.finditer(text):
        if m.start() < covered_until:
            continue
        start = m.start()
        for i in range(m.end() - 1, m.start() - 1, -1):
            if text[i] in _ADDRESS_STOP:
                start = i + 1
                break
        while start < m.end() and any(
            text.startswith(w, start) for w in ("位于", "地址", "地点", "住址")
        ):
            start += 2
        end, _, _ = _walk_address(text, m.end(), divisions, parts=1)
        found.append(Candidate(start, end, ADDRESS, RULE_SCORE, "road"))
        covered_until = end
    return found


def _walk_address(
    text: str, start: int, divisions: dict[int, tuple[int, bool]], parts: int = 0
) -> tuple[int, int, bool]:
    """Extend an address from ``start`` over division names, areas and streets, then
    building parts; (end, number of parts, whether a street was seen). At each step
    the longest reading wins (中关村大街 is a street, not the village 中关村 + 大街;
    南京西路 a street, not the city 南京)."""
    position = start
    street = parts > 0  # a walk continuing after 建国路88号 starts at street level
    while position < len(text):
        division = divisions.get(position)
        if division is not None and not street:
            # a full division name (南京市) always; a short one (南京) unless a street
            # reading is longer (南京西路)
            road = _AREA_PARTS[-1].match(text, position)
            if text[division[0] - 1] in "省市区县州盟旗" or not road or road.end() <= division[0]:
                position = division[0]
                parts += 1
                continue
        patterns = (*_AREA_PARTS, *_BUILDING_PARTS) if street else _AREA_PARTS
        readings = [m.end() for m in (p.match(text, position) for p in patterns) if m]
        readings = [e for e in readings if not any(c in _ADDRESS_STOP for c in text[position:e])]
        if not readings:
            break
        end = max(readings)
        street = street or bool(_STREET_UNITS.search(text, position, end))
        position = end
        parts += 1
    return position, parts, street


def specific_address(text: str, c: Candidate, keywords: list[Keyword]) -> bool:
    """Keep a CRF address only when it is more than a bare place name: it holds a road,
    number, building or village unit, or a division name plus something more."""
    value = text[c.start : c.end]
    if re.search(r"[路街道巷弄号楼室栋幢座层村镇乡]|大厦|广场|园区|小区", value):
        return True
    names = [
        (s, e)
        for s, e, kinds in keywords
        if ("upper" in kinds or "county" in kinds) and c.start <= s and e <= c.end
    ]
    return bool(names) and any(e - s < len(value) for s, e in names) and len(value) >= 5
