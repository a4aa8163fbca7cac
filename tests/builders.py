"""Fixture builders shared by the tests: one small function per format, in memory.

Each returns the file's bytes. The richer fixtures stay in their test modules, written
with the library objects and turned into bytes by ``saved`` (Word, PowerPoint, Excel),
``pdf_bytes`` (PDF drawn on a reportlab canvas) or ``zip_bytes`` (ZIP archives).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
"""reportlab's built-in CID font: pypdf reads the Chinese back without a system font."""


class Savable(Protocol):
    def save(self, file: io.BytesIO, /) -> object: ...


def saved(document: Savable) -> bytes:
    """The bytes of a python-docx Document, python-pptx Presentation or openpyxl Workbook."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bytes(*paragraphs: str, title: str | None = None) -> bytes:
    """A Word document of body paragraphs, with a ``title`` document property if given."""
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    return saved(document)


def pptx_bytes(title: str, body: str | None = None) -> bytes:
    """A presentation of one slide: ``title`` and ``body`` on the title-and-content layout,
    or ``title`` alone on the title-only layout when there is no body."""
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5 if body is None else 1])
    slide.shapes.title.text = title
    if body is not None:
        slide.placeholders[1].text = body
    return saved(presentation)


def xlsx_bytes(*rows: Sequence[object]) -> bytes:
    """A workbook whose one sheet holds ``rows`` from A1 down."""
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    return saved(workbook)


def pdf_bytes(
    draw: Callable[[Canvas], None], *, encrypt: object = None, invariant: bool = False
) -> bytes:
    """A PDF drawn by ``draw`` on a reportlab canvas (which ends its pages with
    ``showPage``); ``FONT`` is registered. ``invariant`` leaves out the timestamp and
    random ID, for the same bytes every time."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, encrypt=encrypt, invariant=int(invariant))
    draw(c)
    c.save()
    return buffer.getvalue()


def zip_bytes(
    members: Mapping[str, bytes], *, comment: bytes = b"", encrypted: Iterable[str] = ()
) -> bytes:
    """A deflated ZIP archive of ``members`` in order. Members named in ``encrypted`` get
    the flag bit a password-protected member has (their data stays plain)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.comment = comment
    data = bytearray(buffer.getvalue())
    for name in encrypted:
        encoded = name.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = data.find(signature)
            while at >= 0:
                if data[at + name_at : at + name_at + len(encoded)] == encoded:
                    data[at + flag_at] |= 0x1
                at = data.find(signature, at + 4)
    return bytes(data)
