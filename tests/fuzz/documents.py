"""Small real documents of every format the share holds, built in code, and mutators.

Shared by ``tests/fuzz/test_mutated_documents.py``, ``tests/fuzz/test_regressions.py``
and ``fuzz/make_seeds.py`` (the atheris seed corpus). Every document carries client
data the recognizers find (a name, a mobile number, an ID number, a USCC, an e-mail
address), so a mutant that still parses also exercises the analysis.
"""

from __future__ import annotations

import functools
import io
import json
import random
import zipfile
from collections.abc import Callable
from email.message import EmailMessage

from tests.builders import FONT, pdf_bytes, saved

PHONE = "13812345678"
RESIDENT_ID = "11010519491231002X"
USCC = "91110000600037341L"
EMAIL = "zhangwei@xinghe-media.com"
LINE = f"联系人：张伟，手机{PHONE}，身份证号{RESIDENT_ID}，邮箱{EMAIL}。"
ROWS = (("姓名", "手机", "身份证号"), ("张伟", PHONE, RESIDENT_ID), ("李娜", "13900001111", ""))


def build_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = "王芳"
    document.sections[0].header.paragraphs[0].text = f"北京星河传媒有限公司 {USCC}"
    document.sections[0].footer.paragraphs[0].text = "机密 内部资料"
    document.add_heading("媒体名单", level=1)
    document.add_paragraph(LINE)
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("地址：北京市朝阳区建国路88号SOHO现代城A座1203室")
    return saved(document)


def build_xlsx() -> bytes:
    import openpyxl
    from openpyxl.comments import Comment

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "媒体名单"
    for row in ROWS:
        sheet.append(list(row))
    sheet["D1"] = "备注"
    sheet["D2"] = LINE
    sheet["D2"].comment = Comment(f"请联系李娜 {EMAIL}", "王芳")
    sheet["E2"] = 42
    sheet["E3"] = "=E2*2"
    other = workbook.create_sheet("客户")
    other.append(["公司名称", "统一社会信用代码"])
    other.append(["北京星河传媒有限公司", USCC])
    return saved(workbook)


def build_pptx() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "发布会方案"
    slide.placeholders[1].text = LINE
    shape = slide.shapes.add_table(3, 3, Inches(1), Inches(4), Inches(6), Inches(1.5))
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    slide.notes_slide.notes_text_frame.text = f"备注：客户 {USCC}"
    return saved(presentation)


def build_pdf() -> bytes:
    def draw(c) -> None:
        c.setAuthor("王芳")
        c.setTitle("媒体名单")
        c.setFont(FONT, 12)
        c.drawString(72, 750, "联系人：张伟")
        c.drawString(72, 730, f"手机 {PHONE}")
        c.drawString(72, 710, f"身份证号 {RESIDENT_ID}")
        c.showPage()
        c.setFont(FONT, 12)
        c.drawString(72, 750, f"统一社会信用代码 {USCC}")
        c.showPage()

    return pdf_bytes(draw, invariant=True)  # no timestamp or random ID: reproducible bytes


