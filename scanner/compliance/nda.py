"""Does a confidentiality agreement (保密协议 / NDA) hold the clauses the firm requires?

The firm's client-information policy requires every confidentiality agreement
with a client, supplier or freelancer to contain seven clauses (``CLAUSES``, in
the policy's order): the definition and scope of confidential information, who
is bound, purpose and limits of use, the term (service period *and* a period
after it ends), return and destruction, liability for breach with dispute
resolution, and rules for processing personal information (个人信息保护法).

The check is keyword-based, not legal review: a clause counts as present when
one paragraph — or a heading such as ``第五条 保密期限`` together with the
paragraphs under it, because contracts often name the topic in the heading and
put the substance below — matches every required pattern group of that clause.
The rules are data (``CLAUSES``), compiled once; adding a clause is one entry.
Matching runs on NFKC-normalised text, so full-width digits and punctuation
(``３年``, ``：``) match their ASCII forms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.models import Segment, SegmentKind
from scanner.scan.limits import Limits


@dataclass(frozen=True)
class ClauseSpec:
    """One required clause: every group in ``required`` must match; a group matches
    when any one of its regular expressions does (case-insensitive)."""

    key: str
    title: str
    required: tuple[tuple[str, ...], ...]


_NUM = r"(?:\d+|[〇零一二两三四五六七八九十百]+)\s*(?:\(\s*\d+\s*\)\s*)?"
_EN_NUM = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:\(\s*\d+\s*\)\s*)?"
_CONF = r"(?:保密信息|商业秘密|机密信息)"
# A staff word inside a company name (上海明远公关顾问有限公司) is not a person bound.
_NOT_COMPANY = r"(?![^,。;:\s]{0,4}(?:有限|公司|集团|事务所))"

CLAUSES: tuple[ClauseSpec, ...] = (
    ClauseSpec(
        "definition",
        "保密信息的定义和范围",
        (
            (
                _CONF + r"[\"”」』)]?[,:]?\s*指(?![示定令导派明出])",
                _CONF + r"[\"”」』)]?[,:]?[^,。;]{0,6}?(?:是指|系指|特指|指的是|定义为|包括|包含)",
                _CONF + r"的?范围(?:包括|为|是)",
                r"confidential information[\"”]?,?\s*(?:shall\s+)?(?:means?|includes?|refers? to"
                r"|is defined as)",
            ),
        ),
    ),
    ClauseSpec(
        "parties",
        "保密义务主体",
        (
            (
                r"双方|甲方|乙方|各方|接收方|披露方",
                r"receiving party|recipient|each party|the parties",
            ),
            (
                r"员工|雇员|工作人员|董事|高级管理人员|关联方|关联公司|分包商|分包方|承包商",
                r"(?:顾问|代理人|代理机构)" + _NOT_COMPANY,
                r"承担保密义务|负有保密义务",
                r"employees|agents|advis[eo]rs|consultants|subcontractors|contractors"
                r"|affiliates|representatives",
            ),
        ),
    ),
    ClauseSpec(
        "purpose",
        "使用目的和限制",
        (
            (
                r"仅(?:可|能|得|限)?(?:用于|限于|为了?)",
                r"不得[^,。;]{0,20}?用于(?:其他|任何其他|[^,。;]{0,15}(?:以外|之外))",
                r"(?:使用|用途|目的)(?:和|及|与)?(?:限制|范围|限于)",
                r"最小(?:必要)?范围|最少必要|必要的?最小范围",
                r"solely for|only for the purpose|for any (?:other )?purpose other than"
                r"|not use .{0,60}? for any other purpose",
            ),
        ),
    ),
    ClauseSpec(
        "term",
        "保密期限",
        (
            (
                r"期限|有效期|保密义务.{0,10}(?:持续|存续)",
                r"\bterm\b|surviv|remain in (?:full )?(?:force|effect)",
            ),
            (
                r"(?:终止|届满|解除|结束|期满|到期)(?:之日)?(?:之?后|以后).{0,12}?"
                + _NUM
                + r"(?:年|个月)",
                r"永久(?:有效|保密|持续|存续)|长期有效|无限期|不因本协议.{0,6}(?:终止|解除)而",
                r"(?:直至|持续至|至).{0,15}(?:公开|公众所知|公知|公有领域)",
                _EN_NUM + r"(?:years?|months?)\s+(?:after|following|from)\s+(?:the\s+)?"
                r"(?:termination|expiry|expiration)",
                r"surviv\w*\s+(?:the\s+|any\s+)?(?:termination|expiration)|indefinitely|perpetual",
            ),
        ),
    ),
    ClauseSpec(
        "return",
        "返还和销毁",
        (
            (r"返还|归还|交还|退还|销毁|删除", r"\breturn|destroy|destruction|delete|erase"),
            (
                r"资料|(?<!个人)信息|文件|载体|副本|复制件|复印件",
                r"confidential information|materials|documents|copies|records|media",
            ),
        ),
    ),
    ClauseSpec(
        "liability",
        "违约责任和争议解决",
        (
            (r"违约|赔偿|损失|违约金", r"breach|damages|liable|liability|indemnif"),
            (
                r"争议|纠纷|仲裁|诉讼|管辖|法院",
                r"disputes?|arbitrat|governing law|governed by|jurisdiction|courts?\b",
            ),
        ),
    ),
    ClauseSpec(
        "personal_info",
        "个人信息处理规则",
        (
            (r"个人信息", r"personal (?:information|data)|\bPIPL\b"),
            (
                r"个人信息保护法|处理|安全(?:保护)?措施|泄露|出境|跨境|境外|告知|同意",
                r"\bPIPL\b|Personal Information Protection Law|process|security measures"
                r"|leak|cross-border|outside (?:of )?(?:the )?(?:PRC|China|mainland)|consent"
                r"|notify",
            ),
        ),
    ),
)


def _compile(spec: ClauseSpec) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile("|".join(f"(?:{p})" for p in group), re.IGNORECASE) for group in spec.required
    )


_RULES: tuple[tuple[ClauseSpec, tuple[re.Pattern[str], ...]], ...] = tuple(
    (spec, _compile(spec)) for spec in CLAUSES
)

HEADING_MAX_CHARS = 30  # "第五条 保密期限", "Article 5 Term": short and without a full stop
SECTION_MAX_PARAGRAPHS = 4  # paragraphs under a heading joined with it (5.1, 5.2, …)
EVIDENCE_MAX_CHARS = 24  # evidence is the matched phrase, never an excerpt
WRAP_MIN_CHARS = 15
WRAP_RATIO = 0.75  # a line this close to the widest line of its page was wrapped, not ended
_TERMINAL = ("。", ";", "!", "?", ".", "…")
_ARTICLE_START = re.compile(
    r"^\s*(?:第\s*[〇零一二两三四五六七八九十百\d]+\s*[条章款]|\d+(?:\.\d+)*[.、\s]"
    r"|[一二三四五六七八九十]+[、.]|[(（]\s*[\d一二三四五六七八九十]+\s*[)）]"
    r"|(?:article|section|clause)\s+\d)",
    re.IGNORECASE,
)
# A paragraph that opens the next article ("第五条 …") ends the section above it.
_NEW_ARTICLE = re.compile(
    r"^\s*(?:第\s*[〇零一二两三四五六七八九十百\d]+\s*[条章]|(?:article|section)\s+\d)",
    re.IGNORECASE,
)
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f]"
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")
_SPACES = re.compile(r"\s+")
_AGREEMENT_NAME = re.compile(
    r"保密协议|保密合同|保密承诺书?|(?<![a-z])nda(?![a-z])|non[-_ ]?disclosure"
    r"|confidentiality[-_ ]?agreement",
    re.IGNORECASE,
)
TITLE_MAX_CHARS = 60


@dataclass(frozen=True)
class ClauseResult:
    key: str
    title: str
    present: bool
    location: str  # where the clause starts ("段落 4", "第 2 页", "第 12 行"); "" if missing
    evidence: tuple[str, ...]  # the phrases that matched, one per required group


@dataclass(frozen=True)
class AgreementCheck:
    clauses: tuple[ClauseResult, ...]  # one per entry of CLAUSES, in that order

    @property
    def missing(self) -> list[str]:
        return [c.key for c in self.clauses if not c.present]

    @property
    def complete(self) -> bool:
        return not self.missing


def normalize(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) and no spaces next to Chinese,
    so "终止后 ３ 年" and a PDF's "保 密 期 限" match the same rules as clean text."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _is_heading(text: str) -> bool:
    return 0 < len(text) <= HEADING_MAX_CHARS and not text.endswith(_TERMINAL)


def _windows(units: Sequence[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Each paragraph alone, then — for a heading — the heading with the paragraphs under
    it (up to the next heading), in document order; located where the window starts."""
    for i, (location, text) in enumerate(units):
        yield location, text
        if not _is_heading(text):
            continue
        body: list[str] = []
        for _, following in units[i + 1 : i + 1 + SECTION_MAX_PARAGRAPHS]:
            if _is_heading(following) or _NEW_ARTICLE.match(following):
                break
            body.append(following)
        if body:
            yield location, " ".join([text, *body])


