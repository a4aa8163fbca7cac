"""The character-window context enhancer (recognizers.context.CharWindowContextEnhancer).

Presidio's stock LemmaContextAwareEnhancer is only the baseline here: with the
no-model NLP engine there are no lemmas, so for Chinese text it never raises a
score. These tests are about our enhancer doing what the stock one cannot.
"""

from __future__ import annotations

import copy

import pytest
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from recognizers.base import BaomiPatternRecognizer
from recognizers.checksums import is_valid_org_code
from recognizers.cn_bank_card import CnBankCardRecognizer
from recognizers.cn_org_code import CnOrgCodeRecognizer
from recognizers.cn_phone import CnPhoneRecognizer
from recognizers.cn_uscc import CnUsccRecognizer
from recognizers.context import DEFAULT_AFTER, DEFAULT_BEFORE, CharWindowContextEnhancer
from recognizers.registry import LANGUAGE, PATTERN_RECOGNIZERS
from tests.recognizers.conftest import make_luhn, make_uscc, score_of

K = "CN_BANK_CARD"
P = "PHONE_NUMBER"
CARD = make_luhn("622202123456789012")  # UnionPay, 0.55 without context
LANDLINE = "0755-86661234"  # 0.6 without context
WEAK_USCC = next(  # right GB 32100 check, wrong embedded org code: 0.45 without context
    u
    for u in (make_uscc("91440300MA5DXXXX" + c) for c in "0123456789")
    if not is_valid_org_code(u[8:17])
)


# ---------------------------------------------------------------- through the analyzer


@pytest.mark.parametrize(
    ("entity", "plain", "with_context", "expected_plain", "expected_context"),
    [
        (K, CARD, "卡号" + CARD, 0.55, 0.9),
        (K, CARD, "开户行：招商银行 账号 " + CARD, 0.55, 0.9),
        (K, CARD, CARD + "（银行卡）", 0.55, 0.9),  # context after the number
        (P, LANDLINE, "座机：" + LANDLINE, 0.6, 0.95),
        (P, LANDLINE, "联系电话 " + LANDLINE, 0.6, 0.95),
        (P, LANDLINE, "TEL: " + LANDLINE, 0.6, 0.95),  # Latin words case-insensitively
        (P, LANDLINE, "ＴＥＬ：" + LANDLINE, 0.6, 0.95),  # and typed full-width
        (P, "13812345678", "手机13812345678", 0.75, 1.0),  # capped at 1.0
    ],
)
def test_context_word_nearby_raises_the_score(
    analyzer, entity, plain, with_context, expected_plain, expected_context
):
    assert score_of(analyzer, plain, entity) == pytest.approx(expected_plain)
    assert score_of(analyzer, with_context, entity) == pytest.approx(expected_context)
    assert score_of(analyzer, with_context, entity) > score_of(analyzer, plain, entity)


def test_same_scores_through_presidio_engine(analyzer):
    for text in ("卡号" + CARD, CARD, "座机：" + LANDLINE, LANDLINE):
        assert analyzer.analyze(text) == analyzer.analyze_with_engine(text)


def test_column_header_raises_the_score(analyzer):
    assert score_of(analyzer, CARD, K, context=("银行卡号",)) == pytest.approx(0.9)
    assert score_of(analyzer, LANDLINE, P, context=("联系电话",)) == pytest.approx(0.95)
    assert score_of(analyzer, CARD, K, context=("备注",)) == pytest.approx(0.55)


def test_other_recognizers_words_do_not_count(analyzer):
    assert score_of(analyzer, "邮箱 " + LANDLINE, P) == pytest.approx(0.6)
    assert score_of(analyzer, "手机 " + CARD, K) == pytest.approx(0.55)


def test_context_lifts_a_weak_uscc_over_the_threshold(analyzer):
    assert score_of(analyzer, WEAK_USCC, "CN_USCC") == 0.0  # 0.45 < 0.5: not reported
    assert score_of(analyzer, "税号" + WEAK_USCC, "CN_USCC") == pytest.approx(0.8)


# ---------------------------------------------------------------- window bounds

FILL = "的"  # a filler character that is part of no context word and no identifier


def _gap_before(gap: int) -> str:
    return "电话" + FILL * gap + LANDLINE


def _gap_after(gap: int) -> str:
    return LANDLINE + FILL * gap + "电话"


@pytest.mark.parametrize("gap", [0, 1, DEFAULT_BEFORE - 1, DEFAULT_BEFORE])
def test_word_ending_within_the_before_window_counts(analyzer, gap):
    assert score_of(analyzer, _gap_before(gap), P) == pytest.approx(0.95)


@pytest.mark.parametrize("gap", [0, 1, DEFAULT_AFTER])
def test_word_starting_within_the_after_window_counts(analyzer, gap):
    assert score_of(analyzer, _gap_after(gap), P) == pytest.approx(0.95)


REACH_BUG = (
    "window_has_context widens both windows by the LONGEST context word's length (reach), "
    "so a short word counts up to before + reach - len(word) characters away; its docstring "
    "(and the recognizers' CONTEXT_BEFORE/AFTER) say a word counts when it ends at most "
    "`before` characters before the match / starts at most `after` characters after it"
)


