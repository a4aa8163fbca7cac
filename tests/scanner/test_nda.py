"""The NDA clause check: a complete 保密协议 has the seven clauses the firm's policy
requires; removing any one article is reported as exactly that clause missing, in
plain text and in the formats the scanner extracts (docx, txt in UTF-8 and GBK, PDF).
"""

from __future__ import annotations

import pytest

from scanner.compliance.nda import (
    CLAUSES,
    AgreementCheck,
    check_file,
    check_text,
    looks_like_agreement,
)
from tests.builders import FONT, docx_bytes, pdf_bytes

KEYS = ("definition", "parties", "purpose", "term", "return", "liability", "personal_info")

COVER = [
    "保密协议",  # 1
    "甲方（披露方）：北京星河传媒有限公司",  # 2
    "地址：北京市朝阳区建国路88号SOHO现代城A座1201室",  # 3
    "乙方（接收方）：上海明远公关顾问有限公司",  # 4
    "地址：上海市静安区南京西路1266号恒隆广场2座3005室",  # 5
    "鉴于甲方拟委托乙方为其2025年度品牌传播项目（以下简称“本项目”）提供公共关系服务，"
    "乙方在提供服务过程中将接触甲方的非公开信息。为明确双方的权利义务，经友好协商，"
    "双方达成如下协议：",  # 6
]

# One entry per article, keyed by the clause it carries (None: not one of the seven).
ARTICLES: list[tuple[str | None, list[str]]] = [
    (
        "definition",
        [
            "第一条 保密信息的定义和范围",  # 7
            "1.1 本协议所称保密信息，是指甲方以书面、口头、电子邮件或其他任何形式向乙方披露的、"
            "尚未为公众所知悉的信息，包括但不限于甲方的经营计划、营销策略、产品资料、财务数据、"
            "客户及媒体名单、未公开的新闻稿件，以及甲方客户和媒体联系人的个人信息。",  # 8
            "1.2 下列信息不属于保密信息：（1）在甲方披露前已为公众所知悉的信息；（2）乙方从有权"
            "披露的第三方合法取得且不负保密义务的信息；（3）依照法律法规或有权机关要求必须披露"
            "的信息，但乙方应事先书面通知甲方。",  # 9
        ],
    ),
    (
        "parties",
        [
            "第二条 保密义务主体",  # 10
            "乙方应对保密信息承担保密义务，并确保其员工、顾问、代理人及经甲方书面同意的分包商"
            "在接触保密信息前签署不低于本协议标准的保密承诺，遵守本协议的约定。乙方对上述人员的"
            "泄密行为承担连带责任。",  # 11
        ],
    ),
    (
        "purpose",
        [
            "第三条 使用目的和限制",  # 12
            "乙方仅可为履行本项目服务之目的使用保密信息，不得将保密信息用于本项目以外的任何其他"
            "用途，不得向任何第三方披露。乙方使用保密信息应以完成本项目所必需的最小范围为限。",  # 13
        ],
    ),
    (
        "term",
        [
            "第四条 保密期限",  # 14
            "乙方的保密义务自本协议签署之日起生效，在本项目服务期间持续有效，并在本协议终止或"
            "服务期满后三（3）年内继续有效。",  # 15
        ],
    ),
    (
        "return",
        [
            "第五条 保密信息的返还和销毁",  # 16
            "本协议终止、解除或甲方提出书面要求时，乙方应在十个工作日内将载有保密信息的全部文件、"
            "资料及其复制件返还甲方，或按甲方要求予以销毁，并删除存储于电子设备中的相关电子数据，"
            "同时向甲方出具书面确认。",  # 17
        ],
    ),
    (
        "personal_info",
        [
            "第六条 个人信息保护",  # 18
            "对于甲方提供或乙方在本项目中收集的个人信息，乙方应遵守《中华人民共和国个人信息保护法》"
            "等法律法规，仅按照甲方的书面指示处理个人信息，采取加密存储、访问控制等必要的安全措施；"
            "未经甲方书面同意，不得将个人信息提供给第三方或向境外传输；发生或可能发生个人信息泄露、"
            "篡改、丢失的，乙方应立即采取补救措施并在二十四小时内告知甲方。",  # 19
        ],
    ),
    (
        "liability",
        [
            "第七条 违约责任和争议解决",  # 20
            "7.1 乙方违反本协议约定的，应向甲方支付违约金人民币伍拾万元；违约金不足以弥补甲方"
            "损失的，乙方还应赔偿甲方因此遭受的全部损失，包括但不限于调查取证费用和律师费。",  # 21
            "7.2 因本协议引起的或与本协议有关的任何争议，双方应首先友好协商解决；协商不成的，"
            "任何一方均有权向甲方住所地有管辖权的人民法院提起诉讼。",  # 22
        ],
    ),
    (
        None,
        [
            "第八条 其他",  # 23
            "本协议自双方签字盖章之日起生效。本协议未尽事宜，由双方另行协商并签订书面补充协议。"
            "本协议一式两份，甲乙双方各执一份，具有同等法律效力。",  # 24
        ],
    ),
]

