"""The prefilters only ever drop patterns that cannot match.

For every text of every recognizer's tables and examples, and for generated
business text, each pattern that matches the text (run alone with ``re``) must
be among the prefilter's candidates, and the analyser must find the same with
the Hyperscan prefilter, the literal prefilter and Presidio's engine.
"""

from __future__ import annotations

import importlib

import pytest
from presidio_analyzer import Pattern

from bench.corpus import paragraphs
from recognizers.base import BaomiPatternRecognizer
from recognizers.client_registry import ClientRegistryRecognizer
from recognizers.cn_phone import CnPhoneRecognizer
from recognizers.normalize import to_halfwidth
from recognizers.registry import build_recognizers
from scanner.scan import prefilter as prefilter_module
from scanner.scan.analyze import Analyzer, half_widths
from scanner.scan.prefilter import (
    HyperscanPrefilter,
    LiteralPrefilter,
    build_prefilter,
    hyperscan_available,
    prefilter_form,
)
from tests.recognizers.test_examples import _table_texts

needs_hyperscan = pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")

PHRASE_TABLES = ("test_confidential_marking", "test_undisclosed_event", "test_client_financial")


def _texts() -> list[str]:
    """Every recognizer's examples, the pattern recognizers' tables, and a few spellings
    the tables lack."""
    texts = _table_texts()
    for name in PHRASE_TABLES:
        texts += [row[0] for row in importlib.import_module(f"tests.recognizers.{name}").POSITIONS]
    # full-width and wrapped spellings, markings in English, a lone surrogate
    texts += ["手机：１３８１２３４５６７８", "ＣＯＮＦＩＤＥＮＴＩＡＬ", "STRICTLY\nCONFIDENTIAL"]
    texts += ["电话 138\udc801234 5678 机密文件"]
    return texts


TEXTS = _texts()


@pytest.fixture(scope="module")
def pattern_recognizers() -> list[BaomiPatternRecognizer]:
    return [r for r in build_recognizers([], ner=False) if isinstance(r, BaomiPatternRecognizer)]


def _matching_slots(prefilter, half: str) -> set[int]:
    """The slots whose pattern, run alone, matches ``half``."""
    return {
        number
        for number, slot in enumerate(prefilter.slots)
        if slot.recognizer._compiled[slot.index][1].search(half)
    }


@pytest.mark.parametrize(
    "kind",
    [pytest.param("hyperscan", marks=needs_hyperscan), "literal"],
)
def test_every_matching_pattern_is_a_candidate(pattern_recognizers, kind):
    prefilter = build_prefilter(pattern_recognizers, kind)
    halves = [to_halfwidth(t) for t in TEXTS] + half_widths(paragraphs(200_000, density=0.35))
    missed = [
        (half, prefilter.slots[n].recognizer.name, prefilter.slots[n].index)
        for half, candidates in zip(halves, prefilter.candidates(halves), strict=True)
        for n in _matching_slots(prefilter, half) - set(candidates)
    ]
    assert not missed
    # a gated recognizer's context word in a text is always reported
    base = len(prefilter.slots)
    unseen = [
        (half, r.name)
        for half, candidates in zip(halves, prefilter.candidates(halves), strict=True)
        for k, r in enumerate(prefilter.gated)
        if any(w in half.lower() for w in r.required_context) and base + k not in candidates
    ]
    assert not unseen


@pytest.mark.parametrize(
    "kind",
    [pytest.param("hyperscan", marks=needs_hyperscan), "literal"],
)
def test_context_words_of_gated_recognizers_are_reported(pattern_recognizers, kind):
    prefilter = build_prefilter(pattern_recognizers, kind)
    qq = next(k for k, r in enumerate(prefilter.gated) if r.ENTITY == "QQ_NUMBER")
    number = len(prefilter.slots) + qq
    with_word, without, upper = prefilter.candidates(
        ["我的QQ：123456789", "编号123456789", "Qq 12345"]
    )
    assert number in with_word and number in upper
    assert number not in without


@pytest.mark.slow
@needs_hyperscan
def test_hyperscan_leaves_out_what_cannot_match(pattern_recognizers):
    prefilter = HyperscanPrefilter(pattern_recognizers)
    [candidates] = prefilter.candidates(["本周与客户召开季度传播复盘会，双方达成一致。"])
    assert candidates == []
    [candidates] = prefilter.candidates(["手机13812345678"])
    # numbers past the slots say a gated recognizer's context word occurs (手机 gates the
    # Hong Kong numbers): not patterns
    slots = [n for n in candidates if n < len(prefilter.slots)]
    names = {prefilter.slots[n].recognizer.ENTITY for n in slots}
    assert "PHONE_NUMBER" in names
    assert "CONFIDENTIAL_MARKING" not in names


@pytest.mark.slow
@needs_hyperscan
def test_a_text_hyperscan_cannot_take_runs_every_pattern(pattern_recognizers):
    prefilter = HyperscanPrefilter(pattern_recognizers)
    [candidates] = prefilter.candidates(["lone \udc80 surrogate"])
    assert candidates == list(range(len(prefilter.slots) + len(prefilter.gated)))


class _HugeRepeat(CnPhoneRecognizer):
    """A pattern ``re`` takes and Hyperscan refuses (a bounded repeat over its limit)."""

    PATTERNS = [*CnPhoneRecognizer.PATTERNS, Pattern("huge", r"#\d{1,70000}#", 0.6)]


