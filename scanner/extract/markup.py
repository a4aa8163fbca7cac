"""HTML and XML: text content without tags, located by line.

Built on the standard library's tolerant ``html.parser`` (it never raises on
broken markup and resolves entities such as ``&amp;``). Besides element text,
the attributes people hide contact details in are read: ``href`` (``mailto:``,
``tel:``), ``title``, ``alt``, ``value``, ``content``, and comments. In XML the element name
is context (``<wechat>zhangwei_2024</wechat>``). Script and style bodies are
skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from scanner.extract import Source
from scanner.models import Segment, SegmentKind

TEXT_ATTRIBUTES = frozenset({"href", "title", "alt", "value", "content", "placeholder"})
SKIPPED_ELEMENTS = frozenset({"script", "style"})


class _TextCollector(HTMLParser):
    def __init__(self, element_context: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.element_context = element_context
        self.segments: list[Segment] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        line = self.getpos()[0]
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value and value.strip():
                self.segments.append(
                    Segment(
                        value,
                        f"第 {line} 行 <{tag} {name}>",
                        SegmentKind.METADATA,
                        context=(name, tag),
                    )
                )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._pop(tag)

    def handle_endtag(self, tag: str) -> None:
        self._pop(tag)

    def _pop(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_comment(self, data: str) -> None:
        # comments are where people park old contact details: read them too
        if data.strip():
            self.segments.append(
                Segment(data, "", SegmentKind.METADATA, first_line=self.getpos()[0])
            )

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(t in SKIPPED_ELEMENTS for t in self._stack):
            return
        context = (self._stack[-1],) if self.element_context and self._stack else ()
        self.segments.append(
            Segment(data, "", SegmentKind.PROSE, first_line=self.getpos()[0], context=context)
        )


def _extract(source: Source, element_context: bool) -> Iterator[Segment]:
    parser = _TextCollector(element_context)
    parser.feed(source.text)
    parser.close()
    yield from parser.segments


def extract_html(source: Source) -> Iterator[Segment]:
    yield from _extract(source, element_context=False)


def extract_xml(source: Source) -> Iterator[Segment]:
    yield from _extract(source, element_context=True)
