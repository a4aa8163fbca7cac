"""RTF documents: the text a word processor shows, as numbered lines, and the \\info properties.

Covered: body text, tables (cells separated by tabs, rows by line breaks),
headers, footers, footnotes, comments and text boxes (their text in place, on
lines of their own), and the document properties (``属性 author``,
``属性 company`` …, the names the Word extractor uses).
The text is yielded like a plain text file (``Segment(text, "", first_line=1)``,
in line chunks): a finding's ``第 N 行`` counts lines of the extracted text,
one per paragraph, not lines of the RTF source.

Why not ``striprtf.rtf_to_text`` as it is: checked against Chinese RTF, it
mis-decodes or stops on what Chinese Word, WPS and WordPad write:

* its font-table pattern runs from one font entry into the next, so a font
  without ``\\fcharset`` takes the next font's charset: ``\\'d5\\'c5`` under a
  ``SimSun`` entry followed by ``Arial \\fcharset0`` came out ``ÕÅ`` instead of 张;
* GBK bytes under a Western font (``\\fcharset0``, common with Word's
  ``\\loch\\f0 … \\dbch\\af13``) in an ``\\ansicpg936`` document: ``ÕÅÎ°``;
* raw 8-bit bytes (non-conforming writers that do not escape): ``ÕÅÎ°``;
* ``\\u-10179?\\u-8576?`` (a character beyond the BMP as a surrogate pair)
  stays two lone surrogates, which cannot even be encoded afterwards;
* one undecodable byte raises ``UnicodeDecodeError`` for the whole file;
* it drops headers, footers, footnotes, comments, text boxes and the \\info
  properties (all RTF "destinations"), exactly where client details hide;
* it tokenises every character of embedded pictures: 10 MB of picture hex
  took 2.5 s for no text (here: 16 MB in well under a second).

So this module keeps striprtf's knowledge (its tables of destinations, of
special characters and of font charsets, imported from it) and reads the RTF
with its own small tokenizer: ``\\'xx`` bytes are decoded with the current font's code page, the
document's ``\\ansicpg`` code page (GBK for ``\\ansicpg936``) when the font is
a Western one and the bytes are valid double-byte text, broken bytes as U+FFFD;
``\\uN`` escapes with their ``\\ucN`` fallback skipped; surrogate pairs joined;
ignored destinations (pictures, objects, font and style tables) jumped over
without tokenising them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from striprtf.striprtf import charset_map, destinations, specialchars

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, Source
from scanner.scan.extract.text import line_chunks

_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # 1, 2: control word and its argument
    r"|\\'([0-9a-fA-F]{2})"  # 3: a byte in the current code page
    r"|\\([\s\S])"  # 4: control symbol (\{ \} \\ \~ \- \* …)
    r"|([{}])"  # 5: group
    r"|[\r\n]+"  # line breaks of the source are not text
    r"|([^\\{}\r\n\x80-\xff]+)"  # 6: plain text
    r"|([\x80-\xff]+)"  # 7: raw 8-bit bytes (the file is read as latin-1)
)
_GROUP_EDGE = re.compile(r"\\bin(\d{1,10}) ?|\\[\\{}]|[{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Text destinations that striprtf drops but that hold client information: put
# on lines of their own, so that they never glue onto the body text around them.
_PAGE_TEXT = {
    "header", "headerl", "headerr", "headerf",
    "footer", "footerl", "footerr", "footerf",
    "footnote", "annotation", "shptxt",  # shptxt: the text of a text box
}  # fmt: skip
# Groups that only wrap such text (a shape and its instructions; their property
# groups, \sp, are still skipped).
_WRAPPERS = {"shp", "shpinst"}
# \info sub-destinations, with the property name shown after 属性 (the names the
# Word extractor gives the same properties of a .docx).
_PROPERTIES = {
    "title": "title",
    "subject": "subject",
    "author": "author",
    "operator": "last_modified_by",
    "manager": "manager",
    "company": "company",
    "category": "category",
    "keywords": "keywords",
    "doccomm": "comments",
}
_SKIPPED = (destinations | {"fonttbl", "colortbl", "stylesheet"}) - _PAGE_TEXT - _WRAPPERS
_SKIPPED -= {"info"}
_KEPT = _PAGE_TEXT | _WRAPPERS | {"info"}
# Cells as tabs (a table row reads like a line of a TSV file); an optional hyphen
# is invisible and must not split a number; a source line break after a
# backslash is a paragraph mark.
_SPECIAL = {
    **specialchars,
    **{"cell": "\t", "nestcell": "\t", "nestrow": "\n", "-": "", "~": " ", "\r": "\n"},
}
_DOUBLE_BYTE = {codecs.lookup(c).name for c in ("cp936", "cp950", "cp932", "cp949", "gb18030")}
_PLATFORM_CODEPAGES = {"mac": "mac_roman", "pc": "cp437", "pca": "cp850"}
_UNUSUAL_CODEPAGES = {54936: "gb18030", 65001: "utf-8"}


def extract(source: Source) -> Iterator[Segment]:
    data = source.data.lstrip(b"\xef\xbb\xbf \t\r\n")  # a BOM or blank lines before it
    if not data.startswith(b"{\\rtf"):
        raise CorruptError("not an RTF document")
    text, properties = rtf_text(data)
    yield from line_chunks(text)
    for name, value in properties:
        yield Segment(value, f"属性 {name}", SegmentKind.METADATA, context=(name,))


def rtf_text(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The document's text and its (property, value) pairs."""
    reader = _Reader(data.decode("latin-1"))  # one char per byte: \binN counts bytes
    reader.run()
    return reader.text(), reader.properties


