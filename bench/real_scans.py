"""Real images nobody here drew: what baomi finds in them, against labels made by hand.

    .venv/bin/python bench/real_scans.py --prepare [--mirrors DIR] [--download]
    .venv/bin/python bench/real_scans.py [--only 01,05] [--no-command | --command-only]
                                         [--cache DIR]

``bench/ocr_eval.py`` and ``bench/image_redaction.py`` measure OCR on images generated in
code. This measures it on 23 public images from open-source repositories (an invoice, a
certificate, an ID-card specimen, a broker's note, a filled fund form, journal pages, a
newspaper front page, a résumé template, street signs, screenshots, and pages with
nothing to find). ``bench/data/real_scans/manifest.json`` names each one's repository,
path, commit, licence and SHA-256, and lists by hand every value of baomi's types
visible in it (``labels``: type and value as printed) and what is neither a miss nor a
false detection (``ignore``: Latin-script names, brand short names, codes whose check
character is wrong). Every third image is held out: nobody tunes on it and its misses
are never printed. ``bench/README.md`` ("Real scans") has the sources, the labelling
rules and the figures.

The images themselves are not committed. ``--prepare`` writes them to
``bench/data/real_scans/images/`` (git-ignored): each published file is taken from a
bare-git snapshot of its repository under ``--mirrors`` (``<owner>+<name>/repo``), or
with ``--download`` from raw.githubusercontent.com at the recorded commit, checked
against its SHA-256, and given the manifest's ``processing`` (one private phone number
painted out, two large PNGs saved as JPEG).

Each image is scanned as ``baomi scan`` scans it: the scanner the command builds
(``scanner/app.py``: the default configuration, every recognizer, NER on, OCR on with
its cache in a temporary inventory folder) and its ``scan_file``, in this process, OCR
on one thread. Printed, for the dev and held-out images separately:

* recall per group of types (codes: USCC, resident ID, bank card and the other check-digit
  codes; phones; names; addresses; e-mail; organisations; QQ/WeChat IDs): a labelled value
  is found when a finding of its type has the same value once white space is removed and
  full-width forms folded (NFKC); an address or organisation when the findings of its
  type inside it cover at least 80 % of it (``bench/ocr_eval.py``'s rule);
* precision per group: findings of the group's types that match a label (an address or
  organisation: a part of a labelled one of four characters or more, or one holding it)
  over all such findings, leaving out those that match an ``ignore`` entry;
* seconds per image: wall and CPU time of ``scan_file`` (models loaded beforehand; their
  loading is printed apart);
* for dev images only, each miss and why: ``read, not found`` (the value is in one line,
  or one column's cell of a row, of the text OCR handed to the recognizers), ``wrapped at
  a line end`` (one line ends with its first part, another starts with the rest),
  ``read in pieces`` (both halves are in the text, apart), or ``not read`` (OCR misread or
  missed it; the closest stretch of what it read is shown), and each false finding.

Then the whole command, ``baomi scan DIR --no-inventory`` on a folder holding the 23
images (start-up, worker processes and model loading included), timed with
``/usr/bin/time``, with the files it could not scan; ``--no-command`` leaves it out,
``--command-only`` does nothing else.
"""

from __future__ import annotations

import os

# one core: set before numpy / OpenCV / ONNX Runtime start their thread pools
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from difflib import SequenceMatcher  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "real_scans"
MANIFEST = DATA / "manifest.json"
IMAGES = DATA / "images"  # written by --prepare, not in the repository (.gitignore)
MIRRORS = ROOT.parent / ".mirror"  # snapshots as <owner>+<name>/repo (bare git), if any
RAW = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"
SPLITS = ("dev", "held-out")
GROUPS: dict[str, tuple[str, ...]] = {
    "codes": (
        "CN_USCC",
        "CN_RESIDENT_ID",
        "CN_BANK_CARD",
        "CN_ORG_CODE",
        "CN_BUSINESS_REG_NO",
        "CN_PASSPORT",
    ),
    "phones": ("PHONE_NUMBER",),
    "names": ("PERSON",),
    "addresses": ("CN_ADDRESS",),
    "e-mail": ("EMAIL_ADDRESS",),
    "orgs": ("ORGANIZATION",),
    "chat IDs": ("QQ_NUMBER", "WECHAT_ID"),
}
GROUP_OF = {t: g for g, types in GROUPS.items() for t in types}
PARTIAL_TYPES = frozenset(("CN_ADDRESS", "ORGANIZATION"))  # as bench/ocr_eval.py
HASH_KEY = "00" * 32  # the fingerprints are not looked at
COLUMNS = re.compile(r" {2,}")  # the gap OCR's layout puts between columns on one row
UNSCANNED = re.compile(r"出错|超时|error|time-?out|limit", re.IGNORECASE)


