"""The whole command at scale, beside the previous release and plain ``re`` (issue 21).

    python bench/whole_command.py [--runs 3] [--previous 53252ae | --no-previous] [--quick]
                                  [--part all|commands|doubling] [--doubling-chars 250000]

Part 1, the whole command. Every measurement runs ``python -m scanner.cli scan FILE
--no-inventory -q -o out.jsonl --format jsonl`` in a fresh process, ``--runs`` times
(interleaved), for three programs over the same generated input:

  this checkout       PYTHONPATH = the repository this script lives in;
  previous release    PYTHONPATH = a ``git worktree`` of ``--previous`` (default 53252ae,
                      the commit before issue 21's speed work), same interpreter; removed
                      at the end. It starts slowly (seconds): that is expected;
  plain re            a fresh ``python`` reading the same files and counting the matches of
                      ten plain ``re`` patterns (phone, e-mail, ID number, USCC, bank card, QQ,
                      WeChat, landline, passport, postal code; no validation, no context):
                      the floor any Python scanner of these types starts from.

The measurements (sizes are ``--quick``'s tenfold):

  start-up, one line (NER / --no-ner)      one short line, default workers, as bench/startup.py
                                           (targets 0.8 / 0.5 s)
  real notices 2 MB, NER, 1 worker         bench/data/real_*.jsonl's hand-labelled public
                                           notices repeated to 2 MB (target >= 2 MB/s per core)
  real prose 2 MB, NER, 1 worker           People's Daily sentences
                                           (../shared/data/ner/peoples_daily_test.jsonl; left
                                           out when absent), same target
  identifier-dense 20 MB, --no-ner, 1 w.   bench/corpus.py paragraphs (density 0.35)
                                           (target: >= 2x the speed of plain re)
  contacts 2 MB, --no-ner, 1 worker        lines ``星河传媒对接人 联系电话 138…，邮箱 userN@…``
  contacts 2 MB, --no-ner, 1 w., clients   the same with ``--clients examples/clients.csv``
                                           (星河传媒 is a registered client's alias)
  peak RSS: notices + contacts, NER        both 2 MB files, default workers (every core):
                                           parent and forked workers (target < 400 MB)

Every row gives the median seconds, MB/s, "vs re" (plain re's seconds / the row's: above 1
the row is faster than plain re), "vs prev" (the previous release's seconds / the row's:
the speed-up), the findings (lines of the JSONL report; matches for plain re), the peak
memory of the whole process tree (the sum of the proportional set sizes of the command and
all its descendants, sampled every 50 ms with psutil: a page the forked workers share with
the parent counts once; without psutil, the sum of their RSS from /proc, an upper bound),
and the target with whether each release meets it.

Before timing, each command runs once untimed on the one-line file with the same options
(the interpreter's bytecode, the Hyperscan cache under XDG_CACHE_HOME, the model files) and
every input is read once (the page cache). The environment is fixed: no BAOMI_* variable
from the caller's, BAOMI_REDACT_KEY = "00" * 32, XDG_CONFIG_HOME and XDG_CACHE_HOME in the
temporary directory, and Python's bytecode written to a temporary PYTHONPYCACHEPREFIX even
where PYTHONDONTWRITEBYTECODE is set (an installed baomi runs from bytecode).

Part 2, the doubling test (this checkout, in this process). Each recognizer of
``build_recognizers([], ner=True)``, and the client registry's built with
examples/clients.csv, analyses a mixed text of n characters (real notices, contact lines and
identifier-dense paragraphs, interleaved) and the same text twice (2n: the same mix) through
an ``Analyzer`` holding only it:
once as the pieces in one ``analyze_batch`` call (segments of realistic size), once as one
segment of the whole text (the case of a big text file's 1 MB chunks). Best of 3, each
timing repeated until 0.2 s have passed; t(2n) / t(n) is about 2 for linear work, and above
2.5 is flagged "superlinear?".

Inputs are generated into a temporary directory, deleted at the end; nothing is downloaded.
Exit status 1 when a command failed (an exit status other than 0 or 1, which means findings).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data"
NOTICES = [DATA / f"real_{split}.jsonl" for split in ("dev", "heldout", "fresh")]
PROSE = ROOT.parent / "shared" / "data" / "ner" / "peoples_daily_test.jsonl"
CLIENTS = ROOT / "examples" / "clients.csv"
MB = 1_000_000
SAMPLE_S = 0.05  # RSS sampling period
SUPERLINEAR = 2.5  # t(2n) / t(n) above this is flagged
ONE_LINE = "联系人张伟，手机 13812345678\n"
THIS, PREVIOUS, PLAIN = "this", "previous", "plain"  # the programs compared
# the summary line of ``baomi scan``: a skipped file would make a row measure less than its input
SKIPPED = re.compile(r"\d+ skipped, \d+ errors")
SKIPPED_NONE = re.compile(r"\b0 skipped, 0 errors")

PLAIN_RE = r'''"""Ten plain re patterns over the files on the command line; prints the matches."""
import re
import sys

PATTERNS = [
    r"(?<!\d)1[3-9]\d{9}(?!\d)",  # mobile phone
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",  # e-mail
    r"(?<!\d)\d{17}[\dXx](?!\d)",  # resident ID number
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])",  # USCC
    r"(?<!\d)62\d{14,17}(?!\d)",  # bank card
    r"(?i)QQ[:：\s]*[1-9]\d{4,10}",  # QQ number
    r"微信[:：\s]*[A-Za-z][-_A-Za-z0-9]{5,19}",  # WeChat ID
    r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)",  # landline
    r"(?<![A-Za-z0-9])[EGeg]\d{8}(?!\d)",  # passport
    r"(?<!\d)\d{6}(?!\d)",  # postal code
]
compiled = [re.compile(p) for p in PATTERNS]
count = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for pattern in compiled:
        count += sum(1 for _ in pattern.finditer(text))
print(count)
'''


# --- inputs -----------------------------------------------------------------------------


def jsonl_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def notice_texts() -> list[str]:
    return [text for path in NOTICES for text in jsonl_texts(path)]


def contact_lines(seed: int = 21) -> Iterator[str]:
    """Endless contact-list lines, random numbers, numbered addresses."""
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        phone = "138" + "".join(rng.choice("0123456789") for _ in range(8))
        yield f"星河传媒对接人 联系电话 {phone}，邮箱 user{n}@example.com，备注无。"


def dense_paragraphs(size: int) -> list[str]:
    from bench.corpus import paragraphs

    return paragraphs(size, density=0.35)


def take(pieces: Iterator[str], size: int) -> list[str]:
    """Pieces until their UTF-8 size with a newline each reaches ``size`` bytes."""
    out: list[str] = []
    total = 0
    while total < size:
        piece = next(pieces)
        out.append(piece)
        total += len(piece.encode("utf-8")) + 1
    return out


def write_lines(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Inputs:
    one_line: Path
    notices: Path
    prose: Path | None
    dense: Path
    contacts: Path


def make_inputs(work: Path, scale: float) -> Inputs:
    """Every input file, generated into ``work``."""
    small, big = int(2 * MB * scale), int(20 * MB * scale)
    one_line = work / "one.txt"
    one_line.write_text(ONE_LINE, encoding="utf-8")
    prose = None
    if PROSE.exists():
        prose = write_lines(work / "prose.txt", take(cycle(jsonl_texts(PROSE)), small))
    else:
        print(f"real prose left out: {PROSE} not found")
    return Inputs(
        one_line=one_line,
        # a title first: libmagic names these notices, which start with byte 0xE9 (黑龙江…),
        # a DOS COM program (application/x-dosexec) from 64 KB on, and baomi skips the file
        notices=write_lines(
            work / "notices.txt", ["公开公告选编", *take(cycle(notice_texts()), small)]
        ),
        prose=prose,
        dense=write_lines(work / "dense.txt", dense_paragraphs(big)),
        contacts=write_lines(work / "contacts.txt", take(contact_lines(), small)),
    )


# --- measurements -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Issue 21's target for a row: ``kind`` is max_s, min_mb_s, min_vs_re or max_rss_mb."""

    kind: str
    value: float

    def describe(self) -> str:
        return {
            "max_s": f"<= {self.value:g} s",
            "min_mb_s": f">= {self.value:g} MB/s",
            "min_vs_re": f">= {self.value:g}x re",
            "max_rss_mb": f"< {self.value:g} MB RSS",
        }[self.kind]

    def met(self, row: Timing, megabytes: float, plain: Timing | None) -> bool | None:
        if self.kind == "max_s":
            return row.seconds <= self.value
        if self.kind == "min_mb_s":
            return megabytes / row.seconds >= self.value
        if self.kind == "max_rss_mb":
            return row.peak_rss_mb < self.value
        return None if plain is None else plain.seconds / row.seconds >= self.value


