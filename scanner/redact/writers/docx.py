"""Word (.docx, .docm, .dotx, .dotm): every place the Word extractor reads, rewritten in place.

Rewritten, one rewriter call per paragraph (``w:p``) on its joined text:

* the main document, every header and footer, footnotes, endnotes, comments and
  the glossary: runs inside insertions, hyperlinks, smart tags, fields, content
  controls and moved-to passages are part of their paragraph; a text box's
  paragraphs (``w:txbxContent``, both the DrawingML and the VML copy) are
  paragraphs of their own; a moved-from passage, a fallback branch and the
  field instructions of a paragraph are each rewritten on their own, since the
  extractor does not read them as paragraph text but their bytes are in the file;
* table cells with the text of their column's header as context, as the
  extractor gives it to the scanner;
* tracked deletions: every ``w:del`` (with its ``w:delText``) is removed, and any
  stray ``w:delText``/``w:delInstrText``: deleted text is gone from the file;
* authors and initials on comments and revision marks (``w:author``,
  ``w:initials``), and the commenters list (``word/people.xml``);
* DrawingML paragraphs (SmartArt data and drawing parts, shapes);
* external hyperlink targets, document properties, custom XML data, and
  embedded packages (through the writer of their own type);
* what the extractor reads besides text: alt text and names of pictures and
  shapes, content-control titles, tags and list items (one call per kind and
  part), charts (titles, series names, category and value caches, data labels,
  cell references: ``chart_pieces``), document variables in the settings part
  (each value with its name as context) and the settings' other strings;
* alternative-format chunks (``w:altChunk``: HTML, text, a document Word merges
  into the body on opening) through the writer of their own type, since their
  content is what the reader sees; a chunk without one (RTF, MHT) is dropped by
  the rebuild and recorded.

The copy is then rebuilt from an allow list (``scanner.redact.writers.rebuild``):
every attribute of these parts and every string of the other XML parts (themes,
styles, numbering …) is checked too; orphan parts, binary parts other than images
(VBA projects, fonts, printer settings), image metadata and the zip comment are
dropped and recorded. Not rewritten: Strict OOXML namespaces.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from lxml import etree

from scanner.redact.edits import RedactionError, TextRewriter
from scanner.redact.writers import WriteContext
from scanner.redact.writers.ooxml import (
    AttributeSlot,
    CharacterSlot,
    Element,
    Package,
    Part,
    Slot,
    TableShape,
    TextSlot,
    cell_context,
    header_contexts,
    main_part_name,
    open_package,
    reachable_related,
    remove,
    rewrite_attribute_places,
    rewrite_attributes,
    rewrite_charts,
    rewrite_custom_xml,
    rewrite_drawing_paragraphs,
    rewrite_embedded,
    rewrite_hyperlink_targets,
    rewrite_lines,
    rewrite_loose,
    rewrite_properties,
    rewrite_slots,
)
from scanner.scan.extract.docx import DOC_VAR, HIDDEN_ATTRIBUTES, RT_ALT_CHUNK, RT_SETTINGS, W_NAME
from scanner.scan.extract.ooxml import MC_NS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
MC_FALLBACK = f"{{{MC_NS}}}Fallback"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


P, T, R, TBL, TR, TC = _w("p"), _w("t"), _w("r"), _w("tbl"), _w("tr"), _w("tc")
PPR, RPR, TCPR = _w("pPr"), _w("rPr"), _w("tcPr")
DEL, DEL_TEXT, DEL_INSTR_TEXT = _w("del"), _w("delText"), _w("delInstrText")
INSTR_TEXT, MOVE_FROM, FLD_SIMPLE = _w("instrText"), _w("moveFrom"), _w("fldSimple")
SDT, SDT_CONTENT, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
COMMENT, FOOTNOTE, ENDNOTE = _w("comment"), _w("footnote"), _w("endnote")
W_AUTHOR, W_INITIALS, W_INSTR, W_VAL = _w("author"), _w("initials"), _w("instr"), _w("val")
GRID_SPAN, V_MERGE, H_MERGE = _w("gridSpan"), _w("vMerge"), _w("hMerge")
# What a reader sees as a character without a ``w:t`` (the extractor reads it so).
CHARACTERS = {_w("tab"): "\t", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-"}
# Passages whose text is in the file but not read as part of the paragraph: the source
# of a move (read at its destination) and the fallback copy of alternate content.
SIDE_PASSAGES = frozenset({MOVE_FROM, MC_FALLBACK})

# Story parts (besides the main document) and how their paragraphs are located.
STORIES = (
    (re.compile(r"word/header\d*\.xml"), "页眉"),
    (re.compile(r"word/footer\d*\.xml"), "页脚"),
    (re.compile(r"word/footnotes\.xml"), "脚注"),
    (re.compile(r"word/endnotes\.xml"), "尾注"),
    (re.compile(r"word/comments\.xml"), "批注"),
    (re.compile(r"word/glossary/document\.xml"), "文档部件"),
)
NOTES = {FOOTNOTE: "脚注", ENDNOTE: "尾注", COMMENT: "批注"}
DIAGRAMS = re.compile(r"word/diagrams/[^/]+\.xml")


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    package = open_package(data, "Word document", ctx.limits)
    main = main_part_name(package, "word/document.xml")
    for name, label in _stories(package, main):
        part = package.require_part(name)
        _rewrite_story(part, label, rewriter)
        prefix = "" if label == "段落" else f"{label} "
        rewrite_attribute_places(part, HIDDEN_ATTRIBUTES, rewriter, prefix)
    _rewrite_people(package, rewriter)
    _rewrite_settings(package, main, rewriter)
    rewrite_charts(package, rewriter)
    _rewrite_alternative_chunks(package, rewriter, ctx)
    for name in package.names():
        if DIAGRAMS.fullmatch(name):
            rewrite_drawing_paragraphs(package.require_part(name), rewriter, "SmartArt")
    rewrite_hyperlink_targets(package, rewriter, posixpath.dirname(main))
    rewrite_properties(package, rewriter)
    rewrite_custom_xml(package, rewriter)
    rewrite_embedded(package, rewriter, ctx)
    return package.to_bytes(rewriter, ctx)


def _stories(package: Package, main: str) -> Iterator[tuple[str, str]]:
    """(part name, location label) of the main document and every other story part."""
    yield main, "段落"
    for name in package.names():
        for pattern, label in STORIES:
            if name != main and pattern.fullmatch(name):
                yield name, label


# --- a story: the paragraphs of one part ----------------------------------------------------


def _rewrite_story(part: Part, label: str, rewriter: TextRewriter) -> None:
    part.dirty |= _remove_deletions(part.root)
    contexts = header_contexts(part.root.iter(TBL), WORD_TABLES)
    numbers = _note_numbers(part.root)
    for index, paragraph in enumerate(list(part.root.iter(P)), start=1):
        location = _location(paragraph, label, index, numbers)
        context = cell_context(paragraph, TC, contexts)
        for slots, suffix in _passages(paragraph):
            part.dirty |= rewrite_slots(slots, rewriter, location + suffix, context)
    for element, number in numbers.items():
        where = f"{NOTES[element.tag]} {number} 作者"
        rewrite_attributes(part, [element], [W_AUTHOR, W_INITIALS], rewriter, where)
    # revision marks (insertions, moves, formatting changes) name their author too
    marks = [e for e in part.root.iter() if e.get(W_AUTHOR) is not None and e.tag != COMMENT]
    rewrite_attributes(part, marks, [W_AUTHOR, W_INITIALS], rewriter, "修订作者")
    rewrite_drawing_paragraphs(part, rewriter, label)


def _remove_deletions(root: Element) -> bool:
    """Remove tracked deletions with their text: the file must not keep what was deleted."""
    deleted = list(root.iter(DEL, DEL_TEXT, DEL_INSTR_TEXT))
    for element in deleted:
        remove(element)
    return bool(deleted)


def _note_numbers(root: Element) -> dict[Element, int]:
    """Footnotes, endnotes and comments numbered in file order (separators not counted)."""
    numbers: dict[Element, int] = {}
    count = 0
    for element in root:
        if element.tag in NOTES and element.get(_w("type"), "normal") == "normal":
            count += 1
            numbers[element] = count
    return numbers


def _location(paragraph: Element, label: str, index: int, numbers: dict[Element, int]) -> str:
    for ancestor in paragraph.iterancestors(*NOTES):
        if ancestor in numbers:
            return f"{NOTES[ancestor.tag]} {numbers[ancestor]}"
    return f"段落 {index}" if label == "段落" else label


def _passages(paragraph: Element) -> list[tuple[list[Slot], str]]:
    """The slot lists of a paragraph, each one rewriter call: its text first, then its
    field instructions and each moved-from or fallback passage on their own."""
    text: list[Slot] = []
    instructions: list[Slot] = []
    side: list[tuple[list[Slot], str]] = []

    def walk(element: Element, into: list[Slot]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in (P, PPR, RPR):
                continue  # a nested paragraph (text box) is rewritten as its own
            if tag == T:
                into.append(TextSlot(child, preserve=True))
            elif tag in CHARACTERS:
                into.append(CharacterSlot(child, CHARACTERS[tag], _word_text))
            elif tag == INSTR_TEXT:
                instructions.append(TextSlot(child, preserve=True))
            elif tag in SIDE_PASSAGES:
                passage: list[Slot] = []
                side.append((passage, " 修订" if tag == MOVE_FROM else ""))
                walk(child, passage)
            else:
                if tag == FLD_SIMPLE and child.get(W_INSTR):
                    side.append(([AttributeSlot(child, W_INSTR)], " 域"))
                walk(child, into)

    walk(paragraph, text)
    return [(text, ""), (instructions, " 域"), *side]


def _word_text(character: Element, text: str) -> Element:
    """A ``w:t`` in place of a ``w:tab``/``w:br`` a replacement landed on (same run)."""
    element = etree.Element(T)
    element.text = text
    if text != text.strip():
        element.set(XML_SPACE, "preserve")
    return element


# --- tables -------------------------------------------------------------------------------


def _children(container: Element, wanted: str) -> Iterator[Element]:
    """Children with tag ``wanted``, looking through content controls and custom XML."""
    for child in container:
        if child.tag == wanted:
            yield child
        elif child.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
            yield from _children(child, wanted)


def _cell_span(cell: Element) -> int:
    properties = cell.find(TCPR)
    span = properties.find(GRID_SPAN) if properties is not None else None
    value = span.get(W_VAL, "1") if span is not None else "1"
    return max(1, int(value)) if value.isdigit() else 1


def _cell_text(cell: Element) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(T)) for p in _children(cell, P))


WORD_TABLES = TableShape(
    rows=lambda table: _children(table, TR),
    cells=lambda row: _children(row, TC),
    span=_cell_span,
    text=_cell_text,
)


# --- commenters ---------------------------------------------------------------------------


def _rewrite_people(package: Package, rewriter: TextRewriter) -> None:
    """``word/people.xml``: the commenters' names and account ids (often an e-mail)."""
    part = package.part("word/people.xml")
    if part is None:
        return
    names = [f"{{{W15_NS}}}author", f"{{{W15_NS}}}userId", "author", "userId"]
    rewrite_attributes(part, part.root.iter(), names, rewriter, "批注作者")