def build_eml(attachment: bytes | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"张伟 <{EMAIL}>"
    mail["To"] = "李娜 <lina@example.com>"
    mail["Subject"] = "媒体名单和合同"
    mail.set_content(LINE + "\n请查收附件。\n")
    mail.add_alternative(f"<p>{LINE}</p>", subtype="html")
    mail.add_attachment(
        attachment if attachment is not None else build_docx(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="合同.docx",
    )
    mail.add_attachment(build_csv(), maintype="text", subtype="csv", filename="名单.csv")
    return mail.as_bytes()


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    """A zip with these members in order; a repeated name is written twice."""
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": wanted when a name repeats
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def build_zip() -> bytes:
    return zip_of([("客户/名单.docx", build_docx()), ("纪要.txt", build_gbk_text())])


def nested_zip(depth: int, core: bytes | None = None) -> bytes:
    data = core if core is not None else build_gbk_text()
    name = "纪要.txt"
    for level in range(depth):
        data = zip_of([(name, data)])
        name = f"level{level}.zip"
    return data


def build_gbk_text() -> bytes:
    return ("会议纪要\r\n" + LINE + "\r\n" + "下次会议：三月十五日\r\n").encode("gbk")


def build_csv() -> bytes:
    return "\n".join(",".join(row) for row in ROWS).encode("utf-8") + b"\n"


def build_json() -> bytes:
    records = [dict(zip(ROWS[0], row, strict=True)) for row in ROWS[1:]]
    return json.dumps(
        {"客户": "北京星河传媒有限公司", "联系人": records}, ensure_ascii=False
    ).encode()


def build_html() -> bytes:
    cells = "".join(
        "<tr>" + "".join(f"<td>{value}</td>" for value in row) + "</tr>" for row in ROWS
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>名单</title></head><body>"
        f"<p>{LINE}</p><table>{cells}</table><!-- {EMAIL} --></body></html>"
    ).encode()


BUILDERS: dict[str, Callable[[], bytes]] = {
    "名单.docx": build_docx,
    "名单.xlsx": build_xlsx,
    "方案.pptx": build_pptx,
    "名单.pdf": build_pdf,
    "往来邮件.eml": build_eml,
    "资料.zip": build_zip,
    "纪要.txt": build_gbk_text,
    "名单.csv": build_csv,
    "客户.json": build_json,
    "名单.html": build_html,
}

EXTENSIONS = (
    ".docx", ".xlsx", ".pptx", ".pdf", ".eml", ".zip", ".txt", ".csv", ".json", ".html",
    ".xml", ".rtf", ".msg", ".doc", ".xls", ".odt", ".7z", ".tar", ".gz", ".md", "",
)  # fmt: skip


@functools.cache
def build_all() -> dict[str, bytes]:
    """Every document, built once per process (callers must not modify the dict)."""
    return {name: build() for name, build in BUILDERS.items()}


# --- mutators ------------------------------------------------------------------------------
# Each takes the bytes and a seeded random generator and returns a mutant.


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(out))
        out[i] ^= rng.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))] if len(data) > 1 else data


def chop_head(data: bytes, rng: random.Random) -> bytes:
    return data[rng.randrange(1, min(len(data), 512)) :] if len(data) > 1 else data


JUNK = (
    b"\x00" * 64,
    b"\xff" * 64,
    b"PK\x03\x04",
    b"PK\x05\x06" + b"\x00" * 18,
    b"%PDF-1.7\n",
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    b"<w:t>\xe6\x89\x8b\xe6\x9c\xba13812345678</w:t>",
    b"\r\n\r\n--boundary--\r\n",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n",
    "\u3000手机１３８１２３４５６７８\n".encode(),
    b"\xef\xbb\xbf",
    b"\xfe\xff\x00a",
)


def insert_junk(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    junk = rng.choice(JUNK) if rng.random() < 0.7 else rng.randbytes(rng.randint(1, 256))
    return data[:i] + junk + data[i:]


def delete_chunk(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, 256) :]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    chunk = data[i : i + rng.randint(1, 512)]
    j = rng.randrange(len(data) + 1)
    return data[:j] + chunk * rng.randint(1, 4) + data[j:]


def mutate_zip_member(data: bytes, rng: random.Random) -> bytes:
    """Structure-aware: unzip, mutate one member's bytes, zip again with valid CRCs, so the
    mutant reaches the XML and format parsers rather than the zip checksum."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    except Exception:
        return flip_bytes(data, rng)
    if not members:
        return data
    k = rng.randrange(len(members))
    name, body = members[k]
    if body:
        body = rng.choice(BYTE_MUTATORS)(body, rng)
    choice = rng.random()
    if choice < 0.15:
        members.append((name, body))  # the member twice
    elif choice < 0.25:
        del members[k]  # a part missing
    else:
        members[k] = (name, body)
    return zip_of(members)


BYTE_MUTATORS: tuple[Callable[[bytes, random.Random], bytes], ...] = (
    flip_bytes,
    truncate,
    chop_head,
    insert_junk,
    delete_chunk,
    duplicate_chunk,
)
MUTATORS = (*BYTE_MUTATORS, mutate_zip_member, mutate_zip_member)


def mutate(data: bytes, rng: random.Random, rounds: int = 1) -> bytes:
    for _ in range(rounds):
        if not data:
            break
        data = rng.choice(MUTATORS)(data, rng)
    return data
