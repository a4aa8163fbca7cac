"""Real public Chinese text, hand-labelled: the current code against the previous release.

    .venv/bin/python bench/real_eval.py [--previous 9b292bf] [--no-previous] [--fresh]

Runs the full analyser (every recognizer, NER on, the default threshold, built
as ``baomi scan`` builds it through ``ScanSpec``) over ``bench/data/real_dev.jsonl``
and ``bench/data/real_heldout.jsonl`` (``bench/data/README.md``: sources,
guidelines; the held-out set is never tuned on). Prints per-entity precision,
recall and F1 and micro F1 (exact span match, and relaxed: a same-type overlap),
for this checkout and for the previous release, side by side. The previous
release is checked out into a temporary git worktree and analysed in a child
process with ``PYTHONPATH`` pointing at it; the worktree is removed afterwards.
Then lists the most frequent misses per entity type on the dev set only, masked
with ``scanner.masking.mask``; nothing from the held-out set is ever printed.
``--fresh`` adds ``bench/data/real_fresh.jsonl``, a third set collected after the
rules were written, scored once at the end of a round (scores only, never misses).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SETS = {"dev": DATA / "real_dev.jsonl", "held-out": DATA / "real_heldout.jsonl"}
# collected after the rules of the real-text issue were written and scored only with
# ``--fresh``, at the end of a round: the held-out set's scores were seen while working
FRESH = DATA / "real_fresh.jsonl"
ENTITIES = (
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
)
PREVIOUS = "9b292bf"
MISSES_SHOWN = 20

Span = tuple[int, int, str]


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    gold_found: int = 0  # gold spans matched
    predicted_right: int = 0  # predicted spans matched

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_set(path: Path) -> list[dict]:
    """The passages of one JSONL file: ``text``, ``entities`` ([start, end, label])."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_spans(passage: dict) -> set[Span]:
    return {(s, e, label) for s, e, label in passage["entities"]}


# --- prediction (runs in the tree under test) -----------------------------------------


def build_analyzer():
    """The analyser ``baomi scan`` builds with the default configuration: every
    recognizer, NER on, ``min_score`` 0.5, default context settings, no registry."""
    from scanner.scan.executors.spec import ScanSpec

    return ScanSpec(key=b"\0" * 32).build().analyzer


def predict(texts: Sequence[str]) -> list[list[Span]]:
    """Spans of the scored types the analyser reports in each text."""
    analyzer = build_analyzer()
    found = analyzer.analyze_batch([(text, ()) for text in texts])
    return [
        sorted({(d.start, d.end, d.entity_type) for d in ds if d.entity_type in ENTITIES})
        for ds in found
    ]


def predict_main(tree: Path) -> int:
    """Child-process entry: read texts as JSON on stdin, write spans as JSON on stdout."""
    import scanner

    origin = Path(scanner.__file__).resolve()
    if tree.resolve() not in origin.parents:
        print(f"scanner imported from {origin}, not from {tree}", file=sys.stderr)
        return 2
    texts = json.load(sys.stdin)
    json.dump(predict(texts), sys.stdout)
    return 0


