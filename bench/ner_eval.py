"""PERSON / ORGANIZATION / CN_ADDRESS: accuracy, speed, load time and memory.

    python bench/ner_eval.py [--data ../shared/data/ner] [--mb 2]

Prints, per entity type, precision / recall / F1 (exact span match) of

* the CRF alone and the recognizer (CRF + rules,
  ``recognizers/person_org_address.py``) on the validation split of the labelled
  data (the split rule of ``recognizers/ner/dataset.py``, read at run time from
  ``--data``; never trained on), per source file and over all of it;
* the same on ``bench/data/ner_business.jsonl``, hand-labelled PR-firm text
  (contact sheets, meeting minutes, media lists, contracts; fictitious people
  and companies, real public media outlets and institutions), which the rules
  were developed against, and on ``bench/data/ner_business_holdout.jsonl``,
  written afterwards in the same style and never tuned on;

then the recognizer's throughput in MB of UTF-8 per second on one core (one
``analyze`` call per paragraph, as the scanner's analyser calls it, and all
paragraphs in one ``analyze_many`` call), the throughput of the whole analyser
with the recognizer added, the model load time in a fresh process, and peak RSS.
CN_ADDRESS is scored only on sources that label addresses (CLUENER and the
business set).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recognizers.ner import dataset  # noqa: E402
from recognizers.ner.crf import MODEL_PATH, ChineseCrf  # noqa: E402
from recognizers.ner.rules import Candidate, specific_address  # noqa: E402
from recognizers.person_org_address import PersonOrgAddressRecognizer  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ner"
BUSINESS = ROOT / "bench" / "data" / "ner_business.jsonl"
# Written after the rules were tuned on ner_business.jsonl and never tuned on: the
# honest estimate for business text.
BUSINESS_HOLDOUT = ROOT / "bench" / "data" / "ner_business_holdout.jsonl"
TARGETS = {"PERSON": 0.85, "ORGANIZATION": 0.80, "CN_ADDRESS": 0.70}

Predict = Callable[[Sequence[str]], list[list[dataset.Span]]]


def crf_predictor(crf: ChineseCrf) -> Predict:
    def predict(texts: Sequence[str]) -> list[list[dataset.Span]]:
        return [[s for s in spans if s[2] in dataset.TYPES] for spans in crf.spans_batch(texts)]

    return predict


def recognizer_predictor(recognizer: PersonOrgAddressRecognizer) -> Predict:
    def predict(texts: Sequence[str]) -> list[list[dataset.Span]]:
        return [
            [(r.start, r.end, r.entity_type) for r in results]
            for results in recognizer.analyze_many(texts)
        ]

    return predict


def by_source(
    sentences: list[dataset.Sentence],
    predicted: list[list[dataset.Span]],
    recognizer: PersonOrgAddressRecognizer,
) -> dict[str, dict[str, dataset.Counts]]:
    groups: dict[str, list] = {}
    for sentence, spans in zip(sentences, predicted, strict=True):
        groups.setdefault(sentence.source, []).append((sentence, spans))
    table = {source: dataset.score(pairs) for source, pairs in sorted(groups.items())}
    table["ALL"] = dataset.score(zip(sentences, predicted, strict=True))
    table["ALL, postal addr."] = postal_addresses(sentences, predicted, recognizer)
    return table


def postal_addresses(
    sentences: list[dataset.Sentence],
    predicted: list[list[dataset.Span]],
    recognizer: PersonOrgAddressRecognizer,
) -> dict[str, dataset.Counts]:
    """CN_ADDRESS counted only for gold addresses more specific than a bare place name
    (the recognizer's ``specific_address`` test: a road, number, building or village
    unit, or a division name plus more). A prediction equal to a bare-place gold span
    counts neither way."""
    counts = {t: dataset.Counts() for t in dataset.TYPES}
    c = counts[dataset.ADDRESS]
    for sentence, spans in zip(sentences, predicted, strict=True):
        if not sentence.labels_address:
            continue
        keywords = recognizer.keywords.find(sentence.text)
        gold = {s for s in sentence.spans if s[2] == dataset.ADDRESS}
        postal = {
            s
            for s in gold
            if specific_address(sentence.text, Candidate(s[0], s[1], s[2], 0, ""), keywords)
        }
        found = {tuple(s) for s in spans if s[2] == dataset.ADDRESS} - (gold - postal)
        c.gold += len(postal)
        c.predicted += len(found)
        c.true_positive += len(postal & found)
    return counts


def print_table(title: str, tables: dict[str, dict[str, dict[str, dataset.Counts]]]) -> None:
    print(f"\n## {title}\n")
    print(f"{'source':<22}{'type':<14}" + "".join(f"{name:>24}" for name in tables))
    print(f"{'':<36}" + "".join(f"{'P     R     F1    gold':>24}" for _ in tables))
    first = next(iter(tables.values()))
    for source, _counts in first.items():
        for entity in dataset.TYPES:
            cells = []
            for table in tables.values():
                c = table[source][entity]
                cells.append(f"{c.precision:6.3f}{c.recall:6.3f}{c.f1:6.3f}{c.gold:6d}")
            if first[source][entity].gold:
                print(f"{source:<22}{entity:<14}" + "".join(f"{cell:>24}" for cell in cells))


def accuracy(
    args: argparse.Namespace, crf: ChineseCrf, recognizer: PersonOrgAddressRecognizer
) -> None:
    predictors = {"CRF alone": crf_predictor(crf), "CRF + rules": recognizer_predictor(recognizer)}
    paths = dataset.data_files(args.data)
    if paths:
        validation = dataset.split(paths).validation
        texts = [s.text for s in validation]
        tables = {
            name: by_source(validation, p(texts), recognizer) for name, p in predictors.items()
        }
        print_table(f"validation split ({len(validation)} sentences, {args.data})", tables)
    else:
        print(f"no labelled data in {args.data}: validation skipped")
    for path in (args.business, args.business_holdout):
        if not path.exists():
            continue
        business = list(dataset.read_jsonl(path))
        texts = [s.text for s in business]
        tables = {name: _business_scores(business, p(texts)) for name, p in predictors.items()}
        print_table(f"business documents ({len(business)} sentences, {path.name})", tables)
    print("\ntargets: " + ", ".join(f"{k} F1 >= {v}" for k, v in TARGETS.items()))


def _business_scores(
    sentences: list[dataset.Sentence], predicted: list[list[dataset.Span]]
) -> dict[str, dict[str, dataset.Counts]]:
    counts = {t: dataset.Counts() for t in dataset.TYPES}
    for sentence, spans in zip(sentences, predicted, strict=True):
        for entity, c in counts.items():
            gold = {s for s in sentence.spans if s[2] == entity}
            found = {tuple(s) for s in spans if s[2] == entity}
            c.gold += len(gold)
            c.predicted += len(found)
            c.true_positive += len(gold & found)
    return {"business": counts}


def news_paragraphs(args: argparse.Namespace, size: int) -> list[str]:
    """Validation news sentences joined ten to a paragraph, repeated up to ``size`` bytes."""
    paths = dataset.data_files(args.data)
    sentences = [s.text for s in dataset.split(paths).validation] if paths else []
    if not sentences:
        sentences = [s.text for s in dataset.read_jsonl(args.business)]
    paragraphs = ["".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10)]
    out, total = [], 0
    while total < size:
        for p in paragraphs:
            out.append(p)
            total += len(p.encode("utf-8"))
            if total >= size:
                break
    return out


def rate(fn: Callable[[], object], size: int) -> tuple[float, float]:
    started = time.process_time()
    fn()
    seconds = time.process_time() - started
    return seconds, size / seconds / 1e6


def throughput(args: argparse.Namespace, recognizer: PersonOrgAddressRecognizer) -> None:
    from bench.corpus import paragraphs as business_paragraphs
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer

    size = int(args.mb * 1_000_000)
    corpora = {
        "news (validation, 10 sentences/paragraph)": news_paragraphs(args, size),
        "business (bench/corpus.py, density 0.35)": business_paragraphs(size),
    }
    entities = list(recognizer.ENTITIES)
    analyzer = Analyzer([*build_recognizers(ner=False), recognizer], min_score=0.5)
    analyzer.analyze("联系人：张伟，手机13812345678")  # warm-up
    print("\n## throughput (CPU time of this process, one core)\n")
    print(f"{'corpus':<44}{'MB':>6}{'per paragraph':>16}{'one batch':>12}{'analyser':>12}")
    for name, texts in corpora.items():
        mb = sum(len(t.encode("utf-8")) for t in texts)
        _, per_call = rate(lambda texts=texts: [recognizer.analyze(t, entities) for t in texts], mb)
        _, batch = rate(lambda texts=texts: recognizer.analyze_many(texts, entities), mb)
        batches = scanner_batches(texts)
        _, whole = rate(lambda batches=batches: [analyzer.analyze_batch(b) for b in batches], mb)
        print(
            f"{name:<44}{mb / 1e6:>6.2f}{per_call:>11.2f} MB/s{batch:>7.2f} MB/s{whole:>7.2f} MB/s"
        )
    print(
        "('analyser': scanner.scan.analyze.Analyzer with every recognizer, NER included, "
        "fed batches of up to 1 M characters as scanner/scan/pipeline.py feeds it)"
    )


def scanner_batches(texts: Sequence[str]) -> list[list[tuple[str, tuple[str, ...]]]]:
    from scanner.scan.pipeline import BATCH_CHARS

    batches: list[list[tuple[str, tuple[str, ...]]]] = [[]]
    size = 0
    for text in texts:
        if batches[-1] and size + len(text) > BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append((text, ()))
        size += len(text)
    return batches


def load_time() -> None:
    code = (
        "import time, resource; t = time.perf_counter();"
        "from recognizers.ner.crf import ChineseCrf; c = ChineseCrf();"
        "m = time.perf_counter() - t;"
        "from recognizers.person_org_address import PersonOrgAddressRecognizer;"
        "r = PersonOrgAddressRecognizer(); r.load(); r.analyze('联系人：张伟', ['PERSON']);"
        "a = time.perf_counter() - t;"
        "print(f'{m:.2f} {a:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    model_s, ready_s, rss = out
    print("\n## load\n")
    print(f"model file: {MODEL_PATH.name}, {MODEL_PATH.stat().st_size / 1e6:.1f} MB")
    print(
        f"fresh process: import + load the CRF {model_s} s; "
        f"recognizer ready, first result {ready_s} s; RSS {rss} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--business", type=Path, default=BUSINESS)
    parser.add_argument("--business-holdout", type=Path, default=BUSINESS_HOLDOUT)
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size for throughput")
    parser.add_argument("--no-throughput", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)

    crf = ChineseCrf()
    recognizer = PersonOrgAddressRecognizer()
    recognizer.load()
    accuracy(args, crf, recognizer)
    if not args.no_throughput:
        throughput(args, recognizer)
    load_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this benchmark process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
