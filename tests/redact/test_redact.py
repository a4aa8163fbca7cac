"""Policies, operators, the text writer, verification, the audit log, restore: `baomi redact`."""

from __future__ import annotations

import json
from email import encoders as email_encoders
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.masking import mask
from scanner.redact.operators import LabelBook, OperatorSet, decrypt_token
from scanner.redact.policy import DEFAULT_POLICIES, Policy, PolicyError, load_policies, validate
from tests.conftest import TEST_KEY_HEX

REDACT_KEY_HEX = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
PHONE, OTHER_PHONE = "13812345678", "13987654321"
EMAIL = "zhangwei@xinghe-media.com"
NOTES = (
    "会议纪要\r\n"
    "联系人：张伟，手机" + PHONE + "，邮箱" + EMAIL + "\r\n"
    "活动地址：北京市朝阳区建国路88号SOHO现代城A座1203室\r\n"
    "备用电话 " + OTHER_PHONE + "，再次确认 " + PHONE + "\r\n"
)


@pytest.fixture(autouse=True)
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


def redact(*args: str) -> int:
    return main(["redact", *args])


# --- operators ----------------------------------------------------------------------------


def test_labels_are_consistent_and_lettered_for_clients():
    book = LabelBook()
    assert book.label("CLIENT", "北京星河传媒有限公司") == "[客户A]"
    assert book.label("CLIENT", "蓝鲸科技") == "[客户B]"
    assert book.label("CLIENT", "北京星河传媒有限公司") == "[客户A]"
    assert book.label("PERSON", "张伟") == "[联系人1]"
    assert book.label("PHONE_NUMBER", "138 1234 5678") == "[电话1]"
    assert book.label("PHONE_NUMBER", "13812345678") == "[电话1]"  # same normalised value
    for n in range(3, 28):
        book.label("CLIENT", f"客户{n}")
    assert book.label("CLIENT", "第二十八家") == "[客户AB]"


def test_mask_hash_encrypt_and_redact_operators():
    ops = OperatorSet(bytes.fromhex(TEST_KEY_HEX), bytes.fromhex(REDACT_KEY_HEX))
    assert ops.get("mask").apply("PHONE_NUMBER", PHONE) == "138****5678"
    assert ops.get("mask").apply("PERSON", "王小明") == "王**"
    hashed = ops.get("hash").apply("PHONE_NUMBER", PHONE)
    assert hashed.startswith("[电话:") and len(hashed) == len("[电话:]") + 16
    other_key = OperatorSet(bytes(32)).get("hash").apply("PHONE_NUMBER", PHONE)
    assert other_key != hashed  # keyed: a plain hash of a phone number could be brute-forced
    token = ops.get("encrypt").apply("PHONE_NUMBER", PHONE)
    assert token.startswith("[[BAOMI-ENC:") and PHONE not in token
    assert decrypt_token(token[len("[[BAOMI-ENC:") : -2], bytes.fromhex(REDACT_KEY_HEX)) == PHONE
    assert ops.get("redact").apply("EMAIL_ADDRESS", EMAIL) == ""


def test_id_mask_keeps_the_region_only_when_configured():
    ident = "11010519491231002X"
    assert (
        OperatorSet(b"k" * 32).get("mask").apply("CN_RESIDENT_ID", ident) == "11" + "*" * 15 + "X"
    )
    kept = OperatorSet(b"k" * 32, keep_id_region=True).get("mask").apply("CN_RESIDENT_ID", ident)
    assert kept == "110105" + "*" * 11 + "X"


# --- policies -----------------------------------------------------------------------------


def test_shipped_policies_deny_by_default():
    assert set(DEFAULT_POLICIES) == {"media", "subcontractor", "internal", "archive"}
    for policy in DEFAULT_POLICIES.values():
        assert policy.default != "keep"
    assert DEFAULT_POLICIES["subcontractor"].allows("CN_ADDRESS")
    assert not DEFAULT_POLICIES["subcontractor"].allows("PHONE_NUMBER")
    assert not any(DEFAULT_POLICIES["media"].allows(e) for e in ("CN_ADDRESS", "PERSON", "X"))
    assert DEFAULT_POLICIES["internal"].reversible()
    assert not DEFAULT_POLICIES["archive"].reversible()


