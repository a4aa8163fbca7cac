"""ORGANIZATION rules: a strong suffix (…有限公司, …集团, …日报, …大学) with a trade name
before it, and short trade names (蓝鲸科技) where the context says they are companies."""

from __future__ import annotations

import re

from recognizers.ner import lexicon
from recognizers.ner.candidate import (
    CRF_SCORE,
    FUNCTION_CHARS,
    HAN_CHAR,
    HAS_HAN,
    NOT_NAME_START,
    ORGANIZATION,
    RULE_SCORE,
    Candidate,
    Keyword,
)

# Lead-ins that precede an organisation's name without being part of it.
ORG_LEAD_INS = (
    "客户",
    "甲方",
    "乙方",
    "丙方",
    "委托方",
    "受托方",
    "合作方",
    "供应商",
    "服务商",
    "主办方",
    "承办方",
    "协办方",
    "主办",
    "承办",
    "协办",
    "我司",
    "贵司",
    "公司名称",
    "单位名称",
    "名称",
    "单位",
    "来自",
    "位于",
    "代表",
    "签约",
    "联合",
    "携手",
    "邀请",
    "感谢",
    "媒体",
    "通过",
    "针对",
    "关于",
    "联系",
)
# A trade name made only of these says what a company does, not which one it is.
GENERIC_ORG_WORDS = (
    "科技",
    "网络",
    "信息",
    "技术",
    "传媒",
    "文化",
    "投资",
    "咨询",
    "管理",
    "贸易",
    "发展",
    "实业",
    "控股",
    "服务",
    "广告",
    "公关",
    "商贸",
    "电子",
    "有限",
    "股份",
    "责任",
    "集团",
    "分",
    "子",
    "总",
    "母",
    "新",
    "大",
    "一家",
    "家",
    "多家",
    "这家",
    "该",
    "本",
    "其",
    "贵",
    "我",
    "各",
    "上市",
    "国有",
    "民营",
    "外资",
    "合资",
    "私营",
    "中小",
)
_GENERIC_ORG = re.compile("(?:" + "|".join(sorted(GENERIC_ORG_WORDS, key=len, reverse=True)) + ")+")
MAX_ORG_NAME = 30
# Industry words after a short trade name (星河传媒, 蓝鲸科技, 青禾食品, 第一财经): how
# companies and outlets are called in running text once introduced.
INDUSTRY_WORDS = (
    "科技",
    "传媒",
    "食品",
    "物流",
    "电子",
    "网络",
    "地产",
    "置业",
    "医药",
    "制药",
    "汽车",
    "证券",
    "保险",
    "资本",
    "财经",
    "新闻",
    "报道",
    "能源",
    "电器",
    "通信",
    "软件",
    "影业",
    "互娱",
    "咨询",
    "公关",
    "实业",
    "控股",
)
_INDUSTRY = re.compile("|".join(INDUSTRY_WORDS))
_TRADE_NAME = re.compile(rf"[{HAN_CHAR}0-9]{{2,6}}")
FIELD_SEPARATORS = "\t　|｜（）()；;"
_AFTER_ORG = (
    "董事长",
    "总经理",
    "总裁",
    "副总裁",
    "创始人",
    "董事",
    "首席",
    "CEO",
    "主编",
    "记者",
    "编辑",
    "编导",
)
# Company-law forms: whatever precedes them is a company's registered name.
COMPANY_LAW_SUFFIXES = ("有限公司", "有限责任公司", "集团公司")
# Suffixes so often after a description (保险公司, 抢劫银行, 考上大学) that only the CRF's
# support makes them a name.
SUFFIXES_NEEDING_CRF = frozenset(
    "公司 银行 大学 学院 中学 小学 医院 集团 控股集团 周刊 法院 检察院 办公室 办公厅 俱乐部".split()
)


_ORG_NAME_CHAR = re.compile(rf"[{HAN_CHAR}A-Za-z0-9&（）()]")
_BRANCH = re.compile(rf"[{HAN_CHAR}]{{2,6}}?(?:{'|'.join(lexicon.BRANCH_SUFFIXES)})")


def organisation_rules(
    text: str, keywords: list[Keyword], crf_orgs: list[Candidate]
) -> list[Candidate]:
    """…有限公司, …集团, …日报, …大学: a strong suffix with a trade name before it.

    Where the CRF tagged an organisation over or right before the suffix, its span is
    confirmed (extended over the suffix and a branch, 北京大学党委 kept whole). Without
    the CRF, a company-law suffix (有限公司 …) is enough; other suffixes (银行, 大学,
    委员会 …) need a short proper name after a clear boundary (保险公司, 许多大学 are
    no names)."""
    suffixes = _longest_suffixes([(s, e) for s, e, kinds in keywords if "org" in kinds])
    found = _short_company_names(text, suffixes)
    for s_start, s_end in suffixes:
        end = s_end
        branch = _BRANCH.match(text, end)
        if branch and branch.end() - end <= 9:
            end = branch.end()
        scanned = _scan_org_start(text, s_start)
        crf = [
            c
            for c in crf_orgs
            if c.start < s_end and c.end >= s_start and _balanced(text[c.start : s_start])
        ]
        if crf:
            start = min(c.start for c in crf)
            end = max(end, *(c.end for c in crf))
        elif scanned is not None and _plausible_name(text, scanned, s_start, s_end):
            start = scanned
        else:
            continue
        name = text[start:s_start]
        if not name or _GENERIC_ORG.fullmatch(name) or len(name) > MAX_ORG_NAME:
            continue
        found.append(Candidate(start, end, ORGANIZATION, RULE_SCORE, "suffix"))
    return found


