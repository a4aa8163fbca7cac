"""Post-purpose retention and NDA coverage, computed from the inventory and the client register.

The inventory knows which clients each file holds only by the keyed fingerprint
of the client's registered name (``file_clients.client_fingerprint``); the
register is matched to it with the same key, so neither side ever stores a
client's name in the clear.

* **Retention** (post-purpose): a file is due for a client when that client's
  ``project_end + retention_months`` lies before the as-of date. A file holding
  several clients is due only for those whose period ended.
* **NDA coverage**: every file holding a client's information needs a valid
  confidentiality agreement with that client: one on record (``nda_id``), not
  expired on the as-of date, and signed no later than the file first appeared.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from scanner.compliance.clients import ClientRecord
from scanner.masking import fingerprint, mask
from scanner.models import CLIENT
from scanner.store.inventory import AgreementRow, Inventory, UnattributedRow

NO_NDA = "无保密协议记录 no NDA on record"
EXPIRED = "保密协议已过期 NDA expired"
SIGNED_LATE = "签署晚于文件出现 NDA signed after the file appeared"


@dataclass(frozen=True, slots=True)
class RetentionItem:
    file_id: int
    path: str
    client: str  # masked
    client_fingerprint: str
    client_row: int  # the register's row, to find the client again for anonymisation
    due: dt.date
    days_overdue: int
    entity_types: tuple[str, ...]
    other_clients: int  # clients in the same file whose period has not ended
    owned: int = 0  # findings in the file attributed to this client
    unattributed: int = 0  # findings in the file attributed to nobody: a person decides


@dataclass(frozen=True, slots=True)
class NdaIssue:
    file_id: int
    path: str
    client: str  # masked
    reason: str
    detail: str = ""
    client_fingerprint: str = ""


@dataclass
class Compliance:
    inventory: Inventory
    register: Sequence[ClientRecord]
    key: bytes
    as_of: dt.date = field(default_factory=dt.date.today)
    show_names: bool = False  # the workbook: clients by their registered names

    def __post_init__(self) -> None:
        self.by_fingerprint = {
            fingerprint(self.key, CLIENT, record.name): record for record in self.register
        }

    def client_name(self, client_fingerprint: str, masked: str) -> str:
        """How a report names a client: its registered name when names are shown and the
        register knows it, else the masked name the inventory holds."""
        record = self.by_fingerprint.get(client_fingerprint) if self.show_names else None
        return record.name if record is not None else masked

    def record_of(self, client_fingerprint: str) -> ClientRecord | None:
        return self.by_fingerprint.get(client_fingerprint)

    def retention_status(self, record: ClientRecord) -> str:
        due = record.retention_due
        if due is None:
            return "未设定 not set"
        if self._is_due(record):
            return f"已到期 {due.isoformat()}（逾期 {(self.as_of - due).days} 天）"
        return f"{due.isoformat()} 到期 due"

    def nda_status(self, record: ClientRecord) -> str:
        lapse = self._nda_lapse(record)
        if lapse == EXPIRED:
            assert record.nda_expires is not None
            return f"{EXPIRED} {record.nda_expires.isoformat()}"
        if lapse:
            return lapse
        until = f"，有效至 {record.nda_expires.isoformat()}" if record.nda_expires else ""
        return f"有效 valid {record.nda_id}{until}"

    def _nda_lapse(self, record: ClientRecord) -> str:
        """Why the client's agreement is not valid on ``as_of`` whatever the file (no
        agreement, or expired), or ""."""
        if not record.nda_id:
            return NO_NDA
        if record.nda_expires is not None and record.nda_expires < self.as_of:
            return EXPIRED
        return ""

    # --- retention ----------------------------------------------------------------------

    def retention(self) -> list[RetentionItem]:
        """Every (file, client) pair past its retention date, most overdue first."""
        types = self.inventory.entity_types_by_file()
        owners = self.inventory.findings_by_owner()
        items: list[RetentionItem] = []
        for file_id, path, clients in self._files_with_clients():
            due = {fp: r for fp, r in clients.items() if self._is_due(r)}
            for fp, record in due.items():
                assert record.retention_due is not None
                items.append(
                    RetentionItem(
                        file_id=file_id,
                        path=path,
                        client=mask(CLIENT, record.name),
                        client_fingerprint=fp,
                        client_row=record.row,
                        due=record.retention_due,
                        days_overdue=(self.as_of - record.retention_due).days,
                        entity_types=tuple(sorted(types.get(file_id, ()))),
                        other_clients=len(clients) - len(due),
                        owned=owners.get(file_id, {}).get(fp, 0),
                        unattributed=owners.get(file_id, {}).get(None, 0),
                    )
                )
        return sorted(items, key=lambda i: (-i.days_overdue, i.path, i.client))

    def undecided(self) -> list[tuple[UnattributedRow, tuple[tuple[str, str], ...]]]:
        """The findings attributed to no client in files shared by a client past its
        retention period and one within it, with the due clients (fingerprint, masked
        name): ``--apply`` keeps them, a person decides."""
        due: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for item in self.retention():
            if item.other_clients:
                due[item.file_id].add((item.client_fingerprint, item.client))
        rows = self.inventory.unattributed_findings(sorted(due))
        return [(row, tuple(sorted(due[row.file_id]))) for row in rows]

    def _is_due(self, record: ClientRecord) -> bool:
        due = record.retention_due
        return due is not None and due < self.as_of

    # --- NDA ----------------------------------------------------------------------------

    def nda_issues(self) -> list[NdaIssue]:
        first_seen = self.inventory.first_seen()
        issues = []
        for file_id, path, clients in self._files_with_clients():
            for fp, record in clients.items():
                reason, detail = self._nda_problem(record, first_seen.get(file_id))
                if reason:
                    masked = mask(CLIENT, record.name)
                    issues.append(NdaIssue(file_id, path, masked, reason, detail, fp))
        return sorted(issues, key=lambda i: (i.client, i.path))

    def _nda_problem(self, record: ClientRecord, first_seen: float | None) -> tuple[str, str]:
        lapse = self._nda_lapse(record)
        if lapse == EXPIRED:
            assert record.nda_expires is not None
            return EXPIRED, f"到期 expired {record.nda_expires.isoformat()}"
        if lapse:
            return lapse, ""
        if record.nda_signed is not None and first_seen:
            appeared = dt.date.fromtimestamp(first_seen)
            if record.nda_signed > appeared:
                return SIGNED_LATE, (
                    f"签署 signed {record.nda_signed.isoformat()}, "
                    f"文件出现 file seen {appeared.isoformat()}"
                )
        return "", ""

    def agreements(self) -> list[AgreementRow]:
        """(path, complete, missing clause keys, clause details) of agreement files."""
        return self.inventory.agreements()

    @staticmethod
    def clause_titles() -> list[tuple[str, str]]:
        """(key, title) of the seven required clauses, in order: the columns of the
        协议条款 sheet (so the reports need not import the clause checker)."""
        from scanner.compliance.nda import CLAUSES

        return [(clause.key, clause.title) for clause in CLAUSES]

    # --- per file, for the workbook -----------------------------------------------------

    def file_columns(self) -> dict[int, tuple[str, str]]:
        """file id → (retention status, NDA status) for the 文件清单 sheet."""
        out: dict[int, list[list[str]]] = defaultdict(lambda: [[], []])
        for item in self.retention():
            out[item.file_id][0].append(
                f"{item.client} 已到期 {item.due.isoformat()}（逾期 {item.days_overdue} 天）"
            )
        for issue in self.nda_issues():
            out[issue.file_id][1].append(f"{issue.client}：{issue.reason.split(' ')[0]}")
        return {fid: ("；".join(r), "；".join(n)) for fid, (r, n) in out.items()}

    # --- shared -------------------------------------------------------------------------

    def _files_with_clients(self) -> list[tuple[int, str, dict[str, ClientRecord]]]:
        files: dict[int, tuple[str, dict[str, ClientRecord]]] = {}
        for file_id, path, fp in self.inventory.client_fingerprints_by_file():
            record = self.by_fingerprint.get(fp)
            if record is not None:
                files.setdefault(file_id, (path, {}))[1][fp] = record
        return [(fid, path, clients) for fid, (path, clients) in files.items()]
