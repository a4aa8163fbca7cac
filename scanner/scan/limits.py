"""Safety limits for hostile files: zip bombs, deep nesting, huge parts, slow parsers.

All configurable in ``baomi.toml`` (``[limits]``). A limit that is reached ends
the scan of that file (or member) with ``limit exceeded: …`` as the reason; the
scan of the share goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.scan.ocr import OcrBudget, OcrSettings

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = 200.0  # office/PDF/archive files read into memory
    max_member_mb: float = 100.0  # one archive member or attachment, uncompressed
    max_archive_total_mb: float = 1024.0  # all members of one archive together, uncompressed
    max_ratio: float = 200.0  # uncompressed / compressed size of one member
    max_members: int = 10_000  # members of one archive
    max_depth: int = 4  # archives within archives (and mails within mails)
    file_timeout_s: float = 120.0  # one file's extraction and analysis (or redaction)
    # a compressed text (app.log.gz) longer than this uncompressed is streamed in chunks,
    # as a big plain text file is, instead of being held whole
    stream_text_mb: float = 32.0
    # [ocr], its own table in baomi.toml: how much reading of pictures one file may cost
    ocr: OcrSettings = field(default_factory=OcrSettings, metadata={"config": False})

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_member_bytes(self) -> int:
        return int(self.max_member_mb * MB)

    @property
    def max_archive_total_bytes(self) -> int:
        return int(self.max_archive_total_mb * MB)


class Budget:
    """Uncompressed bytes that all members of one top-level file may still take, and the
    OCR time and pages it may still spend (``ocr``).

    Shared by nested containers (a zip inside a zip draws on the same budget), so a
    bomb cannot multiply through nesting, nor a zip of a thousand photos outrun the
    file's time limit (``[limits] file_timeout_s``) in OCR: what the OCR budget leaves
    unread is noted instead.
    """

    def __init__(self, limits: Limits) -> None:
        self.remaining = limits.max_archive_total_bytes
        self._ocr_settings = limits.ocr
        self._ocr: OcrBudget | None = None

    @property
    def ocr(self) -> OcrBudget:
        """The OCR budget, its clock started by the first picture read (``[ocr]``)."""
        if self._ocr is None:
            self._ocr = OcrBudget(self._ocr_settings)
        return self._ocr

    def take(self, size: int) -> bool:
        """Reserve ``size`` bytes; False (and nothing reserved) when they are not left."""
        if size > self.remaining:
            return False
        self.remaining -= size
        return True