@dataclass(frozen=True)
class Measurement:
    name: str
    paths: tuple[Path, ...]
    options: tuple[str, ...]  # scan options besides the fixed ones
    target: Target | None = None

    @property
    def megabytes(self) -> float:
        return sum(p.stat().st_size for p in self.paths) / MB


def measurements(inputs: Inputs) -> list[Measurement]:
    one = (inputs.one_line,)
    per_core = ("--workers", "1")
    rows = [
        # as a user runs it (and bench/startup.py): default workers
        Measurement("start-up, one line, NER", one, (), Target("max_s", 0.8)),
        Measurement("start-up, one line, --no-ner", one, ("--no-ner",), Target("max_s", 0.5)),
        Measurement(
            "real notices, NER, 1 worker", (inputs.notices,), per_core, Target("min_mb_s", 2)
        ),
    ]
    if inputs.prose:
        rows.append(
            Measurement(
                "real prose, NER, 1 worker", (inputs.prose,), per_core, Target("min_mb_s", 2)
            )
        )
    clients = ("--clients", str(CLIENTS))
    rows += [
        Measurement(
            "identifier-dense, --no-ner, 1 worker",
            (inputs.dense,),
            (*per_core, "--no-ner"),
            Target("min_vs_re", 2),
        ),
        Measurement("contacts, --no-ner, 1 worker", (inputs.contacts,), (*per_core, "--no-ner")),
        Measurement(
            "contacts, --no-ner, 1 worker, --clients",
            (inputs.contacts,),
            (*per_core, "--no-ner", *clients),
        ),
        Measurement(
            f"peak RSS: notices + contacts, NER, {os.cpu_count()} workers (default)",
            (inputs.notices, inputs.contacts),
            (),
            Target("max_rss_mb", 400),
        ),
    ]
    return rows


