"""Values in folder, file and member names: found by the scan (文件名, 文件夹名), never stored or
shown raw (inventory, workbook, exports, stdout, stderr, watcher, audit log), and the files are
still found again from their masked paths and keys (incremental scans, retention, moves, an
inventory migrated from schema 3)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from recognizers.registry import build_recognizers
from scanner.cli import main
from scanner.scan.analyze import Analyzer
from scanner.scan.paths import READABLE_IN_PATHS, PathMasker, masker_of, path_key
from scanner.scan.pipeline import Scanner
from scanner.store.inventory import MIGRATIONS, Inventory
from scanner.watch import Watcher, WatchSettings
from tests.conftest import TEST_KEY_HEX
from tests.scanner.test_watch import wait_for

KEY = bytes.fromhex(TEST_KEY_HEX)
PHONE = "13812345678"
OTHER_PHONE = "13899995678"  # masks like PHONE: 138****5678
RESIDENT_ID = "11010519491231002X"
FOLDER = f"客户资料_{PHONE}"
NAME = f"张伟_{RESIDENT_ID}_简历.txt"
RAW = (PHONE, OTHER_PHONE, RESIDENT_ID)
REGISTER = (
    "name,aliases,nda_id,nda_signed,nda_expires,project_end,retention_months\n"
    "成都锦程文旅集团有限公司,锦程文旅,NDA-1,2020-01-01,2030-12-31,2024-06-30,12\n"
)


@pytest.fixture(scope="module")
def no_ner() -> PathMasker:
    return PathMasker(Analyzer(build_recognizers(ner=False)), KEY)


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / FOLDER).mkdir(parents=True)
    (root / FOLDER / NAME).write_text("个人简历\n", encoding="utf-8")
    (root / "说明.txt").write_text("本目录无敏感信息\n", encoding="utf-8")
    return root


def scan(db: Path, *args: str) -> int:
    return main(["scan", *args, "--no-ner", "--inventory", str(db)])


def rows(db: Path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def holds(data: bytes, value: str) -> bool:
    """``value`` in ``data`` as UTF-8 or UTF-16 (either byte order)."""
    return any(value.encode(e) in data for e in ("utf-8", "utf-16-le", "utf-16-be"))


def contents(path: Path) -> bytes:
    """A file's bytes; a workbook's decompressed parts (its XML is deflated on disk)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return b"".join(z.read(name) for name in z.namelist())
    return path.read_bytes()


def leaked(*blobs: bytes) -> list[str]:
    return [value for value in RAW for blob in blobs if holds(blob, value)]


# --- the masker -----------------------------------------------------------------------------


def test_every_component_is_masked_with_the_masks_of_findings(analyzer_all):
    masker = PathMasker(analyzer_all, KEY)
    assert masker.shown(f"/srv/share/{FOLDER}/{NAME}") == (
        "/srv/share/客户资料_138****5678/张*_11***************X_简历.txt"
    )
    assert masker.shown(f"/srv/归档.zip!{FOLDER}/王芳.docx") == (
        "/srv/归档.zip!客户资料_138****5678/王*.docx"
    )
    # clients' and organisations' folders stay readable: a PR share is organised by them
    assert "ORGANIZATION" in READABLE_IN_PATHS and "PERSON" not in READABLE_IN_PATHS
    assert masker.shown("/srv/北京星河传媒有限公司/发布会方案.docx") == (
        "/srv/北京星河传媒有限公司/发布会方案.docx"
    )


def test_the_key_is_a_keyed_hash_of_the_real_path(no_ner):
    first, second = f"/s/{FOLDER}/a.txt", f"/s/客户资料_{OTHER_PHONE}/a.txt"
    assert no_ner.shown(first) == no_ner.shown(second) == "/s/客户资料_138****5678/a.txt"
    assert no_ner.key(first) == path_key(KEY, first) != no_ner.key(second)
    assert len(no_ner.key(first)) == 64
    assert PathMasker(None, b"another key" * 3, lambda: None).key(first) != no_ner.key(first)


