"""Images redacted in their pixels (scanner/redact/raster.py and its three writers: standalone
images, scanned PDF pages, pictures in Office packages).

Most tests read with a FAKE engine (``scanner.scan.ocr.use_engine``): it knows which lines are
planted where, draws nothing itself, and reads a character only where the picture is not
painted black there, so painting, the formats written, the metadata left behind, the rounds of
verification and every refusal are tested exactly and fast. The tests marked slow read with
the real engine (RapidOCR) pictures drawn with a CJK font.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from scanner.models import Box
from scanner.redact import raster
from scanner.redact.edits import RedactionError
from scanner.redact.media import sanitize_image
from scanner.redact.operators import OperatorSet
from scanner.redact.policy import DEFAULT_POLICIES
from scanner.redact.rewriters import PolicyRewriter, Restorer
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.redact.writers import image as image_writer
from scanner.redact.writers import pdf as pdf_writer
from scanner.redact.writers.pdf_scans import replace_with_raster
from scanner.scan import ocr
from scanner.scan.limits import Limits
from scanner.scan.ocr import OcrLine, OcrPage, OcrSettings
from tests.conftest import TEST_KEY_HEX

PHONE = "13812345678"
SIZE = (800, 400)  # the reference size planted lines are given in
INK = 120  # planted characters are grey blocks: paint (0) is told from ink
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


# --- the fake engine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A planted line: ``text`` with one ``char_w``-wide box per character from (x, y), in
    the reference size ``SIZE`` (scaled to the picture read)."""

    text: str
    x: int
    y: int
    char_w: int = 20
    h: int = 24
    score: float = 0.99
    # before anything is painted, the engine reports boxes this wide (too short: the
    # paint then misses the end of the value, which the next reading sees)
    short_w: int | None = None
    # read only once something is painted (a second reading finds what the first missed)
    late: bool = False


class FakeEngine:
    name = "fake"

    def __init__(self, *lines: Line, see_through: bool = False) -> None:
        self.lines = lines
        self.see_through = see_through  # reads every character, painted or not
        self.reads = 0

    def read(self, image: Image.Image) -> OcrPage:
        self.reads += 1
        grey = image.convert("L")
        pixels = grey.load()
        assert pixels is not None
        sx, sy = image.width / SIZE[0], image.height / SIZE[1]
        painted = grey.getextrema()[0] < 20  # type: ignore[operator]
        found: list[OcrLine] = []
        for line in self.lines:
            if line.late and not painted:
                continue
            run: list[tuple[str, Box]] = []
            width = line.short_w if line.short_w and not painted else line.char_w
            for index, char in enumerate(line.text):
                x0, x1 = line.x + index * line.char_w, line.x + (index + 1) * line.char_w
                centre = (int((x0 + x1) / 2 * sx), int((line.y + line.h / 2) * sy))
                if self.see_through or pixels[centre] > 40:  # type: ignore[operator]
                    rx0 = line.x + index * width
                    box = (
                        int(rx0 * sx),
                        int(line.y * sy),
                        int((rx0 + width) * sx),
                        int((line.y + line.h) * sy),
                    )
                    run.append((char, box))
                else:
                    found += _line(run, line.score)
                    run = []
            found += _line(run, line.score)
        return OcrPage(image.width, image.height, tuple(found))


def _line(run: list[tuple[str, Box]], score: float) -> list[OcrLine]:
    text = "".join(c for c, _ in run).strip()
    if not text:
        return []
    start = next(i for i, (c, _) in enumerate(run) if not c.isspace())
    kept = run[start : start + len(text)]
    return [OcrLine(text, tuple(b for _, b in kept), score)]


@pytest.fixture()
def engine_of() -> Iterator[type[FakeEngine]]:
    """Installs a fake engine for the test (``engine_of(*lines)``); the default after."""
    installed: list[FakeEngine] = []

    class Installing(FakeEngine):
        def __init__(self, *lines: Line, see_through: bool = False) -> None:
            super().__init__(*lines, see_through=see_through)
            installed.append(self)
            ocr.use_engine(self)

    yield Installing
    ocr.use_engine(None)


