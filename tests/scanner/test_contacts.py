"""The contacts register (scanner/compliance/contacts.py): loaded and checked against the
client registry, its people found exactly and attributed to their client, one label per
person in a redacted copy, nothing of it stored."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from recognizers.registry import build_recognizers
from scanner.compliance.clients import load_registry
from scanner.compliance.contacts import ContactsRegister, load_contacts
from scanner.config import ConfigError
from scanner.masking import mask
from scanner.models import FileResult
from scanner.redact.identities import Identities, contact_identities
from scanner.redact.operators import LabelBook
from scanner.scan.analyze import Analyzer
from scanner.scan.pipeline import Scanner, ScanOptions

REGISTRY = "name,aliases\n杭州青禾食品集团有限公司,青禾食品\n北京星河传媒有限公司,星河传媒\n"
CONTACTS = (
    "姓名,客户,公司,手机,邮箱,微信\n"
    "张伟,青禾食品,青禾,13812345678,zhangwei@qinghe.com,zw_qinghe\n"
    "李娜,北京星河传媒有限公司,星河,139 8765 4321;010-62345678,lina@xinghe.cn,\n"
    "赵敏,,自由撰稿人,15011112222,,\n"
)
QINGHE, XINGHE = mask("CLIENT", "杭州青禾食品集团有限公司"), mask("CLIENT", "北京星河传媒有限公司")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("registers")
    (folder / "clients.csv").write_text(REGISTRY, encoding="utf-8")
    (folder / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    return folder / "clients.csv", folder / "contacts.csv"


@pytest.fixture(scope="module")
def register(files: tuple[Path, Path]) -> ContactsRegister:
    return load_contacts(files[1], load_registry(files[0]))


def scanner_of(files: tuple[Path, Path], register: ContactsRegister | None) -> Scanner:
    records = load_registry(files[0])
    contacts = register.contacts if register else ()
    recognizers = build_recognizers([r.to_client() for r in records], ner=False, contacts=contacts)
    options = ScanOptions(include_values=True)
    return Scanner(Analyzer(recognizers), bytes(32), records, options, register)


def owned(result: FileResult) -> dict[tuple[str, str], tuple[str, str] | None]:
    return {
        (f.entity_type, f.value or ""): (f.owner.client, f.owner.by) if f.owner else None
        for f in result.findings
        if f.entity_type != "CLIENT"
    }


def test_the_register_reads_chinese_headers_and_splits_numbers(register) -> None:
    zhang, li, zhao = register.contacts
    assert (zhang.name, zhang.client, zhang.wechat) == ("张伟", 0, ("zw_qinghe",))
    assert (li.client, li.phones) == (1, ("139 8765 4321", "010-62345678"))
    assert (zhao.client, zhao.phones) == (None, ("15011112222",))
    # numbers meet whatever their spacing; the client comes from the row
    assert register.owner_of("PHONE_NUMBER", "13987654321") == 1
    assert register.owner_of("EMAIL_ADDRESS", "LiNa@Xinghe.CN") == 1
    assert register.owner_of("PHONE_NUMBER", "15011112222") is None  # a contact of nobody's
    assert register.contact_of("PERSON", "赵敏") == 2


def test_a_workbook_register_is_read_too(files, tmp_path) -> None:
    book = openpyxl.Workbook()
    for row in CONTACTS.splitlines():
        book.active.append(row.split(","))
    path = tmp_path / "crm.xlsx"
    book.save(path)
    assert [c.name for c in load_contacts(path, load_registry(files[0])).contacts] == [
        "张伟",
        "李娜",
        "赵敏",
    ]


def test_an_unknown_client_is_an_error_naming_the_row_not_the_value(files, tmp_path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("姓名,客户\n张伟,青禾食品\n王强,银河传媒\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="row 3: the client is not in the client registry") as e:
        load_contacts(path, load_registry(files[0]))
    assert "银河" not in str(e.value)


def test_a_register_without_a_name_column_or_with_a_short_name_is_refused(files, tmp_path):
    clients = load_registry(files[0])
    path = tmp_path / "c.csv"
    path.write_text("手机\n13812345678\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no 'name'/'姓名' column"):
        load_contacts(path, clients)
    path.write_text("姓名\n王\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="row 2: a name of at least two characters"):
        load_contacts(path, clients)


NOTE = "会议记录\n\n青禾食品、星河传媒联合发布会筹备。\n\n张伟确认场地，李娜负责媒体，赵敏撰稿。\n"


def test_registered_people_are_found_and_attributed_to_their_client(files, register) -> None:
    [with_register] = scanner_of(files, register).scan_bytes("纪要.txt", NOTE.encode())
    assert owned(with_register) == {
        ("PERSON", "张伟"): (QINGHE, "登记联系人"),
        ("PERSON", "李娜"): (XINGHE, "登记联系人"),
        ("PERSON", "赵敏"): None,  # registered, of no client; the file names two
    }
    # without the register (and without NER) none of the three is found
    [without] = scanner_of(files, None).scan_bytes("纪要.txt", NOTE.encode())
    assert owned(without) == {}


def test_a_registered_contact_attributes_the_values_beside_it(files, register) -> None:
    text = "青禾食品与星河传媒\n李娜 电话 13700001111\n"
    [result] = scanner_of(files, register).scan_bytes("电话.txt", text.encode())
    assert owned(result)[("PHONE_NUMBER", "13700001111")] == (XINGHE, "同一行文字")


def test_one_label_per_registered_person_whatever_the_value(register) -> None:
    identities = Identities([], contacts=contact_identities(register.contacts))
    book = LabelBook()
    labels = [
        book.label(entity, value, identities.of(entity, value))
        for entity, value in [
            ("PERSON", "李娜"),
            ("PHONE_NUMBER", "139 8765 4321"),
            ("EMAIL_ADDRESS", "lina@xinghe.cn"),
            ("PERSON", "张伟"),
            ("PHONE_NUMBER", "13812345678"),
        ]
    ]
    assert labels == ["[联系人1]"] * 3 + ["[联系人2]"] * 2


def test_nothing_of_the_register_is_in_a_findings_record(files, register) -> None:
    plain = Scanner(
        scanner_of(files, register).analyzer, bytes(32), load_registry(files[0]), None, register
    )
    [result] = plain.scan_bytes("纪要.txt", NOTE.encode())
    text = repr(result)
    assert "张伟" not in text and "李娜" not in text and "13812345678" not in text


def test_the_register_loads_through_the_command_line(files, tmp_path, capsys) -> None:
    from scanner.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "纪要.txt").write_text(NOTE, encoding="utf-8")
    clients, contacts = files
    out = tmp_path / "out.jsonl"
    args = ["scan", str(share), "--clients", str(clients), "--contacts", str(contacts)]
    code = main([*args, "--no-ner", "--no-inventory", "-q", "--format", "jsonl", "-o", str(out)])
    assert code == 1
    records = out.read_text(encoding="utf-8")
    assert records.count('"owner_by": "登记联系人"') == 2
    assert "张伟" not in records and "李娜" not in records
    capsys.readouterr()


def test_an_empty_register_is_false() -> None:
    assert not ContactsRegister()



def test_a_crm_export_with_more_columns_is_read(tmp_path) -> None:
    """The demo share's contact book, as a firm exports it (职务, 备注 … are ignored)."""
    root = Path(__file__).resolve().parents[2] / "examples"
    clients = load_registry(root / "clients.csv")
    register = load_contacts(root / "share" / "客户资料" / "客户通讯录.csv", clients)
    assert len(register.contacts) == 14
    assert all(c.client is not None for c in register.contacts)
    assert all(c.phones for c in register.contacts)


