"""Layout-preserving writers: one module per format, one line per format in ``_OPTIONAL``.

A writer is ``rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes``:
it returns the file with every piece of text passed through ``rewriter.edits``
and the edits applied in place, everything else (formatting, images, layout)
left as it was. It raises ``RedactionError`` when it cannot do that safely.

Writers are chosen by the same content detection as the extractors
(``scanner.scan.extract.select_format``): the writer registered under the
extractor's format name handles the file. Nested files (mail attachments)
go back through ``WriteContext.rewrite_member``.

Adding a format: write ``scanner/redact/writers/<format>.py`` with ``rewrite``
and add one line to ``_OPTIONAL``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.redact.edits import RedactionError, TextRewriter
from scanner.scan.content import PARSE_ERRORS, MemberPath, format_of, member_path
from scanner.scan.limits import Limits

__all__ = ["WriteContext", "Writer", "format_of", "rewrite_bytes", "writers"]


@dataclass
class WriteContext:
    """What a writer may need besides the bytes: the file's display name and limits.

    ``dropped`` collects what the copy leaves out (an orphan part, an embedded file, a
    PDF's JavaScript, a mail's preamble): writers rebuild a copy from what they understand
    and say here what they did not carry over. The list is shared with nested files, whose
    entries are prefixed with their member name, and is shown to the user and audited.
    ``unread`` collects what the copy carries without having read it (a picture or a
    scanned page with OCR off): shown and audited alike, so a copy is never called
    redacted in silence about a part nobody looked at.
    """

    path: str  # display form of ``at``
    limits: Limits = field(default_factory=Limits)
    depth: int = 0
    dropped: list[str] = field(default_factory=list)
    prefix: str = ""  # "member!" for a nested file's entries in ``dropped`` and ``unread``
    unread: list[str] = field(default_factory=list)
    at: MemberPath = None  # type: ignore[assignment]  # the file and member names apart

    def __post_init__(self) -> None:
        if self.at is None:  # a plain path is a real file's, never cut at "!"
            self.at = member_path(self.path)

    def drop(self, what: str) -> None:
        """Record that ``what`` (a part name, a kind of content; never a value) was left out."""
        self.dropped.append(self.prefix + what)

    def carried_unread(self, what: str) -> None:
        """Record that ``what`` (a part name; never a value) is carried without being read."""
        self.unread.append(self.prefix + what)

    def rewrite_member(self, name: str, data: bytes, rewriter: TextRewriter) -> bytes:
        """Rewrite a file inside this one (a mail attachment) with the writer for its type."""
        if self.depth >= self.limits.max_depth:
            raise RedactionError(f"{name}: nested deeper than {self.limits.max_depth} levels")
        at = self.at.child(name)
        child = WriteContext(
            str(at),
            self.limits,
            self.depth + 1,
            self.dropped,
            f"{self.prefix}{name}!",
            self.unread,
            at,
        )
        return rewrite_bytes(data, rewriter, child)


Writer = Callable[[bytes, TextRewriter, WriteContext], bytes]


_TEXT_FORMATS = ("text", "csv", "tsv", "json", "xml", "html")  # one writer: text.rewrite

# Writers in their own modules; a format whose module is absent is "not supported".
_OPTIONAL = {
    "docx": "scanner.redact.writers.docx",
    "pptx": "scanner.redact.writers.pptx",
    "xlsx": "scanner.redact.writers.xlsx",
    "pdf": "scanner.redact.writers.pdf",
    "eml": "scanner.redact.writers.eml",
    "zip": "scanner.redact.writers.archive",
    "image": "scanner.redact.writers.image",  # png, jpeg, tiff, bmp, webp, gif: OCR, painted
}

_NO_WRITER = {
    "encrypted": "encrypted: cannot be redacted (decrypt it first, then redact the copy)",
    "ole": "legacy Office format: save it as .docx/.xlsx/.pptx, then redact",
    "xls": "legacy Excel format: save it as .xlsx, then redact",
    # no free library writes RAR: a redacted copy would have to change format silently
    "rar": "RAR archive: cannot be written back as RAR; extract it (or re-pack it as .zip), "
    "then redact the files",
}

_WRITERS: dict[str, Writer | None] = {}  # format → its writer (None: none), once imported


def writer_for(name: str) -> Writer | None:
    """The writer of the extractor format ``name``, its module imported on first use (a
    redaction of Word files never loads PyMuPDF); None when there is none."""
    if name not in _WRITERS:
        _WRITERS[name] = _import_writer(name)
    return _WRITERS[name]


def _import_writer(name: str) -> Writer | None:
    if name in _TEXT_FORMATS:
        from scanner.redact.writers import text

        return text.rewrite
    module = _OPTIONAL.get(name)
    if module is None:
        return None
    try:
        writer: Writer = __import__(module, fromlist=["rewrite"]).rewrite
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    return writer


def writers() -> dict[str, Writer]:
    """Every format's writer (all modules imported)."""
    every = {name: writer_for(name) for name in (*_TEXT_FORMATS, *_OPTIONAL)}
    return {name: writer for name, writer in every.items() if writer is not None}


def _parse_errors() -> tuple[type[BaseException], ...]:
    from lxml import etree

    # the scanner's parse errors (``scanner/scan/content.py``) and the writers' own libraries'
    errors: tuple[type[BaseException], ...] = (*PARSE_ERRORS, OSError, etree.LxmlError)
    try:
        import pymupdf

        errors += (pymupdf.mupdf.FzErrorBase,)
    except (ImportError, AttributeError):
        pass
    return errors


def rewrite_bytes(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    name = format_of(data, ctx.at)
    if name is None:
        raise RedactionError("unsupported file type: cannot be redacted")
    writer = writer_for(name)
    if writer is None:
        raise RedactionError(_NO_WRITER.get(name, f"{name} files cannot be redacted yet"))
    try:
        return writer(data, rewriter, ctx)
    except RedactionError:
        raise
    except _parse_errors() as exc:  # damaged input a parser tripped over: refuse, never crash
        # the type only: an exception's message may quote the file's content
        kind = type(exc).__name__
        raise RedactionError(f"corrupt: {name} could not be parsed ({kind})") from None
