"""What OCR read, kept so that an unchanged picture is never read twice.

A document edited for its text keeps its scanned pages; a folder of licence photos is
scanned again after a new one is added. The cache is a folder of small files, one per
picture, named by a keyed hash of the picture's content hash and encrypted (AES-GCM)
under a key derived from the installation's key: what OCR read is raw client data, and
no raw value may sit on disk in the clear. Files are written atomically (a worker
killed mid-write leaves nothing half-written) and private (0600); a file that does not
decrypt (another key, damage) is read as a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from scanner.atomic import atomic_write
from scanner.scan.ocr import OcrLine, OcrPage, OcrSettings

KEY_DOMAIN = b"baomi-ocr-cache\x1f"
NONCE_BYTES = 12
FORMAT = 2  # bumped when what is stored changes: older entries are then misses


def cache_key_from(installation_key: bytes) -> bytes:
    """The cache's own 256-bit key, derived from the installation's fingerprint key."""
    return hmac.new(installation_key, KEY_DOMAIN, hashlib.sha256).digest()


class OcrCache:
    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    @classmethod
    def of(cls, settings: OcrSettings) -> OcrCache | None:
        """The cache the settings name; None when there is none (no folder or key)."""
        if not settings.cache_dir or not settings.cache_key:
            return None
        return cls(Path(settings.cache_dir), settings.cache_key)

    def _path(self, key: str) -> Path:
        name = hmac.new(self.key, key.encode("utf-8"), hashlib.sha256).hexdigest()
        return self.folder / name[:2] / f"{name}.ocr"

    def get(self, key: str) -> OcrPage | None:
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            return None
        try:
            return _page_from(json.loads(self._decrypt(blob)))
        except (ValueError, KeyError, TypeError):
            return None  # another key, a damaged file or an older format: read again

    def put(self, key: str, page: OcrPage) -> None:
        """Best effort: a cache that cannot be written costs time, never a result."""
        path = self._path(key)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with atomic_write(path, "wb", private=True) as fh:
                fh.write(self._encrypt(json.dumps(_page_to(page)).encode("utf-8")))

    def _encrypt(self, plain: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, plain, None)

    def _decrypt(self, blob: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            return AESGCM(self.key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None)
        except InvalidTag as exc:
            raise ValueError("does not decrypt") from exc


def _page_to(page: OcrPage) -> dict[str, object]:
    return {
        "format": FORMAT,
        "size": [page.width, page.height],
        "skew": page.skew,
        "lines": [[ln.text, [list(b) for b in ln.boxes], ln.score] for ln in page.lines],
    }


def _page_from(data: dict[str, Any]) -> OcrPage:
    if data.get("format") != FORMAT:
        raise ValueError("an older cache format")
    width, height = data["size"]
    lines = tuple(
        OcrLine(str(text), tuple((b[0], b[1], b[2], b[3]) for b in boxes), float(score))
        for text, boxes, score in data["lines"]
    )
    return OcrPage(int(width), int(height), lines, float(data.get("skew", 0.0)))
