"""The Excel workbook at scale: time and peak memory for N findings, side by side
with openpyxl's ordinary (in-memory) mode writing the same rows.

    python bench/workbook.py [--findings 200000] [--per-file 20]

Fills a fresh inventory with synthetic findings (masked values and fingerprints,
as a scan stores them), then in separate child processes: baomi's streaming
workbook (``reports/workbook.py``) and a baseline that writes the same
发现明细 rows through a normal ``openpyxl.Workbook``; then the PDF risk report and
the run measures a scan keeps as it ends, from the same inventory. Prints
seconds, peak RSS and the ratios.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.models import FileResult, FileStatus, Finding  # noqa: E402
from scanner.store.inventory import FileStat, Inventory  # noqa: E402

TYPES = ("PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON", "CLIENT", "CN_RESIDENT_ID", "CN_BANK_CARD")


def fill(db: Path, findings: int, per_file: int) -> None:
    with Inventory.open(db, writer=True) as inventory:
        run = inventory.begin_run([Path("/share")], incremental=False)
        for f in range(findings // per_file):
            path = f"/share/dept{f % 12}/项目{f // 12}/文件{f}.docx"
            found = tuple(
                Finding(
                    path,
                    TYPES[i % len(TYPES)],
                    i,
                    i + 11,
                    0.95,
                    f"段落 {i}",
                    "CnPhoneRecognizer",
                    "138****5678",
                    f"{f:016x}{i:016x}",
                    client="北京******公司" if TYPES[i % len(TYPES)] == "CLIENT" else None,
                )
                for i in range(per_file)
            )
            result = FileResult(
                path, FileStatus.SCANNED, 40_000, "application/vnd.docx", findings=found
            )
            inventory.record(
                run, Path("/share"), Path(path), FileStat(40_000, f, f), "0" * 64, "pr", [result]
            )
        inventory.finish_run(run, findings // per_file, findings // per_file, 0, 0)


CHILD = {
    "baomi (write-only, streamed)": (
        "from reports.tables import InventoryTables; from reports.workbook import write_workbook;"
        "from scanner.store.inventory import Inventory; from scanner.sensitivity import Grading;"
        "inv = Inventory.open(Path(db));"
        "write_workbook(InventoryTables(inv, Grading.from_config()), Path(out))"
    ),
    "baseline (openpyxl in-memory, findings sheet only)": (
        "import openpyxl; from reports.tables import InventoryTables;"
        "from scanner.store.inventory import Inventory; from scanner.sensitivity import Grading;"
        "t = InventoryTables(Inventory.open(Path(db)), Grading.from_config()).findings();"
        "wb = openpyxl.Workbook(); ws = wb.active; ws.append([c.title for c in t.columns]);"
        "[ws.append(list(r)) for r in t.rows()]; wb.save(out)"
    ),
    # the same inventory as the PDF risk report (reports/risk.py, reports/pdf.py)
    "baomi PDF risk report": (
        "from reports.tables import InventoryTables; from reports.fonts import cjk_font;"
        "from reports.risk import risk_report; from reports.pdf import write_pdf;"
        "from scanner.store.inventory import Inventory; from scanner.sensitivity import Grading;"
        "t = InventoryTables(Inventory.open(Path(db)), Grading.from_config());"
        "write_pdf(risk_report(t), Path(out), cjk_font())"
    ),
    # what every scan adds as it finishes: the counts a trend keeps (reports/trends.py)
    "run measures as a scan ends": (
        "from reports.tables import InventoryTables; from reports.trends import measures_of;"
        "from scanner.store.inventory import Inventory; from scanner.sensitivity import Grading;"
        "t = InventoryTables(Inventory.open(Path(db)), Grading.from_config());"
        "Path(out).write_text(repr(measures_of(t.summary())))"
    ),
}
BASELINE = "baseline (openpyxl in-memory, findings sheet only)"
OURS = "baomi (write-only, streamed)"


def run_child(code: str, db: Path, out: Path) -> tuple[float, float]:
    script = (
        "import resource, sys, time; from pathlib import Path;"
        f"db, out = {str(db)!r}, {str(out)!r}; t0 = time.perf_counter();"
        f"{code};"
        "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    seconds, rss = done.stdout.split()
    return float(seconds), float(rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=200_000)
    parser.add_argument("--per-file", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "inventory.db"
        started = time.perf_counter()
        fill(db, args.findings, args.per_file)
        print(
            f"inventory: {args.findings} findings in {args.findings // args.per_file} files, "
            f"filled in {time.perf_counter() - started:.1f} s ({db.stat().st_size / 1e6:.0f} MB)"
        )
        results = {}
        for name, code in CHILD.items():
            out = Path(tmp) / f"{len(results)}.xlsx"
            seconds, rss = run_child(code, db, out)
            results[name] = (seconds, rss)
            print(
                f"{name:<52} {seconds:7.1f} s  peak RSS {rss:6.0f} MB  "
                f"{out.stat().st_size / 1e6:5.1f} MB file"
            )
        (o_s, o_rss), (b_s, b_rss) = results[OURS], results[BASELINE]
        print(
            f"ratio baseline/baomi: time {o_s / b_s:.2f}x, memory {o_rss / b_rss:.2f}x "
            "(the baseline writes one sheet; baomi writes every sheet)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
