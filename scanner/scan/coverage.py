"""What a scan could not cover: files and members whose content was not analysed.

A nightly job must notice them: client information may sit in a file that timed
out, crashed its parser, was corrupt, or broke a safety limit, and "nothing
found" would be a false all-clear. ``baomi scan`` exits 3 when there are any
(unless a usage error makes it 2) and says how many in a closing line; the
inventory keeps each one with its reason (``无法扫描`` sheet, ``--table errors``).

Deliberate, expected skips do not count: empty files, types baomi does not read
(images, binaries), links it does not follow, encrypted files (reported as such).
"""

from __future__ import annotations

from scanner.models import FileResult, FileStatus
from scanner.scan.fsio import is_refusal

# The reasons a skip is a limit the file broke (``scanner/scan/limits.py``, the pipeline's
# size check), not a deliberate pass: such a file may hold anything.
LIMIT_REASONS = ("limit exceeded", "too large")


def not_scanned(status: FileStatus | str, reason: str) -> bool:
    """True for a file or member that could not be scanned: an error of any kind (a
    time-out, a crash, corrupt, unreadable) or a skip because it broke a limit."""
    if FileStatus(status) is FileStatus.ERROR:
        return not is_refusal(reason)  # a link not followed, a FIFO not read: deliberate
    return FileStatus(status) is FileStatus.SKIPPED and reason.startswith(LIMIT_REASONS)


def result_not_scanned(result: FileResult) -> bool:
    return not_scanned(result.status, result.reason)


def summary_line(count: int, recorded: bool) -> str:
    """The closing line of a scan that left ``count`` files or members unscanned."""
    where = "，已记入清单 / " if recorded else " / "
    kept = "; each is in the inventory with its reason" if recorded else ""
    return (
        f"baomi: 无法扫描 {count} 个文件或成员（出错、超时或超出限制）{where}"
        f"{count} files or members could not be scanned (error, time-out or limit){kept}; "
        "exit code 3"
    )