def drawn(
    *lines: Line, size: tuple[int, int] = SIZE, mode: str = "RGB", outline: bool = False
) -> Image.Image:
    """A white picture with each planted character as a grey block where its box is (a
    black outline with a white middle for a bilevel scan)."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    sx, sy = size[0] / SIZE[0], size[1] / SIZE[1]
    for line in lines:
        for index, char in enumerate(line.text):
            if char.isspace():
                continue
            x0 = line.x + index * line.char_w
            box = (x0 + 3, line.y + 3, x0 + line.char_w - 3, line.y + line.h - 3)
            scaled = (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)
            if outline:
                draw.rectangle(scaled, outline=(0, 0, 0), width=2)
            else:
                draw.rectangle(scaled, fill=(INK, INK, INK))
    return image.convert(mode)


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def char_box(line: Line, index: int, size: tuple[int, int] = SIZE) -> Box:
    sx, sy = size[0] / SIZE[0], size[1] / SIZE[1]
    x0 = line.x + index * line.char_w
    return (
        int(x0 * sx),
        int(line.y * sy),
        int((x0 + line.char_w) * sx),
        int((line.y + line.h) * sy),
    )


def darkest(image: Image.Image, box: Box) -> int:
    return int(image.convert("L").crop(box).getextrema()[0])  # type: ignore[index]


def brightest(image: Image.Image, box: Box) -> int:
    return int(image.convert("L").crop(box).getextrema()[1])  # type: ignore[index]


def painted(image: Image.Image, line: Line, start: int, end: int) -> bool:
    """Every character of ``line.text[start:end]`` is under solid black."""
    return all(brightest(image, char_box(line, i, image.size)) < 20 for i in range(start, end))


def untouched(image: Image.Image, line: Line, start: int, end: int) -> bool:
    """Ink still shows at every character of ``line.text[start:end]``."""
    return all(darkest(image, char_box(line, i, image.size)) > 60 for i in range(start, end))


@pytest.fixture()
def media(analyzer_all) -> PolicyRewriter:
    return PolicyRewriter(
        analyzer_all, DEFAULT_POLICIES["media"], OperatorSet(bytes.fromhex(TEST_KEY_HEX))
    )


@pytest.fixture()
def subcontractor(analyzer_all) -> PolicyRewriter:
    policy = DEFAULT_POLICIES["subcontractor"]
    return PolicyRewriter(analyzer_all, policy, OperatorSet(bytes.fromhex(TEST_KEY_HEX)))


def ctx(name: str = "card.png", **ocr_settings: object) -> WriteContext:
    return WriteContext(name, Limits(ocr=OcrSettings(**ocr_settings)))  # type: ignore[arg-type]


NAME = Line("联系人：张伟", 40, 40)
MOBILE = Line(f"手机：{PHONE}", 40, 120)
ADDRESS = Line("地址：北京市朝阳区建国路88号", 40, 200)
CARD = (NAME, MOBILE, ADDRESS)


# --- standalone images ---------------------------------------------------------------------------


def test_the_values_the_policy_removes_are_painted_solid_black_and_the_rest_stays(engine_of, media):
    engine_of(*CARD)
    out = image_writer.rewrite(encoded(drawn(*CARD)), media, ctx())
    copy = opened(out)
    assert copy.format == "PNG" and copy.size == SIZE
    assert painted(copy, MOBILE, 3, 14) and painted(copy, NAME, 4, 6)
    assert untouched(copy, MOBILE, 0, 2) and untouched(copy, NAME, 0, 3)  # the labels stay
    assert painted(copy, ADDRESS, 3, len(ADDRESS.text))  # media removes addresses too
    assert {"PHONE_NUMBER", "PERSON", "CN_ADDRESS"} <= set(media.counts)
    # solid: one colour inside the box, no blur or pixelation of what was under it
    assert copy.convert("L").crop(char_box(MOBILE, 8)).getextrema() == (0, 0)


def test_a_type_the_policy_keeps_stays_readable(engine_of, subcontractor):
    engine_of(*CARD)
    copy = opened(image_writer.rewrite(encoded(drawn(*CARD)), subcontractor, ctx()))
    assert painted(copy, MOBILE, 3, 14) and painted(copy, NAME, 4, 6)
    assert untouched(copy, ADDRESS, 0, len(ADDRESS.text))  # the venue address is kept
    assert "CN_ADDRESS" not in subcontractor.counts


def test_nothing_to_remove_still_writes_the_pixels_anew_and_reads_them_once(engine_of, media):
    fake = engine_of(Line("会议纪要 第三季度", 40, 40))
    original = encoded(drawn(*fake.lines), "PNG", pnginfo=_text_chunks())
    out = image_writer.rewrite(original, media, ctx())
    assert out != original and opened(out).tobytes() == opened(original).tobytes()
    assert fake.reads == 1  # the pixels written are those read: that reading verifies them
    assert not media.counts


def _text_chunks() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张伟 13812345678")
    info.add_itxt("Description", "星河传媒 联系人 张伟", lang="zh")
    return info


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Huawei"  # Make
    exif[0x9C9B] = "张伟的名片".encode("utf-16-le")  # XPTitle
    exif[0x0112] = 6  # Orientation: turned 90°
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 29.0)}  # GPS
    return exif


def test_exif_gps_icc_xmp_and_comments_are_not_carried_and_orientation_is_applied(engine_of, media):
    turned = drawn(*CARD).transpose(Image.Transpose.ROTATE_90)  # stored turned, shown upright
    engine_of(*CARD)
    icc = b"\x00" * 128 + b"acsp" + b"\x00" * 400
    original = encoded(
        turned,
        "JPEG",
        quality=90,
        exif=_exif_with_gps(),
        icc_profile=icc,
        comment=b"13812345678",
        xmp=b"<x:xmpmeta>zhangwei@xinghe-media.com</x:xmpmeta>",
    )
    source = opened(original)
    assert source.getexif().get_ifd(0x8825) and "icc_profile" in source.info  # planted
    out = image_writer.rewrite(original, media, ctx("card.jpg"))
    copy = opened(out)
    assert copy.format == "JPEG" and copy.size == SIZE  # upright: EXIF orientation applied
    assert not copy.getexif() and not copy.getexif().get_ifd(0x8825)
    for key in ("exif", "icc_profile", "xmp", "comment", "photoshop"):
        assert key not in copy.info, key
    for marker in (b"Exif", b"GPS", b"Huawei", b"ICC_PROFILE", b"xmpmeta", PHONE.encode()):
        assert marker not in out, marker
    assert painted(copy, MOBILE, 3, 14)


def test_png_text_chunks_are_not_carried(engine_of, media):
    engine_of(*CARD)
    out = image_writer.rewrite(encoded(drawn(*CARD), "PNG", pnginfo=_text_chunks()), media, ctx())
    assert not opened(out).text  # type: ignore[attr-defined]
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"Author"):
        assert chunk not in out


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [
        ("PNG", "RGBA"),
        ("PNG", "L"),
        ("PNG", "P"),
        ("BMP", "RGB"),
        ("WEBP", "RGB"),
        ("GIF", "P"),
        ("TIFF", "1"),
    ],
)
def test_every_format_is_written_back_in_its_own_format(engine_of, media, fmt, mode):
    engine_of(*CARD)
    original = encoded(drawn(*CARD, outline=mode == "1").convert(mode), fmt)
    copy = opened(image_writer.rewrite(original, media, ctx(f"card.{fmt.lower()}")))
    assert copy.format == fmt and copy.size == SIZE
    if mode == "1":
        assert brightest(copy, char_box(MOBILE, 8)) == 0
    else:
        assert painted(copy, MOBILE, 3, 14)
        assert untouched(copy, MOBILE, 0, 2)


def test_every_page_of_a_tiff_is_redacted_and_kept(engine_of, media):
    cover = Line("项目周报 第一页", 40, 40)
    engine_of(cover, MOBILE)
    pages = [drawn(cover), drawn(MOBILE), drawn(cover)]
    original = encoded(pages[0], "TIFF", save_all=True, append_images=pages[1:])
    locations: list[str] = []
    edits = media.edits

    def recorded(text: str, location: str = "", context: Sequence[str] = ()):  # type: ignore[no-untyped-def]
        locations.append(location)
        return edits(text, location, context)

    media.edits = recorded  # type: ignore[method-assign]
    out = image_writer.rewrite(original, media, ctx("scan.tif"))
    copy = Image.open(io.BytesIO(out))
    assert copy.format == "TIFF" and copy.n_frames == 3  # type: ignore[attr-defined]
    copy.seek(1)
    assert painted(copy.convert("RGB"), MOBILE, 3, 14)
    assert "第 2 页（图像识别） 第 1 行" in locations and "第 3 页（图像识别） 第 1 行" in locations


def test_a_value_still_read_through_the_paint_refuses_the_image(engine_of, media):
    engine_of(*CARD, see_through=True)
    with pytest.raises(RedactionError) as refused:
        image_writer.rewrite(encoded(drawn(*CARD)), media, ctx())
    reason = str(refused.value)
    assert reason.startswith("verification failed: OCR still reads")
    assert "138****5678" in reason and PHONE not in reason


def test_a_value_only_a_later_reading_finds_is_painted_too(engine_of, media):
    late = Line("备用电话 13698765432", 40, 280, late=True)
    engine_of(*CARD, late)
    copy = opened(image_writer.rewrite(encoded(drawn(*CARD, late)), media, ctx()))
    assert painted(copy, late, 5, 16) and untouched(copy, late, 0, 4)


def test_a_remnant_beside_a_painted_box_is_painted_and_read_again(engine_of, media):
    # the first reading gives boxes too short: the paint misses the last seven digits,
    # the verification reads "2345678" beside the box and paints it as well
    short = Line(f"手机：{PHONE}", 40, 120, short_w=10)
    fake = engine_of(NAME, short)
    copy = opened(image_writer.rewrite(encoded(drawn(NAME, short)), media, ctx()))
    assert painted(copy, short, 3, 14)
    assert fake.reads == 3  # read, verified (remnant found), verified again


def test_digits_beside_a_painted_box_are_painted_however_sure_ocr_is(engine_of, media):
    # the lower half of painted digits reads, confidently, as another number
    garbled = Line("12812245670", 100, 150, score=0.95, late=True)
    engine_of(*CARD, garbled)
    copy = opened(image_writer.rewrite(encoded(drawn(*CARD, garbled)), media, ctx()))
    assert painted(copy, garbled, 0, 11)


def test_a_low_confidence_line_that_may_be_a_number_refuses_the_image(engine_of, media):
    unsure = Line("订单 2024 0615 77", 40, 300, score=0.55)
    engine_of(*CARD, unsure)
    with pytest.raises(RedactionError) as refused:
        image_writer.rewrite(encoded(drawn(*CARD, unsure)), media, ctx())
    reason = str(refused.value)
    assert reason.startswith("OCR 无法确认：图像识别 第 4 行")
    assert "0.55" in reason and "2024" not in reason


def test_a_low_confidence_at_sign_refuses_the_image_too(engine_of, media):
    unsure = Line("微博 @星河", 40, 300, score=0.6)
    engine_of(NAME, unsure)
    with pytest.raises(RedactionError, match="OCR 无法确认"):
        image_writer.rewrite(encoded(drawn(NAME, unsure)), media, ctx())


def test_a_confident_number_that_is_no_value_stays(engine_of, media):
    invoice = Line("发票号 20240615", 40, 300, score=0.97)
    engine_of(*CARD, invoice)
    copy = opened(image_writer.rewrite(encoded(drawn(*CARD, invoice)), media, ctx()))
    assert untouched(copy, invoice, 0, len(invoice.text))


def test_a_value_wrapped_over_two_rows_of_a_paragraph_is_found_whole(engine_of, media):
    # a chat bubble breaks the address: neither row alone reads as one
    first = Line("收件地址：浙江省杭州市西湖区东", 40, 40)
    second = Line("风路63号越峰中心A座204室", 40, 72)
    label = Line("联系人：张伟", 40, 200)  # a short row further down: not part of it
    engine_of(first, second, label)
    copy = opened(image_writer.rewrite(encoded(drawn(first, second, label)), media, ctx()))
    assert painted(copy, first, 5, 15) and painted(copy, second, 0, 15)
    assert untouched(copy, first, 0, 4)
    pieces = raster.paragraphs(ocr.engine().read(drawn(first, second, label)), "图像识别")
    assert [p.text for p in pieces] == [first.text + second.text, label.text]
    assert pieces[0].location == "图像识别 第 1 行" and len(pieces[0].boxes) == len(pieces[0].text)


def test_a_value_replaced_elsewhere_in_the_file_is_painted_wherever_it_is_read(engine_of, media):
    bare = Line("张伟", 40, 300)  # no label: no recognizer flags it alone
    engine_of(bare, Line("会议纪要", 40, 40))
    media.known_values = {"张伟": "PERSON"}  # the document's names (engine.document_names)
    copy = opened(
        image_writer.rewrite(encoded(drawn(bare, Line("会议纪要", 40, 40))), media, ctx())
    )
    assert painted(copy, bare, 0, 2)


def test_restoration_passes_an_image_through(engine_of):
    fake = engine_of(*CARD)
    original = encoded(drawn(*CARD))
    assert image_writer.rewrite(original, Restorer(b"k" * 32), ctx()) == original
    assert fake.reads == 0


def test_without_ocr_an_image_is_refused(media):
    with pytest.raises(RedactionError, match=r"OCR is off"):
        image_writer.rewrite(encoded(drawn(*CARD)), media, ctx(enabled=False))


def test_a_tiff_of_more_pages_than_ocr_reads_is_refused(engine_of, media):
    engine_of(*CARD)
    pages = [drawn(*CARD)] * 3
    original = encoded(pages[0], "TIFF", save_all=True, append_images=pages[1:])
    with pytest.raises(RedactionError, match=r"3 pages: OCR reads at most \[ocr\] max_pages = 2"):
        image_writer.rewrite(original, media, ctx(max_pages=2))


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            _png_claiming(30_000, 30_000),
            "corrupt: the image could not be decoded (DecompressionBombError)",
        ),
        (_png_claiming(10_000, 9_000), "larger than"),
        (encoded(drawn(*CARD), "JPEG")[:3000], "corrupt: the image could not be decoded (OSError)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt"),
    ],
    ids=["bomb", "too large", "truncated jpeg", "garbage"],
)
def test_hostile_images_are_refused_with_a_reason(engine_of, media, data, reason):
    fake = engine_of(*CARD)
    with pytest.raises(RedactionError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        image_writer.rewrite(data, media, ctx())
    assert fake.reads == 0


def test_the_registry_hands_images_to_the_image_writer(engine_of, media):
    from scanner.redact.writers import writers

    assert writers()["image"] is image_writer.rewrite
    engine_of(*CARD)
    from scanner.scan.content import format_of

    if format_of(encoded(drawn(*CARD)), "card.png") != "image":
        pytest.skip("the image extractor (scanner/scan/extract/image.py) is not registered")
    out = rewrite_bytes(encoded(drawn(*CARD)), media, ctx())
    assert painted(opened(out), MOBILE, 3, 14)


# --- unit pieces ----------------------------------------------------------------------------------


def test_folding_maps_back_to_the_characters_read():
    folded, where = raster._folded("手机 １３８-1234 5678")
    assert folded == "手机 13812345678"
    assert [where[i] for i in (3, 13)] == [3, 15]
    assert list(raster._read_back("手机：138 1234 5678", {PHONE})) == [(3, 16)]


def test_remnant_length():
    assert raster.remnant_length("张伟") == 2
    assert raster.remnant_length("王小明") == 2
    assert raster.remnant_length("星河传媒") == 3
    assert raster.remnant_length(PHONE) == 6


# --- scanned PDF pages ---------------------------------------------------------------------------


def scanned_pdf(*lines: Line, text_page: bool = True, invisible: str = "") -> tuple[bytes, bytes]:
    """A PDF whose first page is a scan (an A4-shaped JPEG filling it), with an invisible OCR
    layer if asked, and a second page of text; and the scan's JPEG bytes."""
    scan = encoded(drawn(*lines, size=(2000, 1000)), "JPEG", quality=85)  # 180 dpi
    doc = pymupdf.open()
    page = doc.new_page(width=800, height=400)
    page.insert_image(page.rect, stream=scan)
    if invisible:
        page.insert_text((40, 60), invisible, render_mode=3, fontname="china-s")
    if text_page:
        other = doc.new_page(width=800, height=400)
        other.insert_text((40, 60), f"联系人 张伟 手机 {PHONE}", fontname="china-s")
    return doc.tobytes(), scan


