"""Document kinds and policy categories from name, title, headings, headers and vocabulary."""

from __future__ import annotations

import pytest

from recognizers.client_financial import ClientFinancialRecognizer
from recognizers.confidential_marking import ConfidentialMarkingRecognizer
from recognizers.undisclosed_event import UndisclosedEventRecognizer
from scanner.models import Segment, SegmentKind
from scanner.scan.analyze import Analyzer
from scanner.scan.classify import KINDS, Classification, classify, classify_segments

DOCS = [
    ("服务合同", "合作/公关服务合同.docx", ["公关服务合同", "甲方：云杉饮品有限公司\n乙方：明远公关", "第一条 服务内容：品牌传播。", "第二条 服务费用：人民币50万元。", "第五条 违约责任：违约方赔偿损失。"], []),
    ("保密协议", "NDA_云杉.pdf", ["保密协议", "一、保密信息是指披露方提供的商业信息。", "二、接收方应履行保密义务。", "三、保密期限为三年。"], []),
    ("项目方案/提案", "新品上市传播方案.pptx", ["云杉饮品新品上市传播方案", "项目背景", "传播策略：三个阶段。", "核心信息：清爽一夏。", "目标受众：大学生。"], []),
    ("媒体名单", "媒体名单.xlsx", ["媒体", "记者", "跑口", "手机", "新华社", "张晓峰", "消费", "13912345678"], ["媒体", "记者", "跑口", "手机"]),
    ("客户通讯录", "客户联系人.csv", ["公司", "姓名", "职务", "手机", "邮箱", "云杉饮品", "李思雨", "品牌经理"], ["公司", "姓名", "职务", "手机", "邮箱"]),
    ("会议纪要", "周会纪要.docx", ["项目周会会议纪要", "会议时间：3月12日", "参会人员：张晓峰、李思雨", "待办事项：联系媒体。"], []),
    ("舆情监测报告", "舆情日报0312.pdf", ["云杉饮品舆情监测日报", "监测时间：3月12日", "信息总量1,200条，负面12条。", "情感倾向：平稳。"], []),
    ("调研数据/分析报告", "竞品分析报告.docx", ["竞品分析报告", "研究方法：问卷，有效样本1,200份。", "受访者覆盖一至三线城市。", "结论：市场份额第三。"], []),
    ("财务/发票/付款", "付款申请单.xlsx", ["付款申请单", "收款单位：云杉饮品有限公司", "开户行：招商银行", "价税合计：¥120,000"], []),
    ("人事", "员工花名册.xlsx", ["工号", "员工姓名", "入职日期", "岗位", "MY001", "陈佳", "2023-07-01", "客户经理"], ["工号", "员工姓名", "入职日期", "岗位"]),
    ("活动执行", "发布会执行流程.docx", ["发布会现场执行流程", "9:00 彩排", "13:30 签到", "物料：签到墙、伴手礼", "18:00 撤场"], []),
    ("沟通记录", "RE_报道汇总.eml", ["回复：本周媒体报道汇总", "王总您好：", "附件为本周报道汇总，请查收。", "辛苦！"], []),
    ("其他", "绿植养护指南.txt", ["办公室绿植养护指南", "绿萝每周浇水一次。"], []),
]


@pytest.mark.parametrize(("kind", "name", "texts", "headers"), DOCS, ids=[d[0] for d in DOCS])
def test_each_kind(kind, name, texts, headers):
    result = classify(name, texts, headers)
    assert result.kind == kind, result.signals
    assert kind in KINDS


def test_every_kind_is_covered():
    assert {d[0] for d in DOCS} == set(KINDS)


def test_title_weighs_more_than_the_name():
    # a file named like a contract whose title says minutes is minutes
    result = classify("合同相关.docx", ["合同评审会议纪要", "参会人员：张三", "会议时间：3月1日"])
    assert result.kind == "会议纪要"


