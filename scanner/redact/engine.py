"""One redaction (or restoration) of one file: read, rewrite, verify, write atomically, audit.

Originals are only read. The copy is written to a temporary file beside its
destination and renamed into place only after verification passed; a copy that
fails verification is never written, and the command lists what remained
(masked). ``in_place`` keeps a backup of the original (``NAME.baomi-bak``)
before the verified copy replaces it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from recognizers.catalogue import entity_specs
from scanner.atomic import atomic_write, open_output
from scanner.redact import audit
from scanner.redact.edits import RedactionError, apply_edits
from scanner.redact.operators import OperatorError
from scanner.redact.policy import Policy
from scanner.redact.rewriters import Change, PolicyRewriter, Restorer
from scanner.redact.verify import Remaining, masked_text, removed_values, verify
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.scan.extract.remember import remembering
from scanner.scan.fsio import FileTooLarge, NotRegularFile, open_regular, read_regular
from scanner.scan.pipeline import Scanner
from scanner.scan.reasons import safe_reason
from scanner.scan.walk import walk

KEYS_SUFFIX = ".baomi-keys.json"  # pseudonym key file beside a redacted copy
BACKUP_SUFFIX = ".baomi-bak"
EXTRA_PASSES = 2  # rewrites with every value found so far, when verification finds leftovers
# names a scan of the whole original finds are replaced at every occurrence from the first
# pass (file name, headers, properties, attachments): 王芳 after 联系人 once, alone elsewhere
# (people, organisations, clients: EntitySpec.name_like)
DOCUMENT_NAME_TYPES = frozenset(s.name for s in entity_specs() if s.name_like)


@dataclass(frozen=True, slots=True)
class Job:
    source: Path
    target: Path
    # the target's file name is the source's, redacted (--out-dir): redacted again with the
    # document's names once the file has been scanned (王芳 confirmed inside 王芳_简历.docx)
    rename: bool = False


@dataclass
class Copy:
    """A rewritten copy before verification, with what its writer left out and what it
    carried unread (``WriteContext``)."""

    data: bytes
    dropped: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    job: Job
    status: str  # written | failed | planned (dry run) | unchanged
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    remaining: list[Remaining] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # what the rebuilt copy left out
    unread: list[str] = field(default_factory=list)  # what it carries unread (OCR off)
    refused: bool = False  # failed because the policy does not release the file's grade

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def plan_jobs(
    inputs: Sequence[Path],
    output: Path | None,
    out_dir: Path | None,
    in_place: bool,
    exclude: Sequence[str] = (),
    name_rewriter: PolicyRewriter | None = None,
) -> list[Job]:
    """Which file goes where. Folders are walked; ``out_dir`` mirrors their layout and
    the copy's file name is redacted too (people name files after clients)."""
    files: list[tuple[Path, Path]] = []  # (file, the folder it was found under)
    for path in inputs:
        if path.is_dir():
            files += [(e.path, path) for e in walk([path], exclude) if not e.error]
        else:
            files.append((path, path.parent))
    if in_place:
        return [Job(f, f) for f, _ in files]
    if output is not None:
        return [Job(f, output) for f, _ in files]
    assert out_dir is not None
    return [
        Job(
            file,
            out_dir / redacted_path(file.relative_to(root), name_rewriter),
            name_rewriter is not None,
        )
        for file, root in files
    ]


def redacted_path(relative: Path, rewriter: PolicyRewriter | None) -> Path:
    """``relative`` with every folder and file name redacted: a folder's name is a name
    too (客户资料_13812345678/ must not reach the copy's path)."""
    folders = [_redacted_name(part, rewriter, "文件夹名") for part in relative.parts[:-1]]
    return Path(*folders, _redacted_name(relative.name, rewriter))


def _redacted_name(name: str, rewriter: PolicyRewriter | None, where: str = "文件名") -> str:
    """``name`` with its values replaced, safe as a file or folder name on any share. A
    folder's name is a name too: 客户A_王芳_13812345678/ must not reach the copy."""
    if rewriter is None:
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if stem and where == "文件名" else (name, "")
    new = apply_edits(stem, rewriter.edits(stem, where))
    new = "".join("_" if c in '/\\:*?"<>|[]' else c for c in new).strip("_ ") or "redacted"
    return new + suffix


