"""PDF: the text layer of every page, comments, form field values and document properties.

Read with pypdf in its tolerant mode (``strict=False``), since real-world PDFs
are often slightly malformed. What is covered, in document order:

* each page's text layer, located ``第 N 页`` with line numbers relative to the
  page (a finding reads ``第 2 页 第 5 行``); a page with no text — a scan — and a page
  with a line of text over a big picture are rendered and read by OCR
  (``scanner/scan/extract/pdf_ocr.py``: ``第 2 页（图像识别） 第 5 行``); with OCR off or
  its budget spent a page with no text is reported as ``第 N 页: image only, not
  scanned``: an inventory must say what it did not look into;
* annotations, where reviewers type contact details: comment text
  (``第 N 页 批注 K``), the comment's author (``第 N 页 批注 K 作者``) and link
  targets such as ``mailto:`` (``第 N 页 链接``);
* document properties (``属性 author``, ``属性 title`` …);
* AcroForm field values, located by the field's full name (``表单 联系人.电话``)
  with the field name as context, the way a column header labels a cell;
* the places a PDF hides text from a reader, found by one walk over every
  object of the latest revision (direct dictionaries and arrays inside an
  object included, indirect references not followed — each object is visited
  once in its own right):

  - embedded files — the ``/EmbeddedFiles`` name tree, file-attachment
    annotations (``/FS``), associated files (``/AF``), any file specification
    with an ``/EF`` — handed back as attachments (``Member`` with
    ``in_path=False``: findings stay with the PDF, ``附件 名单.txt 第 2 行``),
    their description as ``附件 名单.txt 说明`` and any other file name they
    carry (``/F`` beside ``/UF``, the name tree's key) as ``附件 名单.txt 文件名``;
    an attachment over ``max_member_mb`` or the file's byte budget is refused
    and noted, the rest of the PDF still read;
  - XMP metadata streams (``/Metadata``) of the document (``文档 XMP 元数据``),
    of a page (``第 3 页 XMP 元数据``) or of any other object (``对象 12 XMP 元数据``),
    read as XML: element text and attribute values;
  - JavaScript (every action dictionary with ``/JS``: the ``/JavaScript`` name
    tree, ``/OpenAction``, ``/AA`` additional actions, link actions, ``/Next``
    chains), located ``脚本 N`` with line numbers.

  The redaction writer removes all of these from a copy; the scan reports
  them so that what a copy must lose is known and can be verified;
* earlier revisions of an incrementally updated file (each ``%%EOF`` but the
  last, up to ``MAX_EARLIER_REVISIONS``): each is read as a PDF of its own and
  what it holds that the latest revision does not — an overwritten property,
  a replaced page — is reported as ``早期版本 1 第 1 页``; a page whose content
  is the latest's is not read again, and earlier embedded files not at all.

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

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from scanner.models import Segment, SegmentKind
from scanner.scan.content import PARSE_ERRORS
from scanner.scan.decode import DecodeError, decode
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    ExtractionError,
    Item,
    LimitExceeded,
    Member,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.scan.extract.markup import extract_xml
from scanner.scan.extract.pdf_ocr import ScannedPages

# Form fields nest (a field's /Kids); hostile files can nest without end or loop.
MAX_FIELD_DEPTH = 32
PROPERTIES = ("/Author", "/Title", "/Subject", "/Keywords", "/Creator")
# Widgets are form fields (read from the AcroForm); a popup repeats its parent's text.
SKIPPED_ANNOTATIONS = frozenset({"/Widget", "/Popup"})
# The walk over every object: how deep into one object's direct dictionaries and arrays,
# and how many values in all (a hostile file can hold millions of numbers in one array).
MAX_WALK_DEPTH = 32
MAX_WALK_VALUES = 5_000_000
# Name trees nest (/Kids); hostile ones loop or nest without end.
MAX_NAME_TREE_DEPTH = 32
# The keys of a file specification that name the file, most specific first.
FILE_NAME_KEYS = ("/UF", "/F", "/Unix", "/DOS", "/Mac")
# Earlier revisions of an incrementally updated file scanned, at most; each costs a parse.
MAX_EARLIER_REVISIONS = 8
_EOF_MARKER = re.compile(rb"%%EOF")
_LINEARIZED = b"/Linearized"
LINEARIZED_HEAD = 1024  # the linearization dictionary is the file's first object
# What pypdf raises on malformed input: the parse errors of every parser
# (``scanner/scan/content.py``), its own, and what its object model trips over.
_PARSE_ERRORS: tuple[type[BaseException], ...] = (
    *PARSE_ERRORS,
    PyPdfError,
    AttributeError,
    AssertionError,
    RecursionError,
    OSError,
)

# Decoding a stream: pypdf raises NotImplementedError for a filter it does not know.
_STREAM_ERRORS: tuple[type[BaseException], ...] = (*_PARSE_ERRORS, NotImplementedError)
# Reading an earlier revision: any of it unreadable makes it a notice.
_REVISION_ERRORS: tuple[type[BaseException], ...] = (ExtractionError, *_STREAM_ERRORS)

# pypdf logs a warning for every recoverable defect ("EOF marker not found"):
# thousands of lines on a real share, written over the scan's progress display.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract(source: Source) -> Iterator[Item]:
    reader = _open(source)
    try:
        pages = list(reader.pages)
    except _PARSE_ERRORS as exc:
        raise CorruptError(f"unreadable page tree ({_reason(exc)})") from exc
    ends = _revision_ends(source.data)
    latest = _Latest(compare=bool(ends))
    for item in _revision(reader, pages, source, latest, True):
        if isinstance(item, Segment) and latest.compare:
            latest.texts.add(item.text)
        yield item
    yield from _earlier_revisions(source, ends, latest)


@dataclass
class _Latest:
    """What the latest revision holds, so earlier revisions report only what differs;
    nothing is kept (``compare`` false) for a file without earlier revisions."""

    compare: bool
    texts: set[str] = field(default_factory=set)
    contents: set[bytes] = field(default_factory=set)  # digests of pages' content streams


def _revision(
    reader: PdfReader, pages: list[Any], source: Source, latest: _Latest, is_latest: bool
) -> Iterator[Item]:
    """Everything one revision holds; an earlier revision's pages whose content is the
    latest's are not read again (only their annotations), nor its embedded files."""
    too_complex: dict[tuple[int, ...], str] = {}  # content streams over budget, by object
    scans = ScannedPages(source) if is_latest else None  # OCR of scanned pages (pdf_ocr.py)
    for number, page in enumerate(pages, 1):
        digest = _content_digest(page) if latest.compare else b""
        if is_latest and digest:
            latest.contents.add(digest)
        if not is_latest and digest in latest.contents:
            yield from _annotations(page, f"第 {number} 页")
        else:
            yield from _page(page, number, too_complex, scans)
    yield from _properties(reader)
    yield from _form_fields(reader)
    yield from _hidden_places(reader, pages, source, read_files=is_latest)


