"""Start-up of the whole command, as a user times it (issue 21).

    python bench/startup.py [--runs 5]

Runs each command ``--runs`` times in a fresh process, as a user or cron would, and prints
the median and best wall time next to issue 21's target and to a plain ``python -c pass``
baseline run in the same session:

  python -c pass                         the interpreter alone: the floor
  baomi --help                           argument parsing only (target <= 0.3 s)
  baomi entities                         the entity catalogue (target <= 0.3 s)
  baomi scan one.txt (--no-ner)          one line, no inventory (targets 0.8 s / 0.5 s)
  baomi redact one.docx --policy media   one small document, verified

Python runs from bytecode, as an installed baomi does (pip compiles it on install): the
benchmark writes it to a temporary ``PYTHONPYCACHEPREFIX`` even where
``PYTHONDONTWRITEBYTECODE`` is set. The warm-up run also fills the per-user build cache
(the compiled Hyperscan database, ``scanner/build_cache.py``); the row "cold cache" runs
with ``BAOMI_CACHE_DIR=off``, as the first scan after an upgrade does.

Then, once, where an in-process start goes: the import time of Presidio (and spaCy, which
Presidio imports), of baomi's recognizers, and the time to build the analyser with and
without the NER model (``python -X importtime`` and ``time.perf_counter`` in a child).
Nothing is downloaded; temporary files only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BAOMI = [sys.executable, "-m", "scanner.cli"]
TARGETS = {
    "baomi --help": 0.3,
    "baomi entities": 0.3,
    "baomi scan one line": 0.8,
    "baomi scan one line --no-ner": 0.5,
    "baomi scan one line, cold cache": 0.8,
}
BREAKDOWN = """
import time
t0 = time.perf_counter()
import recognizers  # Presidio's recognizer core (recognizers/presidio_core.py)
t1 = time.perf_counter()
from recognizers.registry import build_recognizers
t2 = time.perf_counter()
from scanner.scan.analyze import Analyzer
Analyzer(build_recognizers([], ner=False)).analyze("手机 13812345678")
t3 = time.perf_counter()
Analyzer(build_recognizers([], ner=True)).analyze("联系人张伟，手机 13812345678")
t4 = time.perf_counter()
import presidio_analyzer
presidio_analyzer.AnalyzerEngine  # the whole package, spaCy with it: never by a scan
t5 = time.perf_counter()
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.2f} {t4 - t3:.2f} {t5 - t4:.2f}")
"""


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: findings
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return elapsed


def commands(work: Path) -> dict[str, list[str]]:
    from tests.builders import docx_bytes

    line = work / "one.txt"
    line.write_text("联系人张伟，手机 13812345678\n", encoding="utf-8")
    document = work / "one.docx"
    document.write_bytes(docx_bytes("会议纪要", "联系人张伟，手机 13812345678。"))
    scan = [*BAOMI, "scan", str(line), "--no-inventory", "-q", "-o", str(work / "out.txt")]
    redact = [*BAOMI, "redact", str(document), "-o", str(work / "copy.docx"), "--policy"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "baomi --help": [*BAOMI, "--help"],
        "baomi entities": [*BAOMI, "entities"],
        "baomi scan one line": scan,
        "baomi scan one line --no-ner": [*scan, "--no-ner"],
        "baomi scan one line, cold cache": ["env", "BAOMI_CACHE_DIR=off", *scan],
        "baomi redact one docx": [*redact, "media", "--audit-log", str(work / "audit.jsonl")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="baomi-startup-") as tmp:
        work = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(work / "bytecode"),  # as installed: compiled once
            "XDG_CACHE_HOME": str(work / "cache"),
            "PYTHONPATH": str(ROOT),
            "XDG_CONFIG_HOME": str(work / "config"),  # a key of its own, made on first use
            "BAOMI_REDACT_KEY": "00" * 32,
        }
        runs = commands(work)
        floor = None
        print(f"{'command':<32} {'median s':>9} {'best s':>7} {'target':>7} {'x python':>9}")
        for name, argv in runs.items():
            timed(argv, work, env)  # warm the file cache
            times = [timed(argv, work, env) for _ in range(args.runs)]
            median = statistics.median(times)
            floor = floor or median
            target = TARGETS.get(name)
            shown = f"{target:.1f}" if target else "-"
            print(f"{name:<32} {median:>9.2f} {min(times):>7.2f} {shown:>7} {median / floor:>9.1f}")
        out = subprocess.run(
            [sys.executable, "-c", BREAKDOWN], cwd=work, env=env, capture_output=True, text=True
        )
        core, recognizers, analyser, ner, full = out.stdout.split()
        print("\nin one process:")
        print(f"  Presidio's recognizer core                 {core} s")
        print(f"  baomi's recognizers and their catalogue    {recognizers} s")
        print(f"  build the analyser, first analysis         {analyser} s")
        print(f"  the same with the NER model                {ner} s")
        print(f"  (all of presidio_analyzer, spaCy with it   {full} s: not loaded by baomi)")


if __name__ == "__main__":
    main()
