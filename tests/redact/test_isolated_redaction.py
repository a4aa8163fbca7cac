"""Redaction in a forked worker within the limits: time-outs, FIFOs, size, crashes, labels.

Every failure here must leave nothing written (no copy, no temporary file) and an audit
record with the reason. Time bounds are generous correctness checks, not speed targets.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.redact.engine import Job, Outcome, Redactor
from scanner.redact.isolated import IsolatedRedactor, run_isolated
from scanner.redact.operators import OperatorSet
from scanner.redact.policy import DEFAULT_POLICIES, Policy
from scanner.redact.rewriters import PolicyRewriter
from scanner.scan.limits import Limits
from tests.conftest import TEST_KEY_HEX

PHONE, OTHER_PHONE = "13812345678", "13987654321"
LINE = f"会议纪要：联系人手机{PHONE}，备用{OTHER_PHONE}。\n"


def isolated(make_scanner, limits: Limits, audit_log: Path | None = None, policy=None):
    scanner = make_scanner(limits)
    policy = policy or DEFAULT_POLICIES["subcontractor"]
    operators = OperatorSet(bytes.fromhex(TEST_KEY_HEX))
    rewriter = PolicyRewriter(scanner.analyzer, policy, operators)
    return IsolatedRedactor(Redactor(scanner, policy, rewriter, audit_log), limits)


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.slow
def test_a_redaction_over_the_time_limit_fails_and_writes_nothing(make_scanner, tmp_path):
    source = tmp_path / "名单_13812345678.txt"  # its audit record shows the name masked
    source.write_text(LINE * 400_000, encoding="utf-8")  # ~24 MB: far beyond half a second
    out = tmp_path / "out"
    audit_log = tmp_path / "audit.jsonl"
    redactor = isolated(make_scanner, Limits(file_timeout_s=0.5), audit_log)
    started = time.monotonic()
    outcome = redactor.run(Job(source, out / "big.txt"))
    elapsed = time.monotonic() - started
    assert (outcome.status, outcome.reason) == (
        "failed",
        "time limit exceeded (0.5 s): not redacted",
    )
    assert left_in(out) == []
    assert elapsed < 30
    [record] = [json.loads(line) for line in audit_log.read_text("utf-8").splitlines()]
    assert (record["status"], record["reason"], record["output"]) == (
        "failed",
        "time limit exceeded (0.5 s): not redacted",
        None,
    )
    assert record["input"] == str(tmp_path / "名单_138****5678.txt")


def test_a_fifo_is_refused_at_once_and_nothing_is_written(make_scanner, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # no writer ever comes: a plain open would block forever
    out = tmp_path / "out"
    started = time.monotonic()
    outcome = isolated(make_scanner, Limits(file_timeout_s=60)).run(Job(fifo, out / "pipe.txt"))
    assert (outcome.status, outcome.reason) == (
        "failed",
        "named pipe (FIFO), not read: not redacted",
    )
    assert time.monotonic() - started < 30  # well inside the 60 s limit: refused, not timed out
    assert left_in(out) == []


@pytest.mark.slow
def test_baomi_redact_reports_a_fifo_and_exits_1(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BAOMI_REDACT_KEY", "ff" * 32)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    out = tmp_path / "copy.txt"
    code = main(["redact", str(fifo), "-o", str(out), "--policy", "subcontractor"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"baomi: 失败 failed {fifo}: named pipe (FIFO), not read: not redacted" in err
    assert not out.exists()


def test_a_file_over_max_file_mb_is_refused_before_it_is_read(make_scanner, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text(LINE * 100, encoding="utf-8")  # ~5 KB
    limits = Limits(max_file_mb=1 / 256)  # 4 KB
    outcome = isolated(make_scanner, limits).run(Job(source, tmp_path / "out" / "notes.txt"))
    assert (outcome.status, outcome.reason) == (
        "failed",
        "limit exceeded: 0.0 MB (limit 0.00390625 MB): not redacted",
    )
    assert left_in(tmp_path / "out") == []


def test_a_crashing_redaction_is_reported_and_nothing_is_written(tmp_path):
    job = Job(tmp_path / "a.txt", tmp_path / "out" / "a.txt")
    job.source.write_text(LINE, encoding="utf-8")

    def crash() -> Outcome:
        job.target.parent.mkdir()
        (job.target.parent / ".a.txt.x1y2.tmp").write_bytes(b"half")  # a killed writer's
        os._exit(3)  # what a segfaulting C parser looks like from outside

    outcome = run_isolated(crash, job, Limits(file_timeout_s=60))
    assert (outcome.status, outcome.reason) == (
        "failed",
        "redaction crashed (worker exit code 3): not redacted",
    )
    assert left_in(job.target.parent) == []


def test_labels_stay_consistent_across_the_files_of_one_run(make_scanner, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(f"联系人手机{PHONE}\n", encoding="utf-8")
    second.write_text(f"备用手机{OTHER_PHONE}，联系人手机{PHONE}\n", encoding="utf-8")
    labels = Policy("labels", default="label")
    redactor = isolated(make_scanner, Limits(), policy=labels)
    out = tmp_path / "out"
    for source in (first, second):
        assert redactor.run(Job(source, out / source.name)).status == "written"
    assert (out / "a.txt").read_text("utf-8") == "联系人手机[电话1]\n"
    assert (out / "b.txt").read_text("utf-8") == "备用手机[电话2]，联系人手机[电话1]\n"


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_ordinary_file_is_redacted_as_in_process(make_scanner, tmp_path, dry_run):
    source = tmp_path / "notes.txt"
    source.write_text(LINE, encoding="utf-8")
    target = tmp_path / "out" / "notes.txt"
    outcome = isolated(make_scanner, Limits()).run(Job(source, target), dry_run=dry_run)
    assert outcome.status == ("planned" if dry_run else "written")
    assert [(c.entity_type, c.count) for c in outcome.changes] == [("PHONE_NUMBER", 2)]
    if not dry_run:
        assert PHONE not in target.read_text("utf-8")
    assert all(r.value == "" for r in outcome.remaining)
