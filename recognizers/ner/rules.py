"""The person rules, and how rule and CRF candidates become one finding per name.

``PersonOrgAddressRecognizer`` (``recognizers/person_org_address.py``) calls
``candidates`` for each text with the CRF's spans; the organisation and address rules
are in ``organisation_rules.py`` and ``address_rules.py``. This module and the CRF are
imported when the recognizer is first loaded, not when the recognizer catalogue is read:
a scan with ``--no-ner`` and ``baomi entities`` never compile its ~150 expressions.
Offsets are exact character offsets into the text analysed. Overlapping candidates are
merged so that one name yields one finding: rule spans win over CRF spans, then the
higher score, then the longer span.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence

import ahocorasick

from recognizers.ner import lexicon
from recognizers.ner.address_rules import address_rules, specific_address
from recognizers.ner.candidate import (
    ADDRESS,
    CRF_SCORE,
    FUNCTION_CHARS,
    HAN_CHAR,
    HAS_HAN,
    NOT_NAME_START,
    ORGANIZATION,
    PERSON,
    RULE_SCORE,
    Candidate,
    Keyword,
)
from recognizers.ner.known_organisations import known_organisations, without_bare_ambiguous
from recognizers.ner.organisation_rules import correct_crf_orgs, organisation_rules

DOTS = "·•‧・･"  # U+00B7, U+2022, U+2027, U+30FB, U+FF65 between the parts of a name

# Words right after a name: 张伟表示, 李娜手机, 王芳负责 — they end the name.
AFTER_NAME = (
    "表示",
    "说",
    "称",
    "指出",
    "认为",
    "介绍",
    "强调",
    "透露",
    "告诉",
    "手机",
    "电话",
    "邮箱",
    "微信",
    "联系",
    "负责",
    "报道",
    "摄",
    "发自",
    "主持",
    "出席",
    "参加",
    "担任",
    "现任",
    "先生",
    "女士",
    "同志",
    "等人",
)
# Two-character verbs that follow a person as the subject (张伟表示, 由魏然统筹, 常乐负责):
# like a title, they confirm a name-shaped word right before them.
NAME_VERBS = (
    "表示",
    "指出",
    "认为",
    "介绍",
    "强调",
    "透露",
    "负责",
    "统筹",
    "主持",
    "汇报",
    "补充",
    "发言",
    "提出",
    "回复",
    "反馈",
    "确认",
    "告诉",
    "担任",
    "出任",
    "签署",
    "致辞",
    "讲话",
)

# Person-name shapes.
_SURNAME_CHARS = "".join(sorted(lexicon.SURNAMES))
_COMPOUND = "|".join(sorted(lexicon.COMPOUND_SURNAMES, key=len, reverse=True))
# Compound surnames that are also common words (东方航空, 西门子, 第五届) start a name only
# with a label, a title or the CRF's support.
AMBIGUOUS_COMPOUNDS = frozenset(
    {"东方", "西门", "百里", "第五", "南门", "东门", "公西", "东郭", "公良", "司空", "长孙", "闻人"}
)
_DOT_NAME = re.compile(rf"[{HAN_CHAR}]{{1,8}}(?:[{DOTS}][{HAN_CHAR}]{{1,10}}){{1,3}}")
_LABELS = "|".join(sorted(lexicon.PERSON_LABELS, key=len, reverse=True))
_ONE_NAME = rf"(?:[{HAN_CHAR}]{{1,8}}[{DOTS}][{HAN_CHAR}]{{1,10}}|[{HAN_CHAR}]{{2,4}})"
# a list item may carry its role in brackets: 陈晓英（组长）、林雪山
_ROLE = r"(?:[（(][^）)\n]{1,6}[）)])?"
_ROLE_AT_END = re.compile(r"[（(][^）)\n]{1,6}[）)]$")
_LABEL_NAMES = re.compile(
    rf"(?:{_LABELS})(?:[：:\s]|是|为)*"
    rf"({_ONE_NAME}{_ROLE}(?:\s*[、，,/和及与]\s*{_ONE_NAME}{_ROLE})*)"
)
_LIST_SEPARATOR = re.compile(r"\s*[、，,/和及与]\s*")
# Labels that directly precede a name even without a colon (记者李娜, 联系人张伟).
DIRECT_LABELS = frozenset(
    "联系人 联络人 对接人 负责人 经办人 项目负责人 法定代表人 法人代表 收件人 发件人 签收人 记者"
    " 实习记者 特约记者 通讯员 责任编辑 责编 主编 主持人 发言人 签字人 授权代表 甲方代表 乙方代表"
    " 客户代表 主讲人 记录人 嘉宾 特邀嘉宾 主持 编辑".split()
)
# Titles long enough to mark the end of a name; 总/董/工 (王总) are abbreviations of a
# title after a bare surname and never make a name on their own.
_TITLE_WORDS = sorted((t for t in lexicon.TITLES if len(t) >= 2), key=len, reverse=True)
# One regex each instead of a loop over the word lists: anchored at the end, the
# leftmost match is the longest title.
_TITLE_AT_END = re.compile(f"(?:{'|'.join(_TITLE_WORDS)})\\Z")
_ANY_TITLE_AT_END = re.compile(f"(?:{'|'.join(sorted(lexicon.TITLES, key=len, reverse=True))})\\Z")
_AFTER_NAME_WORD = re.compile(
    "|".join(sorted({*_TITLE_WORDS, *AFTER_NAME, *NAME_VERBS}, key=len, reverse=True))
)


class Keywords:
    """One Aho-Corasick pass for the rule vocabulary: titles, organisation suffixes,
    division names."""

    def __init__(self) -> None:
        upper, county, _ = lexicon.admin_divisions()
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, set[str]] = {}
        for word in _TITLE_WORDS:
            entries.setdefault(word, set()).add("title")
        for word in NAME_VERBS:
            entries.setdefault(word, set()).add("verb")
        for word in lexicon.ORG_SUFFIXES_STRONG:
            entries.setdefault(word, set()).add("org")
        for word in upper:
            entries.setdefault(word, set()).add("upper")
        for word in county:
            entries.setdefault(word, set()).add("county")
        for word, kinds in entries.items():
            self.automaton.add_word(word, (len(word), frozenset(kinds)))
        self.automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        """(start, end, kinds) of every keyword occurrence, overlapping ones included."""
        return [
            (end + 1 - length, end + 1, kinds) for end, (length, kinds) in self.automaton.iter(text)
        ]


def candidates(
    text: str, crf_spans: Sequence[tuple[int, int, str]], keywords: Keywords
) -> list[Candidate]:
    """Rule and CRF candidates of one text, merged: one finding per name."""
    found = keywords.find(text)
    ends = [e for _, e, _ in found]  # in order: the automaton reports by end
    crf = [Candidate(s, e, label, CRF_SCORE, "crf") for s, e, label in crf_spans]
    persons = [c for c in crf if c.entity == PERSON]
    orgs = correct_crf_orgs(text, [c for c in crf if c.entity == ORGANIZATION])
    orgs = without_bare_ambiguous(text, orgs)  # 苹果很甜: fruit, not the company
    places = [c for c in crf if c.entity in (ADDRESS, "LOC")]
    rules: list[Candidate] = []
    rules += person_rules(text, found, PersonSpans(persons))
    rules += organisation_rules(text, found, orgs)
    rules += known_organisations(text, crf)  # the list of well-known organisations
    rules += address_rules(text, found)
    kept_crf = [
        c
        for c in (
            *(fix_person(text, c) for c in persons),
            *orgs,
            *(
                c
                for c in places
                if c.entity == ADDRESS
                and specific_address(text, c, _ending_inside(found, ends, c))
            ),
        )
        if c is not None
    ]
    tidy = [t for c in (*rules, *kept_crf) if (t := tidy_span(text, c)) is not None]
    return merge([c for c in tidy if c.rule != "crf"], [c for c in tidy if c.rule == "crf"])


def _ending_inside(keywords: list[Keyword], ends: list[int], c: Candidate) -> list[Keyword]:
    """The keywords that end inside ``c``: a slice found by bisection, not a scan of every
    keyword of a possibly long text."""
    return keywords[bisect.bisect_right(ends, c.start) : bisect.bisect_right(ends, c.end)]


class PersonSpans:
    """The CRF's PERSON spans of one text, looked up by where they start or end.

    The rules ask "does the CRF have a name starting here?" for every label, title and
    list item; scanning every span each time would grow with the square of the names in
    a long text (a contact export of thousands of rows is one segment)."""

    def __init__(self, spans: Iterable[Candidate] = ()) -> None:
        self.spans = sorted(spans, key=lambda c: (c.start, c.end))
        self._starts = [c.start for c in self.spans]
        self._longest = max((c.length for c in self.spans), default=0)
        self._by_start: dict[int, list[Candidate]] = {}
        self._by_end: dict[int, list[Candidate]] = {}
        for c in self.spans:
            self._by_start.setdefault(c.start, []).append(c)
            self._by_end.setdefault(c.end, []).append(c)

    def starting(self, i: int) -> list[Candidate]:
        return self._by_start.get(i, [])

    def ending(self, i: int) -> list[Candidate]:
        return self._by_end.get(i, [])

    def touching(self, lo: int, hi: int) -> list[Candidate]:
        """Spans with ``start <= hi`` and ``end >= lo``."""
        first = bisect.bisect_left(self._starts, lo - self._longest)
        last = bisect.bisect_right(self._starts, hi)
        return [c for c in self.spans[first:last] if c.end >= lo]


NO_PERSONS = PersonSpans()


def merge(rules: list[Candidate], crf: list[Candidate]) -> list[Candidate]:
    """One candidate per stretch of text.

    A CRF span of the same type as a rule span it overlaps confirms it (the rule's
    boundaries win); otherwise rule spans first, then higher score, then longer.
    Every step looks candidates up by position (sorted starts, bisection): a long
    segment with thousands of names stays linear in them, not quadratic.
    """
    by_start = _Sorted(rules)
    for c in crf:
        for r in by_start.overlapping(c.start, c.end):
            if r.entity == c.entity:
                r.score = max(r.score, RULE_SCORE)
    # 武汉市住房保障管理中心, 北京市朝阳区人民医院: a place that begins an organisation's
    # name is part of that name
    organisations = _Sorted([c for c in (*crf, *rules) if c.entity == ORGANIZATION])
    rules = [
        r
        for r in rules
        if r.entity != ADDRESS
        or not any(
            o.start <= r.start and o.end > r.end for o in organisations.overlapping(r.start, r.end)
        )
    ]
    ranked = sorted(
        [*rules, *crf],
        key=lambda c: (c.rule == "crf", -c.score, -c.length, c.start),
    )
    starts: list[int] = []  # the kept spans never overlap: sorted by start, also by end
    ends: list[int] = []
    kept: list[Candidate] = []
    for c in ranked:
        i = bisect.bisect_right(starts, c.start)
        if (i > 0 and ends[i - 1] > c.start) or (i < len(starts) and starts[i] < c.end):
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.insert(i, c)
    return kept


class _Sorted:
    """Candidates sorted by start, to find those overlapping a span by bisection."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.items = sorted(candidates, key=lambda c: c.start)
        self.starts = [c.start for c in self.items]
        self.longest = max((c.length for c in self.items), default=0)

    def overlapping(self, start: int, end: int) -> list[Candidate]:
        first = bisect.bisect_left(self.starts, start - self.longest)
        last = bisect.bisect_left(self.starts, end)
        return [c for c in self.items[first:last] if c.end > start]


