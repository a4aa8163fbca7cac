"""Which OCR engine reads a PR firm's scans best: recall of planted values, precision, speed.

    python bench/ocr_eval.py [--engines rapidocr,tesseract] [--n 60] [--seed 1]
                             [--kinds licence,table] [--json out.json] [--misses 40]

Generates ``--n`` labelled images with ``bench/ocr_images.py`` (licences, ID cards, business
cards, chat and mail screenshots, scanned contact tables, contract pages; six kinds in turn,
seeded), runs each engine on each image's encoded bytes on one core, and prints per document
kind and in total, for each group of planted values (check-digit codes: USCC, resident ID, bank
card; phone numbers; names; addresses; and e-mail addresses, organisations):

* text recall: the exact value appears in the OCR text once white space is removed;
* baomi recall: baomi's recognizers (every recognizer, as ``tests/conftest.py``'s
  ``analyzer_all``) find the value with its type in the OCR text: the same value for codes,
  phones, e-mail and names; for addresses and organisations, detections of the type that are
  part of the planted value cover at least 80 % of it. A scanned table is a table: the cells
  under a header row are analysed as cells, with their column header as context (``layout``),
  as the scanner does for spreadsheet cells;
* precision: detections of the four groups' types that match a value planted in that image
  (an address detection: a part of a planted address) over all such detections;
* seconds per image on one core: CPU time of the OCR call (ONNX Runtime with one intra-op and
  one inter-op thread, OpenCV with one thread; ``tesseract`` with ``OMP_THREAD_LIMIT=1``,
  its CPU time from ``getrusage``), and wall time.

Engines: ``rapidocr`` (rapidocr-onnxruntime 1.4.4, ``return_word_box=True``), ``tesseract``
(Tesseract 5, ``-l chi_sim+eng``, page segmentation mode ``DEFAULT_PSM``) and
``tesseract-psmN`` for another mode. RapidOCR returns text boxes and no spaces inside a box;
its text is assembled here: boxes deskewed by their median angle, grouped into rows, a row's
boxes joined by a space. A second view of the same run, ``rapidocr+gaps``, also puts a space
inside a box where the gap between two character boxes is wider than 0.6 of the box height
(RapidOCR reads ``联系人：张伟　电话`` as ``联系人：张伟电话``). Tesseract's text is its own ``txt``
output; the ``tsv`` output of the same run places its lines' pieces for the table pass.
"""

from __future__ import annotations

import os

# one core: set before numpy / OpenCV / ONNX Runtime start their thread pools
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Protocol  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ocr_images import (  # noqa: E402
    ADDRESS,
    BANK_CARD,
    EMAIL,
    KINDS,
    ORGANIZATION,
    PERSON,
    PHONE,
    RESIDENT_ID,
    USCC,
    Sample,
    generate_set,
)
from recognizers.table_column import HEADERS, NOT_NAME_WORDS  # noqa: E402

GROUPS: dict[str, tuple[str, ...]] = {
    "codes": (USCC, RESIDENT_ID, BANK_CARD),
    "phones": (PHONE,),
    "names": (PERSON,),
    "addresses": (ADDRESS,),
    "e-mail": (EMAIL,),
    "orgs": (ORGANIZATION,),
}
GROUP_OF = {t: g for g, types in GROUPS.items() for t in types}
PRECISION_TYPES = frozenset((*GROUPS["codes"], PHONE, PERSON, ADDRESS))
PARTIAL_TYPES = frozenset((ADDRESS, ORGANIZATION))  # found by coverage, not equality
MIN_COVER = 0.8
DEFAULT_PSM = 3  # automatic page segmentation: best of 3, 6, 11 (bench/README.md)
TESSERACT_LANGS = "chi_sim+eng"
GAP_SPACE = 0.6  # a gap wider than this share of the box height is a space


def compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


# --- engines -----------------------------------------------------------------------------


