"""CN_ADDRESS rules: addresses by the administrative hierarchy (province, city, county,
then areas, streets, numbers, buildings, rooms) and roads with a number.

A postal address is more specific than an administrative division: 北京市海淀区 or
广州开发区 alone names an area, not a place a letter can reach, so a walk over division
names and zones only is no address. Something specific must follow: a road, a number,
a building, a room, a village or a street office (街道)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from recognizers.ner.candidate import (
    ADDRESS,
    FUNCTION_CHARS,
    HAN_CHAR,
    RULE_SCORE,
    Candidate,
    Keyword,
)

_ADDR_BODY = rf"[{HAN_CHAR}A-Za-z0-9\-]"
_BLANK = "[ \u3000]"
# Units of a building, a floor, a room, a shop or a village group (5号楼, 6#, 3幢, 2单元,
# 901室, 12号铺, 门面, 3组).
_UNIT = "号院|号楼|号铺|号房|号|栋|幢|座|楼|层|单元|室|房|铺|门面|组|期|弄"
# Named buildings, estates and venues that a walk at street level may end with or pass
# over (柏彦大厦, 华清嘉园, 香江戴斯酒店).
_BUILDING = "大厦|大楼|写字楼|塔楼|广场|中心|花园|小区|公寓|家园|城|苑|园|酒店|宾馆|饭店|商场"
# A residential estate or named building right after a county-level name (海淀区华清嘉园)
# is specific enough to start the street level; a bare 中心 (南通中心) is not.
_ESTATE = "大厦|大楼|写字楼|广场|花园|小区|公寓|家园|嘉园|苑"
_ROAD = "大道|大街|胡同|路|街|巷|弄"

# Zones and unlisted districts: areas like a division (广州开发区, 苏州工业园区, 浦东新区),
# no address alone.
_ZONE_PARTS = (
    re.compile(
        rf"{_ADDR_BODY}{{0,10}}?(?:经济技术开发区|高新技术产业开发区|开发区|高新区|新区|保税区|自贸区"
        r"|园区|工业区)"
    ),
    re.compile(rf"{_ADDR_BODY}{{1,10}}?(?:区|县|旗)"),
)
# Towns: divisions too (茶市镇 alone is no address), but a building may follow one.
_TOWN_PART = re.compile(rf"{_ADDR_BODY}{{1,10}}?(?:镇|乡(?!村))")
# A village or community (长青村) is a unit of an address.
_VILLAGE_PART = re.compile(rf"{_ADDR_BODY}{{1,10}}?(?:社区|村)")
# Areas and streets: specific, and building parts may follow them. A street office (街道),
# a community and a village are units of an address (guidelines).
_AREA_PARTS = (
    re.compile(rf"{_ADDR_BODY}{{0,10}}?(?:科技园|产业园|工业园|软件园)(?!区)"),
    re.compile(rf"{_ADDR_BODY}{{1,10}}?街道"),
    # 路口: the road named by its crossing; 惠友道 2052 号, 和平里 5 号: 道 and 里 are roads
    # before a number (香格里拉, 报道 are none)
    # 人民南路四段: a section of a road
    re.compile(
        rf"{_ADDR_BODY}{{2,10}}?(?:(?:{_ROAD})(?:[一二三四五六七八九十0-9]段|口)?|[道里](?={_BLANK}?[0-9]))"
    ),
)
_ESTATE_PART = re.compile(rf"{_ADDR_BODY}{{2,10}}?(?:{_ESTATE})")
# A number with its unit (88号, 3008-139号, 6#503, F12, 12F, B1层, 2052 号).
_NUMBER_PART = re.compile(
    rf"(?:[A-Za-z]{{1,2}})?[0-9]+[A-Za-z]?(?:[-#＃][A-Za-z]?[0-9]*[A-Za-z]?)*(?:{_BLANK}?(?:{_UNIT}))?"
)
_BUILDING_PARTS = (
    _NUMBER_PART,
    re.compile(r"[A-Za-z][0-9]*(?:座|栋|幢|区|楼|层|间|室)"),
    re.compile(rf"{_ADDR_BODY}{{1,10}}?(?:{_UNIT}|{_BUILDING})"),
    # a building word or shop on its own after a named part (世贸中心大厦南塔, 669号门面)
    re.compile(r"(?:大厦|大楼|写字楼|塔楼|[东西南北][塔楼座]|门面|商铺|底商)"),
)
# 群力第二大道与阳明滩大桥交口: the crossing of two roads is one place.
_CROSSING = re.compile(
    rf"[与和及、]{_ADDR_BODY}{{2,10}}?(?:{_ROAD}|道|大桥|桥)"
    rf"(?:交叉口|交汇处|交汇口|交界处|交口|十字路口|路口)(?:[东西南北]{{1,2}}[角侧])?"
)
# 某大厦对面, 某路口附近: a landmark relation belongs to the address only when another
# part follows it; at the end it is a remark.
_RELATION = re.compile(r"斜对面|对面|附近|旁边|旁|[东西南北]侧")
# A building named in brackets inside an address (88号（金融大厦）3楼); a remark such as
# （近国贸） is no building.
_BRACKETED = re.compile(
    rf"[（(](?![近邻临距靠])({_ADDR_BODY}{{2,20}}?(?:{_UNIT}|{_BUILDING}))[）)]"
)
# Any name in brackets (18号(中国科学院广州分院)3楼) when a building part follows it.
_BRACKETED_NAME = re.compile(r"[（(](?![近邻临距靠])[^（()）\n]{2,20}[）)]")
_POSTCODE = re.compile(r"[0-9]{6}(?![0-9])")
_ROAD_NUMBER = re.compile(
    rf"[{HAN_CHAR}]{{2,8}}(?:大道|大街|胡同|路|街|巷|弄|道)"
    rf"{_BLANK}?[0-9]+(?:-[0-9]+)?{_BLANK}?号"
)
# 5楼会议室: a room named by its use is no unit of the address (东区办公室中心A-056 goes on).
_ROOM_WORD = re.compile(rf"[{HAN_CHAR}]{{1,6}}[室厅]")
# Where a part may not reach: an organisation (贵州永福矿业有限公司金沙县), the countryside
# (美丽乡村 is no village), a full division name after the street level (…5楼南宁市公共
# 资源交易中心 is an organisation in the building).
_NOT_IN_PART = re.compile(r"公司|集团|有限|[乡农]村$")
_REMARK = re.compile(r"[（(][^（()）\n]{1,20}[）)]")
_LABELS = ("位于", "地址", "地点", "住址")
_ADDRESS_STOP = FUNCTION_CHARS | frozenset("举召")
# Inside a part only grammatical words end an address (路88号的大厦, 科技园举行); 都, 和,
# 向 and the like also occur in names (都市之门, 和平路, 向阳路) and only may not start
# a part (88号和).
_STOP_INSIDE = frozenset("的了在是着过我你他她它们这那把被将与及或等举召")
_STOP_FIRST = _ADDRESS_STOP - frozenset("都和向本其")


@dataclass(slots=True)
class _Walk:
    """How far an address reaches: its end, how many parts it has, whether it has
    reached the street level (building parts may follow) and whether it holds anything
    more specific than a division."""

    end: int
    parts: int = 0
    street: bool = False
    specific: bool = False
    before_room: int | None = None  # the end before a trailing room word (会议室)


def address_rules(text: str, keywords: list[Keyword]) -> list[Candidate]:
    """Addresses by the administrative hierarchy, roads with a number, and the second
    line of an address broken over two lines."""
    divisions = _division_names(keywords)
    found: list[Candidate] = []
    covered_until = -1
    for start in sorted(divisions):
        if start < covered_until:
            continue
        walk = _walk_address(text, start, divisions)
        if (walk.parts >= 2 and walk.specific) or _continues_after_remark(text, walk):
            found.append(Candidate(start, walk.end, ADDRESS, RULE_SCORE, "hierarchy"))
            covered_until = walk.end
    for m in _ROAD_NUMBER.finditer(text):
        if m.start() < covered_until:
            continue
        start = _road_start(text, m)
        end = _walk_address(text, m.end(), divisions, street=True).end
        found.append(Candidate(start, end, ADDRESS, RULE_SCORE, "road"))
        covered_until = end
    found += _next_lines(text, found, divisions)
    return sorted(found, key=lambda c: c.start)


def _division_names(keywords: list[Keyword]) -> dict[int, tuple[int, bool]]:
    """The longest division name at each start: start -> (end, county-level only)."""
    divisions: dict[int, tuple[int, bool]] = {}
    for s, e, kinds in keywords:
        is_division = "upper" in kinds or "county" in kinds
        if is_division and e - s > divisions.get(s, (0, False))[0] - s:
            divisions[s] = (e, "county" in kinds and "upper" not in kinds)
    return divisions


def _continues_after_remark(text: str, walk: _Walk) -> bool:
    """北京市朝阳区（近国贸）建国路88号: the divisions head an address that goes on
    after a remark in brackets; the remark is no part of it, so the head is reported on
    its own (the road after it is an address of its own)."""
    remark = _REMARK.match(text, walk.end)
    return walk.parts >= 2 and remark is not None and bool(_ROAD_NUMBER.match(text, remark.end()))


def _road_start(text: str, m: re.Match[str]) -> int:
    """Where a road found by its number starts: after the last stop character or
    label word before it (公司位于建国路88号 -> 建国路88号)."""
    start = m.start()
    for i in range(m.end() - 1, m.start() - 1, -1):
        if text[i] in _ADDRESS_STOP:
            start = i + 1
            break
    while start < m.end() and any(text.startswith(w, start) for w in _LABELS):
        start += 2
    return start


def _next_lines(
    text: str, found: list[Candidate], divisions: dict[int, tuple[int, bool]]
) -> list[Candidate]:
    """An address split over two lines is two spans: a line that follows an address
    line and starts with building parts (电子城科技大厦9层918室) is the second one."""
    more = []
    for c in found:
        start = c.end + 1
        if not text.startswith("\n", c.end) or start in divisions:
            continue
        walk = _walk_address(text, start, divisions, street=True)
        if walk.parts >= 2 and any(ch.isdigit() for ch in text[start : walk.end]):
            more.append(Candidate(start, walk.end, ADDRESS, RULE_SCORE, "next line"))
    return more


def _walk_address(
    text: str, start: int, divisions: dict[int, tuple[int, bool]], street: bool = False
) -> _Walk:
    """Extend an address from ``start`` over division names, zones, areas and streets,
    then building parts. ``street``: the walk continues after a street-level part (建国
    路88号), so it is specific already. At each step the longest reading wins (中关村
    大街 is a street, not the village 中关村 + 大街; 南京西路 a street, not the city
    南京)."""
    walk = _Walk(start, int(street), street, street)
    while walk.end < len(text):
        if not walk.street and _division_step(text, walk, divisions):
            continue
        if not _part_step(text, walk, divisions):
            break
    if walk.before_room is not None:
        walk.end, walk.parts = walk.before_room, walk.parts - 1
    return walk


def _division_step(text: str, walk: _Walk, divisions: dict[int, tuple[int, bool]]) -> bool:
    """Take a division name at the walk's end: a full one (南京市) always, a short one
    (南京) unless a street reading is longer (南京西路). A hyphen between division names
    (广东省-佛山市-顺德区) is part of the address."""
    position = walk.end
    if walk.parts and text[position] in "-－" and position + 1 in divisions:
        position += 1
    division = divisions.get(position)
    if division is None:
        return False
    road = _AREA_PARTS[-1].match(text, position)
    if text[division[0] - 1] in "省市区县州盟旗" or not road or road.end() <= division[0]:
        walk.end = division[0]
        walk.parts += 1
        return True
    return False


def _part_step(text: str, walk: _Walk, divisions: dict[int, tuple[int, bool]]) -> bool:
    """Take the longest part at the walk's end, if any, and say whether it did."""
    readings = _readings(text, walk, divisions)
    if not readings:
        return False
    end, specific, street = max(readings)
    walk.before_room = walk.end if _ROOM_WORD.fullmatch(text, walk.end, end) else None
    walk.end = end
    walk.parts += 1
    walk.specific = walk.specific or specific
    walk.street = walk.street or street
    return True


