"""The recognizer's merge, which finds neighbours by bisection, against the plain
all-pairs definition it replaces, on random candidates."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.ner.candidate import ADDRESS, CRF_SCORE, ORGANIZATION, PERSON, RULE_SCORE
from recognizers.ner.rules import Candidate, PersonSpans, merge


def reference_merge(rules: list[Candidate], crf: list[Candidate]) -> list[Candidate]:
    """The definition: every CRF span confirms the same-type rule spans it overlaps; an
    address inside an organisation goes; then greedily by rank, no overlaps."""
    for c in crf:
        for r in rules:
            if r.entity == c.entity and r.start < c.end and c.start < r.end:
                r.score = max(r.score, RULE_SCORE)
    rules = [
        r
        for r in rules
        if r.entity != ADDRESS
        or not any(
            c.entity == ORGANIZATION and c.start <= r.start and c.end > r.end
            for c in (*crf, *rules)
        )
    ]
    ranked = sorted([*rules, *crf], key=lambda c: (c.rule == "crf", -c.score, -c.length, c.start))
    kept: list[Candidate] = []
    for c in ranked:
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: (c.start, c.end))


def candidates(rule: str) -> st.SearchStrategy[list[Candidate]]:
    one = st.builds(
        lambda start, length, entity, score: Candidate(start, start + length, entity, score, rule),
        st.integers(0, 200),
        st.integers(1, 40),
        st.sampled_from([PERSON, ORGANIZATION, ADDRESS]),
        st.sampled_from([CRF_SCORE, RULE_SCORE, 0.7]),
    )
    return st.lists(one, max_size=40)


def spans(found: list[Candidate]) -> list[tuple[int, int, str, float, str]]:
    return [(c.start, c.end, c.entity, c.score, c.rule) for c in found]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(candidates("label"), candidates("crf"))
def test_merge_is_the_all_pairs_definition(rules, crf):
    expected = reference_merge(copy.deepcopy(rules), copy.deepcopy(crf))
    assert spans(merge(copy.deepcopy(rules), copy.deepcopy(crf))) == spans(expected)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(candidates("crf"), st.integers(0, 240), st.integers(0, 240))
def test_person_spans_finds_what_a_scan_finds(found, lo, hi):
    index = PersonSpans(found)
    for i in range(0, 240, 7):
        assert sorted(spans(index.starting(i))) == sorted(spans(c for c in found if c.start == i))
        assert sorted(spans(index.ending(i))) == sorted(spans(c for c in found if c.end == i))
    touching = [c for c in found if c.start <= hi and c.end >= lo]
    assert sorted(spans(index.touching(lo, hi))) == sorted(spans(touching))