def test_labour_contract_is_hr_not_a_service_contract():
    result = classify("劳动合同_陈佳.docx", ["劳动合同", "甲方：明远公关", "乙方：陈佳", "试用期三个月，转正后缴纳社保。"])
    assert result.kind == "人事"


def test_below_the_threshold_is_other():
    result = classify("x.txt", ["你好"])
    assert result.kind == "其他"
    assert result.categories == frozenset()


def test_scores_and_signals_explain_the_decision():
    result = classify("公关服务合同.docx", ["公关服务合同", "违约责任"])
    assert isinstance(result, Classification)
    assert result.scores["服务合同"] >= 4
    assert any(s.startswith("服务合同←title:") for s in result.signals)


# ---- categories -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("服务合同", {3}), ("项目方案/提案", {3}), ("会议纪要", {3}), ("沟通记录", {3}), ("调研数据/分析报告", {3}),
     ("财务/发票/付款", {2}), ("客户通讯录", {1}), ("媒体名单", {1}), ("人事", set()), ("其他", set())],
)
def test_default_category_of_each_kind(kind, expected):
    name, texts, headers = next((n, t, h) for k, n, t, h in DOCS if k == kind)
    assert classify(name, texts, headers).categories == frozenset(expected)


@pytest.mark.parametrize("signal", ["UNDISCLOSED_EVENT", "CONFIDENTIAL_MARKING", "FINANCIAL_FIGURE"])
def test_secret_signals_add_category_2(signal):
    result = classify("周会纪要.docx", ["项目周会会议纪要", "参会人员：张三"], entity_types={signal})
    assert result.categories == frozenset({2, 3})
    assert f"category2:{signal}" in result.signals


@pytest.mark.parametrize("entity", ["CLIENT", "PERSON", "PHONE_NUMBER", "CN_USCC", "CN_RESIDENT_ID"])
def test_identity_entities_add_category_1(entity):
    result = classify("周会纪要.docx", ["项目周会会议纪要", "参会人员：张三"], entity_types={entity})
    assert 1 in result.categories


# ---- look-alikes -------------------------------------------------------------------------

PRESS_RELEASE = [
    "新闻稿｜云杉饮品轻气泡果茶今日正式发布",
    "（2025年5月20日，上海）云杉饮品有限公司今天正式发布轻气泡果茶。",
    "据公司年报，2024年营收达3.2亿元。",
    "发布会圆满结束。媒体垂询：press@example.com",
]
TEMPLATE = [
    "品牌传播服务合同（模板）",
    "甲方：________________\n乙方：________________",
    "第一条 服务内容：乙方为甲方提供________服务。",
    "第二条 服务费用：合同金额为人民币________元。",
    "第五条 违约责任：违约方承担违约责任。",
    "第八条 保密",
    "双方对合作中获知的商业秘密负有保密义务。",
]


@pytest.fixture(scope="module")
def phrase_analyzer() -> Analyzer:
    return Analyzer([ConfidentialMarkingRecognizer(), UndisclosedEventRecognizer(), ClientFinancialRecognizer()])


def _types(analyzer: Analyzer, texts: list[str]) -> set[str]:
    return {d.entity_type for t in texts for d in analyzer.analyze(t)}


def test_press_release_is_other_and_not_secret(phrase_analyzer):
    types = _types(phrase_analyzer, PRESS_RELEASE)
    assert "UNDISCLOSED_EVENT" not in types and "CONFIDENTIAL_MARKING" not in types
    result = classify("新闻稿_云杉饮品.docx", PRESS_RELEASE, entity_types=types | {"CLIENT"})
    assert result.kind == "其他"
    assert "public_release" in result.signals
    assert 2 not in result.categories  # its revenue figure is published
    assert result.categories == frozenset({1})


def test_press_release_under_embargo_is_secret():
    texts = ["新闻稿（禁发期至6月1日10:00）", *PRESS_RELEASE[1:]]
    result = classify("新闻稿.docx", texts, entity_types={"CLIENT", "UNDISCLOSED_EVENT"})
    assert result.kind == "其他"
    assert 2 in result.categories