def test_resolve_tells_apart_names_masked_alike(tmp_path, no_ner):
    for phone in (PHONE, OTHER_PHONE):
        (tmp_path / f"客户资料_{phone}").mkdir()
        (tmp_path / f"客户资料_{phone}" / "名单.txt").write_text("x", encoding="utf-8")
    for phone in (PHONE, OTHER_PHONE):
        real = f"{tmp_path}/客户资料_{phone}/名单.txt"
        assert no_ner.resolve(no_ner.shown(real), no_ner.key(real)) == Path(real)
    gone = f"{tmp_path}/客户资料_13800005678/名单.txt"
    assert no_ner.resolve(no_ner.shown(gone), no_ner.key(gone)) is None


def test_resolve_finds_a_value_written_in_full_width_digits(tmp_path, no_ner):
    real = tmp_path / "客户资料_１３８１２３４５６７８" / "名单.txt"
    real.parent.mkdir()
    real.write_text("x", encoding="utf-8")
    shown = no_ner.shown(str(real))
    assert shown.endswith("/客户资料_138****5678/名单.txt")  # no * pattern matches the name
    assert no_ner.resolve(shown, no_ner.key(str(real))) == real


# --- scan, inventory, reports -----------------------------------------------------------------


@pytest.mark.slow
def test_values_in_folder_and_file_names_are_reported_and_never_stored_or_shown_raw(
    tmp_path, share, capsys
):
    db, out = tmp_path / "inv.db", tmp_path / "out"
    out.mkdir()
    jsonl, workbook = out / "scan.jsonl", out / "清单.xlsx"
    args = ["-v", "--format", "jsonl", "-o", str(jsonl), "--xlsx", str(workbook)]
    assert scan(db, str(share), *args) == 1
    found = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    shown = f"{share}/客户资料_138****5678/张伟_11***************X_简历.txt"
    assert [(f["path"], f["location"], f["entity_type"], f["masked"]) for f in found] == [
        (shown, "文件名", "CN_RESIDENT_ID", "11***************X"),
        (shown, "文件夹名", "PHONE_NUMBER", "138****5678"),
    ]
    assert main(["scan", str(share), "--no-ner", "--no-inventory", "-v"]) == 1  # the table
    for table in ("files", "findings", "errors"):
        for fmt in ("csv", "jsonl"):
            target = out / f"{table}.{fmt}"
            report = ["report", "--inventory", str(db), "--table", table, "-o", str(target)]
            assert main(report) == 0
    captured = capsys.readouterr()
    # the table's title may be wrapped (a wide character that does not fit leaves a space
    # at the end of its line): searched as printed and with its lines joined, as they are
    # and with that padding removed
    lines = captured.out.splitlines()
    joined = ["".join(lines), "".join(line.rstrip() for line in lines)]
    stdout = "\n".join([captured.out, *joined]).encode()
    stderr = captured.err.encode()
    assert f"baomi: 已扫描 scanned {shown}: 2 findings" in captured.err
    assert holds(stdout, "客户资料_138****5678/张伟_11***************X_简历.txt  (2 处 findings)")
    assert rows(db, "SELECT path, root FROM files ORDER BY path") == [
        (shown, str(share)),
        (f"{share}/说明.txt", str(share)),
    ]
    assert rows(db, "SELECT DISTINCT item FROM findings") == [(shown,)]
    stored = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent in (tmp_path, out)]
    assert {p.name for p in stored} >= {"inv.db", "scan.jsonl", "清单.xlsx", "files.csv"}
    assert leaked(stdout, stderr, *(contents(p) for p in stored)) == []
    assert holds(contents(db), "138****5678") and holds(contents(workbook), "138****5678")
    assert holds(contents(out / "findings.csv"), "138****5678")


