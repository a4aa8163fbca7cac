"""Train the character CRF for PERSON / ORGANIZATION / CN_ADDRESS in Chinese text.

    python scripts/train_ner.py [--data ../shared/data/ner] [--max-iterations 150]

Reads every ``*.jsonl`` in ``--data`` (``{"text", "entities": [[start, end, label]]}``;
any file in that format works, so a firm can retrain on data it holds a licence
for), maps the labels to baomi's types (``recognizers/ner/dataset.py``), splits
train/validation by the rule written there (held-out files plus a deterministic
10% of the rest; never trains on validation), trains python-crfsuite's L-BFGS
CRF on the features of ``recognizers/ner/features.py``, writes the model to
``recognizers/ner/zh_crf.model`` and its weights as numpy tables
(``zh_crf.tables.npz``: what baomi loads at start-up, in milliseconds), scores it on the
validation split and writes ``recognizers/ner/MODEL_CARD.md``. ``--tables-only``
writes the tables of an existing model without training.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402

from recognizers.ner import dataset, features  # noqa: E402
from recognizers.ner.crf import ChineseCrf, chunks  # noqa: E402
from scripts import ner_augment  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ner"
MODEL = ROOT / "recognizers" / "ner" / "zh_crf.model"
CARD = ROOT / "recognizers" / "ner" / "MODEL_CARD.md"
SOURCES = {
    "cluener": "CLUENER2020 (CLUE benchmark) train split, news-style text",
    "msra": "MSRA NER (SIGHAN 2006 bakeoff), validation split",
    "peoples_daily": "People's Daily 1998 NER set (dev and test splits)",
    "weibo": "Weibo NER (Peng & Dredze 2015), social-media text",
    "augment": "synthetic business frames (`scripts/ner_augment.py`), training only",
}
# The card's hand-written record of experiments: kept when the card is rewritten.
KEPT_SECTION = "## Experiments"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of *.jsonl")
    parser.add_argument(
        "--held-out",
        nargs="*",
        default=list(dataset.HELD_OUT_FILES),
        help="file stems kept whole for validation",
    )
    parser.add_argument("--output", type=Path, default=MODEL)
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="do not train: write the numpy tables of the existing --output model",
    )
    parser.add_argument("--card", type=Path, default=CARD, help="model card to write")
    parser.add_argument("--c1", type=float, default=0.1, help="L1 regularisation")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 regularisation")
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument(
        "--augment",
        type=int,
        default=0,
        help="synthetic business-frame sentences added to training (scripts/ner_augment.py)",
    )
    parser.add_argument("--augment-seed", type=int, default=ner_augment.SEED)
    parser.add_argument(
        "--no-aux-loc",
        action="store_true",
        help="treat the news sets' place names as O instead of an unreported LOC label",
    )
    return parser.parse_args()


def label_map(aux_loc: bool) -> dict[str, str]:
    mapping = dict(dataset.LABEL_MAP)
    if aux_loc:
        mapping.update(dataset.AUX_LOCATION_MAP)
    return mapping


def train(split: dataset.Split, args: argparse.Namespace) -> tuple[float, int]:
    """Train and write the model; (seconds, iterations) of L-BFGS."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in split.train:
        for features_, tags in pieces(sentence):
            trainer.append(features_, tags)
    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.max_iterations,
            "feature.possible_transitions": True,
        }
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    trainer.train(str(args.output))
    seconds = time.perf_counter() - started
    return seconds, int(trainer.logparser.last_iteration.get("num", 0))


def pieces(sentence: dataset.Sentence) -> list[tuple[list[list[str]], list[str]]]:
    """The sentence cut into clauses exactly as ``crf.chunks`` cuts text at tagging time,
    with the features and BIO tags of each (an entity cut by a clause end restarts
    with B-)."""
    tags = dataset.bio_tags(sentence)
    out = []
    for start, end in chunks(sentence.text):
        piece_tags = tags[start:end]
        if piece_tags[0].startswith("I-"):
            piece_tags[0] = "B-" + piece_tags[0][2:]
        norm = features.normalise(sentence.text[start:end])
        out.append((features.sentence_features(norm), piece_tags))
    return out


