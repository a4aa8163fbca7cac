"""Content disarm and reconstruction for Office Open XML packages (docx, pptx, xlsx).

A format writer rewrites the parts it understands (paragraphs, cells, comments …).
This module then builds the copy from an allow list instead of passing the rest
through, because a value hides wherever a writer does not look:

* **orphan parts** — a member no relationship reaches from the package root — are
  dropped: no reader shows them, only a hex editor does;
* every other **XML part** the writer did not handle (charts and their caches, tags,
  settings with document variables, themes, drawings …) has all its text and
  attribute values passed through the rewriter: what is kept is what was checked;
* every **attribute** of a handled part (alt text ``descr``/``title``, shape and
  content-control names, section names) is passed through the rewriter too, since
  the writers rewrite element text;
* **images** (PNG, JPEG, GIF) are kept with their metadata chunks stripped
  (``scanner.redact.media``), what OCR reads in them and the policy removes painted
  over and verified (``scanner.redact.raster``); every other binary part (VBA projects,
  printer settings, fonts, EMF/WMF, embedded HTML, unrewritten OLE objects) is dropped;
* **relationships** to dropped parts and their content-type overrides are removed;
  external relationship targets other than hyperlinks (a template path under a
  user's folder) are passed through the rewriter;
* the zip comment and member comments are not carried.

Everything dropped is recorded with ``WriteContext.drop`` (part names only).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from lxml import etree

from scanner.redact import raster
from scanner.redact.edits import TextRewriter, apply_to_runs
from scanner.redact.writers import WriteContext
from scanner.scan.extract.ooxml import MAY_HOLD_VALUE, loose_strings

Element = Any  # an lxml element

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RELATIONSHIP = f"{{{REL_NS}}}Relationship"
OVERRIDE = f"{{{CT_NS}}}Override"
DEFAULT = f"{{{CT_NS}}}Default"
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "jpe", "gif"})


def may_hold_value(text: str) -> bool:
    """Whether ``text`` is worth a rewriter call (the scan's own test, ``MAY_HOLD_VALUE``:
    a CJK character, five digits even with separators or invisible characters between
    them, an @, an identifier-length run)."""
    return MAY_HOLD_VALUE.search(text) is not None


@dataclass
class Member:
    """A member of the source package: its header and a way to read its bytes."""

    info: zipfile.ZipInfo
    body: Callable[[], bytes]


def rebuild(
    members: Iterable[Member],
    handled: Mapping[str, bytes],
    rewriter: TextRewriter,
    ctx: WriteContext,
    comment: bytes = b"",
    checked: Collection[str] = frozenset(),
) -> bytes:
    """The copy: ``handled`` (part name → bytes as the writer rewrote or checked them)
    kept with their attributes checked, other parts kept only as described above.

    ``checked`` names handled parts whose attributes the writer has checked itself
    and which are carried as given: a worksheet's cells carry millions of coordinate
    attributes (``r="A10000"``) that are no text, and one rewriter call over all of
    them would cost more than the sheet."""
    members = [m for m in members if not m.info.is_dir()]
    by_name = {m.info.filename: m for m in members}
    contents: dict[str, bytes] = {}

    def read(name: str) -> bytes:
        if name not in contents:
            contents[name] = handled[name] if name in handled else by_name[name].body()
        return contents[name]

    reachable = _reachable(by_name, read)
    kept: dict[str, bytes] = {}
    for member in members:
        name = member.info.filename
        if name == CONTENT_TYPES or name.endswith(".rels"):
            continue  # decided once the parts are
        if name in checked and name in handled:
            kept[name] = handled[name]
            continue
        body = _carry(name, read, name in handled, name in reachable, rewriter, ctx)
        if body is not None:
            kept[name] = body
    for member in members:
        name = member.info.filename
        if (name.endswith(".rels") and _rels_source(name) in kept) or name == PACKAGE_RELS:
            kept[name] = _prune_relationships(name, read(name), kept, by_name, rewriter, ctx)
        elif name.endswith(".rels"):
            ctx.drop(f"relationships of a dropped part {name}")
    if CONTENT_TYPES in by_name:
        kept[CONTENT_TYPES] = _prune_content_types(read(CONTENT_TYPES), kept)
    if comment:
        ctx.drop("zip comment")
    return _write_zip(members, kept)


def _carry(
    name: str,
    read: Callable[[str], bytes],
    handled: bool,
    reachable: bool,
    rewriter: TextRewriter,
    ctx: WriteContext,
) -> bytes | None:
    """The bytes of part ``name`` in the copy, None (recorded) when it is dropped."""
    if handled:
        return rewrite_xml(read(name), rewriter, name, text=False) or read(name)
    if not reachable:
        ctx.drop(f"orphan part {name}")
        return None
    extension = posixpath.splitext(name)[1].lstrip(".").lower()
    if extension in ("xml", "vml"):
        rewritten = rewrite_xml(read(name), rewriter, name, text=True)
        if rewritten is None:
            ctx.drop(f"part {name} (not well-formed XML)")
        return rewritten
    if extension in IMAGE_EXTENSIONS:  # OCR'd, painted, verified (scanner/redact/raster.py)
        return raster.redact_picture(
            name, read(name), rewriter, ctx.limits.ocr, ctx.drop, ctx.carried_unread
        )
    ctx.drop(f"binary part {name}")
    return None


# --- which parts a reader reaches --------------------------------------------------------


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _rels_source(rels: str) -> str:
    """The part whose relationships ``rels`` holds ('' for the package)."""
    folder = posixpath.dirname(posixpath.dirname(rels))
    return posixpath.join(folder, posixpath.basename(rels).removesuffix(".rels"))


def resolve(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _parse(data: bytes) -> Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    return None if root.getroottree().docinfo.doctype else root


def _internal_targets(source: str, rels: bytes) -> list[str]:
    root = _parse(rels)
    if root is None:
        return []
    return [
        resolve(source, e.get("Target") or "")
        for e in root.iter(RELATIONSHIP)
        if e.get("TargetMode") != "External"
    ]


def _reachable(by_name: Mapping[str, Member], read: Callable[[str], bytes]) -> set[str]:
    """Parts reached from the package relationships, following every part's own."""
    seen: set[str] = set()
    queue = [""]
    while queue:
        source = queue.pop()
        rels = PACKAGE_RELS if source == "" else rels_name(source)
        if rels not in by_name:
            continue
        for target in _internal_targets(source, read(rels)):
            if target in by_name and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


