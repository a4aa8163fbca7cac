"""The inventory owns its SQL: no statement, no ``.execute(`` and no reach into the
inventory's connection anywhere but ``scanner/store/inventory.py``. Reports, compliance,
recording and the command line ask the store's query and command methods instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("scanner", "reports", "recognizers", "bench", "scripts", "examples", "fuzz")
STORE = Path("scanner") / "store" / "inventory.py"

# SQL statements as they appear in string literals. SELECT … FROM only in capitals (the
# project's style; "select … from" is English too); the others in any case.
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b"
    r"|(?i:\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b)"
    r"|(?i:\bUPDATE\s+\w+\s+SET\b)"
    r"|(?i:\bDELETE\s+FROM\b)"
    r"|(?i:\b(?:CREATE|DROP|ALTER)\s+(?:TABLE|VIEW|INDEX|TRIGGER)\b)"
    r"|(?i:\bPRAGMA\s+\w+)"
)
EXECUTE = {"execute", "executemany", "executescript"}


def _sources() -> list[Path]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel != STORE:
                out.append(rel)
    return out


def offenders(rel: Path, source: str) -> list[str]:
    """``path:line: what`` for every SQL string, execute call or ``.conn`` use."""
    found = []
    tree = ast.parse(source, str(rel))
    # an f-string is read whole, its fields as a word: f"UPDATE {table} SET …"
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = None if id(node) in parts else node.value
        if text is not None:
            match = SQL.search(text)
            if match:
                found.append(f"{rel}:{node.lineno}: SQL {match.group(0)[:40]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in EXECUTE:
                found.append(f"{rel}:{node.lineno}: .{node.func.attr}(")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"{rel}:{node.lineno}: .conn (the inventory's connection)")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


@pytest.mark.slow
def test_no_sql_outside_the_inventory() -> None:
    sources = _sources()
    assert Path("reports") / "tables.py" in sources  # the scan looks where it should
    found = [
        line for rel in sources for line in offenders(rel, (ROOT / rel).read_text(encoding="utf-8"))
    ]
    assert not found, "SQL outside scanner/store/inventory.py:\n" + "\n".join(found)


def test_the_check_finds_what_it_looks_for() -> None:
    source = (
        "rows = inventory.conn.execute(\n"
        "    \"SELECT id FROM files WHERE status = 'removed'\"\n"
        ")\n"
        'c.executemany("insert into findings (file_id) values (?)", [])\n'
        'q = f"UPDATE {table} SET item = ?"\n'
        'help = "select the files from the share"  # English, not SQL\n'
    )
    found = offenders(Path("x.py"), source)
    assert [line.split(": ")[1].split(" ")[0] for line in found].count("SQL") == 3
    assert any(".execute(" in line for line in found)
    assert any(".executemany(" in line for line in found)
    assert any(".conn" in line for line in found)
    assert not any("select the files" in line for line in found)
