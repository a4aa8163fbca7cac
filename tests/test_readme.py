"""The README's own examples run (issue 16).

Every ``baomi`` command of the README's ``sh`` blocks is run through ``scanner.cli.main``
on a copy of ``examples/`` (the demo share, its ``baomi.toml`` and ``clients.csv``), with
the README's example file names mapped onto files of the demo share (``FILES``). A command
that cannot run in a test is listed in ``SKIPPED`` with the reason; a new README command
that is neither runnable nor listed fails. The usage synopsis is checked against the
parser, the cron line and the systemd units' commands must parse, the ``toml`` block must
load as a ``baomi.toml`` and the ``csv`` block as a client registry.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import io
import itertools
import re
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from scanner.cli import build_parser, main
from tests.conftest import TEST_KEY_HEX

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
PROMPTS = ("baomi ", ".venv/bin/baomi ")
SYNOPSIS_MARKS = ("...", "[", "(", "|")  # metasyntax: a line of the usage synopsis

# The README's example names → paths in the copy of examples/ (cwd of every command).
FILES = {
    "/srv/share": "share",
    "方案.docx": "share/项目/星河传媒/合同/服务合同_星河传媒_2025.docx",  # graded 核心
    "项目/青禾食品": "share/项目/青禾食品",
    "报价.xlsx": "share/媒体资源/媒体名单_2025Q2.xlsx",
    "旧合同.pdf": "share/项目/云杉健康/舆情周报_第13周.pdf",
    "保密协议_星河传媒.docx": "share/项目/星河传媒/合同/服务合同_星河传媒_2025.docx",
    "合同/*.pdf": "share/项目/*/*.pdf",  # expanded as the shell would
}
# Inputs a README command expects from an earlier step the README does not show.
PREPARED = {
    "方案_内部版.docx": "redact 方案.docx -o 方案_内部版.docx --policy internal --config baomi.toml",
}
# README commands that cannot run in a test, by their text without the comment.
DASK = "needs a running Dask scheduler and workers at tcp://10.0.0.5:8786"
WATCH = "runs until SIGINT/SIGTERM (covered by tests/scanner/test_watch*.py)"
SKIPPED = {
    "baomi scan /mnt/share --executor dask --scheduler tcp://10.0.0.5:8786 --incremental": DASK,
    "baomi scan /mnt/share --executor dask --scheduler tcp://10.0.0.5:8786 --incremental "
    "--xlsx 清单.xlsx": DASK,
    "baomi watch /srv/share/公共 --config baomi.toml": WATCH,
    "baomi watch /mnt/nas/公共 --polling --interval 10": WATCH,
    "baomi watch /srv/share/外发箱 --redact-to /srv/share/已脱敏 --policy media": WATCH,
    'baomi watch /srv/share --on-finding "/usr/local/bin/notify-security"': WATCH,
    'baomi ignore 5c1e0a9b7d3f2e4c6a8b0d1f3e5a7c9b --reason "公司总机"': "the fingerprint of "
    "another installation's key (tests/scanner/test_suppress.py uses a real one)",
    'baomi ignore --value --reason "公司总机"': "reads the value from a terminal "
    "(tests/scanner/test_suppress.py feeds it on standard input)",
    "baomi serve --config baomi.toml --clients clients.csv": "serves until SIGTERM "
    "(tests/serve/test_server.py and test_browser.py run a real server)",
    "baomi user add wangfang": "asks for a password on a terminal (tests/serve/test_users.py "
    "feeds it with --password-stdin)",
}
# Exit codes the README documents, per subcommand (2 is never an example's outcome).
EXITS = {
    "scan": {0, 1, 3},
    "redact": {0, 1},
    "restore": {0},
    "retention": {0, 1},
    "nda-check": {0, 1},
    "report": {0},
    "policies": {0},
    "entities": {0},
    "ignore": {0},
    "token": {0},
}
# Never started when a README line has them and SKIPPED does not list it: they would hang.
UNRUNNABLE = ("baomi watch ", "--executor dask", "baomi serve ")
TIME_BUDGET_S = 120  # the whole run; about 60 s on the 2-core development machine


@dataclass(frozen=True)
class Ran:
    """One command's outcome."""

    line: str
    argv: list[str]
    code: int
    stderr: str
    seconds: float


