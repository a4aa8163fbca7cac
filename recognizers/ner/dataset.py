"""Labelled NER data: reading, label mapping, the train/validation split, scoring.

Shared by ``scripts/train_ner.py`` and ``bench/ner_eval.py`` so that the split
the model card reports is the split training respected. Files are JSONL,
``{"text": ..., "entities": [[start, end, label], ...]}``, offsets into
``text``, ``end`` exclusive (``../shared/data/ner/README.md``).

Split rule (deterministic, no randomness): a sentence is *validation* when it
comes from a held-out file (none by default; ``--held-out`` names some) or when the first 8
hex digits of the MD5 of its UTF-8 text, read as a number, are divisible by
10 (about 10% of every other file). Every other sentence is *training*, except
that a training sentence whose text also occurs in validation is dropped, so a
duplicated sentence can never be trained on and scored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recognizers.ner.candidate import ADDRESS, ORGANIZATION, PERSON

TYPES = (PERSON, ORGANIZATION, ADDRESS)

# Source labels → baomi's types (the data README's suggested mapping); others are dropped.
LABEL_MAP: dict[str, str] = {
    "name": PERSON,
    "PER": PERSON,
    "PER.NAM": PERSON,
    "company": ORGANIZATION,
    "organization": ORGANIZATION,
    "government": ORGANIZATION,
    "ORG": ORGANIZATION,
    "ORG.NAM": ORGANIZATION,
    "address": ADDRESS,  # CLUENER only
    # a firm's own data may be labelled with baomi's type names directly
    PERSON: PERSON,
    ORGANIZATION: ORGANIZATION,
    ADDRESS: ADDRESS,
}
# Optional auxiliary training label: place names of the news sets (never reported; it
# keeps the CRF from learning that 北京 is "O" in People's Daily but an address in CLUENER).
LOCATION = "LOC"
AUX_LOCATION_MAP: dict[str, str] = {"LOC": LOCATION, "LOC.NAM": LOCATION, "GPE.NAM": LOCATION}
# Which of baomi's types a source file labels at all: a type it does not label is
# neither trained as "O" evidence for that type's scores nor counted against it.
ADDRESS_LABELLING_SOURCES = ("cluener",)
# no file is held out whole any more: MSRA validation sentences train the model too
# (+0.014 PERSON, +0.022 ORGANIZATION F1 on the same 10% validation), and 10% of them
# validate it like every other file's
HELD_OUT_FILES: tuple[str, ...] = ()
VALIDATION_MODULUS = 10

Span = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Sentence:
    source: str  # the file's stem: cluener_train, msra_val, …
    text: str
    spans: tuple[Span, ...]

    @property
    def labels_address(self) -> bool:
        return any(self.source.startswith(s) for s in ADDRESS_LABELLING_SOURCES)


@dataclass
class Split:
    train: list[Sentence] = field(default_factory=list)
    validation: list[Sentence] = field(default_factory=list)
    dropped_duplicates: int = 0


def read_jsonl(path: Path, label_map: dict[str, str] | None = None) -> Iterator[Sentence]:
    """Sentences of one file, labels mapped to baomi's types, overlapping spans dropped."""
    label_map = LABEL_MAP if label_map is None else label_map
    source = path.stem
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            spans = sorted(
                (int(s), int(e), label_map[label])
                for s, e, label in record.get("entities", [])
                if label in label_map and 0 <= int(s) < int(e) <= len(text)
            )
            kept: list[Span] = []
            for span in spans:
                if kept and span[0] < kept[-1][1]:
                    continue  # nested or overlapping: keep the first
                kept.append(span)
            yield Sentence(source, text, tuple(kept))


def is_validation(sentence: Sentence, held_out: Iterable[str] = HELD_OUT_FILES) -> bool:
    """The split rule of the module docstring."""
    if sentence.source in held_out:
        return True
    digest = hashlib.md5(sentence.text.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % VALIDATION_MODULUS == 0


def split(
    paths: Iterable[Path],
    held_out: Iterable[str] = HELD_OUT_FILES,
    label_map: dict[str, str] | None = None,
) -> Split:
    held_out = tuple(held_out)
    result = Split()
    candidates: list[Sentence] = []
    for path in sorted(paths):
        for sentence in read_jsonl(path, label_map):
            if is_validation(sentence, held_out):
                result.validation.append(sentence)
            else:
                candidates.append(sentence)
    seen = {s.text for s in result.validation}
    for sentence in candidates:
        if sentence.text in seen:
            result.dropped_duplicates += 1
        else:
            result.train.append(sentence)
    return result


def data_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def bio_tags(sentence: Sentence) -> list[str]:
    """One tag a character: B-TYPE, I-TYPE or O."""
    tags = ["O"] * len(sentence.text)
    for start, end, label in sentence.spans:
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
    return tags


def spans_from_tags(tags: Iterable[str]) -> list[Span]:
    """Spans of a BIO sequence; an I- without its B- starts a span (as conlleval does)."""
    spans: list[Span] = []
    start, label = -1, ""
    i = -1
    for i, tag in enumerate(tags):
        if tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != label):
            if label:
                spans.append((start, i, label))
            start, label = i, tag[2:]
        elif tag == "O":
            if label:
                spans.append((start, i, label))
            start, label = -1, ""
    if label:
        spans.append((start, i + 1, label))
    return spans


@dataclass
class Counts:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(
    pairs: Iterable[tuple[Sentence, Iterable[Span]]], types: Iterable[str] = TYPES
) -> dict[str, Counts]:
    """Exact-span precision/recall per type. CN_ADDRESS counts only on sentences from a
    source that labels addresses (elsewhere an address is simply not annotated)."""
    counts = {t: Counts() for t in types}
    for sentence, predicted in pairs:
        for entity, c in counts.items():
            if entity == ADDRESS and not sentence.labels_address:
                continue
            gold = {s for s in sentence.spans if s[2] == entity}
            found = {tuple(s) for s in predicted if s[2] == entity}
            c.gold += len(gold)
            c.predicted += len(found)
            c.true_positive += len(gold & found)
    return counts
