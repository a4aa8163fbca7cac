"""PERSON / ORGANIZATION / CN_ADDRESS in free Chinese text: CRF + rules, exact spans."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from recognizers.ner import dataset, features
from recognizers.ner.crf import (
    MAX_CHUNK,
    MODEL_PATH,
    ChineseCrf,
    _FastTables,
    chunks,
    model_digest,
    tables_path,
)
from recognizers.person_org_address import (
    CRF_SCORE,
    RULE_SCORE,
    PersonOrgAddressRecognizer,
)
from recognizers.registry import build_recognizers
from scanner.scan.analyze import Analyzer
from tests.recognizers.conftest import MIN_SCORE

TYPES = ("PERSON", "ORGANIZATION", "CN_ADDRESS")


@pytest.fixture(scope="module")
def recognizer() -> PersonOrgAddressRecognizer:
    r = PersonOrgAddressRecognizer()
    r.load()
    return r


@pytest.fixture(scope="module")
def ner_analyzer(recognizer) -> Analyzer:
    """Every registered recognizer plus this one, as the registry will build it."""
    return Analyzer([*build_recognizers([]), recognizer], min_score=MIN_SCORE)


def found(ner_analyzer: Analyzer, text: str) -> list[tuple[str, str]]:
    """(type, value) of the PERSON / ORGANIZATION / CN_ADDRESS findings, in text order,
    each value checked against its offsets."""
    out = []
    for d in ner_analyzer.analyze(text):
        assert d.value == text[d.start : d.end]
        if d.entity_type in TYPES:
            out.append((d.entity_type, d.value))
    return out


# --- the recognizer's own examples -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity", "expected"), PersonOrgAddressRecognizer.POSITIVE_EXAMPLES
)
def test_positive_examples(ner_analyzer, text, entity, expected):
    assert (entity, expected) in found(ner_analyzer, text)
    start = text.index(expected)
    spans = [(d.start, d.end) for d in ner_analyzer.analyze(text) if d.entity_type == entity]
    assert (start, start + len(expected)) in spans


@pytest.mark.parametrize("text", PersonOrgAddressRecognizer.NEGATIVE_EXAMPLES)
def test_negative_examples(ner_analyzer, text):
    assert found(ner_analyzer, text) == []


def test_examples_are_enough():
    assert len(PersonOrgAddressRecognizer.POSITIVE_EXAMPLES) >= 2
    assert len(PersonOrgAddressRecognizer.NEGATIVE_EXAMPLES) >= 2


# --- the hard cases of the issue -------------------------------------------------------------

HARD_CASES = [
    # compound surnames
    ("联系人：欧阳雪，电话010-65881234", [("PERSON", "欧阳雪")]),
    ("司马相如是汉代文学家", [("PERSON", "司马相如")]),
    ("项目负责人：上官婉清，对接人：诸葛明", [("PERSON", "上官婉清"), ("PERSON", "诸葛明")]),
    # minority and transliterated names with a middle dot
    (
        "嘉宾：阿依古丽·买买提（新疆大学）",
        [("PERSON", "阿依古丽·买买提"), ("ORGANIZATION", "新疆大学")],
    ),
    # a title after a name is not part of it; a surname with a title is no name
    ("请与张伟经理确认发布会流程", [("PERSON", "张伟")]),
    ("感谢王芳女士的支持", [("PERSON", "王芳")]),
    ("王总下午到公司，请提前准备会议室。", []),
    ("李经理和王总都同意了", []),
    # lists after a label
    ("参会人员：张伟、王芳、刘洋", [("PERSON", "张伟"), ("PERSON", "王芳"), ("PERSON", "刘洋")]),
    ("记者李明华报道", [("PERSON", "李明华")]),
    # organisations
    ("客户为腾讯科技（深圳）有限公司", [("ORGANIZATION", "腾讯科技（深圳）有限公司")]),
    (
        "我们与客户深圳市蓝鲸科技股份有限公司签约",
        [("ORGANIZATION", "深圳市蓝鲸科技股份有限公司")],
    ),
    (
        "北京星河传媒有限公司北京分公司于今日成立",
        [("ORGANIZATION", "北京星河传媒有限公司北京分公司")],
    ),
    (
        "邀请南方日报和深圳电视台参加",
        [("ORGANIZATION", "南方日报"), ("ORGANIZATION", "深圳电视台")],
    ),
    ("北京协和医院的专家团队将参与健康讲座。", [("ORGANIZATION", "北京协和医院")]),
    ("该公司表示将按期交付", []),
    # addresses
    (
        "地址：北京市朝阳区建国路88号SOHO现代城A座1203室",
        [("CN_ADDRESS", "北京市朝阳区建国路88号SOHO现代城A座1203室")],
    ),
    ("活动地点：深圳市南山区科技园", [("CN_ADDRESS", "深圳市南山区科技园")]),
    (
        "乙方注册地址：北京市海淀区中关村大街27号中关村大厦9层",
        [("CN_ADDRESS", "北京市海淀区中关村大街27号中关村大厦9层")],
    ),
    (
        "我们的办公室搬到了上海市静安区南京西路1266号恒隆广场二期35楼。",
        [("CN_ADDRESS", "上海市静安区南京西路1266号恒隆广场二期35楼")],
    ),
    ("下周去北京出差", []),  # a bare place is no postal address
    # exact edges: no line break, blank or sentence bracket inside a finding
    ("会议记录人：赵磊\n审核：", [("PERSON", "赵磊")]),
    ("（对接人：陈静）", [("PERSON", "陈静")]),
    # a remark in brackets ends the address; the road after it is one of its own
    (
        "北京市朝阳区（近国贸）建国路88号",
        [("CN_ADDRESS", "北京市朝阳区"), ("CN_ADDRESS", "建国路88号")],
    ),
    ("企业类型：股份有限公司", []),  # a legal form is no company
    # words of the trade and a firm's own departments are no organisations
    ("请财务部和公共事务部确认KOL报价", []),
    ("外交部发言人在记者会上回应", [("ORGANIZATION", "外交部")]),
    ("现场布置易拉宝两个", []),
    # words that look like names
    ("今年品牌声量增长率高达百分之三十", []),
    ("金融行业客户重视文明礼仪培训", []),
]


@pytest.mark.parametrize(("text", "expected"), HARD_CASES)
def test_hard_cases(ner_analyzer, text, expected):
    assert found(ner_analyzer, text) == expected


def test_rule_confirmed_and_crf_only_scores(recognizer):
    results = recognizer.analyze("联系人：张伟，手机请见附件", list(TYPES))
    assert [(r.entity_type, r.score) for r in results] == [("PERSON", RULE_SCORE)]
    # a dotted phrase no label or CRF supports is left alone
    assert recognizer.analyze("新品听雨·汉服娃娃上市", list(TYPES)) == []
    assert 0.5 <= CRF_SCORE < RULE_SCORE


def test_one_finding_per_name(recognizer):
    text = "本次发布会由北京星河传媒有限公司主办，联系人欧阳雪经理，地址北京市朝阳区建国路88号。"
    results = recognizer.analyze(text, list(TYPES))
    spans = sorted((r.start, r.end) for r in results)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
    values = [(r.entity_type, text[r.start : r.end]) for r in results]
    assert values == [
        ("ORGANIZATION", "北京星河传媒有限公司"),
        ("PERSON", "欧阳雪"),
        ("CN_ADDRESS", "北京市朝阳区建国路88号"),
    ]


def test_entities_argument_filters(recognizer):
    text = "联系人：张伟，公司：北京星河传媒有限公司"
    assert [r.entity_type for r in recognizer.analyze(text, ["ORGANIZATION"])] == ["ORGANIZATION"]
    assert recognizer.analyze(text, ["PHONE_NUMBER"]) == []


# --- offsets ---------------------------------------------------------------------------------


def test_offsets_survive_normalisation(ner_analyzer):
    # full-width letters, an NFKC expansion (㈱ → (株)) and a ligature before the name:
    # the CRF reads a normalised copy of the same length
    text = "㈱ﬁＡＢＣ　联系人：张伟，北京星河传媒有限公司"
    assert len(features.normalise(text)) == len(text)
    assert found(ner_analyzer, text) == [
        ("PERSON", "张伟"),
        ("ORGANIZATION", "北京星河传媒有限公司"),
    ]


@pytest.mark.slow
def test_long_text_is_cut_and_offsets_stay_exact(recognizer):
    paragraph = "会议纪要：联系人张伟经理确认，北京星河传媒有限公司负责执行。" * 3
    text = "\n".join([paragraph] * 400) + "无标点的长句" * 100
    results = recognizer.analyze(text, list(TYPES))
    values = {(r.entity_type, text[r.start : r.end]) for r in results}
    assert values == {("PERSON", "张伟"), ("ORGANIZATION", "北京星河传媒有限公司")}
    assert sum(r.entity_type == "PERSON" for r in results) == 1200
    assert all(e - s <= MAX_CHUNK for s, e in chunks(text))


def test_chunks_skip_text_without_han():
    text = "abc 123\n联系人：张伟，手机13812345678。\n\n\nhello"
    assert [text[s:e] for s, e in chunks(text)] == ["联系人：张伟，", "手机13812345678。\n\n\n"]


# --- the two tagging paths agree -------------------------------------------------------------


def test_fast_path_equals_crfsuite(recognizer):
    crf: ChineseCrf = recognizer.crf
    business = Path(__file__).parents[2] / "bench" / "data" / "ner_business.jsonl"
    texts = [json.loads(line)["text"] for line in business.read_text("utf-8").splitlines()]
    texts += [t for t, _, _ in PersonOrgAddressRecognizer.POSITIVE_EXAMPLES]
    batch = crf.spans_batch(texts)
    for text, spans in zip(texts, batch, strict=True):
        assert spans == crf.tag_with_crfsuite(text), text
        assert spans == crf.spans(text), text


def test_the_shipped_tables_are_the_models_weights(recognizer):
    """zh_crf.tables.npz (written by make model) holds exactly what crfsuite's dump of
    zh_crf.model gives; a stale file would fail here before it could tag anything."""
    loaded = recognizer.crf.fast
    assert tables_path(MODEL_PATH).is_file()
    read = _FastTables.from_tagger(recognizer.crf.tagger)
    assert loaded.labels == read.labels
    for name in ("transitions", "weights", "masks", "bigram_keys", "_class_table"):
        assert np.array_equal(getattr(loaded, name), getattr(read, name)), name


def test_tables_of_another_model_are_not_used(tmp_path, monkeypatch):
    model = tmp_path / "zh_crf.model"
    model.write_bytes(MODEL_PATH.read_bytes())
    tables = tables_path(model)
    tables.write_bytes(tables_path(MODEL_PATH).read_bytes())
    assert ChineseCrf(model).fast.weights.shape  # same model: loaded
    model.write_bytes(MODEL_PATH.read_bytes() + b"\0")  # another model now
    built = []
    real = _FastTables.from_tagger.__func__

    def spy(cls, tagger):
        built.append(tagger)
        return real(cls, tagger)

    monkeypatch.setattr(_FastTables, "from_tagger", classmethod(spy))
    crf = ChineseCrf(model)
    assert len(built) == 1  # the stale tables were refused and the model read instead
    assert crf.spans("联系人张伟") == [(3, 5, "PERSON")]
    crf.write_tables()
    assert _FastTables.load(tables, model_digest(model)) is not None


def test_fast_path_and_presidio_engine_agree(ner_analyzer):
    for text, _ in HARD_CASES:
        assert ner_analyzer.analyze(text) == ner_analyzer.analyze_with_engine(text), text


def test_analyze_many_equals_analyze(recognizer):
    texts = [t for t, _ in HARD_CASES]
    many = recognizer.analyze_many(texts, list(TYPES))
    for text, results in zip(texts, many, strict=True):
        single = recognizer.analyze(text, list(TYPES))
        assert [(r.entity_type, r.start, r.end, r.score) for r in results] == [
            (r.entity_type, r.start, r.end, r.score) for r in single
        ]


# --- the data split ---------------------------------------------------------------------------


def test_split_is_deterministic_and_disjoint(tmp_path):
    rows = [{"text": f"第{i}句张伟在北京", "entities": [[3, 5, "PER"]]} for i in range(200)]
    (tmp_path / "news.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    (tmp_path / "msra_val.jsonl").write_text(
        json.dumps({"text": "第0句张伟在北京", "entities": []}, ensure_ascii=False),
        encoding="utf-8",
    )
    first = dataset.split(dataset.data_files(tmp_path), held_out=("msra_val",))
    again = dataset.split(dataset.data_files(tmp_path), held_out=("msra_val",))
    assert [s.text for s in first.train] == [s.text for s in again.train]
    assert not {s.text for s in first.train} & {s.text for s in first.validation}
    assert first.dropped_duplicates >= 1  # 第0句… is also in the held-out file
    news_validation = [s for s in first.validation if s.source == "news"]
    assert 5 <= len(news_validation) <= 40  # about 10%
    assert first.train[0].spans == ((3, 5, "PERSON"),)


def test_bio_round_trip():
    sentence = dataset.Sentence(
        "x", "张伟在北京星河传媒", ((0, 2, "PERSON"), (3, 9, "ORGANIZATION"))
    )
    tags = dataset.bio_tags(sentence)
    assert dataset.spans_from_tags(tags) == list(sentence.spans)
