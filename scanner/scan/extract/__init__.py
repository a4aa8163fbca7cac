"""Extractors: one module per format, one line per format in ``_formats()``.

An extractor is a generator ``extract(source: Source) -> Iterator[Item]``. It
yields, in document order:

* ``Segment`` — a piece of text with its human-readable ``location``
  (``段落 12``, ``sheet 媒体名单 cell C7``, ``第 2 页``) and, for table cells,
  the column header as ``context``;
* ``Member`` — an embedded file to scan in turn: an archive member (its path
  becomes ``a.zip!dir/b.docx``) or a mail attachment (its findings stay with
  the mail, located ``附件 合同.docx 段落 3``);
* ``Notice`` — something a reader of the inventory must know although the file
  was scanned (``第 3 页: image only, not scanned``).

An extractor that cannot read its file raises one of the ``ExtractionError``
subclasses below; its message is the reason the inventory shows. Any other
exception is caught by the pipeline and reported as an extraction failure.

Adding a format: write ``scanner/scan/extract/<format>.py`` with an ``extract``
generator and add one ``FormatSpec`` line to ``_formats()``. A format's module is
imported the first time a file of that format is read: a scan of text files never
loads openpyxl, python-pptx or PyMuPDF (together ~0.9 s of every start-up before).
"""

from __future__ import annotations

import importlib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO

from scanner.models import Segment
from scanner.scan.content import MemberPath
from scanner.scan.decode import decode, looks_like_utf16
from scanner.scan.limits import Budget, Limits


class ExtractionError(Exception):
    """The file could not be read; ``str(error)`` is the reason shown to people."""


