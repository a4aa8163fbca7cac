"""OCR's engine-independent parts: characters and their boxes from RapidOCR's output,
spaces restored from gaps, rows and tables laid out as a reader sees them, the encrypted
cache, and the ``[ocr]`` settings (scanner/scan/ocr.py, scanner/scan/ocr_cache.py)."""

from __future__ import annotations

import stat
import textwrap

import pytest

from scanner.config import ConfigError, load_config
from scanner.models import SegmentKind
from scanner.scan.ocr import (
    OcrBudget,
    OcrLine,
    OcrPage,
    OcrSettings,
    _rapid_line,
    recognise,
    rows_of,
    segments,
    use_engine,
)
from scanner.scan.ocr_cache import OcrCache, cache_key_from


def line(text: str, x: int, y: int, char_w: int = 20, h: int = 24) -> OcrLine:
    """A line of evenly spaced characters starting at (x, y)."""
    boxes = tuple((x + i * char_w, y, x + (i + 1) * char_w, y + h) for i in range(len(text)))
    return OcrLine(text, boxes, 0.99)


def quad(x0: int, y0: int, x1: int, y1: int) -> list[list[int]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


# --- RapidOCR's output --------------------------------------------------------------


def test_a_rapidocr_line_keeps_one_box_per_character_and_restores_a_wide_gap_as_a_space():
    chars = ["张", "伟", "手", "机"]
    quads = [quad(0, 0, 20, 24), quad(22, 0, 42, 24), quad(90, 0, 110, 24), quad(112, 0, 132, 24)]
    entry = [quad(0, 0, 132, 24), "张伟手机", 0.98, quads, chars, [0.9] * 4]
    got = _rapid_line(entry)
    assert got is not None
    assert got.text == "张伟 手机"
    assert len(got.boxes) == len(got.text)
    assert got.boxes[2] == (42, 0, 90, 24)  # the space covers the gap
    assert got.box == (0, 0, 132, 24)


def test_a_rapidocr_line_without_character_boxes_shares_the_width_out():
    got = _rapid_line([quad(0, 0, 100, 20), "13812", 0.9])
    assert got is not None and got.text == "13812"
    assert got.boxes[0] == (0, 0, 20, 20) and got.boxes[-1] == (80, 0, 100, 20)


def test_an_empty_rapidocr_line_is_dropped():
    assert _rapid_line([quad(0, 0, 10, 10), "  ", 0.9, [], [], []]) is None


# --- layout -----------------------------------------------------------------------


def test_lines_on_one_row_are_joined_left_to_right_with_their_boxes():
    page = OcrPage(800, 200, (line("手机：13812345678", 300, 12), line("联系人：张伟", 10, 10)))
    [segment] = list(segments(page, "图像识别"))
    assert segment.text == "联系人：张伟  手机：13812345678"
    assert segment.location == "图像识别 第 1 行"
    assert segment.kind is SegmentKind.PROSE
    assert len(segment.boxes) == len(segment.text)
    assert segment.boxes[0] == (10, 10, 30, 34)


def test_rows_are_ordered_top_to_bottom():
    page = OcrPage(400, 400, (line("第二行", 10, 100), line("第一行", 10, 10)))
    assert [[ln.text for ln in row] for row in rows_of(page)] == [["第一行"], ["第二行"]]


def test_a_scanned_table_gives_cells_under_their_headers():
    grid = [("姓名", "手机"), ("王芳", "13912345678"), ("李强", "13698765432")]
    lines = [
        line(text, 10 + col * 300, 10 + row * 50)
        for row, r in enumerate(grid)
        for col, text in enumerate(r)
    ]
    found = list(segments(OcrPage(800, 300, tuple(lines)), "第 2 页（图像识别）"))
    assert [(s.kind, s.text, s.context) for s in found] == [
        (SegmentKind.HEADER, "姓名  手机", ()),
        (SegmentKind.TABLE_CELL, "王芳", ("姓名",)),
        (SegmentKind.TABLE_CELL, "13912345678", ("手机",)),
        (SegmentKind.TABLE_CELL, "李强", ("姓名",)),
        (SegmentKind.TABLE_CELL, "13698765432", ("手机",)),
    ]
    assert found[2].location == "第 2 页（图像识别） 第 2 行 第 2 列"


def contact_list(*rows: tuple[tuple[str, int], ...], drift: int = 0) -> OcrPage:
    """Rows of (text, x) cells 40 px apart; each row ``drift`` px further right (a tilt)."""
    return OcrPage(
        1000,
        40 * len(rows) + 40,
        tuple(
            line(text, x + r * drift, 10 + r * 40) for r, row in enumerate(rows) for text, x in row
        ),
    )


def cells(page: OcrPage) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (s.location, s.text, s.context)
        for s in segments(page, "图像识别")
        if s.kind is SegmentKind.TABLE_CELL
    ]


