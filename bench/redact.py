"""Redaction speed per format, side by side with scanning the same files.

    python bench/redact.py [--repeat 5] [--policy media] [PATH ...]

Redacts every supported file of the demo share (or the given paths) ``--repeat``
times with the full path of ``baomi redact``: write the copy, extract and rescan
it (verification), write it atomically to a temporary folder. Baseline: scanning
the same file (extract + analyse) once per round. Prints, per format, files,
MB/s and (PDF) pages/s, and the redact/scan time ratio. NER is on, as by default.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)
os.environ.setdefault("BAOMI_REDACT_KEY", "11" * 32)

from recognizers.registry import build_recognizers  # noqa: E402
from scanner.compliance.clients import load_registry  # noqa: E402
from scanner.redact.engine import Job, Redactor  # noqa: E402
from scanner.redact.operators import OperatorSet  # noqa: E402
from scanner.redact.policy import DEFAULT_POLICIES  # noqa: E402
from scanner.redact.rewriters import PolicyRewriter  # noqa: E402
from scanner.redact.writers import format_of, writers  # noqa: E402
from scanner.scan.analyze import Analyzer  # noqa: E402
from scanner.scan.pipeline import Scanner  # noqa: E402
from scanner.scan.walk import walk  # noqa: E402


def pages(path: Path) -> int:
    import pymupdf

    with pymupdf.open(path) as doc:
        return doc.page_count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "examples" / "share"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--policy", default="media")
    args = parser.parse_args()
    clients = load_registry(ROOT / "examples" / "clients.csv")
    key = bytes.fromhex(os.environ["BAOMI_HASH_KEY"])
    records = [c.to_client() for c in clients]
    scanner = Scanner(Analyzer(build_recognizers(records)), key, clients)
    policy = DEFAULT_POLICIES[args.policy]
    operators = OperatorSet(key, bytes.fromhex(os.environ["BAOMI_REDACT_KEY"]))
    redactor = Redactor(scanner, policy, PolicyRewriter(scanner.analyzer, policy, operators))
    scanner.scan_bytes("warm-up.txt", "联系人：张伟，手机13812345678\n".encode())
    by_format: dict[str, list[Path]] = defaultdict(list)
    for entry in walk(args.paths):
        data = entry.path.read_bytes() if not entry.error else b""
        name = format_of(data, str(entry.path)) if data else None
        if name in writers():
            by_format[name].append(entry.path)
    print(
        f"{'format':<8}{'files':>6}{'MB':>8}{'redact MB/s':>13}{'files/s':>9}{'scan MB/s':>11}"
        f"{'ratio':>8}{'pages/s':>9}{'failed':>8}"
    )
    with tempfile.TemporaryDirectory() as out:
        for name, files in sorted(by_format.items()):
            size = sum(p.stat().st_size for p in files) * args.repeat / 1e6
            failed = 0
            started = time.process_time()
            for _ in range(args.repeat):
                for i, path in enumerate(files):
                    target = Path(out) / f"{name}{i}{path.suffix}"
                    failed += not redactor.run(Job(path, target)).ok
            redact_s = time.process_time() - started
            started = time.process_time()
            for _ in range(args.repeat):
                for path in files:
                    scanner.scan_bytes(path.name, path.read_bytes())
            scan_s = time.process_time() - started
            page_rate = ""
            if name == "pdf":
                page_rate = f"{sum(pages(p) for p in files) * args.repeat / redact_s:.1f}"
            rate = len(files) * args.repeat / redact_s
            print(
                f"{name:<8}{len(files):>6}{size:>8.2f}{size / redact_s:>13.2f}{rate:>9.1f}"
                f"{size / scan_s:>11.2f}{redact_s / scan_s:>7.1f}x{page_rate:>9}{failed:>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