def predictions_in(tree: Path, texts: Sequence[str]) -> list[list[Span]]:
    """Run ``predict`` in a child process whose imports come from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "BAOMI_HASH_KEY": "00" * 32}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--predict-in", str(tree)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=tree,
        env=env,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"prediction in {tree} failed:\n{done.stderr[-2000:]}")
    return [[tuple(s) for s in spans] for spans in json.loads(done.stdout)]


# --- scoring ----------------------------------------------------------------------------


def overlaps(a: Span, b: Span) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def score(
    passages: Sequence[dict], predicted: Sequence[Iterable[Span]], relaxed: bool
) -> dict[str, Counts]:
    """Per-type counts; ``relaxed`` matches a same-type overlap instead of exact edges."""
    counts = {entity: Counts() for entity in ENTITIES}
    for passage, spans in zip(passages, predicted, strict=True):
        gold, found = gold_spans(passage), set(spans)
        for entity, c in counts.items():
            g = [s for s in gold if s[2] == entity]
            p = [s for s in found if s[2] == entity]
            c.gold += len(g)
            c.predicted += len(p)
            if relaxed:
                c.gold_found += sum(any(overlaps(x, y) for y in p) for x in g)
                c.predicted_right += sum(any(overlaps(y, x) for x in g) for y in p)
            else:
                hits = len(set(g) & set(p))
                c.gold_found += hits
                c.predicted_right += hits
    return counts


def micro(counts: dict[str, Counts]) -> Counts:
    total = Counts()
    for c in counts.values():
        total.gold += c.gold
        total.predicted += c.predicted
        total.gold_found += c.gold_found
        total.predicted_right += c.predicted_right
    return total


def cell(c: Counts) -> str:
    return f"{c.precision:6.3f}{c.recall:6.3f}{c.f1:6.3f}"


def print_table(title: str, columns: dict[str, dict[str, Counts]]) -> None:
    """One row per entity type with gold spans, then micro; one P/R/F1 block per column."""
    print(f"\n## {title}\n")
    print(f"{'type':<16}{'gold':>6}" + "".join(f"{name:>22}" for name in columns))
    print(f"{'':<22}" + "".join(f"{'P     R     F1':>22}" for _ in columns))
    first = next(iter(columns.values()))
    for entity in ENTITIES:
        if first[entity].gold or any(t[entity].predicted for t in columns.values()):
            row = "".join(f"{cell(t[entity]):>22}" for t in columns.values())
            print(f"{entity:<16}{first[entity].gold:>6}{row}")
    row = "".join(f"{cell(micro(t)):>22}" for t in columns.values())
    print(f"{'micro':<16}{micro(first).gold:>6}{row}")


def dev_misses(passages: Sequence[dict], predicted: Sequence[Iterable[Span]]) -> None:
    """The most frequent missed gold values per type on the dev set, masked, with
    the overlapping prediction (if any) to show edge errors."""
    from scanner.masking import mask

    misses: dict[str, Counter] = {entity: Counter() for entity in ENTITIES}
    for passage, spans in zip(passages, predicted, strict=True):
        found = set(spans)
        text = passage["text"]
        for s, e, label in sorted(gold_spans(passage) - found):
            near = [p for p in found if overlaps(p, (s, e, label))]
            how = "edge: " + mask(label, text[near[0][0] : near[0][1]]) if near else "not found"
            misses[label][(mask(label, text[s:e]), how)] += 1
    print(f"\n## most frequent misses on dev (exact match; values masked; top {MISSES_SHOWN})\n")
    for entity, counter in misses.items():
        if not counter:
            continue
        print(f"{entity} ({sum(counter.values())} missed)")
        for (value, how), n in counter.most_common(MISSES_SHOWN):
            print(f"  {n:>3}  {value:<24} {how}")


# --- driver -----------------------------------------------------------------------------


def previous_worktree(commit: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="baomi_prev_"))
    path.rmdir()
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit],
        check=True,
        capture_output=True,
    )
    return path


def remove_worktree(path: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
        check=False,
        capture_output=True,
    )


def evaluate(
    trees: dict[str, Path], sets: dict[str, list[dict]]
) -> dict[str, dict[str, list[list[Span]]]]:
    """Predictions per tree per set."""
    return {
        tree_name: {
            name: predictions_in(tree, [p["text"] for p in passages])
            for name, passages in sets.items()
        }
        for tree_name, tree in trees.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--previous", default=PREVIOUS, help="commit of the previous release")
    parser.add_argument("--no-previous", action="store_true")
    parser.add_argument(
        "--fresh", action="store_true", help=f"also score {FRESH.name} (once, at a round's end)"
    )
    parser.add_argument("--predict-in", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.predict_in:
        return predict_main(args.predict_in)

    paths = {**SETS, "fresh": FRESH} if args.fresh else SETS
    sets = {name: read_set(path) for name, path in paths.items()}
    trees = {"current": ROOT}
    worktree = None if args.no_previous else previous_worktree(args.previous)
    if worktree is not None:
        trees[f"previous ({args.previous})"] = worktree
    try:
        predicted = evaluate(trees, sets)
    finally:
        if worktree is not None:
            remove_worktree(worktree)
    for name, passages in sets.items():
        size = sum(len(p["text"].encode("utf-8")) for p in passages)
        for relaxed in (False, True):
            columns = {tree: score(passages, predicted[tree][name], relaxed) for tree in predicted}
            match = "relaxed overlap" if relaxed else "exact span"
            print_table(f"{name} ({len(passages)} passages, {size} bytes): {match}", columns)
    dev_misses(sets["dev"], predicted["current"]["dev"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