_EDGE_CHARS = r"\s\u3000.,;:!?。，、；：！？“”‘’\"'·•—\-|/"
_LEADING = re.compile(f"^[{_EDGE_CHARS}]+")
_TRAILING = re.compile(f"[{_EDGE_CHARS}]+$")
_SPACED_HAN = re.compile(f"[{HAN_CHAR}][ \t\u3000]+[{HAN_CHAR}]")
_OPEN, _CLOSE = "（(", "）)"
_LEGAL_FORMS = frozenset(
    {*lexicon.ORG_SUFFIXES_STRONG, "公司", "有限公司", "有限责任公司", "股份有限公司", "股份公司"}
)


def tidy_span(text: str, c: Candidate) -> Candidate | None:
    """Exact edges for every candidate: no blanks, line breaks or punctuation at either
    end (the CRF sometimes tags the break after a name: 张伟\\n), an unmatched closing
    bracket pulls in its opening one and the word before it (中国（上海）自由贸易
    试验区…), and a span the model ran across a line, a symbol (→) or a gap between
    Han characters (型  股份有限公司) is no name at all."""
    value = text[c.start : c.end]
    start = c.start + _span_len(_LEADING.search(value))
    end = c.end - _span_len(_TRAILING.search(value[start - c.start :]))
    if end - start < 2:
        return None
    value = text[start:end]
    closes = sum(value.count(ch) for ch in _CLOSE)
    opens = sum(value.count(ch) for ch in _OPEN)
    if closes > opens and value[-1] in _CLOSE:
        end -= 1  # 赵磊）: the bracket closes the sentence, not the name
    elif closes > opens and start > 0 and text[start - 1] in _OPEN:
        start -= 1
        while start > 0 and HAS_HAN.match(text[start - 1]) and c.start - start < 3:
            start -= 1
    elif opens > closes and value[-1] in _OPEN:
        end -= 1
    value = text[start:end]
    if end - start < 2:
        return None
    if any(ch in "\n\r\t" for ch in value) or _SPACED_HAN.search(value):
        return None
    if c.rule == "crf" and not _plausible_crf_span(c.entity, value):
        return None
    if c.entity == ORGANIZATION and value in _LEGAL_FORMS:
        return None  # 企业类型：股份有限公司 names a legal form, not a company
    if start == c.start and end == c.end:
        return c
    return Candidate(start, end, c.entity, c.score, c.rule)


