"""One client, one label; one person, one label (issue 20, part 4).

A client's full name, short name, English name and USCC are one client: one ``[客户A]``,
one hash token, one pseudonym label (each spelling restored exactly), in every format
and across every file of one batch, also through the forked workers of ``baomi redact``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recognizers.client_registry import Client
from scanner.cli import main
from scanner.masking import fingerprint
from scanner.redact.edits import Edit, apply_edits
from scanner.redact.engine import Job, Outcome
from scanner.redact.identities import Identities, Identity, contact_key
from scanner.redact.isolated import run_isolated
from scanner.redact.operators import LabelBook, OperatorSet
from scanner.redact.rewriters import Restorer
from scanner.scan.content import segments_of
from scanner.scan.limits import Limits
from tests.builders import docx_bytes, pptx_bytes, xlsx_bytes
from tests.conftest import TEST_KEY_HEX

REDACT_KEY_HEX = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
XINGHE = Client("北京星河传媒有限公司", ("星河传媒", "Xinghe Media"), "91110105666435764H")
BLUEWHALE = Client(
    "深圳市蓝鲸科技股份有限公司", ("蓝鲸科技", "Bluewhale Tech"), "91440305MA5UL34M1E"
)
# (entity type, value) of every form of 星河传媒 as findings carry them
XINGHE_FORMS = [
    ("CLIENT", "北京星河传媒有限公司"),
    ("CLIENT", "星河传媒"),
    ("CLIENT", "XINGHE MEDIA"),  # the registry matches Latin aliases in any case
    ("CLIENT", "Ｘｉｎｇｈｅ Ｍｅｄｉａ"),  # and full-width
    ("CLIENT", "91110105666435764H"),  # the registry recognizer reports a USCC as CLIENT
    ("CN_USCC", "91110105666435764h"),
    ("ORGANIZATION", "北京星河传媒有限公司"),
]
UNREGISTERED_USCC = "91310115MA1NYTLLXY"  # valid, and no client's
REGISTRY = (
    "name,aliases,uscc\n"
    "北京星河传媒有限公司,星河传媒;Xinghe Media,91110105666435764H\n"
    "深圳市蓝鲸科技股份有限公司,蓝鲸科技;Bluewhale Tech,91440305MA5UL34M1E\n"
)
# each line mentions 星河传媒 before 蓝鲸科技, so it is 客户A in every file of the batch
LINES = (
    "客户：北京星河传媒有限公司，统一社会信用代码：91110105666435764H。",
    "星河传媒与Xinghe Media的发布会由我司承办。",
    "合作方：深圳市蓝鲸科技股份有限公司（蓝鲸科技）。",
    "场地方：北京银河文化发展有限公司；搭建方：上海云帆会展服务有限公司。",
)
SURFACES = ("北京星河传媒有限公司", "91110105666435764H", "星河传媒", "Xinghe Media", "蓝鲸科技")
CLIENT_LABEL = re.compile(r"\[客户[A-Z]+(?:/\d+)?\]")


@pytest.fixture(autouse=True)
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


def operators(contacts: dict[tuple[str, str], Identity] | None = None) -> OperatorSet:
    identities = Identities([XINGHE, BLUEWHALE], contacts or {})
    return OperatorSet(
        bytes.fromhex(TEST_KEY_HEX), bytes.fromhex(REDACT_KEY_HEX), identities=identities
    )


# --- the resolver -------------------------------------------------------------------------


def test_every_surface_form_of_a_client_is_that_client():
    identities = Identities([XINGHE, BLUEWHALE])
    xinghe = Identity("北京星河传媒有限公司", "CLIENT")
    assert {identities.of(t, v) for t, v in XINGHE_FORMS} == {xinghe}
    assert identities.of("CLIENT", "bluewhale tech") == Identity(BLUEWHALE.name, "CLIENT")
    assert identities.of("ORGANIZATION", "蓝鲸科技") == Identity(BLUEWHALE.name, "CLIENT")


def test_what_is_no_registered_form_has_no_identity():
    identities = Identities([XINGHE])
    assert identities.of("ORGANIZATION", "北京银河文化发展有限公司") is None
    assert identities.of("ORGANIZATION", "星河传媒有限公司") is None  # contains, not equal
    assert identities.of("CN_USCC", UNREGISTERED_USCC) is None
    assert identities.of("PERSON", "星河传媒") is None  # a person is never a client by name
    assert identities.of("PHONE_NUMBER", "13812345678") is None
    assert Identities().of("CLIENT", "北京星河传媒有限公司") is None


# --- label, hash, pseudonym ---------------------------------------------------------------


def test_one_label_per_client_and_its_uscc_reads_as_the_client():
    label = operators().get("label")
    assert {label.apply(t, v) for t, v in XINGHE_FORMS} == {"[客户A]"}
    assert label.apply("CN_USCC", UNREGISTERED_USCC) == "[信用代码1]"
    assert label.apply("CLIENT", "Bluewhale Tech") == "[客户B]"
    assert label.apply("CLIENT", "深圳市蓝鲸科技股份有限公司") == "[客户B]"
    assert label.apply("CLIENT", "星河传媒") == "[客户A]"


def test_two_clients_never_share_a_label_and_other_organisations_keep_their_own():
    label = operators().get("label")
    first = label.apply("ORGANIZATION", "北京银河文化发展有限公司")
    xinghe = label.apply("CLIENT", "星河传媒")
    unregistered = label.apply("CN_USCC", UNREGISTERED_USCC)
    other = label.apply("ORGANIZATION", "上海云帆会展服务有限公司")
    assert first == "[机构A]" and other == "[机构B]"
    assert label.apply("ORGANIZATION", "北京银河文化发展有限公司") == "[机构A]"
    assert (xinghe, label.apply("CLIENT", "蓝鲸科技")) == ("[客户A]", "[客户B]")
    assert unregistered == "[信用代码1]"  # a value, labelled by its own type


def test_the_hash_of_a_client_is_one_token_for_every_form():
    ops = operators()
    hashed = {ops.get("hash").apply(t, v) for t, v in XINGHE_FORMS}
    key = bytes.fromhex(TEST_KEY_HEX)
    # the token its full name always had: the inventory's fingerprint of the client
    assert hashed == {f"[客户:{fingerprint(key, 'CLIENT', XINGHE.name)[:16]}]"}
    assert ops.get("hash").apply("CLIENT", "蓝鲸科技") not in hashed
    plain = ops.get("hash").apply("ORGANIZATION", "北京银河文化发展有限公司")
    assert plain == f"[机构:{fingerprint(key, 'ORGANIZATION', '北京银河文化发展有限公司')[:16]}]"


def test_pseudonyms_share_the_clients_label_and_restore_every_spelling_exactly():
    ops = operators()
    pseudonym = ops.get("pseudonym")
    pieces = ["北京星河传媒有限公司", "（", "91110105666435764H", "），简称", "星河传媒"]
    pieces += ["，英文名", "Xinghe Media", "；", "蓝鲸科技"]
    text, edits = "", []
    for n, piece in enumerate(pieces):
        if n % 2 == 0:  # the client's spellings stand at the even places
            edits.append(Edit(len(text), len(text) + len(piece), pseudonym.apply("CLIENT", piece)))
        text += piece
    redacted = apply_edits(text, edits)
    assert redacted == "[客户A]（[客户A/2]），简称[客户A/3]，英文名[客户A/4]；[客户B]"
    assert pseudonym.apply("CLIENT", "星河传媒") == "[客户A/3]"  # the same spelling, again
    restorer = Restorer(bytes.fromhex(REDACT_KEY_HEX), ops.pseudonyms)
    assert apply_edits(redacted, restorer.edits(redacted)) == text


def test_a_contacts_mapping_makes_one_persons_name_mobile_and_email_one_label():
    zhang = Identity("contact-17", "PERSON")
    contacts = {
        contact_key("PERSON", "张伟"): zhang,
        contact_key("PHONE_NUMBER", "138 1234 5678"): zhang,
        contact_key("EMAIL_ADDRESS", "ZhangWei@xinghe-media.com"): zhang,
    }
    ops = operators(contacts)
    values = [("PERSON", "张伟"), ("PHONE_NUMBER", "13812345678")]
    values += [("EMAIL_ADDRESS", "zhangwei@xinghe-media.com")]
    assert {ops.get("label").apply(t, v) for t, v in values} == {"[联系人1]"}
    assert len({ops.get("hash").apply(t, v) for t, v in values}) == 1
    assert ops.get("label").apply("PERSON", "王芳") == "[联系人2]"  # not in the register
    assert ops.get("label").apply("PHONE_NUMBER", "13987654321") == "[电话1]"


def test_the_label_book_comes_back_from_a_forked_worker(tmp_path: Path):
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    job = Job(source, tmp_path / "out.txt")
    ops = operators()

    def work() -> Outcome:  # runs in the child: its labels exist only in its copy of the book
        ops.get("label").apply("CN_USCC", "91110105666435764H")
        ops.get("pseudonym").apply("CLIENT", "星河传媒")
        ops.get("pseudonym").apply("CLIENT", "Xinghe Media")
        ops.get("pseudonym").apply("CLIENT", "蓝鲸科技")
        return Outcome(job, "written")

    assert run_isolated(work, job, Limits(file_timeout_s=60), ops).ok
    assert ops.get("label").apply("CLIENT", "北京星河传媒有限公司") == "[客户A]"
    assert ops.get("label").apply("CLIENT", "Bluewhale Tech") == "[客户B]"
    assert ops.get("pseudonym").apply("CLIENT", "Xinghe Media") == "[客户A/2]"
    assert set(ops.pseudonyms) == {"[客户A]", "[客户A/2]", "[客户B]"}


def test_a_book_without_identities_labels_by_value_as_before():
    book = LabelBook()
    assert book.label("CLIENT", "北京星河传媒有限公司") == "[客户A]"
    assert book.label("CLIENT", "星河传媒") == "[客户B]"


# --- `baomi redact --out-dir`, every office format, one batch ------------------------------


def texts(path: Path) -> str:
    return "\n".join(s.text for s in segments_of(path.read_bytes(), path.name, Limits()))


def share(folder: Path) -> Path:
    folder.mkdir()
    (folder / "纪要.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    (folder / "方案.docx").write_bytes(docx_bytes(*LINES))
    (folder / "名单.xlsx").write_bytes(xlsx_bytes(*[[line] for line in LINES]))
    (folder / "汇报.pptx").write_bytes(pptx_bytes(LINES[0], "\n".join(LINES[1:])))
    return folder


def redact_batch(tmp_path: Path, policy: str) -> tuple[Path, Path]:
    registry = tmp_path / "clients.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    source, out = share(tmp_path / "share"), tmp_path / "out"
    argv = ["redact", str(source), "--out-dir", str(out), "--policy", policy]
    assert main([*argv, "--clients", str(registry)]) == 0
    return source, out


@pytest.mark.slow
def test_one_label_per_client_in_every_format_of_a_batch(tmp_path: Path):
    _, out = redact_batch(tmp_path, "media")
    copies = sorted(p for p in out.iterdir() if not p.name.endswith(".json"))
    assert sorted(p.suffix for p in copies) == [".docx", ".pptx", ".txt", ".xlsx"]
    for copy in copies:
        text = texts(copy)
        assert set(CLIENT_LABEL.findall(text)) == {"[客户A]", "[客户B]"}, copy.name
        assert text.count("[客户A]") >= 4 and text.count("[客户B]") >= 2, copy.name
        assert not any(s in text for s in SURFACES), copy.name
        # the other organisations: a label each, never a client's
        assert "[机构A]" in text and "[机构B]" in text, copy.name


@pytest.mark.slow
def test_pseudonyms_of_a_batch_restore_every_spelling_and_the_hash_is_one_token(tmp_path):
    source, out = redact_batch(tmp_path, "internal")
    for name in ("纪要.txt", "方案.docx"):
        text = texts(out / name)
        assert set(CLIENT_LABEL.findall(text)) == {
            "[客户A]",
            "[客户A/2]",
            "[客户A/3]",
            "[客户A/4]",
            "[客户B]",
            "[客户B/2]",
        }
        back = tmp_path / f"back_{name}"
        assert main(["restore", str(out / name), "-o", str(back)]) == 0
        assert texts(back) == texts(source / name)
    assert (tmp_path / "back_纪要.txt").read_bytes() == (source / "纪要.txt").read_bytes()
    archived = tmp_path / "archived.txt"
    registry = str(tmp_path / "clients.csv")
    argv = ["redact", str(source / "纪要.txt"), "-o", str(archived), "--policy", "archive"]
    assert main([*argv, "--clients", registry]) == 0
    tokens = re.findall(r"\[客户:[0-9a-f]{16}\]", archived.read_text("utf-8"))
    assert len(tokens) == 6 and len(set(tokens)) == 2  # 星河传媒 ×4 forms, 蓝鲸科技 ×2
