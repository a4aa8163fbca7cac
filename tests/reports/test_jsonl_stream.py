"""``scan -o -`` streams: each file's JSONL lines are written and flushed as the file is done,
before the next file is scanned."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from reports import jsonl
from scanner.models import FileResult, FileStatus, Finding


class _Recording(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushed: list[int] = []  # lines written at each flush

    def flush(self) -> None:
        self.flushed.append(self.getvalue().count("\n"))
        super().flush()


def _result(path: str, findings: int) -> FileResult:
    found = [
        Finding(path, "PHONE_NUMBER", n, n + 11, 0.9, f"第 {n} 行", "CnPhone", "138****5678", "f")
        for n in range(findings)
    ]
    return FileResult(path, FileStatus.SCANNED, findings=found)


def test_each_files_lines_are_out_before_the_next_file_is_scanned() -> None:
    stream = _Recording()
    seen_when_scanning: list[int] = []

    def results() -> Iterator[FileResult]:
        for path, findings in (("a.txt", 2), ("empty.txt", 0), ("b.txt", 1)):
            seen_when_scanning.append(stream.flushed[-1] if stream.flushed else 0)
            yield _result(path, findings)

    assert jsonl.write(results(), stream) == 3
    assert seen_when_scanning == [0, 2, 2]  # b.txt was scanned after a.txt's lines were out
    assert stream.flushed == [2, 3]
    paths = [json.loads(line)["path"] for line in stream.getvalue().splitlines()]
    assert paths == ["a.txt", "a.txt", "b.txt"]