# --- running a command ------------------------------------------------------------------


class CommandFailed(Exception):
    pass


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all its descendants (0 once it has gone)."""
    try:
        import psutil
    except ImportError:
        return _proc_tree_rss(pid)
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        with suppress(psutil.Error):  # it may have ended since the listing
            total += _proportional(process)
    return total


def _proportional(process: object) -> int:
    """The process's proportional set size (PSS: a page shared by n processes counts 1/n,
    so forked workers' shared pages are counted once in the tree's sum); its RSS where
    the system gives no PSS."""
    info = process.memory_full_info()  # type: ignore[attr-defined]
    return int(getattr(info, "pss", info.rss))


def _proc_tree_rss(pid: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])  # the command may hold spaces
            children.setdefault(parent, []).append(int(entry))
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        with suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
    return total


def run(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str, str]:
    """Wall seconds, peak RSS of the process tree in MB, stdout and stderr of one command."""
    peak = 0
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):  # 1: findings
        tail = stderr.decode(errors="replace")[-600:]
        raise CommandFailed(f"{' '.join(argv)} failed ({process.returncode}): {tail}")
    return elapsed, peak / MB, stdout.decode(errors="replace"), stderr.decode(errors="replace")


@dataclass(frozen=True)
class Program:
    """A way to run a measurement: a release of baomi at ``root``, or plain re."""

    role: str  # THIS, PREVIOUS or PLAIN: the key of its results
    label: str
    root: Path | None  # None: the plain re script

    def argv(self, m: Measurement, paths: Sequence[Path], work: Path) -> list[str]:
        if self.root is None:
            return [sys.executable, str(work / "plain_re.py"), *map(str, paths)]
        report = self.report(work)
        return [
            sys.executable,
            "-m",
            "scanner.cli",
            "scan",
            *map(str, paths),
            "--no-inventory",
            "-q",
            "-o",
            str(report),
            "--format",
            "jsonl",
            *m.options,
        ]

    def report(self, work: Path) -> Path:
        return work / f"out-{self.role}.jsonl"

    def findings(self, stdout: str, work: Path) -> int:
        if self.root is None:
            return int(stdout.split()[-1])
        with self.report(work).open(encoding="utf-8") as f:
            return sum(1 for line in f if line.strip())

    def env(self, work: Path) -> dict[str, str]:
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("BAOMI_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        env = {
            **inherited,
            "XDG_CONFIG_HOME": str(work / "config"),  # a fingerprint key of its own
            "XDG_CACHE_HOME": str(work / "cache"),  # the Hyperscan cache
            # from bytecode, as an installed baomi runs (pip compiles it on install)
            "PYTHONPYCACHEPREFIX": str(work / "bytecode"),
            "BAOMI_REDACT_KEY": "00" * 32,
        }
        env.pop("PYTHONPATH", None)
        if self.root is not None:
            env["PYTHONPATH"] = str(self.root)
        return env


def check_imports_from(program: Program, work: Path) -> None:
    """The release's packages must come from its root, not from the editable install."""
    if program.root is None:
        return
    code = "import recognizers, scanner; print(scanner.__file__); print(recognizers.__file__)"
    _, _, out, _ = run([sys.executable, "-c", code], work, program.env(work))
    for line in out.split():
        if not Path(line).resolve().is_relative_to(program.root.resolve()):
            sys.exit(f"{program.label}: {line} is not under {program.root}")