# --- the labelled set ----------------------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    """One image of the set and what is printed on it."""

    file: str
    split: str
    kind: str
    labels: tuple[tuple[str, str], ...]
    ignore: tuple[tuple[str, str], ...]
    source: dict[str, str]
    sha256: str  # of the prepared file
    processing: dict[str, Any]

    @property
    def path(self) -> Path:
        return IMAGES / self.file


def read_manifest(path: Path = MANIFEST) -> list[Labelled]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Labelled(
            file=entry["file"],
            split=entry["split"],
            kind=entry["kind"],
            labels=tuple((t, v) for t, v in entry["labels"]),
            ignore=tuple((t, v) for t, v, *_why in entry["ignore"]),
            source=entry["source"],
            sha256=entry["sha256"],
            processing=entry["processing"],
        )
        for entry in data["images"]
    ]


def norm(value: str) -> str:
    """White space removed, full-width forms folded: （ and ( are one character to OCR."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


# --- preparing the images ------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_bytes(source: dict[str, str], mirrors: Path, download: bool) -> bytes:
    """The published file: from a bare-git snapshot of its repository under ``mirrors``
    (``<owner>+<name>/repo``), else, with ``download``, from raw.githubusercontent.com."""
    git_dir = mirrors / source["repository"].replace("/", "+") / "repo"
    if git_dir.is_dir():
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{source['commit']}:{source['path']}"],
            capture_output=True,
            check=False,
        )
        if done.returncode == 0:
            return done.stdout
    if not download:
        raise FileNotFoundError(f"{source['repository']} is not under {mirrors} (try --download)")
    url = RAW.format(**{k: urllib.parse.quote(source[k]) for k in ("repository", "commit", "path")})
    with urllib.request.urlopen(url, timeout=60) as response:  # a fixed https host
        return response.read()


def process(data: bytes, steps: dict[str, Any]) -> bytes:
    """The published bytes as they are, or with ``paint_white`` boxes and saved as JPEG."""
    if "jpeg_quality" not in steps:
        return data
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(data)).convert("RGB")
    for box in steps.get("paint_white", ()):
        ImageDraw.Draw(image).rectangle(tuple(box), fill="white")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=steps["jpeg_quality"], optimize=True)
    return out.getvalue()


def prepare(images: Sequence[Labelled], mirrors: Path, download: bool) -> int:
    """Write the images to ``IMAGES``; the number whose bytes differ from the manifest's (a
    JPEG saved by another Pillow or libjpeg may: the pixels are the same to OCR)."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    differ = 0
    for image in images:
        if image.path.is_file() and sha256(image.path.read_bytes()) == image.sha256:
            continue
        data = source_bytes(image.source, mirrors, download)
        if sha256(data) != image.source["sha256"]:
            raise ValueError(f"{image.file}: the source's bytes are not the ones labelled")
        data = process(data, image.processing)
        image.path.write_bytes(data)
        if sha256(data) != image.sha256:
            differ += 1
            print(f"{image.file}: written, its bytes differ from the manifest's (re-encoded)")
    return differ


# --- scoring -------------------------------------------------------------------------------


def _matches(etype: str, found: str, value: str) -> bool:
    """Is a finding ``found`` (normalised) of ``etype`` this value (normalised)?"""
    if etype in PARTIAL_TYPES:
        return (len(found) >= 4 and found in value) or value in found
    return found == value


@dataclass
class Outcome:
    """One image: each label found or not, each finding right, wrong or left out."""

    found: dict[tuple[str, str], bool]
    true: list[tuple[str, str]]
    false: list[tuple[str, str]]
    misses: list[tuple[str, str, str]]  # type, value, why