def test_public_event_announcement_is_other():
    texts = ["城市开放日活动公告", "活动将于6月1日在滨江公园举行，欢迎报名。", "特此公告。"]
    result = classify("活动公告.md", texts)
    assert (result.kind, result.categories) == ("其他", frozenset())


def test_template_contract_is_a_contract_without_category_2(phrase_analyzer):
    types = _types(phrase_analyzer, TEMPLATE)
    assert types == set()  # no figure, no marking (第八条 保密 is a clause heading)
    result = classify("服务合同模板.docx", TEMPLATE, entity_types=types)
    assert result.kind == "服务合同"
    assert "template" in result.signals
    assert result.categories == frozenset({3})


def test_template_discounts_an_example_figure():
    result = classify("服务合同模板.docx", TEMPLATE, entity_types={"FINANCIAL_FIGURE"})
    assert 2 not in result.categories


def test_contract_with_real_figures_is_category_2(phrase_analyzer):
    texts = ["公关服务合同", "甲方：云杉饮品有限公司", "第二条 服务费用：本合同服务费用人民币50万元。", "违约责任：赔偿损失。"]
    types = _types(phrase_analyzer, texts)
    assert types == {"FINANCIAL_FIGURE"}
    assert classify("合同.docx", texts, entity_types=types | {"CLIENT"}).categories == frozenset({1, 2, 3})


@pytest.mark.parametrize(
    "marking",
    ["【机密】", "【保密】", "密级：秘密", "绝密", "内部资料", "仅限内部使用", "请勿外传", "保密文件",
     "CONFIDENTIAL", "INTERNAL ONLY", "（草案）", "未定稿", "（征求意见稿）"],
)
def test_each_marking_makes_a_proposal_category_2(phrase_analyzer, marking):
    texts = [f"品牌年度传播方案 {marking}", "传播策略：四个阶段。", "核心信息：可持续。"]
    types = _types(phrase_analyzer, texts)
    assert types == {"CONFIDENTIAL_MARKING"}, marking
    result = classify("年度方案.docx", texts, entity_types=types)
    assert result.kind == "项目方案/提案"
    assert result.categories == frozenset({2, 3})


# ---- segments -------------------------------------------------------------------------


def test_classify_segments_uses_subject_and_header_cells():
    segments = [
        Segment("pm@example.com", "邮件头 From", SegmentKind.METADATA, context=("From",)),
        Segment("会议纪要：3月周会", "邮件头 Subject", SegmentKind.METADATA, context=("Subject",)),
        Segment("参会人员：张三、李四\n会议时间：3月12日\n", "邮件正文"),
    ]
    result = classify_segments("周会.eml", segments)
    assert result.kind == "会议纪要"  # the subject is the title and outweighs the mail format

    cells = [Segment(h, f"第 1 行 第 {i} 列", SegmentKind.HEADER) for i, h in enumerate(["媒体", "记者", "跑口"])]
    assert classify_segments("list.csv", cells).kind == "媒体名单"


# ---- a realistic share (issue 20): scripts, guest lists, staff lists, plans vs manuals ----------


def _table(header: list[str], *rows: list[str]) -> list[Segment]:
    """A csv's segments as the extractor gives them: header cells, then data cells."""
    segs = [Segment(h, f"第 1 行 第 {i} 列", SegmentKind.HEADER) for i, h in enumerate(header, 1)]
    for r, row in enumerate(rows, 2):
        segs += [
            Segment(v, f"第 {r} 行 第 {i} 列", SegmentKind.TABLE_CELL, context=(h,))
            for i, (h, v) in enumerate(zip(header, row, strict=True), 1)
        ]
    return segs


