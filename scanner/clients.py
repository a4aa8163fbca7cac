"""The client registry: who the firm's clients are, validated on load.

A CSV file (UTF-8, UTF-8 with BOM or GBK, as Excel writes it) with the header
``name,aliases,uscc,nda_id,nda_expires,project_end,retention_months``
(Chinese headers 客户名称, 别名, 统一社会信用代码, 保密协议编号, 到期日,
项目结束日期, 保留期限(月) are accepted too). Aliases are separated by ``;``.
Every problem is an error naming the row: a registry that silently skips a
client would silently stop finding it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from recognizers.checksums import is_valid_uscc
from recognizers.client_registry import Client
from scanner.config import ConfigError
from scanner.decode import DecodeError, decode
from scanner.masking import mask

HEADER = ("name", "aliases", "uscc", "nda_id", "nda_expires", "project_end", "retention_months")

COLUMNS = {
    "name": "name",
    "客户名称": "name",
    "aliases": "aliases",
    "别名": "aliases",
    "uscc": "uscc",
    "统一社会信用代码": "uscc",
    "nda_id": "nda_id",
    "保密协议编号": "nda_id",
    "nda_expires": "nda_expires",
    "到期日": "nda_expires",
    "project_end": "project_end",
    "项目结束日期": "project_end",
    "retention_months": "retention_months",
    "保留期限(月)": "retention_months",
}


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

    def to_client(self) -> Client:
        return Client(self.name, self.aliases, self.uscc)


def load_registry(path: Path) -> list[ClientRecord]:
    try:
        text, _ = decode(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError(f"client registry not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read client registry {path}: {exc.strerror}") from None
    except DecodeError as exc:
        raise ConfigError(f"client registry {path}: {exc}") from None
    reader = csv.reader(io.StringIO(text))
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
    unknown = [h for h, c in zip(header, columns, strict=False) if c is None]
    if unknown:
        positions = ", ".join(str(i) for i, c in enumerate(columns, start=1) if c is None)
        raise ConfigError(
            f"client registry {path}: unknown column(s) at position {positions} "
            f"(expected header: {','.join(HEADER)})"
        )
    records: list[ClientRecord] = []
    owner: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(columns, (c.strip() for c in row), strict=False))  # short rows: blanks
        record = _record(cells, row_number, path)
        for term in (record.name, *record.aliases, record.uscc):
            key = term.lower()
            if key and key in owner:
                raise ConfigError(
                    f"client registry {path} row {row_number}: '{mask('CLIENT', term)}' "
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
            f"{where}: '{mask('CN_USCC', uscc)}' is not a valid USCC (GB 32100-2015 check failed)"
        )
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
    )


def _date(value: str, where: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{where}: {column} '{value}' is not a date (YYYY-MM-DD)") from None
