"""ORGANIZATION: well-known organisations a PR firm names without a suffix — 澎湃新闻,
财新网, 字节跳动, 国家发改委, 工信部, 港交所, 复旦 — from a hand-written list
(``known_organisations.txt``: categories, full names, aliases, ambiguous flags).

One Aho-Corasick pass finds every listed name; of overlapping ones the leftmost longest
wins (中国人民银行, not 人民银行). A name is dropped where it is part of something else:

* a longer Latin word or number (OPPO in OPPOSITE, 36氪 in 236氪),
* a word of the text listed in ``NOT_ORGANISATIONS`` (京东 in 北京东路, 美团 in 完美团队,
  中国银行 in 中国银行业): these are in the same automaton, so the longer word wins,
* a ministry's name before 门/长/分 … (教育部门, 外交部长, 商务部分),
* a longer person's name or place the CRF found around it (``taken``).

A name that begins a longer registered name (腾讯科技（深圳）有限公司) is still reported;
the suffix rules report the longer span and the merge in ``person_org_address`` keeps the
longer of two rule spans. A company's name followed by 集团, 公司, 控股 or 科技 is
reported with that word (小米集团, 华为公司).

Ambiguous names (小米, 苹果, 平安, 长城, 澎湃 …, flagged with ``?`` in the list) are
reported only with organisation context: in a list with another organisation (小米、华为、
OPPO), a title or an organisation word after them (董事长, CEO, 记者, 集团, 旗下), a lead-in
before them (客户, 合作方, 携手, 与…签约), or another name of the same organisation
elsewhere in the text (苹果公司 … 苹果). ``without_bare_ambiguous`` holds the CRF to the
same rule: its organisation 苹果 in 苹果很甜 is dropped.

Linear in the text: one automaton pass, and lookups by position (bisection) for ``taken``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from recognizers.ner.candidate import ORGANIZATION, PERSON, RULE_SCORE, Candidate

LIST_PATH = Path(__file__).with_name("known_organisations.txt")
CATEGORIES = ("government", "regulator", "media", "university", "company")
AMBIGUOUS_MARK = "?"
RULE = "known"

# Words of running text in which a listed name is part of another word. Each starts at or
# before the name it hides and is longer, so the automaton's leftmost-longest match picks it.
NOT_ORGANISATIONS = (
    "北京东",  # 北京东路, 北京东站: 京东
    "南京东",
    "升华为",  # 华为
    "美团队",  # 完美团队: 美团
    "中信息",  # 系统中信息: 中信
    "集中信",  # 集中信贷
    "新浪潮",  # 新浪
    "江苏宁",  # 江苏宁沪高速: 苏宁
    "上海信",  # 上海信托, 上海信息: 海信
    "海信息",  # 航海信息
    "上汽车",  # 路上汽车: 上汽
    "中国银行业",  # China's banking industry: 中国银行
    "中国银行家",
    "中国电信业",
    "中国建筑业",
    "中国移动互联",
    "中国移动支付",
    "东北大",  # 东北大米 (东北大学 is listed and longer): 北大
    "西北大",
    "华北大",
    "湖北大",
    "北大街",
    "北大门",
    "北大荒",
    "四川大",  # 四川大地: 川大 (四川大学 is listed)
    "南开区",  # Tianjin's district: 南开
    "北外滩",  # Shanghai's North Bund: 北外
    "北外环",
    "联合报道",  # a joint report: 联合报
    "集团中央",  # 集团中央研究院: 团中央
    "西电东送",  # 西电
)

# Ministries and bureaus whose name is the start of a word (教育部门, 外交部长, 商务部分).
_BODY_ENDINGS = "部局委署厅"
_NOT_AFTER_BODY = frozenset("门长分件位队署")

# Organisation context for an ambiguous name.
TITLES_AFTER = (
    "董事长",
    "总裁",
    "副总裁",
    "总经理",
    "CEO",
    "首席",
    "创始人",
    "联合创始人",
    "董事",
    "高管",
    "员工",
    "发言人",
    "记者",
    "主编",
    "编辑",
    "官方",
    "官微",
    "旗下",
    "股价",
    "市值",
    "财报",
    "总部",
    "集团",
    "公司",
    "科技",
    "控股",
    "股份",
    "有限",
)
LEAD_INS = (
    "客户",
    "甲方",
    "乙方",
    "合作方",
    "合作伙伴",
    "品牌方",
    "委托方",
    "供应商",
    "服务商",
    "投资方",
    "主办方",
    "承办方",
    "协办方",
    "赞助商",
    "赞助方",
    "联合",
    "携手",
    "牵手",
    "入职",
    "就职于",
    "任职于",
    "加盟",
    "收购",
    "竞品",
    "友商",
)
# 与小米签约, 和苹果合作: a partner between a preposition and a verb of agreement.
PARTNER_BEFORE = "与和同跟"
PARTNER_VERBS = ("签约", "合作", "签署", "达成", "联手", "携手", "共建", "战略", "联合")
# Between two items of a list of organisations.
LIST_SEPARATORS = frozenset({"、", "，", ",", "/", "和", "与", "及", "以及", "；", ";"})
# Words after a company's name that belong to it (小米集团, 华为公司, 腾讯控股).
COMPANY_WORDS = ("集团公司", "集团", "公司", "控股", "科技")
MAX_PERSON = 4  # a CRF "person" longer than this is no name (雷军小米 …)


@dataclass(frozen=True, slots=True)
class KnownName:
    name: str  # as written in the text (simplified)
    organisation: str  # the entry's first name: one organisation, several names
    category: str
    ambiguous: bool


def parse(lines: Iterable[str]) -> list[KnownName]:
    """The names of ``known_organisations.txt``; ValueError on an unknown category, an
    empty field or a name listed twice."""
    names: list[KnownName] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        category, *fields = line.split("\t")
        if category not in CATEGORIES:
            raise ValueError(f"line {number}: unknown category {category!r}")
        if not fields or any(not f.strip(AMBIGUOUS_MARK).strip() for f in fields):
            raise ValueError(f"line {number}: empty name")
        organisation = fields[0].lstrip(AMBIGUOUS_MARK)
        for field in fields:
            name = field.lstrip(AMBIGUOUS_MARK)
            if name != name.strip():
                raise ValueError(f"line {number}: blank around {name!r}")
            if name in seen:
                raise ValueError(f"line {number}: {name!r} already on line {seen[name]}")
            seen[name] = number
            names.append(KnownName(name, organisation, category, field.startswith(AMBIGUOUS_MARK)))
    return names


@lru_cache(maxsize=1)
def known_names() -> tuple[KnownName, ...]:
    with LIST_PATH.open(encoding="utf-8") as handle:
        return tuple(parse(handle))


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    """Every listed name and every word in ``NOT_ORGANISATIONS`` (value None)."""
    automaton = ahocorasick.Automaton()
    for word in NOT_ORGANISATIONS:
        automaton.add_word(word, (len(word), None))
    for known in known_names():
        automaton.add_word(known.name, (len(known.name), known))
    automaton.make_automaton()
    return automaton


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _matches(text: str) -> Iterator[tuple[int, int, KnownName]]:
    """(start, end, name) of the leftmost-longest listed names that stand on their own."""
    for last, (length, known) in _automaton().iter_long(text):
        end = last + 1
        start = end - length
        if known is None:
            continue  # a word of the text that holds a name (北京东路)
        if start > 0 and _latin(known.name[0]) and _latin(text[start - 1]):
            continue
        if end < len(text) and _latin(known.name[-1]) and _latin(text[end]):
            continue
        if end < len(text) and known.name[-1] in _BODY_ENDINGS and text[end] in _NOT_AFTER_BODY:
            continue  # 教育部门, 外交部长
        yield start, end, known


class _Taken:
    """Persons' names and places the CRF found, looked up by position."""

    def __init__(self, spans: Iterable[Candidate]) -> None:
        kept = [
            c for c in spans if (c.entity == PERSON and c.length <= MAX_PERSON) or c.entity == "LOC"
        ]
        self.items = sorted(kept, key=lambda c: c.start)
        self.starts = [c.start for c in self.items]
        self.longest = max((c.length for c in self.items), default=0)

    def around(self, start: int, end: int) -> bool:
        """Does a longer span hold ``start:end``?"""
        first = bisect.bisect_left(self.starts, end - self.longest)
        last = bisect.bisect_right(self.starts, start)
        return any(c.end >= end and c.length > end - start for c in self.items[first:last])