@dataclass(frozen=True)
class Timing:
    seconds: float  # median
    best: float
    findings: int
    peak_rss_mb: float


def measure(
    m: Measurement, programs: Sequence[Program], inputs: Inputs, work: Path, runs: int
) -> dict[str, Timing | str]:
    """Each program's timing of ``m`` (or the reason it failed), runs interleaved."""
    for path in m.paths:
        path.read_bytes()  # the page cache
    times: dict[str, list[float]] = {p.role: [] for p in programs}
    peaks: dict[str, float] = {p.role: 0.0 for p in programs}
    failed: dict[str, str] = {}
    for program in programs:  # warm up: the same options on the one-line file
        try:
            run(program.argv(m, [inputs.one_line], work), work, program.env(work))
        except CommandFailed as exc:
            failed[program.role] = str(exc)
    stdout: dict[str, str] = {}
    for _ in range(runs):
        for program in programs:
            if program.role in failed:
                continue
            try:
                elapsed, peak, out, err = run(
                    program.argv(m, m.paths, work), work, program.env(work)
                )
            except CommandFailed as exc:
                failed[program.role] = str(exc)
                continue
            if SKIPPED.search(err) and not SKIPPED_NONE.search(err):
                failed[program.role] = f"not every file was scanned: {err.strip()[-300:]}"
                continue
            times[program.role].append(elapsed)
            peaks[program.role] = max(peaks[program.role], peak)
            stdout[program.role] = out
    results: dict[str, Timing | str] = dict(failed)
    for program in programs:
        if program.role not in failed:
            results[program.role] = Timing(
                statistics.median(times[program.role]),
                min(times[program.role]),
                program.findings(stdout[program.role], work),
                peaks[program.role],
            )
    return results


# --- the table --------------------------------------------------------------------------

HEADER = (
    f"{'':<34}{'median s':>9}{'best s':>8}{'MB/s':>8}{'vs re':>8}{'vs prev':>9}"
    f"{'findings':>10}{'RSS MB':>8}  target"
)


def ratio(numerator: Timing | str | None, row: Timing) -> str:
    if not isinstance(numerator, Timing):
        return "-"
    return f"{numerator.seconds / row.seconds:.2f}x"