@dataclass
class Box:
    """A run of text on one row: a RapidOCR text box, or a piece of a Tesseract line (its
    words up to a gap wider than ``PIECE_GAP`` line heights)."""

    text: str
    x0: float  # extent along the row, in the deskewed frame
    x1: float
    height: float
    chars: list[tuple[str, float, float]] = field(default_factory=list)  # RapidOCR only

    def spaced_text(self) -> str:
        """The text with a space wherever two character boxes are far apart."""
        if not self.chars or len(self.chars) != len(self.text.replace(" ", "")):
            return self.text
        out: list[str] = []
        prev: float | None = None
        for ch, left, right in self.chars:
            if prev is not None and left - prev > GAP_SPACE * self.height:
                out.append(" ")
            out.append(ch)
            prev = right
        return "".join(out)


@dataclass
class Read:
    """One engine's reading of one image: rows of boxes in reading order, its cost."""

    rows: list[list[Box]]
    cpu: float
    wall: float


class Engine(Protocol):
    name: str
    views: dict[str, bool]  # view name → put spaces at wide gaps inside a box

    def read(self, sample: Sample) -> Read: ...


def _angle(quad: Sequence[Sequence[float]]) -> float:
    (x0, y0), (x1, y1) = quad[0], quad[1]
    return math.atan2(y1 - y0, x1 - x0)


def rapid_rows(result: list[Any]) -> list[list[Box]]:
    """RapidOCR's boxes in reading order: deskewed by the median angle of the wide boxes,
    grouped into rows by their centres (within half a text height), each row left to right."""
    if not result:
        return []

    def width(q: Sequence[Sequence[float]]) -> float:
        return math.dist(q[0], q[1])

    def height(q: Sequence[Sequence[float]]) -> float:
        return max(math.dist(q[0], q[3]), 1.0)

    quads = [item[0] for item in result]
    wide = [_angle(q) for q in quads if width(q) > 3 * height(q)] or [_angle(q) for q in quads]
    theta = statistics.median(wide)
    cos, sin = math.cos(theta), math.sin(theta)

    def along(p: Sequence[float]) -> float:
        return p[0] * cos + p[1] * sin

    def across(p: Sequence[float]) -> float:
        return -p[0] * sin + p[1] * cos

    placed: list[tuple[float, Box]] = []
    for item in result:
        quad, text = item[0], item[1]
        chars = []
        if len(item) >= 5 and item[3] and len(item[3]) == len(item[4]):
            for q, c in zip(item[3], item[4], strict=True):
                if c.strip():
                    xs = [along(p) for p in q]
                    chars.append((c, min(xs), max(xs)))
        xs = [along(p) for p in quad]
        y = sum(across(p) for p in quad) / 4
        placed.append((y, Box(text, min(xs), max(xs), height(quad), chars)))
    placed.sort(key=lambda p: p[0])
    rows: list[list[tuple[float, Box]]] = []
    for y, box in placed:
        if rows:
            row = rows[-1]
            mean_y = sum(p[0] for p in row) / len(row)
            if abs(y - mean_y) < 0.5 * min(box.height, *(p[1].height for p in row)):
                row.append((y, box))
                continue
        rows.append([(y, box)])
    return [sorted((b for _, b in row), key=lambda b: b.x0) for row in rows]


class RapidOcrEngine:
    name = "rapidocr"
    views = {"rapidocr": False, "rapidocr+gaps": True}

    def __init__(self) -> None:
        import cv2
        import numpy as np
        from rapidocr_onnxruntime import RapidOCR

        cv2.setNumThreads(1)
        # rapidocr-onnxruntime 1.4.4: Global.intra_op_num_threads / inter_op_num_threads in
        # its config.yaml, copied to the Det, Cls and Rec sessions; given here as keywords
        self.ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        warm = np.full((64, 256, 3), 255, np.uint8)
        cv2.putText(warm, "warm up", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 0), 2)
        self.ocr(warm, return_word_box=True)

    def read(self, sample: Sample) -> Read:
        c0, t0 = time.process_time(), time.perf_counter()
        result, _ = self.ocr(sample.data, return_word_box=True)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        return Read(rapid_rows(result or []), cpu, wall)


