"""Values planted in random hidden places: the copy is refused, or holds none of them.

Hypothesis picks a format (Word, PowerPoint, Excel, PDF, mail, zip), a place the format
hides text in (an orphan part, a zip or member comment, a reachable part no writer knows,
an unknown attribute, a PNG text chunk, a binary part, a PDF attachment, XMP or script,
an earlier PDF revision, a mail preamble or unknown header …), a value and a spelling
of it (plain, UTF-16, full-width digits, split by zero-width characters). The file goes
through the redactor ``baomi redact`` builds (rewrite, verify, atomic write). Either it
refuses the file and writes nothing, or the byte-level search (``scanner.redact.leftovers``, independent of
the extractors) finds no planted value anywhere in the copy.

The check does not ask the scanner: a value baomi cannot even detect where it was
planted (UTF-16 inside a binary part) must still not be in the copy.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.redact.engine import Job, Redactor
from scanner.redact.leftovers import search
from scanner.redact.operators import OperatorSet
from scanner.redact.policy import DEFAULT_POLICIES
from scanner.redact.rewriters import PolicyRewriter
from scanner.scan.pipeline import Scanner
from tests.builders import docx_bytes, pptx_bytes, xlsx_bytes
from tests.conftest import TEST_KEY_HEX
from tests.redact.test_redact import REDACT_KEY_HEX

pytestmark = pytest.mark.slow

VALUES = [
    ("PHONE_NUMBER", "13812345678"),
    ("PHONE_NUMBER", "15900001111"),
    ("CN_RESIDENT_ID", "11010519491231002X"),
    ("EMAIL_ADDRESS", "wangfang@client-example.cn"),
]
PACKAGE_RELS = "_rels/.rels"


def spelled(value: str, how: str) -> str:
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)
    if how == "zero-width":
        return "\u200b".join(value)
    return value


# --- office packages --------------------------------------------------------------------------


def word() -> bytes:
    return docx_bytes("项目简报正文")


def powerpoint() -> bytes:
    return pptx_bytes("年度方案")


def excel() -> bytes:
    return xlsx_bytes(["项目", "预算"], ["发布会", 100])


def repack(data: bytes, change: Callable[[zipfile.ZipFile, zipfile.ZipFile], None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        change(source, target)
    return out.getvalue()


def copy_all(source: zipfile.ZipFile, target: zipfile.ZipFile, patch=None) -> None:
    for info in source.infolist():
        body = source.read(info)
        if patch and info.filename in patch:
            body = patch[info.filename](body)
        target.writestr(info.filename, body)


def add_relationship(rels: bytes, target: str, kind: str = "http://example.org/custom") -> bytes:
    return rels.replace(
        b"</Relationships>",
        f'<Relationship Id="rIdPlanted" Type="{kind}" Target="{target}"/></Relationships>'.encode(),
    )


def png_with_text(text: str) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"iTXt", b"Comment\x00\x00\x00\x00\x00" + text.encode())
        + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def main_part(source: zipfile.ZipFile) -> str:
    for name in ("word/document.xml", "ppt/presentation.xml", "xl/workbook.xml"):
        if name in source.NameToInfo:
            return name
    raise AssertionError("no main part")


def rels_of(part: str) -> str:
    folder, base = part.rsplit("/", 1)
    return f"{folder}/_rels/{base}.rels"


def plant_in_package(data: bytes, place: str, text: str) -> bytes:
    def change(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
        main = main_part(source)
        if place == "orphan part":
            copy_all(source, target)
            target.writestr("custom/orphan.xml", f"<x>{text}</x>")
        elif place == "zip comment":
            copy_all(source, target)
            target.comment = text.encode()
        elif place == "member comment":
            copy_all(source, target)
            info = zipfile.ZipInfo("docProps/extra.xml")
            info.comment = text.encode()
            target.writestr(info, "<x/>")
        elif place == "reachable unknown part":
            copy_all(source, target, {PACKAGE_RELS: lambda b: add_relationship(b, "custom/d.xml")})
            target.writestr("custom/d.xml", f'<d v="{text}">{text}</d>')
        elif place == "unknown attribute":
            def attribute(body: bytes) -> bytes:
                root = re.search(rb"<[A-Za-z][^>]*?(?=/?>)", body)
                assert root is not None
                note = f' xmlns:q="urn:q" q:note="{text}"'.encode()
                return body[: root.end()] + note + body[root.end() :]

            copy_all(source, target, {main: attribute})
        elif place == "image text chunk":
            relate = {rels_of(main): lambda b: add_relationship(
                b, "media/planted.png",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
            )}
            copy_all(source, target, relate)
            folder = main.rsplit("/", 1)[0]
            target.writestr(f"{folder}/media/planted.png", png_with_text(text))
        elif place == "binary part":
            copy_all(source, target, {PACKAGE_RELS: lambda b: add_relationship(b, "custom/v.bin")})
            target.writestr("custom/v.bin", b"\x00\x01" + text.encode("utf-16-le") + b"\x00")
        else:
            raise AssertionError(place)

    return repack(data, change)


PACKAGE_PLACES = [
    "orphan part", "zip comment", "member comment", "reachable unknown part",
    "unknown attribute", "image text chunk", "binary part",
]


# --- PDF, mail, zip ---------------------------------------------------------------------------


def pdf_with(place: str, text: str) -> bytes:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 72), "项目简报", fontname="china-s")
    if place == "embedded file":
        document.embfile_add("note.txt", text.encode("utf-8"), desc=text)
    elif place == "file attachment":
        page.add_file_annot((100, 100), text.encode("utf-16-le"), "a.txt", desc=text)
    elif place == "XMP metadata":
        document.set_xml_metadata(f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{text}</x:xmpmeta>")
    elif place == "JavaScript":
        xref = document.get_new_xref()
        document.update_object(xref, f"<< /S /JavaScript /JS ({text}) >>")
        document.xref_set_key(document.pdf_catalog(), "OpenAction", f"{xref} 0 R")
    elif place == "earlier revision":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "a.pdf"
            page.insert_text((72, 120), text)
            document.save(path)
            document.close()
            document = pymupdf.open(path)
            first = document[0]
            first.add_redact_annot(pymupdf.Rect(60, 100, 500, 130))
            first.apply_redactions()
            document.saveIncr()
            document.close()
            return path.read_bytes()
    else:
        raise AssertionError(place)
    return document.tobytes()


PDF_PLACES = ["embedded file", "file attachment", "XMP metadata", "JavaScript", "earlier revision"]


def mail_with(place: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "pr@firm-example.cn"
    message["To"] = "media@news-example.cn"
    message["Subject"] = "发布会安排"
    message.set_content("请查收附件。")
    message.add_attachment("议程".encode(), maintype="text", subtype="plain", filename="议程.txt")
    if place in ("X-header", "Received", "Content-Description", "In-Reply-To"):
        name = {"X-header": "X-Client-Note"}.get(place, place)
        message[name] = text
        return message.as_bytes()
    data = message.as_bytes()
    boundary = message.get_boundary().encode()
    if place == "preamble":
        return data.replace(b"--" + boundary, text.encode() + b"\n\n--" + boundary, 1)
    if place == "epilogue":
        return data + b"\n" + text.encode() + b"\n"
    raise AssertionError(place)


MAIL_PLACES = ["X-header", "Received", "Content-Description", "In-Reply-To", "preamble", "epilogue"]


def zip_with(place: str, text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("说明.txt")
        if place == "member comment":
            info.comment = text.encode()
        archive.writestr(info, "资料说明".encode())
        if place == "zip comment":
            archive.comment = text.encode()
    return out.getvalue()


ZIP_PLACES = ["member comment", "zip comment"]

FORMATS: dict[str, tuple[list[str], Callable[[str, str], bytes]]] = {
    "docx": (PACKAGE_PLACES, lambda place, text: plant_in_package(word(), place, text)),
    "pptx": (PACKAGE_PLACES, lambda place, text: plant_in_package(powerpoint(), place, text)),
    "xlsx": (PACKAGE_PLACES, lambda place, text: plant_in_package(excel(), place, text)),
    "pdf": (PDF_PLACES, pdf_with),
    "eml": (MAIL_PLACES, mail_with),
    "zip": (ZIP_PLACES, zip_with),
}


@st.composite
def plantings(draw) -> tuple[str, str, tuple[str, str], str]:
    kind = draw(st.sampled_from(sorted(FORMATS)))
    place = draw(st.sampled_from(FORMATS[kind][0]))
    value = draw(st.sampled_from(VALUES))
    how = draw(st.sampled_from(["plain", "fullwidth", "zero-width"]))
    return kind, place, value, how


@pytest.fixture(scope="module")
def redactor(analyzer_all) -> Redactor:
    """The media policy's redactor, built once (the command builds the same per run)."""
    key = bytes.fromhex(TEST_KEY_HEX)
    scanner = Scanner(analyzer_all, key)
    policy = DEFAULT_POLICIES["media"]
    operators = OperatorSet(key, bytes.fromhex(REDACT_KEY_HEX))
    return Redactor(scanner, policy, PolicyRewriter(scanner.analyzer, policy, operators))


