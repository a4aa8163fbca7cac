"""A behaviour snapshot of the demo share (issue 18): the same findings, workbook and redacted
bytes as recorded in ``tests/data/snapshot/``.

A copy of ``examples/`` (the share, ``baomi.toml``, ``clients.csv``) is run through the
``baomi`` entry point in a subprocess, with the test keys (``BAOMI_HASH_KEY``,
``BAOMI_REDACT_KEY``) and every file and folder of the copy dated ``MTIME``:

* ``baomi scan share --config baomi.toml --clients clients.csv --format jsonl`` →
  ``scan.jsonl``: every finding, paths relative to the share (and so the offsets of a
  finding in a folder name, 文件夹名), records sorted; a scan writes no time into a finding;
* ``baomi report -o workbook.xlsx --as-of 2026-12-31`` from the scan's inventory →
  ``workbook.json``: each sheet's cell values (openpyxl, values only); the times of the run
  (生成时间, 最近一次扫描, 扫描时间) become ``<run time>``, the share's location ``.``-relative,
  the files' owner ``<owner>``; days overdue and NDA expiry are fixed by ``--as-of``;
* ``baomi redact share --out-dir … --policy media --force --reason …`` (the 核心 files are
  refused without ``--force``) → ``redacted.json``: per copy, relative path → SHA-256, and
  the files that could not be redacted with their reason.

Determinism of the redacted bytes: ``--update`` redacts twice and compares. Every copy is
byte-for-byte the same except two kinds, whose digests are taken over a normalised form
(``form`` in ``redacted.json``): a PDF's trailer ``/ID`` (PyMuPDF draws its second half at
random on every save) and a mail's MIME boundaries (``=_baomi_`` + random letters), replaced
by fixed tokens, the rest of the bytes kept (``normalised bytes``). A copy that still differed
after that would be compared by the text the extractors read from it (``scanner.scan.content.
segments_of``, form ``text``); none does today. The scan and the workbook are compared twice
in ``--update`` too (after the normalisation above).

After an intended change of behaviour, regenerate and review the diff of
``tests/data/snapshot/``::

    .venv/bin/python tests/test_behaviour_snapshot.py --update
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script (--update)
    sys.path.insert(0, str(ROOT))

from tests.conftest import TEST_KEY_HEX  # noqa: E402

pytestmark = pytest.mark.slow  # about 45 s: a scan, a workbook and a redaction of the share

EXAMPLES = ROOT / "examples"
SNAPSHOT = ROOT / "tests" / "data" / "snapshot"
AS_OF = "2026-12-31"
MTIME = dt.datetime(2025, 1, 2, 3, 4, 5)  # every file and folder of the copy (naive, local)
REASON = "behaviour snapshot of the demo share"
# the console script's own code (pyproject [project.scripts] baomi = "scanner.cli:main")
ENTRY_POINT = "import sys; from scanner.cli import main; sys.exit(main())"
RUN_TIME = "<run time>"
FOLDER_NAME = "文件夹名"  # a finding in the folder path of a file (scanner/scan/pipeline.py)
OWNER = "<owner>"
PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")
MIME_BOUNDARY = re.compile(rb"=_baomi_[A-Za-z0-9]+")
FAILED_LINE = re.compile(r"baomi: \S+ failed (?P<path>.+?): (?P<reason>.*)")


@dataclass(frozen=True)
class Outputs:
    """What one run of the three commands left in ``work``."""

    work: Path
    share: Path
    scan: Path
    workbook: Path
    redacted: Path
    redact_stderr: str


def baomi(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", ENTRY_POINT, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def environment(work: Path) -> dict[str, str]:
    """The test keys, a private inventory and configuration folder, this checkout's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOMI_")}
    env.update(
        BAOMI_HASH_KEY=TEST_KEY_HEX,
        BAOMI_REDACT_KEY=TEST_KEY_HEX,
        BAOMI_INVENTORY=str(work / "inventory.db"),
        XDG_CONFIG_HOME=str(work / "config"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def produce(work: Path) -> Outputs:
    """Scan, report and redact a copy of examples/ under ``work``."""
    examples = work / "examples"
    shutil.copytree(EXAMPLES, examples, ignore=shutil.ignore_patterns("out", ".baomi"))
    share = examples / "share"
    stamp = MTIME.timestamp()
    for path in [*share.rglob("*"), share]:
        os.utime(path, (stamp, stamp), follow_symlinks=False)
    env = environment(work)
    inventory = ["--inventory", str(work / "inventory.db")]
    registry = ["--config", "baomi.toml", "--clients", "clients.csv"]
    out = Outputs(
        work,
        share,
        work / "scan.jsonl",
        work / "workbook.xlsx",
        work / "redacted",
        "",
    )
    scan = baomi(
        ["scan", "share", *registry, *inventory, "--format", "jsonl", "-o", str(out.scan), "-q"],
        examples,
        env,
    )
    # 3: findings, and 内部/会议室预订_导出中断.txt (undecodable on purpose) not scanned
    assert scan.returncode == 3, scan.stderr
    report = baomi(
        ["report", "-o", str(out.workbook), *inventory, *registry, "--as-of", AS_OF],
        examples,
        env,
    )
    assert report.returncode == 0, report.stderr
    redact = baomi(
        [
            "redact",
            "share",
            "--out-dir",
            str(out.redacted),
            "--policy",
            "media",
            *registry,
            "--force",
            "--reason",
            REASON,
            "--audit-log",
            str(work / "audit.jsonl"),
        ],
        examples,
        env,
    )
    # 1: three files cannot be redacted (undecodable, an image, an encrypted workbook)
    assert redact.returncode == 1, redact.stderr
    return Outputs(work, share, out.scan, out.workbook, out.redacted, redact.stderr)


# --- normal forms ----------------------------------------------------------------------


def share_relative(text: str, share: Path) -> str:
    """``text`` with the copy's location taken out: paths relative to the share."""
    if text == str(share):
        return "."
    return text.replace(f"{share}/", "")


def scan_records(out: Outputs) -> list[dict]:
    records = []
    for line in out.scan.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["path"] = share_relative(record["path"], out.share)
        # offsets within the folder's whole path (an archive member's: within the archive)
        if record["location"] == FOLDER_NAME and "!" not in record["path"]:
            record["start"] -= len(f"{out.share}/")
            record["end"] -= len(f"{out.share}/")
        records.append(record)
    return sorted(records, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))


def cell(value, out: Outputs, owner: str, now: dt.datetime):
    if isinstance(value, dt.datetime):
        of_the_run = abs(value - now) < dt.timedelta(days=2) and value.time() != dt.time()
        return RUN_TIME if of_the_run and value != MTIME else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return OWNER if value == owner else share_relative(value, out.share)
    return value


def workbook_values(out: Outputs) -> dict[str, list[list]]:
    import openpyxl

    owner = pwd.getpwuid(out.share.stat().st_uid).pw_name
    now = dt.datetime.now()
    book = openpyxl.load_workbook(out.workbook, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [
                [cell(v, out, owner, now) for v in row] for row in sheet.iter_rows(values_only=True)
            ]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def normalised_bytes(data: bytes) -> bytes:
    """The bytes with the random tokens of a save replaced: a PDF's /ID, MIME boundaries
    (each distinct boundary by its order of appearance, so the structure is kept)."""
    data = PDF_ID.sub(b"/ID[<0><0>]", data)
    order: dict[bytes, bytes] = {}
    return MIME_BOUNDARY.sub(
        lambda m: order.setdefault(m[0], b"=_baomi_BOUNDARY%d" % len(order)), data
    )


def extracted_text(data: bytes, name: str) -> bytes:
    from scanner.scan.content import segments_of
    from scanner.scan.limits import Limits

    lines = [f"{s.location}\t{s.text}" for s in segments_of(data, name, Limits())]
    return "\n".join(lines).encode("utf-8")


FORMS = {
    "bytes": lambda data, name: data,
    "normalised bytes": lambda data, name: normalised_bytes(data),
    "text": extracted_text,
}


def redacted_copies(out: Outputs) -> dict[str, bytes]:
    return {
        p.relative_to(out.redacted).as_posix(): p.read_bytes()
        for p in sorted(out.redacted.rglob("*"))
        if p.is_file()
    }


def digests(out: Outputs, forms: dict[str, str]) -> dict:
    files = {}
    for name, data in redacted_copies(out).items():
        form = forms.get(name, "bytes")
        files[name] = {"form": form, "sha256": hashlib.sha256(FORMS[form](data, name)).hexdigest()}
    failed = sorted(
        f"{share_relative(m['path'], out.share)}: {m['reason']}"
        for m in map(FAILED_LINE.fullmatch, out.redact_stderr.splitlines())
        if m
    )
    return {"files": files, "failed": failed}


# --- the test --------------------------------------------------------------------------


def load(name: str):
    path = SNAPSHOT / name
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return json.loads(path.read_text(encoding="utf-8"))


UPDATE_HINT = (
    "the demo share's behaviour changed; if intended, regenerate the snapshot and review its "
    "diff: .venv/bin/python tests/test_behaviour_snapshot.py --update"
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    return produce(tmp_path_factory.mktemp("snapshot"))


def test_the_scan_finds_what_the_snapshot_holds(outputs: Outputs) -> None:
    key = lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True)  # noqa: E731
    expected, actual = {key(r) for r in load("scan.jsonl")}, {key(r) for r in scan_records(outputs)}
    missing, new = sorted(expected - actual), sorted(actual - expected)
    assert not missing and not new, (
        f"{UPDATE_HINT}\n{len(missing)} findings no longer reported, {len(new)} new:\n"
        + "\n".join([*(f"- {r}" for r in missing[:15]), *(f"+ {r}" for r in new[:15])])
    )


def test_the_workbook_holds_what_the_snapshot_holds(outputs: Outputs) -> None:
    expected, actual = load("workbook.json"), workbook_values(outputs)
    assert list(actual) == list(expected), UPDATE_HINT
    for sheet, rows in expected.items():
        got = actual[sheet]
        differing = [
            f"  row {i + 1}: {want!r}\n      now {have!r}"
            for i, (want, have) in enumerate(zip(rows, got, strict=False))
            if want != have
        ]
        assert not differing and len(rows) == len(got), (
            f"{UPDATE_HINT}\nsheet {sheet}: {len(rows)} rows recorded, {len(got)} now\n"
            + "\n".join(differing[:10])
        )


def test_the_redacted_copies_are_the_snapshot_bytes(outputs: Outputs) -> None:
    expected = load("redacted.json")
    forms = {name: entry["form"] for name, entry in expected["files"].items()}
    actual = digests(outputs, forms)
    assert actual["failed"] == expected["failed"], UPDATE_HINT
    assert sorted(actual["files"]) == sorted(expected["files"]), UPDATE_HINT
    changed = sorted(
        f"{name} ({entry['form']})"
        for name, entry in expected["files"].items()
        if actual["files"][name] != entry
    )
    assert not changed, f"{UPDATE_HINT}\ncopies that changed:\n" + "\n".join(changed)


# --- regeneration ----------------------------------------------------------------------


def rows_per_line(values: dict[str, list[list]]) -> str:
    """The workbook's JSON with one row per line, so that a diff shows rows."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    sheets = [
        f" {dump(sheet)}: [\n" + ",\n".join(f"  {dump(row)}" for row in rows) + "\n ]"
        for sheet, rows in values.items()
    ]
    return "{\n" + ",\n".join(sheets) + "\n}\n"


def update() -> None:
    """Run everything twice, check the two runs agree, and write the snapshot."""
    # a fixed name: the scan reads the folders above the share too, and a random suffix
    # once read as an organisation's name (the test runs under pytest's fixed snapshot0)
    work = Path(tempfile.gettempdir()) / f"baomi-snapshot-{os.getuid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        first, second = (produce(work / run) for run in ("a", "b"))
        records = scan_records(first)
        assert records == scan_records(second), "two scans of the demo share differ"
        values = workbook_values(first)
        assert values == workbook_values(second), "two workbooks differ beyond the run times"
        a, b = redacted_copies(first), redacted_copies(second)
        assert sorted(a) == sorted(b), "two redactions wrote different files"
        forms = {}
        for name in a:
            form = next(
                (f for f, norm in FORMS.items() if norm(a[name], name) == norm(b[name], name)),
                None,
            )
            assert form is not None, f"{name}: two redactions differ even in extracted text"
            if form != "bytes":
                forms[name] = form
        redacted = digests(first, forms)
        SNAPSHOT.mkdir(parents=True, exist_ok=True)
        (SNAPSHOT / "scan.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        (SNAPSHOT / "workbook.json").write_text(rows_per_line(values), encoding="utf-8")
        text = json.dumps(redacted, ensure_ascii=False, indent=1, sort_keys=True)
        (SNAPSHOT / "redacted.json").write_text(text + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(records)} findings, {len(values)} sheets, {len(redacted['files'])} copies")
    for name, form in sorted(forms.items()):
        print(f"  {form}: {name}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_behaviour_snapshot.py --update")
    update()