@needs_hyperscan
def test_a_pattern_hyperscan_cannot_compile_runs_everywhere():
    recognizer = _HugeRepeat()
    prefilter = HyperscanPrefilter([recognizer])
    huge = len(recognizer.patterns) - 1
    assert prefilter.candidates(["没有号码"]) == [[huge]]  # the others are still filtered
    [candidates] = prefilter.candidates(["手机13812345678"])
    assert huge in candidates and len(candidates) > 1


def test_literal_prefilter_runs_identifier_patterns_everywhere(pattern_recognizers):
    prefilter = LiteralPrefilter(pattern_recognizers)
    [candidates] = prefilter.candidates(["本周召开复盘会。"])
    kinds = {prefilter.slots[n].recognizer.ENTITY for n in candidates}
    assert "PHONE_NUMBER" in kinds and "CN_USCC" in kinds
    assert "UNDISCLOSED_EVENT" not in kinds  # none of its literals is there
    [candidates] = prefilter.candidates(["该信息未公开"])
    assert "UNDISCLOSED_EVENT" in {prefilter.slots[n].recognizer.ENTITY for n in candidates}


def test_build_prefilter_choice(pattern_recognizers, monkeypatch):
    monkeypatch.setenv(prefilter_module.ENVIRONMENT, "literal")
    assert build_prefilter(pattern_recognizers).name == "literal"
    assert build_prefilter(pattern_recognizers, "literal").name == "literal"
    with pytest.raises(ValueError, match="unknown prefilter"):
        build_prefilter(pattern_recognizers, "re2")
    monkeypatch.delenv(prefilter_module.ENVIRONMENT)
    expected = "hyperscan" if hyperscan_available() else "literal"
    assert build_prefilter(pattern_recognizers).name == expected


# --- the analyser finds the same whichever way it filters ------------------------------------


@pytest.fixture(scope="module")
def analyzers() -> dict[str, Analyzer]:
    recognizers = build_recognizers(ClientRegistryRecognizer.EXAMPLE_CLIENTS, ner=False)
    kinds = ["literal", *(["hyperscan"] if hyperscan_available() else [])]
    return {kind: Analyzer(recognizers, prefilter=kind) for kind in kinds}


@pytest.mark.slow
def test_same_findings_with_every_prefilter_and_the_engine(analyzers):
    texts = TEXTS + paragraphs(60_000, density=0.35)
    items = [(t, ()) for t in texts] + [("18%", ("毛利率",)), ("123456789", ("QQ号",))]
    results = {kind: a.analyze_batch(items) for kind, a in analyzers.items()}
    reference = next(iter(analyzers.values()))
    for number, (text, context) in enumerate(items):
        engine = reference.analyze_with_engine(text, context)
        for kind, batch in results.items():
            assert batch[number] == engine, (kind, text)


@pytest.mark.slow
@needs_hyperscan
def test_threads_scan_at_the_same_time(pattern_recognizers):
    """Each thread has its own Hyperscan scratch space (one shared would raise)."""
    from concurrent.futures import ThreadPoolExecutor

    prefilter = HyperscanPrefilter(pattern_recognizers)
    halves = half_widths(paragraphs(100_000, density=0.35))
    expected = prefilter.candidates(halves)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: prefilter.candidates(halves), range(8)))
    assert all(r == expected for r in results)


@needs_hyperscan
def test_hyperscan_that_compiles_nothing_gives_way_to_the_literal_prefilter(
    pattern_recognizers, monkeypatch
):
    """A CPU Hyperscan does not support fails every compile: the literal prefilter runs."""
    monkeypatch.setattr(HyperscanPrefilter, "_compile", lambda self, *args: None)
    assert build_prefilter(pattern_recognizers, "hyperscan").name == "literal"


@pytest.mark.parametrize(
    ("regex", "form"),
    [
        # a positive look-behind at the start is consumed, others dropped
        (r"(?<![A-Z])(?<=【)保密(?=】)", r"(?:【)保密(?:】)"),
        # "after a blank or at the start", and "before a blank or at the end"
        (r"(?<![^ \n])机密(?![^ \n])", r"(?:^|[ \n])机密(?:[ \n]|$)"),
        # each top-level alternative on its own; a group is one atom
        (r"(?<!揭)绝密|内部(?:资料|材料)", r"绝密|内部(?:资料|材料)"),
        # a look-around inside the pattern stays where it is
        (r"\d(?=\d{3})\d+", r"\d(?=\d{3})\d+"),
        # classes holding ) ] | and escapes do not confuse the cut
        (r"(?<=[)\]|])x[|(]\)", r"(?:[)\]|])x[|(]\)"),
    ],
)
def test_prefilter_form(regex, form):
    assert prefilter_form(regex) == form
    # a superset: wherever the pattern matches, its form matches
    import re

    for text in ("【保密】", "a 机密\n", "揭绝密", "内部资料", "1234", ")x|)"):
        if re.search(regex, text):
            assert re.search(form, text), (regex, text)


@pytest.mark.slow
def test_workers_inherit_the_prefilter_compiled_before_the_fork(tmp_path):
    """The isolated scanner prepares its analyser before forking: Hyperscan compiles once in
    the parent, not once in every extraction process."""
    from scanner.scan.isolation import IsolatedScanner
    from scanner.scan.pipeline import Scanner

    analyzer = Analyzer(build_recognizers([], ner=False))
    assert analyzer._prefilter is None
    (tmp_path / "a.txt").write_text("手机13812345678", encoding="utf-8")
    with IsolatedScanner(Scanner(analyzer, bytes(32)), timeout=30) as isolated:
        isolated.start()
        assert analyzer._prefilter is not None
        [result] = isolated.scan_file(tmp_path / "a.txt")
    assert [f.entity_type for f in result.findings] == ["PHONE_NUMBER"]