def evaluate(crf: ChineseCrf, sentences: list[dataset.Sentence]) -> dict[str, dict]:
    """Per-source and overall exact-span scores of the CRF alone."""
    predicted = crf.spans_batch([s.text for s in sentences])
    by_source: dict[str, list] = {}
    for sentence, spans in zip(sentences, predicted, strict=True):
        by_source.setdefault(sentence.source, []).append((sentence, spans))
    table = {src: dataset.score(pairs) for src, pairs in sorted(by_source.items())}
    table["all"] = dataset.score(zip(sentences, predicted, strict=True))
    return table


def source_rows(split: dataset.Split) -> list[str]:
    rows = []
    train = Counter(s.source for s in split.train)
    validation = Counter(s.source for s in split.validation)
    for source in sorted(set(train) | set(validation)):
        family = next((v for k, v in SOURCES.items() if source.startswith(k)), "(own data)")
        name = "(generated)" if source == "augment" else f"{source}.jsonl"
        rows.append(f"| {name} | {family} | {train[source]} | {validation[source]} |")
    return rows


def score_rows(table: dict[str, dict]) -> list[str]:
    rows = []
    for source, counts in table.items():
        for entity, c in counts.items():
            if c.gold == 0 and c.predicted == 0:
                continue
            rows.append(
                f"| {source} | {entity} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} "
                f"| {c.gold} |"
            )
    return rows


