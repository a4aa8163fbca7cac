"""atheris harness: arbitrary bytes through ``Scanner.scan_bytes``.

The first byte picks the file name's extension (``fuzz/_common.py``), the rest is the
content. ``scan_bytes`` must never raise: every failure is a ``FileResult`` with a
status and a reason. A crash here is any exception escaping it, or a result that
breaks that contract (no reason when not scanned, negative offsets). The pipeline's
catch-all reasons (``<format> extraction failed: <Exception>``) are extractor bugs it
hid; set ``BAOMI_FUZZ_STRICT=1`` to treat them as crashes too.

    python fuzz/fuzz_extract.py fuzz/seeds -max_total_time=3600
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports():
    import _common  # noqa: F401  (sys.path, environment)

    from recognizers.registry import build_recognizers
    from scanner.models import FileStatus
    from scanner.scan.analyze import Analyzer
    from scanner.scan.limits import Limits
    from scanner.scan.pipeline import Scanner, ScanOptions

from _common import split

KEY = bytes.fromhex("00112233445566778899aabbccddeeff" * 2)
STRICT = os.environ.get("BAOMI_FUZZ_STRICT") == "1"
SCANNER = Scanner(Analyzer(build_recognizers(ner=False)), KEY, options=ScanOptions(limits=Limits()))


class ContractViolation(AssertionError):
    """A result that breaks the pipeline's contract: a crash for the fuzzer."""


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    name, content = split(data)
    results = SCANNER.scan_bytes(name, content)  # an exception escaping here is a crash
    if not results:
        raise ContractViolation(f"no result for {name}")
    for r in results:
        if not isinstance(r.status, FileStatus):
            raise ContractViolation(f"status {r.status!r}")
        if r.status is not FileStatus.SCANNED and not r.reason.strip():
            raise ContractViolation(f"{r.path}: {r.status} without a reason")
        if STRICT and " extraction failed: " in r.reason:
            raise ContractViolation(f"{r.path}: extractor exception caught: {r.reason}")
        for f in r.findings:
            if f.start < 0 or f.end < f.start:
                raise ContractViolation(f"{r.path}: finding offsets {f.start}..{f.end}")


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