def test_configured_policies_change_and_add():
    policies = load_policies(
        {"media": {"PHONE_NUMBER": "redact"}, "press-kit": {"default": "label", "CLIENT": "keep"}}
    )
    assert policies["media"].operator_for("PHONE_NUMBER") == "redact"
    assert policies["media"].operator_for("CLIENT") == "label"  # the rest of media stays
    assert policies["press-kit"].allows("CLIENT") and not policies["press-kit"].allows("PERSON")
    with pytest.raises(PolicyError, match="default may not be keep"):
        load_policies({"open": {"default": "keep"}})
    with pytest.raises(PolicyError, match="not an operator"):
        load_policies({"media": {"PERSON": "shred"}})
    with pytest.raises(PolicyError, match="unknown entity type PHONE"):
        validate(Policy("x", "mask", {"PHONE": "keep"}), frozenset({"PHONE_NUMBER"}))


# --- the command --------------------------------------------------------------------------


@pytest.fixture()
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "share" / "会议纪要.txt"
    path.parent.mkdir()
    path.write_bytes(NOTES.encode("gbk"))
    return path


@pytest.mark.slow
def test_media_copy_is_gbk_with_crlf_and_consistent_labels(tmp_path, notes):
    out = tmp_path / "out.txt"
    original = notes.read_bytes()
    assert redact(str(notes), "-o", str(out), "--policy", "media") == 0
    assert notes.read_bytes() == original  # the original is never touched
    text = out.read_bytes().decode("gbk")  # still GBK
    assert text == (
        "会议纪要\r\n"
        "联系人：[联系人1]，手机138****5678，邮箱z*******@x***********.com\r\n"
        "活动地址：" + mask("CN_ADDRESS", "北京市朝阳区建国路88号SOHO现代城A座1203室") + "\r\n"
        "备用电话 139****4321，再次确认 138****5678\r\n"
    )


@pytest.mark.slow
def test_subcontractor_keeps_the_venue_address(tmp_path, notes):
    out = tmp_path / "out.txt"
    assert redact(str(notes), "-o", str(out), "--policy", "subcontractor") == 0
    text = out.read_bytes().decode("gbk")
    assert "北京市朝阳区建国路88号SOHO现代城A座1203室" in text
    assert PHONE not in text and "张伟" not in text


@pytest.mark.slow
def test_dry_run_lists_masked_changes_and_writes_nothing(tmp_path, notes, capsys):
    out = tmp_path / "out.txt"
    assert redact(str(notes), "-o", str(out), "--policy", "media", "--dry-run") == 0
    printed = capsys.readouterr()
    assert not out.exists()
    assert "PHONE_NUMBER" in printed.out and "3 × mask" in printed.out
    assert "138****5678" in printed.out
    for raw in (PHONE, OTHER_PHONE, EMAIL, "张伟"):
        assert raw not in printed.out + printed.err


@pytest.mark.slow
def test_in_place_keeps_a_backup(tmp_path, notes):
    original = notes.read_bytes()
    assert redact(str(notes), "--in-place", "--policy", "archive") == 0
    assert (notes.parent / "会议纪要.txt.baomi-bak").read_bytes() == original
    text = notes.read_bytes().decode("gbk")
    assert PHONE not in text and "[电话:" in text


@pytest.mark.slow
def test_out_dir_mirrors_folders_and_redacts_file_names(tmp_path, notes):
    (notes.parent / "客户").mkdir()
    named = notes.parent / "客户" / f"张伟_{PHONE}_简历.txt"
    named.write_text("简历正文\n", encoding="utf-8")
    out_dir = tmp_path / "outbox"
    assert redact(str(notes.parent), "--out-dir", str(out_dir), "--policy", "media") == 0
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    # [联系人1]_138****5678_简历: characters file systems or shells dislike become _
    assert written == ["会议纪要.txt", "客户/联系人1__138____5678_简历.txt"]


@pytest.mark.slow
def test_out_dir_redacts_folder_names_too(tmp_path, notes):
    folder = notes.parent / f"客户资料_{PHONE}" / "合同"
    folder.mkdir(parents=True)
    (folder / "说明.txt").write_text("说明正文\n", encoding="utf-8")
    out_dir = tmp_path / "outbox"
    assert redact(str(notes.parent), "--out-dir", str(out_dir), "--policy", "media") == 0
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*"))
    assert all(PHONE not in path for path in written)
    assert "客户资料_138____5678/合同/说明.txt" in written


