"""PDF: true redaction with PyMuPDF — the text is taken out of the file, not painted over.

PyMuPDF (``pymupdf``, MuPDF's Python binding) is licensed under the AGPL-3.0
(or a commercial licence from Artifex); shipping baomi with this writer puts
the whole program under the AGPL's terms.

Covered, i.e. every place the PDF extractor (``scanner.scan.extract.pdf``) reads:

* page text: each page's text layer is read with PyMuPDF with character boxes,
  the whole page's text (lines joined by newlines, as the extractor's page
  segment) goes through the rewriter as ``第 N 页``, and each edit becomes
  redaction annotations over the exact characters, one per line it covers.
  ``apply_redactions`` then removes those glyphs from the content streams
  (images and line art are kept), a black box is drawn where they were and the
  replacement, if any, is written on it in white (MuPDF's built-in CJK font
  ``china-s``, not embedded), so ``baomi restore`` finds the label or token.
  The removal rectangle is the characters' box shrunk towards the middle of
  the line: MuPDF removes every glyph that overlaps it noticeably, and a full
  glyph box touches the line above and below in tightly set text;
* annotations (comments, their author, ``/Subj``; link targets such as
  ``mailto:``): the strings are rewritten in place; a comment whose text changed
  loses its rich-text copy (``/RC``), and a free-text comment its appearance
  (redrawn from the new text), since both still hold the old text;
* form field values (``/V`` and ``/DV``, text or list): rewritten; the
  widgets' appearance streams, which draw the old value, are dropped and the
  form asks viewers to redraw them (``/NeedAppearances``);
* document properties (every string in ``/Info``; an entry left unchanged is
  removed, dates and producer included) and bookmark titles.

Dropped, each recorded with ``WriteContext.drop`` (an index or a structural
name, never a value): every embedded file — any stream an ``/EF`` dictionary
points to, wherever its file specification sits (``pdf: embedded file 2``),
the ``/EmbeddedFiles`` name tree with its names and descriptions; file
attachment and media annotations (``pdf: file attachment annotation 1 of page
3``); JavaScript — the ``/JavaScript`` name tree, a script ``/OpenAction``,
every entry whose value holds a ``/JS`` action however deeply nested (a link's
``/A``, an action chain's ``/Next``), and every ``/AA`` additional-actions
dictionary; every ``/Metadata`` XMP stream, of the document, a page or any
other object (``pdf: XMP metadata of page 3``), and ``/AF`` associated files.
Objects are named by their number in the original (``of object 12``); only
objects still reachable from the trailer are looked at and reported.

The copy is always rebuilt — never the input's bytes, even when nothing was
edited — with garbage collection, compression and cleaned content streams, so
removed strings, dropped objects and every earlier incremental revision
(``pdf: earlier revisions``) are gone from the bytes.

Not covered: text PyMuPDF does not see as text (glyphs without a Unicode
mapping, text in Type3 glyph procedures or drawn as vector outlines, text
outside the page's media box), images on pages with visible text and their page
thumbnails (a scanned page, without any, becomes its redacted raster: ``pdf_scans.py``),
the structure tree's alternate texts, and named destinations. Text PyMuPDF and pypdf read
differently (spacing) may be found by one and not the other: the verification
step re-extracts with pypdf and refuses the output if anything is left.

A PDF that needs a user password raises ``RedactionError``. One that only
restricts printing or copying (opens with the empty password) is redacted and
saved without encryption: MuPDF cannot re-encrypt it without the owner
password, which baomi does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import cast

import pymupdf

from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits
from scanner.redact.writers import WriteContext
from scanner.redact.writers.pdf_scans import ScannedPages

# pymupdf re-exports MuPDF's PDF_* constants at run time, out of mypy's sight; they are
# read from its mupdf module, where they are defined (the same values).
mupdf = pymupdf.mupdf

# The removal rectangle keeps the middle of the line: this much of the line's height
# is cut off at the top and at the bottom, and this much of the first and last
# character's width at the sides (a neighbouring glyph's box may overlap by kerning).
SHRINK_HEIGHT = 0.3
SHRINK_WIDTH = 0.15
BOX_COLOUR = (0, 0, 0)
LABEL_COLOUR = (1, 1, 1)
LABEL_FONT = "china-s"  # MuPDF's built-in Simplified Chinese font (Adobe-GB1, not embedded)
MIN_FONT_SIZE = 2.0
# pymupdf documents fill=False as "no fill" (None means white) but types fill as a colour
NO_FILL = cast(Sequence[float], False)
MAX_FIELD_DEPTH = 32
PROPERTIES = ("Author", "Title", "Subject", "Keywords", "Creator", "Producer")
_REFERENCE = re.compile(r"(\d+) 0 R")
_ANY_REFERENCE = re.compile(r"(\d+)\s+\d+\s+R(?![A-Za-z])")  # any generation
# Literal ``(…)`` and hex ``<…>`` strings in a PDF array, e.g. a list box's selected values.
_PDF_STRING = re.compile(r"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>")
_ERRORS = (RuntimeError, ValueError, IndexError, KeyError, TypeError)
# Annotations that carry a file (or media made of files): dropped whole.
FILE_ANNOTATIONS = frozenset(
    {
        mupdf.PDF_ANNOT_FILE_ATTACHMENT,
        mupdf.PDF_ANNOT_SOUND,
        mupdf.PDF_ANNOT_MOVIE,
        mupdf.PDF_ANNOT_SCREEN,
        mupdf.PDF_ANNOT_3D,
        mupdf.PDF_ANNOT_RICH_MEDIA,
    }
)
# Entries dropped from every object, and how the drop message names them.
DROPPED_KEYS = {
    "AA": "additional actions",
    "AF": "associated files",
    "Metadata": "XMP metadata",
    "EF": "embedded file entry",
    "Desc": "embedded file description",
    "JS": "JavaScript (JS)",
}
_DELIMITER = r"(?=[\s()<>\[\]{}/%]|$)"
_SCRIPT = re.compile(r"/JS" + _DELIMITER)  # a JavaScript action's code, however nested
# An /EF dictionary, direct (group 1: its entries) or a reference to one (group 2).
_EF_ENTRY = re.compile(r"/EF\s*(?:<<([^<>]*)>>|(\d+)\s+\d+\s+R)")
_HIDDEN_KEY = re.compile(r"/(?:AA|AF|Metadata|EF|JS)" + _DELIMITER)


@dataclass
class _PageText:
    """A page's text as one string, with the box of the character at each offset."""

    text: str = ""
    boxes: list[tuple[pymupdf.Rect, int, bool] | None] = field(default_factory=list)
    # per offset: (character box, line number, line runs horizontally); None for a line break


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    doc = _open(data)
    layout = _open(data)  # a copy without annotations: its text is the content streams'
    try:
        _strip_annotations(layout)
        scans = ScannedPages(rewriter, ctx)  # pages without visible text: redacted rasters
        for number, page in enumerate(doc.pages(), 1):
            if not scans.redact(page, layout[number - 1], number):
                _redact_page(page, layout[number - 1], rewriter, number)
            _rewrite_annotations(doc, page, rewriter, number)
        _rewrite_form_fields(doc, rewriter)
        _rewrite_properties(doc, rewriter)
        _rewrite_outline(doc, rewriter)
        _drop_hidden(doc, ctx)
        # Always a full rewrite, never the input's bytes: garbage collection drops what
        # was taken out and every earlier revision; clean rewrites the content streams.
        return doc.tobytes(garbage=4, deflate=True, clean=True)
    except RedactionError:
        raise
    except _ERRORS as exc:
        raise RedactionError(f"corrupt: PDF could not be rewritten ({_reason(exc)})") from exc
    finally:
        layout.close()
        doc.close()