# Event-industry words that begin with a surname character (易, 白, 伴) and that the
# CRF, trained on news, takes for names.
EVENT_WORDS = frozenset({"易拉宝", "白板", "伴手礼", "花絮", "路演", "展架", "桁架"})
# Latin words of the trade that the CRF takes for organisations in a PR firm's text.
INDUSTRY_ACRONYMS = frozenset(
    {"KOL", "KOC", "PR", "CEO", "CFO", "COO", "CMO", "PPT", "APP", "KPI", "ROI", "IP", "UGC", "PGC"}
)


# A company's own department (财务部, 公共事务部) is no organisation; 外交部 is.
_DEPARTMENT = re.compile(
    "(?:公共)?(?:财务|事务|行政|市场|人事|人力资源|公关|技术|销售|法务|采购|品牌|运营|客服|业务|项目|综合|编辑|新闻)部"
)


def _plausible_crf_span(entity: str, value: str) -> bool:
    """What the CRF alone may report: no symbols (→), no word of the trade (KOL, 易拉宝)
    and no bare department (财务部, 公共事务部)."""
    if any(unicodedata.category(ch).startswith("S") for ch in value):
        return False
    if value in EVENT_WORDS or value.upper() in INDUSTRY_ACRONYMS:
        return False
    return not (entity == ORGANIZATION and _DEPARTMENT.fullmatch(value))


