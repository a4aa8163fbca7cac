"""Every registered recognizer ships working examples.

One generic test, parametrized over ``PATTERN_RECOGNIZERS`` plus the client
registry recognizer (run with its ``EXAMPLE_CLIENTS``). A new recognizer added
to the registry is picked up here without touching this file.
"""

from __future__ import annotations

import pytest

from recognizers.client_registry import ClientRegistryRecognizer
from recognizers.registry import PATTERN_RECOGNIZERS, build_recognizers, entity_catalogue
from scanner.scan.analyze import Analyzer
from tests.recognizers.conftest import MIN_SCORE

RECOGNIZER_CLASSES = [*PATTERN_RECOGNIZERS, ClientRegistryRecognizer]

# Known shortfalls, one entry per class; strict, so fixing them turns the run red
# until the mark is removed.
KNOWN_BUGS: dict[str, str] = {}


def _param(cls):
    marks = (
        [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[cls.__name__])]
        if (cls.__name__ in KNOWN_BUGS)
        else []
    )
    return pytest.param(cls, id=cls.__name__, marks=marks)


@pytest.fixture(scope="module")
def example_analyzer() -> Analyzer:
    """Every recognizer, with the client registry recognizer's example clients loaded."""
    clients = ClientRegistryRecognizer.EXAMPLE_CLIENTS
    return Analyzer(build_recognizers(clients), min_score=MIN_SCORE)


def test_registry_covers_every_entity_once():
    # two recognizers may report one type (PHONE_NUMBER: Chinese and international
    # numbers); the catalogue lists each type once
    catalogue = [entity for entity, _, _ in entity_catalogue()]
    assert len(catalogue) == len(set(catalogue))
    assert {cls.ENTITY for cls in RECOGNIZER_CLASSES} <= set(catalogue)


@pytest.mark.parametrize("cls", [_param(cls) for cls in RECOGNIZER_CLASSES])
def test_recognizer_examples(cls, example_analyzer):
    entity = cls.ENTITY
    problems: list[str] = []

    for text, expected in cls.POSITIVE_EXAMPLES:
        # (b) a finding of this type whose value is exactly the expected substring
        assert expected in text, f"example is inconsistent: {expected!r} not in {text!r}"
        start = text.index(expected)
        found = example_analyzer.analyze(text)
        hits = [(d.start, d.end, d.value) for d in found if d.entity_type == entity]
        if (start, start + len(expected), expected) not in hits:
            problems.append(f"positive {text!r}: expected {expected!r} at {start}, got {hits}")
        # (d) fast path and Presidio's engine agree
        if found != example_analyzer.analyze_with_engine(text):
            problems.append(f"positive {text!r}: analyze and analyze_with_engine differ")

    for text in cls.NEGATIVE_EXAMPLES:
        # (c) nothing of this type
        found = example_analyzer.analyze(text)
        hits = [(d.start, d.end, d.value) for d in found if d.entity_type == entity]
        if hits:
            problems.append(f"negative {text!r}: reported {hits}")
        if found != example_analyzer.analyze_with_engine(text):
            problems.append(f"negative {text!r}: analyze and analyze_with_engine differ")

    assert not problems, "\n".join(problems)

    # (a) checked last, so a class short of examples still has the ones it has run above
    assert len(cls.POSITIVE_EXAMPLES) >= 2, f"{cls.__name__}: fewer than 2 POSITIVE_EXAMPLES"
    assert len(cls.NEGATIVE_EXAMPLES) >= 2, f"{cls.__name__}: fewer than 2 NEGATIVE_EXAMPLES"


# ---------------------------------------------------------------- batches


def _table_texts() -> list[str]:
    """Every text of every recognizer module's POSITIONS table (bug rows included)."""
    import importlib

    texts: list[str] = []
    for name in (
        "test_cn_phone",
        "test_email_address",
        "test_cn_uscc",
        "test_cn_org_code",
        "test_cn_business_reg_no",
        "test_cn_resident_id",
        "test_cn_passport",
        "test_cn_bank_card",
        "test_wechat_id",
        "test_qq_number",
        "test_intl_phone",
    ):
        module = importlib.import_module(f"tests.recognizers.{name}")
        for row in module.POSITIONS:
            values = row.values if hasattr(row, "values") else row
            texts.append(values[0])
    for cls in RECOGNIZER_CLASSES:
        texts += [t for t, _ in cls.POSITIVE_EXAMPLES] + list(cls.NEGATIVE_EXAMPLES)
    return texts


@pytest.mark.slow
def test_one_batch_equals_one_text_at_a_time(example_analyzer):
    # The hot path analyses many segments in one pass; the result per segment must not
    # depend on its neighbours in the batch.
    items = [(text, ()) for text in _table_texts()]
    items += [("123456789", ("QQ号",)), ("zhangwei_2024", ("微信号",)), ("075586661234", ("电话",))]
    batch = example_analyzer.analyze_batch(items)
    assert len(batch) == len(items)
    for (text, context), found in zip(items, batch, strict=True):
        assert found == example_analyzer.analyze(text, context), text
        assert found == example_analyzer.analyze_with_engine(text, context), text


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # the context word is only in a neighbouring segment
        ([("QQ", ()), ("123456789", ())], [[], []]),
        ([("123456789", ()), ("QQ", ())], [[], []]),
        ([("微信号：", ()), ("zhangwei_2024", ())], [[], []]),
        ([("组织机构代码：", ()), ("600037341", ())], [[], []]),
        ([("身份证", ()), ("110105491231002", ())], [[], []]),
        # another segment's column header
        ([("123456789", ("QQ号",)), ("123456789", ())], [[("QQ_NUMBER", 0, 9)], []]),
        ([("123456789", ()), ("123456789", ("QQ号",))], [[], [("QQ_NUMBER", 0, 9)]]),
        # digits are not joined across segments
        ([("手机1381234", ()), ("5678", ())], [[], []]),
        ([("62220212345", ()), ("67890128", ())], [[], []]),
    ],
)
def test_context_and_digits_do_not_leak_between_segments(analyzer, items, expected):
    batch = analyzer.analyze_batch(items)
    assert [sorted((d.entity_type, d.start, d.end) for d in found) for found in batch] == expected