MC_SCRIPT = [
    "新品品鉴会",
    "【暖场视频结束，灯光渐亮，主持人上场】",
    "女：尊敬的各位领导、各位媒体朋友，",
    "男：亲爱的合作伙伴们，",
    "合：大家下午好！",
    "女：接下来，有请董事长上台致辞。",
    "【掌声，上场音乐】",
    "男：感谢精彩的分享，下面进入揭幕环节。",
]


def test_an_mc_script_is_event_execution_by_its_speaker_turns():
    # an unhelpful file name and no 主持稿 in the title: the 女：/男：/合： turns decide
    result = classify("0518终版.docx", MC_SCRIPT)
    assert result.kind == "活动执行", result.signals
    assert any(s.startswith("活动执行←lines:") for s in result.signals)


def test_a_host_script_named_as_such_is_event_execution():
    texts = ["论坛主持词", "尊敬的各位领导、各位来宾：大家上午好！", "下面，有请副厅长致辞，大家欢迎。"]
    assert classify("分论坛B.txt", texts).kind == "活动执行"


def test_a_speech_is_not_a_host_script():
    texts = ["在新品品鉴会上的致辞", "尊敬的各位领导、各位来宾：", "我谨代表公司全体员工，向各位表示热烈的欢迎！"]
    assert classify("董事长致辞稿.txt", texts).kind == "其他"


def test_a_guest_list_is_event_execution_not_a_contact_book():
    segs = _table(
        ["序号", "嘉宾姓名", "单位", "职务", "座位区", "接待人", "手机"],
        ["1", "顾建平", "鹿鸣乳业股份有限公司", "董事长", "A1", "李婷", "139****0001"],
        ["2", "王蕾", "上海市奶业协会", "秘书长", "A2", "李婷", "139****0002"],
    )
    result = classify_segments("嘉宾名单_0925更新.csv", segs)
    assert result.kind == "活动执行", result.signals
    assert "客户通讯录←not:嘉宾" in result.signals


def test_a_staff_list_is_hr_and_a_client_contact_book_is_contacts():
    staff = _table(
        ["部门", "姓名", "职位", "分机", "手机", "企业邮箱"],
        ["客户一部", "王珂", "客户总监", "8102", "138****5531", "wangke@example.com"],
    )
    clients = _table(
        ["客户", "对接人", "职务", "手机", "邮箱", "微信"],
        ["鹿鸣乳业股份有限公司", "何佳", "市场副总裁", "139****6621", "hejia@example.com", "hejia_lm"],
    )
    # the same file name: the columns say whose people they are
    assert classify_segments("通讯录2025.csv", staff).kind == "人事"
    assert classify_segments("通讯录2025.csv", clients).kind == "客户通讯录"


def test_a_staff_list_as_a_markdown_table_is_hr():
    texts = ["# 杭州办公室 内部联系表\n\n| 序号 | 姓名 | 职位 | 部门 | 手机号码 | 电子邮箱 |\n|---|---|---|---|---|---|\n"
             "| 1 | 王珂 | 客户总监 | 客户一部 | 138****5531 | wangke@example.com |"]
    assert classify("内部联系表.md", texts).kind == "人事"


EVENT_PLAN = [
    "晨光系列上市发布会 活动方案",
    "活动主题：一杯晨光，唤醒城市",
    "活动目的：让“晨光=早餐第一杯”成为记忆点。",
    "亮点设计：日出时刻开场，牧场实时连线，现场邀请嘉宾品鉴。",
    "预算概览：场地及搭建45万，KOL 60万。",
    "预期效果：全网曝光1.2亿次。",
]
EVENT_MANUAL = [
    "新品发布会 执行手册 V3",
    "人员分工：总控王珂；舞台灯光音响阿杰；嘉宾接待李婷。",
    "4/11 20:00 进场搭建，签到墙、背景板",
    "4/12 09:00 全流程走场，灯光音响调试",
    "12:30 工作人员就位，对讲机分发",
    "18:00 撤场",
]