def blocks(language: str) -> list[str]:
    """The bodies of the README's fenced blocks of ``language``."""
    return [body for lang, body in FENCE.findall(README) if lang == language]


def commands(language: str = "sh") -> list[str]:
    """Each ``baomi`` line of the ``language`` blocks, without its comment, continuation
    lines (indented, as in the synopsis) joined to the line they continue."""
    found: list[str] = []
    for body in blocks(language):
        for raw in body.splitlines():
            line = raw.split("  #", 1)[0].rstrip()
            if raw[:1].isspace() and found and line.strip():
                found[-1] += " " + line.strip()
            elif line.startswith(PROMPTS):
                found.append(line)
    return found


def is_synopsis(line: str) -> bool:
    """A usage line: metasyntax, or a placeholder in capitals (``INPUT -o OUTPUT``)."""
    placeholder = any(word.isupper() and word.isalpha() for word in line.split())
    return placeholder or any(mark in line for mark in SYNOPSIS_MARKS)


def subparsers() -> dict[str, argparse.ArgumentParser]:
    """The parser of each subcommand, by name."""
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("baomi has no subcommands")


def to_argv(line: str, cwd: Path) -> list[str]:
    """The line's arguments after ``baomi``, example names mapped to the demo share and
    globs expanded in ``cwd`` as the shell would (left as written when nothing matches)."""
    argv: list[str] = []
    unquoted = set(line.split())  # a quoted glob ('*/模板/*') reaches baomi as written
    for token in shlex.split(line, comments=True)[1:]:
        expand = "*" in token and token in unquoted
        token = FILES.get(token, token)
        matches = sorted(glob.glob(token, root_dir=cwd)) if expand else []
        argv += matches or [token]
    return argv


def run(line: str, cwd: Path) -> Ran:
    """``line`` through ``main`` in-process, its stdout dropped and its stderr kept."""
    argv = to_argv(line, cwd)
    err = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return Ran(line, argv, code, err.getvalue(), time.monotonic() - started)


def written(argv: list[str]) -> list[str]:
    """The outputs a successful command must have left (``-o``, ``--out-dir``, ``--xlsx``)."""
    options = {"-o", "--out-dir", "--xlsx"}
    return [value for option, value in itertools.pairwise(argv) if option in options]


def prepare(line: str, cwd: Path) -> None:
    """Make the inputs of ``line`` that an earlier step, not shown, would have made."""
    for name, step in PREPARED.items():
        if name in shlex.split(line) and not (cwd / name).exists():
            ran = run("baomi " + step, cwd)
            assert ran.code == 0, f"preparing {name}: exit {ran.code}\n{ran.stderr}"


@pytest.fixture()
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/ as the working directory; keys from the environment."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns("out", ".baomi"))
    monkeypatch.chdir(copy)
    monkeypatch.setenv("BAOMI_REDACT_KEY", TEST_KEY_HEX)
    return copy


def test_every_command_is_run_or_skipped_with_a_reason() -> None:
    runnable = [line for line in commands() if not is_synopsis(line)]
    assert runnable, "no baomi command found in the README's sh blocks"
    assert set(SKIPPED) <= set(runnable), "SKIPPED lists a line the README no longer has"
    names = {t for line in runnable for t in shlex.split(line)}
    assert set(FILES) <= names, "FILES maps a name the README no longer uses"


