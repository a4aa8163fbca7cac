"""Files the scanner can identify but not read: encrypted and legacy binary Office files.

An inventory must show the files it could not look into, with the reason:

* password-protected Word/Excel/PowerPoint files (OOXML wrapped in an encrypted
  OLE container; libmagic reports ``application/encrypted``) and PGP messages
  → ``encrypted: not scanned``;
* legacy binary Word (.doc) and PowerPoint (.ppt) files, for which no
  maintained open-source text reader exists here → ``unsupported: …``
  (legacy Excel .xls is read by the xls extractor);
* any other OLE compound file is checked for an encrypted package first.
"""

from __future__ import annotations

from collections.abc import Iterator

import olefile

from scanner.scan.extract import EncryptedError, Item, Source, UnsupportedError

LEGACY = {
    "application/msword": "legacy Word .doc (no maintained open-source reader; save as .docx)",
    "application/vnd.ms-powerpoint": "legacy PowerPoint .ppt (no maintained open-source "
    "reader; save as .pptx)",
}


def extract_encrypted(source: Source) -> Iterator[Item]:
    raise EncryptedError("password-protected file")
    yield  # pragma: no cover - makes this a generator like every extractor


def extract_ole(source: Source) -> Iterator[Item]:
    if _has_encrypted_package(source.data):
        raise EncryptedError("password-protected Office document")
    raise UnsupportedError(LEGACY.get(source.mime, f"OLE compound file ({source.mime})"))
    yield  # pragma: no cover


def _has_encrypted_package(data: bytes) -> bool:
    try:
        with olefile.OleFileIO(data) as ole:
            return ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
    except (OSError, ValueError):
        return False
