"""Real documents of every format, mutated, through the scanner and the redaction writers.

The documents (``tests/fuzz/documents.py``) are a docx with a table, header and footer,
an xlsx with two sheets and a comment, a pptx with a table and notes, a two-page CJK
PDF, an e-mail with a docx and a CSV attachment, a zip holding a docx, a GBK text, a
CSV, a JSON and an HTML file. Mutations, drawn by hypothesis through a seeded
generator (so a failure shrinks to a seed): flipped bytes, truncations, chopped
heads, inserted junk (zip and PDF signatures, DTDs, BOMs, MIME boundaries), deleted
and duplicated chunks, and structure-aware zip mutations (one member mutated and the
zip rebuilt with valid CRCs, a member duplicated or dropped), under the right or a
wrong extension. Fixed hostile containers: truncated zips, duplicate members, deep
nesting, a docx named .pdf, a zip named .txt.

Properties of ``Scanner.scan_bytes``: nothing escapes; every result has a
``FileStatus`` and, unless scanned, a non-empty human-readable reason; findings'
offsets are non-negative; one file takes less than ``FILE_SECONDS``. Of
``rewrite_bytes`` with a rewriter that changes nothing: only ``RedactionError``
escapes, within the same time bound. The module stays under about 60 s.
"""

from __future__ import annotations

import os
import random
import signal
import time
import traceback
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recognizers.registry import build_recognizers
from scanner.models import FileResult, FileStatus
from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.scan.analyze import Analyzer
from scanner.scan.limits import Limits
from scanner.scan.pipeline import Scanner, ScanOptions
from tests.conftest import TEST_KEY_HEX
from tests.fuzz import documents

pytestmark = pytest.mark.slow

SCALE = max(1, int(os.environ.get("BAOMI_FUZZ_SCALE", "1")))
FILE_SECONDS = 10.0  # one (small) mutated file: scan or rewrite
FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


class Hang(Exception):
    """One file took longer than the bound: raised by SIGALRM inside the hung call."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Interrupt a hang (Python code) and fail the test, instead of blocking the suite."""

    def expired(signum: int, frame: object) -> None:
        raise Hang(f"{what}: still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds * 3)  # the hard stop; the bound is below
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"{what}: took {elapsed:.1f} s (bound {seconds:g} s)"


class NoEdits:
    """A TextRewriter that changes nothing: the writers still parse and write everything."""

    def __init__(self) -> None:
        self.calls = 0

    def edits(self, text: str, location: str = "", context: object = ()) -> list[Edit]:
        self.calls += 1
        return []


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes

    def __repr__(self) -> str:
        return f"Case({self.name!r}, {len(self.data)} bytes, head={self.data[:16]!r})"


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    analyzer = Analyzer(build_recognizers(ner=False))
    return Scanner(analyzer, bytes.fromhex(TEST_KEY_HEX), options=ScanOptions(limits=Limits()))


# --- known bugs ----------------------------------------------------------------------------
# Each is pinned by a strict xfail in tests/fuzz/test_regressions.py. The random tests here
# let exactly these through (matched by exception type and the project function raising
# it), so they keep hunting for new ones; remove an entry once its regression test passes.

KNOWN_ESCAPES: dict[tuple[str, str, str], str] = {
    # (exception type, project file, function) → regression test; empty: all were fixed
}
# Reasons of the pipeline's catch-all ("<format> extraction failed: <ExceptionName>"): an
# extractor let an unexpected exception out; the pipeline hides it, so it is checked here.
ZIP_KINDS = ("zip", "docx", "xlsx", "pptx")
KNOWN_CATCH_ALL_REASONS: frozenset[str] = frozenset()  # all fixed (test_regressions.py)


def known_escape(exc: BaseException) -> str | None:
    """The known bug this exception is, or None (then it is a new bug)."""
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/scanner/" in f.filename]
    if not frames:
        return None
    last = frames[-1]
    where = "scanner/" + last.filename.rsplit("/scanner/", 1)[1]
    for (known_kind, known_file, known_function), bug in KNOWN_ESCAPES.items():
        same_kind = (
            kind.startswith(known_kind[:-1]) if known_kind.endswith("*") else kind == known_kind
        )
        same_function = known_function in ("*", last.name)
        if same_kind and where == known_file and same_function:
            return bug
    return None


def scan(scanner: Scanner, name: str, data: bytes) -> list[FileResult]:
    with time_limit(FILE_SECONDS, f"scan_bytes({name!r}, {len(data)} bytes)"):
        results = scanner.scan_bytes(name, data)  # any exception here fails the test
    check_results(name, results)
    return results


def check_results(name: str, results: list[FileResult]) -> None:
    assert results, name
    assert results[0].path == name
    for r in results:
        assert isinstance(r.status, FileStatus), r
        assert r.path == name or r.path.startswith(name + "!"), r
        if r.status is not FileStatus.SCANNED:
            assert isinstance(r.reason, str) and r.reason.strip(), r
            assert "Traceback" not in r.reason and len(r.reason) < 2000, r
            # openpyxl's messages span two lines, parser messages may quote a BOM; any
            # other control character is a bug
            assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in r.reason), r
            if " extraction failed: " in r.reason:  # an extractor bug the pipeline caught
                assert r.reason in KNOWN_CATCH_ALL_REASONS, r
        for f in r.findings:
            assert 0 <= f.start <= f.end, f
            assert f.masked and len(f.fingerprint) == 32, f
            assert f.value is None  # values stay out of results unless asked for
        for note in r.notes:
            assert isinstance(note, str) and note.strip(), r