PIECE_GAP = 1.5  # a gap wider than this many word heights splits a Tesseract line
RULE_CHARS = "|[]丨"  # a table's ruling read as characters: a cell border, not text


def _transfer_spacing(words: list[str], line: str) -> list[str] | None:
    """Each word as Tesseract's text output spells it, with the spaces that follow it inside
    ``line`` (None if the line is not these words)."""
    flat = [(k, ch) for k, ch in enumerate(line) if not ch.isspace()]
    if "".join(ch for _, ch in flat) != "".join(words):
        return None
    out, pos = [], 0
    for w in words:
        start = flat[pos][0]
        pos += len(w)
        end = flat[pos][0] if pos < len(flat) else len(line)
        out.append(line[start:end])
    return out


def tesseract_rows(tsv: str, txt: str) -> list[list[Box]]:
    """Tesseract's lines in its reading order (TSV word boxes, the spacing of its text
    output), each cut into pieces at gaps wider than ``PIECE_GAP`` word heights and at
    table rules it read as ``|``."""
    lines: dict[tuple[int, ...], list[tuple[int, int, int, str]]] = defaultdict(list)
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = tuple(int(c) for c in cols[1:5])
        left, width, height = int(cols[6]), int(cols[8]), int(cols[9])
        lines[key].append((left, left + width, height, cols[11].strip()))
    text_lines = [line for line in txt.splitlines() if line.strip()]
    cursor = 0
    rows: list[list[Box]] = []
    for key in sorted(lines):
        words = lines[key]  # in reading order, as the text output has them
        spelled = None
        for k in range(cursor, min(cursor + 3, len(text_lines))):
            spelled = _transfer_spacing([w[3] for w in words], text_lines[k])
            if spelled is not None:
                cursor = k + 1
                break
        if spelled is None:  # not found: one space between words
            spelled = [w[3] + " " for w in words]
        h = statistics.median(w[2] for w in words)
        row: list[Box] = []
        piece: list[int] = []
        for k in range(len(words) + 1):
            rule = k < len(words) and not words[k][3].strip(RULE_CHARS)
            if (
                k == len(words)
                or rule
                or (piece and words[k][0] - words[piece[-1]][1] > PIECE_GAP * h)
            ):
                if piece:
                    text = "".join(spelled[j] for j in piece).strip().strip(RULE_CHARS).strip()
                    row.append(Box(text, words[piece[0]][0], words[piece[-1]][1], h))
                piece = []
            if k < len(words) and not rule:
                piece.append(k)
        rows.append(row)
    return rows


class TesseractEngine:
    def __init__(self, psm: int = DEFAULT_PSM) -> None:
        if shutil.which("tesseract") is None:
            raise SystemExit(
                "tesseract not found: sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim"
            )
        self.psm = psm
        self.name = "tesseract" if psm == DEFAULT_PSM else f"tesseract-psm{psm}"
        self.views = {self.name: False}
        self.env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(self, sample: Sample) -> Read:
        suffix = ".jpg" if sample.format == "JPEG" else ".png"
        with tempfile.TemporaryDirectory() as tmp:
            image, base = Path(tmp) / f"in{suffix}", Path(tmp) / "out"
            image.write_bytes(sample.data)
            command = ["tesseract", str(image), str(base), "-l", TESSERACT_LANGS]
            r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run(
                [*command, "--psm", str(self.psm), "txt", "tsv"],  # one run, both outputs
                capture_output=True,
                env=self.env,
                timeout=600,
                check=True,
            )
            r1, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter() - t0
            txt = (base.with_suffix(".txt")).read_text(encoding="utf-8")
            tsv = (base.with_suffix(".tsv")).read_text(encoding="utf-8")
        cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
        return Read(tesseract_rows(tsv, txt), cpu, wall)