def rendered(data: bytes, number: int = 0, dpi: int = 72) -> Image.Image:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        pix = doc[number].get_pixmap(dpi=dpi)
        return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def test_a_scanned_pdf_page_becomes_its_redacted_raster(engine_of, media):
    engine_of(*CARD)
    data, scan = scanned_pdf(*CARD)
    context = ctx("scan.pdf")
    out = pdf_writer.rewrite(data, media, context)
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        page = doc[0]
        [image] = page.get_images(full=True)
        assert page.get_text().strip() == ""
        assert doc[1].get_text().strip() and PHONE not in doc[1].get_text()  # the text path
        assert len(page.get_contents()) == 1 and doc.xref_get_key(page.xref, "Thumb")[0] == "null"
        raster_bytes = doc.extract_image(image[0])["image"]
    # the original scan is gone from the file: one image is left, the new raster
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        kinds = [doc.xref_get_key(x, "Subtype")[1] for x in range(1, doc.xref_length())]
    assert kinds.count("/Image") == 1 and raster_bytes != scan and scan not in out
    copy = rendered(out, dpi=180)
    assert painted(copy, MOBILE, 3, 14) and untouched(copy, MOBILE, 0, 2)
    assert opened(raster_bytes).size == copy.size == (2000, 1000)  # the scan's resolution
    assert context.dropped == ["pdf: content of scanned page 1 (replaced by its redacted raster)"]