def _content_digest(page: Any) -> bytes:
    """A digest of a page's decoded content streams; empty when they cannot be read."""
    digest = hashlib.sha256()
    try:
        contents = _resolve(page.get("/Contents"))
        streams = list.__iter__(contents) if isinstance(contents, ArrayObject) else [contents]
        for stream in streams:
            digest.update(_stream_data(stream))
    except _STREAM_ERRORS:
        return b""
    return digest.digest()


# --- earlier revisions ----------------------------------------------------------------


def _earlier_revisions(source: Source, ends: list[int], latest: _Latest) -> Iterator[Item]:
    """An incrementally updated PDF keeps every earlier revision in its bytes: what one
    of them holds and the latest does not (a number overwritten, a page replaced) is
    reported as ``早期版本 1 第 1 页``. Embedded files of earlier revisions are not read."""
    if len(ends) > MAX_EARLIER_REVISIONS:
        yield Notice(f"{len(ends)} earlier revisions: the first {MAX_EARLIER_REVISIONS} scanned")
    for number, end in enumerate(ends[:MAX_EARLIER_REVISIONS], 1):
        label = f"早期版本 {number}"
        try:
            earlier = Source(source.path, source.data[:end], source.mime, source.limits)
            reader = _open(earlier)
            pages = list(reader.pages)
            items = list(_revision(reader, pages, earlier, latest, False))
        except _REVISION_ERRORS as exc:
            yield Notice(f"{label}: unreadable ({_reason(exc)}), not scanned")
            continue
        for item in items:
            if isinstance(item, Segment) and item.text not in latest.texts:
                yield replace(item, location=f"{label} {item.location}")


