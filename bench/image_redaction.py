"""Redacted images: how many planted values OCR can still read in the copies (target: 0).

    python bench/image_redaction.py [-n 24] [--seed 1] [--kinds licence,table] [--no-enlarged]

Generates ``n`` synthetic images with planted client information (``bench/ocr_images.py``:
business licences, ID cards, business cards, chat and mail screenshots, scanned contact
tables and contract pages; 150-300 dpi, rotation, blur, noise, low contrast, photos of cards
on a desk, JPEG quality 40-80), redacts each as ``baomi redact --policy media`` does (the
``Redactor`` of ``scanner/redact/engine.py`` in this process: grade check, OCR, painting,
the writer's own verification, then the engine's verification by the scan's extractors;
files graded 核心 released as with ``--force``), and reads every copy written with RapidOCR
again, independently of the redaction: as written and enlarged 1.5 times (the engine reads
small text better larger), every line down to a confidence of 0.3.

Printed:

* planted values (every one is of a type ``media`` removes), and how many of them OCR reads
  in the originals (what could leak at all);
* of those the redaction found (the rewriter replaced a value holding it), how many are
  **read back** in what OCR reads of a copy, compared after NFKC, white space and
  digit-separator folding (target 0), and how many leave a remnant there: a run of
  ``raster.remnant_length`` of their characters (six digits of a phone number);
* the planted values the recognizers never found (in the copy as in the original: a recall
  miss of the scan, not of the painting), and how many of those a copy still shows;
* copies refused, with their reasons (nothing is written for them: nothing leaks, but the
  file is not shared);
* seconds per image for the redaction (one core, OCR models loaded once), and the OCR
  readings it made.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)

from PIL import Image  # noqa: E402

from bench.ocr_images import KINDS, Sample, generate_set  # noqa: E402
from scanner.redact import raster  # noqa: E402
from scanner.redact.engine import Job, Redactor  # noqa: E402
from scanner.redact.operators import OperatorSet  # noqa: E402
from scanner.redact.policy import DEFAULT_POLICIES  # noqa: E402
from scanner.redact.rewriters import PolicyRewriter  # noqa: E402
from scanner.scan import ocr  # noqa: E402
from scanner.scan.executors.spec import ScanSpec  # noqa: E402
from scanner.scan.ocr import OcrPage, RapidOcrEngine  # noqa: E402

READ_BACK_FLOOR = 0.3  # the independent reading keeps every line down to this confidence
ENLARGED = 1.5


@dataclass
class Result:
    sample: Sample
    seconds: float
    readings: int
    status: str  # written | failed | unchanged
    reason: str = ""
    readable_before: list[str] = field(default_factory=list)  # planted values OCR reads
    found: list[tuple[str, str]] = field(default_factory=list)  # planted values removed
    read_back: list[tuple[str, str]] = field(default_factory=list)  # found, read in the copy
    remnants: list[tuple[str, str]] = field(default_factory=list)  # found, a remnant read
    missed_shown: list[tuple[str, str]] = field(default_factory=list)  # never found, readable


class CountingEngine(RapidOcrEngine):
    """The default engine, counting its readings (and those of its copies: the redaction
    reads with a copy reading down to a lower confidence)."""

    def __init__(self) -> None:
        super().__init__()
        self.counter = [0]  # shared by shallow copies

    @property
    def count(self) -> int:
        return self.counter[0]

    def read(self, image: Image.Image) -> OcrPage:
        self.counter[0] += 1
        return super().read(image)


def folded(text: str) -> str:
    return raster._folded("".join(text.split()))[0]


def reader() -> RapidOcrEngine:
    engine = RapidOcrEngine()
    engine.MIN_LINE_SCORE = READ_BACK_FLOOR
    return engine


def everything_read(engine: RapidOcrEngine, image: Image.Image, enlarged: bool) -> str:
    """All OCR reads of ``image``, as written and (``enlarged``) 1.5 times larger, folded."""
    image = image.convert("RGB")
    texts = [line.text for line in engine.read(image).lines]
    if enlarged:
        size = (round(image.width * ENLARGED), round(image.height * ENLARGED))
        bigger = image.resize(size, Image.Resampling.LANCZOS)
        texts += [line.text for line in engine.read(bigger).lines]
    return "\n".join(folded(t) for t in texts)


def redactor() -> Redactor:
    spec = ScanSpec(key=bytes.fromhex(os.environ["BAOMI_HASH_KEY"]))
    scanner = spec.build()
    policy = DEFAULT_POLICIES["media"]
    rewriter = PolicyRewriter(scanner.analyzer, policy, OperatorSet(scanner.key))
    return Redactor(scanner, policy, rewriter, force_reason="bench")


def run(samples: Sequence[Sample], enlarged: bool) -> list[Result]:
    counting = CountingEngine()
    ocr.use_engine(counting)
    independent = reader()
    redacting = redactor()
    results = []
    with tempfile.TemporaryDirectory(prefix="baomi-image-redaction-") as folder:
        for number, sample in enumerate(samples, 1):
            source = Path(folder) / sample.name
            target = Path(folder) / f"redacted-{sample.name}"
            source.write_bytes(sample.data)
            before = counting.count
            start = time.perf_counter()
            outcome = redacting.run(Job(source, target))
            seconds = time.perf_counter() - start
            result = Result(
                sample, seconds, counting.count - before, outcome.status, outcome.reason
            )
            original = everything_read(independent, sample.image(), enlarged=False)
            result.readable_before = [v for _, v in sample.truth if folded(v) in original]
            replaced = [folded(v) for _, v in redacting.rewriter.replaced_values]
            result.found = [(t, v) for t, v in sample.truth if _removed(folded(v), replaced)]
            if target.exists():
                with Image.open(io.BytesIO(target.read_bytes())) as copy:
                    copy.load()
                    text = everything_read(independent, copy, enlarged)
                for entity_type, value in sample.truth:
                    shown = folded(value) in text or _remnant(folded(value), text)
                    if (entity_type, value) not in result.found:
                        if shown:
                            result.missed_shown.append((entity_type, value))
                    elif folded(value) in text:
                        result.read_back.append((entity_type, value))
                    elif shown:
                        result.remnants.append((entity_type, value))
            results.append(result)
            print(_line(number, len(samples), result), flush=True)
    ocr.use_engine(None)
    return results


def _removed(value: str, replaced: Sequence[str]) -> bool:
    """Whether the redaction replaced ``value``: one of the values it replaced holds it, or
    together they cover all its characters (an address found in two pieces)."""
    if any(value in r for r in replaced):
        return True
    covered = [False] * len(value)
    for r in replaced:
        if len(r) >= 2:
            start = value.find(r)
            while start != -1:
                covered[start : start + len(r)] = [True] * len(r)
                start = value.find(r, start + 1)
    return bool(value) and all(covered)


def _remnant(value: str, text: str) -> bool:
    size = raster.remnant_length(value)
    return len(value) > size and any(
        value[i : i + size] in text for i in range(len(value) - size + 1)
    )


def _line(number: int, total: int, result: Result) -> str:
    status = result.status if result.status != "failed" else f"REFUSED ({result.reason[:90]})"
    leaks = f", READ BACK {len(result.read_back)}" if result.read_back else ""
    leaks += f", remnants {len(result.remnants)}" if result.remnants else ""
    missed = len(result.sample.truth) - len(result.found)
    leaks += f", {missed} never found ({len(result.missed_shown)} readable)" if missed else ""
    return (
        f"[{number}/{total}] {result.sample.name}: {status}, {result.seconds:.1f} s, "
        f"{result.readings} readings, {len(result.sample.truth)} planted, "
        f"{len(result.found)} found{leaks}"
    )


def report(results: Sequence[Result]) -> None:
    planted = sum(len(r.sample.truth) for r in results)
    readable = sum(len(r.readable_before) for r in results)
    written = [r for r in results if r.status != "failed"]
    refused = [r for r in results if r.status == "failed"]
    found = sum(len(r.found) for r in written)
    read_back = Counter(t for r in results for t, _ in r.read_back)
    remnants = Counter(t for r in results for t, _ in r.remnants)
    missed = Counter(t for r in written for t, v in r.sample.truth if (t, v) not in r.found)
    missed_shown = Counter(t for r in results for t, _ in r.missed_shown)
    seconds = [r.seconds for r in results]
    print()
    print(f"images: {len(results)} ({', '.join(f'{k} {v}' for k, v in _kinds(results).items())})")
    print(f"planted values: {planted} (OCR reads {readable} of them in the originals)")
    print(f"copies written: {len(written)}; the redaction found and removed {found} values")
    print(f"removed values read back in the copies: {sum(read_back.values())} (target 0)")
    for entity_type, count in sorted(read_back.items()):
        print(f"  {entity_type}: {count}")
    print(f"removed values leaving a remnant (remnant_length characters): {sum(remnants.values())}")
    for entity_type, count in sorted(remnants.items()):
        print(f"  {entity_type}: {count}")
    print(
        f"planted values the recognizers never found: {sum(missed.values())}, of which a copy "
        f"still shows {sum(missed_shown.values())} (whole or in part)"
    )
    for entity_type, count in sorted(missed.items()):
        print(f"  {entity_type}: {count} ({missed_shown[entity_type]} readable)")
    print(f"refused: {len(refused)}")
    for reason, count in Counter(_reason_kind(r.reason) for r in refused).most_common():
        print(f"  {count} × {reason}")
    print(
        f"seconds per image: mean {statistics.mean(seconds):.1f}, median "
        f"{statistics.median(seconds):.1f}, max {max(seconds):.1f} (one core); OCR readings "
        f"per image: {statistics.mean(r.readings for r in results):.1f}"
    )


def _kinds(results: Sequence[Result]) -> dict[str, int]:
    return dict(Counter(r.sample.kind for r in results))


def _reason_kind(reason: str) -> str:
    if reason.startswith("OCR 无法确认"):
        return "OCR 无法确认 (a low-confidence line that may hold part of a value)"
    if reason.startswith("verification failed: OCR still reads"):
        return "verification failed: OCR still reads a removed value after the paintings"
    if reason.startswith("verification failed"):
        return "verification failed: the engine's rescan found information"
    return reason[:100]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=24, help="images (default 24: four of each kind)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(KINDS), help="kinds of image, comma-separated")
    parser.add_argument(
        "--no-enlarged", action="store_true", help="read the copies as written only"
    )
    args = parser.parse_args(argv)
    samples = generate_set(args.n, args.seed, tuple(args.kinds.split(",")))
    report(run(samples, enlarged=not args.no_enlarged))


if __name__ == "__main__":
    main()
