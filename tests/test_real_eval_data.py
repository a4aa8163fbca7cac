"""The real-text evaluation sets are well-formed: offsets, labels, a clean split."""

from __future__ import annotations

from itertools import pairwise

from bench.real_eval import DATA, ENTITIES, SETS, read_set

FILES = tuple(path.name for path in SETS.values())
# The fresh held-out set: collected last, never tuned on, scored once at the end of a round.
FRESH = "real_fresh.jsonl"
CHECKED = FILES if FRESH in FILES else (*FILES, FRESH)
LABELS = set(ENTITIES)


def passages(name: str) -> list[dict]:
    return read_set(DATA / name)


def test_offsets_and_labels_are_valid() -> None:
    for name in CHECKED:
        for passage in passages(name):
            text, spans = passage["text"], passage["entities"]
            assert text and passage["source"] and passage["kind"]
            for start, end, label in spans:
                assert label in LABELS, (name, label)
                assert 0 <= start < end <= len(text), (name, start, end)
                assert text[start:end] == text[start:end].strip(), (name, text[start:end])
            ordered = sorted(spans)
            for (_, end, _), (start, _, _) in pairwise(ordered):
                assert end <= start, (name, ordered)


def test_split_is_by_document_and_disjoint() -> None:
    dev, held = (passages(name) for name in FILES[:2])
    assert not {p["text"] for p in dev} & {p["text"] for p in held}
    assert not {p["source"] for p in dev} & {p["source"] for p in held}
    assert len(dev) > len(held) > 0


def test_fresh_set_shares_no_document_with_the_others() -> None:
    fresh = passages(FRESH)
    assert fresh
    for name in (n for n in CHECKED if n != FRESH):
        other = passages(name)
        assert not {p["source"] for p in fresh} & {p["source"] for p in other}, name
        assert not {p["text"] for p in fresh} & {p["text"] for p in other}, name


def test_every_document_is_listed_in_sources() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for name in CHECKED:
        for passage in passages(name):
            assert f"| {passage['source']} |" in sources, passage["source"]