def _open(data: bytes) -> pymupdf.Document:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except _ERRORS as exc:
        raise RedactionError(f"corrupt: not a readable PDF ({_reason(exc)})") from exc
    if doc.needs_pass:  # a user password; owner-only restrictions open with the empty one
        doc.close()
        raise RedactionError("encrypted: cannot be redacted")
    return doc


def _strip_annotations(doc: pymupdf.Document) -> None:
    """PyMuPDF's page text includes what annotations draw (a form field's value); the
    extractor reads the page's own content only, and only that is redacted by area."""
    for number in range(doc.page_count):
        doc.xref_set_key(doc.page_xref(number), "Annots", "null")


# --- page text --------------------------------------------------------------------------


def _page_text(page: pymupdf.Page) -> _PageText:
    """Lines in content order joined by newlines, every character mapped to its box."""
    out = _PageText()
    parts: list[str] = []
    line_number = 0
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", ()):
            line_number += 1
            if parts:
                parts.append("\n")
                out.boxes.append(None)
            dx, dy = line["dir"]
            horizontal = abs(dx) >= abs(dy)
            for span in line["spans"]:
                for char in span["chars"]:
                    parts.append(char["c"])
                    box = (pymupdf.Rect(char["bbox"]), line_number, horizontal)
                    out.boxes.extend([box] * len(char["c"]))
    out.text = "".join(parts)
    return out