def _readings(
    text: str, walk: _Walk, divisions: dict[int, tuple[int, bool]]
) -> list[tuple[int, bool, bool]]:
    """(end, specific, street level) of each part that may follow at the walk's end.
    After the street level a full division name (南宁市) starts something else: an
    organisation in the building or the next address."""
    position = walk.end
    readings = [(e, False, False) for e in _clean_ends(text, position, _ZONE_PARTS)]
    readings += [(e, False, True) for e in _clean_ends(text, position, (_TOWN_PART,))]
    readings += [(e, True, True) for e in _clean_ends(text, position, _AREA_PARTS)]
    readings += [(e, True, True) for e in _clean_ends(text, position, (_VILLAGE_PART,))]
    if walk.parts and not walk.street and text[position - 1] in "区县旗":
        readings += [(e, True, True) for e in _clean_ends(text, position, (_ESTATE_PART,))]
    full_name = position in divisions and text[divisions[position][0] - 1] in "省市区县"
    if walk.street and not full_name:
        readings += [(e, True, True) for e in _building_ends(text, position)]
    return readings


def _clean_ends(text: str, position: int, patterns: tuple[re.Pattern[str], ...]) -> list[int]:
    """Ends of the patterns' matches at ``position`` that hold no stop character (举办,
    的, 在 end an address)."""
    ends = [m.end() for m in (p.match(text, position) for p in patterns) if m]
    return [
        e
        for e in ends
        if text[position] not in _STOP_FIRST
        and not any(c in _STOP_INSIDE for c in text[position:e])
        and not _NOT_IN_PART.search(text, position, e)
    ]