@pytest.mark.slow
def test_a_value_split_by_invisible_characters_is_found_and_removed(tmp_path):
    source = tmp_path / "通知.txt"
    source.write_text("请联系手机 138\u200b1234\u00ad5678 确认。\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert redact(str(source), "-o", str(out), "--policy", "media") == 0
    copy = out.read_text(encoding="utf-8")
    assert "5678" in copy and "1234" not in copy  # masked as 138****5678


@pytest.mark.slow
def test_redacting_a_fifo_or_a_link_fails_with_a_reason_and_writes_nothing(tmp_path, capsys):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    link = tmp_path / "link.txt"
    link.symlink_to("/etc/passwd")
    for source, reason in ((fifo, "named pipe (FIFO), not read"), (link, "symbolic link")):
        out = tmp_path / f"{source.name}.out"
        assert redact(str(source), "-o", str(out), "--policy", "media") == 1
        assert reason in capsys.readouterr().err
        assert not out.exists()


@pytest.mark.slow
def test_internal_pseudonyms_restore_with_the_key(tmp_path, notes, capsys):
    out = tmp_path / "internal.txt"
    assert redact(str(notes), "-o", str(out), "--policy", "internal") == 0
    text = out.read_bytes().decode("gbk")
    assert "[联系人1]" in text and "[电话1]" in text and "[电话2]" in text
    keys = json.loads((tmp_path / "internal.txt.baomi-keys.json").read_text("utf-8"))
    assert PHONE not in json.dumps(keys, ensure_ascii=False)
    back = tmp_path / "back.txt"
    assert main(["restore", str(out), "-o", str(back)]) == 0
    assert back.read_bytes() == notes.read_bytes()


@pytest.mark.slow
def test_restore_with_the_wrong_key_fails_cleanly(tmp_path, notes, monkeypatch, capsys):
    config = tmp_path / "baomi.toml"
    config.write_text('[policies.vault]\ndefault = "encrypt"\n', encoding="utf-8")
    out = tmp_path / "vault.txt"
    assert redact(str(notes), "-o", str(out), "--policy", "vault", "--config", str(config)) == 0
    assert "[[BAOMI-ENC:" in out.read_bytes().decode("gbk")
    monkeypatch.setenv("BAOMI_REDACT_KEY", "00" * 32)
    assert main(["restore", str(out), "-o", str(tmp_path / "back.txt")]) == 1
    assert "wrong redaction key" in capsys.readouterr().err
    monkeypatch.delenv("BAOMI_REDACT_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nokeys"))
    assert main(["restore", str(out), "-o", str(tmp_path / "back.txt")]) == 2
    assert "no key at" in capsys.readouterr().err


@pytest.mark.slow
def test_a_copy_that_fails_verification_is_not_written(tmp_path, notes, monkeypatch, capsys):
    from scanner.redact import writers

    monkeypatch.setitem(writers._WRITERS, "text", lambda data, rewriter, ctx: data)
    out = tmp_path / "out.txt"
    assert redact(str(notes), "-o", str(out), "--policy", "media") == 1
    assert not out.exists() and list(tmp_path.glob(".out.txt*")) == []
    err = capsys.readouterr().err
    assert "verification failed" in err and "仍含 remains: PHONE_NUMBER 138****5678" in err
    assert PHONE not in err


@pytest.mark.slow
def test_audit_log_records_every_redaction_without_values(tmp_path, notes):
    log = tmp_path / "audit.jsonl"
    redact(str(notes), "-o", str(tmp_path / "a.txt"), "--policy", "media", "--audit-log", str(log))
    redact(
        str(notes), "-o", str(tmp_path / "b.txt"), "--policy", "archive", "--audit-log", str(log)
    )
    records = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [(r["action"], r["policy"], r["status"]) for r in records] == [
        ("redact", "media", "written"),
        ("redact", "archive", "written"),
    ]
    assert records[0]["counts"] == {
        "PERSON": 1,
        "PHONE_NUMBER": 3,
        "EMAIL_ADDRESS": 1,
        "CN_ADDRESS": 1,
    }
    assert len(records[0]["input_sha256"]) == 64 and records[0]["user"]
    raw = log.read_text("utf-8")
    for value in (PHONE, OTHER_PHONE, EMAIL, "张伟", "建国路88号"):
        assert value not in raw
    assert log.stat().st_mode & 0o077 == 0


def test_unknown_policy_and_bad_targets_are_usage_errors(tmp_path, notes, capsys):
    assert redact(str(notes), "-o", str(tmp_path / "x.txt"), "--policy", "nope") == 2
    assert "unknown policy nope" in capsys.readouterr().err
    assert redact(str(notes), "-o", str(notes), "--policy", "media") == 2
    assert "use --in-place" in capsys.readouterr().err
    assert redact(str(notes.parent), "-o", str(tmp_path / "x.txt"), "--policy", "media") == 2


