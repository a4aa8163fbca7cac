"""Whose information a finding is: the client it belongs to, and how that is known.

The policy's client information is more than a client's name: its contact people, their
phones, e-mails and WeChat, its addresses and project records. A finding is attributed to
a registered client by the nearest evidence, most specific first; the first kind of
evidence that names any client decides, and when it names two the finding stays
unattributed (never guessed across clients):

==============  ==========================================================================
``本身``        the value identifies the client itself: its name, alias or English name
                (a ``CLIENT`` finding), or its registered USCC
``登记联系人``  the value is a registered contact's (the contacts register: a CRM export)
                of that client: their name, number, e-mail, WeChat or QQ
``邮箱域名``    an e-mail address at a domain the registry gives the client
``同一行``      a table row (a spreadsheet, CSV, Word/PowerPoint table, scanned table)
                holding the client's name or USCC: a contact list, a media list, an invoice
``同一行文字``  the same line of text (``青禾食品对接人 张伟 13812345678``)
``同一段``      the same paragraph, or the same block of a text between blank lines (a
                contact block, an e-mail signature) of at most ``BLOCK_LINES`` lines
``全文唯一客户``  the file names exactly one client anywhere in its text
``文件夹``      the folders it is stored in name exactly one client (``02_项目/青禾食品_发布会``)
==============  ==========================================================================

What no evidence attributes stays unattributed (``None``): retention lists it for a
person to decide rather than keep or remove it silently.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from recognizers.cn_uscc import CnUsccRecognizer
from recognizers.email_address import EmailAddressRecognizer
from scanner.models import CLIENT, Detection, Segment, SegmentKind

ITSELF = "本身"
REGISTERED = "登记联系人"
DOMAIN = "邮箱域名"
SAME_ROW = "同一行"
SAME_LINE = "同一行文字"
SAME_BLOCK = "同一段"
ONLY_CLIENT = "全文唯一客户"
FOLDER = "文件夹"
FOLDER_LOCATION = "文件夹名"  # the location of the folder segment (scanner/scan/pipeline.py)

# a block longer than this is a body of text, not a contact block: only its line counts
BLOCK_LINES = 12

# the column part of a table cell's location: 第 M 列 (CSV, scanned tables), 列 C (Word,
# PowerPoint, OpenDocument tables), a spreadsheet cell's letters (cell B3 → row 3)
_COLUMN = re.compile(r"(?: 第 \d+ 列| 列 \d+)$")
_SHEET_CELL = re.compile(r" cell [A-Z]{1,3}(\d+)$")
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")
_NEWLINE = re.compile("\n")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a finding stands, as attribution compares places."""

    row: str | None  # a table row: the cell's location without its column; None for prose
    line: tuple[int, int]  # (segment ordinal, line within the segment)
    block: tuple[int, int]  # (segment ordinal, block within the segment)
    in_folder: bool  # found in the folders' names


@dataclass(frozen=True, slots=True)
class Attribution:
    client: int  # index into the registry
    by: str  # one of the kinds of evidence above