def _edit_rects(page_text: _PageText, edit: Edit) -> Iterator[tuple[pymupdf.Rect, bool]]:
    """The box of the edited characters on each line they cover, and its direction."""
    by_line: dict[int, tuple[pymupdf.Rect, bool]] = {}
    for entry in page_text.boxes[edit.start : edit.end]:
        if entry is None or entry[0].is_empty:
            continue
        box, line, horizontal = entry
        rect = by_line.get(line, (pymupdf.Rect(box), horizontal))[0]
        by_line[line] = (rect | box, horizontal)
    yield from by_line.values()


def _removal_rect(rect: pymupdf.Rect, horizontal: bool) -> pymupdf.Rect:
    """The middle of the characters' box: enough for MuPDF to take every glyph in it,
    too little to touch the lines above and below or the neighbouring characters."""
    if horizontal:
        dy = rect.height * SHRINK_HEIGHT
        dx = min(rect.width * SHRINK_WIDTH, rect.height * SHRINK_WIDTH)
    else:
        dx = rect.width * SHRINK_HEIGHT
        dy = min(rect.height * SHRINK_WIDTH, rect.width * SHRINK_WIDTH)
    return pymupdf.Rect(rect.x0 + dx, rect.y0 + dy, rect.x1 - dx, rect.y1 - dy)


def _redact_page(
    page: pymupdf.Page, layout: pymupdf.Page, rewriter: TextRewriter, number: int
) -> bool:
    page_text = _page_text(layout)
    if not page_text.text.strip():
        return False
    edits = rewriter.edits(page_text.text, f"第 {number} 页")
    boxes: list[tuple[pymupdf.Rect, str]] = []
    for edit in edits:
        replacement = edit.replacement
        for rect, horizontal in _edit_rects(page_text, edit):
            page.add_redact_annot(_removal_rect(rect, horizontal), fill=NO_FILL, cross_out=False)
            boxes.append((rect, replacement))
            replacement = ""  # written once, on the first line the value covers
    if not boxes:
        return False
    page.apply_redactions(
        images=mupdf.PDF_REDACT_IMAGE_NONE,
        graphics=mupdf.PDF_REDACT_LINE_ART_NONE,
        text=mupdf.PDF_REDACT_TEXT_REMOVE,
    )
    for rect, replacement in boxes:
        _draw_box(page, rect, replacement)
    return True


def _draw_box(page: pymupdf.Page, rect: pymupdf.Rect, replacement: str) -> None:
    """A black box where the value was, the replacement in white on it, shrunk to fit."""
    page.draw_rect(rect, color=None, fill=BOX_COLOUR, width=0, overlay=True)
    if not replacement.strip():
        return
    width = pymupdf.get_text_length(replacement, fontname=LABEL_FONT, fontsize=1)
    size = max(MIN_FONT_SIZE, min(rect.height * 0.8, rect.width / width if width else 0))
    baseline = pymupdf.Point(rect.x0, rect.y1 - (rect.height - size) / 2 - size * 0.15)
    page.insert_text(baseline, replacement, fontsize=size, fontname=LABEL_FONT, color=LABEL_COLOUR)


