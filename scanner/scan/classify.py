"""What kind of document a file is, and which of the policy's three categories it holds.

Model card
----------
* **What it is.** Hand-written rules, nothing trained: for each document kind
  a weighted list of words looked for in the file name, the title (the first
  non-empty line), the headings (short lines near the top), the table headers
  (a csv/xlsx file's first row, a Markdown table's first row) and the body;
  line shapes (a host script's 女：/男：/合： turns and 【灯光渐暗】 directions, a
  chat export's ``[09:12] 孟雨：``, a pasted mail's 发件人：); table shapes (姓名 +
  部门 + 分机/工号 is a staff list, 姓名 + 座位/接待/出席 a guest list); negative
  cues (a contact-like table with 工号, 座位 or 记者 columns is not an address
  book of outside contacts; a 致辞 is not a host script). A mail (.eml, .msg) is
  a communication record unless it plainly carries another kind (minutes whose
  subject says 会议纪要). The kind with the highest score wins if it reaches
  ``THRESHOLD``; otherwise the file is ``其他``. The rules are data (``RULES``):
  adding a word or a kind is one entry, and every decision is explained by
  ``Classification.signals``. Table data cells are vocabulary, never headings.
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
* **Evaluated on** (``bench/doc_kinds_eval.py``, figures in ``bench/README.md``)
  135 realistic documents of a PR firm's share written for issue 20 before
  these rules were changed (``bench/data/doc_kinds/``): the rules before that
  work read 0.654 of the dev split and 0.685 of the held-out split right; these
  rules 1.000 of dev, which they were tuned on, and 0.963 (52/54) of the
  held-out split, which they were not. The same person wrote the documents and
  the rules, so even the held-out figure is optimistic for a share written by
  many hands. ``bench/classify_eval.py`` (73 generated documents sharing the
  rules' vocabulary) is a regression check, 73/73.
* **Limits.** Words, not meaning: a proposal that never says 方案/策划/计划 and
  has an unhelpful file name is ``其他``; a file mixing kinds (an execution plan
  deck named 方案 that is a rundown with phone numbers) gets the one with more
  cues. Only the first ``BODY_CHARS`` characters are read for vocabulary.
  Simplified Chinese and some English only; traditional characters and scanned
  (image-only) documents give few or no cues.
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
class TableShape:
    """A table whose headings hold a word of every group: 姓名 + 部门 + 分机 is a staff list
    whatever the file is called. Structure outweighs a name like 通讯录2025.csv."""

    groups: tuple[tuple[str, ...], ...]
    weight: float
    label: str  # how the signal names it

    def matches(self, headings: Sequence[str]) -> bool:
        return all(any(w in h for w in group for h in headings) for group in self.groups)


@dataclass(frozen=True)
class KindRule:
    """The cues of one kind. Words are matched case-insensitively as substrings."""

    kind: str
    name: tuple[str, ...] = ()  # in the file name
    title: Weighted = ()  # in the title line (weighs most: authors name their documents)
    headers: tuple[str, ...] = ()  # in table header cells / headings
    body: Weighted = ()  # anywhere in the text
    formats: tuple[str, ...] = ()  # file extensions that are evidence by themselves
    # Line shapes (regular expressions matched at the start of a line): a host script's
    # speaker turns, a chat export's time stamps. They count once ``LINES_MIN`` lines match.
    lines: Weighted = ()
    # Words in the name, title or headings that argue for another kind: a contact-like table
    # whose columns are 工号/分机 is the firm's staff, one with 座位/接站 a guest list.
    negative: Weighted = ()
    shapes: tuple[TableShape, ...] = ()


def _w(*pairs: tuple[str, float] | str, default: float = 1.0) -> Weighted:
    """Weighted words; a bare word has the default weight."""
    return tuple((p, default) if isinstance(p, str) else p for p in pairs)


# Columns and headings of a table of people that mark it as something other than an address
# book of outside contacts: the firm's own staff, an event's guests, journalists.
_STAFF_COLUMNS = _w("工号", "分机", "工位", "入职", "紧急联系人", "员工", default=3)
_GUEST_COLUMNS = _w(
    "嘉宾", "来宾", "座位", "桌号", "出席", "签名", "接站", "接待人", "伴手礼", default=3
)
_MEDIA_COLUMNS = _w("媒体", "记者", "达人", "粉丝", "栏目", default=3)

RULES: tuple[KindRule, ...] = (
    KindRule(
        "服务合同",
        name=(
            "合同",
            "服务协议",
            "委托协议",
            "合作协议",
            "框架协议",
            "补充协议",
            "确认函",
            "contract",
        ),
        title=_w(
            "服务合同",
            "委托合同",
            "服务协议",
            "合作协议",
            "框架协议",
            "补充协议",
            "合同",
            "确认函",
            "协议",
            default=4,
        ),
        headers=("服务内容", "服务费用", "付款方式", "违约责任", "合同期限", "争议解决"),
        body=_w(
            ("本合同", 2),
            ("本协议", 1.5),
            ("服务内容", 2),
            ("服务费用", 2),
            ("合同金额", 2),
            ("违约责任", 2),
            ("合同期限", 2),
            ("付款方式", 1.5),
            ("甲方", 1),
            ("乙方", 1),
            ("委托方", 1.5),
            ("受托方", 1.5),
            ("出租方", 1.5),
            ("承租方", 1.5),
            ("争议解决", 1),
            ("签字盖章", 1),
            ("盖章", 1),
            ("生效", 1),
            ("违约", 1),
            ("版权", 1),
        ),
    ),
    KindRule(
        "保密协议",
        name=("保密协议", "nda", "保密承诺", "保密条款", "保密义务"),
        title=_w(
            ("保密协议", 7),
            ("保密承诺书", 7),
            ("non-disclosure", 7),
            ("保密合同", 7),
            ("保密义务", 7),
            ("保密条款", 7),
        ),
        headers=("保密信息", "保密义务", "保密期限", "返还", "违约责任"),
        body=_w(
            ("保密信息", 3),
            ("保密义务", 2),
            ("保密期限", 2),
            ("披露方", 2),
            ("接收方", 2),
            ("confidential information", 3),
            ("本协议", 1),
            "商业秘密",
            "泄露",
            "销毁",
            "不得对外",
        ),
    ),
    KindRule(
        "项目方案/提案",
        name=("方案", "提案", "策划", "proposal", "比稿", "规划", "计划", "全案", "排期"),
        title=_w(
            "传播方案",
            "策划方案",
            "推广方案",
            "方案",
            "提案",
            "策划案",
            "策划书",
            "策划",
            "建议书",
            "传播规划",
            "规划",
            "全案",
            "计划",
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
            "选题",
            "卖点",
            "洞察",
            "策略",
            "活动主题",
            "活动目的",
            "预期效果",
        ),
        body=_w(
            ("传播策略", 2),
            ("核心信息", 2),
            ("目标受众", 2),
            ("目标人群", 2),
            ("传播目标", 2),
            ("媒介策略", 2),
            ("项目背景", 2),
            ("活动背景", 2),
            ("传播节奏", 2),
            ("活动主题", 2),
            ("活动目的", 2),
            ("预期效果", 2),
            ("亮点", 1.5),
            ("洞察", 1.5),
            ("预算", 1),
            ("策略", 1),
            ("主张", 1),
            "创意",
            "kpi",
            "话题",
            "阶段",
        ),
    ),
    KindRule(
        "媒体名单",
        name=(
            "媒体名单",
            "媒体列表",
            "媒体库",
            "媒体资源",
            "媒体邀约",
            "media list",
            "记者",
            "达人",
            "kol",
            "电视台",
        ),
        title=_w(
            ("媒体名单", 5),
            ("媒体邀约", 5),
            ("媒体库", 5),
            ("媒体资源", 5),
            ("媒体列表", 5),
            ("达人", 4),
            ("kol", 4),
            ("media list", 5),
        ),
        headers=(
            "媒体",
            "媒体名称",
            "所属媒体",
            "记者",
            "编辑",
            "栏目",
            "版面",
            "跑口",
            "口线",
            "达人",
            "昵称",
            "粉丝",
            "台/平台",
            "节目",
            "outlet",
            "reporter",
            "beat",
        ),
        body=_w(
            ("跑口", 2),
            ("电视台", 2),
            ("卫视", 2),
            "记者",
            "编辑",
            "栏目",
            "日报",
            "晚报",
            "新华社",
            "频道",
            "都市报",
            "粉丝",
        ),
        negative=_w(("报道汇总", 4), ("监测", 4)),
    ),
    KindRule(
        "客户通讯录",
        name=(
            "通讯录",
            "联系人",
            "联系方式",
            "contacts",
            "对接人",
            "名片",
            "名录",
            "客户名单",
            "关键人",
        ),
        title=_w(
            ("通讯录", 5),
            ("联系人", 4),
            ("联系方式", 4),
            ("对接人", 4),
            ("名片", 4),
            ("名录", 4),
            ("vcard", 5),
        ),
        headers=(
            "姓名",
            "职务",
            "职位",
            "手机",
            "电话",
            "邮箱",
            "微信",
            "公司",
            "单位",
            "客户",
            "供应商",
            "对接人",
            "联系人",
            "关键人",
            "name",
            "mobile",
            "phone",
            "email",
            "company",
            "wechat",
        ),
        body=_w(("对接人", 2), ("begin:vcard", 4), "联系人", "职务", "手机", "邮箱"),
        # a courier log has 收件人/收件单位/电话 columns too, but it records parcels
        negative=_STAFF_COLUMNS
        + _GUEST_COLUMNS
        + _MEDIA_COLUMNS
        + _w(("部门", 1.5), ("内部", 3), ("运单", 3), ("快递", 3)),
    ),
    KindRule(
        "会议纪要",
        name=(
            "纪要",
            "会议记录",
            "minutes",
            "周会",
            "例会",
            "启动会",
            "复盘",
            "电话会",
            "小结",
            "过稿",
            "头脑风暴",
        ),
        title=_w(
            ("会议纪要", 6),
            ("会议记录", 6),
            ("纪要", 5),
            ("周会", 4),
            ("例会", 4),
            ("启动会", 4),
            ("复盘会", 4),
            ("电话会", 4),
            ("过稿会", 4),
            ("碰头会", 4),
            ("沟通会", 4),
            ("经营分析会", 4),
            ("会议小结", 5),
            ("头脑风暴", 4),
            ("意见整理", 4),
        ),
        headers=(
            "会议时间",
            "参会人员",
            "会议议题",
            "会议内容",
            "待办事项",
            "行动项",
            "决议",
            "to-do",
        ),
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
            ("会议决定", 2),
            ("会议要求", 2),
            ("会议认为", 2),
            ("达成一致", 2),
            ("遗留问题", 2),
            ("下次碰头", 2),
            ("出席：", 1.5),
            ("参会：", 1.5),
            ("与会：", 1.5),
            ("参与：", 1.5),
            ("记录：", 1.5),
            ("缺席", 1.5),
            ("结论", 1),
            "决议",
            "主持人",
            "议程",
        ),
    ),
    KindRule(
        "舆情监测报告",
        name=("舆情", "监测", "monitor", "声量", "报道汇总", "预警"),
        title=_w(
            ("舆情", 6),
            ("媒体监测", 6),
            ("监测报告", 5),
            ("监测日报", 5),
            ("动态监测", 5),
            ("声量", 5),
            ("报道汇总", 5),
            ("预警", 4),
        ),
        headers=(
            "情感倾向",
            "正负面",
            "来源",
            "声量",
            "转发",
            "发布时间",
            "标题",
            "情感",
            "提及量",
            "倾向",
        ),
        body=_w(
            ("舆情", 3),
            ("情感倾向", 2),
            ("声量", 2),
            ("负面", 2),
            ("监测时间", 2),
            ("统计区间", 2),
            ("信息总量", 2),
            ("研判", 2),
            ("正面", 1),
            ("中性", 1),
            "热搜",
            "预警",
            "转发量",
            "发酵",
        ),
    ),
    KindRule(
        "调研数据/分析报告",
        name=("调研", "问卷", "分析", "研究", "洞察", "survey", "research", "结案", "评估"),
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
            "结案",
            "效果评估",
            "评估",
            "数据分析",
            "对比分析",
            default=4,
        ),
        headers=(
            "问卷编号",
            "样本",
            "受访者",
            "年龄段",
            "题目",
            "选项",
            "满意度",
            "得分",
            "城市",
            "达成率",
        ),
        body=_w(
            ("样本", 2),
            ("受访者", 2),
            ("问卷", 2),
            ("调研", 2),
            ("市场份额", 2),
            ("研究方法", 2),
            ("达成率", 2),
            ("评估", 1.5),
            ("竞品", 1.5),
            ("焦点小组", 2),
            ("洞察", 1),
            "占比",
            "趋势",
            "结论",
            "启示",
        ),
    ),
    KindRule(
        "财务/发票/付款",
        name=(
            "发票",
            "付款",
            "报销",
            "对账",
            "财务",
            "结算",
            "请款",
            "invoice",
            "账单",
            "预算表",
            "预算明细",
            "报价",
            "开票",
            "服务费",
            "回单",
        ),
        title=_w(
            "发票",
            "付款申请",
            "付款通知",
            "请款单",
            "报销",
            "对账单",
            "结算单",
            "结算",
            "费用明细",
            "预算表",
            "付款",
            "报价单",
            "报价",
            "回单",
            "服务费",
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
            "单价",
            "小计",
            "回款",
            "应收",
            "开票",
        ),
        body=_w(
            ("价税合计", 3),
            ("发票", 2),
            ("开票", 2),
            ("税额", 2),
            ("收款单位", 2),
            ("收款人", 1.5),
            ("付款人", 1.5),
            ("开户行", 2),
            ("报销", 2),
            ("对账", 2),
            ("请款", 2),
            ("报价", 1.5),
            ("单价", 1.5),
            ("不含税", 1.5),
            "付款",
            "应付",
            "税率",
            "合计",
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
            "录用",
            "offer",
            "值班",
            "排班",
            "公司通讯录",
            "内部通讯录",
            "内部联系",
            "人员名单",
        ),
        title=_w(
            ("劳动合同", 7),
            ("简历", 6),
            ("员工花名册", 6),
            ("花名册", 6),
            ("工资表", 6),
            ("薪资", 5),
            ("考勤", 5),
            ("绩效考核", 5),
            ("绩效评估", 5),
            ("录用通知", 6),
            ("offer letter", 6),
            ("入职", 5),
            ("离职", 5),
            ("值班", 5),
            ("员工通讯录", 6),
            ("内部通讯录", 6),
            ("内部联系", 5),
            ("紧急联系人", 5),
        ),
        headers=(
            "工号",
            "员工姓名",
            "员工",
            "入职日期",
            "入职",
            "岗位",
            "部门",
            "分机",
            "工位",
            "基本工资",
            "社保",
            "考勤",
            "出勤",
            "绩效",
            "学历",
            "紧急联系人",
        ),
        shapes=(
            TableShape(
                (("姓名", "员工"), ("部门",), ("分机", "工号", "工位", "入职", "岗位")),
                5,
                "staff_table",
            ),
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
            ("求职意向", 2),
            ("入职", 2),
            ("值班", 1.5),
            ("加班", 1.5),
            "绩效",
        ),
    ),
    KindRule(
        "活动执行",
        name=(
            "执行",
            "流程",
            "rundown",
            "物料",
            "搭建",
            "签到",
            "主持",
            "串词",
            "司仪",
            "手卡",
            "口播",
            "嘉宾",
            "来宾",
            "座次",
            "回执",
            "rsvp",
            "到场",
            "接待",
            "分工",
            "调度",
            "进场",
            "预案",
        ),
        title=_w(
            ("执行手册", 6),
            ("活动流程", 6),
            ("执行方案", 5),
            ("流程", 4),
            ("rundown", 6),
            ("物料清单", 6),
            ("签到表", 6),
            ("执行表", 6),
            ("主持稿", 6),
            ("主持词", 6),
            ("主持串词", 6),
            ("串词", 6),
            ("司仪稿", 6),
            ("手卡", 6),
            ("口播稿", 6),
            ("嘉宾名单", 6),
            ("来宾名单", 6),
            ("嘉宾", 5),
            ("座次", 6),
            ("接待手册", 6),
            ("分工", 5),
            ("应急预案", 5),
            ("进场须知", 5),
        ),
        headers=(
            "时间",
            "环节",
            "负责人",
            "物料",
            "数量",
            "签到",
            "时长",
            "嘉宾",
            "来宾",
            "座位",
            "桌号",
            "出席",
            "接待",
            "航班",
            "车次",
            "接站",
            "住宿",
            "饮食",
            "签名",
            "伴手礼",
            "司机",
            "上场",
            "灯光",
            "话筒",
        ),
        body=_w(
            ("彩排", 2),
            ("走场", 2),
            ("签到", 2),
            ("搭建", 2),
            ("物料", 2),
            ("撤场", 2),
            ("动线", 2),
            ("应急预案", 2),
            ("对讲机", 2),
            ("有请", 2),
            ("掌声", 2),
            ("到此结束", 1.5),
            ("环节", 1.5),
            ("剪彩", 1.5),
            ("揭幕", 1.5),
            ("接机", 1.5),
            ("分工", 1.5),
            "场地",
            "嘉宾",
            "现场",
            "入场",
            "礼品",
            "主持人",
            "上台",
        ),
        # 女：… 男：… 合：… — the turns of a host script; 【灯光渐暗】 its stage directions
        lines=_w(
            (r"(男|女|合|男女合|主持人?|司仪|主播|副播)\s*[:：]", 4),
            (r"[【\[（(][^】\]）)]{0,20}(上场|上台|掌声|音乐|灯光|礼炮|礼花|鸣|vcr|视频)", 3),
        ),
        negative=_w(("致辞", 4), ("讲话", 4), ("方案", 2), ("策划", 2)),
        shapes=(
            TableShape(
                (
                    ("姓名", "嘉宾", "来宾"),
                    ("座位", "桌号", "出席", "接待", "签名", "接站", "伴手礼"),
                ),
                4,
                "guest_table",
            ),
        ),
    ),
    KindRule(
        "沟通记录",
        name=("沟通", "聊天", "微信", "截图", "往来", "对话", "邮件", "通话记录", "来电", "群"),
        title=_w(
            ("沟通记录", 6),
            ("聊天记录", 6),
            ("通话记录", 6),
            ("来电记录", 6),
            ("沟通", 4),
            ("回复", 3),
            ("re:", 3),
            ("fw:", 3),
            ("转发:", 3),
        ),
        headers=(
            "发送人",
            "发送时间",
            "消息内容",
            "沟通时间",
            "沟通内容",
            "来电",
            "来电人",
            "事由",
            "处理结果",
        ),
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
        # [09:12] 孟雨：… (a chat export); 发件人：/Subject: (a mail pasted as text)
        lines=_w(
            (r"[\[【(（]?\d{1,2}:\d{2}(:\d{2})?[\]】)）]?\s*[^\s:：]{1,12}\s*[:：]", 5),
            (r"(发件人|收件人|抄送|主题|发送时间|from|to|cc|subject|sent)\s*[:：]", 4),
        ),
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
            ("for immediate release", 6),
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
            ("媒体联络", 3),
            ("media contact", 3),
            ("关于", 0.5),
            ("正式发布", 2),
        ),
    ),
)

THRESHOLD = 4.0
NAME_WEIGHT = 3.0
HEADER_WEIGHT = 1.5
# A mail is a communication record whatever it is about (an invoice's details forwarded,
# a guest's confirmation): the format outweighs another kind's title and body words.
FORMAT_WEIGHT = 10.0
TITLE_CAP = 8.0
HEADER_CAP = 6.0
BODY_CAP = 10.0
LINES_MIN = 3  # lines of one shape before it counts: two 时间： lines are not a script
NEGATIVE_CAP = 6.0
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
    cells: Collection[int] = (),
) -> Classification:
    """The kind and categories of one file.

    ``texts`` are its text segments in reading order (the title first),
    ``headers`` its table header cells, ``entity_types`` the entity types the
    recognizers found anywhere in it, ``cells`` the positions in ``texts`` of
    table data cells: vocabulary, never headings (a supplier's 服务内容 cell
    "签到墙、伴手礼" does not make its table a sign-in sheet).
    """
    body = _body(texts)
    title = _title(texts)
    prose = [t for i, t in enumerate(texts) if i not in cells]
    table_headers = _table_headers(prose, headers)
    headings = _headings(prose, table_headers)
    lines = _shaped_lines(texts)
    stem = PurePath(name).stem.lower() if name else ""
    suffix = PurePath(name).suffix.lower() if name else ""
    scores: dict[str, float] = {}
    signals: list[str] = []
    for rule in RULES:
        score, why = _score(rule, stem, suffix, title, headings, body, lines, table_headers)
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
    cells: list[int] = []
    for seg in segments:
        if seg.kind is SegmentKind.HEADER:
            headers.append(seg.text)
            texts.append(seg.text)
        elif seg.kind is SegmentKind.METADATA:
            if seg.context[:1] == ("Subject",):
                subject.append(seg.text)
        else:
            if seg.kind is SegmentKind.TABLE_CELL:
                cells.append(len(texts))
            texts.append(seg.text)
    shift = len(subject)
    return classify(
        name, subject + texts, headers, entity_types, cells=frozenset(i + shift for i in cells)
    )


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


def _headings(texts: Sequence[str], table_headers: Sequence[str]) -> list[str]:
    """The table header cells and the short lines near the top that read like headings."""
    found = list(table_headers)
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


def _table_headers(texts: Sequence[str], headers: Sequence[str]) -> list[str]:
    """Header cells: a spreadsheet's or csv's, and the cells of a text table's first row
    (Markdown ``| 姓名 | 部门 |``, ``城市 | 台/平台 | 节目``)."""
    found = [h.strip().lower() for h in headers if h.strip()]
    seen = 0
    in_table = False
    for text in texts:
        for line in text.splitlines():
            clean = _clean_line(line)
            if not clean:
                in_table = False
                continue
            seen += 1
            cells = _pipe_cells(clean)
            if cells and not in_table:
                found += [c.lower() for c in cells if len(c) <= HEADING_MAX_CHARS]
            in_table = bool(cells)
            if seen >= HEADING_LINES:
                return found
    return found


def _pipe_cells(line: str) -> list[str]:
    """The cells of a line of a text table (two bars or more), else nothing."""
    if line.count("|") < 2:
        return []
    return [cell.strip() for cell in line.strip("|").split("|") if cell.strip(" -:")]


def _shaped_lines(texts: Sequence[str]) -> list[str]:
    """The lines of the sampled text, stripped and lower-cased, for the line-shape cues."""
    out: list[str] = []
    size = 0
    for text in texts:
        for line in text.splitlines():
            clean = line.strip().lower()
            if clean:
                out.append(clean)
        size += len(text)
        if size >= BODY_CHARS:
            break
    return out


def _score(
    rule: KindRule,
    stem: str,
    suffix: str,
    title: str,
    headings: list[str],
    body: str,
    lines: Sequence[str] = (),
    table_headers: Sequence[str] = (),
) -> tuple[float, list[str]]:
    """A kind's score and the cues that made it."""
    why: list[str] = []
    score = _line_score(rule, lines, why)
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
    for shape in rule.shapes:
        if shape.matches(table_headers):
            score += shape.weight
            why.append(f"table:{shape.label}")
    if score:
        score -= _negative_score(rule, stem, title, headings, why)
    return max(score, 0.0), why


def _line_score(rule: KindRule, lines: Sequence[str], why: list[str]) -> float:
    """The weight of each line shape that at least ``LINES_MIN`` lines have."""
    score = 0.0
    for pattern, weight in rule.lines:
        shape = _compiled(pattern)
        if sum(1 for line in lines if shape.match(line)) >= LINES_MIN:
            score += weight
            why.append(f"lines:{pattern}")
    return score


def _negative_score(
    rule: KindRule, stem: str, title: str, headings: list[str], why: list[str]
) -> float:
    """What the words arguing for another kind take away (name, title, headings only:
    a guest list's column 座位 says what the table is, a passing 座位 in prose does not)."""
    found = 0.0
    places = [stem, title, *headings]
    for word, weight in rule.negative:
        if any(word in place for place in places):
            found += weight
            why.append(f"not:{word}")
    return min(found, NEGATIVE_CAP)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = re.compile(pattern)
    return _PATTERNS[pattern]


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
