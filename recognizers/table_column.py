"""PERSON, ORGANIZATION, CN_ADDRESS read the way a person reads a contact list.

A media list's 记者 column holds names with nothing else around them: no title,
no verb, no pattern. A person knows they are names because of the header. This
recognizer does the same for table cells (CSV/TSV, spreadsheets, Word and
PowerPoint tables, JSON keys): when the segment's external context (its column
header) names a person, an organisation or an address column, a cell whose
whole text has the right shape is reported as that entity.

Shapes (deliberately strict: a header alone must not turn every cell into a
finding): a person is 2-4 Han characters, a compound-surname name, a minority
name with ``·``, or a Latin "Given Family" name; an organisation is a Han name
of 4-60 characters; an address holds an administrative or street unit
(省 市 区 县 镇 乡 路 街 道 巷 号 楼 室 …). There is no check digit; the header is
the evidence, so candidates without such a header are dropped in the
recognizer's context hook, whichever engine runs it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.ner.candidate import ADDRESS, ORGANIZATION, PERSON
from recognizers.ner.lexicon import COMPOUND_SURNAMES, SURNAMES
from recognizers.normalize import to_halfwidth

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

HEADERS: dict[str, tuple[str, ...]] = {
    PERSON: (
        "姓名",
        "联系人",
        "聯繫人",
        "聯絡人",
        "记者",
        "記者",
        "负责人",
        "負責人",
        "对接人",
        "經辦人",
        "经办人",
        "嘉宾",
        "嘉賓",
        "作者",
        "编辑",
        "編輯",
        "主持人",
        "收件人",
        "发件人",
        "法定代表人",
        "法人代表",
        "name",
        "contact",
        "journalist",
        "reporter",
    ),
    ORGANIZATION: (
        "公司名称",
        "公司名稱",
        "客户名称",
        "客戶名稱",
        "单位名称",
        "單位名稱",
        "企业名称",
        "企業名稱",
        "公司",
        "单位",
        "單位",
        "媒体",
        "媒體",
        "机构",
        "機構",
        "客户",
        "客戶",
        "company",
        "organization",
        "organisation",
        "outlet",
    ),
    ADDRESS: (
        "地址",
        "住址",
        "通讯地址",
        "通訊地址",
        "办公地址",
        "辦公地址",
        "注册地址",
        "收货地址",
        "address",
    ),
}
# On a tie between header words of different types, the earlier type wins.
TIE_ORDER = (ADDRESS, PERSON, ORGANIZATION)
# A header about a number or a date is not a name column, whatever else it says:
# 组织机构代码, 联系人电话, 公司邮箱, 记者证号.
NOT_NAME_WORDS = (
    "代码",
    "代碼",
    "编号",
    "編號",
    "号码",
    "號碼",
    "账号",
    "帳號",
    "电话",
    "電話",
    "手机",
    "手機",
    "邮箱",
    "郵箱",
    "传真",
    "傳真",
    "日期",
    "时间",
    "時間",
    "金额",
    "金額",
    "编码",
    "證",
    "证",
    "qq",
    "微信",
    "id",
    "no.",
    "tel",
    "email",
    "e-mail",
)

_HAN = "\u4e00-\u9fff"
PERSON_SHAPE = re.compile(
    rf"[{_HAN}]{{2,4}}"  # 王芳, 欧阳雪, 司马相如
    rf"|[{_HAN}]{{1,6}}·[{_HAN}]{{1,8}}"  # 阿依古丽·买买提
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}"  # Zhang Wei, Mary Ann Lee
)
ORGANIZATION_SHAPE = re.compile(
    rf"(?=(?:.*[{_HAN}]){{2}})[{_HAN}A-Za-z0-9（）()·&\- ]{{4,60}}"  # at least two Han characters
    r"|[A-Z][A-Za-z&.,\-]*(?: [A-Za-z&.,\-]+){1,6}"  # Bluewhale Tech Co., Ltd.
)
ADDRESS_SHAPE = re.compile(rf"(?=.*[{_HAN}])(?=.*[省市区县镇乡路街道巷号楼室弄村]).{{4,120}}")
SHAPES = {PERSON: PERSON_SHAPE, ORGANIZATION: ORGANIZATION_SHAPE, ADDRESS: ADDRESS_SHAPE}
CANDIDATE_SCORE = 0.01  # below any threshold until a header confirms it
HEADER_SCORE = 0.85


class TableColumnRecognizer(EntityRecognizer):
    PRIORITY = 160
    SPECS = ()  # the types of its columns are declared by PersonOrgAddressRecognizer
    CATALOGUE: ClassVar[list[tuple[str, str, str]]] = [
        (
            PERSON,
            "自然人姓名（表格中“姓名/联系人/记者”等列）",
            "Person names (table columns headed 姓名, 联系人, 记者 …)",
        ),
        (
            ORGANIZATION,
            "机构名称（表格中“公司名称/单位/媒体”等列）",
            "Organisation names (table columns headed 公司名称, 单位, 媒体 …)",
        ),
        (
            ADDRESS,
            "地址（表格中“地址”等列）",
            "Postal addresses (table columns headed 地址 …)",
        ),
    ]
    REPORTS = tuple(e for e, _, _ in CATALOGUE)
    POSITIVE_EXAMPLES: ClassVar[list[tuple[str, str, str]]] = [
        ("欧阳雪", "记者", "欧阳雪"),
        ("深圳市蓝鲸科技股份有限公司", "公司名称", "深圳市蓝鲸科技股份有限公司"),
        (
            "北京市朝阳区建国路88号SOHO现代城A座1203室",
            "通讯地址",
            "北京市朝阳区建国路88号SOHO现代城A座1203室",
        ),
    ]
    NEGATIVE_EXAMPLES: ClassVar[list[tuple[str, str]]] = [
        ("欧阳雪", ""),  # a name-shaped cell without a header says nothing
        ("待定", "备注"),
        ("请于周五前回复确认参会", "姓名"),  # a sentence is not a name
    ]
    MAX_CELL = 120
    # Set by Presidio's constructor, whose assignment mypy cannot type.
    name: str

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[e for e, _, _ in self.CATALOGUE],
            name=type(self).__name__,
            supported_language="zh",
        )

    def load(self) -> None:
        pass

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        """Candidates: the whole (trimmed) cell, once per entity type its shape allows.
        A Han name must also begin with a surname: a 负责人 column holds roles too
        (主持人, 产品团队). Shapes are tested on the half-width form, as Presidio's
        engine path sees the cell, so both paths agree on ``一〇一Ａ``."""
        if len(text) > self.MAX_CELL:
            return []
        value = text.strip()
        if not value:
            return []
        start = text.index(value)
        shaped = to_halfwidth(value)
        return [
            RecognizerResult(
                entity,
                start,
                start + len(value),
                CANDIDATE_SCORE,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for entity, shape in SHAPES.items()
            if entity in entities
            and shape.fullmatch(shaped)
            and (entity != PERSON or _starts_with_surname(shaped))
        ]

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Keep a candidate only under a header of its own type, at the header's score."""
        column = column_entity(context)
        kept = []
        for result in raw_recognizer_results:
            if result.entity_type == column:
                result.score = HEADER_SCORE
                kept.append(result)
        return kept


def _starts_with_surname(name: str) -> bool:
    """True for a Latin or ·-joined name, or a Han name that starts with a surname."""
    if not "\u4e00" <= name[0] <= "\u9fff" or "·" in name:
        return True
    return name[:2] in COMPOUND_SURNAMES or name[0] in SURNAMES


def column_entity(context: list[str] | None) -> str | None:
    """The entity type a column header announces: the longest header word wins
    (客户联系人 is a person column, 公司地址 an address column)."""
    best: tuple[int, int, str] | None = None
    for header in context or ():
        label = header.strip().lower()
        if any(word in label for word in NOT_NAME_WORDS):
            continue
        for rank, entity in enumerate(TIE_ORDER):
            for word in HEADERS[entity]:
                if word in label:
                    candidate = (len(word), -rank, entity)
                    best = candidate if best is None or candidate > best else best
    return best[2] if best else None
