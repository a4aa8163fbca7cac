"""The bundled demo share: every planted value found, nothing else, every unreadable file reported.

``examples/generate.py`` writes the share and a manifest of what it planted in
each file (values as they appear in the text) and of its hard negatives. Archive
members have entries of their own (``归档/a.zip!2024/b.docx``); files the scanner
cannot read carry the ``status`` and ``reason`` it must report, and ``notes``
lists the remarks it must make (an image-only PDF page).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from scanner.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SHARE = EXAMPLES / "share"
MANIFEST = json.loads((EXAMPLES / "share.manifest.json").read_text(encoding="utf-8"))
# stderr: "baomi: 跳过 skipped PATH: reason", "… 出错 error …", "… 注意 note PATH: remark"
REPORT_LINE = re.compile(r"baomi: \S+ (?P<kind>skipped|error|note) (?P<path>.+?): (?P<text>.*)")
pytestmark = pytest.mark.slow  # one scan of the whole demo share (module fixture), ~10 s


def share_relative(path: str) -> str:
    """A reported path relative to the share; an archive member keeps its ``!inner/path``."""
    outer, bang, inner = path.partition("!")
    return Path(outer).relative_to(SHARE).as_posix() + bang + inner


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory):
    """Findings by file, and the skipped/error/note lines of stderr by file — scanned the
    way the README's demo command scans it, with the demo's own baomi.toml."""
    out = tmp_path_factory.mktemp("demo") / "findings.jsonl"
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        code = main(
            [
                "scan",
                str(SHARE),
                "--config",
                str(EXAMPLES / "baomi.toml"),
                "--format",
                "jsonl",
                "--include-values",
                "-o",
                str(out),
            ]
        )
    # 3: client information found, and one file (内部/会议室预订_导出中断.txt, a broken export
    # planted on purpose) could not be decoded, which a nightly job must notice
    assert code == 3, log.getvalue()
    by_file: dict[str, list[dict]] = {name: [] for name in MANIFEST}
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_file.setdefault(share_relative(record["path"]), []).append(record)
    reports: dict[str, list[tuple[str, str]]] = {}
    for line in log.getvalue().splitlines():
        match = REPORT_LINE.fullmatch(line)
        if match:
            reports.setdefault(share_relative(match["path"]), []).append(
                (match["kind"], match["text"])
            )
    return by_file, reports


@pytest.fixture(scope="module")
def findings(scan) -> dict[str, list[dict]]:
    return scan[0]


@pytest.fixture(scope="module")
def reports(scan) -> dict[str, list[tuple[str, str]]]:
    return scan[1]


# The manifest lists what the generator planted as values; names, organisations and
# addresses found through table column headers are checked separately below.
PLANTED_TYPES = {p["entity_type"] for entry in MANIFEST.values() for p in entry["planted"]}
COLUMN_TYPES = {"PERSON", "ORGANIZATION", "CN_ADDRESS"}
# Category-2 signals (markings, undisclosed events, financial figures) are phrases, not planted
# identifiers: the manifest's hard negatives (amounts, dates that look like numbers) are
# negatives for the identifier recognizers, while 预算12万元 is rightly a financial figure.
SIGNAL_TYPES = {"CONFIDENTIAL_MARKING", "UNDISCLOSED_EVENT", "FINANCIAL_FIGURE"}
UNREADABLE = sorted(name for name, entry in MANIFEST.items() if "status" in entry)
NOTED = sorted(name for name, entry in MANIFEST.items() if entry.get("notes"))


def test_findings_only_in_files_of_the_manifest(findings) -> None:
    assert set(findings) == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_planted_value_and_nothing_else(findings, name: str) -> None:
    planted = {(p["entity_type"], p["value"]) for p in MANIFEST[name]["planted"]}
    # folder names are scanned too (文件夹名): checked on their own below
    found = {(f["entity_type"], f["value"]) for f in findings[name] if f["location"] != "文件夹名"}
    assert {f for f in found if f[0] in PLANTED_TYPES} == planted
    assert {f[0] for f in found} <= PLANTED_TYPES | COLUMN_TYPES | SIGNAL_TYPES


def test_client_folders_are_found_in_folder_names(findings) -> None:
    """A file under 项目/星河传媒/ (or an archive member under 2024/锦程文旅/) holds that
    client's name in its path: one CLIENT finding located 文件夹名 per file."""
    folders = set()
    for name, entries in findings.items():
        folder = name.rpartition("!")[2].rpartition("/")[0]
        for f in entries:
            if f["location"] == "文件夹名":
                assert f["value"] in folder.split("/")
                folders.add((folder, f["entity_type"], f["value"]))
    assert folders == {
        ("项目/云杉健康", "CLIENT", "云杉健康"),
        ("项目/云杉健康/活动执行", "CLIENT", "云杉健康"),
        ("2024/星河传媒", "CLIENT", "星河传媒"),
        ("项目/星河传媒", "CLIENT", "星河传媒"),
        ("项目/星河传媒/合同", "CLIENT", "星河传媒"),
        ("项目/星河传媒/活动执行", "CLIENT", "星河传媒"),
        ("项目/蓝鲸科技", "CLIENT", "蓝鲸科技"),
        ("2024/锦程文旅", "CLIENT", "锦程文旅"),
        ("项目/青禾食品", "CLIENT", "青禾食品"),
        ("项目/青禾食品/邮件", "CLIENT", "青禾食品"),
    }


def test_media_list_journalists_are_found_by_their_column(findings) -> None:
    media = [f for f in findings["媒体资源/媒体名单_2025.tsv"] if f["entity_type"] == "PERSON"]
    assert media, "the 姓名 column of the media list yields names"
    assert all(f["recognizer"] == "TableColumnRecognizer" for f in media)
    assert all(2 <= len(f["value"]) <= 4 or "·" in f["value"] for f in media)


def test_column_people_are_names_not_roles(findings) -> None:
    people = {
        f["value"] for entries in findings.values() for f in entries if f["entity_type"] == "PERSON"
    }
    assert not people & {"主持人", "产品团队", "Bluewhale Tech"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hard_negatives_stay_silent(findings, name: str) -> None:
    identifiers = [f for f in findings[name] if f["entity_type"] not in SIGNAL_TYPES]
    for negative in MANIFEST[name]["negatives"]:
        assert not any(negative in f["value"] or f["value"] in negative for f in identifiers), (
            negative
        )


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_files_are_reported_with_their_reason(reports, name: str) -> None:
    entry = MANIFEST[name]
    reported = [(kind, text) for kind, text in reports.get(name, []) if kind != "note"]
    assert len(reported) == 1, reported
    assert reported[0][0] == entry["status"]
    assert reported[0][1].startswith(entry["reason"]), reported[0][1]


def test_every_other_file_is_scanned(reports) -> None:
    unread = {name for name, lines in reports.items() if any(k != "note" for k, _ in lines)}
    assert unread == set(UNREADABLE)


@pytest.mark.parametrize("name", NOTED)
def test_parts_not_read_are_noted(reports, name: str) -> None:
    noted = {text for kind, text in reports.get(name, []) if kind == "note"}
    assert set(MANIFEST[name]["notes"]) <= noted