def _span_len(m: re.Match[str] | None) -> int:
    return m.end() - m.start() if m else 0


# --- PERSON ---------------------------------------------------------------------------------


def is_name_shape(name: str) -> bool:
    """A Chinese name: surname (or compound surname) + 1-2 characters, or parts joined by
    a middle dot; never a word that merely starts with a surname (高达, 金融)."""
    if any(d in name for d in DOTS):
        parts = re.split(f"[{DOTS}]", name)
        return all(1 <= len(p) <= 10 and HAS_HAN.match(p) for p in parts)
    if not 2 <= len(name) <= 4 or not all(HAS_HAN.match(c) for c in name):
        return False
    if name in lexicon.NOT_NAMES or name in lexicon.COMPOUND_SURNAMES:
        return False
    if name[:2] in lexicon.COMPOUND_SURNAMES and len(name) >= 3:
        return True
    return name[0] in lexicon.SURNAMES and len(name) <= 3


def surname_and_title(name: str) -> bool:
    """王总, 李工, 张经理, 王总经理: a surname followed only by a title (the longest title
    the name ends with) is no name."""
    title = _ANY_TITLE_AT_END.search(name)
    if title is None:
        return False
    rest = name[: title.start()]
    return len(rest) <= 1 or rest in lexicon.COMPOUND_SURNAMES


def name_end(text: str, start: int, crf_persons: PersonSpans) -> int | None:
    """Where a name starting at ``start`` ends: the CRF's end when it found a name there,
    else before the first title, after-name word, function character or non-Han char."""
    for c in crf_persons.starting(start):
        if 2 <= c.length <= 4 and is_name_shape(text[c.start : c.end]):
            return c.end
    compound = text[start : start + 2] in lexicon.COMPOUND_SURNAMES
    given_from = start + (2 if compound else 1)
    limit = min(len(text), given_from + 2)
    end = given_from
    while end < limit and HAS_HAN.match(text[end]) and not _ends_name_at(text, end):
        end += 1
    if end == given_from:
        return None
    # more Han characters follow without a break: take the common 2+1 reading only
    # when the third character is a given-name character, else surname + one
    runs_on = (
        end == limit
        and end < len(text)
        and HAS_HAN.match(text[end])
        and not _ends_name_at(text, end)
    )
    if runs_on and end - given_from == 2 and text[given_from + 1] not in lexicon.GIVEN_NAME_CHARS:
        end -= 1
    return end