@pytest.mark.parametrize(
    "gap",
    [
        (DEFAULT_BEFORE + 1),  # 电话 (2) vs mobile (6): counts up to gap 20
        DEFAULT_BEFORE + 10,
    ],
)
def test_word_beyond_the_before_window_does_not_count(analyzer, gap):
    assert score_of(analyzer, _gap_before(gap), P) == pytest.approx(0.6)


@pytest.mark.parametrize("gap", [(DEFAULT_AFTER + 1), DEFAULT_AFTER + 10])
def test_word_beyond_the_after_window_does_not_count(analyzer, gap):
    assert score_of(analyzer, _gap_after(gap), P) == pytest.approx(0.6)


# ---------------------------------------------------------------- ours vs Presidio's stock enhancer


@pytest.fixture(scope="module")
def noop_nlp():
    engine = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "no_op"}])
    engine.load()
    return engine


CASES = [
    (CnBankCardRecognizer, "开户行：招商银行 卡号" + CARD),
    (CnBankCardRecognizer, "银行卡" + CARD),
    (CnPhoneRecognizer, "座机：" + LANDLINE),
    (CnPhoneRecognizer, "传真" + LANDLINE),
    (CnUsccRecognizer, "统一社会信用代码" + WEAK_USCC),
    (CnOrgCodeRecognizer, "组织机构代码：60003734-1"),
]


def _raw(recognizer: BaomiPatternRecognizer, text: str):
    results = recognizer.analyze(text, [recognizer.ENTITY], None)
    assert len(results) == 1, results
    return results


@pytest.mark.parametrize(("cls", "text"), CASES, ids=[f"{c.__name__}-{t}" for c, t in CASES])
def test_char_window_enhancer_raises_where_lemma_enhancer_does_not(cls, text, noop_nlp):
    recognizer = cls()
    raw = _raw(recognizer, text)
    base = raw[0].score

    artifacts = noop_nlp.process_text(text, LANGUAGE)
    lemma = LemmaContextAwareEnhancer()
    for nlp_artifacts in (artifacts, None):
        stock = lemma.enhance_using_context(text, copy.deepcopy(raw), nlp_artifacts, [recognizer])
        assert [r.score for r in stock] == [base]

    ours = CharWindowContextEnhancer().enhance_using_context(
        text, copy.deepcopy(raw), None, [recognizer], None
    )
    assert ours[0].score == pytest.approx(min(base + 0.35, 1.0))
    assert ours[0].score > base


def test_enhancer_without_context_word_leaves_score(noop_nlp):
    recognizer = CnBankCardRecognizer()
    raw = _raw(recognizer, "备注" + CARD)
    ours = CharWindowContextEnhancer().enhance_using_context(
        "备注" + CARD, copy.deepcopy(raw), None, [recognizer], None
    )
    assert ours[0].score == raw[0].score


def test_enhancer_uses_external_context():
    recognizer = CnBankCardRecognizer()
    raw = _raw(recognizer, CARD)
    ours = CharWindowContextEnhancer().enhance_using_context(
        CARD, copy.deepcopy(raw), None, [recognizer], ["收款账户"]
    )
    assert ours[0].score == pytest.approx(0.9)


def test_enhancer_raises_once_only():
    recognizer = CnBankCardRecognizer()
    text = "卡号" + CARD
    results = copy.deepcopy(_raw(recognizer, text))
    enhancer = CharWindowContextEnhancer()
    enhancer.enhance_using_context(text, results, None, [recognizer], None)
    enhancer.enhance_using_context(text, results, None, [recognizer], None)
    assert results[0].score == pytest.approx(0.9)


def test_enhancer_factor_and_floor():
    recognizer = CnBankCardRecognizer()
    text = "卡号" + CARD
    raised = CharWindowContextEnhancer(context_similarity_factor=0.1).enhance_using_context(
        text, copy.deepcopy(_raw(recognizer, text)), None, [recognizer], None
    )
    assert raised[0].score == pytest.approx(0.65)
    floored = CharWindowContextEnhancer(
        context_similarity_factor=0.0, min_score_with_context_similarity=0.7
    ).enhance_using_context(text, copy.deepcopy(_raw(recognizer, text)), None, [recognizer], None)
    assert floored[0].score == pytest.approx(0.7)


def test_enhancer_ignores_results_of_unknown_recognizers():
    known, other = CnBankCardRecognizer(), CnPhoneRecognizer()
    text = "卡号" + CARD
    raw = _raw(known, text)
    ours = CharWindowContextEnhancer().enhance_using_context(
        text, copy.deepcopy(raw), None, [other], None
    )
    assert ours[0].score == raw[0].score


@pytest.mark.parametrize("cls", PATTERN_RECOGNIZERS, ids=lambda c: c.__name__)
def test_every_context_word_fits_the_window_with_a_label_separator(cls):
    # "Label: 1234…": a context word plus ": " must fit within the window before the match
    recognizer = cls()
    for word in cls.CONTEXT:
        text = word + ": " + "X"
        start = len(text) - 1
        assert recognizer.has_context(text, start, start + 1), (cls.__name__, word)