def test_the_readme_commands_run_on_the_demo_share(demo: Path) -> None:
    """Each runnable line in README order (later ones read what earlier ones recorded):
    an exit code the README documents for it, and the outputs it names written."""
    failures, timings = [], []
    started = time.monotonic()
    for line in commands():
        if is_synopsis(line) or line in SKIPPED:
            continue
        if any(marker in line for marker in UNRUNNABLE):
            failures.append(f"{line}\n  cannot run in a test: list it in SKIPPED with the reason")
            continue
        prepare(line, demo)
        ran = run(line, demo)
        timings.append(f"{ran.seconds:5.1f} s  {line}")
        allowed = EXITS.get(ran.argv[0] if ran.argv else "", set())
        if ran.code not in allowed:
            failures.append(f"{line}\n  exit {ran.code}, expected {sorted(allowed)}\n{ran.stderr}")
        elif ran.code == 0:
            missing = [path for path in written(ran.argv) if not (demo / path).exists()]
            if missing:
                failures.append(f"{line}\n  exit 0 but {missing} not written")
    print("\n".join(timings))
    assert not failures, "\n\n".join(failures)
    assert time.monotonic() - started < TIME_BUDGET_S, "\n".join(timings)


def test_dry_run_needs_no_output_and_writes_nothing(demo: Path) -> None:
    before = sorted(p.relative_to(demo) for p in demo.rglob("*"))
    ran = run("baomi redact 报价.xlsx --policy media --dry-run --no-ner", demo)
    assert ran.code == 0, ran.stderr
    assert sorted(p.relative_to(demo) for p in demo.rglob("*")) == before


def test_redaction_without_a_client_registry_says_so(demo: Path) -> None:
    """Without the registry the 核心 contract is released (nothing grades it): warned."""
    ran = run("baomi redact 方案.docx --policy media --dry-run --no-ner", demo)
    assert ran.code == 0, ran.stderr
    assert (
        "baomi: 注意 note: 未加载客户名单 no client registry loaded: client names are not "
        "recognised and grades that depend on them are not applied"
    ) in ran.stderr.splitlines()
    with_registry = run(
        "baomi redact 方案.docx --policy media --dry-run --no-ner --config baomi.toml", demo
    )
    assert with_registry.code == 1 and "核心" in with_registry.stderr  # refused
    assert "未加载客户名单" not in with_registry.stderr


@pytest.mark.parametrize("line", [line for line in commands() if is_synopsis(line)])
def test_the_synopsis_names_only_options_the_command_has(line: str) -> None:
    command = shlex.split(line.replace("|", " "))[1]
    parser = subparsers()[command]
    options = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", line.split(" ", 2)[-1]))
    unknown = sorted(options - set(parser._option_string_actions))
    assert not unknown, f"baomi {command} has no {unknown}"


def scheduled_commands() -> list[str]:
    """The baomi commands of the cron line and the systemd units, up to ``;`` or ``'``."""
    text = "\n".join(blocks("cron") + blocks("ini"))
    return re.findall(r"(?:^|[\s=/'])(baomi (?:scan|watch|serve)[^;'\n]*)", text, re.M)


@pytest.mark.parametrize("line", scheduled_commands())
def test_the_scheduled_commands_parse(line: str) -> None:
    """They act on /srv and run forever or nightly: only their arguments are checked."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            # a $(date +%F) in a file name is one word for the shell that runs the line
            build_parser().parse_args(shlex.split(re.sub(r"\$\([^)]*\)", "DATE", line))[1:])
    except SystemExit:
        pytest.fail(f"{line}\n{err.getvalue()}")


def test_the_configuration_example_loads(tmp_path: Path) -> None:
    from scanner.config import load_config

    (toml,) = blocks("toml")
    path = tmp_path / "baomi.toml"
    path.write_text(toml, encoding="utf-8")
    config = load_config(path)
    assert config.client_registry == tmp_path / "clients.csv"


def test_the_client_registry_example_loads(tmp_path: Path) -> None:
    from scanner.compliance.clients import load_registry

    (csv,) = blocks("csv")
    path = tmp_path / "clients.csv"
    path.write_text(csv, encoding="utf-8")
    (client,) = load_registry(path)
    assert client.name == "北京星河传媒有限公司"
