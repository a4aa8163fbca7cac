"""Redaction under the same limits as scanning: a forked worker per file, with a time limit.

A redaction reads the whole file, rewrites it and scans the copy again (verification);
a hostile or merely huge file must not hang ``baomi redact`` (a FIFO whose writer never
comes, a 200 MB text, a parser that loops) nor exhaust its memory. ``run_isolated``
runs one file's redaction in a forked child of this process (the scanner, recognizers
and compiled prefilter inherited, not rebuilt):

* before anything is read the source must be a regular file (``scanner/scan/fsio.py``: not a
  FIFO, a device or a swapped-in link) no larger than ``[limits] max_file_mb``;
* the child gets ``[limits] file_timeout_s``; one that overruns is killed, one that dies
  is reported, and either way the file fails with the reason
  (``time limit exceeded (120 s): not redacted``), its audit record is written here,
  and the temporaries a killed writer left beside the target are removed, so nothing is
  written for it;
* what comes back is the ``Outcome`` with masked values only, and the batch's label book
  (labels by value and by client or contact, pseudonym spellings) and pseudonyms, so
  labels stay consistent across the files of one run as they would in one process.

Verification (``scanner.redact.verify``) runs inside the child, in-process, as before.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from scanner.redact import audit
from scanner.redact.engine import BACKUP_SUFFIX, KEYS_SUFFIX, Job, Outcome, Redactor
from scanner.redact.operators import (
    OPERATORS,
    LabelBook,
    Operator,
    OperatorSet,
    warm_reversible,
)
from scanner.redact.rewriters import PolicyRewriter
from scanner.scan.fsio import FileTooLarge, NotRegularFile, open_regular
from scanner.scan.isolation import _die_with_parent
from scanner.scan.limits import Limits
from scanner.scan.paths import shown_path
from scanner.scan.pipeline import Scanner

NOT_REDACTED = "not redacted"
WARM_UP_TEXT = "联系人张伟，北京星河传媒有限公司，手机13812345678。"  # invented, like the tests'
Work = Callable[[], Outcome]
AuditFailure = Callable[[Outcome], None]


@dataclass(frozen=True, slots=True)
class _BatchState:
    """What one file's redaction added to the batch: its label book (labels by value and
    by party, pseudonym spellings) and pseudonyms. The resolver of parties
    (``OperatorSet.identities``) is configuration, inherited by the fork, never sent."""

    book: LabelBook
    pseudonyms: dict[str, str]

    @classmethod
    def of(cls, operators: OperatorSet) -> _BatchState:
        return cls(operators.book, operators.pseudonyms)

    def merge_into(self, operators: OperatorSet) -> None:
        operators.book.merge(self.book)
        if self.pseudonyms:
            pseudonym = operators.get("pseudonym")
            pseudonym.mapping.update(self.pseudonyms)  # type: ignore[attr-defined]


def source_problem(path: Path, limits: Limits) -> str:
    """Why ``path`` will not be read for redaction ("" when it may be): not a regular
    file, or larger than ``max_file_mb``. Opening does not block (``O_NONBLOCK``) and
    nothing is read."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
    except NotRegularFile as exc:
        return exc.reason
    except OSError:
        return ""  # missing, permission denied: the redactor reports it in its own words
    if size > limits.max_file_bytes:
        return FileTooLarge(path, size, limits.max_file_bytes).reason
    return ""


