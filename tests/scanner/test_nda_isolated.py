"""The NDA clause check runs like a scanned file: in a worker, within [limits] and the
per-file time limit; a hostile agreement is reported with its reason and the rest go on."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import scanner.scan.content
from scanner.compliance.nda import check_paths
from scanner.scan.isolation import Abandoned, call_isolated
from scanner.scan.limits import Limits

AGREEMENT = [
    "第一条 保密信息是指甲方披露的全部客户资料。",
    "第二条 乙方及其员工承担保密义务。",
    "第三条 乙方仅可用于本项目。",
    "第四条 保密期限为服务期间及终止后3年。",
    "第五条 项目结束后乙方应返还或销毁全部资料。",
    "第六条 违约方承担赔偿责任，争议提交上海仲裁委员会仲裁。",
    "第七条 个人信息的处理应遵守《个人信息保护法》。",
]


def docx_bytes(*paragraphs: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _hanging_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser that never ends on files named 挂起 (a crafted file's endless loop)."""
    real = scanner.scan.content.segments_of

    def segments_of(data, where, limits, depth=0):
        if "挂起" in str(where):
            while True:
                time.sleep(0.05)
        return real(data, where, limits, depth)

    monkeypatch.setattr(scanner.scan.content, "segments_of", segments_of)


@pytest.mark.slow
def test_a_hanging_agreement_is_stopped_by_the_time_limit_and_the_rest_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _hanging_docx(monkeypatch)
    hostile = tmp_path / "保密协议_挂起.docx"
    hostile.write_bytes(docx_bytes(*AGREEMENT))
    good = tmp_path / "保密协议.docx"
    good.write_bytes(docx_bytes(*AGREEMENT))
    fifo = tmp_path / "保密协议.txt"
    os.mkfifo(fifo)

    started = time.monotonic()
    checked = list(check_paths([hostile, fifo, good], Limits(file_timeout_s=2)))
    assert time.monotonic() - started < 30

    assert [c.path for c in checked] == [hostile, fifo, good]
    assert checked[0].check is None
    assert checked[0].reason == "timed out after 2 s: abandoned, not checked"
    assert checked[1].check is None and "FIFO" in checked[1].reason.upper()
    assert checked[2].reason == "" and checked[2].check is not None
    assert checked[2].check.complete, checked[2].check.missing


def test_the_check_reads_within_the_configured_limits(tmp_path: Path):
    big = tmp_path / "保密协议.txt"
    big.write_text("\n".join(AGREEMENT) * 2000, encoding="utf-8")
    [checked] = check_paths([big], Limits(max_file_mb=0.01))
    assert checked.check is None
    assert checked.reason.startswith("limit exceeded:")


def test_a_worker_that_dies_or_raises_is_reported_by_reason():
    with pytest.raises(Abandoned, match=r"extraction crashed \(worker exit code 3\)"):
        call_isolated(lambda: os._exit(3), 5)
    with pytest.raises(Abandoned, match=r"^cannot be read as a document \(KeyError\)$"):
        call_isolated(lambda: {}["保密"], 5)
    assert call_isolated(lambda: 42, 5) == 42