def redact(redactor: Redactor, kind: str, content: bytes, folder: Path) -> bytes | None:
    """The released copy, or None when the redactor refused (and wrote nothing)."""
    source, out = folder / f"简报.{kind}", folder / f"copy.{kind}"
    source.write_bytes(content)
    outcome = redactor.run(Job(source, out))
    if not outcome.ok:
        assert not out.exists(), f"{kind}: a refused copy was written"
        return None
    return out.read_bytes()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(planting=plantings())
def test_a_planted_value_never_reaches_a_released_copy(
    planting, redactor, tmp_path_factory
) -> None:
    kind, place, (entity_type, value), how = planting
    content = FORMATS[kind][1](place, spelled(value, how))
    copy = redact(redactor, kind, content, tmp_path_factory.mktemp("planted"))
    hits = search(copy, [(entity_type, value)]) if copy is not None else []
    assert not hits, f"{kind} {place} ({how}): {hits[0].where}"


@pytest.mark.parametrize(
    ("kind", "place"), [(k, p) for k, (places, _) in FORMATS.items() for p in places]
)
def test_every_hidden_place_once(kind: str, place: str, redactor, tmp_path: Path) -> None:
    """Each place with a plain phone: the draw above may miss one. The phone is found
    in the original (the planting worked) and not in the copy."""
    content = FORMATS[kind][1](place, "13812345678")
    assert search(content, [("PHONE_NUMBER", "13812345678")])
    copy = redact(redactor, kind, content, tmp_path)
    assert copy is None or not search(copy, [("PHONE_NUMBER", "13812345678")])