@dataclass(slots=True)
class _State:
    """What a group inherits from its parent and may change for itself."""

    uc: int = 1  # fallback characters after \uN
    font: str | None = None
    dest: str = "body"  # body | info | property
    name: str = ""  # the property being read
    buffer: list[str] = field(default_factory=list)
    fresh: bool = True  # no control word seen yet in this group
    star: bool = False  # \* seen: an unknown destination is to be ignored
    owner: bool = False  # this group started the property or page text it holds
    page: bool = False  # this group is a header, footer, footnote or comment


class _Reader:
    def __init__(self, rtf: str) -> None:
        self.rtf = rtf
        self.codepage = _document_codepage(rtf)
        self.fonts = _font_codepages(rtf)
        self.out: list[str] = []
        self.properties: list[tuple[str, str]] = []
        self.pending = bytearray()  # bytes awaiting decoding, in the font they were written in
        self.skip = 0  # fallback characters still to skip after a \uN

    def text(self) -> str:
        text = "".join(self.out)
        return _join_surrogates(text) if _SURROGATE.search(text) else text

    def run(self) -> None:
        rtf, pos, state = self.rtf, 0, _State()
        stack: list[_State] = []
        while pos < len(rtf):
            match = _TOKEN.match(rtf, pos)
            if match is None:  # only a lone backslash at the very end matches nothing
                break
            pos = match.end()
            word, arg, byte, symbol, brace, plain, raw = match.groups()
            if byte is not None or raw is not None:
                self._bytes(state, bytes.fromhex(byte) if byte else raw.encode("latin-1"))
                continue
            self._flush(state)
            if brace == "{":
                stack.append(state)
                state = replace(state, fresh=True, star=False, owner=False, page=False)
                self.skip = 0
            elif brace == "}":
                self._close(state)
                if len(stack) <= 1:
                    break  # the document group is closed; what follows is not RTF
                state = stack.pop()
                self.skip = 0
            elif word is not None:
                pos = self._word(state, word, arg, pos)
                if pos < 0:  # an ignored destination: jump over the rest of its group
                    pos = _group_end(rtf, -pos)
                    if len(stack) <= 1:
                        break  # it was the document group itself
                    state = stack.pop()
                    self.skip = 0
            elif symbol is not None:
                self._symbol(state, symbol)
            elif plain:
                if self.skip:
                    dropped = min(self.skip, len(plain))
                    self.skip -= dropped
                    plain = plain[dropped:]
                self._emit(state, plain)
        self._flush(state)

    # --- tokens -------------------------------------------------------------------------

    def _word(self, state: _State, word: str, arg: str | None, pos: int) -> int:
        """Handle a control word; a negative result -p means: skip the group from p."""
        fresh, star = state.fresh, state.star
        state.fresh = state.star = False
        if self.skip:  # a control word counts as one fallback character
            self.skip -= 1
            return pos
        if word == "bin":  # binary data follows: never text
            return pos + max(int(arg or 0), 0)
        if state.dest == "info" and word in _PROPERTIES:
            state.dest, state.name, state.buffer = "property", _PROPERTIES[word], []
            state.owner = True
        elif word in _SKIPPED or (fresh and star and word not in _KEPT):
            return -pos
        elif word in _PAGE_TEXT:
            self._emit(state, "\n")  # on lines of their own: never glued to the body text
            state.page = True
        elif word == "info":
            state.dest = "info"
        elif word in _SPECIAL:
            self._emit(state, _SPECIAL[word])
        elif word == "u" and arg is not None:
            self._emit(state, chr(int(arg) % 0x10000))  # negative N: the UTF-16 unit + 65536
            self.skip = state.uc
        elif word == "uc" and arg is not None:
            state.uc = max(int(arg), 0)
        elif word == "f" or (word == "deff" and not state.font):
            state.font = arg
        return pos

    def _symbol(self, state: _State, symbol: str) -> None:
        if self.skip:
            self.skip -= 1
        elif symbol == "*":
            state.star = True
        elif symbol in _SPECIAL:
            self._emit(state, _SPECIAL[symbol])
        state.fresh = state.fresh and symbol == "*"

    def _bytes(self, state: _State, data: bytes) -> None:
        if self.skip:  # the code-page fallback of a \uN character
            dropped = min(self.skip, len(data))
            self.skip -= dropped
            data = data[dropped:]
        self.pending += data

    def _close(self, state: _State) -> None:
        if state.dest == "property" and state.owner:
            value = "".join(state.buffer).strip()
            if value:
                self.properties.append((state.name, value))
        elif state.page:
            self._emit(state, "\n")

    # --- text ---------------------------------------------------------------------------

    def _emit(self, state: _State, text: str) -> None:
        if not text:
            return
        if state.dest == "body":
            self.out.append(text)
        elif state.dest == "property":
            state.buffer.append(text)

    def _flush(self, state: _State) -> None:
        if self.pending:
            self._emit(state, self._decode(bytes(self.pending), state.font))
            self.pending.clear()

    def _decode(self, data: bytes, font: str | None) -> str:
        """Bytes in the font's code page; in a Chinese (Japanese, Korean) document,
        bytes under a Western font that form valid double-byte text are read as such."""
        codepage = self.fonts.get(font or "") or self.codepage
        if codepage not in _DOUBLE_BYTE and self.codepage in _DOUBLE_BYTE:
            try:
                return data.decode(self.codepage)
            except UnicodeDecodeError:
                pass
        return data.decode(codepage, errors="replace")


