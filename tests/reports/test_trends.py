"""Trends across scan runs: each run keeps what the inventory held as it finished
(migration 8), and the workbook, the exports and the PDF draw them without a rescan."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from recognizers import checksums
from reports.trends import Window, trend
from scanner.cli import main
from scanner.store.inventory import MIGRATIONS, Inventory, MeasureRow
from scanner.watch import Watcher, WatchSettings

pytestmark = pytest.mark.slow

REGISTER = (
    "name,aliases,nda_id,nda_signed,nda_expires,project_end,retention_months\n"
    # past its retention period since 2025-06-30, NDA valid
    "成都锦程文旅集团有限公司,锦程文旅,NDA-1,2020-01-01,2030-12-31,2024-06-30,12\n"
    # within its period, no NDA at all
    "北京星河传媒有限公司,星河传媒,,,,2099-06-30,36\n"
)


def resident_id() -> str:
    body = "11010519900307123"
    return body + checksums.resident_id_check_char(body)


def scan(share: Path, db: Path, *args: str) -> int:
    return main(["scan", str(share), "--inventory", str(db), "--no-ner", "-q", *args])


def report(db: Path, out: Path, *args: str) -> int:
    return main(["report", "--inventory", str(db), "-o", str(out), *args])


def sheet(path: Path, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[name].iter_rows(2, values_only=True))


@pytest.fixture()
def three_runs(tmp_path: Path) -> Path:
    """A share scanned three times: one file; a second file added (incremental); the
    first deleted."""
    share = tmp_path / "share"
    (share / "客户资料").mkdir(parents=True)
    (share / "行政").mkdir()
    first = share / "客户资料" / "开户.txt"
    first.write_text(f"手机 13812345678\n身份证 {resident_id()}\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    assert scan(share, db) == 1
    (share / "行政" / "通讯录.txt").write_text("手机 13987654321\n", encoding="utf-8")
    assert scan(share, db, "--incremental") == 1
    first.unlink()
    assert scan(share, db) == 1
    return db


def test_each_run_keeps_what_the_inventory_held_and_the_workbook_shows_it(tmp_path, three_runs):
    out = tmp_path / "清单.xlsx"
    assert report(three_runs, out) == 0
    # run, mode, files, with findings, sensitive, past retention, without NDA, findings,
    # unreadable: retention and NDA are not measured without the client register
    assert [r[:1] + r[2:] for r in sheet(out, "趋势")] == [
        (1, "全量 full", 1, 1, 1, None, None, 2, 0),
        (2, "增量 incremental", 2, 2, 1, None, None, 3, 0),
        (3, "全量 full", 1, 1, 0, None, None, 1, 0),
    ]
    finished = [r[1] for r in sheet(out, "趋势")]
    assert all(isinstance(f, dt.datetime) for f in finished) and finished == sorted(finished)
    assert [(r[0], r[2], r[3], r[4]) for r in sheet(out, "部门趋势")] == [
        (1, "客户资料", 2, 1),
        (2, "客户资料", 2, 1),
        (2, "行政", 1, 1),
        (3, "行政", 1, 1),
    ]
    # the last point is the overview's headline
    overview = {r[0]: r[1] for r in openpyxl.load_workbook(out)["概览"].iter_rows(values_only=True)}
    assert overview["文件数 Files in inventory"] == 1
    assert overview["含客户信息的文件 Files with findings"] == 1


def test_runs_and_since_choose_the_window(tmp_path, three_runs):
    out = tmp_path / "trends.jsonl"
    assert report(three_runs, out, "--table", "trends", "--runs", "2") == 0
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["run"], r["files"], r["findings"]) for r in lines] == [(2, 2, 3), (3, 1, 1)]
    assert lines[0]["files_past_retention"] is None
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert report(three_runs, out, "--table", "trends", "--since", tomorrow) == 0
    assert out.read_text("utf-8") == ""
    today = dt.date.today().isoformat()
    assert report(three_runs, out, "--table", "trend_folders", "--since", today) == 0
    assert len(out.read_text("utf-8").splitlines()) == 4


@pytest.mark.parametrize("runs", ["0", "-1", "many"])
def test_a_bad_run_count_is_refused(tmp_path, three_runs, runs, capsys):
    assert report(three_runs, tmp_path / "x.xlsx", "--runs", runs) == 2
    assert "not a number of runs" in capsys.readouterr().err


def test_with_the_register_a_run_keeps_retention_and_nda(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "结案.txt").write_text("锦程文旅项目结案\n手机 13812345678\n", encoding="utf-8")
    (share / "提案.txt").write_text("星河传媒提案\n手机 13987654321\n", encoding="utf-8")
    (share / "说明.txt").write_text("无客户信息\n", encoding="utf-8")
    register = tmp_path / "clients.csv"
    register.write_text(REGISTER, encoding="utf-8")
    db = tmp_path / "inv.db"
    assert scan(share, db, "--clients", str(register)) == 1
    out = tmp_path / "清单.xlsx"
    assert report(db, out, "--clients", str(register)) == 0
    # the past-retention file (锦程) and the file of the client without an NDA (星河)
    assert [r[3:9] for r in sheet(out, "趋势")] == [(3, 2, 0, 1, 1, 4)]
    overview = {r[0]: r[1] for r in openpyxl.load_workbook(out)["概览"].iter_rows(values_only=True)}
    assert overview["已过保留期限的文件 Files past retention"] == 1
    assert overview["无有效保密协议的文件 Files without a valid NDA"] == 1


def test_measures_hold_counts_and_masked_folders_only(tmp_path):
    share = tmp_path / "share"
    folder = share / "客户_13812345678"  # a value in a folder name is masked in the inventory
    folder.mkdir(parents=True)
    (folder / "名单.txt").write_text("手机 13987654321\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    assert scan(share, db) == 1
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT measure, key, value FROM run_measures").fetchall()
    keys = {key for _, key, _ in stored}
    assert "客户_138****5678" in keys
    assert not any("13812345678" in k or "13987654321" in k for k in keys)
    assert ("files_with_findings", "", 1) in stored


def test_an_older_inventory_is_migrated_and_its_runs_have_no_trend_point(tmp_path):
    db = tmp_path / "old.db"
    Inventory.open(db, writer=True).close()
    with sqlite3.connect(db) as conn:  # as the release before migration 8 left it
        conn.execute("DROP TABLE run_measures")
        conn.execute("PRAGMA user_version = 7")
        conn.execute(
            "INSERT INTO runs (started, finished, roots, mode, status, pid) "
            "VALUES (1, 2, '[]', 'full', 'finished', 1)"
        )
    with Inventory.open(db, writer=True) as inventory:
        assert inventory.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert trend(inventory, Window()) == []
        run = inventory.begin_run([tmp_path], incremental=False)
        inventory.finish_run(run, 0, 0, 0, 0, [MeasureRow("files", "", 0)])
        points = trend(inventory, Window())
    assert [(p.run_id, dict(p.totals)) for p in points] == [(run, {"files": 0})]


def test_a_watch_keeps_its_measures_when_it_stops(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    settings = WatchSettings(roots=(share,), reconcile=0, workers=1, settle=0.2)
    measured = [MeasureRow("files", "", 7), MeasureRow("findings_by_folder", "行政", 3)]
    watcher = Watcher(settings, tmp_path / "inv.db", lambda: None, measure=lambda _: measured)
    watcher.start()
    assert watcher.ready.wait(10)
    watcher.stop()
    with Inventory.open(tmp_path / "inv.db") as inventory:
        (point,) = trend(inventory, Window())
    assert point.total("files") == 7 and point.breakdown("findings_by_folder") == {"行政": 3}


def test_a_report_reads_an_inventory_not_yet_migrated_without_migrating_it(tmp_path, three_runs):
    with sqlite3.connect(three_runs) as conn:  # as the release before migration 8 left it
        conn.execute("DROP TABLE run_measures")
        conn.execute("PRAGMA user_version = 7")
    for name in ("清单.xlsx", "报告.pdf", "报告.html"):
        assert report(three_runs, tmp_path / name) == 0, name
    assert sheet(tmp_path / "清单.xlsx", "趋势") == []  # no trend point, no error
    assert sheet(tmp_path / "清单.xlsx", "文件清单")  # the rest as before
    with sqlite3.connect(three_runs) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 7


def test_a_failing_measure_still_finishes_the_run(tmp_path, caplog):
    share = tmp_path / "share"
    share.mkdir()
    settings = WatchSettings(roots=(share,), reconcile=0, workers=1, settle=0.2)

    def broken(_: Inventory) -> list[MeasureRow]:
        raise RuntimeError("disk full")

    watcher = Watcher(settings, tmp_path / "inv.db", lambda: None, measure=broken)
    watcher.start()
    assert watcher.ready.wait(10)
    watcher.stop()
    with Inventory.open(tmp_path / "inv.db") as inventory:
        assert [r.status for r in inventory.runs()] == ["finished"]
        assert trend(inventory, Window()) == []
    assert "run measures not kept" in caplog.text and "disk full" in caplog.text