def split_read(value: str, text: str) -> bool:
    """Both halves of ``value`` are in ``text``, but not the whole (a wrapped value's lines
    read apart, another column between them)."""
    return any(value[:k] in text and value[k:] in text for k in range(2, len(value) - 1))


def wrapped(value: str, lines: Sequence[str]) -> bool:
    """A line (or a column's cell on a row) ends with the beginning of ``value`` and another
    starts with the rest of it: the value wraps at a line end (郭婷 / 婷表示) and the two
    lines are not read as one."""
    return any(
        any(line.endswith(value[:k]) for line in lines)
        and any(line.startswith(value[k:]) for line in lines)
        for k in range(1, len(value))
    )


def read_as(value: str, lines: Sequence[str]) -> str:
    """The stretch of the OCR text most like ``value`` (what OCR made of it), or ''."""
    best, best_size = "", 0
    for line in lines:
        blocks = [b for b in SequenceMatcher(None, value, line).get_matching_blocks() if b.size]
        size = sum(b.size for b in blocks)
        if size > best_size and size * 2 >= len(value):
            start, end = blocks[0].b, blocks[-1].b + blocks[-1].size
            best, best_size = line[max(start - 1, 0) : end + 1][: 3 * len(value)], size
    return best


def score(image: Labelled, findings: Iterable[tuple[str, str]], texts: Sequence[str]) -> Outcome:
    from bench.ocr_eval import MIN_COVER, cover

    unique = {(t, norm(v)) for t, v in findings if t in GROUP_OF and norm(v)}
    by_type: dict[str, list[str]] = defaultdict(list)
    for etype, value in unique:
        by_type[etype].append(value)
    flat = norm("".join(texts))
    # a row of OCR text joins the columns it crosses with two spaces: a value wrapped at the
    # end of a column's line ends one cell and starts a cell on the next row
    cells = [norm(c) for text in texts for line in text.splitlines() for c in COLUMNS.split(line)]
    lines = [c for c in cells if c]
    found: dict[tuple[str, str], bool] = {}
    misses = []
    for etype, value in image.labels:
        v = norm(value)
        if etype in PARTIAL_TYPES:
            hit = cover(v, by_type[etype]) >= MIN_COVER
        else:
            hit = v in by_type[etype]
        found[(etype, value)] = hit
        if hit:
            continue
        near = sorted(f"{t}:{f}" for t, f in unique if f in v or v in f)
        found_as = f" (found as {', '.join(near)})" if near else ""
        if any(v in line for line in lines):
            why = "read, not found" + found_as
        elif wrapped(v, lines):
            why = "wrapped at a line end, the lines read apart" + found_as
        elif split_read(v, flat):
            why = "read in pieces"
        else:
            seen = read_as(v, lines)
            why = "not read" + (f" (read as {seen})" if seen else "")
        misses.append((etype, value, why))
    true, false = [], []
    for etype, value in sorted(unique):
        if any(t == etype and _matches(etype, value, norm(v)) for t, v in image.labels):
            true.append((etype, value))
        elif not any(t == etype and _matches(etype, value, norm(v)) for t, v in image.ignore):
            false.append((etype, value))
    return Outcome(found, true, false, misses)


@dataclass
class Tally:
    recall: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    precision: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    images: int = 0

    def add(self, outcome: Outcome, wall: float, cpu: float) -> None:
        self.images += 1
        for (etype, _), hit in outcome.found.items():
            for key in (GROUP_OF[etype], "all"):
                self.recall[key][0] += hit
                self.recall[key][1] += 1
        for right, items in ((True, outcome.true), (False, outcome.false)):
            for etype, _ in items:
                for key in (GROUP_OF[etype], "all"):
                    self.precision[key][0] += right
                    self.precision[key][1] += 1
        self.wall.append(wall)
        self.cpu.append(cpu)


def ratio(cell: Sequence[int]) -> str:
    hit, total = cell
    return f"{hit / total:.2f} ({hit}/{total})" if total else "–"