SIGNATURES = [
    "甲方（盖章）：北京星河传媒有限公司",  # 25
    "授权代表（签字）：",  # 26
    "日期：2025年3月1日",  # 27
    "乙方（盖章）：上海明远公关顾问有限公司",  # 28
    "授权代表（签字）：",  # 29
    "日期：2025年3月1日",  # 30
]

# The paragraph (1-based) where each clause's article starts: its heading.
HEADING_OF = {
    "definition": 7,
    "parties": 10,
    "purpose": 12,
    "term": 14,
    "return": 16,
    "personal_info": 18,
    "liability": 20,
}


def agreement(without: str | None = None, replace: dict[str, list[str]] | None = None) -> list[str]:
    """The agreement's paragraphs, optionally without one article or with some replaced."""
    body: list[str] = []
    for key, paragraphs in ARTICLES:
        if key is not None and key == without:
            continue
        body.extend((replace or {}).get(key or "", paragraphs))
    return [*COVER, *body, *SIGNATURES]


def located(paragraphs: list[str]) -> list[tuple[str, str]]:
    return [(f"段落 {n}", text) for n, text in enumerate(paragraphs, 1)]


def locations(check: AgreementCheck) -> dict[str, str]:
    return {c.key: c.location for c in check.clauses}


def test_clauses_are_the_policys_seven_in_order() -> None:
    assert tuple(spec.key for spec in CLAUSES) == KEYS
    assert check_text([]).missing == list(KEYS)


def test_complete_agreement_has_all_seven_at_their_articles() -> None:
    check = check_text(located(agreement()))
    assert check.complete
    assert check.missing == []
    assert [c.key for c in check.clauses] == list(KEYS)
    assert locations(check) == {key: f"段落 {n}" for key, n in HEADING_OF.items()}
    by_key = {c.key: c for c in check.clauses}
    assert by_key["term"].title == "保密期限"
    assert "期限" in by_key["term"].evidence
    assert "期满后三(3)年" in by_key["term"].evidence
    assert set(by_key["liability"].evidence) == {"违约", "争议"}
    assert all(0 < len(e) <= 24 for c in check.clauses for e in c.evidence)


@pytest.mark.parametrize("key", KEYS)
def test_removing_one_article_reports_exactly_that_clause(key: str) -> None:
    check = check_text(located(agreement(without=key)))
    assert check.missing == [key]
    assert not check.complete
    result = next(c for c in check.clauses if c.key == key)
    assert (result.present, result.location, result.evidence) == (False, "", ())


def test_term_covering_only_the_service_period_is_missing() -> None:
    service_only = [
        "第四条 保密期限",
        "乙方的保密义务自本协议签署之日起生效，至本项目服务期满之日终止。",
    ]
    check = check_text(located(agreement(replace={"term": service_only})))
    assert check.missing == ["term"]


def test_term_in_one_paragraph_with_full_width_digits() -> None:
    one_paragraph = ["第四条 保密期限：本协议有效期为两年，保密义务在本协议终止后５年内持续有效。"]
    check = check_text(located(agreement(replace={"term": one_paragraph})))
    assert check.complete
    assert locations(check)["term"] == "段落 14"


def test_liability_without_dispute_resolution_is_missing() -> None:
    breach_only = [
        "第七条 违约责任",
        "乙方违反本协议约定的，应向甲方支付违约金人民币伍拾万元；违约金不足以弥补甲方损失的，"
        "乙方还应赔偿甲方因此遭受的全部损失。",
    ]
    check = check_text(located(agreement(replace={"liability": breach_only})))
    assert check.missing == ["liability"]


def test_cover_lines_are_not_clauses() -> None:
    check = check_text(located([*COVER, *SIGNATURES, "本协议一式两份。"]))
    assert check.missing == list(KEYS)


MINUTES = [
    "星河传媒2025年品牌发布会项目会议纪要",
    "时间：2025年3月5日 14:00-15:30",
    "地点：明远公关3号会议室",
    "参会人员：张伟（星河传媒）、李娜、王芳（明远公关）",
    "一、发布会定于4月18日在北京举行，乙方负责媒体邀约和现场执行。",
    "二、客户要求新品资料在发布前严格保密，媒体名单仅限项目组内部使用。",
    "三、项目组成员离职时须交还工作电脑，相关文件由行政部统一销毁。",
    "四、下次会议时间另行通知。",
]


def test_meeting_minutes_are_not_an_agreement() -> None:
    check = check_text(located(MINUTES))
    assert not check.complete
    assert len(check.missing) >= 5
    assert {"definition", "term", "liability", "personal_info"} <= set(check.missing)
    assert not looks_like_agreement("会议纪要.txt", "\n".join(MINUTES))