def print_measurement(
    m: Measurement, results: dict[str, Timing | str], programs: Sequence[Program]
) -> None:
    """A heading line, then one row per program; the ratios are left out where they would
    compare plain re with itself or with baomi the other way round."""
    mb = m.megabytes
    print(f"{m.name} ({mb:.2f} MB)")
    previous, plain = results.get(PREVIOUS), results.get(PLAIN)
    for program in programs:
        row = results[program.role]
        if not isinstance(row, Timing):
            print(f"  {program.label:<32}FAILED (see the message on stderr)")
            continue
        rate = f"{mb / row.seconds:.2f}" if mb >= 0.01 else "-"
        baomi = program.role != PLAIN
        vs_re = ratio(plain, row) if baomi else "-"
        vs_prev = ratio(previous, row) if baomi else "-"
        target = ""
        if baomi and m.target:
            met = m.target.met(row, mb, plain if isinstance(plain, Timing) else None)
            verdict = {True: "met", False: "NOT met", None: "?"}[met]
            target = f"{m.target.describe()}: {verdict}"
        print(
            f"  {program.label:<32}{row.seconds:>9.2f}{row.best:>8.2f}{rate:>8}"
            f"{vs_re:>8}{vs_prev:>9}{row.findings:>10}{row.peak_rss_mb:>8.0f}  {target}"
        )


def print_legend(runs: int) -> None:
    print(
        f"median and best of {runs} fresh processes, interleaved; MB/s: input MB / median s\n"
        "vs re, vs prev: plain re's, the previous release's median s / the row's "
        "(above 1: the row is faster)\n"
        "findings: lines of the JSONL report (plain re: matches); "
        "RSS MB: peak of the process tree's summed PSS (a page shared by the forked workers\n"
        "counted once; RSS where there is no PSS)\n"
    )


# --- the previous release ---------------------------------------------------------------


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@contextmanager
def worktree(ref: str, parent: Path) -> Iterator[Path]:
    """A detached worktree of ``ref`` under ``parent``, removed on the way out."""
    path = parent / "previous"
    git("worktree", "add", "--detach", "--quiet", str(path), ref)
    try:
        yield path
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
            capture_output=True,
        )


def run_commands(args: argparse.Namespace, work: Path) -> bool:
    """Part 1; False when a command failed."""
    (work / "plain_re.py").write_text(PLAIN_RE, encoding="utf-8")
    inputs = make_inputs(work, 0.1 if args.quick else 1.0)
    this = Program(THIS, "this checkout", ROOT)
    plain = Program(PLAIN, "plain re", None)
    with worktree_or_none(args, work) as previous_root:
        programs = [this]
        if previous_root is not None:
            when, subject = git("log", "-1", "--format=%cs%n%s", args.previous).split("\n", 1)
            short = git("rev-parse", "--short", args.previous)
            print(f"previous release: {short} ({when}) {subject[:80]}")
            programs.append(Program(PREVIOUS, f"previous release {short}", previous_root))
        programs.append(plain)
        for program in programs:
            check_imports_from(program, work)
        head = git("rev-parse", "--short", "HEAD")
        print(f"this checkout: {head} and its working tree; Python {sys.version.split()[0]}")
        print_legend(args.runs)
        print(HEADER)
        ok = True
        for m in measurements(inputs):
            results = measure(m, programs, inputs, work, args.runs)
            print_measurement(m, results, programs)
            for role, result in results.items():
                if isinstance(result, str):
                    print(f"    {role}: {result}", file=sys.stderr)
                    ok = False
            sys.stdout.flush()
    return ok


@contextmanager
def worktree_or_none(args: argparse.Namespace, work: Path) -> Iterator[Path | None]:
    if args.no_previous:
        yield None
        return
    with worktree(args.previous, work) as path:
        yield path


# --- part 2: the doubling test ----------------------------------------------------------


def mixed_pieces(chars: int, seed: int = 21) -> list[str]:
    """Real notices, contact lines and identifier-dense paragraphs, interleaved at random,
    until ``chars`` characters."""
    rng = random.Random(seed)
    sources = [
        cycle(notice_texts()),
        contact_lines(seed),
        cycle(dense_paragraphs(max(chars, 200_000))),
    ]
    out: list[str] = []
    total = 0
    while total < chars:
        piece = next(rng.choice(sources))
        out.append(piece)
        total += len(piece) + 1
    return out