def cached_read(engine: Engine, sample: Sample, cache: Path | None) -> Read:
    if cache is None:
        return engine.read(sample)
    digest = hashlib.sha256(sample.data).hexdigest()[:20]
    path = cache / f"{engine.name}-{sample.name.rsplit('.', 1)[0]}-{digest}.json"
    if path.exists():
        saved = json.loads(path.read_text(encoding="utf-8"))
        rows = [[Box(**b) for b in row] for row in saved["rows"]]
        return Read(rows, saved["cpu"], saved["wall"])
    read = engine.read(sample)
    cache.mkdir(parents=True, exist_ok=True)
    saved = {"rows": [[asdict(b) for b in row] for row in read.rows]}
    saved |= {"cpu": read.cpu, "wall": read.wall}
    path.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    return read


def make_engine(spec: str) -> Engine:
    if spec == "rapidocr":
        return RapidOcrEngine()
    if spec == "tesseract":
        return TesseractEngine()
    m = re.fullmatch(r"tesseract-psm(\d+)", spec)
    if m:
        return TesseractEngine(int(m.group(1)))
    raise SystemExit(f"unknown engine {spec!r}: rapidocr, tesseract or tesseract-psmN")


# --- from rows to what the recognizers read ---------------------------------------------

# words that make a row a table's header row (with baomi's own column-header words)
HEADER_WORDS = frozenset(
    [w for words in HEADERS.values() for w in words]
    + [*NOT_NAME_WORDS, "序号", "职务", "职位", "备注", "部门"]
)


def layout(rows: list[list[Box]], spaced: bool) -> tuple[str, list[tuple[str, str]]]:
    """What the recognizers read: the page text, rows joined by line breaks, and the cells of
    a table with their column header. A scanned table is a table: after a header row (three
    or more short boxes, two of them column-header words), each box of the following rows is
    a cell, with the header box it overlaps most as its context, until a row of fewer than
    two boxes; those rows are read as cells only (as baomi reads a spreadsheet's)."""
    lines: list[str] = []
    cells: list[tuple[str, str]] = []
    header: list[Box] | None = None
    for row in rows:
        texts = [b.spaced_text() if spaced else b.text for b in row]
        words = [compact(t) for t in texts]
        if (
            len(row) >= 3
            and all(len(w) <= 8 for w in words)
            and sum(w.lower() in HEADER_WORDS for w in words) >= 2
        ):
            header = row
        elif header is not None and len(row) >= 2:
            for box, text in zip(row, texts, strict=True):
                best = max(header, key=lambda h: min(h.x1, box.x1) - max(h.x0, box.x0))
                if min(best.x1, box.x1) - max(best.x0, box.x0) > 0:
                    cells.append((text, compact(best.text)))
                else:
                    cells.append((text, ""))
            continue
        else:
            header = None
        lines.append(" ".join(texts))
    return "\n".join(lines), cells


# --- scoring -----------------------------------------------------------------------------


def cover(planted: str, parts: Sequence[str]) -> float:
    """Share of ``planted``'s characters covered by the ``parts`` found inside it."""
    if not planted:
        return 0.0
    mask = [False] * len(planted)
    for part in parts:
        if not part:
            continue
        if planted in part:
            return 1.0
        start = planted.find(part)
        while start >= 0:
            mask[start : start + len(part)] = [True] * len(part)
            start = planted.find(part, start + 1)
    return sum(mask) / len(planted)


def split_read(value: str, text: str) -> bool:
    """True when ``value`` is not in ``text`` but both halves of it are, as when a wrapped
    value's lines are read apart (another column's text between them)."""
    return any(value[:k] in text and value[k:] in text for k in range(3, len(value) - 2) if value)


