"""Leak proof: distinct values of every entity type planted in every format go through scan,
report (xlsx, pdf, html, csv, jsonl), watch with alerts, redact with every policy and the audit log;
then every byte baomi wrote — database, logs, workbooks, exports, alert payloads, redacted
copies, temporary folders — is searched for each value in UTF-8, GBK and UTF-16: zero hits.
The fingerprint and encryption keys are searched for too."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from recognizers import checksums
from scanner.cli import main
from tests.builders import docx_bytes, pptx_bytes, xlsx_bytes
from tests.conftest import TEST_KEY_HEX

ROOT = Path(__file__).resolve().parents[1]
REDACT_KEY_HEX = "5a" * 32
CLIENT = "北京星河传媒有限公司"


def planted() -> dict[str, str]:
    uscc = "91110105MA01LEAK1"
    org = "MA01LK7Q"
    reg = "11010500123456"
    ident = "11010519850707123"
    card = "622202123498765432"
    return {
        "PHONE_NUMBER": "13912345678",
        "EMAIL_ADDRESS": "leakcheck.person@xinghe-media.com",
        "CN_USCC": uscc + checksums.uscc_check_char(uscc),
        "CN_ORG_CODE": org + "-" + checksums.org_code_check_char(org),
        "CN_BUSINESS_REG_NO": reg + checksums.mod11_10_check_digit(reg),
        "CN_RESIDENT_ID": ident + checksums.resident_id_check_char(ident),
        "CN_PASSPORT": "E87654321",
        "CN_BANK_CARD": card + checksums.luhn_check_digit(card),
        "WECHAT_ID": "wxid_leakcheck01",
        "QQ_NUMBER": "987654321",
        "CLIENT": CLIENT,
        "PERSON": "欧阳雪",
        "CN_ADDRESS": "北京市朝阳区建国路88号SOHO现代城A座1203室",
    }


def lines(v: dict[str, str]) -> list[str]:
    return [
        f"客户：{v['CLIENT']}",
        f"联系人：{v['PERSON']}，手机{v['PHONE_NUMBER']}，邮箱{v['EMAIL_ADDRESS']}",
        f"统一社会信用代码：{v['CN_USCC']}，组织机构代码：{v['CN_ORG_CODE']}",
        f"营业执照注册号：{v['CN_BUSINESS_REG_NO']}",
        f"身份证号：{v['CN_RESIDENT_ID']}，护照号：{v['CN_PASSPORT']}",
        f"开户行：招商银行 账号：{v['CN_BANK_CARD']}",
        f"微信：{v['WECHAT_ID']}，QQ：{v['QQ_NUMBER']}",
        f"办公地址：{v['CN_ADDRESS']}",
    ]


def documents(v: dict[str, str]) -> dict[str, bytes]:
    text = lines(v)
    out: dict[str, bytes] = {"资料.txt": "\n".join(text).encode("gbk")}
    out["名单.csv"] = (
        "姓名,手机,邮箱\n" + f"{v['PERSON']},{v['PHONE_NUMBER']},{v['EMAIL_ADDRESS']}\n"
    ).encode("utf-8")
    out["合同.docx"] = docx_bytes(*text)
    out["名单.xlsx"] = xlsx_bytes(*([line] for line in text))
    out["方案.pptx"] = pptx_bytes("项目资料", "\n".join(text))
    msg = EmailMessage()
    msg["From"] = "pr@example.com"
    msg["To"] = "team@example.com"
    msg["Subject"] = "资料"
    msg.set_content("\n".join(text), charset="gb2312")
    out["邮件.eml"] = msg.as_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("归档/合同.docx", out["合同.docx"])
    out["归档.zip"] = buf.getvalue()
    return out


def forms(value: str) -> list[bytes]:
    out = []
    for encoding in ("utf-8", "gbk", "utf-16-le", "utf-16-be"):
        try:
            out.append(value.encode(encoding))
        except UnicodeEncodeError:
            continue
    return out


def hits(root: Path, values: dict[str, str], skip: set[Path]) -> list[tuple[str, str]]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if any(path == s or s in path.parents for s in skip):
            continue
        data = path.read_bytes()
        for name, value in values.items():
            if any(form in data for form in forms(value)):
                found.append((str(path.relative_to(root)), name))
    return found


def pdf_text(path: Path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return "\n".join([*(page.get_text() for page in doc), repr(doc.metadata)])


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_nothing_baomi_writes_holds_a_planted_value_or_a_key(tmp_path, monkeypatch, capsys):
    values = planted()
    share, out, tmp = tmp_path / "share", tmp_path / "out", tmp_path / "tmp"
    for folder in (share, out, tmp):
        folder.mkdir()
    for name, data in documents(values).items():
        (share / name).write_bytes(data)
    registry = tmp_path / "clients.csv"
    registry.write_text(f"name,aliases\n{CLIENT},星河传媒\n", encoding="utf-8")
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(out / "config"))
    db = out / "inventory.db"
    common = ["--clients", str(registry)]

    # scan, with the workbook and JSONL
    assert (
        main(
            [
                "scan",
                str(share),
                "--inventory",
                str(db),
                "--format",
                "jsonl",
                "-o",
                str(out / "scan.jsonl"),
                "--xlsx",
                str(out / "清单.xlsx"),
                *common,
            ]
        )
        == 1
    )
    assert (
        main(
            [
                "scan",
                str(share),
                "--inventory",
                str(db),
                "-o",
                str(out / "scan.txt"),
                "--incremental",
                *common,
            ]
        )
        == 1
    )
    found_types = {
        line.split('"entity_type": "')[1].split('"')[0]
        for line in (out / "scan.jsonl").read_text("utf-8").splitlines()
    }
    assert set(values) <= found_types  # every planted type was really found
    # reports in every format and table
    assert main(["report", "--inventory", str(db), "-o", str(out / "report.xlsx"), *common]) == 0
    # the PDF's text is glyph codes in compressed streams: its text layer and metadata are
    # extracted beside it, so the byte search below reads what a viewer shows
    assert main(["report", "--inventory", str(db), "-o", str(out / "报告.pdf"), *common]) == 0
    (out / "报告.pdf.txt").write_text(pdf_text(out / "报告.pdf"), encoding="utf-8")
    assert main(["report", "--inventory", str(db), "-o", str(out / "报告.html"), *common]) == 0
    for table in ("files", "findings", "clients", "errors", "retention", "nda"):
        for fmt in ("csv", "jsonl"):
            assert (
                main(
                    [
                        "report",
                        "--inventory",
                        str(db),
                        "--table",
                        table,
                        "-o",
                        str(out / f"{table}.{fmt}"),
                        *common,
                    ]
                )
                == 0
            )
    # redact with every policy and the audit log
    for policy in ("media", "subcontractor", "internal", "archive"):
        main(
            [
                "redact",
                str(share),
                "--out-dir",
                str(out / policy),
                "--policy",
                policy,
                "--force",
                "--reason",
                "泄露测试",
                "--audit-log",
                str(out / "audit.jsonl"),
                *common,
            ]
        )
    assert (out / "media" / "合同.docx").exists() and (out / "archive" / "资料.txt").exists()
    # watch with alerts, in its own process (its log is captured too)
    watched, alerts = tmp_path / "watched", out / "alerts"
    watched.mkdir()
    alerts.mkdir()
    script = tmp_path / "alert.py"
    script.write_text(
        "import sys, time\n"
        f"open({str(alerts)!r} + '/' + str(time.time_ns()), 'wb').write(sys.stdin.buffer.read())\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(tmp),
        "BAOMI_HASH_KEY": TEST_KEY_HEX,
    }
    log = out / "watch.log"
    with open(log, "wb") as log_fh:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scanner.cli",
                "watch",
                str(watched),
                "--inventory",
                str(out / "watch.db"),
                "--settle",
                "0.3",
                "--reconcile",
                "0",
                "--on-finding",
                f"{sys.executable} {script}",
                *common,
            ],
            env=env,
            stderr=log_fh,
            stdout=log_fh,
        )
        try:
            deadline = time.monotonic() + 60
            while b"watching" not in log.read_bytes() and time.monotonic() < deadline:
                time.sleep(0.1)
            (watched / "资料.txt").write_bytes((share / "资料.txt").read_bytes())
            while not list(alerts.iterdir()) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert list(alerts.iterdir()), log.read_text("utf-8", "replace")

    # every byte baomi wrote, and everything it printed
    printed = capsys.readouterr()
    (out / "stdout.txt").write_text(printed.out, encoding="utf-8")
    (out / "stderr.txt").write_text(printed.err, encoding="utf-8")
    secrets = {**values, "hash key": TEST_KEY_HEX, "redact key": REDACT_KEY_HEX}
    keep_address = {k: v for k, v in secrets.items() if k != "CN_ADDRESS"}
    leaks = hits(out, secrets, skip={out / "subcontractor"})
    leaks += hits(out / "subcontractor", keep_address, skip=set())  # addresses kept by policy
    leaks += hits(tmp, secrets, skip=set())
    assert leaks == []
    for key_file in (out / "config").rglob("*.key"):
        assert key_file.stat().st_mode & 0o077 == 0
    assert db.stat().st_mode & 0o077 == 0 and (out / "audit.jsonl").stat().st_mode & 0o077 == 0