def rewrite(name: str, data: bytes) -> None:
    with time_limit(FILE_SECONDS, f"rewrite_bytes({name!r}, {len(data)} bytes)"):
        try:
            out = rewrite_bytes(data, NoEdits(), WriteContext(name))
        except RedactionError as exc:
            assert str(exc).strip(), repr(exc)
            return
        except Exception as exc:
            if known_escape(exc) is None:
                raise  # a new bug: only RedactionError may leave a writer
            return
    assert isinstance(out, bytes)


# --- the originals are sound (else the mutants test nothing) ---------------------------------


def test_every_original_scans_and_rewrites(scanner: Scanner) -> None:
    for name, data in documents.build_all().items():
        results = scan(scanner, name, data)
        assert all(r.status is FileStatus.SCANNED for r in results), (name, results)
        assert sum(len(r.findings) for r in results) >= 3, name
        rewrite(name, data)


# --- random mutants --------------------------------------------------------------------------

NAMES = st.sampled_from(sorted(documents.BUILDERS))
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
ROUNDS = st.integers(min_value=1, max_value=3)
RENAME = st.one_of(st.none(), st.sampled_from(documents.EXTENSIONS))


def mutant(name: str, seed: int, rounds: int, ext: str | None) -> Case:
    data = documents.mutate(documents.build_all()[name], random.Random(seed), rounds)
    if ext is not None:
        name = name.rsplit(".", 1)[0] + ext
    return Case(name, data)


@settings(max_examples=600 * SCALE, deadline=None, suppress_health_check=FIXTURE_OK)
@given(name=NAMES, seed=SEEDS, rounds=ROUNDS, ext=RENAME)
def test_mutated_documents_scan_without_escaping_exceptions(
    scanner: Scanner, name: str, seed: int, rounds: int, ext: str | None
) -> None:
    case = mutant(name, seed, rounds, ext)
    scan(scanner, case.name, case.data)


@settings(max_examples=500 * SCALE, deadline=None, suppress_health_check=FIXTURE_OK)
@given(name=NAMES, seed=SEEDS, rounds=ROUNDS, ext=RENAME)
def test_mutated_documents_rewrite_or_raise_redaction_error(
    name: str, seed: int, rounds: int, ext: str | None
) -> None:
    case = mutant(name, seed, rounds, ext)
    rewrite(case.name, case.data)


MAGIC_HEADS = (
    b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b'{"a":',
    b"From: a@b.c\r\nSubject: x\r\n\r\n", b"<html>", b"{\\rtf1 ", b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b\x08", b"\xef\xbb\xbf",
)  # fmt: skip


@settings(max_examples=250 * SCALE, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    data=st.binary(min_size=1, max_size=2048),
    ext=st.sampled_from(documents.EXTENSIONS),
    magic_head=st.sampled_from(MAGIC_HEADS),
)
def test_arbitrary_bytes_under_any_name(
    scanner: Scanner, data: bytes, ext: str, magic_head: bytes
) -> None:
    name = "随机" + ext
    scan(scanner, name, magic_head + data)
    rewrite(name, magic_head + data)


# --- fixed hostile containers ----------------------------------------------------------------


def hostile_cases() -> list[Case]:
    originals = documents.build_all()
    docx, zipped = originals["名单.docx"], originals["资料.zip"]
    text = originals["纪要.txt"]
    cases = [
        Case("名单.pdf", docx),  # a docx named .pdf
        Case("资料.txt", zipped),  # a zip named .txt
        Case("名单.docx", originals["名单.pdf"]),  # a PDF named .docx
        Case("邮件.txt", originals["往来邮件.eml"]),
        Case("名单.csv", originals["客户.json"]),
        Case("dup.zip", documents.zip_of([("a.txt", text), ("a.txt", text + b"x")] * 3)),
        Case("dup.docx", documents.zip_of(_members(docx) + _members(docx)[:3])),
        Case("deep.zip", documents.nested_zip(12)),
        Case("deep_docx.zip", documents.nested_zip(6, documents.zip_of([("a.docx", docx)]))),
        Case("empty_member.zip", documents.zip_of([("空.txt", b""), ("d/", b"")])),
        Case("mail_in_zip.zip", documents.zip_of([("m.eml", originals["往来邮件.eml"])])),
    ]
    for fraction in (0.05, 0.3, 0.5, 0.9, 0.99):
        cases.append(Case(f"cut{fraction}.zip", zipped[: int(len(zipped) * fraction)]))
        cases.append(Case(f"cut{fraction}.docx", docx[: int(len(docx) * fraction)]))
    end = zipped.rfind(b"PK\x05\x06")
    cases.append(Case("no_end_record.zip", zipped[:end]))
    cases.append(Case("double_end.zip", zipped + zipped[end:]))
    return cases


def _members(data: bytes) -> list[tuple[str, bytes]]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def test_hostile_containers(scanner: Scanner) -> None:
    for case in hostile_cases():
        results = scan(scanner, case.name, case.data)
        if case.name.startswith("deep"):
            assert any("nested deeper" in r.reason for r in results), results
        rewrite(case.name, case.data)