@dataclass
class Redactor:
    scanner: Scanner
    policy: Policy
    rewriter: PolicyRewriter
    audit_log: Path | None = None
    force_reason: str | None = None  # release files of a refused grade, with this reason

    def run(
        self, job: Job, dry_run: bool = False, in_place: bool = False, backup: bool = True
    ) -> Outcome:
        # the original is read twice and the copy once: what is read alike is read once,
        # and forgotten when this file is done
        with remembering():
            return self._run(job, dry_run, in_place, backup)

    def _run(self, job: Job, dry_run: bool, in_place: bool, backup: bool) -> Outcome:
        self.rewriter.reset_counts()
        try:
            data = read_regular(job.source, self.scanner.limits.max_file_bytes)
            refused = self._refused(job, data)
            if refused:
                return replace(self._failed(job, refused), refused=True)
            removed = self._removed(job, data) if data else set()
            self.rewriter.known_values = document_names(removed)
            job = self._renamed(job)
            copy = self._rewrite(job, data) if data else Copy(data)
        except (RedactionError, OperatorError) as exc:
            return self._failed(job, str(exc))
        except (NotRegularFile, FileTooLarge) as exc:
            return self._failed(job, exc.reason)
        except OSError as exc:
            return self._failed(job, f"cannot read: {exc.strerror}")
        changes = list(self.rewriter.changes.values())
        if dry_run:
            return Outcome(
                job, "planned", changes=changes, dropped=copy.dropped, unread=copy.unread
            )
        remaining = self._verify(job, copy.data, removed) if data else []
        known = dict(self.rewriter.known_values)
        for _ in range(EXTRA_PASSES):
            if not remaining:
                break
            # a value found once also stands where no recognizer flags it (王芳 without its
            # label), or a recognizer sees it only in the copy's new context: replace every
            # occurrence of all values found so far, and verify again
            known |= {value: entity for entity, value in self.rewriter.replaced_values}
            known |= {r.value: r.entity_type for r in remaining if r.value}
            before = len(remaining)
            self.rewriter.reset_counts()
            self.rewriter.known_values = {v: e for v, e in known.items() if len(v) >= 2}
            try:
                copy = self._rewrite(job, data)
            except (RedactionError, OperatorError) as exc:
                return self._failed(job, str(exc))
            changes = list(self.rewriter.changes.values())
            remaining = self._verify(job, copy.data, removed)
            if len(remaining) >= before:
                break  # no progress: report what is left
        if remaining:
            reason = "verification failed: information remains"
            outcome = Outcome(job, "failed", reason, changes, remaining, copy.dropped, copy.unread)
            self._audit(outcome, data, None)
            return outcome
        try:
            self._write(job, copy.data, in_place and backup)
        except OSError as exc:
            return self._failed(job, f"cannot write {job.target}: {exc.strerror}")
        status = "written" if changes or copy.dropped or copy.data != data else "unchanged"
        outcome = Outcome(job, status, changes=changes, dropped=copy.dropped, unread=copy.unread)
        self._audit(outcome, data, copy.data)
        return outcome

    def _refused(self, job: Job, data: bytes) -> str:
        """Why the policy will not release this file (its document grade), or ""."""
        if not self.policy.refuse_grades or not data:
            return ""
        grade = self.scanner.scan_bytes(job.source.name, data)[0].doc_grade
        if grade not in self.policy.refuse_grades or self.force_reason:
            return ""
        return (
            f"graded {grade}: policy {self.policy.name} does not release it "
            "(--force --reason '…' to override; the reason goes to the audit log)"
        )

    def _renamed(self, job: Job) -> Job:
        """``job`` with its copy's file name redacted again, now with the document's names
        known (only where the name was derived from the source's, never an explicit -o)."""
        if not job.rename:
            return job
        name = _redacted_name(job.source.name, self.rewriter)
        return replace(job, target=job.target.with_name(name))

    def _rewrite(self, job: Job, data: bytes) -> Copy:
        """The rewritten copy, what its writer left out and what it carried unread (names
        masked)."""
        ctx = WriteContext(str(job.source), self.scanner.limits)
        redacted = rewrite_bytes(data, self.rewriter, ctx)
        analyzer = self.scanner.analyzer
        return Copy(
            redacted,
            [masked_text(analyzer, d) for d in ctx.dropped],
            [masked_text(analyzer, u) for u in ctx.unread],
        )

    def _removed(self, job: Job, data: bytes) -> set[tuple[str, str]]:
        """What the scan of the original finds and the policy removes, wherever it is."""
        return removed_values(
            self.scanner, data, job.source.name, self.policy, self.rewriter.select
        )

    def _verify(self, job: Job, redacted: bytes, removed: set[tuple[str, str]]) -> list[Remaining]:
        return verify(
            self.scanner,
            redacted,
            job.target.name,
            self.policy,
            self.rewriter.replaced_values,
            self.rewriter.select,
            removed,
        )

    def _write(self, job: Job, data: bytes, keep_backup: bool) -> None:
        """The copy, its backup and its pseudonym table. In place (``--in-place``,
        retention) the file and its backup keep the original's mode, owner and group, so
        colleagues on the share keep their access; the backup also keeps its times (it is
        the original), the rewritten file is dated now (it was modified: backups and
        ``--incremental`` must see it). A new copy follows the umask; the pseudonym table
        stays 0600. A FIFO or device named by ``-o`` is written directly, never replaced."""
        in_place = job.target == job.source
        if keep_backup:
            backup = job.source.with_name(job.source.name + BACKUP_SUFFIX)
            with (
                atomic_write(backup, "wb", like=job.source) as fh,
                open_regular(job.source) as original,
            ):
                shutil.copyfileobj(original, fh)
            shutil.copystat(job.source, backup)
        job.target.parent.mkdir(parents=True, exist_ok=True)
        like = job.source if in_place else None
        with open_output(job.target, "wb", like=like, stdout=False) as fh:
            fh.write(data)
        pseudonyms = self.rewriter.operators.pseudonyms
        if pseudonyms:
            keys = job.target.with_name(job.target.name + KEYS_SUFFIX)
            with atomic_write(keys, private=True) as fh:  # ciphertexts, useless without the key
                json.dump({"pseudonyms": pseudonyms}, fh, ensure_ascii=False, indent=1)

    def _failed(self, job: Job, reason: str) -> Outcome:
        # a writer's reason may carry a parser's message or a member's name: no content
        outcome = Outcome(job, "failed", safe_reason(reason, self.scanner.analyzer))
        self._audit(outcome, None, None)
        return outcome

    def _audit(self, outcome: Outcome, before: bytes | None, after: bytes | None) -> None:
        if self.audit_log is None:
            return
        from scanner.scan.paths import shown_path  # values in folder and file names masked

        target = shown_path(self.scanner, outcome.job.target) if after is not None else None
        audit.append(
            self.audit_log,
            {
                "action": "redact",
                "policy": self.policy.name,
                "input": shown_path(self.scanner, outcome.job.source),
                "input_sha256": audit.sha256_of(before) if before is not None else None,
                "output": target,
                "output_sha256": audit.sha256_of(after) if after is not None else None,
                "status": outcome.status,
                "reason": outcome.reason,
                "counts": {c.entity_type: c.count for c in outcome.changes},
                "forced": self.force_reason,
                "remaining": [str(r) for r in outcome.remaining],
                "dropped": outcome.dropped,
                "unread": outcome.unread,
            },
        )