def _building_ends(text: str, position: int) -> list[int]:
    """Ends of the parts that may follow a street-level part: numbers, buildings, rooms,
    venues, a crossing road, a building in brackets, a relation word followed by a
    further part, and a number after a blank as written (华清嘉园 6#503)."""
    ends = _clean_ends(text, position, _BUILDING_PARTS)
    crossing = _CROSSING.match(text, position)
    if crossing and not any(c in _STOP_INSIDE for c in crossing.group()[1:]):
        ends.append(crossing.end())
    for joiner in (_RELATION, _BRACKETED_NAME):
        m = joiner.match(text, position)
        if m:
            ends += [e for e in _clean_ends(text, m.end(), _BUILDING_PARTS)]
    bracket = _BRACKETED.match(text, position)
    if bracket and _UNIT_AT_END.search(bracket.group(1)):
        ends.append(bracket.end())  # （科兴科学园B栋）: a building unit, no remark
    blank = _BLANKS.match(text, position)  # at the position: no copy of the rest of the text
    if blank:
        ends += _number_after_blank(text, blank.end())
    return ends


_UNIT_AT_END = re.compile(rf"[0-9]\s?(?:{_UNIT})$")
_BLANKS = re.compile(f"{_BLANK}{{1,2}}")


def _number_after_blank(text: str, position: int) -> list[int]:
    """A building number after a blank (华清嘉园 6#503, A座 1203室) belongs to the
    address when it is marked as one (a unit, #, -, a letter); a bare number there
    may be a postcode or anything else."""
    m = _NUMBER_PART.match(text, position) or _BUILDING_PARTS[1].match(text, position)
    if not m or _POSTCODE.fullmatch(m.group()) or m.group().isdigit():
        return []
    return [m.end()]