def _ends_name_at(text: str, i: int) -> bool:
    return text[i] in FUNCTION_CHARS or _AFTER_NAME_WORD.match(text, i) is not None


def person_rules(text: str, keywords: list[Keyword], crf_persons: PersonSpans) -> list[Candidate]:
    found: list[Candidate] = []
    found += _names_after_labels(text, crf_persons)
    found += _names_before_titles(text, keywords, crf_persons)
    found += _names_after_titles(text, keywords, crf_persons)
    found += _compound_surname_names(text, crf_persons)
    found += _dot_names(text, crf_persons)
    found += _field_names(text, crf_persons)
    found += _names_before_sex(text, crf_persons)
    found += _name_lists(text, crf_persons)
    return found


_FIELD_EDGES = "|｜\t\n"
_FIELD_NAME = re.compile(
    rf"(?:^|(?<=[{_FIELD_EDGES}]))[ #]*([{HAN_CHAR}]{{2,4}})[ ]*(?=[{_FIELD_EDGES}]|$)"
)


def _field_names(text: str, crf_persons: PersonSpans) -> list[Candidate]:
    """# 周衡｜计算机｜某某大学, a table row 张伟\t市场部: a name-shaped word that fills a
    field between separators (|, ｜, tab, line ends) on its own. A guess (CRF score) that
    the CRF or a name seen elsewhere in the document confirms."""
    found = []
    for m in _FIELD_NAME.finditer(text):
        start, group_end = m.span(1)
        end = name_end(text, start, crf_persons) if group_end - start > 3 else group_end
        if end != group_end:
            continue
        name = text[start:end]
        if not is_name_shape(name) or surname_and_title(name):
            continue
        given = name[2:] if name[:2] in lexicon.COMPOUND_SURNAMES else name[1:]
        if all(c in lexicon.GIVEN_NAME_CHARS for c in given):
            found.append(Candidate(start, end, PERSON, CRF_SCORE, "field"))
    return found


def _names_after_labels(text: str, crf_persons: PersonSpans) -> list[Candidate]:
    """联系人：张伟 / 记者 李娜 / 出席：张伟、王芳、李娜 — the label says a name follows.

    Labels that are also ordinary words (出席, 记录, 作者 …) count only before a colon or
    a space; a list goes on only while its items are names."""
    found = []
    for m in _LABEL_NAMES.finditer(text):
        label = text[m.start() : m.start(1)].rstrip("：: \t　是为")
        separated = m.start(1) > m.start() + len(label)
        if label not in DIRECT_LABELS and not separated:
            continue
        colon = text[m.start() + len(label)] in "：:"
        position = m.start(1)
        for listed in _LIST_SEPARATOR.split(m.group(1)):
            start = text.find(listed, position)
            position = start + len(listed)
            item = _ROLE_AT_END.sub("", listed)  # 陈晓英（组长）: the role is not the name
            end = _label_name_end(text, start, start + len(item), crf_persons)
            name = text[start:end] if end is not None else ""
            if end is None or not is_name_shape(name) or surname_and_title(name):
                first = start == m.start(1)
                if not (colon and first and _whole_field_name(text, start, start + len(item))):
                    break
                end = start + len(item)
            found.append(Candidate(start, end, PERSON, RULE_SCORE, "label"))
    return found


# Words that fill a name field without being a name (联系人：待定, 代理人：本人).
FIELD_PLACEHOLDERS = frozenset(
    "待定 暂无 不详 未知 同上 见上 本人 见附件 另行通知 未定 空缺 缺席 略 无".split()
)


def _whole_field_name(text: str, start: int, end: int) -> bool:
    """代表人：助野健儿，该公司董事 / 法定代表人：赖以仁。: after a label and a colon, two to
    four Han characters that fill the field up to punctuation or the line's end are the
    name, whatever its surname (Japanese and rare surnames included) — unless they are a
    placeholder, an organisation (…公司, …社), or words (the function characters of prose)."""
    value = text[start:end]
    if not 2 <= len(value) <= 4 or not all(HAS_HAN.match(c) for c in value):
        return False
    if end < len(text) and (HAS_HAN.match(text[end]) or text[end].isalnum() or text[end] in "：:"):
        return False  # runs on, or is the next field's label (联系人：张三，手机号：…)
    if value in FIELD_PLACEHOLDERS or value in lexicon.NOT_NAMES:
        return False
    if any(c in FUNCTION_CHARS for c in value) or value[0] in NOT_NAME_START:
        return False
    suffixes = (*lexicon.ORG_SUFFIXES_STRONG, *lexicon.ORG_SUFFIXES_WEAK, "社", "所", "处", "会")
    return not value.endswith(suffixes) and not surname_and_title(value)