def document_names(removed: set[tuple[str, str]]) -> dict[str, str]:
    """value → type of the names the scan of the whole original found (people,
    organisations, clients; two characters or more): replaced wherever they occur."""
    return {v: e for e, v in sorted(removed) if e in DOCUMENT_NAME_TYPES and len(v) >= 2}


def restore(
    job: Job,
    key: bytes,
    limits,
    audit_log: Path | None,
    shown: Callable[[Path], str] = str,
) -> Outcome:
    """Undo the reversible operators of a redacted copy (encrypt, pseudonym)."""
    keys_file = job.source.with_name(job.source.name + KEYS_SUFFIX)
    pseudonyms = {}
    if keys_file.exists():
        pseudonyms = json.loads(keys_file.read_text("utf-8")).get("pseudonyms", {})
    restorer = Restorer(key, pseudonyms)
    try:
        data = read_regular(job.source, limits.max_file_bytes)
        restored = rewrite_bytes(data, restorer, WriteContext(str(job.source), limits))
        job.target.parent.mkdir(parents=True, exist_ok=True)
        with open_output(job.target, "wb", stdout=False) as fh:
            fh.write(restored)
    except (RedactionError, OperatorError) as exc:
        return Outcome(job, "failed", str(exc))
    except (ValueError, TypeError):
        return Outcome(job, "failed", "cannot decrypt: wrong redaction key or damaged token")
    except (NotRegularFile, FileTooLarge) as exc:
        return Outcome(job, "failed", exc.reason)
    except OSError as exc:
        return Outcome(job, "failed", f"cannot read or write: {exc.strerror}")
    if audit_log is not None:
        audit.append(
            audit_log,
            {
                "action": "restore",
                "input": shown(job.source),  # values in folder and file names masked
                "input_sha256": audit.sha256_of(data),
                "output": shown(job.target),
                "output_sha256": audit.sha256_of(restored),
                "status": "written",
                "counts": dict(restorer.counts),
            },
        )
    return Outcome(job, "written")
