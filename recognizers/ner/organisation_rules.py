"""ORGANIZATION rules: a strong suffix (…有限公司, …集团, …日报, …大学) with a trade name
before it, and short trade names (蓝鲸科技) where the context says they are companies."""

from __future__ import annotations

import re
from bisect import bisect_left

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

# The parties of a contract, a judgment, a tender or a patent (保证人馨华园公司, 原告：…):
# a role, never part of the name after it, even where the CRF started inside it.
PARTY_ROLES = tuple(
    (
        "保证人 担保人 被担保人 申请人 被申请人 再审申请人 申请执行人 被执行人 原告 被告 第三人"
        " 原审原告 原审被告 上诉人 被上诉人 委托人 受托人 采购人 采购单位 招标人 投标人 中标人"
        " 成交供应商 代理机构 采购代理机构 招标代理机构 专利代理机构 专利权人 权利人 出租人"
        " 承租人 借款人 出借人 贷款人 债权人 债务人 发包人 承包人 转让方 受让方 买方 卖方"
    ).split()
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
    *PARTY_ROLES,
)
# Verbs between a person and the organisation they act on (…梁丁松带队拜访广州高新区投资集团):
# a name found before one of them starts after it, wherever the CRF began.
ORG_OBJECT_VERBS = (
    "拜访",
    "走访",
    "会见",
    "会晤",
    "访问",
    "考察",
    "调研",
    "莅临",
    "参观",
    "前往",
    "来到",
    "带队",
    "率队",
    "到访",
    "约见",
    "对接",
    "诉",
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
    "开发",
    "建设",
    "工程",
    "房地产",
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
COMPANY_LAW_SUFFIXES = (
    "有限公司",
    "有限责任公司",
    "集团公司",
    "株式会社",
    "合伙企业",
)
# Legal forms that are not in the CRF's lexicon: a Japanese company (富士胶片株式会社), a
# partnership, and the firms of the regulated professions (律师事务所, 会计师事务所 …).
_LEGAL_FORM = re.compile(
    "株式会社|合伙企业|(?:律师|会计师|税务师|专利代理|商标代理|资产评估|评估|审计)事务所"
)
# A partnership's form in brackets right after its name is part of the registered name
# (…律师事务所（特殊普通合伙）); on the next line it is not.
_PARTNERSHIP_FORM = re.compile("[（(](?:特殊普通合伙|普通合伙|有限合伙)[）)]")
# Suffixes so often after a description (保险公司, 抢劫银行, 考上大学) that only the CRF's
# support makes them a name.
SUFFIXES_NEEDING_CRF = frozenset(
    "公司 银行 大学 学院 中学 小学 医院 集团 控股集团 周刊 法院 检察院 办公室 办公厅 俱乐部".split()
)
# Bodies inside an organisation that are not organisations of their own (中建四局党委 is
# 中建四局; like a department, see the labelling guidelines).
PARTY_BODIES = ("机关党委", "党委", "党组", "党总支", "党支部", "纪委", "工会", "团委")
_PARTY_BODY_END = re.compile(f"(?:{'|'.join(PARTY_BODIES)})$")


_ORG_NAME_CHAR = re.compile(rf"[{HAN_CHAR}A-Za-z0-9&（）()]")
_BRANCH = re.compile(rf"[{HAN_CHAR}]{{2,6}}?(?:{'|'.join(lexicon.BRANCH_SUFFIXES)})")


def organisation_rules(
    text: str, keywords: list[Keyword], crf_orgs: list[Candidate]
) -> list[Candidate]:
    """…有限公司, …集团, …日报, …大学: a strong suffix with a trade name before it, and
    government bodies (饶河县教育和体育局).

    Where the CRF tagged an organisation over or right before the suffix, its span is
    confirmed (extended over the suffix and a branch). Without the CRF, a company-law
    suffix (有限公司, 株式会社, 律师事务所 …) is enough; other suffixes (银行, 大学,
    委员会 …) need a short proper name after a clear boundary (保险公司, 许多大学 are
    no names).

    ``crf_orgs`` are the CRF's organisations already corrected by ``correct_crf_orgs``."""
    org_keywords = [(s, e) for s, e, kinds in keywords if "org" in kinds]
    legal_forms = [m.span() for m in _LEGAL_FORM.finditer(text)]
    suffixes = _longest_suffixes(org_keywords + legal_forms)
    found = _short_company_names(text, suffixes)
    found += government_bodies(text, keywords)
    crf_orgs = sorted(crf_orgs, key=lambda c: c.start)
    starts = [c.start for c in crf_orgs]
    longest = max((c.length for c in crf_orgs), default=0)
    for s_start, s_end in suffixes:
        # only CRF organisations that may reach the suffix: looked up, not scanned, so a
        # long text with thousands of names stays linear
        near = crf_orgs[bisect_left(starts, s_start - longest) : bisect_left(starts, s_end)]
        candidate = _suffix_candidate(text, s_start, s_end, near)
        if candidate is not None:
            found.append(candidate)
    return found


def _suffix_candidate(
    text: str, s_start: int, s_end: int, crf_orgs: list[Candidate]
) -> Candidate | None:
    """The organisation whose name ends in the suffix at ``s_start:s_end``, if any: its
    start is the CRF's when the CRF agrees on one line, else where the name stops."""
    end = s_end
    form = _PARTNERSHIP_FORM.match(text, end)
    if form:
        end = form.end()
    branch = _BRANCH.match(text, end)
    if branch and branch.end() - end <= 9:
        end = branch.end()
    scanned = _scan_org_start(text, s_start)
    crf = [
        c
        for c in crf_orgs
        if c.start < s_end
        and c.end >= s_start
        and _balanced(text[c.start : s_start])
        and not any(ch.isspace() for ch in text[c.start : s_start])
    ]
    if crf:
        start = _name_start(text, min(c.start for c in crf), s_start)
        if scanned is not None and scanned < start and text[start - 1] in "）)":
            start = scanned  # 国策众合（北京）建筑工程设计有限公司: the CRF began after the place
        end = max(end, _before_english_name(text, s_end, max(c.end for c in crf)))
    elif scanned is not None and _plausible_name(text, scanned, s_start, s_end):
        start = _name_start(text, scanned, s_start)
    else:
        return None
    name = text[start:s_start]
    if not name or _GENERIC_ORG.fullmatch(name) or len(name) > MAX_ORG_NAME:
        return None
    if _placeholder(name):
        return None
    party_body = _PARTY_BODY_END.search(text, s_end, end)
    if party_body:
        end = party_body.start()  # 北京大学党委 → 北京大学
    return Candidate(start, end, ORGANIZATION, RULE_SCORE, "suffix")


# A name in brackets after an organisation's: (AsiaOpticalCo.,Inc.), (Fujifilm Corporation).
_ENGLISH_NAME = re.compile(r"[（(]\s*[A-Za-z]")
# Pseudonyms of court documents and samples: 北京市A律师事务所, 某某公司, 源某公司.
_PLACEHOLDER = re.compile("[A-Za-z]|.*某")


def _before_english_name(text: str, start: int, end: int) -> int:
    """``end`` cut before an English name in brackets (亚洲光学股份有限公司(AsiaOptical…):
    the labelling guidelines leave the translation out of the name."""
    english = _ENGLISH_NAME.search(text, start, end)
    return english.start() if english else end


def _placeholder(name: str) -> bool:
    """A name that is a division and a letter or holds 某 (深圳市C律师事务所, 源某公司):
    a court's or a template's stand-in, not an organisation."""
    _, _, every = lexicon.admin_divisions()
    for length in range(min(len(name), 8), 1, -1):
        if name[:length] in every:
            name = name[length:]
            break
    return _PLACEHOLDER.fullmatch(name.strip()) is not None


# one regex each for the verbs and roles _name_start looks for, longest first
_OBJECT_VERB = re.compile("|".join(sorted(ORG_OBJECT_VERBS, key=len, reverse=True)))
_PARTY_ROLE = re.compile("|".join(sorted(PARTY_ROLES, key=len, reverse=True)))
_LONGEST_ROLE = max(map(len, PARTY_ROLES))


def _name_start(text: str, start: int, limit: int) -> int:
    """Move ``start`` past a party's role it cuts into or begins with (保证人馨华园公司:
    the CRF's 人馨华园公司) and past a person and a verb before the name (…梁丁松带队
    拜访广州高新区投资集团): the name is what the role or the verb introduces."""
    verbs = [m.end() for m in _OBJECT_VERB.finditer(text, start, limit) if m.end() < limit]
    if verbs:
        start = verbs[-1]
    moved = True
    while moved:
        moved = False
        window = max(0, start - _LONGEST_ROLE + 1)
        for m in _PARTY_ROLE.finditer(text, window, min(limit, start + _LONGEST_ROLE)):
            if m.start() <= start < m.end() < limit:
                start, moved = m.end(), True
                break
    return start


def _short_company_names(text: str, suffixes: list[tuple[int, int]]) -> list[Candidate]:
    """蓝鲸科技董事长, 客户：青禾食品；, 联系星河传媒的, a media list's 界面新闻 — a short
    trade name and an industry word, where the context says it is a company: a lead-in
    before it (客户, 甲方, 联系, 媒体 …), a title after it (董事长, 主编 …), or field
    separators around it (tab, ideographic space, |, brackets). A guess (CRF score)
    until the CRF agrees; of several readings the shortest trade name wins."""
    found = []
    suffix_starts = [s for s, _ in suffixes]  # sorted, not overlapping
    for industry in _INDUSTRY.finditer(text):
        end = industry.end()
        last = bisect_left(suffix_starts, end) - 1
        if last >= 0 and suffixes[last][1] > industry.start():
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
    if suffix.endswith(COMPANY_LAW_SUFFIXES) or _LEGAL_FORM.fullmatch(suffix):
        return True
    if len(name) > 6 or sum(map(bool, map(HAS_HAN.match, name))) < 2:
        return False
    if suffix in SUFFIXES_NEEDING_CRF:
        return _introduced_company(text, start, suffix_start, suffix_end)
    return _clear_boundary(text, start)


def _introduced_company(text: str, start: int, suffix_start: int, suffix_end: int) -> bool:
    """广州高新城投公司董事长郭华湘: a short name + 公司 right before a company officer's
    title (董事长, 总经理 …) after a boundary names one company even where the CRF
    missed it; 保险公司 and other two-character descriptions stay out."""
    return (
        suffix_start - start >= 3
        and text.startswith(_AFTER_ORG, suffix_end)
        and (_clear_boundary(text, start) or text[start - 1] in FUNCTION_CHARS)
    )


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
    if text[start] in "（(":
        start = _trade_name_before_bracket(text, start)
    return _skip_lead_ins(text, start, suffix_start)


def _trade_name_before_bracket(text: str, bracket: int) -> int:
    """中汽数据(天津)有限公司: a bracketed place never starts a name, so the scan that
    stopped at a function character (据) goes on to the next hard boundary."""
    start = bracket
    while start > 0 and bracket - start < MAX_ORG_NAME and HAS_HAN.match(text[start - 1]):
        start -= 1
    return _skip_lead_ins(text, start, bracket) if start < bracket else bracket


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


# --- the CRF's own organisations ------------------------------------------------------------

# Field labels that begin with an organisation-like word (邮政编码: 邮政 is no organisation).
FIELD_LABELS = (
    "邮政编码",
    "邮政地址",
    "开户银行",
    "银行账号",
    "银行账户",
    "银行卡号",
    "银行名称",
    "法院地址",
)
# Modifiers that make an organisation word generic (管辖法院, 原审法院, 有关部门).
GENERIC_BODY_WORDS = (
    "管辖",
    "受诉",
    "原审",
    "一审",
    "二审",
    "再审",
    "上级",
    "下级",
    "基层",
    "当地",
    "所在地",
    "住所地",
    "有关",
    "相关",
    "主管",
    "行政",
    "指定",
    "中级",
    "高级",
    "人民",
)
# Sectors and business lines: a span made only of them (冷链仓储物流, 高端机电) is what
# companies do, not which one.
SECTOR_WORDS = (
    "冷链",
    "仓储",
    "物流",
    "机电",
    "高端",
    "智能",
    "建造",
    "制造",
    "能源",
    "新能源",
    "环保",
    "医疗",
    "金融",
    "地产",
    "房地产",
    "基建",
    "建筑",
    "装备",
    "电商",
    "零售",
    "餐饮",
    "旅游",
    "农业",
    "化工",
    "汽车",
    "材料",
    "城市",
    "更新",
    *INDUSTRY_WORDS,
    *GENERIC_ORG_WORDS,
)
# Bodies every organisation or event has: no name of one.
GENERIC_BODIES = frozenset(
    "组委会 委员会 管委会 居委会 村委会 董事会 监事会 股东会 股东大会 理事会 工会 党委 党组 纪委"
    " 主办方 承办方 协办方 本院 我院 该院 法院 公司 集团 总公司 分公司 子公司".split()
)
# Rooms where a meeting or an opening is held (…交易中心交易厅): venues, not bodies.
VENUE_ENDINGS = ("交易厅", "大厅", "展厅", "报告厅", "会议厅", "宴会厅", "多功能厅", "会议室")
_GENERIC_BODY = re.compile(
    "(?:" + "|".join(sorted(GENERIC_BODY_WORDS, key=len, reverse=True)) + ")+"
)
_SECTORS = re.compile("(?:" + "|".join(sorted(SECTOR_WORDS, key=len, reverse=True)) + ")+")
_ORG_WORD = re.compile(
    "(?:"
    + "|".join(sorted(lexicon.ORG_SUFFIXES_STRONG, key=len, reverse=True))
    + f"|{_LEGAL_FORM.pattern})$"
)
_MASK_CHARS = "*＊×"
_YEAR_BEFORE = re.compile(r"(?:19|20)\d\d$")


def correct_crf_orgs(text: str, crf_orgs: list[Candidate]) -> list[Candidate]:
    """The CRF's organisations with its typical mistakes on real text undone: a party's
    role cut into (人馨华园公司 → 馨华园公司), a party body after the name (中建四局党委 →
    中建四局), and no organisation at all for masked names (******教育局), e-mail and
    web fragments (ctba.cn(a), a field label's first word (邮政编码), an event title
    after its year (2007中国呼叫中心及…大会), generic bodies (管辖法院) and business
    lines (冷链仓储物流)."""
    kept = []
    for c in crf_orgs:
        start = _name_start(text, c.start, c.end)
        end = c.end
        if HAS_HAN.search(text, start, end):
            end = _before_english_name(text, start + 1, end)
        party_body = _PARTY_BODY_END.search(text, start, end)
        if party_body and party_body.start() - start >= 2:
            end = party_body.start()
        if not _crf_org_is_name(text, start, end):
            continue
        kept.append(c if (start, end) == (c.start, c.end) else _moved(c, start, end))
    return kept


def _moved(c: Candidate, start: int, end: int) -> Candidate:
    return Candidate(start, end, c.entity, c.score, c.rule)


def _crf_org_is_name(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]``, tagged by the CRF, an organisation's name at all?"""
    value = text[start:end]
    if end - start < 2 or (start > 0 and text[start - 1] in _MASK_CHARS):
        return False
    if not _balanced(value):
        return False  # 周龙讲话(集团总部: the CRF ran into a caption's bracket
    if not HAS_HAN.search(value) and any(ch in value for ch in ".@()（）"):
        return False
    if any(
        text.startswith(label, i)
        for label in FIELD_LABELS
        for i in range(max(0, end - len(label)), start + 1)
        if i + len(label) >= end
    ):
        return False
    if _YEAR_BEFORE.search(text, max(0, start - 4), start) or value in GENERIC_BODIES:
        return False
    if value.endswith(VENUE_ENDINGS):
        return False
    suffix = _ORG_WORD.search(value)
    name = value[: suffix.start()] if suffix else value
    if suffix and (
        not name
        or _GENERIC_BODY.fullmatch(name)
        or _GENERIC_ORG.fullmatch(name)
        or _placeholder(name)
    ):
        return False
    # 冷链仓储物流 is a line of business, also when the CRF cut its first character off
    return not any(_SECTORS.fullmatch(text, k, end) for k in range(max(0, start - 2), start + 1))


# --- government bodies ------------------------------------------------------------------------

# How the name of a government body, court or commission ends, longest first.
GOVERNMENT_ENDINGS = (
    "高级人民法院",
    "中级人民法院",
    "人民检察院",
    "人民法院",
    "人民政府",
    "仲裁委员会",
    "委员会",
    "检察院",
    "办公厅",
    "办公室",
    "管理局",
    "总局",
    "法院",
    "政府",
    # public institutions and associations named after their division
    "幼儿园",
    "小学",
    "中学",
    "学校",
    "大学",
    "学院",
    "人民医院",
    "医院",
    "卫生院",
    "总会",
    "协会",
    "学会",
    "商会",
    "联合会",
    "促进会",
    "研究会",
    "基金会",
    "局",
    "委",
    "厅",
    "办",
    "署",
)
# The state's own prefixes (国家卫健委, 国务院国资委, 中华人民共和国最高人民法院).
STATE_PREFIXES = ("中华人民共和国", "国务院", "国家")
# A one-character ending that is part of a word, not a body (主办, 格局, 委托, 办理 …).
NOT_BODY_WORDS = frozenset(
    "主办 承办 协办 举办 创办 开办 兴办 督办 查办 申办 代办 包办 合办 筹办 操办 难办 好办"
    " 格局 布局 大局 当局 结局 开局 全局 僵局 骗局 饭局 赌局 时局 政局 残局 定局 出局 入局 变局"
    " 餐厅 大厅 客厅 展厅 门厅 前厅 舞厅 歌厅 厨厅 主委 编委 常委 党委 部署 签署 公署 专署 连署"
    " 局面 局势 局部 局限 委托 委屈 委派 委任 委婉 办理 办法 办事 办学 办好 办成 办案"
    " 办证 厅堂".split()
)
# Words that make what follows a division a set of bodies, not one (深圳市下属医院).
NOT_FIELD_STARTS = ("所有", "部分", "下属", "辖区", "相关", "有关", "其他", "主要", "重点", "全部")
# Words that begin with an ending and make it something else (大学生, 政府采购法).
NOT_BODY_STARTS = ("大学生", "中学生", "小学生", "学院派", "政府采购", "医院里", "学校里")
# A body's field holding one of these names a place inside another body (…交易中心交易厅).
_INNER_ORG = re.compile("中心|公司|集团|银行|大学|学院|医院|广场|大厦|酒店|宾馆")
_GOVERNMENT_ENDING = "|".join(GOVERNMENT_ENDINGS)
_BODY_CHAR = rf"(?:(?![{''.join(sorted(FUNCTION_CHARS - {'和'}))}])[{HAN_CHAR}])"
_GOVERNMENT_BODY = re.compile(rf"({_BODY_CHAR}{{0,12}}?)({_GOVERNMENT_ENDING})")
_STATE_PREFIX = re.compile("|".join(STATE_PREFIXES))


def government_bodies(text: str, keywords: list[Keyword]) -> list[Candidate]:
    """饶河县教育和体育局, 深圳市市场监督管理局, 广东省深圳市南山区人民法院, 国家卫健委:
    an administrative division (or the state) with the body's field after it and an
    ending (局, 委员会, 人民法院 …) — one organisation from the division on, where the
    CRF often sees only the last word (体育局).

    The field holds no function character but 和 (人力资源和社会保障局) and no other
    division (深圳市和东莞市公安局 is two bodies); a one-character ending needs a field
    of two characters that is no word with it (主办, 格局, 委托)."""
    divisions: dict[int, int] = {}
    for s, e, kinds in keywords:
        if "upper" in kinds or "county" in kinds:
            divisions[s] = max(divisions.get(s, s), e)
    prefixes = sorted(divisions.items())
    prefixes += [m.span() for m in _STATE_PREFIX.finditer(text) if _state_boundary(text, m.start())]
    found: list[Candidate] = []
    covered = -1
    for start, prefix_end in sorted(prefixes):
        if start < covered:
            continue
        while prefix_end in divisions:  # 广东省深圳市南山区
            prefix_end = divisions[prefix_end]
        m = _GOVERNMENT_BODY.match(text, prefix_end)
        if not m or not _is_body(text, m, divisions) or _in_title(text, start):
            continue
        found.append(Candidate(start, m.end(), ORGANIZATION, RULE_SCORE, "government"))
        covered = m.end()
    return found


def _is_body(text: str, m: re.Match[str], divisions: dict[int, int]) -> bool:
    field, ending = m.group(1), m.group(2)
    if any(d in divisions for d in range(m.start(1), m.end(1))):
        return False
    if field and (field[0] in NOT_NAME_START or field.startswith(NOT_FIELD_STARTS)):
        return False  # 深圳市多家医院, 广州市各区法院, 全市所有学校: several bodies, no name
    if text.startswith(NOT_BODY_STARTS, m.start(2)):
        return False
    if len(ending) > 1:
        return True
    word_before = text[m.end() - 2 : m.end()]
    word_after = text[m.end() - 1 : m.end() + 1]
    return (
        len(field) >= 2
        and not {word_before, word_after} & NOT_BODY_WORDS
        and not _INNER_ORG.search(field)
    )


MAX_TITLE = 80


def _in_title(text: str, i: int) -> bool:
    """Inside 《…》: 《中华人民共和国政府采购法》 is a law's title, not a body."""
    lo = max(0, i - MAX_TITLE)  # a bounded look back: a title is short, a text may be long
    return text.rfind("《", lo, i) > text.rfind("》", lo, i)


def _state_boundary(text: str, i: int) -> bool:
    """国家 starts a body's name only after a boundary (由国家发展和改革委员会, not 该国家…)."""
    return i == 0 or text[i - 1] in FUNCTION_CHARS or _clear_boundary(text, i)
