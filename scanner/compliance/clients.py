"""The client registry: who the firm's clients are, validated on load.

A CSV file (UTF-8, UTF-8 with BOM or GBK, as Excel writes it) or an Excel
workbook (first sheet) with the header
``name,aliases,uscc,nda_id,nda_signed,nda_expires,project_end,retention_months,purpose``
(Chinese headers 客户名称, 别名, 统一社会信用代码, 保密协议编号, 签署日期, 到期日,
项目结束日期, 保留期限(月), 处理目的 are accepted too; only the name is
required). Aliases are separated by ``;``. Dates may be written 2025-06-30,
2025/6/30, 2025.6.30 or 2025年6月30日, or be Excel dates. Every problem is an
error naming the row: a bad date, a duplicate client or alias, an invalid USCC
check character — a registry that silently skips a client would silently stop
finding it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recognizers.checksums import is_valid_uscc
from recognizers.client_registry import Client
from recognizers.cn_uscc import CnUsccRecognizer
from scanner.config import DATE_FORMS, ConfigError, parse_date
from scanner.masking import mask
from scanner.models import CLIENT
from scanner.scan.decode import DecodeError, decode
from scanner.scan.fsio import NotRegularFile, read_regular

HEADER = (
    "name",
    "aliases",
    "uscc",
    "nda_id",
    "nda_signed",
    "nda_expires",
    "project_end",
    "retention_months",
    "purpose",
    "domains",
)

COLUMNS = {
    "name": "name",
    "客户名称": "name",
    "aliases": "aliases",
    "别名": "aliases",
    "uscc": "uscc",
    "统一社会信用代码": "uscc",
    "nda_id": "nda_id",
    "保密协议编号": "nda_id",
    "nda_signed": "nda_signed",
    "签署日期": "nda_signed",
    "nda_expires": "nda_expires",
    "到期日": "nda_expires",
    "purpose": "purpose",
    "处理目的": "purpose",
    "project_end": "project_end",
    "项目结束日期": "project_end",
    "retention_months": "retention_months",
    "保留期限(月)": "retention_months",
    "domains": "domains",
    "邮箱域名": "domains",
}
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")


@dataclass(frozen=True)
class ClientRecord:
    name: str
    aliases: tuple[str, ...]
    uscc: str
    nda_id: str
    nda_expires: dt.date | None
    project_end: dt.date | None
    retention_months: int | None
    row: int
    nda_signed: dt.date | None = None
    purpose: str = ""
    domains: tuple[str, ...] = ()  # its e-mail domains: an address there is the client's

    def to_client(self) -> Client:
        return Client(self.name, self.aliases, self.uscc)

    @property
    def retention_due(self) -> dt.date | None:
        """project_end + retention_months: from this day the client's information is past
        its purpose and must be anonymised or deleted."""
        if self.project_end is None or self.retention_months is None:
            return None
        return add_months(self.project_end, self.retention_months)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (2025-01-31 + 1 → 02-28)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def load_registry(path: Path) -> list[ClientRecord]:
    return _records(read_rows(path, "client registry"), path)


def read_rows(path: Path, what: str) -> Iterator[list[str]]:
    """The rows of a CSV file (UTF-8, UTF-8 with BOM or GBK) or of a workbook's first
    sheet, as text; ``what`` names the file in errors (``client registry``)."""
    try:
        # a register named in the configuration may be a link; never a FIFO or a device
        data = read_regular(path, follow_symlinks=True)
    except NotRegularFile as exc:
        raise ConfigError(f"{what} {path}: {exc.reason}") from None
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from None
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data, path, what)
    try:
        text, _ = decode(data)
    except DecodeError as exc:
        raise ConfigError(f"{what} {path}: {exc}") from None
    return iter(list(csv.reader(io.StringIO(text))))


def _xlsx_rows(data: bytes, path: Path, what: str) -> Iterator[list[str]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ConfigError(f"{what} {path}: not a readable workbook ({exc})") from None
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    workbook.close()
    return iter(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _records(reader: Iterator[list[str]], path: Path) -> list[ClientRecord]:
    header = next(reader, None)
    if not header:
        raise ConfigError(f"client registry {path} is empty")
    columns = [COLUMNS.get(h.strip().lower(), COLUMNS.get(h.strip())) for h in header]
    if "name" not in columns:
        # the header is not echoed: a data file passed by mistake would print client data
        raise ConfigError(
            f"client registry {path}: no 'name'/'客户名称' column in its first row "
            f"(expected header: {','.join(HEADER)})"
        )
    unknown = [
        f"'{_column_name(h)}' (column {i})"
        for i, (h, c) in enumerate(zip(header, columns, strict=False), start=1)
        if c is None
    ]
    if unknown:
        # named now that a 'name' column shows the first row is a header, not client data
        raise ConfigError(
            f"client registry {path}: unknown column(s) {', '.join(unknown)} "
            f"(expected header: {','.join(HEADER)}, or the Chinese names)"
        )
    records: list[ClientRecord] = []
    owner: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        # short rows: blanks (every column is known: an unknown one was refused above)
        cells = {c: v.strip() for c, v in zip(columns, row, strict=False) if c is not None}
        record = _record(cells, row_number, path)
        for term in (record.name, *record.aliases, record.uscc):
            key = term.lower()
            if key and key in owner:
                raise ConfigError(
                    f"client registry {path} row {row_number}: '{mask(CLIENT, term)}' "
                    "already belongs to the "
                    f"client in row {owner[key]}"
                )
            if key:
                owner[key] = row_number
        records.append(record)
    return records


def _record(cells: dict[str, str], row: int, path: Path) -> ClientRecord:
    where = f"client registry {path} row {row}"
    name = cells.get("name", "")
    if not name:
        raise ConfigError(f"{where}: empty name")
    aliases = tuple(a.strip() for a in cells.get("aliases", "").split(";") if a.strip())
    if any(len(a) < 2 for a in aliases):
        raise ConfigError(f"{where}: aliases must be at least two characters long")
    uscc = cells.get("uscc", "").upper()
    if uscc and not is_valid_uscc(uscc):
        raise ConfigError(
            f"{where}: '{mask(CnUsccRecognizer.ENTITY, uscc)}' is not a valid USCC "
            "(GB 32100-2015 check failed)"
        )
    domains = tuple(d.strip().lower().lstrip("@") for d in cells.get("domains", "").split(";"))
    domains = tuple(d for d in domains if d)
    if any(not _DOMAIN.match(d) for d in domains):
        raise ConfigError(f"{where}: domains must be e-mail domains such as qinghe-food.com")
    retention = cells.get("retention_months", "")
    if retention and not (retention.isascii() and retention.isdigit()):
        raise ConfigError(f"{where}: retention_months must be a whole number")
    return ClientRecord(
        name=name,
        aliases=aliases,
        uscc=uscc,
        nda_id=cells.get("nda_id", ""),
        nda_expires=_date(cells.get("nda_expires", ""), where, "nda_expires"),
        project_end=_date(cells.get("project_end", ""), where, "project_end"),
        retention_months=int(retention) if retention else None,
        row=row,
        nda_signed=_date(cells.get("nda_signed", ""), where, "nda_signed"),
        purpose=cells.get("purpose", ""),
        domains=domains,
    )


def _column_name(header: str) -> str:
    """A header cell as an error may show it: one line, at most 40 characters."""
    from scanner.names import printable

    text = printable(header.strip())
    return text if len(text) <= 40 else text[:39] + "…"


def _date(value: str, where: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise ConfigError(
            f"{where}: {column} '{value}' is not a date (accepted: {DATE_FORMS}, or an Excel date)"
        ) from None


def short_alias_rows(records: list[ClientRecord]) -> list[int]:
    """The rows with a two-character Chinese alias, which also matches ordinary words
    (星河 in 星河璀璨)."""
    return [r.row for r in records if any(len(a) <= 2 and not a.isascii() for a in r.aliases)]


def registry_digest(records: list[ClientRecord], key: bytes) -> str:
    """A digest of the registry's rows, names and aliases, keyed so that the state file
    holding it says nothing about the clients: it changes when they change."""
    text = "\n".join(f"{r.row}\t{r.name}\t{';'.join(r.aliases)}" for r in records)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def noted(state: Path, digest: str) -> bool:
    """Whether the registry with ``digest`` has had its notes shown (``state`` holds the
    digest of the last registry noted)."""
    try:
        return state.read_text(encoding="ascii").strip() == digest
    except (OSError, UnicodeDecodeError):
        return False


def remember_noted(state: Path, digest: str) -> None:
    """Record ``digest`` in ``state`` (0600, replaced atomically); a state that cannot be
    written only means the notes are shown again next time."""
    tmp = state.with_name(f".{state.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(digest + "\n")
        os.replace(tmp, state)
    except OSError:
        tmp.unlink(missing_ok=True)
