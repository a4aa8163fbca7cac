"""The inventory's tables as rows: the one source for the Excel workbook and the
CSV / JSONL exports, so every format shows the same thing.

Each table is a ``Table`` (Chinese headers first, an English key per column for
machine formats) whose rows are streamed from SQLite, never all in memory.
Only masked values and keyed fingerprints exist in the inventory, so no table
can hold a raw value.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from reports import trends
from scanner.compliance.clients import ClientRecord
from scanner.compliance.status import Compliance
from scanner.masking import mask
from scanner.models import CLIENT
from scanner.sensitivity import (
    ENTITY_WORDS,
    GRADES,
    PERSON_TYPES,
    PERSONAL_GRADES,
    SENSITIVE,
    Grading,
)
from scanner.store.inventory import Inventory


@dataclass(frozen=True)
class Column:
    key: str  # machine name (CSV header row 2 is not used: keys are for JSONL)
    title: str  # 中文 / English, as the workbook shows it
    width: float = 14
    kind: str = "text"  # text | int | float | datetime | grade


@dataclass(frozen=True)
class Table:
    name: str  # files | findings | clients | errors
    sheet: str  # 文件清单 …
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[tuple]]


@dataclass(frozen=True)
class Summary:
    generated: dt.datetime
    last_scan: dt.datetime | None
    roots: tuple[str, ...]
    files: int
    with_findings: int
    unreadable: int
    removed: int
    by_entity: Counter
    by_grade: Counter
    by_folder: Counter  # findings per top-level folder
    top_clients: list[tuple[str, int, int]]  # (masked client, files, mentions)
    without_nda: list[tuple[str, int]] = field(default_factory=list)  # (masked client, files)
    by_kind: Counter = field(default_factory=Counter)  # files per document kind
    by_doc_grade: Counter = field(default_factory=Counter)  # files per document grade
    retention_due_files: int = 0
    sensitive_files: int = 0  # files with sensitive personal information (PIPL art. 28)
    files_by_grade: Counter = field(default_factory=Counter)  # files by their highest grade
    files_by_folder: Counter = field(default_factory=Counter)  # files with findings per folder
    without_nda_files: int = 0  # files of clients without a valid NDA
    with_register: bool = False  # retention and NDA measured: the client register was given


RUN_MODES = {"full": "全量 full", "incremental": "增量 incremental"}


def folder_of(path: str, root: str) -> str:
    """The top-level folder under the scanned root (the department's share), or the root's
    own name for a file directly in it."""
    try:
        rel = PurePath(path).relative_to(root)
    except ValueError:
        return PurePath(root).name or root
    return rel.parts[0] if len(rel.parts) > 1 else (PurePath(root).name or root)


def _time(ts: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(ts).replace(microsecond=0) if ts else None


class InventoryTables:
    """Builds the tables of one inventory with one grading."""

    def __init__(
        self,
        inventory: Inventory,
        grading: Grading,
        compliance: Compliance | None = None,
        window: trends.Window | None = None,
    ) -> None:
        self.inventory = inventory
        self.compliance = compliance
        self.grading = grading
        self.entities = inventory.entity_types()
        self.window = window or trends.Window()

    @functools.cached_property
    def _status(self) -> dict[int, tuple[str, str]]:
        """file id → (retention, NDA) status for 文件清单: worked out when that sheet is
        written, not for a summary (a scan's run measures need none of it)."""
        return self.compliance.file_columns() if self.compliance else {}

    @functools.cached_property
    def trend(self) -> list[trends.TrendPoint]:
        """The runs of the window with what the inventory held when each finished."""
        return trends.trend(self.inventory, self.window)

    # --- tables -----------------------------------------------------------------------

    def files(self) -> Table:
        columns = (
            Column("path", "文件路径 Path", 60),
            Column("folder", "部门文件夹 Folder", 16),
            Column("type", "文件类型 Type", 22),
            Column("size", "大小(字节) Size", 12, "int"),
            Column("modified", "修改时间 Modified", 19, "datetime"),
            Column("owner", "所有者 Owner", 12),
            Column("status", "状态 Status", 10),
            Column("kind", "文档类型 Kind", 14),
            Column("categories", "信息类别 Categories", 12),
            Column("doc_grade", "文档密级 Doc grade", 10),
            *(
                Column(f"count_{e}", entity_title(e), max(10, len(entity_title(e)) + 2), "int")
                for e in self.entities
            ),
            Column("findings", "发现合计 Findings", 10, "int"),
            Column("clients", "涉及客户 Clients", 30),
            Column("grade", "最高敏感级别 Grade", 14, "grade"),
            Column("risk", "风险分 Risk", 8, "int"),
            Column("scanned", "扫描时间 Scanned", 19, "datetime"),
            Column("retention", "保留期限 Retention", 36),
            Column("nda", "保密协议 NDA", 36),
        )
        return Table("files", "文件清单", columns, self._file_rows)

    def retention(self) -> Table:
        columns = (
            Column("path", "文件路径 Path", 60),
            Column("client", "客户 Client", 22),
            Column("due", "到期日 Due", 12, "date"),
            Column("days_overdue", "逾期天数 Days overdue", 10, "int"),
            Column("entity_types", "信息类型 Entity types", 40),
            Column("other_clients", "其他未到期客户 Other clients kept", 12, "int"),
            Column("owned", "归属本客户 Attributed to the client", 12, "int"),
            # in a file shared with clients still within their period, what belongs to no
            # one is kept by --apply: the legal department decides
            Column("unattributed", "无法归属·需人工判断 Attributed to no client", 14, "int"),
        )

        def rows() -> Iterator[tuple]:
            for i in self.compliance.retention() if self.compliance else []:
                yield (
                    i.path,
                    self._client_name(i.client_fingerprint, i.client),
                    i.due,
                    i.days_overdue,
                    "、".join(i.entity_types),
                    i.other_clients,
                    i.owned,
                    i.unattributed if i.other_clients else 0,
                )

        return Table("retention", "保留期限", columns, rows)

    def undecided(self) -> Table:
        """What ``baomi retention --apply`` keeps for a person to decide: findings attributed
        to no client in files shared by an expired client and one within its period."""
        columns = (
            Column("path", "文件 File", 60),
            Column("location", "位置 Location", 24),
            Column("entity_type", "实体类型 Entity", 18),
            Column("masked", "脱敏值 Masked value", 28),
            Column("fingerprint", "指纹 Keyed hash", 34),
            Column("due_clients", "到期客户 Clients past retention", 28),
        )

        def rows() -> Iterator[tuple]:
            for row, clients in self.compliance.undecided() if self.compliance else []:
                yield (
                    row.item,
                    row.location,
                    row.entity_type,
                    row.masked,
                    row.fingerprint,
                    "；".join(sorted(self._client_name(fp, masked) for fp, masked in clients)),
                )

        return Table("undecided", "待人工判断", columns, rows)

    def nda(self) -> Table:
        columns = (
            Column("path", "文件路径 Path", 60),
            Column("client", "客户 Client", 22),
            Column("status", "状态 Status", 14),
            Column("reason", "原因 Reason", 36),
            Column("detail", "说明 Detail", 40),
        )

        def rows() -> Iterator[tuple]:
            for i in self.compliance.nda_issues() if self.compliance else []:
                client = self._client_name(i.client_fingerprint, i.client)
                yield (i.path, client, "无有效保密协议", i.reason, i.detail)

        return Table("nda", "保密协议", columns, rows)

    def agreements(self) -> Table:
        titles = Compliance.clause_titles()
        columns = (
            Column("path", "协议文件 Agreement", 60),
            Column("complete", "七项条款齐全 Complete", 10),
            *(Column(key, title, 16) for key, title in titles),
        )

        def rows() -> Iterator[tuple]:
            for path, complete, _, clauses in (
                self.compliance.agreements() if self.compliance else []
            ):
                cells = []
                for key, _title in titles:
                    found = clauses.get(key, {})
                    cells.append(found.get("location") or "缺失 missing")
                yield (path, "是" if complete else "否", *cells)

        return Table("agreements", "协议条款", columns, rows)

    def findings(self) -> Table:
        columns = (
            Column("path", "文件 File", 60),
            Column("location", "位置 Location", 24),
            Column("entity_type", "实体类型 Entity", 18),
            Column("grade", "敏感级别 Grade", 14, "grade"),
            Column("masked", "脱敏值 Masked value", 28),
            Column("score", "置信度 Score", 9, "float"),
            Column("recognizer", "识别器 Recognizer", 26),
            Column("fingerprint", "指纹 Keyed hash", 34),
        )

        def rows() -> Iterator[tuple]:
            for row in self.inventory.active_findings():
                item, location, entity, masked, score, recognizer, fp = row
                grade = self.grading.grade(entity)
                yield (item, location, entity, grade, masked, score, recognizer, fp)

        return Table("findings", "发现明细", columns, rows)

    def clients(self) -> Table:
        """One row per client: where its information is and how much of it, with its
        retention and NDA status (the registered clients with nothing found too)."""
        columns = (
            Column("client", "客户 Client", 28),
            Column("client_fingerprint", "客户指纹 Keyed hash", 34),
            Column("files", "文件数 Files", 8, "int"),
            Column("folders", "文件夹 Folders", 40),
            Column("contacts", "联系人 Contact people", 10, "int"),
            Column("personal", "个人信息 Personal information", 12, "int"),
            Column("findings", "归属发现 Attributed findings", 12, "int"),
            Column("retention", "保留期限 Retention", 30),
            Column("nda", "保密协议 NDA", 30),
        )
        return Table("clients", "客户分布", columns, self._client_rows)

    def client_files(self) -> Table:
        columns = (
            Column("client", "客户 Client", 28),
            Column("client_fingerprint", "客户指纹 Keyed hash", 34),
            Column("folder", "部门文件夹 Folder", 16),
            Column("path", "文件路径 Path", 60),
            Column("mentions", "提及次数 Mentions", 10, "int"),
            Column("owned", "归属发现 Attributed findings", 12, "int"),
        )

        def rows() -> Iterator[tuple]:
            pairs: dict[tuple[str, str], list] = {}
            for masked, fp, path, root, mentions in self.inventory.client_files():
                pairs[(fp, path)] = [masked, fp, folder_of(path, root), path, mentions, 0]
            for masked, fp, path, root, owned in self.inventory.owned_files():
                pairs.setdefault((fp, path), [masked, fp, folder_of(path, root), path, 0, 0])
                pairs[(fp, path)][5] = owned
            named = [[self._client_name(r[1], r[0]), *r[1:]] for r in pairs.values()]
            yield from (tuple(r) for r in sorted(named, key=lambda r: (r[0], r[1], r[3])))

        return Table("client_files", "客户文件", columns, rows)

    def errors(self) -> Table:
        columns = (
            Column("path", "文件 File", 60),
            Column("status", "状态 Status", 10),
            Column("reason", "原因 Reason", 60),
        )

        def rows() -> Iterator[tuple]:
            yield from self.inventory.problems()

        return Table("errors", "无法扫描", columns, rows)

    def suppressions(self) -> Table:
        """What `baomi ignore` suppressed, who, when and why: for audit."""
        columns = (
            Column("pattern", "指纹或路径 Fingerprint or path", 40),
            Column("kind", "种类 Kind", 12),
            Column("entity_type", "实体类型 Entity", 18),
            Column("reason", "原因 Reason", 40),
            Column("who", "操作人 Who", 14),
            Column("created", "时间 When", 18, "datetime"),
            Column("id", "编号 ID (baomi ignore --remove)", 10, "int"),
        )

        def rows() -> Iterator[tuple]:
            for r in self.inventory.suppressions():
                yield (r.pattern, r.kind, r.entity_type, r.reason, r.who, _time(r.created), r.id)

        return Table("suppressions", "已忽略", columns, rows)

    def trends(self) -> Table:
        """One row per run of the window: what the inventory held when it finished (a
        count not measured, retention and NDA without the client register, is empty)."""
        columns = (
            Column("run", "扫描编号 Run", 16, "int"),
            Column("finished", "完成时间 Finished", 19, "datetime"),
            Column("mode", "方式 Mode", 10),
            *(Column(key, title, 14, "int") for key, title in trends.TOTALS),
        )

        def rows() -> Iterator[tuple]:
            for point in self.trend:
                totals = (point.total(key) for key, _ in trends.TOTALS)
                yield (point.run_id, point.finished, RUN_MODES.get(point.mode, point.mode), *totals)

        return Table("trends", "趋势", columns, rows)

    def trend_folders(self) -> Table:
        """Per run of the window and top-level folder: its findings and files with them."""
        columns = (
            Column("run", "扫描编号 Run", 16, "int"),
            Column("finished", "完成时间 Finished", 19, "datetime"),
            Column("folder", "部门文件夹 Folder", 20),
            Column("findings", "发现数 Findings", 10, "int"),
            Column("files", "含客户信息的文件 Files with findings", 12, "int"),
        )

        def rows() -> Iterator[tuple]:
            for point in self.trend:
                findings = point.breakdown(trends.FINDINGS_BY_FOLDER)
                files = point.breakdown(trends.FILES_BY_FOLDER)
                for folder in sorted(set(findings) | set(files)):
                    yield (
                        point.run_id,
                        point.finished,
                        folder,
                        findings.get(folder, 0),
                        files.get(folder, 0),
                    )

        return Table("trend_folders", "部门趋势", columns, rows)

    def all(self) -> list[Table]:
        tables = [self.files(), self.findings(), self.clients(), self.client_files()]
        tables.append(self.errors())
        tables.append(self.suppressions())
        tables += [self.trends(), self.trend_folders()]
        if self.compliance is not None:
            tables += [self.retention(), self.undecided(), self.nda(), self.agreements()]
        return tables

    # --- rows -------------------------------------------------------------------------

    def _file_rows(self) -> Iterator[tuple]:
        counts = self.inventory.finding_counts_by_file()
        clients = self.inventory.clients_by_file()
        for row in self.inventory.present_files():
            fid, path, root, mime, size, mtime_ns, owner, status, scanned = row[:9]
            kind, categories, doc_grade = row[9:]
            by_type = counts.get(fid, {})
            yield (
                path,
                folder_of(path, root),
                mime,
                size,
                _time(mtime_ns / 1e9),
                owner,
                status,
                kind,
                categories,
                doc_grade,
                *(by_type.get(e, 0) for e in self.entities),
                sum(by_type.values()),
                self.client_names(clients.get(fid, [])),
                self.grading.highest(by_type) if by_type else "",
                self.grading.risk(by_type),
                _time(scanned),
                *self._status.get(fid, ("", "")),
            )

    def _client_name(self, fingerprint: str, masked: str) -> str:
        return self.compliance.client_name(fingerprint, masked) if self.compliance else masked

    def client_names(self, clients: list[tuple[str, str]]) -> str:
        """A file's clients, as every sheet names them (``[clients] show_names`` with the
        register: as registered; else masked), joined with "；"."""
        return "；".join(self._client_name(fingerprint, masked) for fingerprint, masked in clients)

    def _client_rows(self) -> Iterator[tuple]:
        files: dict[str, set[str]] = defaultdict(set)
        folders: dict[str, set[str]] = defaultdict(set)
        masked_of: dict[str, str] = {}
        for masked, fp, path, root, _ in [
            *self.inventory.client_files(),
            *self.inventory.owned_files(),
        ]:
            masked_of.setdefault(fp, masked)
            files[fp].add(path)
            folders[fp].add(folder_of(path, root))
        contacts: Counter = Counter()
        personal: Counter = Counter()
        findings: Counter = Counter()
        for fp, masked, entity, count, values in self.inventory.owned_counts():
            masked_of.setdefault(fp, masked)
            findings[fp] += count
            if entity in PERSON_TYPES:
                contacts[fp] += values
            if self.grading.grade(entity) in PERSONAL_GRADES:
                personal[fp] += count
        registered = self.compliance.by_fingerprint if self.compliance else {}
        for fp, known in registered.items():
            masked_of.setdefault(fp, mask(CLIENT, known.name))
        rows = []
        for fp, masked in masked_of.items():
            record = registered.get(fp)
            rows.append(
                (
                    self._client_name(fp, masked),
                    fp,
                    len(files[fp]),
                    "；".join(sorted(f for f in folders[fp] if f)),
                    contacts[fp],
                    personal[fp],
                    findings[fp],
                    *self._client_status(record),
                )
            )
        yield from sorted(rows, key=lambda r: (-r[2], r[0]))

    def _client_status(self, record: ClientRecord | None) -> tuple[str, str]:
        if self.compliance is None or record is None:
            return "", ""
        return self.compliance.retention_status(record), self.compliance.nda_status(record)

    # --- summary ----------------------------------------------------------------------

    def summary(self) -> Summary:
        inventory = self.inventory
        runs = [r for r in inventory.runs(limit=50) if r.status == "finished"]
        last = runs[0] if runs else None
        counts = inventory.file_counts()
        by_entity: Counter = Counter(inventory.findings_by_entity())
        by_grade: Counter = Counter()
        for entity, n in by_entity.items():
            by_grade[self.grading.grade(entity)] += n
        by_folder: Counter = Counter()
        files_by_folder: Counter = Counter()
        for row in inventory.findings_per_file():
            folder = folder_of(row.path, row.root)
            by_folder[folder] += row.findings
            files_by_folder[folder] += 1
        files_by_grade = Counter(
            self.grading.highest(types) for types in inventory.entity_types_by_file().values()
        )
        without_nda = self._without_nda()
        return Summary(
            generated=dt.datetime.now().replace(microsecond=0),
            last_scan=_time(last.finished) if last else None,
            roots=last.roots if last else (),
            files=counts.files,
            with_findings=counts.with_findings,
            unreadable=counts.unreadable,
            removed=counts.removed,
            by_entity=by_entity,
            by_grade=_in_grade_order(by_grade),
            by_folder=by_folder,
            top_clients=inventory.top_clients(10),
            without_nda=[(client, len(files)) for client, files in without_nda],
            by_kind=Counter(inventory.scanned_by_kind()),
            by_doc_grade=Counter(inventory.scanned_by_doc_grade()),
            retention_due_files=len({i.file_id for i in self.compliance.retention()})
            if self.compliance
            else 0,
            sensitive_files=files_by_grade[SENSITIVE],
            files_by_grade=_in_grade_order(files_by_grade),
            files_by_folder=files_by_folder,
            without_nda_files=len(set().union(*(files for _, files in without_nda))),
            with_register=self.compliance is not None,
        )

    def _without_nda(self) -> list[tuple[str, set[int]]]:
        """(client, the ids of its files) of every client without a valid NDA, most files
        first."""
        if self.compliance is None:
            return []
        files: dict[str, set[int]] = {}
        for issue in self.compliance.nda_issues():  # by id: two files may mask alike
            client = self._client_name(issue.client_fingerprint, issue.client)
            files.setdefault(client, set()).add(issue.file_id)
        return sorted(files.items(), key=lambda x: (-len(x[1]), x[0]))


def _in_grade_order(counts: Counter) -> Counter:
    """``counts`` by grade, most sensitive first, grades with none left out."""
    return Counter({g: counts[g] for g in GRADES if counts[g]})


def entity_title(entity: str) -> str:
    """A column heading for an entity type: its Chinese word and its name (电话 PHONE_NUMBER)."""
    word = ENTITY_WORDS.get(entity, "")
    return f"{word} {entity}" if word else entity


def json_value(value: object) -> object:
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    return value


def table_json_lines(table: Table) -> Iterator[str]:
    keys = [col.key for col in table.columns]
    for row in table.rows():
        record = {k: json_value(v) for k, v in zip(keys, row, strict=True)}
        yield json.dumps(record, ensure_ascii=False) + "\n"
