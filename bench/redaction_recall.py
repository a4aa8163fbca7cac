"""How much of what was planted survives a ``media`` copy: every byte of every copy searched.

    python bench/redaction_recall.py [--seeds 1 2] [--min-score 0.3]

Redacts every file of the demo share (``examples/share`` with ``examples/baomi.toml``)
and of generated shares (``examples/generate.py`` with other seeds: the same firm, other
numbers and codes) into a temporary folder under the ``media`` policy, files graded 核心
released with ``--force --reason bench``, then searches every byte of every copy and its
path (``scanner.redact.leftovers.search``: members inflated, PDF streams decoded,
normalised) for every planted value of the manifest, and for the people's names of the
generated world where the original holds them (the manifest lists no names). Twice: the
previous behaviour (the policy at the scan's ``min_score``, no document consistency) and
the new one. Prints planted, surviving (count and %), per entity type and per format,
files refused (not released), and the cost: the manifest's hard negatives destroyed in
the copies and the replacements made.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
sys.path[:0] = [str(ROOT), str(EXAMPLES)]
os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)
os.environ.setdefault("BAOMI_REDACT_KEY", "11" * 32)

from recognizers.registry import all_entities  # noqa: E402
from scanner.compliance.clients import load_registry  # noqa: E402
from scanner.config import Config, load_config  # noqa: E402
from scanner.redact import engine, leftovers  # noqa: E402
from scanner.redact.engine import Outcome, Redactor, plan_jobs  # noqa: E402
from scanner.redact.operators import OperatorSet  # noqa: E402
from scanner.redact.policy import DEFAULT_POLICIES, Policy  # noqa: E402
from scanner.redact.rewriters import PolicyRewriter  # noqa: E402
from scanner.scan.doc_grade import GradeRules  # noqa: E402
from scanner.scan.executors.spec import ScanSpec  # noqa: E402
from scanner.scan.limits import Limits  # noqa: E402

Value = tuple[str, str]  # (entity type, value)


@dataclass
class Share:
    """A share to redact and what was planted in each of its files (archive members
    counted with their archive: the copy released is the archive)."""

    name: str
    root: Path
    registry: Path
    planted: dict[str, set[Value]] = field(default_factory=dict)  # relative path → values
    negatives: dict[str, set[str]] = field(default_factory=dict)
    people: tuple[str, ...] = ()  # names searched where the original holds them


@dataclass
class Tally:
    planted: Counter = field(default_factory=Counter)  # by entity type
    surviving: Counter = field(default_factory=Counter)
    planted_by_format: Counter = field(default_factory=Counter)
    surviving_by_format: Counter = field(default_factory=Counter)
    withheld: int = 0  # planted values in files not released
    refused: list[str] = field(default_factory=list)
    negatives: int = 0
    negatives_lost: int = 0
    replacements: int = 0


def _add_manifest(share: Share, manifest: dict) -> None:
    for path, entry in manifest.items():
        released = path.split("!", 1)[0]  # a member's values are in its archive's copy
        planted = {(p["entity_type"], p["value"]) for p in entry["planted"]}
        share.planted.setdefault(released, set()).update(planted)
        share.negatives.setdefault(released, set()).update(entry["negatives"])


def demo_share() -> Share:
    import generate

    share = Share("demo share", EXAMPLES / "share", EXAMPLES / "clients.csv")
    _add_manifest(share, json.loads((EXAMPLES / "share.manifest.json").read_text("utf-8")))
    share.people = _people(generate.build_world())
    return share


def generated_share(seed: int, folder: Path) -> Share:
    """The demo firm drawn again from ``seed``: every phone, ID, code and account new."""
    import generate

    world = generate.build_world(seed)
    docs = generate.build_docs(world)
    terms = world.client_terms()
    for doc in docs:
        if doc.encoding is not None or doc.extracted:
            generate.finalize(doc, terms)
    root = folder / f"share-{seed}"
    for doc in docs:
        if "!" not in doc.path:  # members live inside their archive
            target = root / doc.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(doc.payload())
    registry = folder / f"clients-{seed}.csv"
    registry.write_bytes(generate.clients_csv(world).encode("utf-8"))
    share = Share(f"generated share (seed {seed})", root, registry)
    _add_manifest(share, json.loads(generate.manifest_json(docs)))
    share.people = _people(world)
    return share


def _people(world) -> tuple[str, ...]:
    return tuple(sorted({*world.people, *world.ids, *world.passports}))


def redactor_for(config: Config, registry: Path, policy: Policy) -> Redactor:
    """What ``baomi redact --config examples/baomi.toml`` builds, in this process."""
    spec = ScanSpec(
        key=bytes.fromhex(os.environ["BAOMI_HASH_KEY"]),
        grade_rules=GradeRules.from_config(config.doc_grades, all_entities()),
        clients=tuple(load_registry(registry)),
        min_score=config.scan.min_score,
        allow=tuple(config.allow),
        context_before=config.context.before,
        context_after=config.context.after,
        context_boost=config.context.boost,
        limits=config.limits,
        exclude=tuple(config.scan.exclude),
    )
    scanner = spec.build()
    operators = OperatorSet(scanner.key, bytes.fromhex(os.environ["BAOMI_REDACT_KEY"]))
    rewriter = PolicyRewriter(scanner.analyzer, policy, operators)
    return Redactor(scanner, policy, rewriter, force_reason="bench")


@contextlib.contextmanager
def previous_behaviour() -> Iterator[None]:
    """No document names replaced before the first pass (the second pass still runs)."""
    saved = engine.DOCUMENT_NAME_TYPES
    engine.DOCUMENT_NAME_TYPES = frozenset()
    try:
        yield
    finally:
        engine.DOCUMENT_NAME_TYPES = saved


def redact_share(share: Share, redactor: Redactor, out: Path, config: Config) -> list[Outcome]:
    jobs = plan_jobs([share.root], None, out, False, config.scan.exclude, redactor.rewriter)
    return [redactor.run(job) for job in jobs]


def tally(share: Share, outcomes: list[Outcome], out: Path, result: Tally) -> None:
    limits = Limits()
    for outcome in outcomes:
        relative = outcome.job.source.relative_to(share.root).as_posix()
        original = outcome.job.source.read_bytes()
        planted = set(share.planted.get(relative, ()))
        named = {("PERSON", name) for name in share.people}
        present = leftovers.search(original + relative.encode(), named, limits)
        planted |= {(hit.entity_type, hit.value) for hit in present}
        fmt = Path(relative).suffix.lstrip(".").lower() or "(none)"
        if not outcome.ok:
            result.withheld += len(planted)
            result.refused.append(f"{relative}: {outcome.reason}")
            continue
        copy = outcome.job.target
        data = copy.read_bytes() + copy.relative_to(out).as_posix().encode()
        left = {(hit.entity_type, hit.value) for hit in leftovers.search(data, planted, limits)}
        for entity_type, _ in planted:
            result.planted[entity_type] += 1
            result.planted_by_format[fmt] += 1
        for entity_type, _ in left:
            result.surviving[entity_type] += 1
            result.surviving_by_format[fmt] += 1
        negatives = share.negatives.get(relative, set())
        kept = {h.value for h in leftovers.search(data, {("N", n) for n in negatives}, limits)}
        result.negatives += len(negatives)
        result.negatives_lost += len(negatives - kept)
        result.replacements += sum(c.count for c in outcome.changes)


def measure(share: Share, config: Config, policy: Policy, previous: bool) -> Tally:
    result = Tally()
    redactor = redactor_for(config, share.registry, policy)
    with tempfile.TemporaryDirectory() as out:
        with previous_behaviour() if previous else contextlib.nullcontext():
            outcomes = redact_share(share, redactor, Path(out), config)
        tally(share, outcomes, Path(out), result)
    return result


def _pct(part: int, whole: int) -> str:
    return f"{part:>5} {100 * part / whole:6.2f}%" if whole else f"{part:>5}    -   "


def report(name: str, before: Tally, after: Tally) -> None:
    print(f"\n== {name}: surviving planted values (previous | new) ==")
    rows = [
        (
            "total",
            sum(before.planted.values()),
            sum(before.surviving.values()),
            sum(after.planted.values()),
            sum(after.surviving.values()),
        )
    ]
    for label, planted, surviving, planted_after, surviving_after in (
        *(
            (t, before.planted, before.surviving, after.planted, after.surviving)
            for t in sorted(before.planted | after.planted)
        ),
        *(
            (
                f".{f}",
                before.planted_by_format,
                before.surviving_by_format,
                after.planted_by_format,
                after.surviving_by_format,
            )
            for f in sorted(before.planted_by_format | after.planted_by_format)
        ),
    ):
        key = label.lstrip(".") if label.startswith(".") else label
        rows.append((label, planted[key], surviving[key], planted_after[key], surviving_after[key]))
    print(f"{'':<22}{'planted':>8}{'surviving':>16} |{'planted':>8}{'surviving':>16}")
    for label, p0, s0, p1, s1 in rows:
        print(f"{label:<22}{p0:>8}{_pct(s0, p0):>16} |{p1:>8}{_pct(s1, p1):>16}")
    for tag, t in (("previous", before), ("new", after)):
        print(
            f"{tag:<9} refused {len(t.refused)} files ({t.withheld} planted values not "
            f"released); {t.replacements} replacements; hard negatives destroyed "
            f"{t.negatives_lost}/{t.negatives}"
        )
    for reason in after.refused:
        print(f"  refused: {reason}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--min-score", type=float, default=None, help="the new policy's")
    args = parser.parse_args()
    config = load_config(EXAMPLES / "baomi.toml")
    media = DEFAULT_POLICIES["media"]
    new = media if args.min_score is None else replace(media, min_score=args.min_score)
    previous = replace(media, min_score=None)
    print(f"media policy: previous min_score {config.scan.min_score}, new {new.min_score}")
    folder = Path(tempfile.mkdtemp(prefix="baomi-recall-"))
    try:
        shares = [demo_share(), *(generated_share(seed, folder) for seed in args.seeds)]
        totals = (Tally(), Tally())
        for share in shares:
            before = measure(share, config, previous, previous=True)
            after = measure(share, config, new, previous=False)
            report(share.name, before, after)
            for total, part in zip(totals, (before, after), strict=True):
                _merge(total, part)
        if len(shares) > 1:
            report("all shares", *totals)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _merge(total: Tally, part: Tally) -> None:
    for name in ("planted", "surviving", "planted_by_format", "surviving_by_format"):
        getattr(total, name).update(getattr(part, name))
    total.withheld += part.withheld
    total.refused += part.refused
    total.negatives += part.negatives
    total.negatives_lost += part.negatives_lost
    total.replacements += part.replacements


if __name__ == "__main__":
    sys.exit(main())
