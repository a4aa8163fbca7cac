"""`baomi watch`: latency from a file closed to its findings stored, and the burst rate.

    python bench/watch.py [--files 50] [--burst 10000] [--settle 0.5] [--workers 2]

In a temporary folder, with a real watchdog observer and the same scanner as
``baomi scan`` (NER off, the structured recognizers):

* latency: ``--files`` files are written one at a time; for each, the time from
  ``close()`` to its row being stored in the inventory (median, p95, max). The
  settle time (a file must stay unchanged that long) is the floor; the rest is
  the watcher's own cost;
* burst: ``--burst`` files are dropped at once; files per second until all are
  stored, beside the rate of a one-shot ``baomi scan`` of the same tree (the
  baseline), and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BAOMI_HASH_KEY", "00" * 32)

from recognizers.registry import build_recognizers  # noqa: E402
from scanner.scan.analyze import Analyzer  # noqa: E402
from scanner.scan.isolation import IsolatedScanner  # noqa: E402
from scanner.scan.pipeline import Scanner  # noqa: E402
from scanner.store.inventory import Inventory  # noqa: E402
from scanner.store.recording import RecordedScan  # noqa: E402
from scanner.watch import Watcher, WatchSettings  # noqa: E402


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--settle", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scanner = Scanner(Analyzer(build_recognizers(ner=False)), bytes(32))
    with tempfile.TemporaryDirectory() as tmp:
        share = Path(tmp) / "share"
        share.mkdir()
        settings = WatchSettings(
            roots=(share,), settle=args.settle, reconcile=0, workers=args.workers, queue_size=256
        )
        watcher = Watcher(
            settings, Path(tmp) / "inv.db", lambda: IsolatedScanner(scanner, timeout=120)
        )
        watcher.start()
        watcher.ready.wait(30)
        latencies = []
        for i in range(args.files):
            path = share / f"单个{i:03d}.txt"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(f"联系人手机 138{i:08d}\n")
            closed = time.time()
            wait_for(lambda p=str(path): p in watcher.stats.stored_at, 60)
            latencies.append(watcher.stats.stored_at[str(path)] - closed)
            time.sleep(0.05)
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        print(
            f"latency close → stored ({args.files} files, settle {args.settle:g} s): "
            f"median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, "
            f"max {latencies[-1]:.2f} s"
        )

        burst = Path(tmp) / "share" / "burst"
        started = time.monotonic()
        for i in range(args.burst):
            folder = burst / f"d{i % 50}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"f{i:05d}.txt").write_text(f"手机 139{i:08d}\n", encoding="utf-8")
        written = time.monotonic() - started
        total = args.files + args.burst
        ok = wait_for(lambda: sum(watcher.stats.scanned.values()) >= total, 3600)
        burst_s = time.monotonic() - started
        watcher.stop()
        lost = total - len(watcher.stats.scanned)
        print(
            f"burst: {args.burst} files written in {written:.1f} s, all stored after "
            f"{burst_s:.1f} s: {args.burst / burst_s:.0f} files/s "
            f"({'complete' if ok else 'TIMED OUT'}, {lost} missing, "
            f"max scans of one file {max(watcher.stats.scanned.values())})"
        )

        baseline_db = Path(tmp) / "baseline.db"
        with (
            IsolatedScanner(scanner, timeout=120) as isolated,
            Inventory.open(baseline_db, writer=True) as inventory,
        ):
            run = RecordedScan(inventory, isolated, [burst])
            started = time.monotonic()
            for _ in run.results():
                pass
            scan_s = time.monotonic() - started
        print(
            f"baseline: one-shot `baomi scan` of the same {args.burst} files: "
            f"{args.burst / scan_s:.0f} files/s (one worker); watch/scan rate ratio "
            f"{(args.burst / burst_s) / (args.burst / scan_s):.2f}x"
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the watching process: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