def _label_name_end(text: str, start: int, item_end: int, crf_persons: PersonSpans) -> int | None:
    """End of the name at ``start`` after a label: the CRF's, the trimmed dotted name, or
    surname + given name when a boundary follows."""
    crf = next((c for c in crf_persons.starting(start) if c.end <= item_end + 8), None)
    if any(d in text[start:item_end] for d in DOTS):
        return crf.end if crf is not None else _trim_after_name(text, start, item_end)
    if crf is not None and 2 <= crf.length <= 4:
        return crf.end
    if text[start] in FUNCTION_CHARS:
        return None  # 负责人向美方介绍: 向 is a preposition here
    end = name_end(text, start, NO_PERSONS)
    if end is None or end > item_end:
        return None
    if end < len(text) and HAS_HAN.match(text[end]) and not _ends_name_at(text, end):
        return None
    given = text[start + (2 if text[start : start + 2] in lexicon.COMPOUND_SURNAMES else 1) : end]
    if not any(c in lexicon.GIVEN_NAME_CHARS for c in given):
        return None  # 记者曾去过, 来自: no given-name character at all
    return end


def _names_before_titles(
    text: str, keywords: list[Keyword], crf_persons: PersonSpans
) -> list[Candidate]:
    """张伟经理 → 张伟, 李明华教授 → 李明华, 常乐负责 → 常乐: a title, or a verb that takes
    a person as its subject, right after a name-shaped word confirms it."""
    found = []
    for t_start, _, kinds in keywords:
        if "title" not in kinds and "verb" not in kinds:
            continue
        crf = next((c for c in crf_persons.ending(t_start) if c.length >= 2), None)
        if crf is not None:
            if fix_person(text, crf) is not None:
                found.append(Candidate(crf.start, crf.end, PERSON, RULE_SCORE, "title"))
            continue
        start = _name_start_before(text, t_start)
        if start is not None:
            found.append(Candidate(start, t_start, PERSON, RULE_SCORE, "title"))
    return found


def _names_after_titles(
    text: str, keywords: list[Keyword], crf_persons: PersonSpans
) -> list[Candidate]:
    """董事长张克佳, 总经济师梁丁松带队拜访: a press release names people after their
    title. A name-shaped word right after a title is a name when it ends at a boundary
    (punctuation, a function character, a verb, another title) and its given name has a
    given-name character (经理办公室, 主编周刊 are no names)."""
    found = []
    for _, t_end, kinds in keywords:
        if "title" not in kinds or t_end >= len(text):
            continue
        crf = next((c for c in crf_persons.starting(t_end) if 2 <= c.length <= 4), None)
        if crf is not None:
            if (fixed := fix_person(text, crf)) is not None:  # the CRF agrees: its span
                found.append(Candidate(fixed.start, fixed.end, PERSON, RULE_SCORE, "title"))
            continue
        end = name_end(text, t_end, NO_PERSONS)
        if end is None:
            continue
        name = text[t_end:end]
        if not is_name_shape(name) or surname_and_title(name) or name[:2] in lexicon.NOT_NAMES:
            continue  # 策划方案发给我: 方案 is a word
        if end < len(text) and HAS_HAN.match(text[end]) and not _ends_name_at(text, end):
            continue
        given = name[2:] if name[:2] in lexicon.COMPOUND_SURNAMES else name[1:]
        if any(c in lexicon.GIVEN_NAME_CHARS for c in given):
            found.append(Candidate(t_end, end, PERSON, RULE_SCORE, "title before"))
    return found