# --- files, through the scanner's extractors -------------------------------------------


def build_docx(paragraphs: list[str]) -> bytes:
    return docx_bytes(*paragraphs, title="保密协议")


def build_txt(paragraphs: list[str], encoding: str) -> bytes:
    return ("\r\n".join(paragraphs) + "\r\n").encode(encoding)


WRAP = 36  # characters per PDF line: the page wraps long paragraphs
PAGE_BREAKS = {"purpose", "personal_info"}  # articles that start a new page


def build_pdf(paragraphs: list[str]) -> bytes:
    """The agreement laid out as a reader sees it: wrapped lines, three pages."""
    breaks = {next(p for k, p in ARTICLES if k == key)[0] for key in PAGE_BREAKS}

    def draw(c) -> None:
        c.setFont(FONT, 11)
        y = 780
        for text in paragraphs:
            if text in breaks:
                c.showPage()
                c.setFont(FONT, 11)
                y = 780
            for start in range(0, len(text), WRAP):
                c.drawString(60, y, text[start : start + WRAP])
                y -= 16
                assert y > 40, "page overflow: add a page break"
            y -= 6
        c.showPage()

    return pdf_bytes(draw)


def test_docx_agreement() -> None:
    check = check_file(build_docx(agreement()), "保密协议_星河传媒_2025.docx")
    assert check.complete
    assert locations(check) == {key: f"段落 {n}" for key, n in HEADING_OF.items()}


def test_docx_without_personal_information_clause() -> None:
    check = check_file(build_docx(agreement(without="personal_info")), "保密协议.docx")
    assert check.missing == ["personal_info"]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_txt_agreement(encoding: str) -> None:
    check = check_file(build_txt(agreement(), encoding), "保密协议.txt")
    assert check.complete
    assert locations(check) == {key: f"第 {n} 行" for key, n in HEADING_OF.items()}


def test_txt_without_term_clause() -> None:
    check = check_file(build_txt(agreement(without="term"), "gbk"), "保密协议.txt")
    assert check.missing == ["term"]


def test_pdf_agreement() -> None:
    check = check_file(build_pdf(agreement()), "NDA-signed.pdf")
    assert check.complete
    assert locations(check) == {
        "definition": "第 1 页",
        "parties": "第 1 页",
        "purpose": "第 2 页",
        "term": "第 2 页",
        "return": "第 2 页",
        "personal_info": "第 3 页",
        "liability": "第 3 页",
    }


def test_pdf_without_liability_clause() -> None:
    check = check_file(build_pdf(agreement(without="liability")), "NDA-signed.pdf")
    assert check.missing == ["liability"]


# --- which files are agreements --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first_text", "expected"),
    [
        ("保密协议_星河传媒_2025.docx", "", True),
        ("NDA-signed.pdf", "", True),
        ("会议纪要.txt", "", False),
        ("scan_0012.pdf", "保密协议\n甲方（披露方）：北京星河传媒有限公司", True),
        ("scan_0013.pdf", "\n  保 密 承 诺 书  \n本人承诺……", True),
        ("Mutual Non-Disclosure Agreement.docx", "", True),
        ("confidentiality agreement - draft.docx", "", True),
        ("agenda.docx", "", False),
        ("客户/保密协议/会议纪要.txt", "", False),
        ("会议纪要.txt", "会议纪要\n会上讨论了保密协议的签署安排。", False),
    ],
)
def test_looks_like_agreement(name: str, first_text: str, expected: bool) -> None:
    assert looks_like_agreement(name, first_text) is expected


def test_english_agreement() -> None:
    paragraphs = [
        "Mutual Non-Disclosure Agreement",
        '1. "Confidential Information" means any non-public information disclosed by either '
        "party, including business plans and media lists.",
        "2. The Receiving Party shall ensure that its employees, agents and subcontractors "
        "who receive Confidential Information are bound by obligations no less strict.",
        "3. The Receiving Party shall use Confidential Information solely for the Project.",
        "4. Term. The obligations hereunder shall continue for three (3) years after the "
        "termination of this Agreement.",
        "5. Upon termination or request, the Receiving Party shall return or destroy all "
        "documents and copies containing Confidential Information.",
        "6. Any breach entitles the Disclosing Party to damages. Any dispute shall be "
        "submitted to the Shanghai International Arbitration Center.",
        "7. Personal information shall be processed only on the Disclosing Party's "
        "instructions in accordance with the PIPL and shall not leave the PRC without consent.",
    ]
    check = check_text([(f"段落 {n}", p) for n, p in enumerate(paragraphs, 1)])
    assert check.complete
    assert [c.location for c in check.clauses] == [f"段落 {n}" for n in range(2, 9)]
