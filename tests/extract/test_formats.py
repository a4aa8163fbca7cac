"""The format list: every reader resolves, and its modules load only when a file needs them."""

from __future__ import annotations

import subprocess
import sys

from scanner.scan.extract import COMPRESSED_MIMES, formats
from scanner.scan.extract.archive import _DECOMPRESSORS


def test_every_reader_resolves_to_a_function() -> None:
    for spec in formats():
        assert callable(spec.extractor()), spec.name


def test_the_compressed_types_are_the_ones_archive_can_open() -> None:
    assert set(COMPRESSED_MIMES) == set(_DECOMPRESSORS)


def test_choosing_a_format_imports_no_reader() -> None:
    probe = (
        "import sys\n"
        "from scanner.scan.extract import Source, select_format\n"
        "spec = select_format(Source('a.txt', b'x', 'text/plain'))\n"
        "heavy = ['openpyxl', 'pptx', 'docx', 'fitz', 'pypdf', 'PIL', 'odf']\n"
        "print(spec.name, [m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["text", "[]"]
