"""The real-text evaluation sets are well-formed: offsets, labels, a clean split."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
FILES = ("real_dev.jsonl", "real_heldout.jsonl")
LABELS = {
    "PERSON",
    "ORGANIZATION",
    "CN_ADDRESS",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "CN_RESIDENT_ID",
    "CN_USCC",
    "CN_BANK_CARD",
    "QQ_NUMBER",
    "WECHAT_ID",
}


def passages(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_offsets_and_labels_are_valid() -> None:
    for name in FILES:
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
    dev, held = (passages(name) for name in FILES)
    assert not {p["text"] for p in dev} & {p["text"] for p in held}
    assert not {p["source"] for p in dev} & {p["source"] for p in held}
    assert len(dev) > len(held) > 0


def test_every_document_is_listed_in_sources() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for name in FILES:
        for passage in passages(name):
            assert f"| {passage['source']} |" in sources, passage["source"]