def test_an_event_plan_is_a_proposal_and_an_execution_manual_is_execution():
    assert classify("发布会活动方案.pptx", EVENT_PLAN).kind == "项目方案/提案"
    assert classify("发布会执行手册V3.docx", EVENT_MANUAL).kind == "活动执行"


def test_an_invoice_is_finance():
    texts = [
        "上海增值税专用发票",
        "购买方 名称：鹿鸣乳业股份有限公司",
        "*现代服务*品牌推广服务费 金额 424528.30 税率 6% 税额 25471.70",
        "价税合计（大写）肆拾伍万元整 （小写）¥450,000.00",
        "销售方 名称：杭州青云公关顾问有限公司 开票人：孙敏",
    ]
    assert classify("发票_鹿鸣_第一期.pdf", texts).kind == "财务/发票/付款"


def test_a_mail_forwarding_invoice_details_is_a_communication_record():
    segments = [
        Segment("FW: 开票信息确认", "邮件头 Subject", SegmentKind.METADATA, context=("Subject",)),
        Segment("王珂，客户发来的开票信息转给你确认一下抬头，确认后我开专票。\n名称：鹿鸣乳业股份有限公司\n"
                "开户行：招商银行上海分行\n请按合同第一期款开具6%增值税专用发票。", "邮件正文"),
    ]
    result = classify_segments("FW 开票信息.eml", segments)
    assert result.kind == "沟通记录", result.signals


def test_a_chat_export_is_a_communication_record():
    texts = ["项目群 2025-03-20\n[09:12] 孟雨：流程第三版收到了\n[09:15] 李婷：可以的，我让阿杰改一下\n"
             "[10:40] 许嘉：背景板的字再大一点\n[14:30] 孟雨：OK了，可以下单制作"]
    assert classify("和光项目群_0320.txt", texts).kind == "沟通记录"


def test_data_cells_are_vocabulary_not_headings():
    # a supplier list whose 服务内容 cells say 签到墙、伴手礼: still external contacts
    segs = _table(
        ["供应商名称", "服务内容", "联系人", "手机", "邮箱"],
        ["速达会展服务有限公司", "签到墙、伴手礼包装", "田甜", "186****4856", "tt@example.com"],
        ["光影舞美工程有限公司", "舞台搭建、灯光音响", "邓宇航", "180****8828", "dyh@example.com"],
    )
    assert classify_segments("供应商联系表.csv", segs).kind == "客户通讯录"


def test_a_courier_log_is_not_a_contact_book():
    segs = _table(
        ["寄件日期", "快递公司", "运单号", "收件人", "收件单位", "收件电话"],
        ["2025-03-05", "顺丰速运", "SF3717539939928", "张伟", "北京星河传媒有限公司", "137****0312"],
    )
    assert classify_segments("快递寄送记录.csv", segs).kind == "其他"


# ---- the labelled set of bench/doc_kinds_eval.py -------------------------------------------


def test_the_doc_kinds_manifest_parses_with_known_kinds_and_a_fixed_split():
    import hashlib
    from collections import defaultdict

    from bench.doc_kinds_eval import FILES, read_manifest

    items = read_manifest()
    assert len(items) >= 120
    assert len({i.id for i in items}) == len({i.file for i in items}) == len(items)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for item in items:
        assert item.kind in KINDS, item
        assert item.split in ("dev", "heldout"), item
        assert item.source == "written" or item.source.startswith("adapted:"), item
        assert (FILES / item.file).is_file(), item.file
        by_kind[item.kind].append(item.id)
    held = {i.id for i in items if i.split == "heldout"}
    assert 40 <= len(held) <= 60
    for ids in by_kind.values():  # the rule in bench/data/doc_kinds/README.md, not a hand pick
        ordered = sorted(ids, key=lambda i: hashlib.md5(i.encode()).hexdigest())
        n_held = round(len(ordered) * 0.4)
        assert set(ordered[len(ordered) - n_held:]) == held & set(ids)