@dataclass
class Outcome:
    """One engine view on one image."""

    text_found: dict[tuple[str, str], bool]
    baomi_found: dict[tuple[str, str], bool]
    true_pos: int
    detections: list[tuple[str, str, bool]]  # (type, value, matches a planted value)
    misses: list[dict[str, str]]


def detect(analyzer: Any, text: str, cells: list[tuple[str, str]]) -> list[Any]:
    """baomi's detections in the page text and in the table cells (with their headers as
    context), one per type and value."""
    items = [(cell, (head,) if head else ()) for cell, head in cells]
    found = analyzer.analyze_batch([(text, ()), *items])
    unique = {}
    for d in itertools.chain.from_iterable(found):
        unique.setdefault((d.entity_type, compact(d.value)), d)
    return list(unique.values())


def score(sample: Sample, text: str, cells: list[tuple[str, str]], analyzer: Any) -> Outcome:
    flat = compact(text + "".join(cell for cell, _ in cells))
    detections = detect(analyzer, text, cells)
    by_type: dict[str, list[str]] = defaultdict(list)
    for d in detections:
        by_type[d.entity_type].append(compact(d.value))
    text_found, baomi_found, misses = {}, {}, []
    for etype, value in sample.truth:
        key = (etype, value)
        text_found[key] = compact(value) in flat
        found_as = by_type.get(etype, [])
        if etype in PARTIAL_TYPES:
            hit = cover(compact(value), found_as) >= MIN_COVER
        else:
            hit = compact(value) in found_as
        baomi_found[key] = hit
        if not hit:
            if text_found[key]:
                other = [
                    f"{d.entity_type}:{d.value}"
                    for d in detections
                    if compact(value) in compact(d.value) or compact(d.value) in compact(value)
                ]
                why = "in text, " + (("found as " + ", ".join(other)) if other else "not found")
            elif split_read(compact(value), flat):
                why = "read in two pieces (layout)"
            else:
                why = "misread"
            misses.append({"type": etype, "value": value, "why": why})
    planted = defaultdict(set)
    for etype, value in sample.truth:
        planted[etype].add(compact(value))
    scored, true_pos = [], 0
    for d in detections:
        if d.entity_type not in PRECISION_TYPES:
            continue
        v = compact(d.value)
        if d.entity_type in PARTIAL_TYPES:
            ok = any((len(v) >= 4 and v in p) or p in v for p in planted[d.entity_type])
        else:
            ok = v in planted[d.entity_type]
        true_pos += ok
        scored.append((d.entity_type, d.value, ok))
    return Outcome(text_found, baomi_found, true_pos, scored, misses)


@dataclass
class Tally:
    text: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    baomi: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    precision: list[int] = field(default_factory=lambda: [0, 0])
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    def add(self, outcome: Outcome, read: Read) -> None:
        for (etype, _), hit in outcome.text_found.items():
            cell = self.text[GROUP_OF[etype]]
            cell[0] += hit
            cell[1] += 1
        for (etype, _), hit in outcome.baomi_found.items():
            cell = self.baomi[GROUP_OF[etype]]
            cell[0] += hit
            cell[1] += 1
        self.precision[0] += outcome.true_pos
        self.precision[1] += len(outcome.detections)
        self.cpu.append(read.cpu)
        self.wall.append(read.wall)


def ratio(cell: Sequence[int]) -> str:
    found, total = cell
    return f"{found / total:.2f} ({found}/{total})" if total else "–"


def short(cell: Sequence[int]) -> str:
    found, total = cell
    return f"{found / total:.2f}" if total else "–"


