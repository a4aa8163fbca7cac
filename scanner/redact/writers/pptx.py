"""PowerPoint (.pptx, .pptm, .potx, .ppsx …): every place the PowerPoint extractor reads,
rewritten in place.

Rewritten, one rewriter call per DrawingML paragraph (``a:p``) on its joined text
(``a:t`` of runs and fields, ``a:br`` as a line break):

* every slide — text boxes, placeholders, grouped shapes at any depth, both
  branches of an ``mc:AlternateContent``, tables (cells with their column's
  header as context, as the extractor gives it) — as ``幻灯片 N``;
* speaker notes (``幻灯片 N 备注``), SmartArt data and drawing parts, and the slide
  layouts and masters (their placeholders can hold a company name too);
* comments, classic (plain ``p:text``) and modern (DrawingML, replies included),
  and the comment authors' names, initials and account ids;
* document properties, and embedded packages (through the writer of their own type);
* what the extractor reads besides text: shape names and alt text of every slide,
  notes page, layout and master (one call per kind and part); section and
  custom-show names (``presentation.xml``); tags parts (``ppt/tags/tagN.xml``:
  values and names); charts (titles, series names, category and value caches,
  data labels, cell references: ``chart_pieces``).

The copy is then rebuilt from an allow list (``scanner.redact.writers.rebuild``):
every attribute of these parts and every string of the other XML parts (themes,
view and presentation properties …) is checked too; orphan parts, binary parts
other than images (VBA projects, fonts, OLE objects without a writer), image
metadata and the zip comment are dropped and recorded. Not rewritten: Strict
OOXML namespaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.redact.edits import TextRewriter
from scanner.redact.writers import WriteContext
from scanner.redact.writers.ooxml import (
    AUTHOR_CONTEXT,
    R_NS,
    AttributeSlot,
    Package,
    Part,
    main_part_name,
    open_package,
    rewrite_attribute_places,
    rewrite_attributes,
    rewrite_charts,
    rewrite_drawing_paragraphs,
    rewrite_element_texts,
    rewrite_embedded,
    rewrite_hyperlink_targets,
    rewrite_lines,
    rewrite_properties,
)
from scanner.scan.extract.pptx import PRESENTATION_ATTRIBUTES, SHAPE_ATTRIBUTES

P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
SLD_ID_LST, SLD_ID = f"{{{P_NS}}}sldIdLst", f"{{{P_NS}}}sldId"
R_ID = f"{{{R_NS}}}id"
CLASSIC_TEXT = f"{{{P_NS}}}text"

_MS = "http://schemas.microsoft.com/office/2018/10/relationships"
RT_SLIDE, RT_NOTES_SLIDE = f"{R_NS}/slide", f"{R_NS}/notesSlide"
RT_COMMENTS = (f"{R_NS}/comments", f"{_MS}/comments")
AUTHOR_ATTRIBUTES = ("name", "initials", "userId")

SLIDE = re.compile(r"ppt/slides/slide\d+\.xml")
NOTES = re.compile(r"ppt/notesSlides/notesSlide\d+\.xml")
COMMENTS = re.compile(r"ppt/comments/[^/]+\.xml")
AUTHORS = re.compile(r"ppt/(commentAuthors|authors)\.xml")
TAGS = re.compile(r"ppt/tags/[^/]+\.xml")
# Other parts whose DrawingML paragraphs are rewritten, and how they are located.
DRAWING_PARTS = (
    (re.compile(r"ppt/diagrams/[^/]+\.xml"), "SmartArt"),
    (re.compile(r"ppt/slideLayouts/slideLayout\d+\.xml"), "版式"),
    (re.compile(r"ppt/slideMasters/slideMaster\d+\.xml"), "母版"),
    (re.compile(r"ppt/notesMasters/notesMaster\d+\.xml"), "备注母版"),
    (re.compile(r"ppt/handoutMasters/handoutMaster\d+\.xml"), "讲义母版"),
)


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    package = open_package(data, "PowerPoint presentation", ctx.limits)
    main = main_part_name(package, "ppt/presentation.xml")
    locations = dict(_slide_locations(package, main))
    for name in package.names():
        location = _location(name, locations)
        if location is None:
            continue
        part = package.require_part(name)
        if COMMENTS.fullmatch(name):
            rewrite_element_texts(part, part.root.iter(CLASSIC_TEXT), rewriter, location)
        if AUTHORS.fullmatch(name):
            _rewrite_authors(part, rewriter)
        else:
            rewrite_drawing_paragraphs(part, rewriter, location)
            rewrite_attribute_places(part, SHAPE_ATTRIBUTES, rewriter, f"{location} ")
    rewrite_attribute_places(package.require_part(main), PRESENTATION_ATTRIBUTES, rewriter)
    for name in package.names():
        if TAGS.fullmatch(name):
            _rewrite_tags(package.require_part(name), rewriter)
    rewrite_charts(package, rewriter)
    rewrite_hyperlink_targets(package, rewriter, "ppt/")
    rewrite_properties(package, rewriter)
    rewrite_embedded(package, rewriter, ctx)
    return package.to_bytes(rewriter, ctx)


def _location(name: str, locations: dict[str, str]) -> str | None:
    """Where the text of part ``name`` is shown, None for a part without text to rewrite."""
    if name in locations:
        return locations[name]
    if SLIDE.fullmatch(name):
        return "幻灯片"
    if NOTES.fullmatch(name):
        return "备注"
    if COMMENTS.fullmatch(name):
        return "批注"
    if AUTHORS.fullmatch(name):
        return "批注作者"
    for pattern, label in DRAWING_PARTS:
        if pattern.fullmatch(name):
            return label
    return None


def _slide_locations(package: Package, main: str) -> Iterator[tuple[str, str]]:
    """(part, location) of slides in presentation order, their notes and comments."""
    part = package.part(main)
    targets = {r.element.get("Id"): r.target for r in package.relationships(main)}
    slide_ids = part.root.find(SLD_ID_LST) if part is not None else None
    for number, slide_id in enumerate(slide_ids if slide_ids is not None else (), start=1):
        slide = targets.get(slide_id.get(R_ID))
        if slide is None:
            continue
        location = f"幻灯片 {number}"
        yield slide, location
        for notes in package.related(slide, RT_NOTES_SLIDE):
            yield notes, f"{location} 备注"
        for comments in package.related(slide, *RT_COMMENTS):
            yield comments, f"{location} 批注"


def _rewrite_authors(part: Part, rewriter: TextRewriter) -> None:
    """Classic (``p:cmAuthor``) and modern (``p188:author``) comment authors."""
    authors = [e for e in part.root if isinstance(e.tag, str)]
    rewrite_attributes(part, authors, AUTHOR_ATTRIBUTES, rewriter, "批注作者", AUTHOR_CONTEXT)


def _rewrite_tags(part: Part, rewriter: TextRewriter) -> None:
    """A tags part: the values together, the names together, as the extractor reads them."""
    tags = [e for e in part.root.iter("{*}tag")]
    for attribute, location in (("val", "标签"), ("name", "标签名称")):
        lines = [[AttributeSlot(tag, attribute)] for tag in tags if tag.get(attribute)]
        rewrite_lines(part, lines, rewriter, location)
