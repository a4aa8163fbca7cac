"""What the HTTP API does, without HTTP: analyse a text, scan or redact an uploaded file.

``Service`` is built once when the server starts (the recognizers, the NER model, the
Hyperscan database, the policies) and shared by every request. A file's work runs in the
forked, time-limited workers that ``baomi scan`` and ``baomi redact`` use
(``scanner/scan/isolation.py``, ``scanner/redact/isolated.py``), so a hostile upload that
hangs a parser is abandoned after ``[limits] file_timeout_s`` and reported, and the server
goes on. Uploads are written to a private temporary folder (0700) under a name of baomi's
choosing, and removed when the request is done, whatever happens.

Nothing returned holds a raw value: findings carry masked values and keyed fingerprints,
as the inventory does.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from scanner.app import Settings, UsageError, open_redaction, policies
from scanner.masking import masked_and_fingerprint
from scanner.models import FileResult, Finding

MAX_TEXT_CHARS = 1_000_000  # /analyze: a document's worth of text per call
SAFE_NAME_CHARS = 120


class RequestError(Exception):
    """A request baomi refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Redacted:
    """A redaction's outcome: the verified copy, or why there is none."""

    ok: bool
    filename: str
    data: bytes = b""
    status: int = 200  # 403: the policy refuses the file's grade; 422: cannot redact
    reasons: tuple[str, ...] = ()
    changes: tuple[dict[str, Any], ...] = ()
    input_sha256: str = ""
    output_sha256: str = ""


class Service:
    """The scanner and policies of one server, built from ``settings`` at start-up."""

    def __init__(self, settings: Settings, workers: int = 2) -> None:
        from scanner.scan.isolation import IsolatedScanner

        self.settings = settings
        self.config = settings.config
        spec = settings.spec
        self.scanner = spec.build()
        self.scanner.analyzer.prepare()  # the prefilter, before any worker forks
        self.policies = policies(self.config)
        # one forked scan worker per concurrent scan, started now, before the server's
        # threads: a request takes an idle one (and waits for one when all are busy)
        self._idle: queue.Queue[IsolatedScanner] = queue.Queue()
        self._workers = [
            IsolatedScanner(self.scanner, timeout=spec.file_timeout_s) for _ in range(workers)
        ]
        for worker in self._workers:
            worker.start()
            self._idle.put(worker)

    def close(self) -> None:
        """End the scan workers (the server is shutting down)."""
        for worker in self._workers:
            worker.close()

    # --- text ----------------------------------------------------------------------------

    def analyze(self, text: str, entities: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The findings in ``text``: type, span, score, masked value and fingerprint."""
        if len(text) > MAX_TEXT_CHARS:
            raise RequestError(413, f"text longer than {MAX_TEXT_CHARS:,} characters")
        wanted = set(entities) if entities else None
        found = []
        for d in self.scanner.analyzer.analyze(text):
            if wanted is not None and d.entity_type not in wanted:
                continue
            masked, fingerprint = masked_and_fingerprint(self.scanner.key, d.entity_type, d.value)
            found.append(
                {
                    "entity_type": d.entity_type,
                    "start": d.start,
                    "end": d.end,
                    "score": d.score,
                    "masked": masked,
                    "fingerprint": fingerprint,
                }
            )
        return found

    # --- files ---------------------------------------------------------------------------

    def scan(self, filename: str, data: bytes) -> dict[str, Any]:
        """The upload's findings, kind, grade and client attribution (members of an archive
        or attachments of a mail each as a file of their own)."""
        name = safe_filename(filename)
        with _workspace() as work:
            path = work / name
            path.write_bytes(data)
            worker = self._idle.get()
            try:
                results = worker.scan_file(path)
            finally:
                self._idle.put(worker)
        return {
            "filename": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "files": [file_record(result, str(path), name) for result in results],
        }

    def redact(self, filename: str, data: bytes, policy: str, force_reason: str | None) -> Redacted:
        """The verified copy of the upload under ``policy``, or the reasons there is none."""
        if policy not in self.policies:
            raise RequestError(400, f"unknown policy {policy!r}")
        if force_reason is not None and not force_reason.strip():
            raise RequestError(400, "force needs a reason: the audit log records why")
        name = safe_filename(filename)
        digest = hashlib.sha256(data).hexdigest()
        with _workspace() as work:
            source = work / "in" / name
            source.parent.mkdir(mode=0o700)
            source.write_bytes(data)
            (work / "out").mkdir(mode=0o700)
            outcome = self._redact_file(source, work / "out", policy, force_reason)
            if not outcome.ok:
                return Redacted(
                    False,
                    name,
                    status=403 if outcome.refused else 422,
                    reasons=(outcome.reason.replace(str(work), "") or "not redacted",),
                    input_sha256=digest,
                )
            copy = outcome.job.target.read_bytes()
            return Redacted(
                True,
                outcome.job.target.name,
                copy,
                changes=tuple(
                    {"entity_type": c.entity_type, "operator": c.operator, "count": c.count}
                    for c in outcome.changes
                ),
                input_sha256=digest,
                output_sha256=hashlib.sha256(copy).hexdigest(),
            )

    def _redact_file(
        self, source: Path, out_dir: Path, policy: str, force_reason: str | None
    ) -> Any:
        from scanner.redact.engine import plan_jobs

        try:
            session = open_redaction(self.config, self.scanner, policy, None)
        except UsageError as exc:  # a reversible policy without its key, …
            raise RequestError(400, str(exc)) from None
        rewriter = session.rewriter()
        [job] = plan_jobs([source], None, out_dir, False, (), rewriter)
        reason = force_reason.strip() if force_reason is not None else None
        redactor = session.redactor(reason, rewriter)
        return redactor.run(job)


def file_record(result: FileResult, real: str, shown: str) -> dict[str, Any]:
    """One scanned file (or member) for the API: its path as the client named it."""
    return {
        "path": result.path.replace(real, shown, 1),
        "status": str(result.status),
        "reason": result.reason,
        "kind": result.kind,
        "grade": result.doc_grade,
        "findings": [finding_record(f) for f in result.findings],
    }


def finding_record(finding: Finding) -> dict[str, Any]:
    record: dict[str, Any] = {
        "entity_type": finding.entity_type,
        "location": finding.location,
        "start": finding.start,
        "end": finding.end,
        "score": finding.score,
        "masked": finding.masked,
        "fingerprint": finding.fingerprint,
    }
    if finding.client is not None:
        record["client"] = finding.client
    if finding.owner is not None:
        record["owner"] = finding.owner.client
        record["owner_by"] = finding.owner.by
    return record


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_filename(filename: str) -> str:
    """The upload's own name, without any folder (``../../etc/passwd`` → ``passwd``,
    ``C:\\a\\b.docx`` → ``b.docx``), control or reserved characters, or leading dots; its
    extension kept (the writers pick a format by content, the text parsers by extension)."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    if not cleaned:
        return "upload"
    if len(cleaned) > SAFE_NAME_CHARS:
        _, dot, suffix = cleaned.rpartition(".")
        keep = f".{suffix}" if dot and len(suffix) <= 10 else ""
        cleaned = cleaned[: SAFE_NAME_CHARS - len(keep)] + keep
    return cleaned


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    """A private folder (0700) for one request, removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix="baomi-serve-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
