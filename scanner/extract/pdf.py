"""PDF: the text layer of every page, comments, form field values and document properties.

Read with pypdf in its tolerant mode (``strict=False``), since real-world PDFs
are often slightly malformed. What is covered, in document order:

* each page's text layer, located ``第 N 页`` with line numbers relative to the
  page (a finding reads ``第 2 页 第 5 行``); a page with no text is reported as
  ``第 N 页: image only, not scanned`` — scanned documents need OCR, which this
  scanner does not do, and an inventory must say what it did not look into;
* annotations, where reviewers type contact details: comment text
  (``第 N 页 批注 K``), the comment's author (``第 N 页 批注 K 作者``) and link
  targets such as ``mailto:`` (``第 N 页 链接``);
* document properties (``属性 author``, ``属性 title`` …);
* AcroForm field values, located by the field's full name (``表单 联系人.电话``)
  with the field name as context, the way a column header labels a cell.

Encrypted PDFs are opened with the empty user password first: many
"protected" PDFs only restrict printing or copying and open without a
password. Pathological pages are bounded by pypdf's own limits: stream
decompression is capped and parsing one content stream stops after two
million tokens (``stream_parsing_work_maximum_count``; a real page has a few
thousand, and two million take some seconds). Such a page, and one pypdf
cannot read at all, becomes a notice, not the loss of the whole document. No
operator-counting visitor is added on purpose: with a visitor pypdf parses
every content stream, while without one it skips streams that draw no text
(figures, scans) unparsed. The pipeline's per-file time limit is the last
resort.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from scanner.extract import (
    CorruptError,
    EncryptedError,
    Item,
    LimitExceeded,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.models import Segment, SegmentKind

# Form fields nest (a field's /Kids); hostile files can nest without end or loop.
MAX_FIELD_DEPTH = 32
PROPERTIES = ("/Author", "/Title", "/Subject", "/Keywords", "/Creator")
# Widgets are form fields (read from the AcroForm); a popup repeats its parent's text.
SKIPPED_ANNOTATIONS = frozenset({"/Widget", "/Popup"})
# What pypdf raises on malformed input besides its own errors.
_PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
    OSError,
    UnicodeError,
)

# pypdf logs a warning for every recoverable defect ("EOF marker not found"):
# thousands of lines on a real share, written over the scan's progress display.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract(source: Source) -> Iterator[Item]:
    reader = _open(source)
    try:
        pages = list(reader.pages)
    except _PARSE_ERRORS as exc:
        raise CorruptError(f"unreadable page tree ({_reason(exc)})") from exc
    too_complex: dict[tuple[int, ...], str] = {}  # content streams over budget, by object
    for number, page in enumerate(pages, 1):
        yield from _page(page, number, too_complex)
    yield from _properties(reader)
    yield from _form_fields(reader)


def _open(source: Source) -> PdfReader:
    try:
        reader = PdfReader(source.stream(), strict=False)
        encrypted = reader.is_encrypted
    except LimitReachedError as exc:
        raise LimitExceeded(f"PDF {_reason(exc)}") from exc
    except _PARSE_ERRORS as exc:
        raise CorruptError(f"not a readable PDF ({_reason(exc)})") from exc
    if encrypted:
        _decrypt_with_empty_password(reader)
    return reader


def _decrypt_with_empty_password(reader: PdfReader) -> None:
    try:
        matched = reader.decrypt("")
    except DependencyError as exc:  # AES without the cryptography package
        raise UnsupportedError(f"PDF encryption needs a missing library ({exc})") from exc
    except NotImplementedError as exc:  # an encryption handler pypdf does not know
        raise EncryptedError(str(exc)[:80]) from exc
    except _PARSE_ERRORS as exc:
        raise CorruptError(f"broken encryption dictionary ({_reason(exc)})") from exc
    if not matched:  # PasswordType.NOT_DECRYPTED: a real user password
        raise EncryptedError()


def _page(page: Any, number: int, too_complex: dict[tuple[int, ...], str]) -> Iterator[Item]:
    location = f"第 {number} 页"
    streams = _content_ids(page)
    try:
        if streams in too_complex:  # many pages, one hostile stream: parse it once
            raise LimitReachedError(too_complex[streams])
        text: str = page.extract_text()
    except LimitReachedError as exc:  # pypdf's parsing budget for one content stream
        if streams:
            too_complex[streams] = str(exc)
        yield Notice(f"{location}: too complex ({exc}), not scanned")
    except Exception as exc:  # one broken page (any pypdf error) must not hide the others
        yield Notice(f"{location}: unreadable ({_reason(exc)}), not scanned")
    else:
        if text.strip():
            yield Segment(text, location, SegmentKind.PROSE, first_line=1)
        else:
            yield Notice(f"{location}: image only, not scanned")
    yield from _annotations(page, location)


def _content_ids(page: Any) -> tuple[int, ...]:
    """Object numbers of a page's content streams; () when they are not shared objects."""
    try:
        contents = page.get("/Contents")
        if isinstance(contents, IndirectObject):
            resolved = contents.get_object()
            if isinstance(resolved, ArrayObject):
                contents = resolved
            else:
                return (contents.idnum,)
        if isinstance(contents, ArrayObject):
            return tuple(c.idnum for c in contents if isinstance(c, IndirectObject))
    except _PARSE_ERRORS:
        pass
    return ()