def tables(tallies: dict[str, Tally]) -> str:
    columns = [*GROUPS, "all"]
    used = [
        c for c in columns if any(t.recall[c][1] or t.precision[c][1] for t in tallies.values())
    ]
    head = "| split | images | " + " | ".join(used) + " |"
    rule = "|---|---|" + "---|" * len(used)
    out = ["Recall (labelled values found)", "", head, rule]
    for name, tally in tallies.items():
        cells = " | ".join(ratio(tally.recall[c]) for c in used)
        out.append(f"| {name} | {tally.images} | {cells} |")
    out += [
        "",
        "Precision (findings of the group's types that are labelled values)",
        "",
        head,
        rule,
    ]
    for name, tally in tallies.items():
        cells = " | ".join(ratio(tally.precision[c]) for c in used)
        out.append(f"| {name} | {tally.images} | {cells} |")
    out += ["", "| split | images | s/image wall: mean (median, max) | CPU: mean (median, max) |"]
    out.append("|---|---|---|---|")
    for name, tally in tallies.items():
        if tally.wall:
            out.append(
                f"| {name} | {tally.images} | {seconds(tally.wall)} | {seconds(tally.cpu)} |"
            )
    return "\n".join(out)


def seconds(values: Sequence[float]) -> str:
    return f"{statistics.mean(values):.1f} ({statistics.median(values):.1f}, {max(values):.1f})"


# --- scanning as `baomi scan` does -----------------------------------------------------------


class Recording:
    """The scanner's analyzer, keeping every text it is handed (what OCR read, as the
    recognizers see it), so a miss can be told apart: not read, or read and not found."""

    def __init__(self, analyzer: Any) -> None:
        self._analyzer = analyzer
        self.texts: list[str] = []

    def analyze_batch(self, items: Sequence[tuple[str, Any]], *args: Any, **kwargs: Any) -> Any:
        items = list(items)
        self.texts.extend(text for text, _ in items)
        return self._analyzer.analyze_batch(items, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._analyzer, name)


def build_scanner(inventory: Path) -> Any:
    """The scanner ``baomi scan`` builds with no --config: ``app.settings`` (every
    recognizer, NER, the default threshold and [limits]/[ocr]) and ``ScanSpec.build``; the
    OCR cache beside ``inventory`` (its folder exists, as a scan's does), values kept."""
    os.environ.setdefault("BAOMI_HASH_KEY", HASH_KEY)
    from scanner import app

    config = app.load(None)
    settings = app.settings(config, paths=[DATA], include_values=True, inventory=inventory)
    return settings.spec.build()


def load_models() -> float:
    """Load the OCR models (once per worker process in a scan) and return the seconds."""
    from PIL import Image

    from scanner.scan import ocr

    start = time.perf_counter()
    ocr.engine().read(Image.new("RGB", (64, 64), "white"))
    return time.perf_counter() - start


def scan(
    scanner: Any, image: Labelled
) -> tuple[list[tuple[str, str]], list[str], float, float, list[str]]:
    """Findings (type, value), the texts analysed, wall and CPU seconds, and the notes and
    statuses of anything not scanned whole."""
    recorder = Recording(scanner.analyzer)
    scanner.analyzer = recorder
    try:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        results = scanner.scan_file(image.path)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    finally:
        scanner.analyzer = recorder._analyzer
    findings = [(f.entity_type, f.value or "") for r in results for f in r.findings]
    remarks = [f"{r.status}: {r.reason}" for r in results if str(r.status) != "scanned"] + [
        note for r in results for note in r.notes
    ]
    return findings, recorder.texts, wall, cpu, remarks


