"""Pictures read by OCR, with a fake engine (fast, deterministic): picture files (locations,
boxes, EXIF orientation, downscaling, TIFF pages, the cache key), hostile pictures (a
30,000 × 30,000 PNG, a decompression bomb, a truncated JPEG, a TIFF of 1,000 pages), the
notes for OCR off, small pictures and a spent budget; pictures inside docx, pptx, xlsx and
odt, mail attachments and archive members; scanned PDF pages; the application's settings.

The real engine's end-to-end tests are in ``test_ocr_real.py`` (slow).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from email.message import EmailMessage

import pymupdf
import pytest
from PIL import Image

from reports import jsonl
from scanner.models import FileStatus, Segment, SegmentKind
from scanner.scan.content import open_source
from scanner.scan.extract import CorruptError, LimitExceeded, Notice, Source
from scanner.scan.extract import image as image_extractor
from scanner.scan.extract.pdf_ocr import RASTER_DPI, zoom
from scanner.scan.limits import Limits
from scanner.scan.ocr import OcrLine, OcrPage, OcrSettings, use_engine
from scanner.scan.ocr_cache import OcrCache, cache_key_from
from scanner.store.inventory import FileStat, Inventory
from tests.builders import saved, zip_bytes

PHONE = "13812345678"


class FakeEngine:
    """Reads any picture as the lines it was given: line i on row i (rows of equal height
    down the picture), characters one fortieth of the width each; remembers the sizes of
    the pictures it was shown."""

    name = "fake"

    def __init__(self, *lines: str) -> None:
        self.lines = lines or (f"联系人：张伟 手机：{PHONE}",)
        self.seen: list[tuple[int, int]] = []

    def read(self, image: Image.Image) -> OcrPage:
        self.seen.append(image.size)
        width, height = image.size
        char, row = width / 40, height / (2 * len(self.lines) + 1)
        found = []
        for i, text in enumerate(self.lines):
            top = (2 * i + 1) * row
            boxes = tuple(
                (round((j + 1) * char), round(top), round((j + 2) * char), round(top + row))
                for j in range(len(text))
            )
            found.append(OcrLine(text, boxes, 0.99))
        return OcrPage(width, height, tuple(found))


@pytest.fixture
def fake():
    engine = FakeEngine()
    use_engine(engine)
    image_extractor._RECENT.clear()  # what this process read lately, by key
    yield engine
    use_engine(None)
    image_extractor._RECENT.clear()


def picture(size=(800, 400), fmt="PNG", colour="white", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt, **save)
    return buffer.getvalue()


def items(data: bytes, name: str = "名片.png", limits: Limits | None = None) -> list:
    source, spec = open_source(data, name, limits or Limits())
    assert spec is not None, source.mime
    return list(spec.extract(source))


def texts(found: list) -> list[tuple[str, str]]:
    return [
        (i.location, i.text) if isinstance(i, Segment) else ("Notice", i.message) for i in found
    ]


def no_ocr() -> Limits:
    return Limits(ocr=OcrSettings(enabled=False))


# --- picture files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("TIFF", "image/tiff"),
        ("BMP", "image/bmp"),
        ("WEBP", "image/webp"),
        ("GIF", "image/gif"),
    ],
)
def test_a_picture_file_of_each_format_is_read_as_rows(fake, fmt, mime):
    source, spec = open_source(picture(fmt=fmt), "scan")
    assert (source.mime, spec.name if spec else None) == (mime, "image")
    assert texts(list(spec.extract(source))) == [
        ("图像识别 第 1 行", f"联系人：张伟 手机：{PHONE}")
    ]


def test_a_phone_in_a_picture_is_a_finding_with_its_box(fake, make_scanner):
    [result] = make_scanner(include_values=True).scan_bytes("名片.png", picture())
    assert result.status is FileStatus.SCANNED
    phone = next(f for f in result.findings if f.entity_type == "PHONE_NUMBER")
    assert (phone.value, phone.location) == (PHONE, "图像识别 第 1 行")
    start = f"联系人：张伟 手机：{PHONE}".index(PHONE)
    # characters are 20 px wide (800 / 40), the first at x = 20; row 1 of 3 in 400 px
    assert phone.box == (20 * (start + 1), 133, 20 * (start + 1 + len(PHONE)), 267)


def test_the_box_of_a_finding_is_in_jsonl_and_kept_by_the_inventory(fake, make_scanner, tmp_path):
    results = make_scanner().scan_bytes("名片.png", picture())
    fresh = io.StringIO()
    jsonl.write(results, fresh)
    written = [json.loads(line) for line in fresh.getvalue().splitlines()]
    phone = next(r for r in written if r["entity_type"] == "PHONE_NUMBER")
    start = f"联系人：张伟 手机：{PHONE}".index(PHONE)
    assert phone["box"] == [20 * (start + 1), 133, 20 * (start + 1 + len(PHONE)), 267]
    image = tmp_path / "名片.png"
    image.write_bytes(picture())
    with Inventory.open(tmp_path / "inv.db", writer=True) as inventory:
        run = inventory.begin_run([tmp_path], incremental=False)
        inventory.record(run, tmp_path, image, FileStat.of(image.stat()), None, "", results)
        [file_id] = [row.id for row in inventory.present_files()]
        stored = list(jsonl.recorded_records(inventory, [file_id]))
    # the stored path is the masked one; every other key, the box included, is as written
    assert [{**r, "path": ""} for r in stored] == [{**r, "path": ""} for r in written]


def test_exif_orientation_is_applied_and_boxes_are_in_the_picture_as_displayed(fake):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown turned 90° clockwise
    data = picture(size=(400, 800), fmt="JPEG", exif=exif.tobytes())
    [segment] = items(data, "photo.jpg")
    assert fake.seen == [(800, 400)]  # the engine saw it upright
    assert max(b[2] for b in segment.boxes) <= 800


def test_a_huge_picture_is_read_downscaled_and_its_boxes_scaled_back(fake):
    data = picture(size=(9000, 300))
    [segment] = items(data)
    assert fake.seen == [(4000, 133)]  # MAX_OCR_SIDE
    # 9000 / 40 = 225 px a character; rows a third of the height, scaled outwards
    assert segment.boxes[0] == (225, 99, 450, 201)


def test_a_transparent_screenshot_is_read_on_white(fake):
    seen: list[Image.Image] = []
    fake.read = lambda image: seen.append(image) or OcrPage(*image.size, ())  # type: ignore[method-assign]
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(buffer, "PNG")
    assert items(buffer.getvalue()) == []
    assert seen[0].mode == "RGB" and seen[0].getpixel((5, 5)) == (255, 255, 255)


def test_the_pages_of_a_tiff_are_read_one_by_one(fake):
    buffer = io.BytesIO()
    pages = [Image.new("L", (300, 200), shade) for shade in (255, 250, 245)]
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:])
    found = items(buffer.getvalue(), "传真.tif")
    assert [s.location for s in found] == [f"第 {n} 页（图像识别） 第 1 行" for n in (1, 2, 3)]


def test_the_metadata_of_a_picture_file_is_read(fake):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "王芳 13912345678")
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, "PNG", pnginfo=info)
    found = items(buffer.getvalue())
    assert texts(found)[0] == ("图片元数据", "Author: 王芳 13912345678")
    assert found[0].kind is SegmentKind.METADATA


def test_a_scanned_table_in_a_picture_gives_cells_under_their_headers(fake):
    def line(text: str, x: int, y: int) -> OcrLine:
        boxes = tuple((x + 20 * i, y, x + 20 * (i + 1), y + 24) for i in range(len(text)))
        return OcrLine(text, boxes, 0.99)

    grid = [("姓名", "手机"), ("王芳", "13912345678"), ("李强", "13698765432")]
    page = OcrPage(
        800,
        300,
        tuple(
            line(t, 10 + c * 300, 10 + r * 50)
            for r, row in enumerate(grid)
            for c, t in enumerate(row)
        ),
    )
    fake.read = lambda image: page  # type: ignore[method-assign]
    found = items(picture(size=(800, 300)))
    cell = next(s for s in found if s.text == "13912345678")
    assert (cell.kind, cell.context) == (SegmentKind.TABLE_CELL, ("手机",))
    assert cell.location == "图像识别 第 2 行 第 2 列"


# --- OCR off, small pictures, the budget, the cache ----------------------------------------


def test_with_ocr_off_a_picture_is_noted_not_read(fake):
    assert texts(items(picture(), limits=no_ocr())) == [("Notice", "image not read (OCR off)")]
    assert fake.seen == []


def test_a_picture_too_small_to_hold_text_is_noted(fake):
    [notice] = items(picture(size=(40, 40)))
    assert notice.message == (
        "图像识别: image too small to hold text (40 × 40 pixels, [ocr] min_image_px = 48), not read"
    )
    assert fake.seen == []


def test_a_spent_budget_is_noted_with_its_reason(fake):
    limits = Limits(ocr=OcrSettings(file_budget_s=0))
    assert texts(items(picture(), limits=limits)) == [
        ("Notice", "图像识别: not read by OCR ([ocr] file_budget_s = 0 spent)")
    ]


@pytest.mark.slow
def test_a_tiff_of_a_thousand_pages_reads_max_pages_and_notes_the_rest(fake):
    buffer = io.BytesIO()
    pages = [Image.new("1", (64, 64), 1) for _ in range(1000)]
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:], compression="group4")
    assert len(buffer.getvalue()) < 300_000  # small on disk
    found = items(buffer.getvalue(), "传真.tif", Limits(ocr=OcrSettings(max_pages=50)))
    assert len(fake.seen) == 50
    assert texts(found)[-1] == (
        "Notice",
        "第 51 页（图像识别）及以后各页: not read by OCR ([ocr] max_pages = 50 reached)",
    )


def test_the_cache_key_is_the_sha256_of_the_bytes_and_the_frame(fake, tmp_path):
    settings = OcrSettings(cache_dir=str(tmp_path), cache_key=cache_key_from(b"k" * 32))
    data = picture()
    items(data, limits=Limits(ocr=settings))
    cache = OcrCache.of(settings)
    assert cache is not None
    stored = cache.get(f"{hashlib.sha256(data).hexdigest()}#0")
    assert stored is not None and stored.lines[0].text.endswith(PHONE)
    image_extractor._RECENT.clear()
    items(data, limits=Limits(ocr=settings))  # read again: from the cache
    assert len(fake.seen) == 1


def test_a_picture_is_read_once_on_its_own_and_inside_a_document(fake):
    import docx

    data = picture()
    document = docx.Document()
    document.add_picture(io.BytesIO(data))
    items(data)
    items(saved(document), "报告.docx")
    assert len(fake.seen) == 1  # the same bytes, the same key


# --- hostile pictures ---------------------------------------------------------------------


def png_of_zeros(width: int, height: int) -> bytes:
    """A valid one-bit PNG of ``width`` × ``height`` black pixels, small on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = bytes(1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    return png_of_zeros(30_000, 30_000)


@pytest.mark.slow
def test_a_30000_pixel_square_png_is_refused_as_a_limit(fake, make_scanner, huge_png):
    assert len(huge_png) < 200_000
    [result] = make_scanner().scan_bytes("扫描件.png", huge_png)
    assert result.status is FileStatus.ERROR
    assert result.reason == (
        "limit exceeded: image of more than 178,956,970 pixels (a decompression bomb?)"
    )
    assert fake.seen == []


def test_a_decompression_bomb_under_pillows_hard_limit_is_refused_too(fake):
    bomb = png_of_zeros(10_000, 10_000)  # 100 million pixels: Pillow itself only warns
    with pytest.raises(LimitExceeded, match=r"image of 10,000 × 10,000 pixels, more than"):
        items(bomb)
    assert fake.seen == []


def test_a_truncated_jpeg_is_corrupt(fake, make_scanner):
    data = picture(size=(800, 600), fmt="JPEG", colour="grey")
    with pytest.raises(CorruptError, match="truncated or damaged image"):
        items(data[: len(data) // 2], "photo.jpg")
    [result] = make_scanner().scan_bytes("photo.jpg", data[: len(data) // 2])
    assert result.status is FileStatus.ERROR and result.reason.startswith("corrupt:")


def test_a_damaged_header_is_corrupt(fake):
    data = bytearray(picture())
    data[29] ^= 0xFF  # the checksum of the IHDR chunk
    with pytest.raises(CorruptError, match="not a readable image"):
        items(bytes(data))


def test_a_heic_photo_is_read_with_pillow_heif(fake):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, "HEIF", quality=50)
    source, spec = open_source(buffer.getvalue(), "IMG_0001.HEIC")
    assert (source.mime, spec.name if spec else None) == ("image/heic", "image")
    assert texts(list(spec.extract(source))) == [
        ("图像识别 第 1 行", f"联系人：张伟 手机：{PHONE}")
    ]


def test_a_heic_photo_without_pillow_heif_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(image_extractor, "_HEIF", False)
    source = Source("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic", "image/heic")
    with pytest.raises(Exception, match="pillow-heif"):
        list(image_extractor.extract(source))


# --- pictures inside documents ---------------------------------------------------------


def test_pictures_in_a_word_document_are_read_by_part_name(fake, make_scanner):
    import docx

    document = docx.Document()
    document.add_paragraph("见附图")
    document.add_picture(io.BytesIO(picture()))
    document.add_picture(io.BytesIO(picture(size=(32, 32))))  # an icon: passed over
    data = saved(document)
    found = [i for i in items(data, "报告.docx") if isinstance(i, Segment)]
    assert ("图片 word/media/image1.png 第 1 行", f"联系人：张伟 手机：{PHONE}") in texts(found)
    assert len(fake.seen) == 1
    [result] = make_scanner().scan_bytes("报告.docx", data)
    phone = next(f for f in result.findings if f.entity_type == "PHONE_NUMBER")
    assert phone.location == "图片 word/media/image1.png 第 1 行" and phone.box is not None


def test_pictures_on_a_slide_are_read(fake):
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    slide.shapes.add_picture(io.BytesIO(picture(fmt="JPEG")), 0, 0)
    found = texts(items(saved(presentation), "方案.pptx"))
    assert ("图片 ppt/media/image1.jpg 第 1 行", f"联系人：张伟 手机：{PHONE}") in found


def test_pictures_in_a_workbook_are_read(fake):
    import openpyxl
    from openpyxl.drawing.image import Image as SheetImage

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "名片"
    workbook.active.add_image(SheetImage(io.BytesIO(picture())), "B2")
    found = texts(items(saved(workbook), "名单.xlsx"))
    assert ("图片 xl/media/image1.png 第 1 行", f"联系人：张伟 手机：{PHONE}") in found


def test_pictures_in_an_opendocument_text_are_read(fake):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0"><office:body><office:text/></office:body></office:document-content>',
        )
        archive.writestr("Pictures/10000000000003200000019053A1B2C3.png", picture())
        archive.writestr("Thumbnails/thumbnail.png", picture())  # not a picture of the text
    found = texts(items(buffer.getvalue(), "会议纪要.odt"))
    assert found == [
        (
            "图片 Pictures/10000000000003200000019053A1B2C3.png 第 1 行",
            f"联系人：张伟 手机：{PHONE}",
        )
    ]


def test_with_ocr_off_a_document_notes_how_many_pictures_were_not_read(fake):
    import docx

    document = docx.Document()
    document.add_picture(io.BytesIO(picture()))
    document.add_picture(io.BytesIO(picture(colour="grey")))
    found = items(saved(document), "报告.docx", no_ocr())
    assert [i.message for i in found if isinstance(i, Notice)] == ["2 pictures not read (OCR off)"]
    assert fake.seen == []


@pytest.mark.slow
def test_a_picture_over_the_limit_or_damaged_in_a_document_is_noted_and_the_rest_read(
    fake, huge_png
):
    import docx

    document = docx.Document()
    document.add_paragraph(f"联系电话 {PHONE}")
    data = saved(document)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr("word/media/image9.png", huge_png, zipfile.ZIP_DEFLATED)
        jpeg = picture(fmt="JPEG", colour="grey")
        new.writestr("word/media/image8.jpeg", jpeg[: len(jpeg) // 2])
    found = texts(items(buffer.getvalue(), "报告.docx"))
    damaged = [m for where, m in found if where == "Notice" and "image8" in m]
    assert damaged and damaged[0].startswith("图片 word/media/image8.jpeg: corrupt: truncated")
    assert ("段落 1", f"联系电话 {PHONE}") in found
    assert (
        "Notice",
        "图片 word/media/image9.png: limit exceeded: image of more than 178,956,970 pixels "
        "(a decompression bomb?), not read",
    ) in found


def test_an_image_attachment_of_a_mail_is_read(fake, make_scanner):
    mail = EmailMessage()
    mail["From"] = "a@example.com"
    mail["Subject"] = "名片"
    mail.set_content("见附件")
    mail.add_attachment(picture(), maintype="image", subtype="png", filename="card.png")
    [result] = make_scanner().scan_bytes("来信.eml", mail.as_bytes())
    phone = next(f for f in result.findings if f.entity_type == "PHONE_NUMBER")
    assert phone.location == "附件 card.png 图像识别 第 1 行"


def test_an_image_in_an_archive_is_a_member_read_by_ocr(fake, make_scanner):
    results = make_scanner().scan_bytes(
        "资料.zip", zip_bytes({"扫描/card.jpg": picture(fmt="JPEG")})
    )
    member = next(r for r in results if r.path.endswith("card.jpg"))
    assert member.path == "资料.zip!扫描/card.jpg" and member.status is FileStatus.SCANNED
    assert any(f.location == "图像识别 第 1 行" for f in member.findings)


def test_pictures_of_a_zip_of_photos_share_one_budget(fake, make_scanner):
    photos = {f"{n}.png": picture(colour=(n, n, n)) for n in range(5)}
    limits = Limits(ocr=OcrSettings(max_pages=3))
    results = make_scanner(limits).scan_bytes("照片.zip", zip_bytes(photos))
    assert len(fake.seen) == 3
    assert results[-1].notes == ("图像识别: not read by OCR ([ocr] max_pages = 3 reached)",)


# --- scanned PDF pages --------------------------------------------------------------------


def scanned_pdf(*pages: str | None, image_size=(1240, 1754)) -> bytes:
    """A PDF of A4 pages: a page image (a grey scan) under an optional line of text."""
    document = pymupdf.open()
    buffer = io.BytesIO()
    drawn = Image.new("RGB", image_size, "lightgrey")
    drawn.paste((0, 0, 0), (100, 100, 900, 140))  # a line of "text": not a blank page
    drawn.save(buffer, "PNG")
    scan = buffer.getvalue()
    for text in pages:
        page = document.new_page()
        if text != "blank":
            page.insert_image(page.rect, stream=scan)
        if text and text != "blank":
            page.insert_text((72, 40), text, fontname="china-s")
    return document.tobytes()


def test_a_page_without_text_is_rendered_and_read(fake, make_scanner):
    data = scanned_pdf(None, None)
    found = texts(items(data, "合同.pdf"))
    assert found == [
        ("第 1 页（图像识别） 第 1 行", f"联系人：张伟 手机：{PHONE}"),
        ("第 2 页（图像识别） 第 1 行", f"联系人：张伟 手机：{PHONE}"),
    ]
    scale = zoom(595, 842)
    assert scale == RASTER_DPI / 72
    assert fake.seen[0] == (round(595 * scale), round(842 * scale))
    [result] = make_scanner().scan_bytes("合同.pdf", data)
    phone = next(f for f in result.findings if f.entity_type == "PHONE_NUMBER")
    assert phone.location == "第 1 页（图像识别） 第 1 行" and phone.box is not None


def test_a_scanned_page_with_a_short_text_layer_is_read_too(fake):
    found = texts(items(scanned_pdf("Page 1 of 3"), "合同.pdf"))
    assert found[0] == ("第 1 页", "Page 1 of 3")
    assert found[1] == ("第 1 页（图像识别） 第 1 行", f"联系人：张伟 手机：{PHONE}")


def test_a_text_page_with_a_small_picture_is_not_read_by_ocr(fake):
    document = pymupdf.open()
    page = document.new_page()
    page.insert_image(pymupdf.Rect(72, 72, 200, 150), stream=picture())
    page.insert_text((72, 300), "Short text beside a logo")
    found = texts(items(document.tobytes(), "函.pdf"))
    assert found == [("第 1 页", "Short text beside a logo")]
    assert fake.seen == []


def test_a_blank_page_is_passed_over(fake):
    assert items(scanned_pdf("blank"), "空白.pdf") == []
    assert fake.seen == []


def test_with_ocr_off_or_the_budget_spent_a_scanned_page_is_noted(fake):
    data = scanned_pdf(None, None)
    assert texts(items(data, "合同.pdf", no_ocr())) == [
        ("Notice", "第 1 页: image only, not scanned"),
        ("Notice", "第 2 页: image only, not scanned"),
    ]
    found = texts(items(data, "合同.pdf", Limits(ocr=OcrSettings(max_pages=1))))
    assert found[-1] == (
        "Notice",
        "第 2 页: image only, not read by OCR ([ocr] max_pages = 1 reached)",
    )


# --- the agreement check on a scanned agreement --------------------------------------------

NDA = [
    "保密协议",
    "第一条 保密信息是指甲方在合作中披露的客户资料、",
    "媒体名单和商业计划等信息。",
    "第二条 乙方及其员工、顾问均负有保密义务。",
    "第三条 乙方仅可为履行本协议之目的使用保密信息。",
    "第四条 保密期限为服务期内及本协议终止后三年，",
    "期满前不得披露。",
    "第五条 合作结束后，乙方应返还或销毁全部资料及其副本。",
    "第六条 违约方应赔偿全部损失；争议提交上海仲裁委员会仲裁。",
    "第七条 乙方处理个人信息应遵守个人信息保护法，采取安全措施。",
]


@pytest.mark.parametrize(("lines", "complete"), [(NDA, True), (NDA[:-1], False)])
def test_a_scanned_agreement_is_given_the_seven_clause_check(fake, lines, complete):
    from scanner.compliance.nda import check_file

    fake.lines = tuple(lines)
    check = check_file(scanned_pdf(None), "保密协议_扫描件.pdf", Limits())
    assert check.complete is complete
    if complete:
        term = next(c for c in check.clauses if c.key == "term")
        assert term.location == "第 1 页（图像识别） 第 6 行"
    else:
        assert check.missing == ["personal_info"]


# --- the application's settings -----------------------------------------------------------


def test_no_ocr_and_the_cache_beside_the_inventory(tmp_path):
    from scanner.app import ocr_limits
    from scanner.config import Config

    inventory = tmp_path / "inv" / "inventory.db"
    config = Config()
    key = b"k" * 32
    assert ocr_limits(config, key, inventory=inventory).ocr.cache_dir == ""  # no folder yet
    inventory.parent.mkdir()
    ocr = ocr_limits(config, key, inventory=inventory).ocr
    assert ocr.cache_dir == str(tmp_path / "inv" / "ocr-cache")
    assert ocr.cache_key == cache_key_from(key) and ocr.enabled
    assert not ocr_limits(config, key, enabled=False, inventory=inventory).ocr.enabled


@pytest.mark.parametrize("command", ["scan", "redact", "watch", "nda-check"])
def test_no_ocr_is_an_option_of_every_command_that_reads_content(command):
    from scanner.cli.parser import build_parser

    extra = ["--policy", "media", "--dry-run"] if command == "redact" else []
    args = build_parser().parse_args([command, "--no-ocr", "x", *extra])
    assert args.no_ocr is True


@pytest.mark.slow
def test_nda_check_reads_a_scanned_agreement_unless_told_not_to(fake, tmp_path, capsys):
    from scanner.cli import main

    fake.lines = tuple(NDA)
    path = tmp_path / "保密协议_扫描件.pdf"
    path.write_bytes(scanned_pdf(None))
    assert main(["nda-check", str(path)]) == 0  # each file in a forked worker: fake inherited
    assert main(["nda-check", "--no-ocr", str(path)]) == 1  # not read: every clause missing


def test_the_scan_checks_a_scanned_agreement_reading_each_page_once(fake, tmp_path, make_scanner):
    fake.lines = tuple(NDA)
    path = tmp_path / "保密协议_扫描件.pdf"
    path.write_bytes(scanned_pdf(None))
    [result] = make_scanner().scan_file(path)
    assert result.agreement is not None and result.agreement.complete
    assert len(fake.seen) == 1  # the clause check found the scan's reading in this worker