# --- annotations ------------------------------------------------------------------------


def _rewrite_annotations(
    doc: pymupdf.Document, page: pymupdf.Page, rewriter: TextRewriter, number: int
) -> bool:
    changed = False
    location = f"第 {number} 页"
    comment = 0
    for xref, kind, _ident in page.annot_xrefs():
        if kind == mupdf.PDF_ANNOT_WIDGET:
            continue  # a form field's value: see _rewrite_form_fields
        if kind == mupdf.PDF_ANNOT_LINK:
            changed |= _rewrite_string(doc, xref, "A/URI", rewriter, f"{location} 链接", "href")
            continue
        if _string(doc, xref, "Contents"):
            comment += 1
        label = f"{location} 批注 {comment}"
        edited = False
        for key, suffix, context in (("Contents", "", "批注"), ("T", " 作者", "作者")):
            edited |= _rewrite_string(doc, xref, key, rewriter, label + suffix, context)
        edited |= _rewrite_string(doc, xref, "Subj", rewriter, f"{label} 主题", "主题")
        if edited:
            _drop_stale_copies(doc, page, xref, kind)
        changed |= edited
    return changed


def _drop_stale_copies(doc: pymupdf.Document, page: pymupdf.Page, xref: int, kind: int) -> None:
    """The rich-text copy of a comment, and a free-text comment's drawing, hold the old
    text: drop the first, redraw the second from the new text (or drop it)."""
    doc.xref_set_key(xref, "RC", "null")
    if kind != mupdf.PDF_ANNOT_FREE_TEXT:
        return
    try:
        annot = page.load_annot(xref)
        annot.set_info(content=_string(doc, xref, "Contents"))
        annot.update()
    except _ERRORS:
        doc.xref_set_key(xref, "AP", "null")


def _target(doc: pymupdf.Document, xref: int, key: str) -> tuple[int, str]:
    """The object and key a path such as ``A/URI`` ends in: MuPDF writes along a path
    only through direct dictionaries, so indirect steps are followed here."""
    *steps, last = key.split("/")
    for number, step in enumerate(steps):
        kind, value = doc.xref_get_key(xref, step)
        if kind == "xref":
            return _target(doc, _references(value)[0], "/".join([*steps[number + 1 :], last]))
    return xref, key


def _string(doc: pymupdf.Document, xref: int, key: str) -> str:
    kind, value = doc.xref_get_key(xref, key)
    return value if kind == "string" else ""


def _rewrite_string(
    doc: pymupdf.Document,
    xref: int,
    key: str,
    rewriter: TextRewriter,
    location: str,
    context: str,
) -> bool:
    """One string entry of a PDF object through the rewriter; True if it changed."""
    value = _string(doc, xref, key)
    if not value.strip():
        return False
    new = _rewritten(value, rewriter, location, context)
    if new is None:
        return False
    doc.xref_set_key(*_target(doc, xref, key), pymupdf.get_pdf_str(new))
    return True


def _rewritten(value: str, rewriter: TextRewriter, location: str, context: str) -> str | None:
    """The edited text, or None when the rewriter leaves it alone. Edits are asked on
    the stripped text, as the extractor reads it, and applied to the whole."""
    stripped = value.strip()
    edits = rewriter.edits(stripped, location, (context,) if context else ())
    if not edits:
        return None
    lead = len(value) - len(value.lstrip())
    return value[:lead] + apply_edits(stripped, edits) + value[lead + len(stripped) :]


# --- form fields ------------------------------------------------------------------------


def _references(text: str) -> list[int]:
    return [int(number) for number in _REFERENCE.findall(text)]


def _rewrite_form_fields(doc: pymupdf.Document, rewriter: TextRewriter) -> bool:
    kind, fields = doc.xref_get_key(doc.pdf_catalog(), "AcroForm/Fields")
    if kind != "array":
        return False
    changed = _rewrite_fields(doc, _references(fields), "", rewriter, 0, set())
    if changed:  # viewers redraw the widgets whose stale appearance was dropped
        doc.xref_set_key(*_target(doc, doc.pdf_catalog(), "AcroForm/NeedAppearances"), "true")
    return changed


