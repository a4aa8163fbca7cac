"""The arrows between the parts go one way (issue 18): the reports read the store and
never the recognizers, redaction or the NDA check; the scan never reaches into the store,
redaction or the application; nothing below the application imports the command line.

Direct imports only (module level and inside functions), read from the source with
``ast``: what a module names is what its reader has to know about."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (package whose modules are checked, module prefixes they must not import)
RULES = [
    ("reports", ("recognizers", "scanner.redact", "scanner.compliance.nda", "scanner.cli")),
    ("scanner/scan", ("scanner.store", "scanner.redact", "scanner.app", "scanner.cli")),
    ("scanner/store", ("scanner.redact", "scanner.app", "scanner.cli", "reports")),
    ("scanner/redact", ("scanner.store", "scanner.app", "scanner.cli", "reports")),
    ("recognizers", ("scanner", "reports")),
]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in sorted(imported(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize(("package", "forbidden"), RULES, ids=[p for p, _ in RULES])
def test_imports_go_one_way(package, forbidden):
    assert offenders(package, forbidden) == []


def test_the_checker_sees_function_level_imports(tmp_path, monkeypatch):
    module = tmp_path / "pkg" / "m.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from recognizers.registry import x\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert offenders("pkg", ("recognizers",)) == ["pkg/m.py imports recognizers.registry"]
