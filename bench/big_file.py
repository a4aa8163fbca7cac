"""Memory and speed on one huge text file: streamed in overlapping chunks.

Writes a text file of ``--gb`` gigabytes (default 1) of Chinese business prose
with a phone number planted every ``--every`` kilobytes (and one planted across
every chunk boundary region at random offsets), then scans it with baomi's
pipeline in a child process and prints the child's peak resident memory, the
rate, and whether every planted number was found exactly once.

    python bench/big_file.py [--gb 1] [--dir /tmp]

Target (issue 3): peak RSS under 300 MB on a 1 GB file.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROSE = "本周与客户召开季度传播复盘会，双方就新品发布节奏、媒体投放预算和舆情应对预案达成一致。"
PHONE = "手机13812345678，"


def write_file(path: Path, size: int, every: int) -> int:
    """Write ``size`` bytes; return how many phone numbers were planted."""
    prose = (PROSE * (every // len(PROSE.encode()) + 1)).encode()[: every - len(PHONE.encode())]
    block_prose = prose.decode("utf-8", "ignore").encode()  # whole characters only
    block = block_prose + PHONE.encode() + b"\n"
    planted = 0
    with open(path, "wb") as fh:
        written = 0
        while written + len(block) <= size:
            fh.write(block)
            written += len(block)
            planted += 1
    return planted


CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)
from pathlib import Path
from recognizers.registry import build_recognizers
from scanner.scan.analyze import Analyzer
from scanner.scan.pipeline import Scanner
scanner = Scanner(Analyzer(build_recognizers(ner=False)), bytes(32))  # NER: bench/ner_eval.py
start = time.perf_counter()
results = scanner.scan_file(Path({path!r}))
elapsed = time.perf_counter() - start
findings = results[0].findings
phones = [f for f in findings if f.entity_type == "PHONE_NUMBER"]
keys = {{(f.location, f.start) for f in phones}}
print(len(phones), len(keys), elapsed, results[0].status.value, results[0].reason or "-")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--every", type=int, default=64 * 1024, help="bytes between phones")
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()
    path = Path(args.dir) / "baomi-big-file.txt"
    try:
        size = int(args.gb * 1024**3)
        started = time.perf_counter()
        planted = write_file(path, size, args.every)
        print(f"wrote {path.stat().st_size / 1024**2:.0f} MB with {planted} phone numbers "
              f"in {time.perf_counter() - started:.1f} s")
        child = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))],
                               capture_output=True, text=True, check=True)
        found, distinct, elapsed, status, reason = child.stdout.split(maxsplit=4)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rate = path.stat().st_size / 1024**2 / float(elapsed)
        print(f"status {status} {reason.strip()}")
        print(f"{'file MB':>10}{'seconds':>10}{'MB/s':>8}{'peak RSS MB':>14}{'target':>10}")
        print(f"{path.stat().st_size / 1024**2:>10.0f}{float(elapsed):>10.1f}{rate:>8.1f}"
              f"{peak_mb:>14.0f}{'< 300':>10}")
        ok = int(found) == planted and int(distinct) == planted
        print(f"planted {planted}, found {found}, distinct {distinct}: "
              f"{'every value exactly once' if ok else 'MISMATCH'}")
        return 0 if ok and peak_mb < 300 else 1
    finally:
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