def test_labels_set_close_together_over_a_narrow_column_still_head_the_table():
    # 序号 and 姓名 sit 30 px apart (less than 1.5 × a 24 px line): the values under them
    # are further apart, and the row of labels is still the header
    page = contact_list(
        (("会议嘉宾名单", 300),),
        (("序号", 10), ("姓名", 80), ("手机", 400)),
        (("1", 20), ("王芳", 80), ("13912345678", 400)),
        (("2", 20), ("李强", 80), ("13698765432", 400)),
    )
    found = list(segments(page, "图像识别"))
    assert [(s.kind, s.text) for s in found][:2] == [
        (SegmentKind.PROSE, "会议嘉宾名单"),
        (SegmentKind.HEADER, "序号  姓名  手机"),
    ]
    assert cells(page)[:3] == [
        ("图像识别 第 3 行 第 1 列", "1", ("序号",)),
        ("图像识别 第 3 行 第 2 列", "王芳", ("姓名",)),
        ("图像识别 第 3 行 第 3 列", "13912345678", ("手机",)),
    ]


def test_a_row_missing_a_cell_keeps_its_cells_in_their_columns():
    page = contact_list(
        (("序号", 10), ("姓名", 80), ("手机", 400)),
        (("王芳", 80), ("13912345678", 400)),  # OCR missed the 1
        (("2", 20), ("李强", 80), ("13698765432", 400)),
        (("3", 20), ("赵敏", 80), ("15011112222", 400)),
    )
    assert cells(page)[:2] == [
        ("图像识别 第 2 行 第 2 列", "王芳", ("姓名",)),
        ("图像识别 第 2 行 第 3 列", "13912345678", ("手机",)),
    ]
    assert len(cells(page)) == 8


def test_a_footer_across_two_columns_ends_the_table():
    page = contact_list(
        (("姓名", 10), ("手机", 250)),
        (("王芳", 10), ("13912345678", 250)),
        (("李强", 10), ("13698765432", 250)),
        (("制表人：赵敏（行政部主管）", 10), ("日期：2024-06-16", 600)),
    )
    found = list(segments(page, "图像识别"))
    assert (found[-1].kind, found[-1].location) == (SegmentKind.PROSE, "图像识别 第 4 行")
    assert len(cells(page)) == 4


def test_columns_drifting_sideways_down_a_tilted_scan_are_followed():
    # each row 12 px further right: row 6's cells no longer overlap row 2's at all
    rows = [(("姓名", 10), ("手机", 400))]
    rows += [((f"联系人{i}", 10), (f"139123456{i:02d}", 400)) for i in range(6)]
    page = contact_list(*rows, drift=12)
    assert len(cells(page)) == 12
    assert cells(page)[-1][2] == ("手机",)


def test_two_rows_alone_are_not_a_table():
    lines = [
        line("姓名", 10, 10),
        line("手机", 310, 10),
        line("王芳", 10, 60),
        line("139", 310, 60),
    ]
    kinds = {s.kind for s in segments(OcrPage(800, 200, tuple(lines)), "图像识别")}
    assert kinds == {SegmentKind.PROSE}


# --- the engine through the cache -------------------------------------------------


class CountingEngine:
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def read(self, image):
        self.calls += 1
        return OcrPage(image.width, image.height, (line("联系人：张伟", 0, 0),))


@pytest.fixture
def counting_engine():
    engine = CountingEngine()
    use_engine(engine)
    yield engine
    use_engine(None)