# --- relationships and content types ------------------------------------------------------


def _prune_relationships(
    name: str,
    data: bytes,
    kept: Mapping[str, bytes],
    by_name: Mapping[str, Member],
    rewriter: TextRewriter,
    ctx: WriteContext,
) -> bytes:
    root = _parse(data)
    if root is None:
        ctx.drop(f"relationships {name} (not well-formed XML)")
        return _EMPTY_RELS
    source = _rels_source(name)
    changed = False
    for element in list(root.iter(RELATIONSHIP)):
        if element.get("TargetMode") == "External":
            if element.get("Type") != HYPERLINK_TYPE:  # hyperlinks: the writers' job
                changed |= _rewrite_values([(element, "Target")], rewriter, name)
            continue
        target = resolve(source, element.get("Target") or "")
        if target not in kept and not target.endswith(".rels"):
            element.getparent().remove(element)
            changed = True
            if target not in by_name:
                ctx.drop(f"relationship to a missing part from {name}")
    return serialise(root) if changed else data


def _prune_content_types(data: bytes, kept: Mapping[str, bytes]) -> bytes:
    root = _parse(data)
    if root is None:
        return data
    stale = [e for e in root.iter(OVERRIDE) if (e.get("PartName") or "").lstrip("/") not in kept]
    for element in stale:
        root.remove(element)
    return serialise(root) if stale else data


_EMPTY_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)


# --- the generic pass over an XML part ------------------------------------------------------


def rewrite_xml(data: bytes, rewriter: TextRewriter, name: str, text: bool) -> bytes | None:
    """``data`` with every attribute value (and with ``text``, every text node) that may
    hold a value passed through the rewriter; None if it is not well-formed XML. Returns
    the original bytes when nothing changed."""
    root = _parse(data)
    if root is None:
        return None
    # the same strings the scan reads in a part no reader knows (``loose_strings``)
    slots = [
        (element, where)
        for element, where in loose_strings(root)
        if text or where not in (".text", ".tail")
    ]
    if not slots or not _rewrite_values(slots, rewriter, name):
        return data
    return serialise(root)


def _rewrite_values(slots: list[tuple[Element, str]], rewriter: TextRewriter, name: str) -> bool:
    """One rewriter call for all ``slots`` of a part, joined by line breaks (a value
    never spans two of them), the edits written back slot by slot."""
    values = [_get(element, where) for element, where in slots]
    runs: list[str] = []
    for value in values:
        runs += [value, "\n"]
    edits = rewriter.edits("".join(runs), f"{name} 其他", ())
    if not edits:
        return False
    new = apply_to_runs(runs, edits)[0::2]
    changed = False
    for (element, where), old, value in zip(slots, values, new, strict=True):
        if value != old:
            _set(element, where, value)
            changed = True
    return changed


def _get(element: Element, where: str) -> str:
    if where == ".text":
        return element.text or ""
    if where == ".tail":
        return element.tail or ""
    return element.get(where) or ""


def _set(element: Element, where: str, value: str) -> None:
    if where == ".text":
        element.text = value
    elif where == ".tail":
        element.tail = value
    else:
        element.set(where, value)


def serialise(root: Element) -> bytes:
    """A part as Office writes it: UTF-8, its XML declaration in double quotes."""
    tree = root.getroottree()
    standalone = tree.docinfo.standalone
    declaration = '<?xml version="1.0" encoding="UTF-8"'
    if standalone is not None:
        declaration += f' standalone="{"yes" if standalone else "no"}"'
    body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    return f"{declaration}?>\r\n".encode() + body


# --- the zip --------------------------------------------------------------------------------


def _write_zip(members: Iterable[Member], kept: Mapping[str, bytes]) -> bytes:
    """The kept parts in their original order and compression, fresh headers (no
    comments, no extra fields), no archive comment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for member in members:
            body = kept.get(member.info.filename)
            if body is None:
                continue
            info = zipfile.ZipInfo(member.info.filename, member.info.date_time)
            info.compress_type = member.info.compress_type
            info.external_attr = member.info.external_attr
            target.writestr(info, body, compress_type=member.info.compress_type)
    return buffer.getvalue()