@pytest.mark.slow
def test_csv_name_column_is_redacted_by_its_header(tmp_path):
    table = tmp_path / "名单.csv"
    table.write_text("姓名,职务\n王芳,主编\n欧阳雪,记者\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert redact(str(table), "-o", str(out), "--policy", "media", "--no-ner") == 0
    assert out.read_text("utf-8") == "姓名,职务\n[联系人1],主编\n[联系人2],记者\n"


def test_policies_command_lists_them(capsys):
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    assert "subcontractor" in out and "CN_ADDRESS=keep" in out and "default=pseudonym" in out


@pytest.mark.slow
def test_zip_members_and_their_paths_are_redacted(tmp_path):
    import zipfile

    archive = tmp_path / "项目归档.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2024/星河传媒/联系人.txt", f"联系人：张伟，手机{PHONE}\n")
        z.writestr("2024/说明.md", "本归档仅供内部使用\n")
    registry = tmp_path / "clients.csv"
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河传媒\n", encoding="utf-8")
    out = tmp_path / "out.zip"
    code = redact(str(archive), "-o", str(out), "--policy", "media", "--clients", str(registry))
    assert code == 0
    with zipfile.ZipFile(out) as z:
        assert z.namelist() == ["2024/[客户A]/联系人.txt", "2024/说明.md"]
        assert z.read("2024/[客户A]/联系人.txt").decode() == "联系人：[联系人1]，手机138****5678\n"
        assert z.getinfo("2024/说明.md").compress_type == zipfile.ZIP_DEFLATED
    raw = b"".join(zipfile.ZipFile(out).read(n) for n in zipfile.ZipFile(out).namelist())
    assert PHONE.encode() not in raw and "星河传媒".encode() not in raw + out.read_bytes()


@pytest.mark.slow
def test_a_value_left_where_no_recognizer_flags_it_is_replaced_on_a_second_pass(tmp_path):
    # 王芳 is a name after 联系人; on the last line nothing marks it as one
    text = tmp_path / "纪要.txt"
    text.write_text("联系人：王芳\n会后王芳王芳整理\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert redact(str(text), "-o", str(out), "--policy", "media") == 0
    assert "王芳" not in out.read_text("utf-8")
    assert out.read_text("utf-8").startswith("联系人：[联系人1]\n")


@pytest.mark.slow
def test_an_empty_file_is_copied_unchanged(tmp_path):
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out.txt"
    assert redact(str(empty), "-o", str(out), "--policy", "media") == 0
    assert out.read_bytes() == b""


@pytest.mark.slow
def test_media_refuses_a_core_graded_file_unless_forced_with_a_reason(tmp_path, capsys):
    secret = tmp_path / "新品发布方案.txt"
    secret.write_text(
        "【机密】星河传媒新品发布方案\n新品拟于5月20日发布，发布前请勿外传。\n", encoding="utf-8"
    )
    registry = tmp_path / "clients.csv"
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河传媒\n", encoding="utf-8")
    out, log = tmp_path / "out.txt", tmp_path / "audit.jsonl"
    args = [
        str(secret),
        "-o",
        str(out),
        "--policy",
        "media",
        "--clients",
        str(registry),
        "--audit-log",
        str(log),
    ]
    assert redact(*args) == 1
    assert "graded 核心" in capsys.readouterr().err and not out.exists()
    assert redact(*args, "--force") == 2  # a reason is required
    assert redact(*args, "--force", "--reason", "客户书面同意提前披露") == 0
    text = out.read_text("utf-8")
    assert "星河传媒" not in text and "机密" not in text and "拟于" not in text
    records = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [(r["status"], r["forced"]) for r in records] == [
        ("failed", None),
        ("written", "客户书面同意提前披露"),
    ]
    # the archive policy (retention) has no such gate
    archived = tmp_path / "a.txt"
    assert (
        redact(str(secret), "-o", str(archived), "--policy", "archive", "--clients", str(registry))
        == 0
    )


@pytest.mark.slow
def test_a_name_in_a_utf16_attachment_without_a_bom_is_not_released(tmp_path, capsys):
    """Han names alone in UTF-16 without a BOM are NUL-free, valid UTF-8 bytes (李华 is
    "NgNS"): the byte search of the copy must still read them as UTF-16."""
    from email.mime.base import MIMEBase
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    message = MIMEMultipart()
    message["Subject"] = "名单"
    message.attach(MIMEText("联系人李华，手机13812345678，名单见附件。\n", "plain", "utf-8"))
    attachment = MIMEBase("text", "plain", charset="utf-16le")
    attachment.set_payload("李华杨丽".encode("utf-16-le"))
    email_encoders.encode_base64(attachment)
    attachment.add_header("Content-Disposition", "attachment", filename="mingdan.txt")
    message.attach(attachment)
    source, copy = tmp_path / "名单.eml", tmp_path / "out.eml"
    source.write_bytes(message.as_bytes())
    assert redact(str(source), "-o", str(copy), "--policy", "media") != 0
    assert not copy.exists()
    assert "(UTF-16-LE)" in capsys.readouterr().err