def table(view: str, tallies: dict[str, Tally]) -> str:
    """Markdown: one row per kind and the total."""
    head = (
        "| kind | n | text: codes | phones | names | addresses | e-mail | orgs "
        "| baomi: codes | phones | names | addresses | e-mail | orgs "
        "| precision | s/image CPU (wall) |"
    )
    lines = [f"#### {view}", "", head, "|" + "---|" * 16]
    for kind, t in tallies.items():
        label = f"**{kind}**" if kind == "total" else kind
        cells = [label, str(len(t.cpu))]
        cells += [short(t.text[g]) for g in GROUPS]
        cells += [short(t.baomi[g]) for g in GROUPS]
        cells.append(ratio(t.precision) if kind == "total" else short(t.precision))
        cpu, wall = statistics.mean(t.cpu), statistics.mean(t.wall)
        cells.append(f"{cpu:.2f} ({wall:.2f})")
        lines.append("| " + " | ".join(cells) + " |")
    total = tallies["total"]
    lines.append("")
    lines.append(
        "total, found/planted: text "
        + ", ".join(f"{g} {ratio(total.text[g])}" for g in GROUPS)
        + "; baomi "
        + ", ".join(f"{g} {ratio(total.baomi[g])}" for g in GROUPS)
        + f"; s/image CPU median {statistics.median(total.cpu):.2f}, "
        f"max {max(total.cpu):.2f}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--json", type=Path, help="write every reading and outcome here")
    parser.add_argument("--misses", type=int, default=40, help="misses listed per view")
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep each engine's reading of each image here (its rows and its time), and "
        "use it when the same engine meets the same bytes again: change the scoring or the "
        "layout and score again without OCR",
    )
    args = parser.parse_args()

    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer

    analyzer = Analyzer(build_recognizers())  # as tests/conftest.py's analyzer_all
    kinds = tuple(k for k in args.kinds.split(",") if k)
    t0 = time.perf_counter()
    samples = generate_set(args.n, args.seed, kinds)
    print(
        f"{len(samples)} images generated in {time.perf_counter() - t0:.1f} s "
        f"(seed {args.seed}; kinds {', '.join(kinds)})",
        file=sys.stderr,
    )
    engines = [make_engine(spec) for spec in args.engines.split(",") if spec]
    views = [v for e in engines for v in e.views]
    tallies: dict[str, dict[str, Tally]] = {
        v: {k: Tally() for k in (*kinds, "total")} for v in views
    }
    misses: dict[str, list[str]] = defaultdict(list)
    records = []
    for i, sample in enumerate(samples):
        record: dict[str, Any] = {
            "name": sample.name,
            "size": sample.size,
            "degradations": sample.degradations,
            "truth": sample.truth,
            "views": {},
        }
        for engine in engines:
            read = cached_read(engine, sample, args.cache)
            for view, spaced in engine.views.items():
                text, cells = layout(read.rows, spaced)
                outcome = score(sample, text, cells, analyzer)
                tallies[view][sample.kind].add(outcome, read)
                tallies[view]["total"].add(outcome, read)
                for m in outcome.misses:
                    misses[view].append(f"{sample.name}: {m['type']} {m['value']} — {m['why']}")
                for etype, value, ok in outcome.detections:
                    if not ok:
                        misses[view].append(f"{sample.name}: false {etype} {value!r}")
                record["views"][view] = {
                    "text": text,
                    "cells": cells,
                    "cpu": read.cpu,
                    "wall": read.wall,
                    "misses": outcome.misses,
                    "detections": outcome.detections,
                }
        records.append(record)
        done = ", ".join(
            f"{e.name} {tallies[next(iter(e.views))]['total'].cpu[-1]:.1f}s" for e in engines
        )
        print(f"[{i + 1}/{len(samples)}] {sample.name} {sample.size}: {done}", file=sys.stderr)

    print(f"OCR on {len(samples)} synthetic images, seed {args.seed}\n")
    for view in views:
        print(table(view, tallies[view]))
        print()
    for view in views:
        shown = misses[view][: args.misses]
        print(f"misses and false detections, {view} ({len(misses[view])}):")
        for line in shown:
            print("  " + line)
        if len(misses[view]) > len(shown):
            print(f"  … {len(misses[view]) - len(shown)} more")
        print()
    if args.json:
        args.json.write_text(json.dumps(records, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
