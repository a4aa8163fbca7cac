"""What kind of document a file is, and which of the policy's three categories it holds.

Model card
----------
* **What it is.** Hand-written rules, nothing trained: for each document kind
  a weighted list of words looked for in the file name, the title (the first
  non-empty line), the headings (short lines near the top), the table headers
  (a csv/xlsx file's first row) and the body. The kind with the highest score
  wins if it reaches ``THRESHOLD``; otherwise the file is ``其他``. The rules
  are data (``RULES``): adding a word or a kind is one entry, and every
  decision is explained by ``Classification.signals``.
* **Categories** (the legal department's grading): the kind gives a default
  category (contracts, proposals, reports, minutes, communication records →
  3 过程性与成果性信息; finance → 2 核心商业秘密; contact and media lists → 1
  基础身份信息). The recognizers' findings add 2 (an undisclosed event, a
  confidentiality marking, a financial figure) and 1 (client identity or
  personal information).
* **Look-alikes handled.** A published press release or public announcement
  (新闻稿, 今日正式发布, 欢迎报名) is ``其他`` and its figures are public, so a
  financial figure does not make it category 2 (a marking or an embargo still
  does: that is a draft release). A template with blanks (``甲方：________``)
  keeps its kind, and a figure in it is an example, not a client's number.
* **Limits.** Words, not meaning: a proposal that never says 方案/策略 and has
  an unhelpful file name is ``其他``; a file mixing kinds (minutes with a
  budget table) gets the one with more cues. Only the first ``BODY_CHARS``
  characters are read for vocabulary. Simplified Chinese and some English
  only; traditional characters and scanned (image-only) documents give few
  or no cues. Evaluated on generated documents only (``bench/classify_eval.py``),
  which share the rules' vocabulary, so its numbers are an upper bound for real
  shares.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from recognizers.catalogue import entity_specs
from scanner.models import Segment, SegmentKind

OTHER = "其他"
KINDS: tuple[str, ...] = (
    "服务合同",
    "保密协议",
    "项目方案/提案",
    "媒体名单",
    "客户通讯录",
    "会议纪要",
    "舆情监测报告",
    "调研数据/分析报告",
    "财务/发票/付款",
    "人事",
    "活动执行",
    "沟通记录",
    OTHER,
)
PUBLIC = "公开发布"  # a pseudo-kind: a published text; reported as 其他

IDENTITY = 1  # 基础身份信息
SECRET = 2  # 核心商业秘密
PROCESS = 3  # 过程性与成果性信息

DEFAULT_CATEGORY: dict[str, frozenset[int]] = {
    "服务合同": frozenset({PROCESS}),
    "保密协议": frozenset({PROCESS}),
    "项目方案/提案": frozenset({PROCESS}),
    "媒体名单": frozenset({IDENTITY}),
    "客户通讯录": frozenset({IDENTITY}),
    "会议纪要": frozenset({PROCESS}),
    "舆情监测报告": frozenset({PROCESS}),
    "调研数据/分析报告": frozenset({PROCESS}),
    "财务/发票/付款": frozenset({SECRET}),
    "人事": frozenset(),  # the firm's own staff, not client information
    "活动执行": frozenset({PROCESS}),
    "沟通记录": frozenset({PROCESS}),
    OTHER: frozenset(),
}

# From the catalogue (each type's ``EntitySpec``, declared beside its recognizer):
SECRET_SIGNALS = frozenset(s.name for s in entity_specs() if s.signal)
# Figures that a public text or a template carries are not the client's secret.
DISCOUNTABLE_SIGNALS = frozenset(s.name for s in entity_specs() if s.discountable)
IDENTITY_ENTITIES = frozenset(s.name for s in entity_specs() if s.identity)

Weighted = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class KindRule:
    """The cues of one kind. Words are matched case-insensitively as substrings."""

    kind: str
    name: tuple[str, ...] = ()  # in the file name
    title: Weighted = ()  # in the title line (weighs most: authors name their documents)
    headers: tuple[str, ...] = ()  # in table header cells / headings
    body: Weighted = ()  # anywhere in the text
    formats: tuple[str, ...] = ()  # file extensions that are evidence by themselves


def _w(*pairs: tuple[str, float] | str, default: float = 1.0) -> Weighted:
    """Weighted words; a bare word has the default weight."""
    return tuple((p, default) if isinstance(p, str) else p for p in pairs)


RULES: tuple[KindRule, ...] = (
    KindRule(
        "服务合同",
        name=("合同", "服务协议", "委托协议", "合作协议", "框架协议", "contract"),
        title=_w("服务合同", "委托合同", "服务协议", "合作协议", "框架协议", "合同", default=4),
        headers=("服务内容", "服务费用", "付款方式", "违约责任", "合同期限", "争议解决"),
        body=_w(
            ("本合同", 2),
            ("服务内容", 2),
            ("服务费用", 2),
            ("合同金额", 2),
            ("违约责任", 2),
            ("合同期限", 2),
            ("付款方式", 1.5),
            "甲方",
            "乙方",
            "争议解决",
            "签字盖章",
            "生效",
        ),
    ),
    KindRule(
        "保密协议",
        name=("保密协议", "nda", "保密承诺"),
        title=_w(("保密协议", 7), ("保密承诺书", 7), ("non-disclosure", 7), ("保密合同", 7)),
        headers=("保密信息", "保密义务", "保密期限", "返还", "违约责任"),
        body=_w(
            ("保密信息", 3),
            ("保密义务", 2),
            ("保密期限", 2),
            ("披露方", 2),
            ("接收方", 2),
            ("本协议", 1),
            "商业秘密",
            "泄露",
            "销毁",
        ),
    ),
    KindRule(
        "项目方案/提案",
        name=("方案", "提案", "策划", "proposal", "比稿", "规划"),
        title=_w(
            "传播方案",
            "策划方案",
            "推广方案",
            "方案",
            "提案",
            "策划案",
            "建议书",
            "传播规划",
            "proposal",
            default=4,
        ),
        headers=(
            "项目背景",
            "传播目标",
            "传播策略",
            "核心信息",
            "目标受众",
            "执行计划",
            "媒介策略",
            "预算",
            "创意",
        ),
        body=_w(
            ("传播策略", 2),
            ("核心信息", 2),
            ("目标受众", 2),
            ("传播目标", 2),
            ("媒介策略", 2),
            ("项目背景", 2),
            ("传播节奏", 2),
            "创意",
            "kpi",
            "话题",
            "阶段",
        ),
    ),
    KindRule(
        "媒体名单",
        name=("媒体名单", "媒体列表", "媒体库", "媒体邀约", "media list", "记者"),
        title=_w(("媒体名单", 5), ("媒体邀约名单", 5), ("媒体库", 5), ("媒体列表", 5)),
        headers=("媒体", "媒体名称", "所属媒体", "记者", "编辑", "栏目", "版面", "跑口", "口线"),
        body=_w(("跑口", 2), "记者", "编辑", "栏目", "日报", "晚报", "新华社", "频道", "都市报"),
    ),
    KindRule(
        "客户通讯录",
        name=("通讯录", "联系人", "联系方式", "contacts", "对接人"),
        title=_w(("通讯录", 5), ("联系人", 4), ("联系方式", 4), ("对接人", 4)),
        headers=(
            "姓名",
            "职务",
            "职位",
            "手机",
            "电话",
            "邮箱",
            "微信",
            "公司",
            "对接人",
            "name",
            "mobile",
            "phone",
            "email",
            "company",
            "wechat",
        ),
        body=_w(("对接人", 2), "联系人", "职务", "手机", "邮箱"),
    ),
    KindRule(
        "会议纪要",
        name=("纪要", "会议记录", "minutes", "周会", "例会"),
        title=_w(("会议纪要", 6), ("会议记录", 6), ("纪要", 5), ("周会", 4), ("例会", 4)),
        headers=("会议时间", "参会人员", "会议议题", "会议内容", "待办事项", "行动项", "决议"),
        body=_w(
            ("参会人员", 3),
            ("与会人员", 3),
            ("会议时间", 2),
            ("会议地点", 2),
            ("会议议题", 2),
            ("待办事项", 2),
            ("行动项", 2),
            ("记录人", 2),
            ("下次会议", 2),
            "决议",
            "主持人",
            "议程",
        ),
    ),
    KindRule(
        "舆情监测报告",
        name=("舆情", "监测", "monitor"),
        title=_w(("舆情", 6), ("媒体监测", 6), ("监测报告", 5), ("监测日报", 5)),
        headers=("情感倾向", "正负面", "来源", "声量", "转发", "发布时间", "标题"),
        body=_w(
            ("舆情", 3),
            ("情感倾向", 2),
            ("声量", 2),
            ("负面", 2),
            ("监测时间", 2),
            ("信息总量", 2),
            ("正面", 1),
            ("中性", 1),
            "热搜",
            "预警",
            "转发量",
        ),
    ),
    KindRule(
        "调研数据/分析报告",
        name=("调研", "问卷", "分析", "研究", "洞察", "survey", "research"),
        title=_w(
            "调研报告",
            "分析报告",
            "研究报告",
            "洞察报告",
            "调研",
            "问卷",
            "市场分析",
            "研究",
            "洞察",
            default=4,
        ),
        headers=("问卷编号", "样本", "受访者", "年龄段", "题目", "选项", "满意度", "得分", "城市"),
        body=_w(
            ("样本", 2),
            ("受访者", 2),
            ("问卷", 2),
            ("调研", 2),
            ("市场份额", 2),
            ("研究方法", 2),
            ("竞品", 1.5),
            "洞察",
            "占比",
            "趋势",
            "结论",
        ),
    ),
    KindRule(
        "财务/发票/付款",
        name=("发票", "付款", "报销", "对账", "财务", "结算", "请款", "invoice", "账单", "预算表"),
        title=_w(
            "发票",
            "付款申请",
            "付款通知",
            "请款单",
            "报销",
            "对账单",
            "结算单",
            "费用明细",
            "预算表",
            "付款",
            default=5,
        ),
        headers=(
            "金额",
            "税额",
            "税率",
            "发票号码",
            "开票日期",
            "付款日期",
            "收款方",
            "开户行",
            "账号",
            "含税金额",
            "价税合计",
            "摘要",
            "费用",
        ),
        body=_w(
            ("价税合计", 3),
            ("发票", 2),
            ("开票", 2),
            ("税额", 2),
            ("收款单位", 2),
            ("开户行", 2),
            ("报销", 2),
            ("对账", 2),
            ("请款", 2),
            "付款",
            "应付",
            "税率",
        ),
    ),
    KindRule(
        "人事",
        name=(
            "简历",
            "员工",
            "入职",
            "离职",
            "考勤",
            "薪资",
            "工资",
            "人事",
            "花名册",
            "绩效",
            "招聘",
            "劳动合同",
        ),
        title=_w(
            ("劳动合同", 7),
            ("简历", 6),
            ("员工花名册", 6),
            ("工资表", 6),
            ("薪资", 5),
            ("考勤", 5),
            ("绩效考核", 5),
            ("录用通知", 6),
            ("入职", 5),
            ("离职", 5),
        ),
        headers=(
            "工号",
            "员工姓名",
            "入职日期",
            "岗位",
            "基本工资",
            "社保",
            "考勤",
            "绩效",
            "学历",
        ),
        body=_w(
            ("试用期", 2),
            ("转正", 2),
            ("薪资", 2),
            ("社保", 2),
            ("公积金", 2),
            ("考勤", 2),
            ("工号", 2),
            ("应聘", 2),
            ("教育背景", 2),
            ("工作经历", 2),
            ("入职", 2),
            "绩效",
        ),
    ),
    KindRule(
        "活动执行",
        name=("执行", "流程", "rundown", "物料", "搭建", "签到"),
        title=_w(
            ("执行手册", 6),
            ("活动流程", 6),
            ("执行方案", 5),
            ("流程", 4),
            ("rundown", 6),
            ("物料清单", 6),
            ("签到表", 6),
            ("执行表", 6),
        ),
        headers=("时间", "环节", "负责人", "物料", "数量", "签到", "时长"),
        body=_w(
            ("彩排", 2),
            ("签到", 2),
            ("搭建", 2),
            ("物料", 2),
            ("撤场", 2),
            ("动线", 2),
            ("应急预案", 2),
            ("环节", 1.5),
            "场地",
            "嘉宾",
            "现场",
            "入场",
            "礼品",
        ),
    ),
    KindRule(
        "沟通记录",
        name=("沟通", "聊天记录", "微信记录", "往来", "对话", "邮件", "通话记录"),
        title=_w(
            ("沟通记录", 6),
            ("聊天记录", 6),
            ("通话记录", 6),
            ("沟通", 4),
            ("回复", 3),
            ("re:", 3),
            ("fw:", 3),
            ("转发:", 3),
        ),
        headers=("发送人", "发送时间", "消息内容", "沟通时间", "沟通内容"),
        body=_w(
            ("客户反馈", 2),
            ("电话沟通", 2),
            ("邮件往来", 2),
            ("请查收", 2),
            ("总好", 1.5),
            "您好",
            "谢谢",
            "附件",
            "收到",
            "回复",
            "辛苦",
            "口径",
        ),
        formats=(".eml", ".msg"),
    ),
    KindRule(
        PUBLIC,
        name=("新闻稿", "通稿", "公告", "press"),
        title=_w(
            ("新闻稿", 6),
            ("新闻通稿", 6),
            ("公告", 5),
            ("声明", 4),
            ("邀请函", 4),
            ("press release", 6),
            ("活动预告", 5),
        ),
        body=_w(
            ("特此公告", 4),
            ("媒体垂询", 4),
            ("今日正式发布", 4),
            ("今天正式发布", 4),
            ("圆满结束", 3),
            ("圆满落幕", 3),
            ("欢迎报名", 3),
            ("敬请关注", 3),
            ("欢迎莅临", 3),
            ("报名方式", 2),
            ("新闻联络", 3),
            ("关于", 0.5),
            ("正式发布", 2),
        ),
    ),
)

THRESHOLD = 4.0
NAME_WEIGHT = 3.0
HEADER_WEIGHT = 1.5
FORMAT_WEIGHT = 3.0
TITLE_CAP = 8.0
HEADER_CAP = 6.0
BODY_CAP = 10.0
BODY_CHARS = 20_000
HEADING_MAX_CHARS = 30
HEADING_LINES = 80
# Blanks to fill in: ________, ＿＿＿, （    ）, 【  】
_BLANK_RUN = re.compile(r"[_＿]{3,}|[(（][ \u3000]{2,}[)）]|【[ \u3000]*】|□{2,}")
TEMPLATE_BLANKS = 2
_SENTENCE_END = tuple("。；;！!？?，,")


@dataclass(frozen=True)
class Classification:
    kind: str
    scores: dict[str, float] = field(default_factory=dict)
    categories: frozenset[int] = frozenset()
    signals: tuple[str, ...] = ()


def classify(
    name: str,
    texts: Sequence[str],
    headers: Sequence[str] = (),
    entity_types: Collection[str] = (),
) -> Classification:
    """The kind and categories of one file.

    ``texts`` are its text segments in reading order (the title first),
    ``headers`` its table header cells, ``entity_types`` the entity types the
    recognizers found anywhere in it.
    """
    body = _body(texts)
    title = _title(texts)
    headings = _headings(texts, headers)
    stem = PurePath(name).stem.lower() if name else ""
    suffix = PurePath(name).suffix.lower() if name else ""
    scores: dict[str, float] = {}
    signals: list[str] = []
    for rule in RULES:
        score, why = _score(rule, stem, suffix, title, headings, body)
        if score:
            scores[rule.kind] = round(score, 2)
            signals += [f"{rule.kind}←{w}" for w in why]
    kind = _best(scores)
    public = kind == PUBLIC
    template = len(_BLANK_RUN.findall(body)) >= TEMPLATE_BLANKS
    if public:
        signals.append("public_release")
        kind = OTHER
    if template:
        signals.append("template")
    categories = _categories(kind, entity_types, discount=public or template, signals=signals)
    return Classification(kind, scores, categories, tuple(signals))


def classify_segments(
    name: str, segments: Iterable[Segment], entity_types: Collection[str] = ()
) -> Classification:
    """``classify`` over extracted segments: a mail's subject counts as its title, table
    header cells as headers; other metadata (author, creator …) is left out."""
    texts: list[str] = []
    subject: list[str] = []
    headers: list[str] = []
    for seg in segments:
        if seg.kind is SegmentKind.HEADER:
            headers.append(seg.text)
            texts.append(seg.text)
        elif seg.kind is SegmentKind.METADATA:
            if seg.context[:1] == ("Subject",):
                subject.append(seg.text)
        else:
            texts.append(seg.text)
    return classify(name, subject + texts, headers, entity_types)


# --- features -----------------------------------------------------------------------


def _body(texts: Sequence[str]) -> str:
    out: list[str] = []
    size = 0
    for text in texts:
        out.append(text)
        size += len(text) + 1
        if size >= BODY_CHARS:
            break
    return "\n".join(out)[:BODY_CHARS].lower()


def _clean_line(line: str) -> str:
    """A line without markdown heading marks and surrounding blanks."""
    return line.strip().lstrip("#").strip()


def _title(texts: Sequence[str]) -> str:
    for text in texts:
        for line in text.splitlines():
            clean = _clean_line(line)
            if clean:
                return clean.lower()
    return ""


def _headings(texts: Sequence[str], headers: Sequence[str]) -> list[str]:
    """Table header cells and the short lines near the top that read like headings."""
    found = [h.strip().lower() for h in headers if h.strip()]
    seen = 0
    for text in texts:
        for line in text.splitlines():
            clean = _clean_line(line)
            if not clean:
                continue
            seen += 1
            if len(clean) <= HEADING_MAX_CHARS and not clean.endswith(_SENTENCE_END):
                found.append(clean.lower())
            if seen >= HEADING_LINES:
                return found
    return found


def _score(
    rule: KindRule, stem: str, suffix: str, title: str, headings: list[str], body: str
) -> tuple[float, list[str]]:
    """A kind's score and the cues that made it."""
    why: list[str] = []
    score = 0.0
    hit = next((w for w in rule.name if w in stem), None)
    if hit:
        score += NAME_WEIGHT
        why.append(f"name:{hit}")
    title_score = 0.0
    for word, weight in rule.title:
        if word in title:
            title_score = max(title_score, weight)  # the best title word, not their sum
            why.append(f"title:{word}")
    score += min(title_score, TITLE_CAP)
    header_hits = {w for w in rule.headers if any(w in h for h in headings)}
    if header_hits:
        score += min(HEADER_WEIGHT * len(header_hits), HEADER_CAP)
        why += [f"header:{w}" for w in sorted(header_hits)]
    body_score = 0.0
    for word, weight in rule.body:
        if word in body:
            body_score += weight
            why.append(f"body:{word}")
    score += min(body_score, BODY_CAP)
    if suffix in rule.formats:
        score += FORMAT_WEIGHT
        why.append(f"format:{suffix}")
    return score, why


def _best(scores: dict[str, float]) -> str:
    """The highest-scoring kind at or above the threshold (rule order breaks ties)."""
    best, best_score = OTHER, THRESHOLD - 1e-9
    for rule in RULES:
        score = scores.get(rule.kind, 0.0)
        if score > best_score:
            best, best_score = rule.kind, score
    return best


def _categories(
    kind: str, entity_types: Collection[str], discount: bool, signals: list[str]
) -> frozenset[int]:
    """The kind's default category, plus 2 for secret signals and 1 for identity."""
    categories = set(DEFAULT_CATEGORY.get(kind, frozenset()))
    found = set(entity_types)
    secret = found & SECRET_SIGNALS
    if discount:
        secret -= DISCOUNTABLE_SIGNALS
    if secret:
        categories.add(SECRET)
        signals += [f"category2:{e}" for e in sorted(secret)]
    identity = found & IDENTITY_ENTITIES
    if identity:
        categories.add(IDENTITY)
        signals += [f"category1:{e}" for e in sorted(identity)]
    return frozenset(categories)