def _match(patterns: Sequence[re.Pattern[str]], text: str) -> tuple[str, ...] | None:
    """The phrase each group matched, or None when a group does not match."""
    evidence: list[str] = []
    for pattern in patterns:
        found = pattern.search(text)
        if found is None:
            return None
        phrase = found.group(0).strip()[:EVIDENCE_MAX_CHARS]
        if phrase not in evidence:
            evidence.append(phrase)
    return tuple(evidence)


def _check_clause(
    spec: ClauseSpec, patterns: Sequence[re.Pattern[str]], windows: Sequence[tuple[str, str]]
) -> ClauseResult:
    for location, text in windows:
        evidence = _match(patterns, text)
        if evidence is not None:
            return ClauseResult(spec.key, spec.title, True, location, evidence)
    return ClauseResult(spec.key, spec.title, False, "", ())


def check_text(paragraphs: Sequence[tuple[str, str]]) -> AgreementCheck:
    """Check ``[(location, text), …]`` (document order) against the policy's seven clauses;
    each clause is reported at the first paragraph (or heading) where it matches."""
    units = [(location, normalize(text)) for location, text in paragraphs]
    windows = list(_windows([(loc, text) for loc, text in units if text]))
    return AgreementCheck(
        tuple(_check_clause(spec, patterns, windows) for spec, patterns in _RULES)
    )