class Lines:
    """The line and block numbers of offsets in one text, from one pass over it: a long
    segment (a streamed chunk, a contact export) holds thousands of findings, and counting
    from its start for each would grow with the square of its length."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.newlines = [m.start() for m in _NEWLINE.finditer(text)]
        blank = list(_BLANK_LINE.finditer(text))
        self.block_starts = [m.end() for m in blank]  # where blocks 1, 2 … begin
        self.block_ends = [m.start() for m in blank]  # where blocks 0, 1 … end

    def line(self, start: int) -> int:
        return bisect.bisect_left(self.newlines, start)

    def block(self, start: int) -> int:
        """Which blank-line block holds ``start``; -1 for one of ``BLOCK_LINES`` lines or
        more (a body of text: its lines are attributed, the block is not)."""
        index = bisect.bisect_right(self.block_starts, start)
        begin = self.block_starts[index - 1] if index else 0
        end = self.block_ends[index] if index < len(self.block_ends) else self.length
        lines = bisect.bisect_left(self.newlines, end) - bisect.bisect_left(self.newlines, begin)
        return index if lines < BLOCK_LINES else -1


def place_of(segment: Segment, lines: Lines, ordinal: int, location: str, start: int) -> Place:
    """The place of a value starting at ``start`` in ``segment`` (the ``ordinal``-th of
    its file, ``lines`` made from its text), reported at ``location``."""
    return Place(
        _row_of(segment, location),
        (ordinal, lines.line(start)),
        (ordinal, lines.block(start)),
        location == FOLDER_LOCATION,
    )


def _row_of(segment: Segment, location: str) -> str | None:
    if segment.kind not in (SegmentKind.TABLE_CELL, SegmentKind.HEADER):
        return None
    cell = _SHEET_CELL.search(location)
    if cell:
        return f"{location[: cell.start()]} row {cell.group(1)}"
    column = _COLUMN.search(location)
    return location[: column.start()] if column else None


def own_client(d: Detection, uscc_clients: Mapping[str, int]) -> int | None:
    """The client a value identifies by itself: a registry name or alias, or a
    registered USCC."""
    if d.entity_type == CLIENT:
        return d.client_index
    if d.entity_type == CnUsccRecognizer.ENTITY:
        return uscc_clients.get(d.value.upper())
    return None


def registered(
    d: Detection, contact_client: int | None, domains: Mapping[str, int]
) -> Attribution | None:
    """What the registers say of a value: the client of the registered contact it is
    (``登记联系人``), or of the registered domain of an e-mail address (``邮箱域名``: the
    domain or one below it, ``bj.qinghe-food.com``)."""
    if contact_client is not None:
        return Attribution(contact_client, REGISTERED)
    if not domains or d.entity_type != EmailAddressRecognizer.ENTITY or "@" not in d.value:
        return None
    labels = d.value.rsplit("@", 1)[1].lower().rstrip(".").split(".")
    for start in range(len(labels) - 1):
        client = domains.get(".".join(labels[start:]))
        if client is not None:
            return Attribution(client, DOMAIN)
    return None


def attribute(
    found: Sequence[tuple[Place, int | None, Attribution | None]],
) -> list[Attribution | None]:
    """The attribution of each finding of one file, given its place, the client it
    identifies by itself (``own_client``) and what the registers say of it (a registered
    contact's client, a registered e-mail domain's), in the same order. Both are evidence
    for what stands beside them."""
    rows: dict[str, set[int]] = defaultdict(set)
    lines: dict[tuple[int, int], set[int]] = defaultdict(set)
    blocks: dict[tuple[int, int], set[int]] = defaultdict(set)
    in_text: set[int] = set()
    in_folders: set[int] = set()
    for place, own, registered in found:
        client = own if own is not None else registered.client if registered else None
        if client is None:
            continue
        if place.in_folder:
            in_folders.add(client)
            continue
        in_text.add(client)
        lines[place.line].add(client)
        blocks[place.block].add(client)
        if place.row is not None:
            rows[place.row].add(client)
    return [
        _decide(place, own, registered, rows, lines, blocks, in_text, in_folders)
        for place, own, registered in found
    ]


def _decide(
    place: Place,
    own: int | None,
    registered: Attribution | None,
    rows: Mapping[str, set[int]],
    lines: Mapping[tuple[int, int], set[int]],
    blocks: Mapping[tuple[int, int], set[int]],
    in_text: set[int],
    in_folders: set[int],
) -> Attribution | None:
    if own is not None:
        return Attribution(own, ITSELF)
    if registered is not None:
        return registered
    evidence = (
        (SAME_ROW, rows.get(place.row, set()) if place.row is not None else set()),
        (SAME_LINE, lines.get(place.line, set())),
        (SAME_BLOCK, blocks.get(place.block, set()) if place.block[1] >= 0 else set()),
        (ONLY_CLIENT, in_text),
        (FOLDER, in_folders),
    )
    for by, clients in evidence:
        if len(clients) == 1:
            return Attribution(next(iter(clients)), by)
        if clients:
            return None  # two clients: never guessed
    return None
