"""Minimal reproducers of the bugs the fuzz tests found; each now passes (fixed).

Each test states the correct behaviour. They were written as strict xfails when
the fuzz tests found the bugs, and became plain tests when the bugs were fixed
(parse errors at the writers' boundary are ``RedactionError``, at the extractors'
a ``corrupt: …`` reason; a broken zip member is that member's error only).

Escaping exceptions (only ``RedactionError`` may leave a redaction writer):

* ``zip_member_crc``, ``zip_shifted``, ``zip_bad_deflate``:
  ``scanner/redact/writers/archive.py`` ``rewrite`` calls ``source.read(info)`` with
  no ``try``: a member with a wrong CRC raises ``zipfile.BadZipFile``, a zip whose
  central directory points before the file start (bytes deleted before it) raises
  ``ValueError: negative seek value``, a member with a broken deflate stream raises
  ``zlib.error``.
* ``zip_bad_utf8_name``: the same writer opens the archive catching only
  ``zipfile.BadZipFile``; a central-directory name flagged UTF-8 (bit 11) that is not
  valid UTF-8 makes ``zipfile.ZipFile()`` raise ``UnicodeDecodeError`` (the scanner's
  extractor reports it as ``corrupt: not a readable ZIP archive``).
* ``docx_shifted``, ``pptx_shifted``: ``scanner/redact/writers/ooxml.py``
  ``Package.read`` catches ``_DAMAGED``, which lacks ``ValueError``: a .docx/.pptx with
  bytes deleted after its signature raises ``ValueError: negative seek value``.
* ``xlsx_shifted``: ``scanner/redact/writers/xlsx.py`` ``_Package.tree`` reads the
  part with no guard and ``rewrite`` catches ``_DAMAGED``, which lacks ``ValueError``
  (and ``OSError``): ``ValueError: negative seek value``.
* ``pdf_page``, ``pdf_info``: ``scanner/redact/writers/pdf.py`` catches ``_ERRORS``
  (RuntimeError, ValueError, …), but MuPDF raises ``pymupdf.mupdf.FzErrorBase``
  subclasses, which derive from ``Exception`` only. A page object with a non-name key
  (``FzErrorSyntax: invalid key in dict``) or a null page (``FzErrorArgument: not a
  dict (null)``) escapes from ``_strip_annotations``; an /Info dictionary with a
  non-name key escapes from ``_rewrite_properties``.

* ``zip_version`` (docx, pptx, xlsx, zip): a central-directory entry whose "version
  needed to extract" byte is above 6.3 (here 144, "14.4") makes ``zipfile.ZipFile()``
  raise ``NotImplementedError: zip file version 14.4``. ``ooxml.open_package`` (docx,
  pptx), the xlsx writer and ``archive.rewrite`` do not catch it; the four extractors
  do not either, so scanning reports ``<format> extraction failed:
  NotImplementedError``.

* ``docx_rel_without_target``: a ``word/_rels/document.xml.rels`` ``Relationship``
  without a ``Target`` attribute makes python-docx raise ``TypeError`` (in
  ``docx/opc/packuri.py`` ``from_rel_ref``, ``posixpath.join(base, None)``) while
  ``scanner/scan/extract/docx.py`` opens the package: the file ends as ``docx extraction
  failed: TypeError`` and none of its text is scanned, though the redaction writer
  rewrites the same file without complaint.

Wrong output (no exception):

* ``mask_email_suffix_only_domain``: ``scanner/masking.py`` ``_mask_email`` slices
  ``domain[: len(domain) - len(suffix) - 1]``; when the whole domain is a public suffix
  (``0@hi.cn``, ``x@gov.cn``) that index is -1, and the mask invents characters:
  ``*@h*.*.hi.cn`` (12 characters for a 7-character address). Not reachable through the
  e-mail recognizer (it requires a registrable domain), but ``mask`` is public.

Exceptions the pipeline's catch-all hides (the file ends as ``<format> extraction
failed: error``, a reason that explains nothing):

* ``zip_bad_deflate`` (scan): ``scanner/scan/extract/archive.py`` ``extract_zip`` catches
  ``BadZipFile``, ``OSError``, ``ValueError`` … per member but not ``zlib.error``: one
  member with a broken deflate stream aborts the whole archive, and the other members
  (here a phone number) are never scanned.
* ``xlsx_shifted`` (scan): the xlsx extractor lets the same ``ValueError`` out:
  ``xlsx extraction failed: ValueError``.
* ``gzip_bad_deflate``: ``extract_compressed`` catches ``OSError``, ``EOFError``,
  ``LZMAError`` but not ``zlib.error`` (a gzip header followed by a broken deflate
  stream).
"""

