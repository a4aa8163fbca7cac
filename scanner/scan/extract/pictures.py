"""Pictures inside Office and OpenDocument files, read by OCR: a screenshot of a chat pasted
into a Word report, a scanned business licence on a slide, a photo of a signed page in a
workbook.

Every raster picture in the package's media folder is read (``MEDIA_FOLDERS``: Word's
``word/media/``, PowerPoint's ``ppt/media/``, Excel's ``xl/media/``, OpenDocument's
``Pictures/``), whether or not a page, slide or sheet still shows it: a picture cropped
away or deleted from view is still in the file. Each picture is read once, however many
times the document shows it, by the part that holds it.

Location — what the redaction of pictures relies on to find the part again::

    图片 <part name> 第 N 行                e.g. 图片 word/media/image3.png 第 2 行
    图片 <part name> 第 N 行 第 M 列   a cell of a scanned table in the picture

``<part name>`` is the member's name in the package's zip exactly as stored (no leading
``/``, case kept, ``/`` between folders; it may hold spaces), followed by one space and
``第 N 行``, N counting the rows OCR laid out from the top (``scanner/scan/ocr.py``
``segments``). A finding's ``box`` is in the pixels of that part's picture as displayed
(EXIF orientation applied, full size). The text a picture carries besides its pixels is
read by the format's extractor as ``图片元数据 <part name>`` (``ooxml.image_metadata``).

Pictures too small to hold text (``[ocr] min_image_px``: bullets, icons, logos) and vector
drawings (EMF, WMF, SVG) are passed over without a note; a picture over the pixel limit or
over the file's OCR budget is noted. With OCR off, one note says how many pictures were not
read. The package's sizes were held to the limits when its extractor opened it, so a
picture's declared size is what is inflated (``archive.read_declared``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from scanner.models import Segment
from scanner.scan.extract import Notice, Source
from scanner.scan.extract.archive import read_declared
from scanner.scan.extract.image import picture_items
from scanner.scan.extract.ooxml import DAMAGED

LABEL = "图片"
MEDIA_FOLDERS = ("word/media/", "ppt/media/", "xl/media/", "Pictures/")
# raster formats OCR reads; vector drawings (.emf, .wmf, .svg) and media (.mp4) are not read
PICTURE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".jpe",
    ".gif",
    ".bmp",
    ".dib",
    ".tif",
    ".tiff",
    ".webp",
    ".heic",
    ".heif",
)


def is_picture(name: str) -> bool:
    """A raster picture in a package's media folder."""
    return name.startswith(MEDIA_FOLDERS) and name.lower().endswith(PICTURE_SUFFIXES)


def package_pictures(source: Source) -> Iterator[Segment | Notice]:
    """The pictures of the zip package ``source`` read by OCR, in the zip's order, located
    ``图片 <part name> 第 N 行``. For extractors that opened (and checked) the package."""
    try:
        archive = zipfile.ZipFile(source.stream())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # the extractor read the package: nothing here can fail it
    with archive:
        pictures = [i for i in archive.infolist() if not i.is_dir() and is_picture(i.filename)]
        if not pictures:
            return
        if not source.limits.ocr.enabled:
            yield Notice(f"{len(pictures)} pictures not read (OCR off)")
            return
        for number, info in enumerate(pictures):
            label = f"{LABEL} {info.filename}"
            budget = source.budget.ocr
            if not budget.allows():
                rest = len(pictures) - number
                yield Notice(f"{label}: {budget.refusal} ({rest} pictures from here on)")
                return
            try:
                data = read_declared(archive, info)
            except (*DAMAGED, RuntimeError, NotImplementedError):  # encrypted, odd compression
                yield Notice(f"{label}: unreadable picture, not scanned")
                continue
            yield from picture_items(data, label, source)