def _rewrite_fields(
    doc: pymupdf.Document,
    xrefs: list[int],
    parent: str,
    rewriter: TextRewriter,
    depth: int,
    seen: set[int],
) -> bool:
    """Fields and their kids, named as the extractor names them (``联系人.电话``)."""
    if depth > MAX_FIELD_DEPTH:
        return False
    changed = False
    for xref in xrefs:
        if xref in seen or not 0 < xref < doc.xref_length():
            continue
        seen.add(xref)
        partial = _string(doc, xref, "T").strip()
        name = f"{parent}.{partial}" if parent and partial else (partial or parent)
        edited = False
        for key in ("V", "DV"):
            edited |= _rewrite_value(doc, xref, key, rewriter, f"表单 {name}", partial or name)
        if edited:
            _drop_appearances(doc, xref)
        changed |= edited
        kind, kids = doc.xref_get_key(xref, "Kids")
        if kind == "array":
            kid_refs = _references(kids)
            changed |= _rewrite_fields(doc, kid_refs, name, rewriter, depth + 1, seen)
    return changed


def _rewrite_value(
    doc: pymupdf.Document,
    xref: int,
    key: str,
    rewriter: TextRewriter,
    location: str,
    context: str,
) -> bool:
    kind, raw = doc.xref_get_key(xref, key)
    if kind == "string":
        return _rewrite_string(doc, xref, key, rewriter, location, context)
    if kind != "array":
        return False
    values = [_decode_pdf_string(doc, token) for token in _PDF_STRING.findall(raw)]
    new = [_rewritten(v, rewriter, location, context) if v.strip() else None for v in values]
    if all(v is None for v in new):
        return False
    strings = [
        pymupdf.get_pdf_str(n if n is not None else v) for v, n in zip(values, new, strict=True)
    ]
    doc.xref_set_key(xref, key, "[" + " ".join(strings) + "]")
    return True


def _decode_pdf_string(doc: pymupdf.Document, token: str) -> str:
    """A PDF string token as text, decoded by MuPDF itself through a scratch object
    (left unreferenced: the garbage collection on save drops it)."""
    scratch = doc.get_new_xref()
    doc.update_object(scratch, f"<< /S {token} >>")
    return _string(doc, scratch, "S")


def _drop_appearances(doc: pymupdf.Document, xref: int) -> None:
    """A widget's appearance stream draws the old value: the field's own, its widgets'."""
    doc.xref_set_key(xref, "AP", "null")
    kind, kids = doc.xref_get_key(xref, "Kids")
    if kind == "array":
        for kid in _references(kids):
            if doc.xref_get_key(kid, "T")[0] == "null":  # a widget, not a child field
                doc.xref_set_key(kid, "AP", "null")


# --- document properties and bookmarks --------------------------------------------------


def _rewrite_properties(doc: pymupdf.Document, rewriter: TextRewriter) -> bool:
    """Every string of the /Info dictionary, as ``属性 author`` with its key as context;
    only the entries the rewriter changed are kept, with their new values. A copy for
    sharing needs none of the others: an author's login, a company or a file path in
    /Creator is client or firm information no recognizer flags. Rewritten entries stay
    so labels and tokens agree with the text and ``baomi restore`` finds them."""
    kind, info = doc.xref_get_key(-1, "Info")
    if kind == "xref":
        xref, keys = _references(info)[0], doc.xref_get_keys(_references(info)[0])
    elif kind == "dict":  # a direct dictionary in the trailer: reached by key paths
        xref, keys = -1, [f"Info/{key}" for key in PROPERTIES]
    else:
        return False
    kept: list[str] = []
    for key in keys:
        name = key.rsplit("/", 1)[-1]
        value = _string(doc, xref, key)  # "" for a name or number (/Trapped /False)
        new = _rewritten(value, rewriter, f"属性 {name.lower()}", name.lower())
        if new is not None and value.strip():
            kept.append(f"/{name} {pymupdf.get_pdf_str(new)}")
    # the whole dictionary is replaced: MuPDF keeps a key set to null in the saved file
    entries = "<<" + " ".join(kept) + ">>"
    if xref == -1:
        doc.xref_set_key(-1, "Info", entries)
    else:
        doc.update_object(xref, entries)
    return bool(keys)  # each entry was either rewritten or removed