def _short_company_names(text: str, suffixes: list[tuple[int, int]]) -> list[Candidate]:
    """蓝鲸科技董事长, 客户：青禾食品；, 联系星河传媒的, a media list's 界面新闻 — a short
    trade name and an industry word, where the context says it is a company: a lead-in
    before it (客户, 甲方, 联系, 媒体 …), a title after it (董事长, 主编 …), or field
    separators around it (tab, ideographic space, |, brackets). A guess (CRF score)
    until the CRF agrees; of several readings the shortest trade name wins."""
    found = []
    for industry in _INDUSTRY.finditer(text):
        end = industry.end()
        if any(s < end and industry.start() < e for s, e in suffixes):
            continue  # 蓝鲸科技有限公司: the suffix rule's
        if not _ends_org_name(text, end):
            continue
        for start in range(industry.start() - 2, max(-1, industry.start() - 7), -1):
            name = text[start : industry.start()]
            if not _TRADE_NAME.fullmatch(name):
                break
            if _org_context(text, start, end):
                if not (
                    name[0] in NOT_NAME_START
                    or _GENERIC_ORG.fullmatch(name)
                    or any(c in FUNCTION_CHARS for c in name)
                ):
                    found.append(Candidate(start, end, ORGANIZATION, CRF_SCORE, "trade name"))
                break
    return found


def _ends_org_name(text: str, end: int) -> bool:
    return (
        end == len(text)
        or text[end] in FUNCTION_CHARS
        or not _ORG_NAME_CHAR.match(text[end])
        or text.startswith(_AFTER_ORG, end)
    )


def _org_context(text: str, start: int, end: int) -> bool:
    """A lead-in before ``start`` (客户：, 联系), a title after ``end`` (董事长), or field
    separators on both sides."""
    before = start - 1 if start > 0 and text[start - 1] in "：:" else start
    if any(text.endswith(w, 0, before) for w in ORG_LEAD_INS):
        return True
    if text.startswith(_AFTER_ORG, end):
        return True
    return (start == 0 or text[start - 1] in FIELD_SEPARATORS) and (
        end == len(text) or text[end] in FIELD_SEPARATORS
    )


def _plausible_name(text: str, start: int, suffix_start: int, suffix_end: int) -> bool:
    """May the scanned text before a suffix be an organisation's own name?"""
    name = text[start:suffix_start]
    if not name or name[0] in NOT_NAME_START:
        return False
    suffix = text[suffix_start:suffix_end]
    if suffix.endswith(COMPANY_LAW_SUFFIXES):
        return True
    if (
        suffix in SUFFIXES_NEEDING_CRF
        or len(name) > 6
        or sum(map(bool, map(HAS_HAN.match, name))) < 2
    ):
        return False
    return _clear_boundary(text, start)


def _clear_boundary(text: str, i: int) -> bool:
    """Start of text, punctuation or a space, or a lead-in word (客户, 甲方 …) before ``i``."""
    if i == 0 or text[i - 1] in "（(" or not _ORG_NAME_CHAR.match(text[i - 1]):
        return True
    return any(text.endswith(w, 0, i) for w in (*ORG_LEAD_INS, *lexicon.PERSON_LABELS))


def _longest_suffixes(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of overlapping suffix matches (有限公司 inside 股份有限公司) keep the longest, and
    of chained ones (集团 … 公司 in 集团公司) the last."""
    spans.sort(key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for s in spans:
        if kept and s[0] < kept[-1][1]:
            if s[1] > kept[-1][1]:
                kept[-1] = (kept[-1][0], s[1])
            continue
        if kept and s[0] == kept[-1][1]:
            kept[-1] = (kept[-1][0], s[1])  # 集团 + 公司 read as one suffix
            continue
        kept.append(s)
    return kept


def _balanced(name: str) -> bool:
    return name.count("（") + name.count("(") == name.count("）") + name.count(")")


def _scan_org_start(text: str, suffix_start: int) -> int | None:
    """The first character after punctuation, a function character or a lead-in
    (客户, 甲方 …) before a suffix, at most ``MAX_ORG_NAME`` characters back; a
    bracketed place (（深圳）) is part of the name."""
    start = suffix_start
    depth = 0
    while start > 0 and suffix_start - start < MAX_ORG_NAME:
        ch = text[start - 1]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                break
            depth -= 1
        elif not _ORG_NAME_CHAR.match(ch) or (ch in FUNCTION_CHARS and depth == 0):
            break
        start -= 1
    if start == suffix_start:
        return None
    return _skip_lead_ins(text, start, suffix_start)


def _skip_lead_ins(text: str, start: int, limit: int) -> int:
    changed = True
    while changed:
        changed = False
        for word in ORG_LEAD_INS:
            if text.startswith(word, start) and start + len(word) < limit:
                start += len(word)
                changed = True
                break
    return start
