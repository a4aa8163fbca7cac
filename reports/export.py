"""CSV and JSON Lines exports of one inventory table, for other tools.

CSV is written with a UTF-8 byte-order mark so Excel opens the Chinese text
correctly, machine keys in the header row; JSONL has one object per row with the
same keys. Both are written atomically.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reports.tables import Table, json_value, table_json_lines
from scanner.atomic import open_output


def export_table(table: Table, fmt: str, path: Path) -> int:
    """Write ``table`` as ``fmt`` (csv or jsonl) to ``path``; the number of rows."""
    rows = 0
    if fmt == "csv":
        with open_output(Path(path), encoding="utf-8-sig") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow([c.key for c in table.columns])
            for row in table.rows():
                writer.writerow([json_value(v) if v is not None else "" for v in row])
                rows += 1
    elif fmt == "jsonl":
        with open_output(Path(path)) as fh:
            for line in table_json_lines(table):
                fh.write(line)
                rows += 1
    else:
        raise ValueError(f"unknown export format {fmt}")
    return rows