def _name_start_before(text: str, end: int) -> int | None:
    """Start of a name ending at ``end`` (before a title): 3 characters when the first is
    a surname and the other two given-name characters, else 2 with a surname first."""
    if (
        end >= 4
        and text[end - 4 : end - 2] in lexicon.COMPOUND_SURNAMES
        and _boundary_before(text, end - 4)
    ):
        return end - 4
    if (
        end >= 3
        and text[end - 3 : end - 1] in lexicon.COMPOUND_SURNAMES
        and _boundary_before(text, end - 3)
    ):
        return end - 3
    three = text[max(0, end - 3) : end]
    if (
        len(three) == 3
        and three[0] in lexicon.SURNAMES
        and three[0] not in FUNCTION_CHARS
        and three[1] in lexicon.GIVEN_NAME_CHARS
        and three[2] in lexicon.GIVEN_NAME_CHARS
        and all(HAS_HAN.match(c) for c in three)
        and _boundary_before(text, end - 3)
    ):
        return end - 3
    two = text[max(0, end - 2) : end]
    if (
        len(two) == 2
        and is_name_shape(two)
        and two[1] in lexicon.GIVEN_NAME_CHARS
        and _boundary_before(text, end - 2)
    ):
        return end - 2
    return None


def _boundary_before(text: str, i: int) -> bool:
    """Nothing name-like directly before ``i``: start, punctuation, a function character,
    a label or a verb-like lead-in."""
    if i == 0:
        return True
    before = text[i - 1]
    if not HAS_HAN.match(before) or before in FUNCTION_CHARS:
        return True
    return any(
        text.endswith(w, 0, i)
        for w in (*lexicon.PERSON_LABELS, "感谢", "会见", "拜访", "联系", "致电", "通知", "邀请")
    )


_COMPOUND_AT = re.compile(f"(?=({_COMPOUND}))")


def _compound_surname_names(text: str, crf_persons: PersonSpans) -> list[Candidate]:
    """欧阳雪, 司马相如: a compound surname with one or two given-name characters, or a CRF
    span that cut one in half (阳雪 → 欧阳雪). Never inside a word (局长孙… is 局长 + 孙…)."""
    found = []
    for m in _COMPOUND_AT.finditer(text):  # every start, overlapping ones too
        start, compound = m.start(), m.group(1)
        if not _boundary_before(text, start):
            continue
        crf = next(
            (
                c
                for c in (*crf_persons.starting(start), *crf_persons.starting(start + 1))
                if c.end > start + 2
            ),
            None,
        )
        if crf is not None:
            name = text[start : crf.end]
            if is_name_shape(name) and len(name) <= 4:
                found.append(Candidate(start, crf.end, PERSON, RULE_SCORE, "compound"))
            continue
        if compound in AMBIGUOUS_COMPOUNDS:
            continue
        end = name_end(text, start, crf_persons)
        if end is None:
            continue
        after_ok = end >= len(text) or not HAS_HAN.match(text[end]) or _ends_name_at(text, end)
        if after_ok and is_name_shape(text[start:end]):
            found.append(Candidate(start, end, PERSON, RULE_SCORE, "compound"))
    return found


_NAME_LIST = re.compile(rf"[{HAN_CHAR}]{{2,4}}(?:、[{HAN_CHAR}]{{2,4}})+")


def _name_lists(text: str, crf_persons: PersonSpans) -> list[Candidate]:
    """出席的有张伟、李娜、王芳等: in a list separated by 、, once the CRF has found at
    least half of the items as names, every other item of a name's shape (surname +
    given-name characters) is a name too — lists hold things of one kind."""
    found: list[Candidate] = []
    if "、" not in text:
        return found
    for m in _NAME_LIST.finditer(text):
        items = _list_items(m, crf_persons)
        named = [(s, e) for s, e in items if any(c.end == e for c in crf_persons.starting(s))]
        if not named or 2 * len(named) < len(items):
            continue
        for s, e in items:
            name = text[s:e]
            given = name[2:] if name[:2] in lexicon.COMPOUND_SURNAMES else name[1:]
            if (s, e) in named or (
                is_name_shape(name)
                and not surname_and_title(name)
                and all(c in lexicon.GIVEN_NAME_CHARS for c in given)
            ):
                found.append(Candidate(s, e, PERSON, RULE_SCORE, "list"))
    return found


def _list_items(m: re.Match[str], crf_persons: PersonSpans) -> list[tuple[int, int]]:
    """The items' spans; the first may start and the last end inside the match where a
    CRF name does (出席的有张伟、…、王芳等 → 张伟, 王芳)."""
    items, start = [], m.start()
    for part in m.group().split("、"):
        items.append((start, start + len(part)))
        start += len(part) + 1
    first, last = items[0], items[-1]
    for c in crf_persons.ending(first[1]):
        if first[0] < c.start < first[1] - 1:
            items[0] = (c.start, c.end)
    for c in crf_persons.starting(last[0]):
        if last[0] + 1 < c.end < last[1]:
            items[-1] = (c.start, c.end)
    return items