def _context(text: str, start: int, end: int) -> bool:
    """A title or an organisation word after the name, or a lead-in before it."""
    if text.startswith(TITLES_AFTER, end):
        return True
    before = start
    while before > 0 and text[before - 1] in "：: \u3000":
        before -= 1
    if any(text.endswith(w, 0, before) for w in LEAD_INS):
        return True
    return start > 0 and text[start - 1] in PARTNER_BEFORE and text.startswith(PARTNER_VERBS, end)


def _separated(text: str, end: int, start: int) -> bool:
    """Only a list separator between two names (小米、华为, 苹果和三星)."""
    return text[end:start].strip(" \u3000") in LIST_SEPARATORS


def _found(
    text: str, taken: Iterable[Candidate] = ()
) -> tuple[list[tuple[int, int, KnownName]], set[str]]:
    """The listed names standing on their own in ``text`` (a company's word after it
    included), and the organisations the text confirms: named by an unambiguous name
    anywhere, or by an ambiguous one with context or in a list with a confirmed one."""
    found: list[tuple[int, int, KnownName]] = []
    inside = _Taken(taken)
    for start, end, known in _matches(text):
        if inside.around(start, end):
            continue
        if known.category == "company":
            for word in COMPANY_WORDS:
                if text.startswith(word, end) and not known.name.endswith(word):
                    end += len(word)
                    break
        found.append((start, end, known))
    confirmed = {k.organisation for s, e, k in found if not k.ambiguous or _context(text, s, e)}
    chain: list[int] = []  # indexes of the current list of names
    for i in range(len(found) + 1):
        if chain and (i == len(found) or not _separated(text, found[i - 1][1], found[i][0])):
            if len(chain) > 1 and any(found[j][2].organisation in confirmed for j in chain):
                confirmed.update(found[j][2].organisation for j in chain)
            chain = []
        chain.append(i)
    return found, confirmed


