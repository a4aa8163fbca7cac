"""PDF: true redaction with PyMuPDF — the text is taken out of the file, not painted over.

PyMuPDF (``pymupdf``, MuPDF's Python binding) is licensed under the AGPL-3.0
(or a commercial licence from Artifex); shipping baomi with this writer puts
the whole program under the AGPL's terms.

Covered, i.e. every place the PDF extractor (``scanner.extract.pdf``) reads:

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
* document properties (every string in ``/Info``) and bookmark titles;
  the XMP metadata stream is deleted (it repeats the properties and no one
  reads it back here).

The result is saved with garbage collection and compression, so removed
strings and superseded objects (earlier incremental revisions) are gone from
the bytes.

Not covered: text PyMuPDF does not see as text (glyphs without a Unicode
mapping, text in Type3 glyph procedures or drawn as vector outlines, text
outside the page's media box), images (a scanned page stays as it is, as the
extractor does not read it either), embedded files, page-level XMP streams,
JavaScript and named destinations. Text PyMuPDF and pypdf read differently
(spacing) may be found by one and not the other: the verification step
re-extracts with pypdf and refuses the output if anything is left.

A PDF that needs a user password raises ``RedactionError``. One that only
restricts printing or copying (opens with the empty password) is redacted and
saved without encryption: MuPDF cannot re-encrypt it without the owner
password, which baomi does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pymupdf

from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits
from scanner.redact.writers import WriteContext

# The removal rectangle keeps the middle of the line: this much of the line's height
# is cut off at the top and at the bottom, and this much of the first and last
# character's width at the sides (a neighbouring glyph's box may overlap by kerning).
SHRINK_HEIGHT = 0.3
SHRINK_WIDTH = 0.15
BOX_COLOUR = (0, 0, 0)
LABEL_COLOUR = (1, 1, 1)
LABEL_FONT = "china-s"  # MuPDF's built-in Simplified Chinese font (Adobe-GB1, not embedded)
MIN_FONT_SIZE = 2.0
MAX_FIELD_DEPTH = 32
PROPERTIES = ("Author", "Title", "Subject", "Keywords", "Creator", "Producer")
_REFERENCE = re.compile(r"(\d+) 0 R")
# Literal ``(…)`` and hex ``<…>`` strings in a PDF array, e.g. a list box's selected values.
_PDF_STRING = re.compile(r"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>")
_ERRORS = (RuntimeError, ValueError, IndexError, KeyError, TypeError)


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
        changed = False
        for number, page in enumerate(doc, 1):
            changed |= _redact_page(page, layout[number - 1], rewriter, number)
            changed |= _rewrite_annotations(doc, page, rewriter, number)
        changed |= _rewrite_form_fields(doc, rewriter)
        changed |= _rewrite_properties(doc, rewriter)
        changed |= _rewrite_outline(doc, rewriter)
        if doc.get_xml_metadata():
            doc.del_xml_metadata()
            changed = True
        if not changed:
            return data
        return doc.tobytes(garbage=4, deflate=True)
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
            page.add_redact_annot(_removal_rect(rect, horizontal), fill=False, cross_out=False)
            boxes.append((rect, replacement))
            replacement = ""  # written once, on the first line the value covers
    if not boxes:
        return False
    page.apply_redactions(
        images=pymupdf.PDF_REDACT_IMAGE_NONE,
        graphics=pymupdf.PDF_REDACT_LINE_ART_NONE,
        text=pymupdf.PDF_REDACT_TEXT_REMOVE,
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
        if kind == pymupdf.PDF_ANNOT_WIDGET:
            continue  # a form field's value: see _rewrite_form_fields
        if kind == pymupdf.PDF_ANNOT_LINK:
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
    if kind != pymupdf.PDF_ANNOT_FREE_TEXT:
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
    """Every string of the /Info dictionary, as ``属性 author`` with its key as context."""
    kind, info = doc.xref_get_key(-1, "Info")
    if kind == "xref":
        xref, keys = _references(info)[0], doc.xref_get_keys(_references(info)[0])
    elif kind == "dict":  # a direct dictionary in the trailer: reached by key paths
        xref, keys = -1, [f"Info/{key}" for key in PROPERTIES]
    else:
        return False
    changed = False
    for key in keys:
        name = key.rsplit("/", 1)[-1].lower()
        changed |= _rewrite_string(doc, xref, key, rewriter, f"属性 {name}", name)
    return changed


def _rewrite_outline(doc: pymupdf.Document, rewriter: TextRewriter) -> bool:
    changed = False
    for entry in doc.get_toc(simple=False):
        xref = entry[3].get("xref", 0) if len(entry) > 3 else 0
        if xref:
            changed |= _rewrite_string(doc, xref, "Title", rewriter, "书签", "")
    return changed


def _reason(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {detail[:80]}" if detail else type(exc).__name__