def test_a_scanned_page_with_nothing_to_remove_stays_as_it_is(engine_of, media):
    agenda = Line("会议议程 第三季度品牌活动", 40, 40)
    fake = engine_of(agenda)
    data, scan = scanned_pdf(agenda, text_page=False)
    context = ctx("scan.pdf")
    out = pdf_writer.rewrite(data, media, context)
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        [image] = doc[0].get_images(full=True)
        assert doc.extract_image(image[0])["image"] == scan
    assert fake.reads == 1 and not context.dropped  # the one reading verified it


def test_a_searchable_scan_loses_its_invisible_text_layer_with_the_page(engine_of, media):
    engine_of(*CARD)
    data, _ = scanned_pdf(*CARD, text_page=False, invisible=f"张伟 {PHONE}")
    out = pdf_writer.rewrite(data, media, ctx("scan.pdf"))
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        assert doc[0].get_text().strip() == "" and len(doc[0].get_images()) == 1
    assert painted(rendered(out, dpi=144), MOBILE, 3, 14)


def test_a_page_of_text_keeps_its_images(engine_of, media):
    fake = engine_of(*CARD)
    data, _ = scanned_pdf(*CARD, text_page=False, invisible="")
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for row in range(6):  # a page of real text over a picture: read as text
            doc[0].insert_text(
                (40, 260 + row * 20), "第一季度品牌传播总结报告" * 2, fontname="china-s"
            )
        data = doc.tobytes()
    out = pdf_writer.rewrite(data, media, ctx("report.pdf"))
    assert fake.reads == 0
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        assert "第一季度" in doc[0].get_text() and len(doc[0].get_images()) == 1