def run_isolated(
    work: Work,
    job: Job,
    limits: Limits,
    operators: OperatorSet | None = None,
    audit_failure: AuditFailure | None = None,
) -> Outcome:
    """``work()`` (one file's redaction of ``job``) in a forked child, within ``limits``.

    ``operators``: the batch's operator set, updated with the labels and pseudonyms the
    child made. ``audit_failure`` records a failure the redactor could not record itself
    (refused before reading, timed out, crashed)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(work, job, limits, operators, send, receive),
        daemon=True,
        name="baomi-redact",
    )
    process.start()
    send.close()
    reply, timed_out = None, False
    try:
        if receive.poll(limits.file_timeout_s):
            reply = receive.recv()
        else:
            timed_out = True
    except (EOFError, OSError):
        pass  # the child died before it answered
    finally:
        receive.close()
    if reply is None:
        return _abandoned(process, job, limits, timed_out, audit_failure)
    process.join()
    audit_here, outcome, state = reply
    if state is not None and operators is not None:
        state.merge_into(operators)
    if audit_here and audit_failure is not None:
        audit_failure(outcome)
    return outcome


def _child(
    work: Work,
    job: Job,
    limits: Limits,
    operators: OperatorSet | None,
    send: Connection,
    parent_end: Connection,
) -> None:
    """The forked worker: check the source, redact, and send (whether the parent must
    audit the failure, the outcome, the batch state)."""
    parent_end.close()  # the parent's death must read as end-of-file, not hang here
    _die_with_parent()
    problem = source_problem(job.source, limits)
    if problem:
        send.send((True, Outcome(job, "failed", f"{problem}: {NOT_REDACTED}"), None))
        return
    try:
        outcome = work()
    except Exception as exc:  # a bug, not a file problem: its message may quote content
        reason = f"redaction failed ({type(exc).__name__}): {NOT_REDACTED}"
        send.send((True, Outcome(job, "failed", reason), None))
        return
    state = _BatchState.of(operators) if operators is not None else None
    send.send((False, _masked(outcome), state))


def _masked(outcome: Outcome) -> Outcome:
    """The outcome without the raw values verification keeps in memory."""
    remaining = [replace(r, value="") for r in outcome.remaining]
    return replace(outcome, remaining=remaining)


def _abandoned(
    process: multiprocessing.process.BaseProcess,
    job: Job,
    limits: Limits,
    timed_out: bool,
    audit_failure: AuditFailure | None,
) -> Outcome:
    """Kill an overrunning child (or collect a dead one); its file fails, nothing stays."""
    if timed_out:
        process.kill()
    process.join()
    _remove_temporaries(job)
    if timed_out:
        reason = f"time limit exceeded ({limits.file_timeout_s:g} s): {NOT_REDACTED}"
    else:
        reason = f"redaction crashed (worker exit code {process.exitcode}): {NOT_REDACTED}"
    outcome = Outcome(job, "failed", reason)
    if audit_failure is not None:
        audit_failure(outcome)
    return outcome


def _remove_temporaries(job: Job) -> None:
    """The temporary files ``atomic_write`` makes beside the copy, its key file and the
    backup: a killed writer cannot remove its own."""
    targets = (
        job.target,
        job.target.with_name(job.target.name + KEYS_SUFFIX),
        job.source.with_name(job.source.name + BACKUP_SUFFIX),
    )
    for target in targets:
        pattern = f".{glob.escape(target.name)}.*.tmp"
        for stale in target.parent.glob(pattern) if target.parent.is_dir() else ():
            with contextlib.suppress(OSError):
                stale.unlink()


# enough of a file for libmagic to tell its type (an Office file's first parts)
HEAD_BYTES = 64 * 1024


def prepare_to_fork(scanner: Scanner) -> None:
    """Load here, once, what redaction loads on first use (the prefilter, the NER model):
    each forked worker inherits it instead of paying seconds per file. A warm-up that
    fails is left to fail in the worker, with a reason."""
    scanner.analyzer.prepare()
    with contextlib.suppress(Exception):
        scanner.analyzer.analyze(WARM_UP_TEXT)


def prepare_format(path: Path) -> None:
    """Import here the reader and writer of ``path``'s format (once per format, from the
    file's first bytes), so that the workers of this and every later file of that format
    inherit them; a batch of Word files never loads PyMuPDF. Only a warm-up: a file it
    misjudges has its modules imported in its worker."""
    from scanner.redact.writers import writer_for
    from scanner.scan.content import open_source

    # never a FIFO or device: open_regular refuses them without blocking
    with contextlib.suppress(Exception), open_regular(path) as fh:
        head = fh.read(HEAD_BYTES)
        spec = open_source(head, str(path))[1]
        if spec is not None:
            spec.extractor()
            writer_for(spec.name)


class IsolatedRedactor:
    """A ``Redactor`` whose every file runs in a forked worker (``run_isolated``)."""

    def __init__(self, redactor: Redactor, limits: Limits) -> None:
        self.redactor = redactor
        self.limits = limits
        prepare_to_fork(redactor.scanner)
        policy = redactor.rewriter.policy
        names = {policy.default, *policy.operators.values()}
        if any(OPERATORS.get(name, Operator).REVERSIBLE for name in names):
            warm_reversible()  # the cipher's package, once here rather than in every worker

    @property
    def rewriter(self) -> PolicyRewriter:
        """The redactor's rewriter (copy names are redacted with it in this process)."""
        return self.redactor.rewriter

    def run(
        self, job: Job, dry_run: bool = False, in_place: bool = False, backup: bool = True
    ) -> Outcome:
        redactor = self.redactor
        prepare_format(job.source)
        return run_isolated(
            lambda: redactor.run(job, dry_run=dry_run, in_place=in_place, backup=backup),
            job,
            self.limits,
            redactor.rewriter.operators,
            None if dry_run else self._audit_failure,
        )

    def _audit_failure(self, outcome: Outcome) -> None:
        """The record the redactor writes for a file it failed, written here when the
        worker could not write it (refused before reading, timed out, crashed)."""
        redactor = self.redactor
        shown = functools.partial(shown_path, redactor.scanner)
        audit_to(redactor.audit_log, redactor.policy.name, redactor.force_reason, shown)(outcome)


def audit_to(
    log: Path | None,
    policy: str,
    forced: str | None = None,
    shown: Callable[[Path], str] = str,
) -> AuditFailure:
    """Records a file that was not redacted in the audit log ``log`` (nothing without
    one): no hashes, since it was not read, and never a value (``shown`` masks the
    values in the path's folder and file names, as the redactor's own records do)."""

    def record(outcome: Outcome) -> None:
        if log is None:
            return
        audit.append(
            log,
            {
                "action": "redact",
                "policy": policy,
                "input": shown(outcome.job.source),
                "input_sha256": None,
                "output": None,
                "output_sha256": None,
                "status": outcome.status,
                "reason": outcome.reason,
                "counts": {},
                "forced": forced,
                "remaining": [],
            },
        )

    return record