def _annotations(page: DictionaryObject, location: str) -> Iterator[Segment]:
    try:
        annotations = _resolve(page.get("/Annots"))
        if not isinstance(annotations, ArrayObject):
            return
        comment = 0
        for entry in annotations:
            annotation = _resolve(entry)
            if not isinstance(annotation, DictionaryObject):
                continue
            if _resolve(annotation.get("/Subtype")) in SKIPPED_ANNOTATIONS:
                continue
            contents = _text(annotation.get("/Contents"))
            if contents:
                comment += 1
                label = f"{location} 批注 {comment}"
                yield Segment(contents, label, SegmentKind.PROSE, context=("批注",))
                author = _text(annotation.get("/T"))
                if author:
                    yield Segment(author, f"{label} 作者", SegmentKind.METADATA, context=("作者",))
            action = _resolve(annotation.get("/A"))
            if isinstance(action, DictionaryObject):
                uri = _text(action.get("/URI"))
                if uri:
                    yield Segment(uri, f"{location} 链接", SegmentKind.METADATA, context=("href",))
    except _PARSE_ERRORS:
        return  # malformed annotations: the page text was still read


def _properties(reader: PdfReader) -> Iterator[Segment]:
    try:
        info = reader.metadata
        if info is None:
            return
        for key in PROPERTIES:
            value = _text(info.get(key))
            if value:
                name = key[1:].lower()
                yield Segment(value, f"属性 {name}", SegmentKind.METADATA, context=(name,))
    except _PARSE_ERRORS:
        return  # a broken /Info dictionary: the pages were still read


def _form_fields(reader: PdfReader) -> Iterator[Segment]:
    try:
        form = _resolve(reader.trailer["/Root"].get("/AcroForm"))
        if not isinstance(form, DictionaryObject):
            return
        fields = _resolve(form.get("/Fields"))
        if isinstance(fields, ArrayObject):
            yield from _fields(fields, "", 0, set())
    except _PARSE_ERRORS:
        return


def _fields(fields: ArrayObject, parent: str, depth: int, seen: set[int]) -> Iterator[Segment]:
    if depth > MAX_FIELD_DEPTH:
        return
    for entry in fields:
        if isinstance(entry, IndirectObject):
            if entry.idnum in seen:  # a /Kids loop
                continue
            seen.add(entry.idnum)
        field = _resolve(entry)
        if not isinstance(field, DictionaryObject):
            continue
        partial = _text(field.get("/T"))
        name = f"{parent}.{partial}" if parent and partial else (partial or parent)
        value = _field_value(field.get("/V"))
        if value:
            yield Segment(value, f"表单 {name}", SegmentKind.TABLE_CELL, context=(partial or name,))
        kids = _resolve(field.get("/Kids"))
        if isinstance(kids, ArrayObject):
            yield from _fields(kids, name, depth + 1, seen)


def _field_value(raw: Any) -> str:
    """Text and choice values; check box and radio states (/Yes, /Off) say nothing."""
    value = _resolve(raw)
    if isinstance(value, ArrayObject):  # a multiple-choice list box
        return "; ".join(t for t in (_text(v) for v in value) if t)
    return _text(value)


def _text(raw: Any) -> str:
    value = _resolve(raw)
    if isinstance(value, NameObject) or not isinstance(value, str):
        return ""
    return str(value).strip()


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _reason(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {detail[:80]}" if detail else type(exc).__name__