def test_a_scan_with_a_stamped_page_number_is_a_scan(engine_of, media):
    # a few characters of real text over a full-page picture, as the scan decides
    engine_of(*CARD)
    data, _ = scanned_pdf(*CARD, text_page=False, invisible="")
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        doc[0].insert_text((700, 390), "第 1 页", fontname="china-s")
        data = doc.tobytes()
    out = pdf_writer.rewrite(data, media, ctx("scan.pdf"))
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        assert doc[0].get_text().strip() == ""  # the stamp is pixels of the raster now
    assert painted(rendered(out, dpi=180), MOBILE, 3, 14)


def test_text_turned_into_outlines_is_a_scan_and_a_blank_page_is_not(engine_of, media):
    engine_of(*CARD)
    doc = pymupdf.open()
    page = doc.new_page(width=800, height=400)
    for line in CARD:  # the "glyphs" are vector shapes: no text layer, no image
        for index, char in enumerate(line.text):
            if not char.isspace():
                x0 = line.x + index * line.char_w
                box = pymupdf.Rect(x0 + 3, line.y + 3, x0 + line.char_w - 3, line.y + line.h - 3)
                page.draw_rect(box, color=None, fill=(INK / 255,) * 3)
    doc.new_page(width=800, height=400)  # blank
    context = ctx("outlines.pdf")
    out = pdf_writer.rewrite(doc.tobytes(), media, context)
    assert painted(rendered(out, dpi=180), MOBILE, 3, 14)
    assert context.dropped == ["pdf: content of scanned page 1 (replaced by its redacted raster)"]