def _continues(previous: str, line: str, widest: int) -> bool:
    """A line of a page or text file that was wrapped (long, no full stop) goes on below."""
    if _ARTICLE_START.match(line) or previous.endswith(_TERMINAL):
        return False
    return len(previous) >= max(WRAP_MIN_CHARS, WRAP_RATIO * widest)


def _line_paragraphs(text: str, location: str, first_line: int) -> Iterator[tuple[str, str]]:
    """Split a multi-line segment (a text file, a PDF page) into paragraphs: blank lines
    and full stops end one; wrapped lines are joined. Text files are located by line."""
    lines = [normalize(line) for line in text.split("\n")]
    widest = max((len(line) for line in lines), default=0)
    buffer: list[str] = []
    start = first_line
    for number, line in enumerate(lines, first_line):
        if buffer and (not line or not _continues(buffer[-1], line, widest)):
            yield location or f"第 {start} 行", " ".join(buffer)
            buffer = []
        if line:
            if not buffer:
                start = number
            buffer.append(line)
    if buffer:
        yield location or f"第 {start} 行", " ".join(buffer)


def _readable(segment: Segment) -> bool:
    """Body text only: not the file name, metadata, comments or deleted revisions, which
    are not part of the agreement as signed."""
    where = segment.location
    if where == "文件名" or where.endswith(" 文件名") or segment.kind is SegmentKind.METADATA:
        return False
    return not (where.startswith("修订删除") or "批注" in where.split())


