"""ORGANIZATION on real-document kinds of text: government bodies, legal forms, brackets,
lead-ins, party bodies and generic phrases, exact spans (sentences written for the tests,
not taken from the evaluation sets)."""

from __future__ import annotations

import pytest

from recognizers.ner.organisation_rules import government_bodies
from recognizers.person_org_address import PersonOrgAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PersonOrgAddressRecognizer:
    r = PersonOrgAddressRecognizer()
    r.load()
    return r


def organisations(recognizer: PersonOrgAddressRecognizer, text: str) -> list[str]:
    """The ORGANIZATION values found in ``text``, in text order."""
    found = recognizer.analyze(text, ["ORGANIZATION"])
    return [text[r.start : r.end] for r in sorted(found, key=lambda r: r.start)]


CASES = [
    # government bodies: a division, the body's field and its ending are one name
    ("government", "本项目受宝清县教育和体育局的委托进行采购。", ["宝清县教育和体育局"]),
    ("government", "采购单位名称:宝清县教育和体育局\n", ["宝清县教育和体育局"]),
    ("government", "请向绥化市人力资源和社会保障局咨询。", ["绥化市人力资源和社会保障局"]),
    ("government", "由东莞市市场监督管理局负责解释。", ["东莞市市场监督管理局"]),
    ("government", "本案由浙江省杭州市西湖区人民法院审理。", ["浙江省杭州市西湖区人民法院"]),
    ("government", "国家卫健委昨日发布通知。", ["国家卫健委"]),
    ("government", "申请人已向珠海仲裁委员会申请仲裁。", ["珠海仲裁委员会"]),
    ("government", "成都市青羊区第三中心小学组织学生参观。", ["成都市青羊区第三中心小学"]),
    # legal forms the CRF's lexicon lacks, and the firms of the professions
    ("legal form", "被告:松下电器株式会社。", ["松下电器株式会社"]),
    ("legal form", "代理机构 杭州明远专利代理事务所\n", ["杭州明远专利代理事务所"]),
    ("legal form", "审计由广州立信会计师事务所完成。", ["广州立信会计师事务所"]),
    (
        "legal form",
        "出资人为苏州恒润创业投资合伙企业(有限合伙)。",
        ["苏州恒润创业投资合伙企业(有限合伙)"],
    ),
    # a form on the next line is no part of the name
    (
        "legal form",
        "代理机构 杭州明远专利代理事务所\n(特殊普通合伙) 33",
        ["杭州明远专利代理事务所"],
    ),
    # bracketed place inside the name, English name in brackets after it
    ("brackets", "(71)申请人 海联数据(成都)有限公司\n地址", ["海联数据(成都)有限公司"]),
    (
        "brackets",
        "原告:台湾精密光学股份有限公司(Taiwan Precision Optics Co.,Ltd.)。",
        ["台湾精密光学股份有限公司"],
    ),
    # roles, a person and a verb before the name are lead-ins
    ("lead-in", "该函加盖了担保人锦绣园公司的合同专用章。", ["锦绣园公司"]),
    ("lead-in", "副总经理王建平带队拜访深圳湾科技发展集团,双方座谈。", ["深圳湾科技发展集团"]),
    ("lead-in", "陈立与杭州城建投公司董事长吴海分别致辞。", ["杭州城建投公司"]),
    # a party body after the organisation is not part of it
    ("party body", "9月3日,中铁八局党委书记一行到访。", ["中铁八局"]),
    # precision: generic phrases, masks, fragments
    ("precision", "当事人约定的管辖法院与争议没有实际联系。", []),
    ("precision", "采 购 人:******教育局\n", []),
    ("precision", "邮政编码:100083", []),
    ("precision", "公司将在冷链仓储物流、新能源等领域合作。", []),
    ("precision", "2019中国呼叫中心及客户联络大会在北京举行。", []),
    ("precision", "委托代理人李四,北京市C律师事务所律师。", []),
    ("precision", "请随时与展览会组委会联系。", []),
    ("precision", "依据《中华人民共和国政府采购法》的规定。", []),
    ("precision", "深圳市举办了开幕式。", []),
    ("precision", "会议现场(集团总部  伍晖摄)\n周龙讲话(集团总部  伍晖摄)", []),
]


@pytest.mark.parametrize(
    ("kind", "text", "expected"), CASES, ids=[f"{k}-{i}" for i, (k, *_) in enumerate(CASES)]
)
def test_organisation_spans(recognizer, kind, text, expected):
    assert organisations(recognizer, text) == expected


GOVERNMENT_CASES = [
    ("饶河县教育和体育局", ["饶河县教育和体育局"]),
    ("广东省深圳市南山区人民法院", ["广东省深圳市南山区人民法院"]),
    ("北京市和上海市公安局", ["上海市公安局"]),  # two divisions: the body is the second's
    ("南宁市交易中心交易厅", []),  # a hall inside a centre
    ("北京市大学生", []),
    ("杭州市发展新局面", []),
    ("深圳市多家医院", []),  # several bodies, no name
]


@pytest.mark.parametrize(("text", "expected"), GOVERNMENT_CASES)
def test_government_grammar(recognizer, text, expected):
    keywords = recognizer.keywords.find(text)
    assert [text[c.start : c.end] for c in government_bodies(text, keywords)] == expected