def time_command(images: Sequence[Labelled]) -> str:
    """``baomi scan DIR --no-inventory`` on a folder of the images, under /usr/bin/time."""
    baomi = Path(sys.executable).with_name("baomi")
    if not baomi.exists():
        return f"baomi command not found beside {sys.executable}"
    timer = shutil.which("time") or "/usr/bin/time"
    with tempfile.TemporaryDirectory(prefix="real-scans-") as tmp:
        folder = Path(tmp) / "images"
        folder.mkdir()
        for image in images:
            shutil.copy2(image.path, folder / image.file)
        out, stats = Path(tmp) / "out.jsonl", Path(tmp) / "time.txt"
        env = dict(
            os.environ,
            BAOMI_HASH_KEY=os.environ.get("BAOMI_HASH_KEY", HASH_KEY),
            BAOMI_INVENTORY=str(Path(tmp) / "inventory" / "inventory.db"),
            XDG_CONFIG_HOME=str(Path(tmp) / "config"),
        )
        command = [str(baomi), "scan", str(folder), "--no-inventory", "--format", "jsonl",
                   "-o", str(out)]  # fmt: skip
        done = subprocess.run(
            [timer, "-f", "%e %U %S %M", "-o", str(stats), *command],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed, user, system, rss = stats.read_text().split()[-4:]
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
        said = [line for line in done.stderr.splitlines() if line.strip()]
        # the summary, and every file the command could not scan (time-out, error, limit)
        summary = [line for line in said[:-2] if UNSCANNED.search(line)] + said[-2:]
    return (
        f"`baomi scan <{len(images)} images> --no-inventory` (default workers: every core, "
        f"{os.cpu_count()} here): {float(elapsed):.1f} s wall, {float(user):.1f} s user + "
        f"{float(system):.1f} s system CPU, max RSS {int(rss) / 1024:.0f} MB, exit "
        f"{done.returncode}, {len(lines)} JSONL lines\n  " + "\n  ".join(summary)
    )


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated file prefixes (01,05): a quick look")
    parser.add_argument("--no-command", action="store_true", help="skip timing baomi scan")
    parser.add_argument("--command-only", action="store_true", help="only time baomi scan")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="write the images to bench/data/real_scans/images/ from their sources, and stop",
    )
    parser.add_argument(
        "--mirrors",
        type=Path,
        default=MIRRORS,
        help="bare-git snapshots as <owner>+<name>/repo (default: %(default)s)",
    )
    parser.add_argument(
        "--download", action="store_true", help="--prepare: fetch what no snapshot holds"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the OCR cache in this folder: a second run scores without reading again "
        "(its seconds are then the cache's, not OCR's)",
    )
    args = parser.parse_args()

    images = read_manifest()
    if args.prepare:
        differ = prepare(images, args.mirrors, args.download)
        print(f"{len(images)} images in {IMAGES} ({differ} re-encoded differently)")
        return
    missing = [i.file for i in images if not i.path.is_file()]
    if missing:
        sys.exit(f"{len(missing)} images missing ({missing[0]} …): run with --prepare first")
    if args.only:
        wanted = tuple(p.strip() for p in args.only.split(",") if p.strip())
        images = [i for i in images if i.file.startswith(wanted)]
    if args.command_only:
        print(time_command(images))
        return
    tallies = {name: Tally() for name in (*SPLITS, "all")}
    dev_misses: list[tuple[str, str, str, str]] = []
    dev_false: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="real-scans-inv-") as tmp:
        folder = args.cache or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        scanner = build_scanner(folder / "inventory.db")
        print(f"OCR models loaded in {load_models():.1f} s (once per worker process)\n")
        print("| image | split | labelled | found | findings right/wrong | wall s | CPU s |")
        print("|---|---|---|---|---|---|---|")
        for image in images:
            findings, texts, wall, cpu, remarks = scan(scanner, image)
            outcome = score(image, findings, texts)
            tallies[image.split].add(outcome, wall, cpu)
            tallies["all"].add(outcome, wall, cpu)
            hits = sum(outcome.found.values())
            print(
                f"| {image.file} | {image.split} | {len(outcome.found)} | {hits} | "
                f"{len(outcome.true)}/{len(outcome.false)} | {wall:.1f} | {cpu:.1f} |"
                + (f" {'; '.join(remarks)}" if remarks else ""),
                flush=True,
            )
            if image.split == "dev":
                dev_misses += [(image.file, *miss) for miss in outcome.misses]
                dev_false += [(image.file, *item) for item in outcome.false]
    print()
    print(tables({name: t for name, t in tallies.items() if t.images}))
    print("\nMisses, dev images only (held-out misses are never printed):")
    for file, etype, value, why in dev_misses:
        print(f"  {file}  {etype}  {value}  — {why}")
    print("\nFalse findings, dev images only:")
    for file, etype, value in dev_false:
        print(f"  {file}  {etype}  {value}")
    if not args.no_command:
        print("\nThe whole command:")
        print(time_command(images))


if __name__ == "__main__":
    main()