def _group_end(rtf: str, pos: int) -> int:
    """The position after the brace that closes the group open at ``pos``."""
    depth = 1
    while depth:
        match = _GROUP_EDGE.search(rtf, pos)
        if match is None:
            return len(rtf)
        pos = match.end()
        if match.group(1):  # \binN: N bytes that may contain braces
            pos += int(match.group(1))
        elif match.group() == "{":
            depth += 1
        elif match.group() == "}":
            depth -= 1
    return pos


def _document_codepage(rtf: str) -> str:
    head = rtf[:8192]
    found = re.search(r"\\ansicpg(\d{1,5})", head)
    if found:
        number = int(found.group(1))
        name = _codec(_UNUSUAL_CODEPAGES.get(number, f"cp{number}"))
        if name:
            return name
    platform = re.match(r"\{\\rtf\d?\\(mac|pca|pc)\b", head.lstrip("\ufeff \t\r\n"))
    return _codec(_PLATFORM_CODEPAGES[platform.group(1)]) if platform else "cp1252"


def _font_codepages(rtf: str) -> dict[str, str]:
    """Font number → code page, from each entry of the font table on its own."""
    start = re.search(r"\{\\fonttbl", rtf)
    if start is None:
        return {}
    table = rtf[start.start() : _group_end(rtf, start.end())]
    fonts: dict[str, str] = {}
    for entry in re.finditer(r"\\f(\d+)([^;]*)", table):  # one entry ends at its ';'
        charset = re.search(r"\\fcharset(\d+)", entry.group(2))
        if charset:
            name = _codec(charset_map.get(int(charset.group(1)), ""))
            if name:
                fonts[entry.group(1)] = name
    return fonts


def _codec(name: str) -> str:
    """The canonical name of a Python codec, or "" if Python has none by that name."""
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _join_surrogates(text: str) -> str:
    """``\\uN`` escapes give UTF-16 units: join pairs, replace lone halves."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
