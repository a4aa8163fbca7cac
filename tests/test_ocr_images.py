"""The OCR benchmark's image generator (bench/ocr_images.py): valid codes, stated sizes,
reproducible bytes, a clear error without a CJK font. No OCR engine needed."""

import io
import random

import pytest
from PIL import Image

from bench import ocr_images
from bench.ocr_images import (
    BANK_CARD,
    PAPER_MM,
    PHOTO_SIZES,
    RESIDENT_ID,
    USCC,
    FontNotFoundError,
    find_cjk_font,
    generate,
)
from recognizers.checksums import is_valid_luhn, is_valid_resident_id_checksum, is_valid_uscc
from recognizers.registry import all_entities

try:
    find_cjk_font()
    NO_FONT = ""
except FontNotFoundError as e:
    NO_FONT = str(e)
needs_font = pytest.mark.skipif(bool(NO_FONT), reason=NO_FONT)

VALID = {USCC: is_valid_uscc, RESIDENT_ID: is_valid_resident_id_checksum, BANK_CARD: is_valid_luhn}


def test_code_builders_make_valid_codes():
    rng = random.Random(0)
    for _ in range(300):
        region = rng.choice(ocr_images.REGIONS)[3]
        uscc = ocr_images.make_uscc(rng, region)
        assert is_valid_uscc(uscc) and uscc.startswith("91" + region)
        birth = (rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        ric = ocr_images.make_resident_id(rng, region, birth, male)
        assert is_valid_resident_id_checksum(ric)
        assert ric[6:14] == "{:04d}{:02d}{:02d}".format(*birth)
        assert int(ric[16]) % 2 == int(male)
        card = ocr_images.make_bank_card(rng, "622202", rng.choice((16, 19)))
        assert is_valid_luhn(card) and len(card) in (16, 19)
        assert ocr_images.make_mobile(rng)[:2] in {"13", "15", "16", "17", "18", "19"}


@pytest.mark.slow
@needs_font
def test_planted_codes_are_valid_and_types_are_baomis():
    sample = generate("contract", 5, "individual", dpi=150)  # a USCC, an ID, a bank card
    assert {t for t, _ in sample.truth} <= set(all_entities())
    codes = [(t, v) for t, v in sample.truth if t in VALID]
    assert {t for t, _ in codes} == set(VALID)
    for etype, value in codes:
        assert VALID[etype](value), (etype, value)
    assert len(sample.truth) == len(set(sample.truth))


@needs_font
def test_scans_have_the_stated_size():
    for (kind, variant), (w_mm, h_mm) in PAPER_MM.items():
        if kind in ("licence", "table", "contract"):
            continue  # the same code path as the small ones, which keep the test fast
        sample = generate(kind, 3, variant, dpi=150)
        expected = (round(w_mm * 150 / 25.4), round(h_mm * 150 / 25.4))
        assert sample.size == expected == sample.image().size
        assert sample.degradations["dpi"] == 150
        assert Image.open(io.BytesIO(sample.data)).format == sample.format


@pytest.mark.slow
@needs_font
def test_photos_and_screenshots_have_the_stated_size():
    photo = generate("id_card", 2, "photo")
    assert photo.size == photo.image().size and photo.size in PHOTO_SIZES
    assert photo.format == "JPEG" and 40 <= photo.degradations["jpeg_quality"] <= 80
    shot = generate("screenshot", 2, "chat")
    assert shot.size == shot.image().size
    assert any(t == "PHONE_NUMBER" for t, _ in shot.truth)


@needs_font
def test_same_seed_same_bytes():
    a = generate("business_card", 11, "scan", dpi=150)
    b = generate("business_card", 11, "scan", dpi=150)
    c = generate("business_card", 12, "scan", dpi=150)
    assert a.data == b.data and a.truth == b.truth and a.degradations == b.degradations
    assert c.data != a.data and c.truth != a.truth


def test_variants_alternate_and_unknown_kinds_are_refused():
    assert {ocr_images.VARIANTS["id_card"][(s // 6) % 2] for s in range(6, 18)} == {
        "photo",
        "copy",
    }
    with pytest.raises(ValueError, match="unknown kind"):
        generate("passport", 1)
    with pytest.raises(ValueError, match="unknown variant"):
        generate("licence", 1, "photo")


def test_font_finder_names_the_package(tmp_path, monkeypatch):
    missing = [tmp_path / "none.ttc", tmp_path / "also-none.ttf"]
    with pytest.raises(FontNotFoundError) as info:
        find_cjk_font(missing)
    message = str(info.value)
    assert "fonts-wqy-microhei" in message and "apt-get install" in message
    assert str(missing[0]) in message and "BAOMI_CJK_FONT" in message
    assert isinstance(info.value, FileNotFoundError)

    font = tmp_path / "mine.ttf"
    font.write_bytes(b"not really a font")
    assert find_cjk_font([missing[0], font]) == font
    monkeypatch.setenv("BAOMI_CJK_FONT", str(font))
    assert find_cjk_font() == font