@pytest.mark.slow
def test_an_incremental_rescan_finds_the_files_unchanged_by_their_key(tmp_path, share, capsys):
    db = tmp_path / "inv.db"
    assert scan(db, str(share), "-q", "-o", str(tmp_path / "a.txt")) == 1
    capsys.readouterr()
    assert scan(db, str(share), "--incremental", "-q", "-o", str(tmp_path / "b.txt")) == 1
    assert "扫描 0，未变 2，已删除 0" in capsys.readouterr().err
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT path_key) FROM files") == [(2, 2)]


@pytest.mark.slow
def test_two_files_masked_alike_are_both_recorded(tmp_path, capsys):
    share = tmp_path / "share"
    share.mkdir()
    for phone in (PHONE, OTHER_PHONE):
        (share / f"名单_{phone}.txt").write_text("名单\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    assert scan(db, str(share), "-q", "-o", str(tmp_path / "a.txt")) == 1
    shown = f"{share}/名单_138****5678.txt"
    assert rows(db, "SELECT path, COUNT(DISTINCT path_key) FROM files GROUP BY path") == [
        (shown, 2)
    ]
    assert rows(db, "SELECT COUNT(*) FROM findings") == [(2,)]
    capsys.readouterr()
    assert scan(db, str(share), "--incremental", "-q", "-o", str(tmp_path / "b.txt")) == 1
    assert "扫描 0，未变 2，已删除 0" in capsys.readouterr().err
    assert leaked(contents(db)) == []


# --- back from the inventory to the file -----------------------------------------------------


@pytest.mark.slow
def test_retention_apply_anonymises_a_file_whose_name_holds_a_phone(tmp_path, capsys):
    share = tmp_path / "share"
    (share / FOLDER).mkdir(parents=True)
    due = share / FOLDER / f"锦程文旅结案_{OTHER_PHONE}.txt"
    due.write_text("锦程文旅项目结案\n联系人手机 13987654321\n", encoding="utf-8")
    register, db = tmp_path / "clients.csv", tmp_path / "inv.db"
    register.write_text(REGISTER, encoding="utf-8")
    clients = ["--clients", str(register)]
    assert scan(db, str(share), *clients, "-q", "-o", str(tmp_path / "scan.txt")) == 1
    capsys.readouterr()
    retention = ["retention", "--inventory", str(db), *clients, "--as-of", "2026-12-06"]
    assert main([*retention, "--apply", "--policy", "archive", "--yes"]) == 0
    # its name held the client and a phone: anonymised too (the folder, shared, keeps its own)
    [renamed] = (share / FOLDER).iterdir()
    assert renamed.name.startswith("客户_") and renamed.name.endswith(".txt")
    assert not due.exists() and "结案__电话_" in renamed.name
    text = renamed.read_text("utf-8")
    assert "锦程文旅" not in text and "13987654321" not in text
    captured = capsys.readouterr()
    shown = f"{share}/客户资料_138****5678/锦程文旅结案_138****5678.txt"
    now = f"{share}/客户资料_138****5678/{renamed.name}"
    assert captured.out.splitlines() == [
        shown,
        "  客户 成都********公司  到期 2025-06-30  逾期 524 天  归属本客户 5 处  类型 CLIENT, PHONE_NUMBER",
        f"已匿名化 anonymised {shown} → {now} (全部 everything)",
    ]
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(a["input"], a["output"], a["status"]) for a in audit] == [(shown, now, "written")]
    assert rows(db, "SELECT path, status FROM files") == [(now, "scanned")]  # recorded again
    assert main([*retention, "--format", "jsonl"]) == 0  # nothing due any more
    assert leaked(captured.out.encode(), captured.err.encode(), contents(db)) == []