def test_an_image_is_read_once_then_from_the_encrypted_cache(tmp_path, counting_engine):
    from PIL import Image

    settings = OcrSettings(cache_dir=str(tmp_path / "cache"), cache_key=cache_key_from(b"k" * 32))
    image = Image.new("RGB", (100, 60), "white")
    first = recognise(image, "sha:0", settings)
    second = recognise(image, "sha:0", settings)
    assert first == second and counting_engine.calls == 1
    [stored] = list((tmp_path / "cache").rglob("*.ocr"))
    assert "张伟".encode() not in stored.read_bytes()  # no raw value on disk in the clear
    assert "sha" not in stored.name
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_a_cache_entry_under_another_key_is_a_miss(tmp_path):
    page = OcrPage(10, 10, (line("王芳", 0, 0),))
    OcrCache(tmp_path, cache_key_from(b"a" * 32)).put("k", page)
    assert OcrCache(tmp_path, cache_key_from(b"a" * 32)).get("k") == page
    # another installation's key: both the file name and the decryption differ
    assert OcrCache(tmp_path, cache_key_from(b"b" * 32)).get("k") is None


def test_a_damaged_cache_entry_is_a_miss(tmp_path):
    cache = OcrCache(tmp_path, cache_key_from(b"a" * 32))
    cache.put("k", OcrPage(10, 10, ()))
    [stored] = list(tmp_path.rglob("*.ocr"))
    data = stored.read_bytes()
    stored.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # always a change (0x00 was not)
    assert cache.get("k") is None


def test_without_a_cache_folder_nothing_is_kept(tmp_path, counting_engine):
    from PIL import Image

    image = Image.new("RGB", (100, 60), "white")
    recognise(image, "k", OcrSettings())
    recognise(image, "k", OcrSettings())
    assert counting_engine.calls == 2


def test_the_budget_counts_pages_and_says_which_limit_stopped_it():
    budget = OcrBudget(OcrSettings(max_pages=1))
    assert budget.allows()
    budget.spend_page()
    assert not budget.allows() and "max_pages = 1" in budget.refusal
    spent = OcrBudget(OcrSettings(file_budget_s=0))
    assert not spent.allows() and "file_budget_s = 0" in spent.refusal


# --- [ocr] in baomi.toml ----------------------------------------------------------


def write_config(tmp_path, body: str):
    path = tmp_path / "baomi.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_ocr_settings_load_from_their_own_table(tmp_path):
    config = load_config(
        write_config(tmp_path, "[ocr]\nenabled = false\nmax_pages = 5\nmin_image_px = 100\n")
    )
    assert config.limits.ocr == OcrSettings(enabled=False, max_pages=5, min_image_px=100)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[ocr]\ncache_dir = "/tmp/x"\n', "cache_dir"),  # set by the application only
        ("[ocr]\nenabled = 1\n", "enabled must be true or false"),
        ("[ocr]\nmax_pages = -1\n", "max_pages must be a non-negative number"),
        ("[limits]\nocr = 1\n", "ocr"),  # not a [limits] key
    ],
)
def test_bad_ocr_settings_are_refused_at_load(tmp_path, body, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, body))


def tilted(text: str, x: int, y: int, slope: float, char_w: int = 20, h: int = 24) -> OcrLine:
    """A line of a scan fed in crooked: each character a little lower than the last."""
    boxes = tuple(
        (
            x + i * char_w,
            round(y + slope * (x + i * char_w)),
            x + (i + 1) * char_w,
            round(y + slope * (x + i * char_w)) + h,
        )
        for i in range(len(text))
    )
    return OcrLine(text, boxes, 0.99)


def test_a_crooked_scans_table_keeps_its_rows_apart():
    """At 4° a row's right end sits as low as the next row's left end: without the tilt
    taken out the header would swallow a data row."""
    slope = 0.07
    grid = [
        ("姓名", "单位", "手机"),
        ("王芳", "星河传媒", "13912345678"),
        ("李强", "蓝鲸科技", "13698765432"),
        ("赵敏", "新华社", "15011112222"),
    ]
    lines = [
        tilted(t, 10 + c * 300, 10 + r * 40, slope)
        for r, row in enumerate(grid)
        for c, t in enumerate(row)
    ]
    found = list(segments(OcrPage(1000, 400, tuple(lines), skew=slope), "图像识别"))
    assert [(s.text, s.context) for s in found if s.kind is SegmentKind.TABLE_CELL][:3] == [
        ("王芳", ("姓名",)),
        ("星河传媒", ("单位",)),
        ("13912345678", ("手机",)),
    ]
    straight = list(segments(OcrPage(1000, 400, tuple(lines)), "图像识别"))
    assert [s.text for s in straight] != [s.text for s in found]  # the tilt is what matters
