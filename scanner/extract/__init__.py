"""Extractors: one module per format, one line per format in ``FORMATS``.

An extractor takes a ``Source`` (the file's bytes, its detected MIME type and
its text, decoded on demand) and yields ``Segment``s. Adding a format: write
``scanner/extract/<format>.py`` with an ``extract(source)`` generator and add
one ``FormatSpec`` line below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from scanner.decode import decode
from scanner.models import Segment


@dataclass
class Source:
    path: str
    data: bytes
    mime: str
    _text: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return self.decoded[0]

    @property
    def encoding(self) -> str:
        return self.decoded[1] if self._text else ""

    @property
    def decoded(self) -> tuple[str, str]:
        if self._text is None:
            self._text = decode(self.data)
        return self._text

    @property
    def suffix(self) -> str:
        return PurePath(self.path.rsplit("!", 1)[-1]).suffix.lower()


Extractor = Callable[[Source], Iterator[Segment]]


@dataclass(frozen=True)
class FormatSpec:
    name: str
    extensions: tuple[str, ...]
    mimes: tuple[str, ...]
    extract: Extractor
    text_based: bool = True  # needs only "is it text" from libmagic; decided by extension


def _formats() -> list[FormatSpec]:
    from scanner.extract import markup, structured, tabular, text

    return [
        FormatSpec("csv", (".csv",), ("text/csv",), tabular.extract_csv),
        FormatSpec("tsv", (".tsv", ".tab"), ("text/tab-separated-values",), tabular.extract_tsv),
        FormatSpec(
            "json", (".json", ".jsonl", ".ndjson"), ("application/json",), structured.extract_json
        ),
        FormatSpec("xml", (".xml",), ("text/xml", "application/xml"), markup.extract_xml),
        FormatSpec("html", (".html", ".htm", ".xhtml"), ("text/html",), markup.extract_html),
        FormatSpec("text", (".txt", ".md", ".log", ".text", ""), ("text/plain",), text.extract),
    ]


_FORMATS: list[FormatSpec] | None = None


def formats() -> list[FormatSpec]:
    global _FORMATS
    if _FORMATS is None:
        _FORMATS = _formats()
    return _FORMATS


def is_textual(mime: str) -> bool:
    return mime.startswith("text/") or mime in ("application/json", "application/xml")


def select_format(source: Source) -> FormatSpec | None:
    """Content decides text or not (libmagic); for text, the extension picks the parser."""
    specs = formats()
    if not is_textual(source.mime):
        return None
    for spec in specs:
        if source.suffix in spec.extensions and spec.text_based:
            return spec
    for spec in specs:
        if source.mime in spec.mimes:
            return spec
    return next(s for s in specs if s.name == "text")