def _revision_ends(data: bytes) -> list[int]:
    """Where each earlier revision ends: after every ``%%EOF`` but the last. A linearized
    file's first ``%%EOF`` closes its first-page section, not a revision."""
    ends = [match.end() for match in _EOF_MARKER.finditer(data)]
    if ends and _LINEARIZED in data[:LINEARIZED_HEAD]:
        ends = ends[1:]
    return ends[:-1]


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


def _page(
    page: Any,
    number: int,
    too_complex: dict[tuple[int, ...], str],
    scans: ScannedPages | None = None,
) -> Iterator[Item]:
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
        if scans is not None:  # no text, or a little over a big picture: read by OCR
            yield from scans.items(number, text)
        elif not text.strip():
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
        root: Any = reader.trailer["/Root"]  # not a dictionary: AttributeError, caught below
        form = _resolve(root.get("/AcroForm"))
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


# --- hidden places: embedded files, XMP streams, JavaScript --------------------------------


@dataclass
class _Hidden:
    """What the walk over every object found, in object order."""

    files: list[DictionaryObject] = field(default_factory=list)  # file specifications with /EF
    metadata: list[tuple[int, Any]] = field(default_factory=list)  # (owner object, /Metadata)
    scripts: list[Any] = field(default_factory=list)  # /JS values: strings or streams
    values: int = 0  # values visited, against MAX_WALK_VALUES


def _hidden_places(
    reader: PdfReader, pages: list[Any], source: Source, read_files: bool = True
) -> Iterator[Item]:
    found = _Hidden()
    try:
        for idnum, obj in _objects(reader):
            _visit(obj, idnum, found, 0)
    except _WalkLimit:
        yield Notice(f"more than {MAX_WALK_VALUES} values in the objects: the rest not searched")
    names = _embedded_file_keys(reader)
    yield from _attachments(found.files, names, source, read_files)
    yield from _xmp_streams(found.metadata, _owner_labels(reader, pages))
    yield from _scripts(found.scripts)


class _WalkLimit(Exception):
    """The walk visited ``MAX_WALK_VALUES`` values."""


def _objects(reader: PdfReader) -> Iterator[tuple[int, Any]]:
    """Every object of the latest revision, by object number; unreadable ones skipped."""
    try:
        ids = {(idnum, gen) for gen, table in reader.xref.items() for idnum in table}
        ids |= {(idnum, 0) for idnum in reader.xref_objStm}
    except _PARSE_ERRORS:
        return
    for idnum, gen in sorted(ids):
        try:
            obj = IndirectObject(idnum, gen, reader).get_object()
        except _PARSE_ERRORS:
            continue
        if isinstance(obj, DictionaryObject | ArrayObject):
            yield idnum, obj


def _visit(value: Any, owner: int, found: _Hidden, depth: int) -> None:
    """Note the hidden places in one object's direct values; references are not followed
    (the object they point to is visited in its own right)."""
    found.values += 1
    if found.values > MAX_WALK_VALUES:
        raise _WalkLimit
    if depth > MAX_WALK_DEPTH:
        return
    if isinstance(value, DictionaryObject):
        if "/EF" in value:
            found.files.append(value)
        if "/JS" in value:
            found.scripts.append(dict.get(value, "/JS"))
        if "/Metadata" in value:
            found.metadata.append((owner, dict.get(value, "/Metadata")))
        children: Any = dict.values(value)
    elif isinstance(value, ArrayObject):
        children = list.__iter__(value)
    else:
        return
    for child in children:
        if isinstance(child, DictionaryObject | ArrayObject):
            _visit(child, owner, found, depth + 1)


# --- embedded files -------------------------------------------------------------------


def _attachments(
    specs: list[DictionaryObject], keys: dict[int, str], source: Source, read_files: bool
) -> Iterator[Item]:
    """Each embedded file once (two specifications may share one stream), with the
    specification's description and other names."""
    seen: set[int] = set()
    number = 0
    for spec in specs:
        stream_ref, stream = _embedded_stream(spec)
        if stream is None or (stream_ref is not None and stream_ref in seen):
            continue
        if stream_ref is not None:
            seen.add(stream_ref)
        number += 1
        if number > source.limits.max_members:
            yield Notice(f"more than {source.limits.max_members} embedded files: the rest not read")
            return
        try:
            names = _file_names(spec, keys.get(id(spec), ""))
            description = _text(spec.get("/Desc"))
        except _PARSE_ERRORS:  # a broken name or description: the file is still read
            names, description = [], ""
        yield from _attachment(stream, names, description, number, source, read_files)