def _rewrite_outline(doc: pymupdf.Document, rewriter: TextRewriter) -> bool:
    changed = False
    for entry in doc.get_toc(simple=False):
        xref = entry[3].get("xref", 0) if len(entry) > 3 else 0
        if xref:
            changed |= _rewrite_string(doc, xref, "Title", rewriter, "书签", "")
    return changed


# --- hidden places: attachments, embedded files, JavaScript, XMP, revisions ---------------


def _drop_hidden(doc: pymupdf.Document, ctx: WriteContext) -> None:
    """Take out what the copy must not carry and this writer does not rewrite. Done after
    the text edits, so the annotations are numbered as the extractor numbers them. Only
    objects still in use are looked at and reported: the garbage collection on save
    removes the others (earlier revisions' objects, a deleted annotation's)."""
    if doc.version_count > 1:  # the full rewrite on save keeps only the latest revision
        ctx.drop("pdf: earlier revisions")
    _drop_embedded_files(doc, _reachable(doc), ctx)
    _drop_content_annotations(doc, ctx)
    _drop_document_scripts(doc, ctx)
    owners = _owners(doc)
    in_use = _reachable(doc)
    dropped_metadata: set[int] = set()
    for xref in in_use:
        owner = owners.get(xref, f"object {xref}")
        dropped_metadata |= _drop_from_object(doc, xref, owner, ctx)
    _empty_metadata_streams(doc, in_use, dropped_metadata, ctx)


def _reachable(doc: pymupdf.Document) -> list[int]:
    """The objects the trailer leads to, in object order. A reference-looking token in a
    string counts too: looking at an object too many is harmless."""
    limit = doc.xref_length()
    seen: set[int] = set()
    todo = [ref for ref in _any_references(doc.pdf_trailer(compressed=True)) if 0 < ref < limit]
    while todo:
        xref = todo.pop()
        if xref in seen:
            continue
        seen.add(xref)
        for ref in _any_references(_object_source(doc, xref)):
            if 0 < ref < limit and ref not in seen:
                todo.append(ref)
    return sorted(seen)


def _any_references(source: str) -> list[int]:
    return [int(number) for number in _ANY_REFERENCE.findall(source)]


def _owners(doc: pymupdf.Document) -> dict[int, str]:
    """How drop messages name an object: the document's catalog, a page, else its number."""
    owners = {doc.page_xref(number): f"page {number + 1}" for number in range(doc.page_count)}
    owners[doc.pdf_catalog()] = "the document"
    return owners


def _drop_content_annotations(doc: pymupdf.Document, ctx: WriteContext) -> None:
    """File attachments and media (sound, movie, screen, 3D, rich media) annotations carry
    files; they go whole, with their popups."""
    for page in doc.pages():
        kept_number = 0
        for xref, kind, _ident in page.annot_xrefs():
            kept_number += 1
            if kind not in FILE_ANNOTATIONS:
                continue
            what = "file attachment" if kind == mupdf.PDF_ANNOT_FILE_ATTACHMENT else "media"
            page.delete_annot(page.load_annot(xref))
            ctx.drop(f"pdf: {what} annotation {kept_number} of page {page.number + 1}")


def _drop_embedded_files(doc: pymupdf.Document, in_use: list[int], ctx: WriteContext) -> None:
    """Every stream an /EF dictionary points to, wherever the file specification is (the
    /EmbeddedFiles name tree, an annotation, /AF, an action), is emptied; the name tree
    goes, with the names and descriptions it holds."""
    streams = sorted({ref for xref in in_use for ref in _ef_streams(doc, xref)})
    for number, stream in enumerate(streams, 1):
        if doc.xref_is_stream(stream):
            doc.update_stream(stream, b"")
        ctx.drop(f"pdf: embedded file {number}")
    if _null_path(doc, doc.pdf_catalog(), "Names/EmbeddedFiles"):
        ctx.drop("pdf: embedded files name tree")