def write_card(
    args: argparse.Namespace,
    split: dataset.Split,
    seconds: float,
    iterations: int,
    table: dict[str, dict],
) -> None:
    size_mb = args.output.stat().st_size / 1e6
    n_chars = sum(len(s.text) for s in split.train)
    lines = [
        "# zh_crf.model — character CRF for PERSON / ORGANIZATION / CN_ADDRESS",
        "",
        f"Trained {dt.date.today().isoformat()} by `scripts/train_ner.py` (python-crfsuite "
        f"{metadata.version('python-crfsuite')}, Python {platform.python_version()}).",
        "Used by `recognizers/person_org_address.py` through `recognizers/ner/crf.py`;",
        "the recognizer adds high-precision rules on top (see its docstring).",
        "",
        "## Data",
        "",
        "Read at training time from `../shared/data/ner/` (not copied into this repository).",
        "**Licence status: none of these sets ships a licence file with the copies used here;",
        "they are published for research** (as the data README states). The trained weights",
        "are derived from them; a firm that needs clear rights can retrain on its own licensed",
        "data in the same JSONL format (`--data`).",
        "",
        "| file | source | train sentences | validation sentences |",
        "|---|---|---|---|",
        *source_rows(split),
        "",
        "Label mapping: PERSON ← name, PER, PER.NAM; ORGANIZATION ← company, organization,",
        "government, ORG, ORG.NAM; CN_ADDRESS ← CLUENER `address` only. "
        + (
            "The news sets' place names (LOC, LOC.NAM, GPE.NAM) are trained as an auxiliary "
            'label `LOC` that is never reported, so that 北京 is not taught as "O" by one set '
            "and as an address by another."
            if not args.no_aux_loc
            else "All other labels are O."
        ),
        "Other CLUENER labels (position, game, book, movie, scene) and PER.NOM are O.",
        "",
        "## Split",
        "",
        (
            f"Validation = every sentence of {', '.join(f'`{h}.jsonl`' for h in args.held_out)}, "
            "plus every other sentence"
            if args.held_out
            else "Validation = every sentence (of every file, MSRA's validation split included)"
        )
        + " whose MD5 (UTF-8 text, first 8 hex digits as an integer) "
        "is divisible by 10 (≈10% of each file). Training = the rest, minus "
        f"{split.dropped_duplicates} sentences whose exact text also occurs in validation "
        "(People's Daily and MSRA share sentences). Nothing in validation is trained on.",
        *(
            [
                "",
                f"Augmentation: {args.augment} synthetic sentences (`scripts/ner_augment.py`, "
                f"seed {args.augment_seed}) are added to training only: business frames "
                "(联系人：X, X经理, 、-lists, judgment party lines 原告：X，男，…, 采购人：Y, "
                "地址：Z …) filled with PERSON / ORGANIZATION / postal CN_ADDRESS strings of the "
                "training sentences (never of validation, never of the real-text bench sets).",
            ]
            if args.augment
            else []
        ),
        f"Training: {len(split.train)} sentences, {n_chars} characters. "
        f"Validation: {len(split.validation)} sentences.",
        "",
        "## Features (`recognizers/ner/features.py`)",
        "",
        "Training sentences are cut into clauses at 。！？；，、!?;, and line breaks, exactly as "
        "`recognizers/ner/crf.py` cuts text before tagging (shorter Viterbi chains, bounded "
        "cost per call); pieces without a Han character are skipped in both.",
        "",
        "Input read through the simplified view of traditional characters (OpenCC's "
        "one-to-one table, `recognizers/ner/traditional.py`; the recognizer tags the same "
        "view), then NFKC-normalised character by character where that keeps one character "
        "(offsets unchanged), Latin lower-cased, digits written 0. Per character: the "
        "character and its ±2 neighbours; the four bigrams around it; the classes "
        "(Han/digit/Latin/punctuation/space/other) of the previous, current and next "
        "character; lexicon codes of the ±2 window (`recognizers/ner/lexicon.py`): common "
        "surnames, compound surnames (欧阳 司马 诸葛 上官 …), frequent given-name characters, "
        "titles after names (经理 总监 先生 女士 记者 主编 …), labels before names "
        "(联系人 记者 负责人 …), organisation suffixes (有限公司 集团 银行 大学 医院 日报 "
        "电视台 协会 委员会 …, weak: 局 厅 部 …), address units (省 市 区 县 镇 乡 街道 路 号 "
        "室 …), province/city and county names (from the MIT-licensed `cpca` package's "
        "adcode table), and two-character words that look like names (高达 金融 文明 …).",
        "",
        "## Training",
        "",
        f"L-BFGS, c1 = {args.c1}, c2 = {args.c2}, max_iterations = {args.max_iterations} "
        f"({iterations} run), all transitions possible. BIO tags. "
        f"Training time {seconds / 60:.1f} min on one core of a "
        f"{os.cpu_count()}-core machine. Model size {size_mb:.1f} MB.",
        "",
        "## Validation scores (CRF alone, exact span match)",
        "",
        "CN_ADDRESS is scored only on sources that label addresses (CLUENER); the other sets",
        "do not annotate addresses. CLUENER's `address` includes bare place names (台湾,",
        "北京), which baomi's recognizer deliberately does not report on their own, so its",
        "CN_ADDRESS scores are lower than the CRF's here by design; `bench/ner_eval.py`",
        "reports the recognizer (CRF + rules) on the same split and on business documents.",
        "",
        "| source | type | precision | recall | F1 | gold spans |",
        "|---|---|---|---|---|---|",
        *score_rows(table),
        "",
        "## Limits",
        "",
        "News-style training text (1998 People's Daily, CLUENER news, Weibo): names in "
        "business documents are found mostly through the recognizer's rules and labels; "
        "Latin-script names, transliterated foreign names and nicknames are weak; "
        "traditional characters are read as simplified, one character for one, so a "
        "traditional character with two simplified readings gets OpenCC's usual one (乾 → 干, "
        "乾隆 included). Validation is news text; the real-document figures are "
        "`bench/real_eval.py`'s.",
        "",
    ]
    if args.card.exists():
        old = args.card.read_text(encoding="utf-8")
        if KEPT_SECTION in old:
            lines.append(old[old.index(KEPT_SECTION) :].rstrip("\n"))
            lines.append("")
    args.card.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    args = parse_args()
    if args.tables_only:
        print(f"tables: {ChineseCrf(args.output).write_tables()}")
        return 0
    paths = dataset.data_files(args.data)
    if not paths:
        print(f"no *.jsonl in {args.data}", file=sys.stderr)
        return 2
    split = dataset.split(paths, args.held_out, label_map(not args.no_aux_loc))
    if args.augment:
        split.train.extend(ner_augment.generate(split.train, args.augment, args.augment_seed))
    print(
        f"train {len(split.train)} sentences, validation {len(split.validation)}, "
        f"{split.dropped_duplicates} duplicates dropped",
        flush=True,
    )
    seconds, iterations = train(split, args)
    print(f"trained in {seconds:.0f} s ({iterations} iterations): {args.output}", flush=True)
    crf = ChineseCrf(args.output)
    # the weights as numpy tables beside the model: loaded in ms instead of parsing its dump
    print(f"tables: {crf.write_tables()}", flush=True)
    table = evaluate(crf, split.validation)
    for row in score_rows(table):
        print(row)
    write_card(args, split, seconds, iterations, table)
    print(f"model card: {args.card}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