class EncryptedError(ExtractionError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("encrypted: not scanned" + (f" ({detail})" if detail else ""))


class CorruptError(ExtractionError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"corrupt: {detail}")


class LimitExceeded(ExtractionError):
    """An archive or document beyond the configured safety limits (zip bombs)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"limit exceeded: {detail}")


class UnsupportedError(ExtractionError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"unsupported: {detail}")


@dataclass(frozen=True, slots=True)
class Member:
    """A file inside the file being scanned."""

    name: str  # archive member path, or attachment file name
    data: bytes = b""
    in_path: bool = True  # True: archive member (path a.zip!name); False: attachment (location)
    error: str = ""  # set when the member itself cannot be read (encrypted, too large …)
    skipped: bool = False  # with ``error``: skipped (encrypted, limits) rather than failed


@dataclass(frozen=True, slots=True)
class Notice:
    """A remark about a scanned file (part of it could not be read)."""

    message: str


Item = Segment | Member | Notice


@dataclass
class Source:
    """A file's content as extractors see it."""

    path: str  # display path, a.zip!dir/b.docx for archive members
    data: bytes
    mime: str
    limits: Limits = field(default_factory=Limits)
    depth: int = 0  # how many containers (archives, mails) this file is inside
    budget: Budget = None  # type: ignore[assignment]  # set in __post_init__ when not given
    _text: tuple[str, str] | None = field(default=None, repr=False)
    # the file and its member names apart (``path`` is their display form): a name may hold "!"
    at: MemberPath = None  # type: ignore[assignment]  # set in __post_init__ when not given

    def __post_init__(self) -> None:
        if self.budget is None:  # uncompressed bytes left for the whole top-level file
            self.budget = Budget(self.limits)
        if self.at is None:  # a plain path is a real file's, never cut at "!"
            self.at = MemberPath(self.path)

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
        return self.at.suffix

    def stream(self) -> BytesIO:
        return BytesIO(self.data)


Extractor = Callable[[Source], Iterator[Item]]


@dataclass(frozen=True)
class FormatSpec:
    name: str
    extensions: tuple[str, ...]
    mimes: tuple[str, ...]
    reader: str  # "module:function" of this package, imported on first use
    text_based: bool = True  # chosen by extension once libmagic says "text"

    def extract(self, source: Source) -> Iterator[Item]:
        return self.extractor()(source)

    def extractor(self) -> Extractor:
        module, _, function = self.reader.partition(":")
        extractor: Extractor = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return extractor


_OOXML = "application/vnd.openxmlformats-officedocument."
_WORD = (
    _OOXML + "wordprocessingml.document",
    _OOXML + "wordprocessingml.template",
    "application/vnd.ms-word.document.macroEnabled.12",
    "application/vnd.ms-word.template.macroEnabled.12",
)
_POWERPOINT = (
    _OOXML + "presentationml.presentation",
    _OOXML + "presentationml.slideshow",
    _OOXML + "presentationml.template",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.12",
    "application/vnd.ms-powerpoint.template.macroEnabled.12",
)
_EXCEL = (
    _OOXML + "spreadsheetml.sheet",
    _OOXML + "spreadsheetml.template",
    "application/vnd.ms-excel.sheet.macroEnabled.12",
)
_ODF = "application/vnd.oasis.opendocument."
# Compound files: the streams inside decide what they are (scanner/scan/extract/ole.py)
_OLE = (
    "application/msword",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-office",
    "application/x-ole-storage",
    "application/CDFV2",
)
IMAGE_MIMES = (
    "image/png",
    "image/jpeg",
    "image/pjpeg",
    "image/tiff",
    "image/bmp",
    "image/x-ms-bmp",
    "image/webp",
    "image/gif",
)
HEIC_MIMES = ("image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence")
IMAGE_EXTENSIONS = (
    ".png",
    ".jpg",
    ".jpeg",
    ".jpe",
    ".tif",
    ".tiff",
    ".bmp",
    ".webp",
    ".gif",
    ".heic",
    ".heif",
)
# gzip, bzip2 and xz streams around one file (scanner/scan/extract/archive.py)
COMPRESSED_MIMES = (
    "application/gzip",
    "application/x-gzip",
    "application/x-bzip2",
    "application/x-xz",
)
_LEGACY = (".doc", ".dot", ".wps", ".ppt", ".pps", ".pot", ".dps")  # Word, PowerPoint, WPS


def _formats() -> list[FormatSpec]:
    binary = [  # chosen by the type libmagic detects
        ("docx", (".docx", ".docm", ".dotx", ".dotm"), _WORD, "docx:extract"),
        ("pptx", (".pptx", ".pptm", ".ppsx", ".potx"), _POWERPOINT, "pptx:extract"),
        ("xlsx", (".xlsx", ".xlsm", ".xltx", ".xltm"), _EXCEL, "xlsx:extract"),
        ("xls", (".xls", ".xlt", ".et"), ("application/vnd.ms-excel",), "xls:extract"),
        ("odt", (".odt", ".ott"), (_ODF + "text", _ODF + "text-template"), "odf:extract_odt"),
        (
            "ods",
            (".ods", ".ots"),
            (_ODF + "spreadsheet", _ODF + "spreadsheet-template"),
            "odf:extract_ods",
        ),
        ("pdf", (".pdf",), ("application/pdf",), "pdf:extract"),
        ("image", IMAGE_EXTENSIONS, IMAGE_MIMES + HEIC_MIMES, "image:extract"),
        ("msg", (".msg",), ("application/vnd.ms-outlook",), "msg:extract"),
        (
            "encrypted",
            (),
            ("application/encrypted", "application/pgp-encrypted"),
            "ole:extract_encrypted",
        ),
        ("ole", _LEGACY, _OLE, "ole:extract_ole"),
        ("zip", (".zip",), ("application/zip",), "archive:extract_zip"),
        ("7z", (".7z",), ("application/x-7z-compressed",), "archive:extract_7z"),
        ("tar", (".tar",), ("application/x-tar",), "archive:extract_tar"),
        (
            "compressed",
            (".gz", ".tgz", ".bz2", ".xz"),
            COMPRESSED_MIMES,
            "archive:extract_compressed",
        ),
        ("rar", (".rar",), ("application/x-rar", "application/vnd.rar"), "archive:extract_rar"),
    ]
    textual = [  # libmagic says "text"; the extension (else the type) picks the parser
        ("eml", (".eml",), ("message/rfc822",), "mail:extract"),
        ("rtf", (".rtf",), ("text/rtf", "application/rtf"), "rtf:extract"),
        ("csv", (".csv",), ("text/csv",), "tabular:extract_csv"),
        ("tsv", (".tsv", ".tab"), ("text/tab-separated-values",), "tabular:extract_tsv"),
        (
            "json",
            (".json", ".jsonl", ".ndjson"),
            ("application/json", "application/x-ndjson"),
            "structured:extract_json",
        ),
        ("xml", (".xml",), ("text/xml", "application/xml"), "markup:extract_xml"),
        ("html", (".html", ".htm", ".xhtml"), ("text/html",), "markup:extract_html"),
        ("text", (".txt", ".md", ".log", ".text", ""), ("text/plain",), "text:extract"),
    ]
    return [FormatSpec(*spec, text_based=False) for spec in binary] + [
        FormatSpec(*spec) for spec in textual
    ]


_FORMATS: list[FormatSpec] | None = None


def formats() -> list[FormatSpec]:
    global _FORMATS
    if _FORMATS is None:
        _FORMATS = _formats()
    return _FORMATS


TEXT_MIMES = frozenset(
    {
        "application/json",
        "application/xml",
        "application/x-ndjson",
        "application/javascript",
        "application/x-subrip",
        "message/rfc822",
    }
)


def is_textual(mime: str) -> bool:
    return mime.startswith("text/") or mime in TEXT_MIMES or mime.endswith(("+json", "+xml"))


def refine_mime(data: bytes, mime: str) -> str:
    """Correct libmagic where it is known to be wrong for this share's files."""
    if mime == "application/octet-stream" and data.startswith(ZIP_SIGNATURE):
        # libmagic gives up on a zip whose first part is a deflated ``mimetype`` (its zero
        # bytes would then pass for UTF-16 text): the signature says zip
        mime = "application/zip"
    if mime == "application/zip":
        return refine_zip_mime(data, mime)
    if mime == "application/octet-stream" and looks_like_utf16(data[:8192]):
        return "text/plain"  # libmagic does not know UTF-16 without a byte-order mark
    if mime == DOS_PROGRAM and looks_like_multibyte_text(data[:8192]):
        return "text/plain"
    return mime


# libmagic calls a file that starts with byte 0xE9 or 0xEB (an x86 jump) a DOS COM program
# when its text test did not decide first, as on some files of tens of kilobytes: UTF-8
# Chinese text that starts with U+9000..U+9FFF (黑龙江, 项目, 重要, 银行) and GBK text start so.
# A COM program has no header to tell it by; text has no NUL and decodes.
DOS_PROGRAM = "application/x-dosexec"
EXECUTABLE_SIGNATURE = b"MZ"  # an .exe's header: libmagic names it the same type


def looks_like_multibyte_text(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) holds no NUL and decodes strictly as UTF-8
    or GB18030 (a character cut at the end allowed)."""
    if head.startswith(EXECUTABLE_SIGNATURE) or b"\0" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        for cut in range(4):  # the last character may be cut by the head's end
            try:
                head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


ZIP_SIGNATURE = b"PK\x03\x04"
# What a ZIP container really is, by the part that only that format has.
_ZIP_KINDS = (
    ("word/document.xml", _OOXML + "wordprocessingml.document"),
    ("xl/workbook.xml", _OOXML + "spreadsheetml.sheet"),
    ("ppt/presentation.xml", _OOXML + "presentationml.presentation"),
)


# An OpenDocument ``mimetype`` part is one short line (the standard stores it uncompressed):
# only this much of it is ever inflated, whatever size it declares.
MIMETYPE_PEEK_BYTES = 100


def refine_zip_mime(data: bytes, mime: str) -> str:
    """libmagic calls an OOXML or ODF file ``application/zip`` when its parts are in an
    unusual order; look at the parts to tell."""
    if mime != "application/zip":
        return mime
    from scanner.scan.extract.archive import read_head  # archive imports this module

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            info = archive.NameToInfo.get("mimetype")
            if info is not None:
                head = read_head(archive, info, MIMETYPE_PEEK_BYTES)
                declared = head.decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
    except (
        zipfile.BadZipFile,
        OSError,
        KeyError,
        RuntimeError,
        ValueError,
        EOFError,
        NotImplementedError,
        zlib.error,  # a damaged deflate stream in the mimetype part
    ):
        return mime
    for part, kind in _ZIP_KINDS:
        if part in names:
            return kind
    return mime


def select_format(source: Source) -> FormatSpec | None:
    """Content decides the kind (libmagic); for text, the extension picks the parser."""
    specs = formats()
    for spec in specs:  # binary formats: by detected type
        if not spec.text_based and source.mime in spec.mimes:
            return spec
    if not is_textual(source.mime):
        return None
    for spec in specs:
        if spec.text_based and source.suffix in spec.extensions:
            return spec
    for spec in specs:
        if spec.text_based and source.mime in spec.mimes:
            return spec
    return next(s for s in specs if s.name == "text")