# --- settings and alternative-format chunks -------------------------------------------------


def _rewrite_settings(package: Package, main: str, rewriter: TextRewriter) -> None:
    """Document variables (``w:docVar``): each value with its name as context, the names
    together, as the extractor reads them; then the settings' other strings (a mail
    merge's data source)."""
    for name in package.related(main, RT_SETTINGS):
        part = package.require_part(name)
        variables = list(part.root.iter(DOC_VAR))
        for variable in variables:
            context = (variable.get(W_NAME) or "",)
            rewrite_lines(part, [[AttributeSlot(variable, W_VAL)]], rewriter, "文档变量", context)
        names = [[AttributeSlot(v, W_NAME)] for v in variables if v.get(W_NAME)]
        rewrite_lines(part, names, rewriter, "文档变量名称")
        rewrite_loose(part, rewriter, f"部件 {name}", skip=lambda e: e.tag == DOC_VAR)


def _rewrite_alternative_chunks(
    package: Package, rewriter: TextRewriter, ctx: WriteContext
) -> None:
    """``w:altChunk`` parts, rewritten by the writer of their own type (HTML and text by
    the text writer, a document by this one): Word shows their content as part of the
    body, so dropping them would change what the reader sees. One of a type no writer
    handles (RTF, MHT) is left to the rebuild, which drops it and records that."""
    for chunk in reachable_related(package, RT_ALT_CHUNK):
        try:
            package.replaced[chunk] = ctx.rewrite_member(chunk, package.read(chunk), rewriter)
        except RedactionError:
            continue  # the rebuild drops the binary part and records it