def paragraphs_of(segments: Iterable[Segment]) -> Iterator[tuple[str, str]]:
    """``(location, text)`` paragraphs of extracted segments, in document order. Rows that
    OCR read from one scanned page or picture (``第 2 页（图像识别） 第 5 行``, one segment
    each) are lines of that page: joined into paragraphs as a PDF page's lines are."""
    scanned = _ScannedRows()
    for segment in segments:
        if not _readable(segment):
            continue
        if scanned.add(segment):
            continue
        yield from scanned.flush()
        if scanned.add(segment):  # the first row of another scanned page
            continue
        if segment.first_line is None:
            yield segment.location, segment.text
            continue
        own = segment.text[segment.keep_from : segment.keep_to]  # a chunk's own part only
        first = segment.first_line + segment.text[: segment.keep_from].count("\n")
        yield from _line_paragraphs(own, segment.location, first)
    yield from scanned.flush()


# a row OCR read: "<label> 第 N 行", the label naming the page or picture
_OCR_ROW = re.compile(r"^(?P<label>.+) 第 (?P<row>\d+) 行$")


class _ScannedRows:
    """Consecutive rows of one scanned page or picture, kept until they end."""

    def __init__(self) -> None:
        self.label = ""
        self.first = self.last = 0
        self.rows: list[str] = []

    def add(self, segment: Segment) -> bool:
        """Keep ``segment`` when it is a row OCR read that continues the rows kept (any
        such row when none are); False: flush, then offer it again."""
        found = _OCR_ROW.match(segment.location) if segment.boxes else None
        if found is None or segment.kind is SegmentKind.TABLE_CELL:
            return False
        label, row = found["label"], int(found["row"])
        if self.rows and (label != self.label or row != self.last + 1):
            return False
        if not self.rows:
            self.label, self.first = label, row
        self.rows.append(segment.text)
        self.last = row
        return True

    def flush(self) -> Iterator[tuple[str, str]]:
        rows, self.rows = self.rows, []
        if rows:
            for where, text in _line_paragraphs("\n".join(rows), "", self.first):
                yield f"{self.label} {where}", text


def check_file(data: bytes, name: str, limits: Limits | None = None) -> AgreementCheck:
    """Extract ``data`` with the scanner's own extractors (any format they read, members
    flattened within ``limits``) and check it; raises ``ValueError`` or an
    ``ExtractionError`` when the file cannot be read. In this process, with no time
    limit: ``check_paths`` is the way for files from a share."""
    from scanner.scan.content import segments_of  # the extractors, loaded when needed

    return check_text(list(paragraphs_of(segments_of(data, name, limits or Limits()))))


@dataclass(frozen=True)
class CheckedFile:
    """One agreement's check, or why it could not be checked (``check`` None)."""

    path: Path
    check: AgreementCheck | None
    reason: str = ""


def check_path(path: Path, limits: Limits, follow_symlinks: bool = True) -> AgreementCheck:
    """Read ``path`` as the scan reads (a regular file, at most ``max_file_mb``) and check it."""
    from scanner.names import path_text
    from scanner.scan.fsio import read_regular

    data = read_regular(path, limits.max_file_bytes, follow_symlinks)
    return check_file(data, path_text(Path(path).name), limits)


def check_paths(
    paths: Iterable[Path], limits: Limits, follow_symlinks: bool = True
) -> Iterator[CheckedFile]:
    """Each file checked in a forked worker, like a scanned file: within ``[limits]`` and
    the per-file time limit ``file_timeout_s``. A file that overruns, crashes its worker
    or cannot be read is reported with its reason, and the next one is checked."""
    from scanner.scan.extract import formats
    from scanner.scan.isolation import Abandoned, call_isolated

    formats()  # the extractors loaded once here, inherited by every worker
    for path in paths:
        work = functools.partial(check_path, path, limits, follow_symlinks)
        try:
            check = call_isolated(work, limits.file_timeout_s, "not checked")
        except Abandoned as exc:
            yield CheckedFile(path, None, str(exc))
        else:
            yield CheckedFile(path, check)


def looks_like_agreement(name: str, first_text: str = "") -> bool:
    """Whether a file's name, or its title (first non-empty line of ``first_text``), says
    it is a confidentiality agreement, so only such files are checked for the clauses."""
    base = re.split(r"[/\\!]", name)[-1]
    if _AGREEMENT_NAME.search(normalize(base)):
        return True
    title = next((line for line in first_text.splitlines() if line.strip()), "")
    title = normalize(title)
    return 0 < len(title) <= TITLE_MAX_CHARS and bool(_AGREEMENT_NAME.search(title))
