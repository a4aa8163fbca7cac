"""The Chinese font the PDF report is set in.

ReportLab's standard fonts have no Han characters. The report embeds (a subset
of) a TrueType CJK font so it prints the same in every viewer: ``[report] font``
when set, else the first of the fonts Debian and other systems install
(``scripts/setup.sh`` installs WenQuanYi Micro Hei, ``fonts-wqy-microhei``).
OpenType fonts with PostScript outlines (Noto CJK's ``.otc``) cannot be embedded
by ReportLab and are passed over.

Without any, the report falls back to Adobe's STSong-Light CID font, which PDF
viewers supply themselves (every mainstream viewer has it) and which is not
embedded; the command says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# (path, index in a TrueType collection), most preferred first
SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian fonts-wqy-zenhei
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # Debian fonts-arphic-uming
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),  # macOS
    ("C:/Windows/Fonts/simhei.ttf", 0),  # Windows
)
FALLBACK_CID_FONT = "STSong-Light"
FONT_NAME = "BaomiCJK"


class FontError(Exception):
    """``[report] font`` names a file that is not a usable TrueType font."""


@dataclass(frozen=True)
class ReportFont:
    name: str  # the name registered with ReportLab
    embedded: bool  # False: the viewer's own STSong-Light
    source: str  # the font file, or the CID font's name


def cjk_font(configured: str = "") -> ReportFont:
    """Register and return the report's font: ``configured`` (an error when unusable),
    else the first usable system font, else the viewer's STSong-Light."""
    if configured:
        try:
            return _truetype(Path(configured), 0)
        except Exception as exc:  # ReportLab raises TTFError, OSError, struct errors …
            message = f"[report] font {configured}: not a usable TrueType font ({exc})"
            raise FontError(message) from None
    for path, index in SYSTEM_FONTS:
        if Path(path).is_file():
            try:
                return _truetype(Path(path), index)
            except Exception:  # a broken system font: try the next
                continue
    return _cid_fallback()


def _truetype(path: Path, index: int) -> ReportFont:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=index))
    return ReportFont(FONT_NAME, True, str(path))


def _cid_fallback() -> ReportFont:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return ReportFont(FALLBACK_CID_FONT, False, FALLBACK_CID_FONT)