def _attachment(
    stream: StreamObject,
    names: list[str],
    description: str,
    number: int,
    source: Source,
    read_files: bool,
) -> Iterator[Item]:
    """The file as an attachment, then its other names and its description."""
    name = _attachment_name(names, number)
    if read_files:
        yield _embedded_member(name, stream, source)
    label = f"附件 {name}"
    for other in names:
        if other != name:
            yield Segment(other, f"{label} 文件名", SegmentKind.METADATA, context=("文件名",))
    if description:
        yield Segment(description, f"{label} 说明", SegmentKind.METADATA, context=("说明",))


def _embedded_stream(spec: DictionaryObject) -> tuple[int | None, StreamObject | None]:
    """The stream of a file specification's /EF (its /UF or /F entry) and its number."""
    try:
        files = _resolve(spec.get("/EF"))
        if not isinstance(files, DictionaryObject):
            return None, None
        for key in ("/UF", "/F", *sorted(k for k in files if k not in ("/UF", "/F"))):
            raw = dict.get(files, key)
            stream = _resolve(raw)
            if isinstance(stream, StreamObject):
                return (raw.idnum if isinstance(raw, IndirectObject) else None), stream
    except _PARSE_ERRORS:
        pass
    return None, None


def _file_names(spec: DictionaryObject, key: str) -> list[str]:
    """The distinct names a file specification gives its file, the name tree's key last."""
    names: list[str] = []
    for raw in [*(spec.get(k) for k in FILE_NAME_KEYS), key]:
        name = _text(raw)
        if name and name not in names:
            names.append(name)
    return names


def _attachment_name(names: list[str], number: int) -> str:
    """The first declared name without any directory part; a made-up one if none."""
    for declared in names:
        name = re.split(r"[\\/]", declared)[-1].strip()
        if name:
            return name
    return f"嵌入文件 {number}"


def _embedded_member(name: str, stream: StreamObject, source: Source) -> Member:
    """The file's bytes, or a refused member when it is over the limits or unreadable."""
    limit = source.limits.max_member_bytes
    try:
        data = stream.get_data()
    except LimitReachedError:
        error: ExtractionError = LimitExceeded("embedded file larger than the decompression limit")
        return Member(name, b"", in_path=False, error=str(error), skipped=True)
    except _STREAM_ERRORS as exc:
        error = CorruptError(f"embedded file unreadable ({_reason(exc)})")
        return Member(name, b"", in_path=False, error=str(error))
    if len(data) > limit:
        error = LimitExceeded(f"embedded file larger than {source.limits.max_member_mb:g} MB")
        return Member(name, b"", in_path=False, error=str(error), skipped=True)
    if not source.budget.take(len(data)):  # decompressed bytes count, as in archives
        total = source.limits.max_archive_total_mb
        error = LimitExceeded(f"embedded files larger than {total:g} MB in all")
        return Member(name, b"", in_path=False, error=str(error), skipped=True)
    return Member(name, data, in_path=False)


def _embedded_file_keys(reader: PdfReader) -> dict[int, str]:
    """The /EmbeddedFiles name tree's key of each file specification, by the identity of
    the specification object (pypdf hands out one object per PDF object, direct or not)."""
    try:
        root: Any = reader.trailer["/Root"]  # not a dictionary: AttributeError, caught below
        names = _resolve(root.get("/Names"))
        if not isinstance(names, DictionaryObject):
            return {}
        tree = _resolve(names.get("/EmbeddedFiles"))
    except _PARSE_ERRORS:
        return {}
    keys: dict[int, str] = {}
    for key, value in _name_tree(tree, 0, set()):
        keys.setdefault(id(_resolve(value)), key)
    return keys