@pytest.mark.slow
def test_a_watcher_move_of_a_file_named_with_a_phone_keeps_one_record(tmp_path):
    scanner = Scanner(Analyzer(build_recognizers(ner=False)), KEY)
    share = tmp_path / "share"
    share.mkdir()
    settings = WatchSettings(roots=(share,), settle=0.4, reconcile=0, workers=1, interval=0.3)
    db = tmp_path / "inv.db"
    watcher = Watcher(settings, db, lambda: scanner, paths=masker_of(scanner))
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        first = share / f"名单_{PHONE}.txt"
        first.write_text("手机 13987654321\n", encoding="utf-8")
        assert wait_for(lambda: watcher.stats.scanned[str(first)] == 1)
        moved = share / "sub" / f"名单_{PHONE}_v2.txt"
        moved.parent.mkdir()
        wait_for(lambda: False, timeout=0.5)  # the observer puts a watch on the new folder
        first.rename(moved)
        assert wait_for(lambda: watcher.stats.moved == 1)
    finally:
        watcher.stop()
    shown = f"{share}/sub/名单_138****5678_v2.txt"
    assert rows(db, "SELECT path, status FROM files") == [(shown, "scanned")]
    assert rows(db, "SELECT path_key FROM files") == [(path_key(KEY, str(moved)),)]
    assert sorted(rows(db, "SELECT item, location FROM findings")) == [
        (shown, "文件名"),
        (shown, "第 1 行"),
    ]
    assert leaked(contents(db)) == []


# --- an inventory of schema 3 ----------------------------------------------------------------


def old_inventory(db: Path, share: Path) -> str:
    """An inventory as baomi wrote it before paths were masked: raw paths, one file."""
    raw = f"{share}/{FOLDER}/{NAME}"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO runs (id, started, finished, roots, mode, status, pid) "
        "VALUES (1, 1.0, 2.0, ?, 'full', 'finished', 1)",
        (json.dumps([f"{share}/{FOLDER}"], ensure_ascii=False),),
    )
    st = Path(raw).stat()
    conn.execute(
        "INSERT INTO files (id, path, root, size, mtime_ns, inode, status, scanned_at, run_id, "
        "first_seen) VALUES (1, ?, ?, ?, ?, ?, 'scanned', 2.0, 1, 1.0)",
        (raw, str(share), st.st_size, st.st_mtime_ns, st.st_ino),
    )
    conn.execute(
        "INSERT INTO findings (file_id, item, entity_type, location, start, \"end\", score, "
        "recognizer, masked, fingerprint) VALUES (1, ?, 'CN_RESIDENT_ID', '文件名', 3, 21, 1.0, "
        "'CnResidentIdRecognizer', '11***************X', 'f')",
        (raw,),
    )
    conn.execute(
        "INSERT INTO problems (file_id, item, status, reason) VALUES (1, ?, 'note', 'n')", (raw,)
    )
    conn.commit()
    conn.close()
    return raw


@pytest.mark.slow
def test_a_schema_3_inventory_migrates_and_keeps_its_files(tmp_path, share, no_ner, capsys):
    db = tmp_path / "inv.db"
    raw = old_inventory(db, share)
    with Inventory.open(db, writer=True, paths=no_ner) as inventory:
        assert inventory.lookup(Path(raw)) is not None
    shown = f"{share}/客户资料_138****5678/张伟_11***************X_简历.txt"
    assert rows(db, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert rows(db, "SELECT id, path, path_key, root FROM files") == [
        (1, shown, path_key(KEY, raw), str(share))
    ]
    assert rows(db, "SELECT item FROM findings UNION ALL SELECT item FROM problems") == [
        (shown,),
        (shown,),
    ]
    assert rows(db, "SELECT roots FROM runs") == [
        (json.dumps([f"{share}/客户资料_138****5678"], ensure_ascii=False),)
    ]
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert leaked(*(p.read_bytes() for p in tmp_path.glob("inv.db*"))) == []
    # the migrated row is the same file: an incremental scan finds it unchanged (and counts
    # its recorded finding: exit 1)
    assert scan(db, str(share), "--incremental", "-q", "-o", str(tmp_path / "a.txt")) == 1
    assert "扫描 1，未变 1，已删除 0" in capsys.readouterr().err
    assert rows(db, "SELECT COUNT(*) FROM files") == [(2,)]