from __future__ import annotations

import io
import zipfile

import pytest

from recognizers.registry import build_recognizers
from scanner.masking import mask
from scanner.models import FileStatus
from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.scan.analyze import Analyzer
from scanner.scan.limits import Limits
from scanner.scan.pipeline import Scanner, ScanOptions
from tests.conftest import TEST_KEY_HEX
from tests.fuzz import documents

PHONE_LINE = "联系人手机13812345678\n".encode()


class NoEdits:
    def edits(self, text: str, location: str = "", context: object = ()) -> list[Edit]:
        return []


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    analyzer = Analyzer(build_recognizers(ner=False))
    return Scanner(analyzer, bytes.fromhex(TEST_KEY_HEX), options=ScanOptions(limits=Limits()))


def stored_zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def crc_broken_zip() -> bytes:
    """One stored member whose content no longer matches its CRC-32."""
    data = stored_zip([("a.txt", b"hello world, phone 13812345678\n")])
    return data.replace(b"hello world", b"hellO world")


def shifted_zip() -> bytes:
    """Five bytes of the first member's data deleted: the central directory's offsets now
    point five bytes before the start of the file."""
    data = stored_zip([("a.txt", b"hello world, phone 13812345678\n")])
    return data[:40] + data[45:]


def bad_deflate_zip(*extra: tuple[str, bytes]) -> bytes:
    """A first member marked deflated whose data is no deflate stream (0xff * 40)."""
    data = bytearray(stored_zip([("a.txt", b"\xff" * 40), *extra]))
    data[8] = 8  # compression method in the local header: deflate
    data[data.find(b"PK\x01\x02") + 10] = 8  # and in the central directory
    return bytes(data)


def bad_utf8_name_zip() -> bytes:
    """A member named 纪要.txt (UTF-8 flag set) whose central-directory name is no
    longer valid UTF-8 (the second byte of 纪 replaced by 'A')."""
    data = bytearray(stored_zip([("纪要.txt", PHONE_LINE)]))
    data[data.find(b"PK\x01\x02") + 46 + 1] = 0x41
    return bytes(data)


def version_bumped(data: bytes) -> bytes:
    """The first central-directory entry claims it needs zip version 14.4 to extract."""
    out = bytearray(data)
    out[out.find(b"PK\x01\x02") + 6] = 144
    return bytes(out)


ZIP_BUILDERS = {
    "a.docx": documents.build_docx,
    "a.pptx": documents.build_pptx,
    "a.xlsx": documents.build_xlsx,
    "a.zip": documents.build_zip,
}


def docx_rel_without_target() -> bytes:
    """A real .docx whose styles relationship has lost its Target attribute."""
    data = documents.build_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    rels = "word/_rels/document.xml.rels"
    return documents.zip_of(
        [(n, b.replace(b' Target="styles.xml"', b"") if n == rels else b) for n, b in members]
    )


def shifted_docx() -> bytes:
    """A real .docx with ten bytes after its signature deleted (still sniffed as docx)."""
    data = documents.build_docx()
    return data[:4] + data[14:]


def shifted_pptx() -> bytes:
    data = documents.build_pptx()
    return data[:4] + data[14:]


def shifted_xlsx() -> bytes:
    """A real .xlsx with five bytes of its first part's data deleted."""
    data = documents.build_xlsx()
    return data[:40] + data[45:]


def pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A hand-written PDF with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
PDF_BAD_PAGE_KEY = pdf([CATALOG, PAGES, PAGE.replace(b" >>", b" 7 >>")])
PDF_NULL_PAGE = pdf([CATALOG, PAGES, b"null"])
PDF_BAD_INFO_KEY = pdf([CATALOG, PAGES, PAGE, b"<< /Title (x) 7 >>"], b" /Info 4 0 R")


