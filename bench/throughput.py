"""Analysis throughput: baomi's analyser against a stock Presidio engine, side by side.

Generates about 5 MB of Chinese business text with planted identifiers
(bench/corpus.py) and times, on one core, in one run:

  (a) baomi      ``scanner.analyze.Analyzer.analyze_batch``: the hot path
                 (recognizers + context rule + character-window enhancer +
                 line-wrap pass + overlap resolution), given the paragraphs
                 as the scanner gives a file's segments: in documents of
                 ``--doc-paragraphs`` paragraphs (and, for comparison, one
                 paragraph at a time);
  (b) presidio   a stock ``AnalyzerEngine`` with a blank Chinese spaCy pipeline
                 and Presidio's default lemma context enhancer, running the same
                 recognizers the stock way: Presidio's own
                 ``PatternRecognizer.analyze`` (``regex`` module, an explanation
                 object per match) over the same patterns and check digits
                 (``validate_result``), and the recognizers' context rules.

Both must produce the same candidate spans (entity type, start, end); the
script checks that and exits non-zero if not. Presidio's scoring differs
(a validated match scores 1.0; its enhancer cannot see Chinese context), so
spans are compared, not scores.

    python bench/throughput.py [--mb 5] [--stock-mb 1]

``--stock-mb`` analyses only the first part of the corpus with the stock engine
(it is ~50x slower); the rate is per MB either way.
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
from recognizers.registry import LANGUAGE, build_recognizers, build_registry
from scanner.analyze import Analyzer


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


def time_it(fn, texts):
    start = time.perf_counter()
    out = [fn(t) for t in texts]
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size for baomi")
    parser.add_argument(
        "--stock-mb", type=float, default=1.0, help="corpus size for stock Presidio"
    )
    parser.add_argument(
        "--density",
        type=float,
        default=0.35,
        help="share of sentences with identifiers or look-alikes",
    )
    parser.add_argument(
        "--doc-paragraphs",
        type=int,
        default=64,
        help="paragraphs per document (one analyser batch)",
    )
    args = parser.parse_args()
    os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)

    texts = paragraphs(int(args.mb * 1_000_000), density=args.density)
    size = sum(len(t.encode("utf-8")) for t in texts)
    recognizers = build_recognizers(ner=False)  # the structured recognizers; NER: ner_eval.py
    analyzer = Analyzer(recognizers, min_score=0.5)
    candidates = Analyzer(recognizers, min_score=0.0)

    analyzer.analyze("邮箱a@b.com")  # warm-up: lazy imports and tables (tldextract)
    documents = [
        [(t, ()) for t in texts[i : i + args.doc_paragraphs]]
        for i in range(0, len(texts), args.doc_paragraphs)
    ]
    seconds, detections = time_it(analyzer.analyze_batch, documents)
    baomi_rate = size / seconds / 1e6
    found = sum(len(d) for doc in detections for d in doc)
    single_seconds, singles = time_it(analyzer.analyze, texts)
    single_rate = size / single_seconds / 1e6
    batch_equal = [d for doc in detections for d in doc] == singles

    stock_texts, stock_size = [], 0
    for t in texts:
        if stock_size >= args.stock_mb * 1_000_000:
            break
        stock_texts.append(t)
        stock_size += len(t.encode("utf-8"))
    engine = stock_presidio_engine()
    engine.analyze("邮箱a@b.com", language=LANGUAGE)
    stock_seconds, stock_results = time_it(
        lambda t: engine.analyze(t, language=LANGUAGE, score_threshold=0.0), stock_texts
    )
    stock_rate = stock_size / stock_seconds / 1e6

    from presidio_analyzer import EntityRecognizer

    mismatches = 0
    for text, stock in zip(stock_texts, stock_results, strict=True):
        ours = EntityRecognizer.remove_duplicates(candidates._recognize_batch([(text, ())])[0])
        if spans(ours) != spans(stock):
            mismatches += 1

    print(
        f"corpus: {size / 1e6:.2f} MB, {len(texts)} paragraphs, density {args.density}, "
        f"{found} findings (score >= 0.5, {found / size * 1000:.1f} per KB)"
    )
    print(f"{'engine':<44}{'MB':>8}{'seconds':>10}{'MB/s/core':>12}")
    print(
        f"{f'baomi, documents of {args.doc_paragraphs} paragraphs':<44}{size / 1e6:>8.2f}"
        f"{seconds:>10.2f}{baomi_rate:>12.2f}"
    )
    print(
        f"{'baomi, one paragraph per call':<44}{size / 1e6:>8.2f}"
        f"{single_seconds:>10.2f}{single_rate:>12.2f}"
    )
    print(
        f"{'stock Presidio (blank zh spaCy, lemma ctx)':<44}{stock_size / 1e6:>8.2f}"
        f"{stock_seconds:>10.2f}{stock_rate:>12.2f}"
    )
    print(f"ratio baomi / stock: {baomi_rate / stock_rate:.1f}x   (target: >= 10 MB/s, >= 20x)")
    print(
        f"same candidate spans as stock Presidio on {len(stock_texts) - mismatches}"
        f"/{len(stock_texts)} paragraphs; batched == one-by-one: {batch_equal}"
    )
    return 1 if mismatches or not batch_equal else 0


if __name__ == "__main__":
    sys.exit(main())