def per_call(fn: Callable[[], object], floor: float = 0.2) -> float:
    """Seconds per call of ``fn``, repeated until ``floor`` seconds have passed, with the
    garbage collector off as ``timeit`` has it: a full collection walks every live object,
    so with a twice larger input it costs more than twice and would read as superlinear
    work of the recognizer."""
    calls = 0
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - started
            if elapsed >= floor:
                return elapsed / calls
    finally:
        gc.enable()


def best_of_3(fn: Callable[[], object]) -> float:
    return min(per_call(fn) for _ in range(3))


def doubling_recognizers() -> list:
    """``build_recognizers([], ner=True)``, the client registry's with the demo registry."""
    from recognizers.client_registry import ClientRegistryRecognizer
    from recognizers.registry import build_recognizers
    from scanner.compliance.clients import load_registry

    recognizers = build_recognizers([], ner=True)
    clients = [record.to_client() for record in load_registry(CLIENTS)]
    demo = build_recognizers(clients, ner=False)
    registry = next(r for r in demo if isinstance(r, ClientRegistryRecognizer))
    out = []
    for recognizer in recognizers:
        out.append(recognizer)
        if isinstance(recognizer, ClientRegistryRecognizer):
            out.append(registry)
    return out


def recognizer_label(recognizer: object) -> str:
    from recognizers.client_registry import ClientRegistryRecognizer

    name = type(recognizer).__name__
    if isinstance(recognizer, ClientRegistryRecognizer):
        clients = len(recognizer.clients)
        return f"{name} ({clients} clients)" if clients else f"{name} (empty)"
    return name


def run_doubling(chars: int) -> None:
    """Part 2: t(2n) / t(n) per recognizer, segmented and as one segment."""
    from scanner.scan.analyze import Analyzer

    # the 2n input is the n input twice: the same mix of notices, contacts and identifiers
    # (a longer random draw changes the mix, and the ratio with it)
    single = mixed_pieces(chars)
    double = single + single
    inputs = {
        "segments": ([(p, ()) for p in single], [(p, ()) for p in double]),
        "one segment": ([("\n".join(single), ())], [("\n".join(double), ())]),
    }
    n = sum(len(p) + 1 for p in single)
    print(
        f"\ndoubling test: n = {n} characters ({len(single)} pieces), 2n = "
        f"{sum(len(p) + 1 for p in double)} ({len(double)} pieces); best of 3, ms per call"
    )
    print(
        f"{'recognizer':<44}{'seg t(n)':>9}{'t(2n)':>9}{'ratio':>7}"
        f"{'one t(n)':>10}{'t(2n)':>9}{'ratio':>7}"
    )
    flagged = []
    for recognizer in doubling_recognizers():
        analyzer = Analyzer([recognizer])
        analyzer.prepare()
        cells = []
        worst = 0.0
        for small, large in inputs.values():
            analyzer.analyze_batch(small)  # warm up: lazy model loads
            t_n = best_of_3(partial(analyzer.analyze_batch, small))
            t_2n = best_of_3(partial(analyzer.analyze_batch, large))
            worst = max(worst, t_2n / t_n)
            cells.append(f"{t_n * 1000:>9.1f}{t_2n * 1000:>9.1f}{t_2n / t_n:>7.2f}")
        label = recognizer_label(recognizer)
        flag = "  superlinear?" if worst > SUPERLINEAR else ""
        if flag:
            flagged.append(label)
        print(f"{label:<44}{cells[0]} {cells[1]}{flag}")
        sys.stdout.flush()
    print(f"ratios above {SUPERLINEAR}: {', '.join(flagged) if flagged else 'none'}")


# --- main -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--previous", default="53252ae", help="the previous release's git ref")
    parser.add_argument("--no-previous", action="store_true", help="leave the previous out")
    parser.add_argument(
        "--quick", action="store_true", help="inputs 10x smaller, one run: to try it out"
    )
    parser.add_argument("--part", choices=("all", "commands", "doubling"), default="all")
    parser.add_argument(
        "--doubling-chars", type=int, default=250_000, help="n of the doubling test"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
        args.doubling_chars //= 10
    ok = True
    if args.part in ("all", "commands"):
        with tempfile.TemporaryDirectory(prefix="baomi-whole-") as tmp:
            ok = run_commands(args, Path(tmp))
    if args.part in ("all", "doubling"):
        run_doubling(args.doubling_chars)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