# a website's ICP or public-security filing number: 京ICP备…号, 京公网安备…号
_FILING_NUMBER = re.compile(r"ICP|公网安备|备案号")


def specific_address(text: str, c: Candidate, keywords: list[Keyword]) -> bool:
    """Keep a CRF address only when it is a postal address: it holds a road, street
    office, village or numbered unit, or a division name and a named building (集团六楼
    会议室 and a hotel named in prose are places, not addresses; 广州市天河区 is a bare
    division; the 楼 of the district 鼓楼 is no building; 京ICP备2026017788号 is a
    website's filing number)."""
    if _FILING_NUMBER.search(text, max(0, c.start - 4), c.end):
        return False
    names = [
        (s - c.start, e - c.start)
        for s, e, kinds in keywords
        if ("upper" in kinds or "county" in kinds) and c.start <= s and e <= c.end
    ]
    value = list(text[c.start : c.end])
    for s, e in names:  # 鼓楼 is a district: its 楼 is no building
        value[s:e] = " " * (e - s)
    rest = re.sub("[乡农]村|城乡", "  ", "".join(value))  # 美丽乡村: the countryside
    placed = re.search(rf"[路街巷弄村]|大道|街道|[0-9][A-Za-z]?{_BLANK}?(?:{_UNIT})", rest)
    building = re.search(r"大厦|广场|园区|小区|花园|公寓|大楼", rest)
    return bool(placed or (names and building))