def test_scanned_pages_are_left_alone_without_ocr(engine_of, media):
    fake = engine_of(*CARD)
    data, _ = scanned_pdf(*CARD, text_page=False)
    context = ctx("scan.pdf", enabled=False)
    out = pdf_writer.rewrite(data, media, context)
    assert fake.reads == 0 and untouched(rendered(out, dpi=144), MOBILE, 3, 14)
    assert context.unread == [
        "pdf: scanned page 1 (OCR is off: text in it was neither found nor painted)"
    ]


def test_a_scanned_page_that_cannot_be_verified_refuses_the_pdf(engine_of, media):
    engine_of(*CARD, see_through=True)
    data, _ = scanned_pdf(*CARD)
    with pytest.raises(RedactionError, match="verification failed: OCR still reads"):
        pdf_writer.rewrite(data, media, ctx("scan.pdf"))


def test_more_scanned_pages_than_ocr_reads_refuse_the_pdf(engine_of, media):
    engine_of(*CARD)
    data, scan = scanned_pdf(*CARD, text_page=False)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for _ in range(2):
            doc.new_page(width=800, height=400).insert_image(
                pymupdf.Rect(0, 0, 800, 400), stream=scan
            )
        data = doc.tobytes()
    with pytest.raises(RedactionError, match=r"more than \[ocr\] max_pages = 2 scanned pages"):
        pdf_writer.rewrite(data, media, ctx("scan.pdf", max_pages=2))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("crop", [None, (50, 60, 500, 350)])
@pytest.mark.parametrize("media_box", [None, "[20 30 820 430]"])
def test_the_raster_shows_where_the_scan_showed(rotation, crop, media_box):
    """Rotated pages, crop boxes and media boxes off the origin: the page shows its new raster
    exactly as it showed the scan."""
    data, _ = scanned_pdf(*CARD, text_page=False)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        page = doc[0]
        if media_box:
            doc.xref_set_key(page.xref, "MediaBox", media_box)
        if crop:
            page.set_cropbox(pymupdf.Rect(*crop))
        page.set_rotation(rotation)
        data = doc.tobytes()
    before = rendered(data, dpi=36)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        replace_with_raster(doc[0], encoded(before))
        after = rendered(doc.tobytes(garbage=4, deflate=True), dpi=36)
    assert after.size == before.size
    pairs = zip(after.convert("L").tobytes(), before.convert("L").tobytes(), strict=True)
    diff = [abs(a - b) for a, b in pairs]
    assert max(diff) <= 2


