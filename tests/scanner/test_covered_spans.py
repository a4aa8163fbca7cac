"""The consistency pass asks whether a new occurrence overlaps a flagged span with a sorted
sweep (O(log n)) instead of comparing with every span: the answers must be the same."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.scan.pipeline import _Covered

span = st.tuples(st.integers(0, 60), st.integers(1, 12)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(span, max_size=30), span)
def test_overlaps_as_every_pair_would_say(spans: list[tuple[int, int]], probe: tuple[int, int]):
    start, end = probe
    expected = any(s < end and start < e for s, e in spans)
    assert _Covered(spans).overlaps(start, end) is expected


def test_a_long_span_that_starts_early_still_covers_a_late_probe() -> None:
    covered = _Covered([(0, 100), (10, 12), (50, 51)])
    assert covered.overlaps(70, 72)
    assert not _Covered([(10, 12), (50, 51)]).overlaps(70, 72)
    assert not covered.overlaps(100, 105)
