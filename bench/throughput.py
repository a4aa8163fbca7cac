"""Analysis throughput of the structured recognizers, side by side with baselines.

Generates about 5 MB of Chinese business text with planted identifiers
(bench/corpus.py; ``--density`` is the share of sentences holding identifiers
or look-alikes) and times, on one core, in one run:

  baomi, Hyperscan prefilter   ``Analyzer.analyze_batch``, the scanner's hot path
                               (prefilter → patterns → context rules → enhancer →
                               line-wrap pass → overlap resolution) on documents of
                               ``--doc-paragraphs`` paragraphs, as the scanner batches
                               a file's segments;
  baomi, literal prefilter     the same without Hyperscan (what other platforms get);
  baomi, one paragraph a call  the Hyperscan path without batching;
  straightforward path         Presidio's ``AnalyzerEngine`` running every pattern of
                               every recognizer over each whole paragraph
                               (``Analyzer.analyze_with_engine``): the reference;
  plain regexes                every pattern with ``re.finditer`` over each paragraph,
                               nothing else (no check digits, context, results): the
                               "plain Python regular expressions" baseline;
  Hyperscan scan alone         one prefilter scan of each paragraph: the ceiling for
                               any analysis that looks at every character;
  stock Presidio               a stock ``AnalyzerEngine`` (blank zh spaCy pipeline,
                               lemma context enhancer, Presidio's own
                               ``PatternRecognizer.analyze``) over the same patterns.

Checks, exit status 1 when one fails: both fast paths give exactly the
straightforward path's findings on every paragraph it ran on (``--engine-mb``);
batched equals one call per paragraph; stock Presidio finds the same candidate
spans (its scores differ: it cannot see Chinese context).

    python bench/throughput.py [--mb 5] [--density 0.1] [--engine-mb 1] [--stock-mb 0.3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import paragraphs
from recognizers.base import BaomiPatternRecognizer
from recognizers.normalize import to_halfwidth
from recognizers.registry import LANGUAGE, build_recognizers, build_registry
from scanner.scan.analyze import Analyzer
from scanner.scan.prefilter import build_prefilter, hyperscan_available


def stock_presidio_engine():
    import spacy
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    stock = []
    for recognizer in build_recognizers(ner=False):
        if isinstance(recognizer, PatternRecognizer):
            # the instance answers with Presidio's own pattern matching instead of baomi's
            recognizer.analyze = partial(PatternRecognizer.analyze, recognizer)
        stock.append(recognizer)

    nlp_engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "blank"}])
    nlp_engine.nlp = {LANGUAGE: spacy.blank(LANGUAGE)}  # no downloaded model: a blank pipeline
    return AnalyzerEngine(
        registry=build_registry(stock),
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
    )  # default context enhancer: LemmaContextAwareEnhancer


def spans(results) -> set[tuple[str, int, int]]:
    return {(r.entity_type, r.start, r.end) for r in results}


def timed(fn, inputs) -> tuple[float, list]:
    start = time.perf_counter()
    out = [fn(x) for x in inputs]
    return time.perf_counter() - start, out


def best_of(runs: int, fn, inputs) -> tuple[float, list]:
    results = [timed(fn, inputs) for _ in range(runs)]
    return min(r[0] for r in results), results[0][1]


def head(texts: list[str], mb: float) -> list[str]:
    out, size = [], 0
    for t in texts:
        if size >= mb * 1_000_000:
            break
        out.append(t)
        size += len(t.encode("utf-8"))
    return out


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def plain_regexes(recognizers):
    compiled = [
        c for r in recognizers if isinstance(r, BaomiPatternRecognizer) for _, c, _ in r._compiled
    ]

    def run(text: str) -> int:
        half = to_halfwidth(text)
        return sum(1 for c in compiled for _ in c.finditer(half))

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size for baomi")
    parser.add_argument(
        "--density",
        type=float,
        default=0.1,
        help="share of sentences with identifiers or look-alikes",
    )
    parser.add_argument(
        "--doc-paragraphs",
        type=int,
        default=64,
        help="paragraphs per document (one analyser batch)",
    )
    parser.add_argument(
        "--engine-mb",
        type=float,
        default=1.0,
        help="corpus share checked against (and timed on) the engine path",
    )
    parser.add_argument(
        "--stock-mb",
        type=float,
        default=0.3,
        help="corpus share for stock Presidio (about 20x slower)",
    )
    parser.add_argument("--runs", type=int, default=3, help="best of this many timed runs")
    args = parser.parse_args()
    os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)

    texts = paragraphs(int(args.mb * 1_000_000), density=args.density)
    size = megabytes(texts)
    recognizers = build_recognizers(ner=False)  # the structured recognizers; NER: ner_eval.py
    documents = [
        [(t, ()) for t in texts[i : i + args.doc_paragraphs]]
        for i in range(0, len(texts), args.doc_paragraphs)
    ]
    rows: list[tuple[str, float, float]] = []  # (name, MB, seconds)
    checks: list[tuple[str, bool]] = []

    kinds = (["hyperscan"] if hyperscan_available() else []) + ["literal"]
    fast: dict[str, list] = {}
    analyzers: dict[str, Analyzer] = {}
    for kind in kinds:
        analyzer = analyzers[kind] = Analyzer(recognizers, min_score=0.5, prefilter=kind)
        analyzer.analyze("邮箱a@b.com")  # warm-up: prefilter compile, lazy imports
        seconds, detections = best_of(args.runs, analyzer.analyze_batch, documents)
        fast[kind] = [d for doc in detections for d in doc]
        rows.append((f"baomi, {kind} prefilter, documents of {args.doc_paragraphs}", size, seconds))
    main_kind = kinds[0]
    analyzer = analyzers[main_kind]
    seconds, singles = best_of(1, analyzer.analyze, texts)
    rows.append((f"baomi, {main_kind} prefilter, one paragraph a call", size, seconds))
    checks.append(("batched == one paragraph a call", singles == fast[main_kind]))

    engine_texts = head(texts, args.engine_mb)
    seconds, engine = timed(analyzer.analyze_with_engine, engine_texts)
    rows.append(("straightforward path (Presidio engine, all)", megabytes(engine_texts), seconds))
    for kind in kinds:
        same = sum(a == b for a, b in zip(fast[kind], engine, strict=False))
        checks.append(
            (
                f"{kind} prefilter == straightforward path on {same}/{len(engine)} paragraphs",
                same == len(engine),
            )
        )

    seconds, _ = best_of(args.runs, plain_regexes(recognizers), texts)
    rows.append(("plain regexes (every pattern, re.finditer)", size, seconds))
    if hyperscan_available():
        prefilter = build_prefilter(
            [r for r in recognizers if isinstance(r, BaomiPatternRecognizer)], "hyperscan"
        )
        halves = [to_halfwidth(t) for t in texts]
        seconds, _ = best_of(args.runs, lambda h: prefilter.candidates([h]), halves)
        rows.append(("Hyperscan scan alone (all patterns)", size, seconds))

    stock_texts = head(texts, args.stock_mb)
    stock = stock_presidio_engine()
    stock.analyze("邮箱a@b.com", language=LANGUAGE)
    seconds, stock_results = timed(
        lambda t: stock.analyze(t, language=LANGUAGE, score_threshold=0.0), stock_texts
    )
    rows.append(("stock Presidio (blank zh spaCy, lemma ctx)", megabytes(stock_texts), seconds))
    from presidio_analyzer import EntityRecognizer

    candidates = Analyzer(recognizers, min_score=0.0)
    agree = sum(
        spans(EntityRecognizer.remove_duplicates(candidates._recognize_batch([(t, ())])[0]))
        == spans(s)
        for t, s in zip(stock_texts, stock_results, strict=True)
    )
    checks.append(
        (
            f"stock Presidio candidate spans on {agree}/{len(stock_texts)} paragraphs",
            agree == len(stock_texts),
        )
    )

    found = sum(len(d) for d in fast[main_kind])
    print(
        f"corpus: {size:.2f} MB, {len(texts)} paragraphs, density {args.density}, "
        f"{found} findings ({found / size / 1000:.2f} per KB); one core, best of {args.runs}"
    )
    reference = rows[0][1] / rows[0][2]
    print(f"{'path':<52}{'MB':>7}{'seconds':>9}{'MB/s':>9}{'vs first':>10}")
    for name, mb, seconds in rows:
        rate = mb / seconds
        print(f"{name:<52}{mb:>7.2f}{seconds:>9.3f}{rate:>9.2f}{rate / reference:>9.2f}x")
    print("target: >= 30 MB/s per core on the first row")
    failed = False
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