# --- pictures in Office documents ----------------------------------------------------------------


def docx_with_pictures(*pictures: bytes) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("项目简报")
    for picture in pictures:
        document.add_picture(io.BytesIO(picture))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_picture_in_a_word_document_is_painted_in_place(engine_of, media):
    engine_of(*CARD)
    card = encoded(drawn(*CARD))
    data = docx_with_pictures(card)
    before = members(data)
    [name] = [n for n in before if n.startswith("word/media/")]
    after = members(rewrite_bytes(data, media, ctx("brief.docx")))
    assert list(after) == list(before)  # same parts, same names
    assert after["[Content_Types].xml"] == before["[Content_Types].xml"]
    copy = opened(after[name])
    assert copy.format == "PNG" and painted(copy, MOBILE, 3, 14)
    assert {"PHONE_NUMBER", "PERSON"} <= set(media.counts)


def test_a_picture_with_nothing_to_remove_keeps_its_pixels_without_metadata(engine_of, media):
    engine_of(Line("季度品牌活动", 40, 40))
    picture = encoded(drawn(Line("季度品牌活动", 40, 40)), "PNG", pnginfo=_text_chunks())
    data = docx_with_pictures(picture)
    [name] = [n for n in members(data) if n.startswith("word/media/")]
    after = members(rewrite_bytes(data, media, ctx("brief.docx")))
    assert after[name] == sanitize_image(members(data)[name])


def test_a_picture_that_cannot_be_verified_becomes_a_grey_blank(engine_of, media):
    engine_of(*CARD, see_through=True)
    data = docx_with_pictures(encoded(drawn(*CARD)))
    [name] = [n for n in members(data) if n.startswith("word/media/")]
    context = ctx("brief.docx")
    after = members(rewrite_bytes(data, media, context))
    blank = opened(after[name])
    assert blank.size == SIZE and blank.convert("L").getextrema() == (raster.GREY, raster.GREY)
    [dropped] = [d for d in context.dropped if d.startswith(f"image {name}")]
    assert "pixels replaced by a grey blank (verification failed" in dropped
    assert PHONE not in dropped


def test_icons_and_restoration_leave_pictures_as_before(engine_of, media):
    fake = engine_of(*CARD)
    icon = encoded(Image.new("RGB", (32, 32), "red"))
    data = docx_with_pictures(icon, encoded(drawn(*CARD)))
    out = members(rewrite_bytes(data, Restorer(b"k" * 32), ctx("brief.docx")))
    pictures = sorted(n for n in out if n.startswith("word/media/"))
    assert [out[n] for n in pictures] == [sanitize_image(members(data)[n]) for n in pictures]
    members(rewrite_bytes(data, media, ctx("brief.docx")))
    assert fake.reads == 2  # the card (read and verified); never the icon


def test_without_ocr_a_documents_pictures_are_carried_and_said_to_be_unread(engine_of, media):
    fake = engine_of(*CARD)
    icon = encoded(Image.new("RGB", (32, 32), "red"))
    data = docx_with_pictures(icon, encoded(drawn(*CARD)))
    context = ctx("brief.docx", enabled=False)
    out = members(rewrite_bytes(data, media, context))
    pictures = sorted(n for n in out if n.startswith("word/media/"))
    assert [out[n] for n in pictures] == [sanitize_image(members(data)[n]) for n in pictures]
    assert fake.reads == 0
    # the card may hold text and is named; the icon cannot and is not
    [card] = [n for n in pictures if Image.open(io.BytesIO(out[n])).size == SIZE]
    assert context.unread == [
        f"image {card} (OCR is off: text in it was neither found nor painted)"
    ]


def test_pictures_in_slides_and_workbooks_are_painted(engine_of, media, tmp_path):
    import openpyxl
    import pptx
    from openpyxl.drawing.image import Image as SheetImage
    from pptx.util import Inches

    engine_of(*CARD)
    card = encoded(drawn(*CARD))
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_picture(io.BytesIO(card), Inches(1), Inches(1))
    out = io.BytesIO()
    deck.save(out)
    book = openpyxl.Workbook()
    (tmp_path / "card.png").write_bytes(card)
    book.active.add_image(SheetImage(str(tmp_path / "card.png")), "B2")  # type: ignore[union-attr]
    sheet = io.BytesIO()
    book.save(sheet)
    for name, data in (("deck.pptx", out.getvalue()), ("book.xlsx", sheet.getvalue())):
        after = members(rewrite_bytes(data, media, ctx(name)))
        [picture] = [n for n in after if "/media/" in n]
        assert painted(opened(after[picture]), MOBILE, 3, 14), name


