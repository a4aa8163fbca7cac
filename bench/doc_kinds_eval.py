"""Document kinds on a realistic share: accuracy of today's rules against the rules before issue 20.

    python bench/doc_kinds_eval.py [--show-errors] [--baseline REV]

Reads ``bench/data/doc_kinds/`` (135 labelled files: MC scripts, guest lists, staff lists,
client contact books, plans, execution manuals, invoices, mails …; how they were made and
labelled in that folder's README.md), puts every file through the project's extractors
(``segments_of``) and ``classify_segments`` exactly as a scan does, and prints, for the dev
and the held-out split, accuracy and the remaining confusions of

* **old**: ``scanner/scan/classify.py`` as it was at ``--baseline`` (default: the commit
  before the kinds were reworked for issue 20), loaded from git;
* **new**: the working tree's ``scanner/scan/classify.py``.

The held-out split is never to be tuned on: ``--show-errors`` lists the misread files of the
dev split only; the held-out split prints its scores and its confusion counts, nothing else.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import time
import types
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.models import Segment  # noqa: E402
from scanner.scan import classify as current  # noqa: E402
from scanner.scan.content import segments_of  # noqa: E402
from scanner.scan.limits import Limits  # noqa: E402

DATA = ROOT / "bench" / "data" / "doc_kinds"
MANIFEST = DATA / "manifest.csv"
FILES = DATA / "files"
SPLITS = ("dev", "heldout")
# scanner/scan/classify.py before the kinds were reworked against this set (issue 20)
BASELINE = "32ac098"

Classifier = Callable[[str, Sequence[Segment]], str]


@dataclass(frozen=True)
class Item:
    id: str
    file: str
    kind: str
    split: str
    source: str


def read_manifest(path: Path = MANIFEST) -> list[Item]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Item(**row) for row in csv.DictReader(handle)]


def segments(item: Item) -> list[Segment]:
    """The file's segments as the scanner's extractors give them (csv headers as HEADER)."""
    data = (FILES / item.file).read_bytes()
    return list(segments_of(data, item.file, Limits()))


def baseline_module(rev: str) -> types.ModuleType | None:
    """``classify.py`` at ``rev``, loaded from git (None without git or that commit)."""
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:scanner/scan/classify.py"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(f"classify_{rev}")
    module.__dict__["__name__"] = module.__name__
    # dataclasses look their module up in sys.modules while the class body is built
    sys.modules[module.__name__] = module
    exec(compile(source, f"{rev}:scanner/scan/classify.py", "exec"), module.__dict__)
    return module


def classifier(module: types.ModuleType) -> Classifier:
    def kind(name: str, segs: Sequence[Segment]) -> str:
        return str(module.classify_segments(name, segs).kind)

    return kind


@dataclass
class Score:
    right: int = 0
    total: int = 0
    confusions: Counter[tuple[str, str]] | None = None
    errors: list[tuple[str, str, str]] | None = None

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score(items: list[Item], segs: dict[str, list[Segment]], kind_of: Classifier) -> Score:
    result = Score(confusions=Counter(), errors=[])
    for item in items:
        got = kind_of(item.file, segs[item.id])
        result.total += 1
        if got == item.kind:
            result.right += 1
        else:
            assert result.confusions is not None and result.errors is not None
            result.confusions[(item.kind, got)] += 1
            result.errors.append((item.file, item.kind, got))
    return result


def confusion_lines(found: Score) -> list[str]:
    assert found.confusions is not None
    ranked = sorted(found.confusions.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"    {want} → {got}: {n}" for (want, got), n in ranked] or ["    (none)"]


def report(items: list[Item], results: dict[str, dict[str, Score]], show_errors: bool) -> None:
    kinds = Counter(item.kind for item in items)
    print(
        f"{len(items)} files, {len(kinds)} kinds: "
        + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
    )
    for split in SPLITS:
        print(f"\n== {split} ({sum(1 for i in items if i.split == split)} files) ==")
        for name, per_split in results.items():
            found = per_split[split]
            print(f"  {name:4} accuracy {found.accuracy:.3f} ({found.right}/{found.total})")
        for name, per_split in results.items():
            print(f"  {name} confusions (label → kind given):")
            print("\n".join(confusion_lines(per_split[split])))
        if show_errors and split == "dev":
            for name, per_split in results.items():
                errors = per_split[split].errors or []
                print(f"  {name} errors:")
                for file, want, got in errors:
                    print(f"    {file}: {got} (want {want})")


def per_kind(
    items: list[Item], segs: dict[str, list[Segment]], kind_of: Classifier, split: str
) -> None:
    """Per-kind recall on one split (dev only: the held-out split keeps to totals)."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item in items:
        if item.split != split:
            continue
        total[item.kind] += 1
        right[item.kind] += kind_of(item.file, segs[item.id]) == item.kind
    print(
        f"\n  new, per kind on {split}: "
        + ", ".join(f"{k} {right[k]}/{n}" for k, n in total.most_common())
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="misread files of the dev split")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old rules")
    args = parser.parse_args(argv)
    items = read_manifest()
    started = time.perf_counter()
    segs = {item.id: segments(item) for item in items}
    extracted = time.perf_counter()
    classifiers: dict[str, Classifier] = {}
    old = baseline_module(args.baseline)
    if old is None:
        print(f"(old rules unavailable: no git or no revision {args.baseline})")
    else:
        classifiers["old"] = classifier(old)
    classifiers["new"] = classifier(current)
    results = {
        name: {
            split: score([i for i in items if i.split == split], segs, kind_of) for split in SPLITS
        }
        for name, kind_of in classifiers.items()
    }
    done = time.perf_counter()
    report(items, results, args.show_errors)
    per_kind(items, segs, classifiers["new"], "dev")
    calls = len(items) * len(classifiers)
    print(
        f"\nextraction {1000 * (extracted - started) / len(items):.1f} ms/file, "
        f"classification {1000 * (done - extracted) / calls:.2f} ms/file"
    )


if __name__ == "__main__":
    main()