@pytest.mark.slow
def test_one_label_per_registered_person_in_every_copy_of_a_batch(files, tmp_path) -> None:
    """Under ``internal`` every value is a pseudonym: a registered person's name, mobile
    and e-mail are one contact's ([联系人1], [联系人1/2] …) in the text and the Word copy,
    and restoring gives the originals back."""
    from scanner.cli import main
    from scanner.scan.content import segments_of
    from scanner.scan.limits import Limits
    from tests.builders import docx_bytes

    lines = ["会议纪要", "张伟（手机 13812345678，zhangwei@qinghe.com）确认场地。", "李娜负责媒体。"]
    source, out = tmp_path / "share", tmp_path / "out"
    source.mkdir()
    (source / "纪要.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (source / "纪要.docx").write_bytes(docx_bytes(*lines))
    clients, contacts = files
    argv = ["redact", str(source), "--out-dir", str(out), "--policy", "internal", "--no-ner"]
    assert main([*argv, "--clients", str(clients), "--contacts", str(contacts)]) == 0
    for name in ("纪要.txt", "纪要.docx"):
        text = "\n".join(s.text for s in segments_of((out / name).read_bytes(), name, Limits()))
        labels = re.findall(r"\[联系人(\d+)(?:/\d+)?\]", text)
        # 张伟's three values share one number, 李娜 has another
        assert labels[:3] == [labels[0]] * 3 and labels[3] != labels[0], (name, text)
        assert "张伟" not in text and "13812345678" not in text and "李娜" not in text
    back = tmp_path / "back.txt"
    assert main(["restore", str(out / "纪要.txt"), "-o", str(back)]) == 0
    assert back.read_text("utf-8") == (source / "纪要.txt").read_text("utf-8")