def test_a_mails_picture_attachment_is_painted(engine_of, media):
    import email
    import email.policy
    from email.message import EmailMessage

    engine_of(*CARD)
    message = EmailMessage()
    message["From"] = "pr@example.com"
    message["To"] = "media@example.com"
    message["Subject"] = "名片"
    message.set_content("请见附件。")
    message.add_attachment(
        encoded(drawn(*CARD)), maintype="image", subtype="png", filename="card.png"
    )
    out = rewrite_bytes(message.as_bytes(), media, ctx("mail.eml"))
    copy = email.message_from_bytes(out, policy=email.policy.default)
    [attachment] = [part for part in copy.walk() if part.get_filename()]
    assert painted(opened(attachment.get_payload(decode=True)), MOBILE, 3, 14)


# --- the real engine -------------------------------------------------------------------------------

needs_font = pytest.mark.skipif(not FONT.exists(), reason="fonts-wqy-microhei is not installed")


def business_card() -> tuple[Image.Image, list[str]]:
    font = ImageFont.truetype(str(FONT), 34)
    small = ImageFont.truetype(str(FONT), 26)
    image = Image.new("RGB", (900, 520), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.text((60, 50), "星河传媒有限公司", font=font, fill=(30, 30, 90))
    draw.text((60, 140), "王晓明", font=font, fill="black")
    draw.text((60, 200), "市场总监", font=small, fill=(60, 60, 60))
    draw.text((60, 290), "手机：13812345678", font=small, fill="black")
    draw.text((60, 350), "邮箱：wangxm@xinghe-media.com", font=small, fill="black")
    draw.line((60, 120, 840, 120), fill=(180, 30, 30), width=3)
    return image, ["王晓明", "13812345678", "wangxm@xinghe-media.com"]


def read_everything(image: Image.Image) -> str:
    """Everything the real engine reads, down to the verification's floor, folded."""
    page = raster.verifying_engine().read(image)
    return raster._folded("".join(line.text for line in page.lines))[0]


@pytest.mark.slow
@needs_font
def test_a_business_card_is_unreadable_after_redaction_by_the_real_engine(tmp_path, media):
    ocr.use_engine(None)
    card, values = business_card()
    assert all(v in read_everything(card) for v in values[1:])  # the engine reads the original
    source = tmp_path / "名片.jpg"
    source.write_bytes(encoded(card, "JPEG", quality=85, exif=_exif_with_gps()))
    out = image_writer.rewrite(source.read_bytes(), media, ctx(source.name))
    copy = opened(out)
    text = read_everything(copy)
    assert not [v for v in values if v in text]
    assert "6789" not in text and "5678" not in text.replace("13812345678", "")
    assert not copy.getexif() and b"GPS" not in out and b"Exif" not in out
    assert {"PHONE_NUMBER", "PERSON", "EMAIL_ADDRESS"} <= set(media.counts)


@pytest.mark.slow
@needs_font
def test_baomi_redact_writes_a_verified_card(tmp_path):
    from scanner.cli import main
    from scanner.scan.content import format_of

    ocr.use_engine(None)
    card, values = business_card()
    data = encoded(card, "PNG")
    if format_of(data, "card.png") != "image":
        pytest.skip("the image extractor (scanner/scan/extract/image.py) is not registered")
    source, target = tmp_path / "card.png", tmp_path / "out.png"
    source.write_bytes(data)
    command = ["redact", str(source), "-o", str(target), "--policy", "media"]
    code = main(
        [*command, "--audit-log", str(tmp_path / "audit.jsonl"), "--force", "--reason", "测试"]
    )
    assert code == 0
    text = read_everything(opened(target.read_bytes()))
    assert not [v for v in values if v in text]


@pytest.mark.slow
@needs_font
def test_a_scanned_pdf_page_is_a_new_raster_nothing_can_be_read_from(media):
    ocr.use_engine(None)
    card, values = business_card()
    scan = encoded(card, "JPEG", quality=80)
    doc = pymupdf.open()
    page = doc.new_page(width=450, height=260)
    page.insert_image(page.rect, stream=scan)
    out = pdf_writer.rewrite(doc.tobytes(), media, ctx("scan.pdf"))
    with pymupdf.open(stream=out, filetype="pdf") as copy:
        [image] = copy[0].get_images(full=True)
        assert copy[0].get_text().strip() == ""
        raster_bytes = copy.extract_image(image[0])["image"]
    assert raster_bytes != scan and scan[-3000:-2] not in out
    text = read_everything(rendered(out, dpi=144))
    assert not [v for v in values if v in text]
    assert "星河传媒" not in text  # ORGANIZATION is labelled by media: painted in pixels
