"""End to end with the real engine (RapidOCR, PP-OCRv4): pictures drawn here with Pillow and
a CJK font (``scripts/setup.sh`` installs fonts-wqy-microhei for the test extra), scanned
through the pipeline, the exact findings asserted. Each OCR call takes seconds on a small
machine: these tests are few, and slow."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from recognizers.checksums import uscc_check_char
from scanner.scan.extract import image as image_extractor

pytestmark = pytest.mark.slow

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
USCC_BODY = "91310115MA1K4QW8X"
USCC = USCC_BODY + (uscc_check_char(USCC_BODY) or "")
PHONE = "13916852047"
NAME = "欧阳建国"


@pytest.fixture(autouse=True)
def _font_and_fresh_reads():
    if not FONT.exists():
        pytest.skip("the CJK test font is not installed (scripts/setup.sh test)")
    image_extractor._RECENT.clear()
    yield
    image_extractor._RECENT.clear()


def drawn(lines: list[str], size: tuple[int, int] = (900, 320)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 30)
    for row, text in enumerate(lines):
        draw.text((40, 40 + row * 80), text, font=font, fill="black")
    return image


def found(result) -> set[tuple[str, str, str]]:
    return {(f.entity_type, f.value, f.location) for f in result.findings}


def test_a_photographed_card_gives_the_name_phone_and_credit_code(make_scanner):
    buffer = io.BytesIO()
    card = drawn([f"联系人：{NAME}", f"手机：{PHONE}", f"统一社会信用代码：{USCC}"])
    card.rotate(1.5, expand=True, fillcolor="white").save(buffer, "JPEG", quality=80)
    [result] = make_scanner(include_values=True).scan_bytes("名片.jpg", buffer.getvalue())
    wanted = {
        ("PERSON", NAME, "图像识别 第 1 行"),
        ("PHONE_NUMBER", PHONE, "图像识别 第 2 行"),
        ("CN_USCC", USCC, "图像识别 第 3 行"),
    }
    assert wanted <= found(result)
    for finding in result.findings:
        assert finding.box is not None


def test_a_scanned_pdf_page_gives_its_phone_with_a_box_on_the_page(make_scanner):
    buffer = io.BytesIO()
    drawn([f"联系人：{NAME}  手机：{PHONE}"], size=(1240, 200)).save(buffer, "PNG")
    document = pymupdf.open()
    page = document.new_page()
    page.insert_image(pymupdf.Rect(36, 36, 559, 120), stream=buffer.getvalue())
    [result] = make_scanner(include_values=True).scan_bytes("扫描件.pdf", document.tobytes())
    assert ("PHONE_NUMBER", PHONE, "第 1 页（图像识别） 第 1 行") in found(result)
    phone = next(f for f in result.findings if f.entity_type == "PHONE_NUMBER")
    assert phone.box is not None
    left, top, right, bottom = phone.box  # in the page's pixels at 200 dpi: within the image
    assert 36 * 200 / 72 <= left < right <= 559 * 200 / 72 + 2
    assert 36 * 200 / 72 - 2 <= top < bottom <= 120 * 200 / 72 + 2


@pytest.mark.parametrize("complete", [True, False])
def test_a_scanned_agreement_passes_the_seven_clause_check_only_when_whole(complete):
    """Issue 19's target: a scanned seven-clause NDA (an image-only PDF page) passes, one
    missing the personal-information clause fails."""
    from scanner.compliance.nda import check_file
    from scanner.scan.limits import Limits
    from tests.scanner.test_ocr_images import NDA

    lines = NDA if complete else NDA[:-1]
    page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 34)
    for row, text in enumerate(lines):
        draw.text((150, 200 + row * 70), text, font=font, fill=0)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    document = pymupdf.open()
    pdf_page = document.new_page()
    pdf_page.insert_image(pdf_page.rect, stream=buffer.getvalue())
    check = check_file(document.tobytes(), "保密协议_扫描件.pdf", Limits())
    assert check.complete is complete
    assert check.missing == ([] if complete else ["personal_info"])