def known_organisations(text: str, taken: Iterable[Candidate] = ()) -> list[Candidate]:
    """ORGANIZATION candidates (rule "known", ``RULE_SCORE``) for the listed names in
    ``text``. ``taken``: the CRF's candidates; a listed name inside a longer person's name
    (≤ 4 characters) or place of theirs is not reported (李华为, 北京东路)."""
    found, confirmed = _found(text, taken)
    return [
        Candidate(s, e, ORGANIZATION, RULE_SCORE, RULE)
        for s, e, k in found
        if k.organisation in confirmed
    ]


@lru_cache(maxsize=1)
def _ambiguous_names() -> dict[str, KnownName]:
    return {k.name: k for k in known_names() if k.ambiguous}


def without_bare_ambiguous(text: str, orgs: list[Candidate]) -> list[Candidate]:
    """``orgs`` (the CRF's) without an ambiguous listed word the text gives no organisation
    context for: 苹果很甜 is fruit, whatever the CRF says."""
    ambiguous = _ambiguous_names()
    if not any(text[c.start : c.end] in ambiguous for c in orgs):
        return orgs  # the usual case: no second pass over the text
    _, confirmed = _found(text)
    return [
        c
        for c in orgs
        if (k := ambiguous.get(text[c.start : c.end])) is None or k.organisation in confirmed
    ]