def _name_tree(node: Any, depth: int, seen: set[int]) -> Iterator[tuple[str, Any]]:
    """(key, raw value) pairs of a name tree, loops and runaway nesting cut off."""
    if not isinstance(node, DictionaryObject) or depth > MAX_NAME_TREE_DEPTH:
        return
    try:
        pairs = _resolve(node.get("/Names"))
        if isinstance(pairs, ArrayObject):
            for index in range(0, len(pairs) - 1, 2):
                yield _text(pairs[index]), list.__getitem__(pairs, index + 1)
        kids = _resolve(node.get("/Kids"))
        if not isinstance(kids, ArrayObject):
            return
        for kid in list.__iter__(kids):
            if isinstance(kid, IndirectObject):
                if kid.idnum in seen:
                    continue
                seen.add(kid.idnum)
            yield from _name_tree(_resolve(kid), depth + 1, seen)
    except _PARSE_ERRORS:
        return


# --- XMP metadata and JavaScript ------------------------------------------------------


def _owner_labels(reader: PdfReader, pages: list[Any]) -> dict[int, str]:
    """``文档`` for the catalog, ``第 N 页`` for each page, by object number."""
    labels: dict[int, str] = {}
    for number, page in enumerate(pages, 1):
        reference = getattr(page, "indirect_reference", None)
        if reference is not None:
            labels.setdefault(reference.idnum, f"第 {number} 页")
    try:
        root = dict.get(reader.trailer, "/Root")
        if isinstance(root, IndirectObject):
            labels[root.idnum] = "文档"
    except _PARSE_ERRORS:
        pass
    return labels


def _xmp_streams(metadata: list[tuple[int, Any]], owners: dict[int, str]) -> Iterator[Item]:
    """Each metadata stream once, as XML: element text and attribute values."""
    seen: set[int] = set()
    for owner, raw in metadata:
        if isinstance(raw, IndirectObject):
            if raw.idnum in seen:
                continue
            seen.add(raw.idnum)
        label = f"{owners.get(owner, f'对象 {owner}')} XMP 元数据"
        try:
            data = _stream_data(raw)
        except _STREAM_ERRORS as exc:
            yield Notice(f"{label}: unreadable ({_reason(exc)}), not scanned")
            continue
        if data:
            yield from _xml_segments(data, label)


def _xml_segments(data: bytes, label: str) -> Iterator[Segment]:
    try:
        text = decode(data)[0]
    except DecodeError:
        text = data.decode("utf-8", "replace")
    for segment in extract_xml(Source("xmp.xml", text.encode("utf-8"), "text/xml")):
        if segment.context and segment.context[0].startswith("xmlns"):
            continue  # a namespace URI, never client information
        location = f"{label} {segment.location}".rstrip()
        yield Segment(segment.text, location, SegmentKind.METADATA, context=segment.context)


def _scripts(scripts: list[Any]) -> Iterator[Item]:
    number = 0
    for raw in scripts:
        try:
            value = _resolve(raw)
            code = _decoded(_stream_data(raw)) if isinstance(value, StreamObject) else _text(value)
        except _STREAM_ERRORS as exc:
            yield Notice(f"脚本 {number + 1}: unreadable ({_reason(exc)}), not scanned")
            continue
        if code.strip():
            number += 1
            yield Segment(code, f"脚本 {number}", first_line=1, context=("JavaScript",))


def _decoded(data: bytes) -> str:
    """Bytes of a PDF text (a string pypdf left as bytes, a script stream): UTF-16 with its
    mark, UTF-8 or a Chinese code page as detected, else Latin-1, which keeps ASCII and
    digits (what phone and ID numbers are made of) whatever the bytes were meant to be."""
    try:
        return decode(data)[0]
    except DecodeError:
        return data.decode("latin-1")


def _stream_data(raw: Any) -> bytes:
    """A stream's decoded bytes, empty when it is not a stream; pypdf caps decompression,
    so a bomb raises ``LimitReachedError`` here."""
    stream = _resolve(raw)
    return stream.get_data() if isinstance(stream, StreamObject) else b""


def _text(raw: Any) -> str:
    value = _resolve(raw)
    if isinstance(value, bytes):  # a string pypdf could not decode (raw UTF-8, GBK)
        return _decoded(bytes(value)).strip()
    if isinstance(value, NameObject) or not isinstance(value, str):
        return ""
    return str(value).strip()


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _reason(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {detail[:80]}" if detail else type(exc).__name__