# 张建华，男，1975年出生 / 李娜（女，汉族）: a judgment's or a résumé's party line.
_BEFORE_SEX = re.compile(rf"([{HAN_CHAR}]{{2,4}})\s*[，,、（(]\s*[男女]\s*[，,、）)；;。]")


def _names_before_sex(text: str, crf_persons: PersonSpans) -> list[Candidate]:
    """被告张建华，男，1975年出生: two to four Han characters right before 男 / 女 between
    commas or brackets name a person: from the first boundary (a label such as 被告,
    punctuation, a function character) on, a name of any surname."""
    found: list[Candidate] = []
    if "男" not in text and "女" not in text:
        return found
    for m in _BEFORE_SEX.finditer(text):
        starts = range(m.start(1), m.end(1) - 1)
        after_label = [i for i in starts if text.endswith(lexicon.PERSON_LABELS, 0, i)]
        # an if statement, not a conditional expression: mypy types next(..., None) in one
        # by its other branch (int) and rejects the None
        start: int | None
        if after_label:
            start = after_label[-1]
        else:
            start = next((i for i in starts if _boundary_before(text, i)), None)
        if start is None:
            continue
        name = text[start : m.end(1)]
        if is_name_shape(name) or _whole_field_name(text, start, m.end(1)):
            found.append(Candidate(start, m.end(1), PERSON, RULE_SCORE, "sex"))
    return found


def _dot_names(text: str, crf_persons: PersonSpans) -> list[Candidate]:
    """阿依古丽·买买提, 马丁·艾伯特: parts joined by a middle dot are one name.

    With a CRF person inside it, the name runs from the CRF's start to its end (at
    least over the dots) and is confirmed (0.85). Without one a dotted phrase is left
    alone (听雨·汉服, 摩根·斯坦利 are no people) unless a label names it (嘉宾：…)."""
    found: list[Candidate] = []
    if not any(d in text for d in DOTS):
        return found  # the regex would try every run of Han characters for nothing
    for m in _DOT_NAME.finditer(text):
        start, end = m.span()
        dots = [i for i in range(start, end) if text[i] in DOTS]
        # CRF persons that touch the dotted part (not a name earlier in the match)
        inside = crf_persons.touching(dots[0], dots[-1] + 1)
        if inside:
            start = max(start, min(c.start for c in inside))
            crf_end = max(c.end for c in inside)
            end = (
                min(end, crf_end) if crf_end > dots[-1] + 1 else _trim_after_name(text, start, end)
            )
            if start >= dots[0] or end < dots[-1] + 2:
                continue
            found.append(Candidate(start, end, PERSON, RULE_SCORE, "dot"))
            continue
    return found


def _trim_after_name(text: str, start: int, end: int) -> int:
    """Cut words that follow a name off the end of a dotted name (…买买提表示 → …买买提)."""
    last_dot = max(i for i in range(start, end) if text[i] in DOTS)
    for i in range(last_dot + 2, end):
        if _ends_name_at(text, i):
            return i
    return end


# Credits written right after a name (伍晖摄, 李娜报道, 王芳供图): not part of it.
CREDITS = ("摄影", "摄", "报道", "供图", "整理", "撰文", "文/图")


def fix_person(text: str, c: Candidate) -> Candidate | None:
    """Clean a CRF PERSON span: drop a trailing title (张伟经理 → 张伟), words that are
    not names (高达, 金融), surname + title (王总), single characters."""
    name = text[c.start : c.end]
    title = _TITLE_AT_END.search(name, 2)  # the longest title leaving two characters
    if title is not None:
        c = Candidate(c.start, c.start + title.start(), PERSON, c.score, c.rule)
        name = text[c.start : c.end]
    for credit in CREDITS:
        if name.endswith(credit) and len(name) - len(credit) >= 2:
            c = Candidate(c.start, c.end - len(credit), PERSON, c.score, c.rule)
            name = text[c.start : c.end]
            break
    if len(name) < 2 or name in lexicon.NOT_NAMES or surname_and_title(name):
        return None
    if any(ch.isdigit() or (ch.isascii() and ch.isalpha()) for ch in name):
        return None  # 李x, 张3: a pseudonym, not a name
    return c


# --- ORGANIZATION ---------------------------------------------------------------------------
