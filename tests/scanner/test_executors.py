"""Executors: the local process pool and a Dask cluster give the same inventory as one worker."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scanner.cli import main

pytestmark = pytest.mark.slow


def make_tree(root: Path) -> Path:
    import openpyxl
    from docx import Document

    share = root / "share"
    for dept in ("市场部", "财务部", "行政部"):
        (share / dept).mkdir(parents=True)
    for i in range(24):
        dept = ("市场部", "财务部", "行政部")[i % 3]
        (share / dept / f"纪要{i:02d}.txt").write_text(
            f"联系人手机 139{i:08d}\n邮箱 user{i}@example.com\n", encoding="utf-8"
        )
    doc = Document()
    doc.add_paragraph("联系人：张伟，手机13812345678")
    doc.save(share / "市场部" / "方案.docx")
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "手机"])
    wb.active.append(["王芳", "13712345678"])
    wb.save(share / "财务部" / "名单.xlsx")
    (share / "行政部" / "坏文件.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return share


def inventory_of(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    files = sorted(conn.execute("SELECT path, status, size, reason FROM files"))
    findings = sorted(
        conn.execute(
            'SELECT item, entity_type, location, start, "end", score, masked, fingerprint '
            "FROM findings"
        )
    )
    conn.close()
    return files, findings


def scan(share: Path, db: Path, *extra: str) -> int:
    return main(
        [
            "scan",
            str(share),
            "--inventory",
            str(db),
            "--no-ner",
            "-q",
            "--format",
            "jsonl",
            "-o",
            str(db.with_suffix(".jsonl")),
            *extra,
        ]
    )


def test_local_pool_matches_a_single_worker(tmp_path):
    share = make_tree(tmp_path)
    # 3: client information found, and 坏文件.docx could not be scanned (corrupt)
    assert scan(share, tmp_path / "one.db", "--workers", "1") == 3
    assert scan(share, tmp_path / "four.db", "--workers", "4") == 3
    one, four = inventory_of(tmp_path / "one.db"), inventory_of(tmp_path / "four.db")
    assert one == four
    assert len(one[0]) == 27 and len(one[1]) == 24 * 2 + 3
    # the JSONL output comes in the same order too
    assert (tmp_path / "one.jsonl").read_text() == (tmp_path / "four.jsonl").read_text()


def test_a_dask_cluster_gives_the_same_inventory_as_a_local_scan(tmp_path):
    distributed = pytest.importorskip("distributed")
    share = make_tree(tmp_path)
    assert scan(share, tmp_path / "local.db", "--workers", "2") == 3  # 坏文件.docx: corrupt
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code = scan(
            share,
            tmp_path / "dask.db",
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        )
    assert code == 3
    assert inventory_of(tmp_path / "dask.db") == inventory_of(tmp_path / "local.db")


def test_dask_without_a_scheduler_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    assert main(["scan", str(tmp_path / "a.txt"), "--executor", "dask"]) == 2
    assert "needs --scheduler" in capsys.readouterr().err
