"""Hostile files: hangs, crashes, huge lines, files that change or vanish mid-scan."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import scanner.scan.extract.text as text_extractor
from scanner.scan.isolation import IsolatedScanner
from scanner.scan.limits import MB

PHONE_LINE = "会议纪要：联系人手机13812345678。\n"


def outcome(results, root: Path) -> list[tuple[str, str, str, int]]:
    prefix = str(root) + "/"
    return [
        (r.path.removeprefix(prefix), r.status.value, r.reason, len(r.findings)) for r in results
    ]


@pytest.mark.slow
def test_a_hanging_parser_is_abandoned_and_the_scan_goes_on(make_scanner, tmp_path, monkeypatch):
    (tmp_path / "a_hang.txt").write_text("挂起\n", encoding="utf-8")
    (tmp_path / "b_ok.txt").write_text(PHONE_LINE, encoding="utf-8")
    real = text_extractor.line_chunks

    def hang_on_marker(text, *args, **kwargs):
        if "挂起" in text:
            time.sleep(60)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(text_extractor, "line_chunks", hang_on_marker)  # inherited by the fork
    started = time.monotonic()
    with IsolatedScanner(make_scanner(), timeout=1.0) as isolated:
        results = list(isolated.scan([tmp_path]))
    assert outcome(results, tmp_path) == [
        ("a_hang.txt", "error", "timed out after 1 s: abandoned, not scanned", 0),
        ("b_ok.txt", "scanned", "", 1),
    ]
    assert time.monotonic() - started < 30


def test_a_crashing_parser_is_reported_and_the_worker_replaced(make_scanner, tmp_path, monkeypatch):
    (tmp_path / "a_crash.txt").write_text("崩溃\n", encoding="utf-8")
    (tmp_path / "b_ok.txt").write_text(PHONE_LINE, encoding="utf-8")
    real = text_extractor.line_chunks

    def crash_on_marker(text, *args, **kwargs):
        if "崩溃" in text:
            os._exit(3)  # what a segfaulting C parser looks like from outside
        return real(text, *args, **kwargs)

    monkeypatch.setattr(text_extractor, "line_chunks", crash_on_marker)
    with IsolatedScanner(make_scanner(), timeout=30) as isolated:
        results = list(isolated.scan([tmp_path]))
    assert outcome(results, tmp_path) == [
        ("a_crash.txt", "error", "extraction crashed (worker exit code 3)", 0),
        ("b_ok.txt", "scanned", "", 1),
    ]


@pytest.mark.slow
def test_a_50_mb_single_line_is_streamed_and_every_value_found_once(make_scanner, tmp_path):
    unit = "客户资料" * 250  # 1,000 characters of prose
    line = (unit + "手机13812345678，") * 18_000  # ~54 MB of UTF-8 on one line
    path = tmp_path / "one_line.txt"
    path.write_text(line, encoding="utf-8")
    assert path.stat().st_size > 50 * MB
    results = make_scanner(stream_threshold_bytes=8 * MB).scan_file(path)
    assert [(r.status.value, r.reason, r.notes) for r in results] == [("scanned", "", ())]
    findings = results[0].findings
    assert len(findings) == 18_000
    assert {(f.entity_type, f.location, f.end - f.start) for f in findings} == {
        ("PHONE_NUMBER", "第 1 行", 11)
    }
    starts = [f.start for f in findings]
    assert starts == [1002 + i * 1014 for i in range(18_000)]  # offsets within the one line


def test_a_streamed_file_with_bad_bytes_is_scanned_to_the_end(make_scanner, tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(PHONE_LINE.encode() * 2000 + b"\xff\xfe\xfd" + PHONE_LINE.encode())
    results = make_scanner(stream_threshold_bytes=1024).scan_file(path)
    assert len(results) == 1 and results[0].status.value == "scanned"
    assert len(results[0].findings) == 2001
    assert results[0].notes == (
        "bytes not valid utf-8 in the block at byte 65536: replaced by U+FFFD, "
        "the rest was scanned",
    )


def test_a_file_replaced_by_a_directory_or_removed_between_walk_and_read(make_scanner, tmp_path):
    scanner = make_scanner()
    gone = tmp_path / "gone.txt"
    assert outcome(scanner.scan_file(gone), tmp_path) == [
        ("gone.txt", "error", "vanished before it could be read", 0)
    ]
    folder = tmp_path / "now_a_dir"
    folder.mkdir()
    assert outcome(scanner.scan_file(folder), tmp_path) == [
        ("now_a_dir", "skipped", "directory, not a file", 0)  # scanner/scan/fsio.py's words
    ]


@pytest.mark.parametrize("size_mb, reason", [(3, "too large: 3.0 MB > 2 MB limit")])
def test_binary_files_over_the_size_limit_are_skipped(make_scanner, tmp_path, size_mb, reason):
    from scanner.scan.limits import Limits

    path = tmp_path / "huge.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * (size_mb * MB - 8))
    results = make_scanner(Limits(max_file_mb=2)).scan_file(path)
    assert outcome(results, tmp_path) == [("huge.bin", "skipped", reason, 0)]


class AppendOnFirstRead:
    """A file handle whose file another process appends to just after it was opened and
    its size taken (the first read happens after the fstat)."""

    def __init__(self, handle, path, text: str) -> None:
        self.handle, self.path, self.text = handle, path, text

    def read(self, *args):
        if self.text:
            with open(self.path, "a", encoding="utf-8") as writer:
                writer.write(self.text)
            self.text = ""
        return self.handle.read(*args)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


def appending(monkeypatch, text: str) -> None:
    import scanner.scan.pipeline as pipeline

    real_open = pipeline.open_regular
    monkeypatch.setattr(
        pipeline, "open_regular", lambda file, *a, **k: AppendOnFirstRead(real_open(file, *a, **k), file, text)
    )


def test_a_file_that_grows_while_it_is_read_is_noted(make_scanner, tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_text(PHONE_LINE, encoding="utf-8")
    appending(monkeypatch, PHONE_LINE)
    results = make_scanner().scan_file(path)
    assert results[0].status.value == "scanned"
    assert len(results[0].findings) == 2
    assert results[0].notes == (
        "the file changed while it was read (45 bytes before, 90 read)",)


def test_a_log_still_being_written_is_read_to_its_size_at_open(make_scanner, tmp_path, monkeypatch):
    """A streamed file that keeps growing is read to the size it had when it was opened,
    so a writer that never stops cannot hold the scan until it times out."""
    path = tmp_path / "app.log"
    path.write_text(PHONE_LINE * 40, encoding="utf-8")
    appending(monkeypatch, PHONE_LINE * 40)
    [result] = make_scanner(stream_threshold_bytes=100).scan_file(path)
    assert result.status.value == "scanned" and len(result.findings) == 40
    size = len((PHONE_LINE * 40).encode())
    assert f"the file grew while it was read: its first {size} bytes scanned" in result.notes


# --- the spawned worker (for processes that may not fork, such as Dask workers) ----------


@pytest.mark.slow
def test_a_spawned_worker_finds_what_the_scanner_finds(tmp_path):
    from scanner.scan.executors.spec import ScanSpec
    from scanner.scan.isolation import SpawnedScanner

    path = tmp_path / "b_ok.txt"
    path.write_text(PHONE_LINE, encoding="utf-8")
    spec = ScanSpec(key=bytes(32), ner=False)
    with SpawnedScanner(spec, timeout=60) as spawned:
        assert spawned.scan_file(path) == spec.build().scan_file(path)


@pytest.mark.slow
def test_a_spawned_worker_that_overruns_or_dies_is_replaced(tmp_path):
    from scanner.scan.executors.spec import ScanSpec
    from scanner.scan.isolation import SpawnedScanner

    slow = tmp_path / "a_slow.txt"
    slow.write_text(("会议纪要。" * 200 + "\n") * 2_000, encoding="utf-8")  # ~3 MB of prose
    ok = tmp_path / "b_ok.txt"
    ok.write_text(PHONE_LINE, encoding="utf-8")
    with SpawnedScanner(ScanSpec(key=bytes(32), ner=False), timeout=60) as spawned:
        spawned.start()  # the interpreter's start-up is not part of any file's time
        spawned.timeout = 0.001
        [late] = spawned.scan_file(slow)
        assert (late.status.value, late.reason) == (
            "error",
            "timed out after 0.001 s: abandoned, not scanned",
        )
        spawned.timeout = 60
        [found] = spawned.scan_file(ok)  # a new worker took over
        assert [f.entity_type for f in found.findings] == ["PHONE_NUMBER"]
        os.kill(spawned._process.pid, 9)  # what a segfaulting C parser looks like from outside
        # the crash must come while the file is in the worker: had the parent already seen
        # the worker dead before sending it, it would (rightly) start a new one silently
        spawned._process.wait()
        check_alive = spawned._alive
        spawned._alive = lambda: True  # type: ignore[method-assign]
        [crashed] = spawned.scan_file(ok)
        spawned._alive = check_alive  # type: ignore[method-assign]
        assert crashed.reason == "extraction crashed (worker exit code -9)"
        [again] = spawned.scan_file(ok)
        assert [f.entity_type for f in again.findings] == ["PHONE_NUMBER"]
