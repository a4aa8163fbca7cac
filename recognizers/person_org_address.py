"""PERSON, ORGANIZATION and CN_ADDRESS in free Chinese text: a CRF plus rules.

The statistical part is the character CRF of ``recognizers/ner`` (trained on
news-style data, see ``recognizers/ner/MODEL_CARD.md``). On its own it reports
at ``CRF_SCORE`` (0.6). High-precision rules find what a PR firm's documents
spell out and fix the CRF's boundaries; a span a rule produced or confirmed
scores ``RULE_SCORE`` (0.85):

* PERSON: a name after a label (联系人：张伟, 记者 李娜, 负责人王芳; lists
  联系人：张伟、王芳), a name before a title (张伟经理 → 张伟; 王总 alone is no
  name: a surname and a title), compound surnames (欧阳雪, 司马相如, also
  completing a CRF span that cut one), names with a middle dot (阿依古丽·买买提).
  Two-character words that start with a surname (高达, 金融, 文明) are never names.
* ORGANIZATION: a strong suffix (…有限公司, …股份有限公司, …集团, …银行, …大学,
  …医院, …日报, …电视台, …协会, …委员会 …) with a trade name before it, which may
  hold a bracketed place (…科技（深圳）有限公司) and be followed by a branch
  (…有限公司北京分公司); the start is the CRF's when it agrees, else where the
  name stops (punctuation, a function word, a lead-in such as 客户 or 甲方).
  Well-known organisations named without a suffix (澎湃新闻, 字节跳动, 工信部, 港交所,
  复旦) come from a hand-written list, ambiguous words (小米, 苹果) only with
  organisation context (``recognizers/ner/known_organisations.py``).
* CN_ADDRESS: the administrative hierarchy — a province, city or county name
  (from the cpca package's adcode table) followed by further levels, roads,
  numbers, buildings and rooms (北京市朝阳区建国路88号SOHO现代城A座1203室), or
  partial ones of at least two parts (深圳市南山区科技园); a road with a number
  (建国路88号) also starts one. A bare place name (北京, 台湾) is not a postal
  address and is not reported, even when the CRF tags it.

The rules live in ``recognizers/ner/`` (``rules.py``: the person rules and the
merge; ``organisation_rules.py``, ``address_rules.py``). They and the CRF are loaded
when the recognizer is (``load``), so that reading the entity catalogue (``baomi
entities``, a ``--no-ner`` scan) does not compile them. Offsets are exact character
offsets into the text analysed; one name yields one finding.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.catalogue import BUSINESS, CONTAINS, PERSONAL, YIELDS, EntitySpec, compact_code
from recognizers.ner.candidate import (
    ADDRESS,
    CRF_SCORE,
    HAS_HAN,
    ORGANIZATION,
    PERSON,
    RULE_SCORE,
    Candidate,
)

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

    from recognizers.ner.crf import ChineseCrf
    from recognizers.ner.rules import Keywords

__all__ = ["CRF_SCORE", "RULE_SCORE", "PersonOrgAddressRecognizer"]


class PersonOrgAddressRecognizer(EntityRecognizer):
    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON, ORGANIZATION, ADDRESS)
    PRIORITY = 170
    SPECS = (
        EntitySpec(
            PERSON,
            "自然人姓名（正文中的联系人、记者等，以及表格“姓名/联系人”列）",
            "Person names in free text and in name columns",
            PERSONAL,
            label="联系人",
            identity=True,
            name_like=True,
            client_overlap=YIELDS,
        ),
        EntitySpec(
            ORGANIZATION,
            "机构名称（公司、政府机关、媒体、高校、医院、协会）",
            "Organisations: companies, government bodies, media, universities, hospitals",
            BUSINESS,
            label="机构",
            identity=True,
            lettered=True,
            name_like=True,
            readable_in_paths=True,
            client_overlap=CONTAINS,
        ),
        EntitySpec(
            ADDRESS,
            "通讯地址（省市区县至门牌、房间号，含部分地址）",
            "Postal addresses, province down to room number, partial ones included",
            PERSONAL,
            label="地址",
            identity=True,
            client_overlap=CONTAINS,
            normalise=compact_code,
        ),
    )
    # (text, entity type, the exact substring that must be reported)
    POSITIVE_EXAMPLES: ClassVar[list[tuple[str, str, str]]] = [
        ("联系人：张伟，手机请见附件", PERSON, "张伟"),
        ("请与张伟经理确认发布会流程", PERSON, "张伟"),
        ("本次专访由欧阳雪负责协调", PERSON, "欧阳雪"),
        ("嘉宾阿依古丽·买买提将出席论坛", PERSON, "阿依古丽·买买提"),
        ("甲方：深圳市蓝鲸科技股份有限公司", ORGANIZATION, "深圳市蓝鲸科技股份有限公司"),
        ("客户为腾讯科技（深圳）有限公司", ORGANIZATION, "腾讯科技（深圳）有限公司"),
        ("邀请南方日报和深圳电视台参加", ORGANIZATION, "南方日报"),
        (
            "办公地址：北京市朝阳区建国路88号SOHO现代城A座1203室",
            ADDRESS,
            "北京市朝阳区建国路88号SOHO现代城A座1203室",
        ),
        ("活动在深圳市南山区科技园举行", ADDRESS, "深圳市南山区科技园"),
    ]
    NEGATIVE_EXAMPLES: ClassVar[list[str]] = [
        "王总下午到",  # a surname and a title: not a name on its own
        "增长率高达百分之三十",  # 高达 is a word
        "金融行业的文明建设",  # 金融, 文明
        "我们下周去北京",  # a bare place is no postal address
        "该公司表示将按期交付",  # no trade name
    ]

    _crf: ClassVar[ChineseCrf | None] = None
    _keywords: ClassVar[Keywords | None] = None
    _load_lock: ClassVar[threading.Lock] = threading.Lock()
    # Set by Presidio's constructor, whose assignment mypy cannot type.
    name: str

    def __init__(self, crf: ChineseCrf | None = None) -> None:
        self._own_crf = crf
        super().__init__(
            supported_entities=list(self.ENTITIES),
            name=type(self).__name__,
            supported_language="zh",
        )

    def load(self) -> None:
        """Load the CRF and the rule vocabulary once per process (shared by instances)."""
        from recognizers.ner.crf import ChineseCrf
        from recognizers.ner.rules import Keywords

        cls = type(self)
        with cls._load_lock:
            if self._own_crf is None and cls._crf is None:
                cls._crf = ChineseCrf()
            if cls._keywords is None:
                cls._keywords = Keywords()

    @property
    def crf(self) -> ChineseCrf:
        if self._own_crf is not None:
            return self._own_crf
        crf = type(self)._crf
        if crf is None:
            self.load()
            crf = type(self)._crf
        assert crf is not None
        return crf

    @property
    def keywords(self) -> Keywords:
        keywords = type(self)._keywords
        if keywords is None:
            self.load()
            keywords = type(self)._keywords
        assert keywords is not None
        return keywords

    # --- Presidio interface -------------------------------------------------------------

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        return self.analyze_many([text], entities)[0]

    def analyze_many(
        self, texts: Sequence[str], entities: Iterable[str] | None = None
    ) -> list[list[RecognizerResult]]:
        """``analyze`` for several texts at once: their sentences go through the CRF
        together, which is several times faster than one call per short text."""
        wanted = set(entities or self.ENTITIES) & set(self.ENTITIES)
        out: list[list[RecognizerResult]] = [[] for _ in texts]
        if not wanted:
            return out
        # traditional characters (張克佳, 董事長) read as simplified; offsets are unchanged
        from recognizers.ner.traditional import to_simplified

        views = {i: to_simplified(text) for i, text in enumerate(texts) if HAS_HAN.search(text)}
        crf_spans = self.crf.spans_batch(list(views.values()))
        for (i, view), spans in zip(views.items(), crf_spans, strict=True):
            out[i] = [self._result(c) for c in self.candidates(view, spans) if c.entity in wanted]
        return out

    def _result(self, candidate: Candidate) -> RecognizerResult:
        return RecognizerResult(
            candidate.entity,
            candidate.start,
            candidate.end,
            candidate.score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "rule": candidate.rule,
            },
        )

    # --- combining --------------------------------------------------------------------

    def candidates(self, text: str, crf_spans: Sequence[tuple[int, int, str]]) -> list[Candidate]:
        """Rule and CRF candidates of one text, merged: one finding per name."""
        from recognizers.ner import rules

        return rules.candidates(text, crf_spans, self.keywords)
