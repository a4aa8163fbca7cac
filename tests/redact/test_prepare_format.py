"""Redaction loads a format's reader and writer when a file of that format comes, once, in
the parent (inherited by the forked workers); it never opens what is not a regular file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from scanner.redact.writers import writer_for
from tests.builders import docx_bytes


def test_a_writer_is_found_per_format() -> None:
    from scanner.redact.writers import docx, text

    assert writer_for("csv") is text.rewrite
    assert writer_for("docx") is docx.rewrite
    assert writer_for("ole") is None  # legacy Office: refused with a reason
    assert writer_for("no-such-format") is None


def test_each_format_loads_only_its_own_modules(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("手机 13812345678\n", encoding="utf-8")
    (tmp_path / "b.docx").write_bytes(docx_bytes("纪要", "手机 13812345678"))
    probe = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from scanner.redact.isolated import prepare_format
        heavy = ("scanner.redact.writers.docx", "scanner.redact.writers.pdf", "pymupdf")
        prepare_format(Path({str(tmp_path / "a.txt")!r}))
        print("scanner.redact.writers.text" in sys.modules, [m for m in heavy if m in sys.modules])
        prepare_format(Path({str(tmp_path / "b.docx")!r}))
        print([m for m in heavy if m in sys.modules])
        """
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["True []", "['scanner.redact.writers.docx']"]


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    from scanner.redact.isolated import prepare_format

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    prepare_format(fifo)  # would block forever on open() for reading
    assert time.monotonic() - started < 5
