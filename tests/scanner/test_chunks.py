"""Overlapping chunks: every value found exactly once, at the same location as in one piece."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.registry import build_recognizers
from scanner.models import Segment
from scanner.scan.analyze import Analyzer, SegmentLocator
from scanner.scan.extract.text import overlapping_chunks

ANALYZER = Analyzer(build_recognizers())


def located(segments) -> list[tuple[str, int, int, str]]:
    """(location, start, end, value) of every kept finding, as the pipeline reports them."""
    out = []
    for segment in segments:
        locator = SegmentLocator(segment)
        for d in ANALYZER.analyze(segment.text):
            if d.start < segment.keep_from:
                continue
            if segment.keep_to is not None and d.start >= segment.keep_to:
                continue
            location, base = locator.locate(d.start)
            out.append((location, d.start - base, d.end - base, d.value))
    return out


_pieces = st.lists(
    st.sampled_from(
        [
            "手机13812345678。",
            "邮箱zhang@xinghe-media.com ",
            "\n",
            "好好",
            "客户联系人",
            "QQ：123456789，",
            "x" * 7,
            " ",
        ]
    ),
    min_size=1,
    max_size=120,
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_pieces, st.integers(min_value=30, max_value=200), st.integers(min_value=1, max_value=50))
def test_chunked_findings_equal_whole_text_findings(pieces, chunk, piece_size):
    text = "".join(pieces)
    whole = located([Segment(text, "", first_line=1)])
    stream = [text[i : i + piece_size] for i in range(0, len(text), piece_size)]
    chunks = list(overlapping_chunks(stream, chunk=chunk, overlap=40, lead=20))
    assert located(chunks) == whole
    # the chunks' own parts tile the text exactly
    own = "".join(s.text[s.keep_from : s.keep_to] for s in chunks)
    assert own == text


@pytest.mark.slow
def test_a_value_straddling_a_cut_is_found_once_in_a_long_single_line():
    line = ("好" * 37 + "手机13812345678。") * 50
    chunks = list(overlapping_chunks([line], chunk=64, overlap=40, lead=20))
    assert len(chunks) > 10
    found = located(chunks)
    assert len(found) == 50
    assert found[1] == ("第 1 行", 90, 101, "13812345678")  # offsets count from the line start


@pytest.mark.parametrize("text", ["", "短文本"])
def test_short_texts_are_one_segment(text):
    chunks = list(overlapping_chunks([text]))
    assert [(c.text, c.keep_from, c.keep_to) for c in chunks] == ([(text, 0, None)] if text else [])
