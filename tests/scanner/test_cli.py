"""`baomi scan` end to end on a folder built here: exact JSONL findings and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.masking import fingerprint
from scanner.scan.fsio import open_regular
from tests.conftest import TEST_KEY_HEX

KEY = bytes.fromhex(TEST_KEY_HEX)
USCC = "91110000600037341L"


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "客户资料").mkdir(parents=True)
    (root / "客户资料" / "通讯录.csv").write_text(
        "姓名,手机,微信,QQ\n王芳,13912345678,wangfang88,87654321\n", encoding="utf-8-sig"
    )
    (root / "会议纪要.txt").write_bytes(
        (
            "会议纪要\n"
            "客户：北京星河传媒有限公司（星河传媒）\n"
            "联系人张伟 手机 138 1234 5678，邮箱zhangwei@xinghe-media.com\n"
            f"统一社会信用代码 {USCC}\n"
        ).encode("gbk")
    )
    (root / "无敏感信息.txt").write_text(
        "订单号202503151234567890，金额￥1,234,567.89，时间戳20250315143022，版本10.0.19045。\n",
        encoding="utf-8",
    )
    (root / "favicon.ico").write_bytes(icon())  # a type baomi does not read (pictures: OCR)
    (root / "空文件.txt").write_bytes(b"")
    return root


def icon() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buffer, "ICO")
    return buffer.getvalue()


@pytest.fixture()
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text(
        "name,aliases,uscc,nda_id,nda_expires,project_end,retention_months\n"
        f"北京星河传媒有限公司,星河传媒,{USCC},NDA-2025-001,2026-12-31,2025-06-30,24\n",
        encoding="utf-8",
    )
    return path


def run_jsonl(tmp_path: Path, *args: str) -> tuple[int, list[dict]]:
    out = tmp_path / "findings.jsonl"
    code = main(["scan", *args, "--format", "jsonl", "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    records = [json.loads(line) for line in lines]
    for record in records:  # the file's kind and grade: checked in test_file_kind_and_grade…
        assert isinstance(record.pop("file_kind"), str)
        assert isinstance(record.pop("file_grade"), str)
    return code, records


def expected(
    path: Path,
    entity: str,
    start: int,
    end: int,
    score: float,
    location: str,
    recognizer: str,
    masked: str,
    fp_value: str,
    client: str | None = None,
    owner: tuple[str, str] | None = None,
) -> dict:
    record = {
        "path": str(path),
        "entity_type": entity,
        "start": start,
        "end": end,
        "score": score,
        "location": location,
        "recognizer": recognizer,
        "masked": masked,
        "fingerprint": fingerprint(KEY, entity, fp_value),
    }
    if client:
        record["client"] = client
    if owner:
        record["owner"], record["owner_by"] = owner
    return record


@pytest.mark.slow
def test_scan_reports_exact_findings_as_jsonl(tmp_path, share, registry, capsys) -> None:
    code, records = run_jsonl(tmp_path, str(share), "--clients", str(registry))
    notes = share / "会议纪要.txt"
    contacts = share / "客户资料" / "通讯录.csv"
    client = "北京******公司"
    # files in name order (会议纪要.txt sorts before 客户资料/), findings in text order
    assert records == [
        expected(
            notes,
            "CLIENT",
            3,
            13,
            1.0,
            "第 2 行",
            "ClientRegistryRecognizer",
            "北京******公司",
            "北京星河传媒有限公司",
            client,
            (client, "本身"),
        ),
        expected(
            notes,
            "CLIENT",
            14,
            18,
            0.9,
            "第 2 行",
            "ClientRegistryRecognizer",
            "星***",
            "北京星河传媒有限公司",
            client,
            (client, "本身"),
        ),
        # the name recognizer: 联系人 labels the person in free text
        # the line names no client, its block (the four lines of the note) does
        expected(
            notes,
            "PERSON",
            3,
            5,
            0.85,
            "第 3 行",
            "PersonOrgAddressRecognizer",
            "张*",
            "张伟",
            owner=(client, "同一段"),
        ),
        expected(
            notes,
            "PHONE_NUMBER",
            9,
            22,
            1.0,
            "第 3 行",
            "CnPhoneRecognizer",
            "138****5678",
            "13812345678",
            owner=(client, "同一段"),
        ),
        expected(
            notes,
            "EMAIL_ADDRESS",
            25,
            50,
            1.0,
            "第 3 行",
            "EmailAddressRecognizer",
            "z*******@x***********.com",
            "zhangwei@xinghe-media.com",
            owner=(client, "同一段"),
        ),
        expected(
            notes,
            "CLIENT",
            9,
            27,
            1.0,
            "第 4 行",
            "ClientRegistryRecognizer",
            "91**************1L",
            "北京星河传媒有限公司",
            client,
            (client, "本身"),
        ),
        expected(
            notes,
            "CN_USCC",
            9,
            27,
            1.0,
            "第 4 行",
            "CnUsccRecognizer",
            "91**************1L",
            USCC,
            owner=(client, "本身"),
        ),
        # the 姓名 column makes its cells names, with nothing else around them
        expected(
            contacts,
            "PERSON",
            0,
            2,
            0.85,
            "第 2 行 第 1 列",
            "TableColumnRecognizer",
            "王*",
            "王芳",
        ),
        expected(
            contacts,
            "PHONE_NUMBER",
            0,
            11,
            1.0,
            "第 2 行 第 2 列",
            "CnPhoneRecognizer",
            "139****5678",
            "13912345678",
        ),
        expected(
            contacts,
            "WECHAT_ID",
            0,
            10,
            0.95,
            "第 2 行 第 3 列",
            "WechatIdRecognizer",
            "w********8",
            "wangfang88",
        ),
        expected(
            contacts,
            "QQ_NUMBER",
            0,
            8,
            0.95,
            "第 2 行 第 4 列",
            "QqNumberRecognizer",
            "87****21",
            "87654321",
        ),
    ]
    assert code == 1
    err = capsys.readouterr().err
    assert f"{share / 'favicon.ico'}: unsupported file type: image/vnd.microsoft.icon" in err
    assert f"{share / '空文件.txt'}: empty file" in err
    assert "scanned 5 files: 11 findings in 2 files, 2 skipped, 0 errors" in err


@pytest.mark.slow
def test_no_raw_values_leave_the_scan_unless_asked(tmp_path, share, registry, capsys) -> None:
    raw = [
        "13912345678",
        "wangfang88",
        "87654321",
        "北京星河传媒有限公司",
        "zhangwei@xinghe-media.com",
        USCC,
        "138 1234 5678",
    ]
    assert main(["scan", str(share), "--clients", str(registry)]) == 1
    table = capsys.readouterr().out
    assert "139****5678" in table
    _, records = run_jsonl(tmp_path, str(share), "--clients", str(registry))
    written = table + (tmp_path / "findings.jsonl").read_text(encoding="utf-8")
    for value in raw:
        assert value not in written
    assert all("value" not in r for r in records)

    _, with_values = run_jsonl(tmp_path, str(share), "--clients", str(registry), "--include-values")
    assert {r["value"] for r in with_values} >= {"13912345678", "138 1234 5678", USCC}


@pytest.mark.slow
def test_exit_code_zero_when_nothing_is_found(tmp_path, share) -> None:
    code, records = run_jsonl(tmp_path, str(share / "无敏感信息.txt"))
    assert (code, records) == (0, [])


@pytest.mark.slow
def test_entities_and_min_score_filter(tmp_path, share) -> None:
    code, records = run_jsonl(tmp_path, str(share), "--entities", "qq_number,EMAIL_ADDRESS")
    assert code == 1
    assert [r["entity_type"] for r in records] == ["EMAIL_ADDRESS", "QQ_NUMBER"]
    _, strict = run_jsonl(tmp_path, str(share), "--min-score", "0.99")
    assert {r["entity_type"] for r in strict} == {"PHONE_NUMBER", "EMAIL_ADDRESS", "CN_USCC"}


@pytest.mark.slow
def test_config_file_sets_min_score_and_registry(tmp_path, share, registry) -> None:
    config = tmp_path / "baomi.toml"
    config.write_text(
        f'[scan]\nmin_score = 0.99\n[clients]\nregistry = "{registry.name}"\n', encoding="utf-8"
    )
    _, records = run_jsonl(tmp_path, str(share), "--config", str(config))
    assert {r["entity_type"] for r in records} == {
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "CN_USCC",
        "CLIENT",
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["--entities", "NOPE"], "unknown entity type NOPE"),
        (["--min-score", "1.5"], "--min-score must be between 0 and 1"),
        (["--config", "missing.toml"], "config file not found"),
        (["--clients", "missing.csv"], "client registry not found"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, share, capsys, args, message) -> None:
    assert main(["scan", str(share), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_bad_config_and_missing_path_exit_2(tmp_path, share, capsys) -> None:
    config = tmp_path / "baomi.toml"
    config.write_text("[scan]\nmin_scor = 0.4\n", encoding="utf-8")
    assert main(["scan", str(share), "--config", str(config)]) == 2
    assert "unknown setting(s) min_scor" in capsys.readouterr().err
    assert main(["scan", str(tmp_path / "nowhere")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["scan"]) == 2
    assert main(["frobnicate"]) == 2


@pytest.mark.slow
def test_unreadable_and_vanishing_files_are_reported_and_the_scan_goes_on(
    tmp_path, share, monkeypatch, capsys
) -> None:
    victims = {share / "无敏感信息.txt": PermissionError, share / "会议纪要.txt": FileNotFoundError}

    def guarded_open(path, *args, **kwargs):
        if Path(path) in victims:
            raise victims[Path(path)]()
        return open_regular(path, *args, **kwargs)

    # the scan runs in a forked worker, which inherits this patch
    monkeypatch.setattr("scanner.scan.pipeline.open_regular", guarded_open)
    code, records = run_jsonl(tmp_path, str(share))
    err = capsys.readouterr().err
    assert f"{share / '无敏感信息.txt'}: permission denied" in err
    assert f"{share / '会议纪要.txt'}: vanished before it could be read" in err
    # 3, not 1: files could not be scanned (it outranks "found")
    assert code == 3 and {r["path"] for r in records} == {str(share / "客户资料" / "通讯录.csv")}


@pytest.mark.slow
def test_undecodable_file_is_an_error_not_a_crash(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"hello \x80\x81\x8d\x8f\x90\x9d\xff world\n" * 40)  # no codec reads these
    code, records = run_jsonl(tmp_path, str(bad))
    assert (code, records) == (3, [])  # 3: a file could not be scanned
    err = capsys.readouterr().err
    assert "bad.txt" in err and ("undecodable" in err or "unsupported file type" in err)


@pytest.mark.slow
def test_output_file_is_written_atomically(tmp_path, share, monkeypatch) -> None:
    out = tmp_path / "report.jsonl"
    out.write_text("previous report\n", encoding="utf-8")
    import reports.jsonl

    def explode(results, stream):
        stream.write('{"partial": true}\n')
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reports.jsonl, "write", explode)
    # a crash is exit 2 (never 0 "clean" or 1 "found"), and the old report stays whole
    assert main(["scan", str(share), "--format", "jsonl", "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_entities_command_lists_every_type(capsys) -> None:
    assert main(["entities"]) == 0
    out = capsys.readouterr().out
    for entity in [
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "CN_USCC",
        "CN_ORG_CODE",
        "CN_BUSINESS_REG_NO",
        "CN_RESIDENT_ID",
        "CN_PASSPORT",
        "CN_BANK_CARD",
        "WECHAT_ID",
        "QQ_NUMBER",
        "CLIENT",
    ]:
        assert entity in out
    assert "统一社会信用代码" in out and "Unified Social Credit Code" in out


def test_client_only_scan_without_a_registry_is_a_usage_error(tmp_path, share, capsys) -> None:
    assert main(["scan", str(share), "--entities", "CLIENT"]) == 2
    assert "needs a client registry" in capsys.readouterr().err


@pytest.mark.slow
def test_file_names_with_control_characters_are_escaped_in_the_log(tmp_path, capsys) -> None:
    (tmp_path / "evil\x1b[31mname.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    main(["scan", str(tmp_path)])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "evil\\x1b[31mname.png" in err


@pytest.mark.slow
def test_file_names_are_scanned_too(tmp_path) -> None:
    (tmp_path / "张伟_13812345678_简历.txt").write_text("简历正文\n", encoding="utf-8")
    code, records = run_jsonl(tmp_path, str(tmp_path))
    assert code == 1
    assert [(r["entity_type"], r["location"], r["start"], r["end"]) for r in records] == [
        ("PERSON", "文件名", 0, 2),
        ("PHONE_NUMBER", "文件名", 3, 14),
    ]


def test_output_into_a_directory_is_refused_before_scanning(tmp_path, share, capsys) -> None:
    assert main(["scan", str(share), "-o", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.slow
def test_allow_listed_values_are_never_reported(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("联系人手机13812345678，总机010-65123456。\n", encoding="utf-8")
    config = tmp_path / "baomi.toml"
    config.write_text('[allow]\nterms = ["010-65123456"]\n', encoding="utf-8")
    code, records = run_jsonl(tmp_path, str(tmp_path / "a.txt"), "--config", str(config))
    assert (code, [r["masked"] for r in records]) == (1, ["138****5678"])


@pytest.mark.slow
def test_no_ner_leaves_out_free_text_names(tmp_path) -> None:
    (tmp_path / "纪要.txt").write_text("联系人：张伟，手机13812345678\n", encoding="utf-8")
    _, with_ner = run_jsonl(tmp_path, str(tmp_path / "纪要.txt"))
    assert [r["entity_type"] for r in with_ner] == ["PERSON", "PHONE_NUMBER"]
    _, without = run_jsonl(tmp_path, str(tmp_path / "纪要.txt"), "--no-ner")
    assert [r["entity_type"] for r in without] == ["PHONE_NUMBER"]
    config = tmp_path / "baomi.toml"
    config.write_text("[scan]\nner = false\n", encoding="utf-8")
    _, configured = run_jsonl(tmp_path, str(tmp_path / "纪要.txt"), "--config", str(config))
    assert [r["entity_type"] for r in configured] == ["PHONE_NUMBER"]


@pytest.mark.slow
def test_file_kind_and_grade_ride_along_each_finding(tmp_path) -> None:
    plan = tmp_path / "星河传媒新品发布方案.txt"
    plan.write_text(
        "【机密】新品发布传播方案\n客户：星河传媒\n新品拟于5月20日发布，预算120万元。\n"
        "联系人：张伟，手机13812345678\n",
        encoding="utf-8",
    )
    registry = tmp_path / "clients.csv"
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河传媒\n", encoding="utf-8")
    out = tmp_path / "f.jsonl"
    assert (
        main(["scan", str(plan), "--clients", str(registry), "--format", "jsonl", "-o", str(out)])
        == 1
    )
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {(r["file_kind"], r["file_grade"]) for r in records} == {("项目方案/提案", "核心")}
    types = {r["entity_type"] for r in records}
    assert {"CONFIDENTIAL_MARKING", "UNDISCLOSED_EVENT", "FINANCIAL_FIGURE", "CLIENT"} <= types
    code = main(["scan", str(plan), "--kinds", "媒体名单", "--format", "jsonl", "-o", str(out)])
    assert (code, out.read_text("utf-8")) == (0, "")  # recorded, but not of that kind
    assert main(["scan", str(plan), "--kinds", "菜谱"]) == 2


def test_an_allow_listed_name_is_allowed_whatever_part_of_it_a_recognizer_takes() -> None:
    """NER reads 恒远 out of 恒远公关: a span inside an allowed name is allowed too."""
    from presidio_analyzer import Pattern, PatternRecognizer

    from recognizers.registry import LANGUAGE
    from scanner.scan.analyze import Analyzer

    part = PatternRecognizer(
        supported_entity="ORGANIZATION",
        patterns=[Pattern("firm", "恒远|星河传媒", 0.9)],
        supported_language=LANGUAGE,
    )
    analyzer = Analyzer([part], allow=["恒远公关"])
    text = "我是恒远公关的赵磊，客户是星河传媒；恒远另有一家同名公司。"
    found = [(d.value, d.start) for d in analyzer.analyze(text)]
    # 恒远 inside 恒远公关 is allowed; the bare 恒远 later is not the allowed name
    assert found == [("星河传媒", 13), ("恒远", 18)]