def test_the_well_formed_pdf_rewrites() -> None:
    """Control: the same hand-written PDF without the defect is accepted."""
    assert rewrite_bytes(pdf([CATALOG, PAGES, PAGE]), NoEdits(), WriteContext("a.pdf"))


def _must_raise_redaction_error(name: str, data: bytes) -> None:
    with pytest.raises(RedactionError):
        rewrite_bytes(data, NoEdits(), WriteContext(name))


ESCAPING = [
    pytest.param("a.zip", crc_broken_zip, id="zip_member_crc"),
    pytest.param("a.zip", shifted_zip, id="zip_shifted"),
    pytest.param("a.zip", bad_deflate_zip, id="zip_bad_deflate"),
    pytest.param("a.zip", bad_utf8_name_zip, id="zip_bad_utf8_name"),
    pytest.param("a.docx", shifted_docx, id="docx_shifted"),
    pytest.param("a.pptx", shifted_pptx, id="pptx_shifted"),
    pytest.param("a.xlsx", shifted_xlsx, id="xlsx_shifted"),
    pytest.param("a.pdf", lambda: PDF_BAD_PAGE_KEY, id="pdf_page_bad_key"),
    pytest.param("a.pdf", lambda: PDF_NULL_PAGE, id="pdf_page_null"),
    pytest.param("a.pdf", lambda: PDF_BAD_INFO_KEY, id="pdf_info_bad_key"),
]


@pytest.mark.parametrize(("name", "build"), ESCAPING)
def test_writers_raise_only_redaction_error(name: str, build) -> None:
    _must_raise_redaction_error(name, build())


def test_a_member_with_a_broken_deflate_stream_is_that_members_error(scanner: Scanner) -> None:
    results = scanner.scan_bytes("two.zip", bad_deflate_zip(("b.txt", PHONE_LINE)))
    outcome = {r.path: (r.status, r.reason, len(r.findings)) for r in results}
    assert outcome["two.zip"][0] is FileStatus.SCANNED
    assert outcome["two.zip!a.txt"][0] is FileStatus.ERROR
    assert outcome["two.zip!a.txt"][1].startswith("corrupt:")
    assert outcome["two.zip!b.txt"] == (FileStatus.SCANNED, "", 1)


def test_a_gzip_with_a_broken_deflate_stream_is_corrupt(scanner: Scanner) -> None:
    [result] = scanner.scan_bytes("随机.gz", b"\x1f\x8b\x08" + b"\x00" * 7 + b"\x06")
    assert result.status is FileStatus.ERROR
    assert result.reason.startswith("corrupt:"), result.reason


def test_a_shifted_xlsx_is_corrupt(scanner: Scanner) -> None:
    [result] = scanner.scan_bytes("a.xlsx", shifted_xlsx())
    assert result.status is FileStatus.ERROR
    assert result.reason.startswith("corrupt:"), result.reason


def test_masking_an_address_whose_domain_is_only_a_public_suffix() -> None:
    masked = mask("EMAIL_ADDRESS", "0@hi.cn")
    assert len(masked) == len("0@hi.cn"), masked
    assert masked.endswith("@hi.cn"), masked


@pytest.mark.parametrize("name", sorted(ZIP_BUILDERS))
def test_zip_version_too_new_is_a_redaction_error(name: str) -> None:
    _must_raise_redaction_error(name, version_bumped(ZIP_BUILDERS[name]()))


@pytest.mark.parametrize("name", sorted(ZIP_BUILDERS))
def test_zip_version_too_new_is_corrupt_or_unsupported(scanner: Scanner, name: str) -> None:
    result = scanner.scan_bytes(name, version_bumped(ZIP_BUILDERS[name]()))[0]
    assert result.status is not FileStatus.SCANNED
    assert result.reason.startswith(("corrupt:", "unsupported:")), result.reason


def test_the_docx_without_target_still_rewrites() -> None:
    """Control: the writer accepts the file the extractor fails on."""
    data = docx_rel_without_target()
    assert data != documents.build_docx()
    assert rewrite_bytes(data, NoEdits(), WriteContext("a.docx"))


def test_a_relationship_without_target_does_not_stop_the_docx_scan(scanner: Scanner) -> None:
    result = scanner.scan_bytes("a.docx", docx_rel_without_target())[0]
    assert " extraction failed: " not in result.reason, result.reason
