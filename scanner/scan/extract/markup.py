"""HTML and XML: the text a reader sees, by block, with table cells as table cells.

Built on the standard library's tolerant ``html.parser`` (it never raises on
broken markup and resolves entities such as ``&amp;``).

* Text is gathered per block element (p, div, li, td, h1 …): inline markup does
  not split it, so ``QQ：<b>87654321</b>`` stays one piece with its label.
* Table cells are yielded like spreadsheet cells, with the text of the first
  row's cell in their column as context (``<th>微信</th>`` … ``<td>zhang88</td>``),
  located ``表格 T 行 R 列 C``.
* Attributes: in HTML the ones people hide contact details in (``href``
  mailto/tel, ``title``, ``alt``, ``value``, ``content``, ``data-*``); in XML
  every attribute, with its name as context (``<contact phone="…">``).
* XML element names are context for their text; CDATA sections and comments
  are read; ``<script type="application/ld+json">`` is read as JSON; other
  scripts and styles are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Source
from scanner.scan.extract.structured import json_segments

HTML_TEXT_ATTRIBUTES = frozenset(
    {"href", "title", "alt", "value", "content", "placeholder", "label"}
)
SKIPPED_ELEMENTS = frozenset({"script", "style", "template"})
BLOCK_ELEMENTS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "caption",
        "title",
        "option",
        "select",
        "textarea",
    ]
)
CELL_ELEMENTS = frozenset({"td", "th"})


@dataclass
class _Table:
    number: int
    row: int = 0
    column: int = 0
    header: list[str] = field(default_factory=list)


class _TextCollector(HTMLParser):
    def __init__(self, xml: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.xml = xml
        self.segments: list[Segment] = []
        self._stack: list[str] = []
        self._buffer: list[str] = []
        self._buffer_line = 0
        self._tables: list[_Table] = []
        self._table_count = 0
        self._cell: list[str] | None = None
        self._ld_json: list[str] | None = None

    # --- elements -----------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_ELEMENTS or tag in CELL_ELEMENTS or self.xml:
            self._flush()
        self._stack.append(tag)
        self._attributes(tag, attrs)
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._ld_json = []
        elif not self.xml and tag == "table":
            self._table_count += 1
            self._tables.append(_Table(self._table_count))
        elif not self.xml and tag == "tr" and self._tables:
            self._tables[-1].row += 1
            self._tables[-1].column = 0
        elif not self.xml and tag in CELL_ELEMENTS and self._tables:
            self._tables[-1].column += 1
            self._cell = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._pop(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._ld_json is not None:
            self._structured("".join(self._ld_json))
            self._ld_json = None
        elif not self.xml and tag in CELL_ELEMENTS and self._cell is not None and self._tables:
            self._emit_cell("".join(self._cell))
            self._cell = None
        elif not self.xml and tag == "table" and self._tables:
            self._tables.pop()
        if tag in BLOCK_ELEMENTS or self.xml:
            self._flush()
        self._pop(tag)

    def _pop(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    # --- text -----------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self._ld_json is not None:
            self._ld_json.append(data)
            return
        if any(t in SKIPPED_ELEMENTS for t in self._stack):
            return
        if self._cell is not None:
            self._cell.append(data)
            return
        if not self._buffer:  # a block starts at its first visible character
            stripped = data.lstrip()
            if not stripped:
                return
            self._buffer_line = self.getpos()[0] + data[: len(data) - len(stripped)].count("\n")
            data = stripped
        self._buffer.append(data)

    def handle_comment(self, data: str) -> None:
        # comments are where people park old contact details: read them too
        if data.strip():
            self._flush()
            self.segments.append(
                Segment(data, "", SegmentKind.METADATA, first_line=self.getpos()[0])
            )

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA["):  # XML character data: text like any other
            self.handle_data(data[len("CDATA[") :])

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer = []
        if text.strip():
            context = (self._stack[-1],) if self.xml and self._stack else ()
            self.segments.append(
                Segment(text, "", SegmentKind.PROSE, first_line=self._buffer_line, context=context)
            )

    def _emit_cell(self, text: str) -> None:
        table = self._tables[-1]
        text = " ".join(text.split()) if "\n" in text else text
        if table.row == 1:
            table.header.append(text.strip())
        if not text.strip():
            return
        column = table.column
        header = table.header[column - 1] if column - 1 < len(table.header) else ""
        is_header = table.row == 1
        self.segments.append(
            Segment(
                text,
                f"表格 {table.number} 行 {table.row} 列 {column}",
                SegmentKind.HEADER if is_header else SegmentKind.TABLE_CELL,
                context=(header,) if header and not is_header else (),
            )
        )

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if not value or not value.strip():
                continue
            if self.xml or name in HTML_TEXT_ATTRIBUTES or name.startswith("data-"):
                self.segments.append(
                    Segment(
                        value,
                        f"第 {line} 行 <{tag} {name}>",
                        SegmentKind.METADATA,
                        context=(name, tag),
                    )
                )

    def _structured(self, text: str) -> None:
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            self.handle_data(text)
            return
        self.segments.extend(json_segments(document, "JSON-LD $"))


def _extract(source: Source, xml: bool) -> Iterator[Segment]:
    parser = _TextCollector(xml)
    parser.feed(source.text)
    parser.close()
    yield from parser.segments


def extract_html(source: Source) -> Iterator[Segment]:
    yield from _extract(source, xml=False)


def extract_xml(source: Source) -> Iterator[Segment]:
    yield from _extract(source, xml=True)