def _ef_streams(doc: pymupdf.Document, xref: int) -> list[int]:
    """The object numbers an /EF dictionary in this object refers to (direct or not)."""
    source = _object_source(doc, xref)
    refs: list[int] = []
    for match in _EF_ENTRY.finditer(source):
        if match.group(1) is not None:  # /EF << /F 9 0 R /UF 9 0 R >>
            refs.extend(_references(match.group(1)))
        else:  # /EF 12 0 R: the dictionary is an object of its own
            refs.extend(_references(_object_source(doc, int(match.group(2)))))
    return refs


def _drop_document_scripts(doc: pymupdf.Document, ctx: WriteContext) -> None:
    catalog = doc.pdf_catalog()
    if _null_path(doc, catalog, "Names/JavaScript"):
        ctx.drop("pdf: JavaScript (Names/JavaScript) of the document")
    kind, value = doc.xref_get_key(catalog, "OpenAction")
    if kind == "xref":  # an action object of its own: look into it
        value = _object_source(doc, _references(value)[0])
    if kind in ("xref", "dict") and _SCRIPT.search(value):
        doc.xref_set_key(catalog, "OpenAction", "null")
        ctx.drop("pdf: JavaScript (OpenAction) of the document")


def _drop_from_object(
    doc: pymupdf.Document, xref: int, owner: str, ctx: WriteContext
) -> set[int]:
    """Additional actions, associated files, XMP, embedded-file specifications and any
    entry that holds JavaScript, in one object; the entries go whole. Returns the
    metadata streams this object referred to."""
    if not _HIDDEN_KEY.search(_object_source(doc, xref)):
        return set()  # most objects: nothing to look at key by key
    metadata: set[int] = set()
    for key in doc.xref_get_keys(xref):
        kind, value = doc.xref_get_key(xref, key)
        reason = _drop_reason(key, kind, value) if kind != "null" else ""
        if not reason:
            continue
        if key == "Metadata" and kind == "xref":
            metadata.update(_references(value))
        doc.xref_set_key(xref, key, "null")
        ctx.drop(f"pdf: {reason} of {owner}")
    return metadata


def _drop_reason(key: str, kind: str, value: str) -> str:
    """What an entry is when it must go (``additional actions``), else empty."""
    if key in DROPPED_KEYS:
        return DROPPED_KEYS[key]
    if key == "JS" or (kind in ("dict", "array") and _SCRIPT.search(value)):
        return f"JavaScript ({key})"
    if kind in ("dict", "array") and _EF_ENTRY.search(value):
        return f"embedded file specification ({key})"
    return ""


def _empty_metadata_streams(
    doc: pymupdf.Document, in_use: list[int], dropped: set[int], ctx: WriteContext
) -> None:
    """Every metadata stream in use is emptied: one referenced from somewhere unusual (a
    direct dictionary inside another entry) is not caught by the key-by-key pass.
    Those that pass already dropped (``dropped``) are not reported twice."""
    for xref in in_use:
        if not doc.xref_is_stream(xref):
            continue
        if doc.xref_get_key(xref, "Type") == ("name", "/Metadata") and doc.xref_stream_raw(xref):
            doc.update_stream(xref, b"")
            if xref not in dropped:
                ctx.drop(f"pdf: XMP metadata object {xref}")


def _object_source(doc: pymupdf.Document, xref: int) -> str:
    """An object's source (a stream's dictionary only); empty for a free or broken entry."""
    try:
        return doc.xref_object(xref, compressed=True)
    except _ERRORS:
        return ""


def _null_path(doc: pymupdf.Document, xref: int, path: str) -> bool:
    """Set the entry at ``path`` to null; True if there was one."""
    target, key = _target(doc, xref, path)
    if doc.xref_get_key(target, key)[0] == "null":
        return False
    doc.xref_set_key(target, key, "null")
    return True


def _reason(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {detail[:80]}" if detail else type(exc).__name__
