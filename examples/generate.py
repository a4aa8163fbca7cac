"""Generate the baomi demo file share ``examples/share/`` and its ground truth.

Running ``python examples/generate.py`` deletes and recreates ``examples/share/``
(and nothing else) and rewrites ``examples/clients.csv`` and
``examples/share.manifest.json``.  The output is byte-identical on every run:
every "random" value comes from one ``random.Random(SEED)`` consumed in a fixed
order, and every file is written as explicit bytes in an explicit encoding.
The binary documents are written with python-docx, openpyxl, python-pptx (all
installed with baomi), reportlab and msoffcrypto-tool (the ``test`` extra) and
the standard library's ``email`` and ``zipfile``; everything those stamp with
the current time or a random id is pinned (zip member dates, core properties,
the comment date, reportlab's ``invariant`` mode, MIME boundaries and
Message-ID, msoffcrypto's salts and OLE dates; see ``encrypt_ooxml``). Byte
identity holds for one set of library versions: another zlib or python-docx
may write other, equally valid bytes.  ``recognizers.checksums`` (imported,
never copied) builds codes with correct check characters.  The repository root
is put on ``sys.path`` automatically, so ``PYTHONPATH`` is optional.

The share imitates the file server of a small Beijing PR agency, 恒远公关, with
four active clients (星河传媒, 蓝鲸科技 / Bluewhale Tech, 云杉健康, 青禾食品) and
one finished one (锦程文旅).  All companies, people and numbers are fictitious.
Besides text files in UTF-8 and GBK it holds what a PR firm's drive is made
of: a Word contract (table, footer, comment, properties), an Excel media list
(phones typed as numbers, a hidden sheet, a cell comment), a PowerPoint plan
(table, speaker notes), a PDF report with an image-only page, a saved e-mail
(GB2312-labelled body, HTML alternative, CSV attachment), a ZIP archive and a
password-protected workbook.

Ground truth: ``share.manifest.json``
-------------------------------------
``{relative_path: {"encoding": codec, "planted": [...], "negatives": [...]}}``
with paths relative to ``share/`` using ``/``.  An archive member has its own
entry, named as the scanner names it: ``归档/2024项目归档.zip!2024/星河传媒/结案报告.docx``.
A mail attachment has none: its findings are the mail's.

* ``encoding`` -- Python codec that decodes the file ("utf-8", "utf-8-sig",
  "gbk"); ``null`` for files without decodable text (PNG, empty, broken) and
  for binary documents (Office, PDF, mail, archives), whose text is what the
  scanner extracts from them.
* ``planted`` -- every distinct sensitive value in the file, exactly as it
  appears in the decoded or extracted text (a line-wrapped number keeps its
  ``\\n``, full-width digits stay full-width, a phone typed into an Excel cell
  as a number is its digits), in order of first appearance, as
  ``{"entity_type", "value"}``.  Names found through table column headers
  (PERSON, ORGANIZATION, CN_ADDRESS) are not listed.  CLIENT entries are not
  listed by hand: a leftmost-longest scan of the file name (the scanner reads
  it too) and the text for the names, aliases and USCCs in ``clients.csv``
  finds them, so none can be forgotten.  A client's USCC is therefore listed
  twice, as CN_USCC and as CLIENT, as the registry reports it.
* ``negatives`` -- strings that look sensitive but are not; a scanner must not
  report anything overlapping them.
* ``status``, ``reason`` -- only for files the scanner cannot read ("skipped"
  or "error"); the reason it gives starts with ``reason`` ("encrypted: not
  scanned", "empty file" ...). Such files have nothing planted.
* ``notes`` -- only where the scanner must remark on a part it could not read
  or that is hidden (a picture too small to read, "第 3 页: image only, not scanned").

Before writing, the script audits itself (see ``audit``): planted values must
validate, sit next to their label where the entity type needs one and not
touch other digits; negatives must fail every validator and not overlap a
planted value; and no unplanted mobile number, Luhn-valid card, valid resident
ID, USCC, e-mail address, QQ or WeChat ID may hide anywhere in the text.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import random
import re
import shutil
import string
import struct
import sys
import xml.dom.minidom
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from pathlib import Path
from typing import Any
from unittest import mock

import docx
import openpyxl
import pptx
from docx.oxml.ns import qn
from openpyxl.comments import Comment
from openpyxl.writer.excel import ExcelWriter
from pptx.util import Inches
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from recognizers.checksums import (  # noqa: E402
    USCC_ALPHABET,
    luhn_check_digit,
    mod11_10_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)

SEED = 20250315
SHARE = HERE / "share"
CLIENTS_CSV = HERE / "clients.csv"
MANIFEST = HERE / "share.manifest.json"

PHONE, EMAIL, USCC, ORG = "PHONE_NUMBER", "EMAIL_ADDRESS", "CN_USCC", "CN_ORG_CODE"
BRN, RIC, PASSPORT, CARD = "CN_BUSINESS_REG_NO", "CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD"
WECHAT, QQ, CLIENT = "WECHAT_ID", "QQ_NUMBER", "CLIENT"

# Mobile prefixes in real use (MIIT number plan).
MOBILE_PREFIXES: tuple[int, ...] = (
    *range(130, 140), 150, 151, 152, 153, *range(155, 160), 166,
    *(p for p in range(170, 179) if p != 174), *range(180, 190), 191, 193, *range(195, 200),
)
# First two digits of GB/T 2260 administrative division codes.
PROVINCES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"]
)
# Series digit after "MA" in post-2015 organisation codes, by province.
MODERN_ORG_SERIES = {"11": "0", "31": "1", "44": "5", "33": "2", "51": "6"}
TO_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
WECHAT_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{5,19}")
# Numbers written with separators: +86 / spaced / dashed mobiles, landlines with an
# area code, 400 numbers, bank cards in groups of four.
FORMATTED_NUMBER_RE = re.compile(
    r"(?<![0-9])(?:\+86[ -]?)?1[0-9]{2}[ -][0-9]{4}[ -][0-9]{4}(?![0-9])"
    r"|(?<![0-9])\(?0[0-9]{2,3}\)?[ -]?[0-9]{3,4}[ -]?[0-9]{4}(?![0-9])"
    r"|(?<![0-9])400-?[0-9]{3}-?[0-9]{4}(?![0-9])"
    r"|(?<![0-9])[0-9]{4}(?: [0-9]{4}){3,4}(?: [0-9]{1,3})?(?![0-9])"
)
# Entity types that are only meaningful next to a label (or under a column header).
LABELS: dict[str, tuple[str, ...]] = {
    WECHAT: ("微信", "wechat"),
    QQ: ("qq",),
    PASSPORT: ("护照", "港澳通行证"),
    BRN: ("注册号", "营业执照"),
    ORG: ("组织机构代码",),
}


# --------------------------------------------------------------------------
# Validators (used by the self-audit; check characters come from checksums)
# --------------------------------------------------------------------------

def is_mobile(s: str) -> bool:
    return len(s) == 11 and s.isdigit() and int(s[:3]) in MOBILE_PREFIXES


def is_date(yyyymmdd: str) -> bool:
    try:
        dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def luhn_ok(s: str) -> bool:
    return len(s) >= 2 and s.isdigit() and luhn_check_digit(s[:-1]) == s[-1]


def mod11_10_ok(s: str) -> bool:
    return len(s) >= 2 and s.isdigit() and mod11_10_check_digit(s[:-1]) == s[-1]


def org_ok(code9: str) -> bool:
    return len(code9) == 9 and org_code_check_char(code9[:8]) == code9[8]


def uscc_ok(code: str) -> bool:
    return len(code) == 18 and uscc_check_char(code[:17]) == code[17]


def ric18_ok(s: str) -> bool:
    """Full check of an 18-digit resident ID: province, birth date, check char."""
    return (len(s) == 18 and s[:17].isdigit() and s[:2] in PROVINCES
            and is_date(s[6:14]) and s[6:8] in ("19", "20")
            and resident_id_check_char(s[:17]) == s[17])


def ric15_ok(s: str) -> bool:
    """A legacy 15-digit resident ID: province + 19YYMMDD + 3-digit sequence."""
    return len(s) == 15 and s.isdigit() and s[:2] in PROVINCES and is_date("19" + s[6:12])


def digit_run_problems(run: str) -> list[str]:
    """Why a run of ASCII digits would pass some recognizer's validation."""
    problems = []
    if is_mobile(run):
        problems.append("mobile number")
    if 16 <= len(run) <= 19 and luhn_ok(run):
        problems.append("Luhn-valid card length")
    if ric18_ok(run):
        problems.append("valid 18-digit resident ID")
    if len(run) == 15 and (mod11_10_ok(run) or ric15_ok(run)):
        problems.append("valid business reg. no. or legacy ID")
    if 10 <= len(run) <= 12 and run.startswith("0"):
        problems.append("shaped like a landline")
    if len(run) == 10 and run.startswith(("400", "800")):
        problems.append("shaped like a service number")
    return problems


def negative_problems(value: str) -> list[str]:
    """Why a hard negative would legitimately be reported (should be empty)."""
    text = value.translate(TO_ASCII)
    runs = set(re.findall(r"\d+", text))
    if re.fullmatch(r"\d[\d -]*\d", text):
        runs.add(re.sub(r"[ -]", "", text))
    problems = [p for run in sorted(runs) for p in digit_run_problems(run)]
    for token in re.findall(r"[0-9A-Z]+", text):
        if len(token) == 18 and (uscc_ok(token) or org_ok(token[8:17])):
            problems.append("USCC or its embedded organisation code validates")
        if len(token) == 9 and not token.isdigit() and org_ok(token):
            problems.append("valid organisation code")
    for body, check in re.findall(r"([0-9A-Z]{8})-([0-9X])\b", text):
        if org_ok(body + check):
            problems.append("valid XXXXXXXX-X organisation code")
    if EMAIL_RE.search(text):
        problems.append("contains an e-mail address")
    if re.search(r"(?<![A-Za-z0-9])[EC]\d{8}(?!\d)", text):
        problems.append("passport-shaped")
    return problems


def planted_problems(entity: str, value: str, client_terms: Iterable[str]) -> list[str]:
    """Why a planted value would NOT be a valid instance of its entity type."""
    v = value.translate(TO_ASCII)
    compact = re.sub(r"[\s()-]", "", v)
    ok: bool
    if entity == PHONE:
        core = re.sub(r"转\d{2,5}$", "", compact).removeprefix("+86")
        ok = (is_mobile(core) or bool(re.fullmatch(r"0\d{9,11}", core))
              or bool(re.fullmatch(r"400\d{7}", core)))
    elif entity == EMAIL:
        ok = EMAIL_RE.fullmatch(v) is not None
    elif entity == USCC:
        ok = uscc_ok(v) and org_ok(v[8:17]) and v[:2] == "91"
    elif entity == ORG:
        ok = re.fullmatch(r"[0-9A-Z]{8}-[0-9X]", v) is not None and org_ok(v.replace("-", ""))
    elif entity == BRN:
        ok = len(v) == 15 and mod11_10_ok(v) and not ric15_ok(v)
    elif entity == RIC:
        ok = ((ric18_ok(v) and not luhn_ok(v))
              or (ric15_ok(v) and not mod11_10_ok(v)))
    elif entity == PASSPORT:
        ok = re.fullmatch(r"[EC][1-9]\d{7}", v) is not None
    elif entity == CARD:
        ok = (compact.isdigit() and 16 <= len(compact) <= 19 and compact.startswith("62")
              and luhn_ok(compact) and not ric18_ok(compact))
    elif entity == WECHAT:
        ok = WECHAT_RE.fullmatch(v) is not None
    elif entity == QQ:
        ok = re.fullmatch(r"[1-9]\d{4,10}", v) is not None and not is_mobile(v)
    elif entity == CLIENT:
        ok = value.lower() in {t.lower() for t in client_terms}
    else:
        return [f"unknown entity type {entity}"]
    return [] if ok else [f"{entity} {value!r} does not validate"]


# --------------------------------------------------------------------------
# Value generator
# --------------------------------------------------------------------------

_EXTENSION = re.compile(r"[ ]?(?:转|分机|(?i:ext)\.?)[ ]?\d{1,5}$")

class Gen:
    """Seeded source of fictitious identifiers; never returns a value twice."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._used: set[str] = set()

    def _fresh(self, make: Callable[[], str | None]) -> str:
        for _ in range(100_000):
            value = make()
            if value is not None and value not in self._used:
                self._used.add(value)
                return value
        raise RuntimeError("could not make a fresh value")

    def digits(self, n: int, first: str = string.digits) -> str:
        if n <= 0:
            return ""
        return self.rng.choice(first) + "".join(self.rng.choices(string.digits, k=n - 1))

    # -- contact details ---------------------------------------------------
    def mobile(self) -> str:
        return self._fresh(lambda: f"{self.rng.choice(MOBILE_PREFIXES)}{self.digits(8)}")

    def local_number(self) -> str:
        """An 8-digit local landline number (Beijing, Shanghai, Shenzhen, Hangzhou)."""
        return self._fresh(lambda: self.digits(8, first="568"))

    def hotline_400(self) -> str:
        return self._fresh(lambda: f"400-{self.digits(3, first='6789')}-{self.digits(4)}")

    def qq(self) -> str:
        return self._fresh(lambda: self.digits(self.rng.randint(8, 10), first="123456789"))

    def wxid(self) -> str:
        alphabet = string.ascii_lowercase + string.digits
        return self._fresh(lambda: "wxid_" + "".join(self.rng.choices(alphabet, k=14)))

    # -- company codes -----------------------------------------------------
    def org_code(self, region: str, modern: bool) -> str:
        """9-character GB 11714 code; modern ones (issued since 2015) start with MA."""
        def make() -> str:
            if modern:  # e.g. MA5… in Guangdong, MA1… in Shanghai, MA6… in Sichuan
                body = ("MA" + MODERN_ORG_SERIES.get(region[:2], "0")
                        + "".join(self.rng.choices(USCC_ALPHABET, k=5)))
            else:
                body = self.digits(8, first="567")
            return body + org_code_check_char(body)
        return self._fresh(make)

    @staticmethod
    def uscc(region: str, org_code: str) -> str:
        """Registration authority 9 (工商), type 1 (企业), region, org code, check."""
        body = "91" + region + org_code
        return body + uscc_check_char(body)

    def business_reg_no(self, region: str) -> str:
        def make() -> str | None:
            body = region + "0" + self.digits(7)
            value = body + mod11_10_check_digit(body)
            return None if ric15_ok(value) else value
        return self._fresh(make)

    # -- personal documents ------------------------------------------------
    def resident_id(self, region: str, birth: dt.date, male: bool, check_x: bool = False) -> str:
        def make() -> str | None:
            seq = self.rng.randrange(0, 1000, 2) + (1 if male else 0)
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            value = body + resident_id_check_char(body)
            return value if (value[-1] == "X") == check_x and not luhn_ok(value) else None
        return self._fresh(make)

    def legacy_resident_id(self, region: str, birth: dt.date, male: bool) -> str:
        def make() -> str | None:
            seq = self.rng.randrange(0, 1000, 2) + (1 if male else 0)
            value = f"{region}{birth:%y%m%d}{seq:03d}"
            return None if mod11_10_ok(value) else value
        return self._fresh(make)

    def passport(self) -> str:
        return self._fresh(lambda: "E" + self.digits(8, first="123456789"))

    def hk_macau_permit(self) -> str:
        return self._fresh(lambda: "C" + self.digits(8, first="123456789"))

    def bank_card(self, bin6: str, length: int) -> str:
        def make() -> str | None:
            body = bin6 + self.digits(length - 7)
            value = body + luhn_check_digit(body)
            return None if ric18_ok(value) else value
        return self._fresh(make)

    # -- hard negatives ----------------------------------------------------
    def negative_digits(self, length: int, prefix: str = "") -> str:
        """Digits that pass no validator (no Luhn, no ID, no embedded mobile...)."""
        def make() -> str | None:
            value = prefix + self.digits(length - len(prefix))
            return None if negative_problems(value) else value
        return self._fresh(make)

    def luhn_invalid_card(self, bin6: str, length: int) -> str:
        def make() -> str | None:
            body = bin6 + self.digits(length - 7)
            good = luhn_check_digit(body)
            value = body + self.rng.choice([d for d in string.digits if d != good])
            return None if negative_problems(value) else value
        return self._fresh(make)

    def uscc_wrong_check(self, region: str) -> str:
        """18 characters shaped like a USCC whose check characters are both wrong."""
        def make() -> str | None:
            org_body = "MA" + "".join(self.rng.choices(USCC_ALPHABET, k=6))
            org_good = org_code_check_char(org_body)
            org_bad = self.rng.choice([c for c in "0123456789X" if c != org_good])
            body = "91" + region + org_body + org_bad
            good = uscc_check_char(body)
            value = body + self.rng.choice([c for c in USCC_ALPHABET if c != good])
            return None if negative_problems(value) else value
        return self._fresh(make)

    def resident_id_bad_date(self, region: str, impossible_date: str) -> str:
        """Right MOD 11-2 check character, but a birth date that does not exist."""
        def make() -> str | None:
            body = f"{region}{impossible_date}{self.digits(3)}"
            value = body + resident_id_check_char(body)
            return None if negative_problems(value) else value
        return self._fresh(make)

    def resident_id_wrong_check(self, region: str, birth: dt.date) -> str:
        def make() -> str | None:
            body = f"{region}{birth:%Y%m%d}{self.digits(3)}"
            good = resident_id_check_char(body)
            value = body + self.rng.choice([c for c in string.digits if c != good])
            return None if negative_problems(value) else value
        return self._fresh(make)


# --------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------

def spaced(mobile: str) -> str:
    """138 1234 5678"""
    return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"


def dashed(mobile: str) -> str:
    """138-1234-5678"""
    return f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"


def fullwidth(digits: str) -> str:
    return digits.translate(TO_FULLWIDTH)


def wrapped(mobile: str, at: int = 8) -> str:
    """A number broken by a hard line wrap, as copy-paste from a PDF produces."""
    return mobile[:at] + "\n" + mobile[at:]


def grouped(number: str) -> str:
    """6222 0212 3456 7890 123"""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def with_hyphen(org_code: str) -> str:
    """GB 11714 printed form XXXXXXXX-X."""
    return f"{org_code[:8]}-{org_code[8]}"


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def png_1x1() -> bytes:
    """A valid 1x1 RGB PNG (one blue pixel)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1e\x5a\x9c", 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


# --------------------------------------------------------------------------
# The fictitious world
# --------------------------------------------------------------------------

@dataclass
class Person:
    name: str
    title: str
    mobile: str
    email: str = ""
    wechat: str = ""
    qq: str = ""


@dataclass
class Client:
    name: str
    aliases: tuple[str, ...]
    nda_id: str
    nda_expires: str
    project_end: str
    retention_months: int
    org_code: str = ""        # 9 characters without hyphen
    uscc: str = ""
    reg_no: str = ""          # 15-digit 工商注册号, only for pre-2015 companies
    tel: str = ""

    @property
    def short(self) -> str:
        return self.aliases[0]


# name, region, modern org code?, old 注册号?, NDA id, NDA expires, project end, retention
CLIENT_SPECS: list[tuple[str, tuple[str, ...], str, bool, bool, str, str, str, int]] = [
    ("北京星河传媒有限公司", ("星河传媒", "星河"), "110105", False, True,
     "NDA-HY-2023-017", "2026-06-30", "2025-12-31", 36),
    ("深圳市蓝鲸科技股份有限公司", ("蓝鲸科技", "Bluewhale Tech"), "440305", True, False,
     "NDA-HY-2024-003", "2027-03-31", "2025-09-30", 24),
    ("上海云杉健康管理有限公司", ("云杉健康",), "310115", True, False,
     "NDA-HY-2024-021", "2026-12-31", "2025-06-30", 36),
    ("杭州青禾食品集团有限公司", ("青禾食品", "青禾集团"), "330106", False, True,
     "NDA-HY-2025-002", "2028-01-31", "2025-10-31", 24),
    ("成都锦程文旅集团有限公司", ("锦程文旅",), "510104", True, False,
     "NDA-HY-2022-041", "2024-12-31", "2024-06-30", 12),
    ("苏州木棉教育科技有限公司", ("木棉教育",), "", True, False,
     "NDA-HY-2025-008", "2027-05-31", "2026-03-31", 24),
]

# name, title, e-mail, WeChat ("wxid" = generate one), has QQ
PEOPLE_SPECS: list[tuple[str, str, str, str, bool]] = [
    # 星河传媒
    ("张伟", "市场部总监", "zhangwei@xinghe-media.com", "zhangwei_2024", False),
    ("王芳", "品牌经理", "wangfang@xinghe-media.com", "wxid", False),
    ("李娜", "公关专员", "lina.pr@xinghe-media.com", "", True),
    ("司马骏", "活动执行负责人", "sima.jun@xinghe-media.com", "simajun-event", False),
    # 蓝鲸科技
    ("欧阳菲", "品牌总监", "ouyang.fei@bluewhale-tech.cn", "ouyangfei_bw", False),
    ("黄子涵", "产品市场经理", "huangzihan@bluewhale-tech.cn", "wxid", True),
    ("马俊杰", "CEO助理", "majunjie@bluewhale-tech.cn", "", True),
    ("林晓雨", "海外市场经理", "lynn.lin@bluewhale-tech.cn", "lynn_bw88", False),
    # 云杉健康
    ("上官婉清", "公共事务部总监", "shangguan.wq@yunshan-health.com", "wxid", False),
    ("何佳怡", "市场专员", "hejiayi@yunshan-health.com", "jiayi_he95", False),
    ("热依拉·买买提", "医学事务经理", "reyila.maimaiti@yunshan-health.com", "reyila_mmt", False),
    # 青禾食品
    ("郑凯", "品牌中心负责人", "zhengkai@qinghe-foods.com", "zk_qinghe", False),
    ("罗敏", "新媒体运营", "luomin@qinghe-foods.com", "", True),
    ("诸葛明远", "采购经理", "zhuge.mingyuan@qinghe-foods.com", "zhuge_my", False),
    # 锦程文旅
    ("唐毅", "品牌部经理", "tangyi@jincheng-travel.cn", "tangyi_cd", False),
    # 恒远公关 (the agency)
    ("刘洋", "项目总监", "liuyang@hengyuan-pr.com", "liuyang_hy", False),
    ("陈静", "客户经理", "chenjing@hengyuan-pr.com", "chenjing_hy", False),
    ("赵磊", "媒介经理", "zhaolei@hengyuan-pr.com", "zhaolei_pr", False),
    ("孙悦", "策划", "sunyue@hengyuan-pr.com", "", False),
    ("周婷", "行政主管", "zhouting@hengyuan-pr.com", "", False),
    ("吴昊", "财务经理", "wuhao@hengyuan-pr.com", "", False),
    # journalists
    ("许文博", "资深记者", "xuwenbo@cjxsj.com.cn", "xwb_caijing", False),
    ("宋雨桐", "主编", "songyutong@szhk-tech.cn", "wxid", False),
    ("韩冰", "记者", "hanbing_news@163.com", "hanbing-1988", False),
    ("冯可欣", "编辑", "fengkexin@xinrui-health.cn", "fkx_health", False),
    ("高翔", "首席记者", "gaoxiang@cswb.com.cn", "wxid", False),
    ("艾力·库尔班", "记者", "aili.kuerban@silkroad-biz.cn", "aili_kb", False),
    ("潘晨", "自由撰稿人", "panchen1990@126.com", "panchen_tech", False),
    ("司徒静怡", "编辑", "situ.jy@lifestyle-home.cn", "situ_jingyi", False),
    # suppliers, guests
    ("邓宇航", "项目经理", "dengyuhang@guangying-stage.com", "dyh_stage", False),
    ("田甜", "客户经理", "tiantian@suda-expo.com", "wxid", False),
    ("曹磊", "餐饮经理", "caolei@jingweixuan.cn", "", False),
    ("彭一帆", "摄影师", "pengyifan.photo@gmail.com", "yifan_photo", False),
    ("端木晴", "同传译员", "duanmu.qing@shengwei-trans.com", "duanmuqing", False),
    ("方志远", "心内科主任医师", "", "", False),
    ("纪明轩", "秘书长", "", "", False),
]

# name, region code (one in use in the birth year), birth date, male, check char X?
RESIDENTS: list[tuple[str, str, dt.date, bool, bool]] = [
    ("刘洋", "110105", dt.date(1986, 7, 14), True, False),
    ("陈静", "320102", dt.date(1990, 11, 3), False, True),
    ("赵磊", "420106", dt.date(1992, 2, 29), True, False),
    ("张伟", "110108", dt.date(1982, 5, 21), True, False),
    ("上官婉清", "310104", dt.date(1979, 12, 8), False, False),
    ("热依拉·买买提", "650102", dt.date(1988, 3, 27), False, False),
    ("方志远", "310104", dt.date(1968, 10, 30), True, False),
    ("冯可欣", "510104", dt.date(1995, 6, 18), False, False),
    ("纪明轩", "330106", dt.date(1984, 1, 9), True, False),
    ("孙悦", "130102", dt.date(1997, 8, 15), False, False),
]

# payee, bank, BIN, length
CARDS: list[tuple[str, str, str, int]] = [
    ("彭一帆", "中国工商银行北京朝阳支行", "622202", 19),
    ("端木晴", "中国建设银行北京望京支行", "621700", 19),
    ("何小璐", "招商银行杭州分行营业部", "621483", 16),
    ("何小璐/信用卡", "招商银行", "622588", 16),
    ("纪明轩", "中国农业银行杭州西湖支行", "622848", 19),
    ("孙悦", "中国银行北京建国门支行", "621661", 19),
    ("北京星河传媒有限公司", "中国工商银行北京国贸支行", "622202", 19),
    ("深圳市蓝鲸科技股份有限公司", "招商银行深圳南山支行", "621485", 16),
    ("上海云杉健康管理有限公司", "上海浦东发展银行张江科技支行", "621792", 19),
    ("杭州青禾食品集团有限公司", "杭州银行西湖支行", "621652", 19),
]


@dataclass
class World:
    gen: Gen
    clients: dict[str, Client] = field(default_factory=dict)    # by short name
    people: dict[str, Person] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)           # 18-digit resident IDs
    legacy_id: str = ""                                          # 吴昊's 15-digit ID
    passports: dict[str, str] = field(default_factory=dict)
    hk_permit: str = ""
    cards: dict[str, tuple[str, str]] = field(default_factory=dict)  # payee -> (bank, number)
    tels: dict[str, str] = field(default_factory=dict)          # formatted landlines / 400
    # drawn by ``extend_world``, after the text files, for the binary documents
    agency_uscc: str = ""                                        # 恒远公关's own USCC
    backup_mobiles: dict[str, str] = field(default_factory=dict)  # a person's second phone
    extra_qq: dict[str, str] = field(default_factory=dict)        # QQ of people without one

    def client(self, short: str) -> Client:
        return self.clients[short]

    def p(self, name: str) -> Person:
        return self.people[name]

    def client_terms(self) -> list[str]:
        """What the client registry matches: full names, aliases and USCCs."""
        return [t for c in self.clients.values() for t in (c.name, *c.aliases, c.uscc) if t]


def build_world(seed: int = SEED) -> World:
    """Draw every planted value, in a fixed order, from one seeded generator."""
    gen = Gen(seed)
    w = World(gen)
    for name, aliases, region, modern, has_reg, nda, nda_exp, end, keep in CLIENT_SPECS:
        c = Client(name, aliases, nda, nda_exp, end, keep)
        if region:
            c.org_code = gen.org_code(region, modern)
            c.uscc = gen.uscc(region, c.org_code)
            c.reg_no = gen.business_reg_no(region) if has_reg else ""
        w.clients[aliases[0]] = c
    for name, title, email, wechat, has_qq in PEOPLE_SPECS:
        w.people[name] = Person(name, title, gen.mobile(), email,
                                gen.wxid() if wechat == "wxid" else wechat,
                                gen.qq() if has_qq else "")
    for name, region, birth, male, check_x in RESIDENTS:
        w.ids[name] = gen.resident_id(region, birth, male, check_x)
    w.legacy_id = gen.legacy_resident_id("110105", dt.date(1978, 9, 23), True)
    for name in ("刘洋", "陈静", "赵磊", "张伟"):
        w.passports[name] = gen.passport()
    w.hk_permit = gen.hk_macau_permit()
    for payee, bank, bin6, length in CARDS:
        w.cards[payee] = (bank, gen.bank_card(bin6, length))
    bj, sz, sh, hz, cater = (gen.local_number() for _ in range(5))
    w.tels = {
        "星河传媒": f"010-{bj[:4]} {bj[4:]}",
        "蓝鲸科技": f"(0755){sz[:4]} {sz[4:]}",
        "云杉健康": f"021-{sh} 转 {gen.digits(4, first='8')}",
        "青禾食品": f"0571-{hz}",
        "京味轩": f"010-{cater[:4]} {cater[4:]}",
        "光影舞美": gen.hotline_400(),
        "速达会展": gen.hotline_400(),
    }
    for short, tel in w.tels.items():
        if short in w.clients:
            w.clients[short].tel = tel
    return w


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------

@dataclass
class Doc:
    """One file of the share plus its ground truth.

    A text file is ``text`` in ``encoding``. A document in a binary format
    (Office, PDF, mail, archive) is ``raw`` with ``encoding`` None, and its
    ``text`` is what the scanner reads out of it: one segment (paragraph, table
    cell, page, header, property ...) after the other, separated by blank lines.
    The ground truth and the self-audit refer to that text. A ``path`` with a
    ``!`` is an archive member: it is in the manifest but written only inside
    its archive.
    """

    path: str                         # relative to share/, with "/"
    encoding: str | None = "utf-8"    # None: no decodable text, or a binary format
    newline: str = "\n"
    clean: bool = False               # must contain no client information at all
    text: str = ""
    raw: bytes | None = None          # for binary / deliberately broken files
    planted: list[tuple[str, str]] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)
    column_headers: str = ""          # table headers that label values (微信, QQ columns)
    notes: list[str] = field(default_factory=list)   # remarks the scanner must make
    status: str = ""                  # "skipped" or "error": the scanner cannot read it ...
    reason: str = ""                  # ... and its reason starts with this

    def read(self, *segments: str) -> None:
        """Append segments of a binary document's extracted text."""
        for segment in segments:
            if segment.strip():
                self.text += ("\n\n" if self.text else "") + segment

    @property
    def extracted(self) -> bool:
        """True for a binary document whose ``text`` is what the scanner extracts."""
        return self.raw is not None and self.encoding is None and bool(self.text)

    def p(self, entity_type: str, value: str) -> str:
        """Record a planted value and return it, for use inside f-strings. A phone number's
        extension (021-6239 2404 转 8058) is written but not planted: the scanner reports the
        number without it."""
        planted = _EXTENSION.sub("", value) if entity_type == PHONE else value
        if (entity_type, planted) not in self.planted:
            self.planted.append((entity_type, planted))
        return value

    def n(self, value: str) -> str:
        """Record a hard negative and return it."""
        if value not in self.negatives:
            self.negatives.append(value)
        return value

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        assert self.encoding is not None
        return self.text.replace("\n", self.newline).encode(self.encoding)

    def scanned(self) -> str:
        """What the scanner reads: the file's name (it reads names too), then the text."""
        name = self.path.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
        return f"{name}\n\n{self.decoded()}"

    def decoded(self) -> str:
        if self.extracted:
            return self.text
        return self.payload().decode(self.encoding) if self.encoding else ""


# ---- 客户资料 ---------------------------------------------------------------

def client_directory_csv(w: World) -> Doc:
    """Excel export: UTF-8 with BOM and CRLF line ends."""
    d = Doc("客户资料/客户通讯录.csv", "utf-8-sig", newline="\r\n")
    rows = [["客户名称", "联系人", "职务", "手机", "座机", "邮箱", "微信", "QQ", "备注"]]
    entries = [
        ("星河传媒", "张伟", True, "主要决策人，周报抄送"),
        ("星河传媒", "王芳", False, "日常对接，品牌物料审核"),
        ("星河传媒", "李娜", False, "大文件走QQ"),
        ("星河传媒", "司马骏", False, "活动现场总控"),
        ("蓝鲸科技", "欧阳菲", True, "发布会最终审批"),
        ("蓝鲸科技", "黄子涵", False, "产品资料"),
        ("蓝鲸科技", "林晓雨", False, "海外媒体，英文沟通"),
        ("云杉健康", "上官婉清", True, "论坛项目负责人"),
        ("云杉健康", "何佳怡", False, ""),
        ("云杉健康", "热依拉·买买提", False, "医学内容审核"),
        ("青禾食品", "郑凯", True, "年度合同签字人"),
        ("青禾食品", "罗敏", False, "新媒体账号"),
        ("青禾食品", "诸葛明远", False, "样品寄送"),
        ("锦程文旅", "唐毅", False, "项目已结束，待归档"),
    ]
    for short, name, with_tel, note in entries:
        c, person = w.client(short), w.p(name)
        rows.append([
            c.name, person.name, person.title, d.p(PHONE, person.mobile),
            d.p(PHONE, c.tel) if with_tel else "",
            d.p(EMAIL, person.email),
            d.p(WECHAT, person.wechat) if person.wechat else "",
            d.p(QQ, person.qq) if person.qq else "",
            note,
        ])
    d.text = csv_text(rows)
    return d


def invoice_info_txt(w: World) -> Doc:
    d = Doc("客户资料/客户开票信息.txt")
    blocks = []
    addresses = {
        "星河传媒": "北京市朝阳区建国路88号现代城A座1203室",
        "蓝鲸科技": "深圳市南山区粤海街道科苑路15号科兴科学园B栋1802",
        "云杉健康": "中国（上海）自由贸易试验区张江路665号3层",
        "青禾食品": "杭州市西湖区文三路398号青禾大厦",
    }
    for short in ("星河传媒", "蓝鲸科技", "云杉健康", "青禾食品"):
        c = w.client(short)
        bank, account = w.cards[c.name]
        account_text = grouped(account) if short in ("星河传媒", "云杉健康") else account
        reg = (f"工商注册号：{d.p(BRN, c.reg_no)}" if c.reg_no
               else "工商注册号：无（三证合一后设立，以统一社会信用代码为准）")
        blocks.append(
            f"【{c.name}】\n"
            f"纳税人识别号（统一社会信用代码）：{d.p(USCC, c.uscc)}\n"
            f"组织机构代码：{d.p(ORG, with_hyphen(c.org_code))}\n"
            f"{reg}\n"
            f"地址：{addresses[short]}\n"
            f"电话：{d.p(PHONE, c.tel)}\n"
            f"开户行：{bank}\n"
            f"银行账号：{d.p(CARD, account_text)}\n"
            f"发票类型：增值税专用发票\n"
        )
    d.text = (
        f"客户开票信息汇总（财务部维护，最后更新 {d.n('2025-03-01')}）\n"
        "说明：开具发票前请与客户再次核对，信息如有变更以客户盖章确认函为准。\n"
        "============================================================\n\n"
        + "\n".join(blocks)
        + "\n备注：锦程文旅项目已结束，其开票信息已移入归档目录。\n"
    )
    return d


def license_ocr_txt(w: World) -> Doc:
    d = Doc("客户资料/营业执照_OCR识别.txt")
    bw, qh = w.client("蓝鲸科技"), w.client("青禾食品")
    d.text = f"""【扫描件OCR识别结果，未经人工校对，以原件为准】

======== 文件1：蓝鲸科技营业执照副本.pdf 第1页 ========
营  业  执  照
（副  本）
统一社会信用代码
{d.p(USCC, bw.uscc)}
名        称  {bw.name}
类        型  股份有限公司（非上市、自然人投资或控股）
法定代表人  周启航
注册资本  人民币伍仟万元整
成立日期  2016年08月22日
营业期限  2016年08月22日 至 长期
住        所  深圳市南山区粤海街道科苑路15号科兴科学园B栋1802
经营范围  一般经营项目是：电子产品、智能穿戴设备的技术开发与销售；
          软件开发；货物及技术进出口。
登记机关  深圳市市场监督管理局
          2023年05月16日

======== 文件2：青禾食品营业执照（2014年旧版）.jpg ========
营业执照
（副本）
注册号 {d.p(BRN, qh.reg_no)}
名称 {qh.name}
住所 杭州市西湖区文三路398号
法定代表人 郑国华
注册资本 壹亿贰仟万元
公司类型 有限责任公司（自然人投资或控股）
成立日期 2003年06月18日
营业期限 2003年06月18日 至 2033年06月17日
经营范围 食品生产、销售；农副产品收购；预包装食品批发。
组织机构代码证 代码：{d.p(ORG, with_hyphen(qh.org_code))}
登记机关 杭州市西湖区工商行政管理局
"""
    return d


# ---- 媒体资源 ---------------------------------------------------------------

def media_list_tsv(w: World) -> Doc:
    d = Doc("媒体资源/媒体名单_2025.tsv", "gbk")
    rows = [["姓名", "媒体", "条线", "职务", "手机", "邮箱", "微信", "备注"]]
    entries = [
        ("许文博", "财经新视界", "科技/公司", "2024年报道过星河传媒，态度友好"),
        ("宋雨桐", "深港科技评论", "消费电子", "蓝鲸科技发布会重点邀约"),
        ("韩冰", "每日消费观察", "食品饮料", "青禾食品新品试吃可邀"),
        ("冯可欣", "新锐健康报", "医疗健康", "云杉健康论坛需提前两周邀约"),
        ("高翔", "城市晚报", "社会/民生", "敏感选题慎重，勿主动推送"),
        ("艾力·库尔班", "丝路商业评论", "区域经济", "常驻乌鲁木齐，可远程采访"),
        ("潘晨", "科创前沿", "科技", "按篇约稿"),
        ("司徒静怡", "时尚生活家", "生活方式", "偏好视觉素材，需高清图"),
    ]
    for name, outlet, beat, note in entries:
        person = w.p(name)
        rows.append([name, outlet, beat, person.title, d.p(PHONE, person.mobile),
                     d.p(EMAIL, person.email), d.p(WECHAT, person.wechat), note])
    d.text = csv_text(rows, delimiter="\t")
    return d


def pitch_notes_md(w: World) -> Doc:
    d = Doc("媒体资源/邀约话术_蓝鲸新品发布会.md")
    zl, song, xu, pan = w.p("赵磊"), w.p("宋雨桐"), w.p("许文博"), w.p("潘晨")
    d.text = f"""# 蓝鲸科技「BW Buds Pro」新品发布会 · 媒体邀约话术

> 内部资料，请勿外传。最后更新：{d.n("2025-04-03")}（赵磊）

## 一、活动基本信息

- 时间：{d.n("2025年4月18日")}（周五）14:00-16:30，13:30开始签到
- 地点：深圳湾科技生态园会议中心三层多功能厅
- 主办：深圳市蓝鲸科技股份有限公司；执行：恒远公关
- 媒体对接：赵磊，手机 {d.p(PHONE, dashed(zl.mobile))}，微信 {d.p(WECHAT, zl.wechat)}

## 二、电话邀约话术

> 您好，X老师，我是恒远公关的赵磊。Bluewhale Tech（蓝鲸科技）下周五在深圳发布新一代降噪耳机
> BW Buds Pro，这次会公布自研降噪芯片的细节，CEO 会接受三家媒体的独家专访。您这边方便的话，
> 我把邀请函和资料包发给您？

- 对方表示已排满：询问是否可以线上参会，或会后安排单独沟通。
- 对方询问车马费：统一回复“按公司标准执行”，不在电话中承诺具体数字。

## 三、重点媒体跟进

| 媒体 | 记者 | 状态 | 备注 |
|---|---|---|---|
| 深港科技评论 | 宋雨桐 | 已确认 | 需要CEO专访，资料包已发邮箱{d.p(EMAIL, song.email)} |
| 财经新视界 | 许文博 | 待回复 | 微信 {d.p(WECHAT, xu.wechat)} 已发邀请函 |
| 科创前沿 | 潘晨 | 已确认 | 邮箱{d.p(EMAIL, pan.email)}，需提前一天发通稿 |

## 四、注意事项

1. 不主动提及竞品价格；如被问到上市时间，统一口径为“二季度内”。
2. 嘉宾伴手礼预算每人不超过{d.n("￥300.00")}，由蓝鲸科技承担。
3. 直播链接在发布会前一小时统一发出，勿提前外传。
"""
    return d


# ---- 项目/星河传媒 ------------------------------------------------------------

def xinghe_proposal_md(w: World) -> Doc:
    d = Doc("项目/星河传媒/提案_v3.md")
    c, ly, cj, zw = w.client("星河传媒"), w.p("刘洋"), w.p("陈静"), w.p("张伟")
    d.text = f"""# {c.name} 2025品牌焕新年度传播方案（第三版）

> 提案单位：恒远公关 ｜ 版本：{d.n("v3")} ｜ 提交日期：{d.n("2025年3月15日")}
> 机密文件：仅限星河传媒项目组及甲方市场部传阅

## 一、项目背景

星河传媒成立于2012年，以城市生活类短视频和线下活动IP见长，全网粉丝规模约2,300万。
2024年公司完成组织调整，市场部提出“从内容公司走向生活方式品牌”的转型目标。
第二版方案沟通后，甲方希望进一步聚焦一线及新一线城市的25-40岁人群，并压缩发布会成本。

## 二、传播目标

1. 品牌认知：核心城市目标人群的品牌认知度由31%提升至45%；
2. 声量：全年全网曝光不低于1.2亿次，财经及科技类媒体深度报道不少于12篇；
3. 口碑：负面舆情24小时内响应率100%，正面及中性内容占比保持在90%以上。

## 三、核心策略

### 3.1 “城市微光”内容计划

每月选择一座城市，联合本地创作者拍摄“城市里的小确幸”系列短片，沉淀为品牌长期内容资产。

### 3.2 媒体关系

以财经、科技、文化三类媒体为主，建立20家核心媒体的季度沟通机制；
发布会前安排两场媒体沙龙，由甲方高管分享转型思考。

### 3.3 品牌焕新发布会

暂定5月20日在北京举办，主题“看见星光”，规模约200人，邀请媒体25家、KOL 10位。

## 四、执行节奏

| 阶段 | 时间 | 关键动作 |
|---|---|---|
| 预热期 | {d.n("2025-04-01")} 至 {d.n("2025-04-30")} | 新视觉悬念海报、媒体沙龙 |
| 引爆期 | {d.n("2025-05-10")} 至 {d.n("2025-06-15")} | 品牌焕新发布会、KOL共创 |
| 持续期 | 2025-07 至 2025-12 | “城市微光”月度内容、年度盘点 |

## 五、预算

| 模块 | 金额（元） |
|---|---|
| 内容制作 | {d.n("420,000.00")} |
| 媒体关系 | 360,000.00 |
| 发布会执行 | 380,000.00 |
| 舆情监测 | 120,000.00 |
| **合计** | **{d.n("￥1,280,000.00")}** |

以上报价含6%增值税，不含发布会场地租金。

## 六、团队与联系方式

- 项目总监：刘洋，手机 {d.p(PHONE, "+86 " + spaced(ly.mobile))}，邮箱{d.p(EMAIL, ly.email)}
- 客户经理：陈静，手机 {d.p(PHONE, cj.mobile)}，微信 {d.p(WECHAT, cj.wechat)}
- 甲方对接：张伟（市场部总监），邮箱{d.p(EMAIL, zw.email)}，电话{d.p(PHONE, c.tel)}
"""
    return d


def xinghe_minutes_gbk(w: World) -> Doc:
    """Meeting minutes saved by Notepad in GBK; phone numbers in every shape."""
    d = Doc("项目/星河传媒/会议纪要_20250312.txt", "gbk")
    wf, zw, ln, sm = w.p("王芳"), w.p("张伟"), w.p("李娜"), w.p("司马骏")
    d.text = f"""星河传媒2025品牌焕新项目 启动会会议纪要

会议时间：{d.n("2025年3月12日")} 14:00-16:30
会议地点：北京星河传媒有限公司 12层第一会议室
主持人：张伟
记录人：陈静
与会人员：
  甲方：张伟（市场部总监）、王芳（品牌经理）、司马骏（活动执行负责人）、李娜（公关专员）
  乙方（恒远公关）：刘洋（项目总监）、陈静（客户经理）、赵磊（媒介经理）

一、会议议题
1. 确认2025年度传播方案第三版的整体框架；
2. 讨论5月品牌焕新发布会的场地与嘉宾；
3. 明确双方日常对接机制。

二、讨论纪要
1. 张伟：星河今年的重点是“从内容到生活方式”，第三版方向认可，但全年预算需控制在130万以内，
   发布会部分希望再压缩5%。
2. 王芳：品牌视觉手册3月底定稿，新标志在发布会之前不得对外露出；所有媒体沟通材料统一由她审核。
3. 司马骏：发布会场地倾向798艺术区的两个备选场地，4月10日前完成踩点，场地合同走甲方行政流程。
4. 刘洋：建议邀请15-20家核心媒体、8-10位KOL，媒体名单下周一提交；舆情监测从4月1日起按周出报告。

三、联系方式更新
1. 王芳换了新号码：{d.p(PHONE, spaced(wf.mobile))}，原号码已停用，请各位更新通讯录。
2. 张伟3月下旬在新加坡出差，期间请拨 {d.p(PHONE, "+86 " + spaced(zw.mobile))}，
   急事也可以发微信{d.p(WECHAT, zw.wechat)}。
3. 李娜的手机：{d.p(PHONE, fullwidth(ln.mobile))}（她用手机输入法打的全角数字，原样保留），
   传大文件请用QQ：{d.p(QQ, ln.qq)}。
4. 以下内容从甲方提供的PDF版《发布会执行手册》中复制，格式未整理：
   现场总控：司马骏 手机{d.p(PHONE, wrapped(sm.mobile))}，现场对讲机使用第三频道。

四、待办事项
1. 按会议意见修改方案并重新提交（负责人：刘洋，截止：{d.n("2025-03-19")}）
2. 提交核心媒体及KOL名单（负责人：赵磊，截止：2025-03-17）
3. 发布会场地踩点（负责人：司马骏、陈静，截止：2025-04-10）
4. 品牌视觉手册定稿（负责人：王芳，截止：2025-03-31）

五、下次会议
{d.n("2025年3月19日")} 14:00，地点同上。
"""
    return d


def supplier_contacts_csv(w: World) -> Doc:
    d = Doc("项目/星河传媒/活动执行/供应商联系表.csv")
    rows = [["供应商名称", "服务内容", "联系人", "手机", "服务热线/座机", "邮箱", "微信", "备注"]]
    entries = [
        ("北京光影舞美工程有限公司", "舞台搭建、灯光音响", "邓宇航", "光影舞美",
         "星河传媒发布会主舞台，含一次彩排"),
        ("北京速达会展服务有限公司", "物料制作与运输", "田甜", "速达会展", "签到墙、易拉宝、伴手礼包装"),
        ("京味轩餐饮管理有限公司", "茶歇与工作餐", "曹磊", "京味轩", "需提前3天确认人数"),
        ("一帧影像工作室", "摄影摄像", "彭一帆", "", "按天计费，含精修30张"),
        ("北京声为翻译有限公司", "同声传译", "端木晴", "", "中英同传两名，设备另计"),
    ]
    for company, service, name, tel_key, note in entries:
        person = w.p(name)
        rows.append([
            company, service, name, d.p(PHONE, person.mobile),
            d.p(PHONE, w.tels[tel_key]) if tel_key else "",
            d.p(EMAIL, person.email),
            d.p(WECHAT, person.wechat) if person.wechat else "",
            note,
        ])
    d.text = csv_text(rows)
    return d


# ---- 项目/蓝鲸科技 ------------------------------------------------------------

def crm_export_json(w: World) -> Doc:
    d = Doc("项目/蓝鲸科技/crm_export.json")
    c = w.client("蓝鲸科技")
    ouy, huang, ma, lin = w.p("欧阳菲"), w.p("黄子涵"), w.p("马俊杰"), w.p("林晓雨")
    data = {
        "export": {"exported_at": d.n("2025-04-02T10:15:33+08:00"), "operator": "liuyang",
                   "format_version": "2.1"},
        "account": {
            "id": "ACC-000318",
            "name": c.name,
            "short_name": c.aliases[0],
            "english_name": c.aliases[1],
            "uscc": d.p(USCC, c.uscc),
            "industry": "消费电子",
            "tel": d.p(PHONE, c.tel),
            "owner": "刘洋",
            "contacts": [
                {"name": ouy.name, "title": ouy.title, "phone": int(d.p(PHONE, ouy.mobile)),
                 "wechat": d.p(WECHAT, ouy.wechat), "qq": None, "email": d.p(EMAIL, ouy.email),
                 "tags": ["决策人", "发布会"]},
                {"name": huang.name, "title": huang.title,
                 "phone": d.p(PHONE, "+86-" + huang.mobile),
                 "wechat": d.p(WECHAT, huang.wechat), "qq": d.p(QQ, huang.qq),
                 "email": d.p(EMAIL, huang.email), "tags": ["产品资料"]},
                {"name": ma.name, "title": ma.title, "phone": int(d.p(PHONE, ma.mobile)),
                 "wechat": None, "qq": d.p(QQ, ma.qq), "email": d.p(EMAIL, ma.email),
                 "tags": ["CEO日程"]},
                {"name": lin.name, "english_name": "Lynn Lin", "title": lin.title,
                 "phone": d.p(PHONE, "+86 " + spaced(lin.mobile)),
                 "wechat": d.p(WECHAT, lin.wechat), "qq": None,
                 "email": d.p(EMAIL, lin.email), "tags": ["海外媒体"]},
            ],
            "opportunities": [
                {"id": d.n("OPP-20250402-0017"), "name": "BW Buds Pro 新品发布会",
                 "stage": "已赢单", "close_date": d.n("2025-03-28")},
            ],
        },
    }
    d.text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return d


def contacts_xml(w: World) -> Doc:
    d = Doc("项目/蓝鲸科技/通讯录.xml")
    c = w.client("蓝鲸科技")
    ouy, huang, ma, lin = w.p("欧阳菲"), w.p("黄子涵"), w.p("马俊杰"), w.p("林晓雨")
    d.text = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- 由蓝鲸科技市场部提供，{d.n("2025-04-01")} 导出，仅限项目组使用 -->
<通讯录 单位="{c.name}" 英文名="{c.aliases[1]}">
  <联系人 编号="BW-001">
    <姓名>{ouy.name}</姓名>
    <部门>品牌部</部门>
    <职务>{ouy.title}</职务>
    <手机>{d.p(PHONE, ouy.mobile)}</手机>
    <座机>{d.p(PHONE, c.tel)}</座机>
    <邮箱>{d.p(EMAIL, ouy.email)}</邮箱>
    <微信>{d.p(WECHAT, ouy.wechat)}</微信>
    <备注>发布会 &amp; 媒体专访的最终审批人</备注>
  </联系人>
  <联系人 编号="BW-002">
    <姓名>{huang.name}</姓名>
    <部门>产品市场部</部门>
    <职务>{huang.title}</职务>
    <手机>{d.p(PHONE, dashed(huang.mobile))}</手机>
    <邮箱>{d.p(EMAIL, huang.email)}</邮箱>
    <QQ>{d.p(QQ, huang.qq)}</QQ>
    <备注>产品参数以官网为准 &lt;勿引用内测数据&gt;</备注>
  </联系人>
  <联系人 编号="BW-003">
    <姓名>{ma.name}</姓名>
    <部门>总裁办</部门>
    <职务>{ma.title}</职务>
    <手机>{d.p(PHONE, ma.mobile)}</手机>
    <邮箱>{d.p(EMAIL, ma.email)}</邮箱>
  </联系人>
  <联系人 编号="BW-004">
    <姓名>{lin.name}</姓名>
    <英文名>Lynn Lin</英文名>
    <部门>国际业务部</部门>
    <职务>{lin.title}</职务>
    <手机>{d.p(PHONE, "+86 " + spaced(lin.mobile))}</手机>
    <邮箱>{d.p(EMAIL, lin.email)}</邮箱>
    <WeChat>{d.p(WECHAT, lin.wechat)}</WeChat>
  </联系人>
</通讯录>
"""
    return d


def bluewhale_brief_md(w: World) -> Doc:
    d = Doc("项目/蓝鲸科技/Bluewhale_Tech_发布会brief.md")
    c, lin, ouy, ly = w.client("蓝鲸科技"), w.p("林晓雨"), w.p("欧阳菲"), w.p("刘洋")
    d.text = f"""# Bluewhale Tech · BW Buds Pro Launch — Agency Brief

**Client:** Bluewhale Tech（{c.name}）
**Agency:** 恒远公关 Hengyuan PR
**Date:** {d.n("2025-04-03")}

## Background

Bluewhale Tech will unveil BW Buds Pro, its second-generation noise-cancelling earbuds,
on 18 April 2025 in Shenzhen. 蓝鲸科技希望借此次发布会把品牌从“性价比”升级为“专业降噪”，
同时为下半年进入东南亚市场做铺垫。

## Key messages

1. Self-developed ANC chip, up to 48 dB noise reduction.
2. 36-hour battery life with the charging case.
3. Firmware {d.n("v2.3.1")} adds multipoint connection; OTA available on launch day.

## Spokespeople

- 欧阳菲, Brand Director — Chinese-language interviews
- Lynn Lin（林晓雨）, Overseas Marketing Manager — international media

## Contacts

- Client lead: Lynn Lin, Mobile {d.p(PHONE, "+86 " + spaced(lin.mobile))},
  Email {d.p(EMAIL, lin.email)}, WeChat: {d.p(WECHAT, lin.wechat)}
- Client approval: 欧阳菲, Email {d.p(EMAIL, ouy.email)}
- Agency lead: 刘洋 Liu Yang, Mobile {d.p(PHONE, dashed(ly.mobile))}, Email {d.p(EMAIL, ly.email)}

## Timeline

| Date | Milestone |
|---|---|
| 2025-04-07 | Invitations out |
| 2025-04-16 | Rehearsal |
| 2025-04-18 | Launch event, 14:00 |
"""
    return d


# ---- 项目/云杉健康 ------------------------------------------------------------

def guest_signin_csv_gbk(w: World) -> Doc:
    """Guest list with ID numbers for the venue's security registration."""
    d = Doc("项目/云杉健康/活动执行/嘉宾签到表.csv", "gbk")
    rows = [["序号", "姓名", "单位", "职务", "手机", "身份证号", "是否住宿", "备注"]]
    guests = [
        ("上官婉清", "上海云杉健康管理有限公司", "否", "主办方"),
        ("热依拉·买买提", "上海云杉健康管理有限公司", "是", "主办方，医学内容把关"),
        ("方志远", "浦江医学研究院", "是", "主旨演讲"),
        ("冯可欣", "新锐健康报", "否", "媒体"),
        ("纪明轩", "沪上健康管理协会", "否", "圆桌嘉宾"),
        ("孙悦", "恒远公关", "是", "执行方"),
    ]
    for i, (name, org, hotel, note) in enumerate(guests, start=1):
        person = w.p(name)
        rows.append([str(i), name, org, person.title, d.p(PHONE, person.mobile),
                     d.p(RIC, w.ids[name]), hotel, note])
    d.text = csv_text(rows)
    return d


def sentiment_report_txt(w: World) -> Doc:
    d = Doc("项目/云杉健康/舆情周报_第12周.txt")
    c = w.client("云杉健康")
    d.text = f"""云杉健康舆情监测周报（2025年第12周）

监测周期：{d.n("2025-03-17")} 至 {d.n("2025-03-23")}
监测对象：{c.name}及旗下“云杉体检”“云杉家医”两个品牌
报告编号：{d.n("YQ-YS-2025-W12")}

一、总体声量
本周全网共监测到相关信息{d.n("12,486")}条，环比上升8.3%。其中新闻客户端3,102条，
微博5,877条，公众号文章1,215条，短视频平台2,292条。
正面信息占比41.2%，中性55.7%，负面3.1%。

二、重点事件
1. 3月19日，某健康类自媒体发布“体检套餐价格对比”文章，提及云杉健康“套餐溢价”，
   阅读量约8.6万，评论区以中性讨论为主，已于当日完成情况说明。
2. 3月21日，云杉健康“城市健康论坛”官宣，带动正面声量上升，单日峰值1,864条。

三、下周建议
1. 论坛预热期持续发布嘉宾海报，引导正面讨论；
2. 针对“套餐溢价”话题准备问答口径，由甲方公共事务部审核后备用。

（本报告由恒远公关舆情组出具，数据截至{d.n("2025年3月23日")} 24:00）
"""
    return d


# ---- 项目/青禾食品 ------------------------------------------------------------

def qinghe_proposal_md(w: World) -> Doc:
    d = Doc("项目/青禾食品/提案_v3.md")
    c, cj, zk = w.client("青禾食品"), w.p("陈静"), w.p("郑凯")
    d.text = f"""# 青禾食品「青禾·轻食」春季新品上市传播提案 v3

提交对象：{c.name} 品牌中心
提交日期：{d.n("2025年4月8日")}

## 一、背景与挑战

青禾集团深耕包装食品二十余年，渠道优势明显，但在25-35岁都市白领中的品牌印象偏“传统”。
本次“轻食”系列主打低糖、高蛋白，需要在3个月内建立“专业、健康、好吃”的新认知。

## 二、传播主题

**“轻一点，刚刚好”** —— 以真实白领的一周午餐为线索，讲清楚产品的营养逻辑。

## 三、传播组合

1. 达人试吃：30位美食及健身达人首发测评，覆盖小红书、抖音；
2. 媒体品鉴：邀请食品饮料条线媒体12家参加杭州工厂开放日；
3. 线下快闪：杭州、上海写字楼午餐快闪各两场。

## 四、预算

总预算 {d.n("3,600,000元")}（含税），其中达人合作占45%，线下快闪占30%，
媒体与内容占25%。首付款比例为40%，于合同签订后{d.n("15个工作日")}内支付。

## 五、联系我们

- 乙方项目负责人：陈静，手机 {d.p(PHONE, dashed(cj.mobile))}，邮箱{d.p(EMAIL, cj.email)}
- 甲方对接：郑凯（品牌中心负责人），座机 {d.p(PHONE, c.tel)}，微信号 {d.p(WECHAT, zk.wechat)}
"""
    return d


def qinghe_minutes_txt(w: World) -> Doc:
    d = Doc("项目/青禾食品/会议纪要_20250415.txt")
    c = w.client("青禾食品")
    lm, zg, zk = w.p("罗敏"), w.p("诸葛明远"), w.p("郑凯")
    d.text = f"""会议纪要｜青禾食品春季新品传播项目 周例会

时间：{d.n("2025年4月15日")} 10:00-11:30
形式：线上视频会议
与会人员：
  甲方：郑凯（品牌中心负责人）、罗敏（新媒体运营）、诸葛明远（采购经理）
  乙方：陈静（客户经理）、孙悦（策划）

一、进展同步
1. 提案第三版已通过甲方内部评审，总预算按原方案执行；
2. 达人试吃名单初稿共42人，甲方希望优先选择有健身背景的达人；
3. 工厂开放日暂定5月9日，需{c.name}行政部协调参观动线。

二、问题与决定
1. 郑凯：包装上“0蔗糖”的表述以法务意见为准，所有内容发布前须经甲方法务审核。
2. 罗敏：官方账号的首发内容由甲方发布，乙方达人内容晚于官方两小时。
3. 诸葛明远：试吃样品每人两箱，统一从杭州仓发出。

三、待办事项
1. 孙悦：4月18日前提交达人试吃名单终稿（30人）；
2. 罗敏：提供新品包装高清图，文件较大，通过QQ {d.p(QQ, lm.qq)}传输；
3. 诸葛明远：确认样品数量及寄送地址，联系电话 {d.p(PHONE, dashed(zg.mobile))}；
4. 陈静：与郑凯确认开放日流程，郑凯座机{d.p(PHONE, c.tel)}，
   手机{d.p(PHONE, zk.mobile)}（仅限紧急情况）。

下次例会：{d.n("2025-04-22")} 10:00
"""
    return d


# ---- 内部 ----------------------------------------------------------------

def newsletter_html(w: World) -> Doc:
    d = Doc("内部/newsletter.html")
    sy, zt = w.p("孙悦"), w.p("周婷")
    newsletter = d.p(EMAIL, "newsletter@hengyuan-pr.com")
    d.text = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>恒远公关内部通讯 &middot; 2025年第3期</title>
</head>
<body>
<h1>恒远公关内部通讯 <small>2025年第3期（3月）</small></h1>

<h2>项目动态</h2>
<ul>
  <li><strong>星河传媒</strong>：2025品牌焕新项目已于3月12日正式启动，第三版方案获甲方认可，发布会暂定5月20日。</li>
  <li><strong>蓝鲸科技</strong> &amp; Bluewhale Tech 海外线：BW&nbsp;Buds&nbsp;Pro 发布会4月18日在深圳举行，媒体邀约进行中。</li>
  <li>上海云杉健康管理有限公司“城市健康论坛”嘉宾确认率 &gt; 80%，感谢媒介组的支持。</li>
  <li>杭州青禾食品集团有限公司春季新品提案第三版已提交，等待甲方反馈。</li>
</ul>

<h2>归档提醒</h2>
<p>锦程文旅项目已于2024年6月结项，保密协议已于{d.n("2024年12月31日")}到期。请项目组在本月底前将共享盘中的相关资料归档，
&lt;切勿&gt;在个人电脑留存副本。</p>

<h2>新同事</h2>
<p>欢迎策划孙悦加入内容组！工位在7层B区，手机 {d.p(PHONE, spaced(sy.mobile))}，邮箱 {d.p(EMAIL, sy.email)}。</p>

<p>投稿与建议请发送至 <a href="mailto:{newsletter}?subject=%E6%8A%95%E7%A8%BF">{newsletter}</a>，
或联系行政部周婷（<a href="mailto:{d.p(EMAIL, zt.email)}">{zt.email}</a>）。</p>
<p>&copy; 2025 恒远公关 &mdash; 内部资料，请勿外传</p>
</body>
</html>
"""
    return d


def office_rules_txt(w: World) -> Doc:
    d = Doc("内部/办公室规定.txt", clean=True)
    d.text = f"""恒远公关北京办公室管理规定（2025年修订）

第一章 总则
第一条 为规范办公秩序、保障信息安全，制定本规定。本规定自{d.n("2025年3月15日")}起施行，
原《办公室管理办法》（2019年版）同时废止。

第二章 考勤
第二条 工作时间为周一至周五9:30-18:30，午休12:00-13:30。
第三条 考勤以门禁系统记录为准。系统导出的打卡时间戳格式为“年月日时分秒”，例如
{d.n("20250315093012")} 表示 {d.n("2025-03-15")} 09:30:12。
第四条 访客须在前台登记，登记编号由系统生成，格式为日期加三位序号，例如 {d.n("20250315007")}。

第三章 费用
第五条 单笔业务招待费超过{d.n("￥5,000.00")}须事先审批；部门年度费用预算合计{d.n("￥1,234,567.89")}，
由财务部按季度释放。
第六条 2025年度办公场地租金及物业费合计{d.n("12345678元")}，已纳入公司年度预算。

第四章 信息安全
第七条 客户资料只能存放在共享盘“客户资料”“项目”目录下，严禁拷贝至个人U盘或个人网盘。
第八条 办公电脑统一使用 Windows 10 专业版（内部版本 {d.n("10.0.19045")}），
Office 版本为 {d.n("16.0.17928.20114")}；请勿自行升级或卸载终端安全软件（当前版本 {d.n("v2.3.1")}）。
第九条 离职员工的门禁卡编号（如 {d.n("12039475061")}）由行政部在离职当日统一注销。

第五章 附则
第十条 本规定由行政部负责解释。
附：图书角新到《公共关系学》（第6版，ISBN {d.n("978-7-300-24686-4")}）等书籍，欢迎借阅。
"""
    return d


def invoicing_guide_txt(w: World) -> Doc:
    """Finance guide quoting rejected inputs: labelled but invalid codes."""
    d = Doc("内部/财务开票须知.txt", clean=True)
    g = w.gen
    bad_uscc_1, bad_uscc_2 = g.uscc_wrong_check("310115"), g.uscc_wrong_check("440300")
    bad_card_1 = grouped(g.luhn_invalid_card("622202", 19))
    bad_card_2 = g.luhn_invalid_card("622848", 19)
    bad_card_3 = g.luhn_invalid_card("622588", 16)
    bad_date_id = g.resident_id_bad_date("110105", "19901332")
    bad_check_id = g.resident_id_wrong_check("440305", dt.date(1991, 7, 15))
    feb30_id = g.resident_id_bad_date("320102", "19880230")
    e_invoice = g.negative_digits(20, prefix="25312000")
    d.text = f"""客户开票信息及个人劳务付款核对须知（财务部，2025年3月版）

一、统一社会信用代码（纳税人识别号）
统一社会信用代码共18位，依次为登记管理部门代码、机构类别代码、登记管理机关行政区划码、
主体标识码（组织机构代码）和校验码。开票系统会自动校验，以下为近期系统提示“校验位错误”
而被退回的录入示例，请勿直接复制使用：
  · {d.n(bad_uscc_1)}（末位校验码不符）
  · {d.n(bad_uscc_2)}（录入时抄错一位，校验失败）
录入时请注意：代码中不使用字母I、O、Z、S、V。

二、发票信息
1. 纸质专票的发票号码为8位，例如发票号码 {d.n("04400231")}；发票代码为10位，例如 {d.n("3100231130")}。
2. 数电发票号码为20位，例如 {d.n(e_invoice)}，没有发票代码。
3. 发票须在开具当月提交报销，如 {d.n("2025-03-15")} 开具的发票，须在{d.n("2025年3月31日")}前提交。

三、个人劳务费付款
1. 收款人须提供本人名下借记卡卡号。系统按卡号校验规则自动检查，以下卡号在录入时因多按、
   少按或错按数字被拒绝：
   · 卡号 {d.n(bad_card_1)}
   · 卡号 {d.n(bad_card_2)}
   · 卡号 {d.n(bad_card_3)}（信用卡，且校验不通过）
2. 收款人身份证号须与银行预留信息一致。以下为被系统拒绝的典型错误：
   · 身份证号 {d.n(bad_date_id)}（出生日期不存在）
   · 身份证号 {d.n(feb30_id)}（2月30日，出生日期不存在）
   · 身份证号 {d.n(bad_check_id)}（末位校验码错误）
3. 单笔劳务费超过{d.n("￥800.00")}的，由财务代扣代缴个人所得税。

四、其他
付款申请单编号规则为“FK+日期+序号”，例如 {d.n("FK2025031501")}。
"""
    return d


def it_log_txt(w: World) -> Doc:
    d = Doc("内部/IT运维记录.txt", clean=True)
    ticket = w.gen.negative_digits(18, prefix="202503180")
    d.text = f"""IT运维记录（2025年3月）  维护人：IT外包驻场工程师

{d.n("2025-03-03 10:12")}  会议室投影仪固件升级至 {d.n("v2.3.1")}，遥控器更换电池。
2025-03-07 15:40  7层打印机卡纸，已更换定影组件，资产编号 {d.n("HY-IT-2021-0043")}。
2025-03-12 09:05  全员电脑推送系统更新，Windows 10 内部版本由 10.0.19044 升级至 {d.n("10.0.19045")}。
2025-03-15 14:30  NAS共享盘夜间备份任务完成，日志时间戳 {d.n("20250315143022")}，备份大小 286.4 GB，
                  耗时2小时17分。
2025-03-18 11:20  外包工单 {d.n(ticket)} 已关闭：前台无线网络信号弱，加装一台AP。
2025-03-21 16:45  财务电脑更换固态硬盘，序列号 {d.n("S4EVNF0M812345K")}（旧盘已消磁）。
2025-03-28 18:00  季度巡检完成，共发现问题7项，已处理6项，剩余1项待采购（采购单号 {d.n("CG-2025-0328-02")}）。
"""
    return d


def broken_bytes_file() -> Doc:
    """A text export cut off mid-write: UTF-8, then GBK, then stray bytes."""
    raw = ("会议室预订记录（系统导出）\n三层大会议室 上午 市场部周会\n".encode()
           + "七层小会议室 下午 策划组头脑风暴\n".encode("gbk")
           + b"\xe4\xbc\n\xff\xfe\x80\x81 \xc3(\n")
    return Doc("内部/会议室预订_导出中断.txt", encoding=None, clean=True, raw=raw,
               status="error", reason="undecodable")


# ---- 行政 / 财务 / 模板 --------------------------------------------------------

def travel_documents_txt(w: World) -> Doc:
    d = Doc("行政/差旅/护照信息.txt")
    ids, pp = w.ids, w.passports
    d.text = f"""2025年5月 新加坡亚太公关峰会 出行人员证件信息
整理：行政部 周婷 ｜ 仅供订票及签证办理使用，出票后请删除本文件

一、出行人员
1. 刘洋（项目总监）
   性别：男　出生日期：1986-07-14
   身份证号：{d.p(RIC, ids["刘洋"])}
   护照号：{d.p(PASSPORT, pp["刘洋"])}　有效期至 2032-09-30
2. 陈静（客户经理）
   性别：女　出生日期：1990-11-03
   身份证号：{d.p(RIC, ids["陈静"])}
   护照号：{d.p(PASSPORT, pp["陈静"])}　有效期至 2029-04-17
   港澳通行证：{d.p(PASSPORT, w.hk_permit)}（回程经香港转机时使用）
3. 赵磊（媒介经理）
   性别：男　出生日期：1992-02-29
   身份证号：{d.p(RIC, ids["赵磊"])}
   护照号：{d.p(PASSPORT, pp["赵磊"])}　有效期至 2034-01-08

二、随行客户
张伟（北京星河传媒有限公司 市场部总监），签证由甲方自行办理，订票信息如下：
   身份证号：{d.p(RIC, ids["张伟"])}
   护照号：{d.p(PASSPORT, pp["张伟"])}

三、待补充
吴昊（财务经理）暂定同行，目前只提供了身份证：{d.p(RIC, w.legacy_id)}（15位旧证号），
已提醒其尽快换领第二代身份证并补交护照信息。
"""
    return d


def flight_order_txt(w: World) -> Doc:
    d = Doc("行政/差旅/机票订单.txt", clean=True)
    g = w.gen
    order = g.negative_digits(18, prefix="20250320")
    ticket = g.negative_digits(10, prefix="2")
    tracking = g.negative_digits(13, prefix="2")
    d.text = f"""【商旅订单确认】新加坡亚太公关峰会 团队机票

订单号：{d.n(order)}
预订时间：2025-03-20 16:35:12
出票时间戳：{d.n("20250320163512")}

航段1：CA975 北京首都T3 → 新加坡樟宜T1  {d.n("2025-05-12")} 09:05 起飞 / 15:20 到达
航段2：CA976 新加坡樟宜T1 → 北京首都T3  2025-05-16 16:50 起飞 / 22:55 到达

乘机人：刘洋、陈静、赵磊（证件信息由行政部另行提供）
电子客票号：{d.n("999-" + ticket)}（3张连号）
订单总额：{d.n("￥18,630.00")}（含税费￥3,912.00）

行程单寄送：顺丰单号 {d.n(tracking)}，预计3月22日送达行政部。
如需改签，请于起飞前48小时联系行政部。
"""
    return d


def courier_log_csv(w: World) -> Doc:
    d = Doc("行政/快递寄送记录.csv", "utf-8-sig")
    g = w.gen
    rows = [["寄件日期", "快递公司", "运单号", "收件人", "收件单位", "收件电话", "寄件物品", "备注"]]
    entries = [
        ("2025-03-05", "顺丰速运", "SF", "张伟", "星河传媒", "合同原件一式两份", "已签收"),
        ("2025-03-18", "顺丰速运", "SF", "欧阳菲", "蓝鲸科技", "发布会邀请函样品", "已签收"),
        ("2025-03-26", "京东物流", "JDV", "郑凯", "青禾食品", "提案打印稿", "已签收"),
        ("2025-04-02", "顺丰速运", "SF", "上官婉清", "云杉健康", "论坛嘉宾证",
         "首次派送失败后改寄，原顺丰单号 {old}"),
    ]
    for date, courier, prefix, name, short, item, note in entries:
        waybill = prefix + g.negative_digits(13 if prefix == "SF" else 12, prefix="3")
        if "{old}" in note:
            note = note.format(old=d.n(g.negative_digits(13, prefix="1")))
        rows.append([d.n(date), courier, d.n(waybill), name, w.client(short).name,
                     d.p(PHONE, w.p(name).mobile), item, note])
    d.text = csv_text(rows)
    return d


def payments_csv(w: World) -> Doc:
    d = Doc("财务/付款记录.csv", "utf-8-sig", newline="\r\n")
    g = w.gen
    rows = [["付款日期", "收款人", "开户行", "卡号", "金额(元)", "用途", "经办人", "银行流水号", "备注"]]
    credit_bank, credit_card = w.cards["何小璐/信用卡"]
    entries = [
        ("2025-01-15", "彭一帆", True, "8500.00", "星河传媒启动会摄影", ""),
        ("2025-02-10", "端木晴", False, "12000.00", "蓝鲸科技发布会彩排同传", ""),
        ("2025-03-05", "何小璐", True, "30000.00", "青禾食品新品试吃推广（达人稿费）",
         f"首次付款退回：对方提供的{credit_bank}卡号{d.p(CARD, grouped(credit_card))}为信用卡，无法入账"),
        ("2025-03-20", "纪明轩", False, "5000.00", "云杉健康论坛圆桌嘉宾劳务费", "已代扣个税"),
        ("2025-03-28", "孙悦", False, "1286.50", "差旅费报销", ""),
    ]
    for date, payee, spaced_out, amount, purpose, note in entries:
        bank, card = w.cards[payee]
        rows.append([d.n(date), payee, bank, d.p(CARD, grouped(card) if spaced_out else card),
                     d.n(amount), purpose, "吴昊",
                     d.n(g.negative_digits(18, prefix=date.replace("-", ""))), note])
    d.text = csv_text(rows)
    return d


def expense_claims_csv(w: World) -> Doc:
    d = Doc("财务/报销单_2025Q1.csv", "utf-8-sig", clean=True)
    g = w.gen
    rows = [["报销单号", "提交日期", "报销人", "部门", "费用类别", "发票号码", "金额(元)", "审批状态"]]
    entries = [
        ("2025-01-15", "赵磊", "媒介部", "市内交通", "46.50"),
        ("2025-01-22", "陈静", "客户部", "办公用品", "318.00"),
        ("2025-02-14", "孙悦", "策划部", "资料购买", "129.00"),
        ("2025-02-27", "刘洋", "客户部", "业务招待", "1860.00"),
        ("2025-03-06", "周婷", "行政部", "快递费", "245.00"),
        ("2025-03-19", "赵磊", "媒介部", "差旅住宿", "2376.00"),
        ("2025-03-28", "孙悦", "策划部", "差旅交通", "1286.50"),
    ]
    for i, (date, name, dept, kind, amount) in enumerate(entries, start=1):
        invoice = g.negative_digits(8, prefix="0") if i % 3 else g.negative_digits(20, prefix="25")
        rows.append([d.n(f"BX{date.replace('-', '')}{i:02d}"), d.n(date), name, dept, kind,
                     d.n(invoice), d.n(amount), "已通过" if i < 7 else "审批中"])
    d.text = csv_text(rows)
    return d


def proposal_template_md(w: World) -> Doc:
    d = Doc("模板/空白提案模板.md", clean=True)
    d.text = f"""# 【客户名称】____年度传播方案（第__版）

> 模板版本：{d.n("v1.4.2")} ｜ 最后修订：{d.n("2025-01-06")} ｜ 维护：策划组
> 文件命名：提案_v版本号.md，例如“提案_v3.md”。日期统一写作 {d.n("2025-03-15")} 或 {d.n("2025年3月15日")}。

## 一、项目背景

（简述客户所处行业、近期业务动态及本次传播需求，300字以内）

## 二、传播目标

1. 认知目标：
2. 声量目标：
3. 口碑目标：

## 三、核心策略

## 四、执行节奏

| 阶段 | 时间 | 关键动作 | 负责人 |
|---|---|---|---|
| 预热期 | yyyy-mm-dd 至 yyyy-mm-dd | | |
| 引爆期 | | | |
| 持续期 | | | |

## 五、预算

| 模块 | 金额（元） |
|---|---|
| 内容制作 | 0.00 |
| 媒体关系 | 0.00 |
| **合计** | **￥0.00** |

## 六、团队与联系方式

- 项目负责人：【姓名】，手机 {d.n("1XX-XXXX-XXXX")}，邮箱 【姓名拼音】@hengyuan-pr.com
- 甲方对接人：【姓名】【职务】

## 参考资料

- 《危机公关实务》，机械工业出版社，ISBN {d.n("978-7-111-54742-6")}
"""
    return d


def minutes_template_txt(w: World) -> Doc:
    d = Doc("模板/会议纪要模板.txt", clean=True)
    d.text = f"""会议纪要（模板 {d.n("v2.0")}）

会议主题：
会议时间：____年__月__日 __:__-__:__
会议地点：
主持人：              记录人：
与会人员：
  甲方：
  乙方：

一、会议议题
二、讨论纪要
三、待办事项
  序号 ｜ 事项 ｜ 负责人 ｜ 截止日期（格式：{d.n("2025-03-15")}）
四、下次会议安排

（纪要须在会后24小时内发出，编号规则：HY-JY-日期-序号，例如 {d.n("HY-JY-20250315-01")}）
"""
    return d


def empty_file() -> Doc:
    return Doc("空文件.txt", encoding=None, clean=True, raw=b"", status="skipped",
               reason="empty file")


def logo_png() -> Doc:
    d = Doc("内部/品牌素材/logo.png", encoding=None, clean=True, raw=png_1x1())
    d.notes.append("图像识别: image too small to hold text (1 × 1 pixels, "
                   "[ocr] min_image_px = 48), not read")
    return d


BUILDERS: list[Callable[[World], Doc]] = [
    client_directory_csv, invoice_info_txt, license_ocr_txt,
    media_list_tsv, pitch_notes_md,
    xinghe_proposal_md, xinghe_minutes_gbk, supplier_contacts_csv,
    crm_export_json, contacts_xml, bluewhale_brief_md,
    guest_signin_csv_gbk, sentiment_report_txt,
    qinghe_proposal_md, qinghe_minutes_txt,
    newsletter_html, office_rules_txt, invoicing_guide_txt, it_log_txt,
    travel_documents_txt, flight_order_txt, courier_log_csv,
    payments_csv, expense_claims_csv,
    proposal_template_md, minutes_template_txt,
    lambda w: broken_bytes_file(), lambda w: empty_file(), lambda w: logo_png(),
]


# --------------------------------------------------------------------------
# Documents in binary formats: Word, Excel, PowerPoint, PDF, mail, archives
# --------------------------------------------------------------------------
#
# Each builder writes the file with the library a real tool would use and, in
# the same calls, records in ``Doc.text`` what the scanner extracts from it, in
# the extractor's order (see scanner/scan/extract/*.py). The libraries stamp files
# with the current time and random ids; everything of the kind is pinned here.

# People first mentioned in the binary documents:
# name, title, e-mail, WeChat (drawn after the text files, see extend_world)
NEW_PEOPLE_SPECS: list[tuple[str, str, str, str]] = [
    ("苏小满", "美食博主", "sxm_foodie@163.com", "xiaoman_eats"),
]
AGENCY = "北京恒远公共关系顾问有限公司"


def extend_world(w: World) -> None:
    """Draw the values first used by the binary documents.

    Called after the text files are built, so that adding these documents did
    not change a single value of the text files.
    """
    g = w.gen
    w.agency_uscc = g.uscc("110101", g.org_code("110101", modern=True))
    agency_tel, jincheng_tel = g.local_number(), g.local_number()
    w.tels["恒远公关"] = f"010-{agency_tel[:4]} {agency_tel[4:]}"
    w.tels["锦程文旅"] = f"028-{jincheng_tel}"
    w.clients["锦程文旅"].tel = w.tels["锦程文旅"]
    w.cards["成都锦程文旅集团有限公司"] = ("中国银行成都锦江支行", g.bank_card("621661", 19))
    w.backup_mobiles["韩冰"] = g.mobile()
    w.extra_qq["宋雨桐"] = g.qq()
    for name, title, email, wechat in NEW_PEOPLE_SPECS:
        w.people[name] = Person(name, title, g.mobile(), email, wechat)


# ---- pinned timestamps and zip packages --------------------------------------

def zip_info(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    """A deflated member dated ``when``, with the same attributes on every platform."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0    # MS-DOS/Windows, as Office writes it
    info.external_attr = 0
    return info


def zip_bytes(members: Iterable[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """A ZIP archive of ``(name, data)`` members, all dated ``when``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members:
            archive.writestr(zip_info(name, when), data)
    return buf.getvalue()


def stable_zip(package: bytes, when: dt.datetime) -> bytes:
    """The same OOXML package with every part dated ``when``.

    python-docx, python-pptx and openpyxl date each zip member with the
    current time; the parts themselves are deterministic.
    """
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return zip_bytes(members, when)


def set_core_properties(props: Any, *, author: str, editor: str, title: str,
                        created: dt.datetime, modified: dt.datetime,
                        keywords: str = "", category: str = "", revision: int = 1) -> list[str]:
    """Set the core properties of a python-docx or python-pptx document.

    Returns the values the scanner reads, in its order (``属性 author``,
    ``last_modified_by``, ``title``, ``subject``, ``keywords``, ``comments``,
    ``category``). The libraries' own defaults ("generated by python-docx")
    are overwritten.
    """
    values = {"author": author, "last_modified_by": editor, "title": title, "subject": "",
              "keywords": keywords, "comments": "", "category": category}
    for name, value in values.items():
        setattr(props, name, value)
    props.created, props.modified, props.revision = created, modified, revision
    return [v for v in values.values() if v]


# ---- Word ----------------------------------------------------------------------

class WordDoc:
    """A python-docx document and, built in the same calls, the text the scanner reads.

    The body is read first, then headers and footers, comments and the
    document properties, as ``scanner/scan/extract/docx.py`` does.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.document = docx.Document()
        self.later: list[str] = []        # headers/footers, comments: read after the body
        # Chinese text in 宋体, as a Chinese Word template has it
        rpr = self.document.styles["Normal"].element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.read(text)
        self.document.add_heading(text, level)

    def paragraph(self, text: str) -> Any:
        self.doc.read(text)
        return self.document.add_paragraph(text)

    def table(self, rows: list[list[str]]) -> None:
        """A table whose first row is its header (the scanner's column context)."""
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
                self.doc.read(value)
        self.doc.column_headers += " ".join(rows[0]) + "\n"

    def header(self, text: str) -> None:
        self.document.sections[0].header.paragraphs[0].text = text
        self.later.append(text)

    def footer(self, text: str) -> None:
        self.document.sections[0].footer.paragraphs[0].text = text
        self.later.append(text)

    def comment(self, paragraph: Any, text: str, author: str, initials: str,
                when: dt.datetime) -> None:
        comment = self.document.add_comment(paragraph.runs, text=text, author=author,
                                            initials=initials)
        # python-docx stamps the current time; a naive time would be read as local time
        comment._comment_elm.date = when.replace(tzinfo=dt.UTC)
        self.later += [text, author]

    def save(self, properties: list[str], when: dt.datetime) -> None:
        """Write the package to ``doc.raw``; ``properties`` from ``set_core_properties``."""
        self.doc.read(*self.later, *properties)
        buf = io.BytesIO()
        self.document.save(buf)
        self.doc.raw = stable_zip(buf.getvalue(), when)


def xinghe_contract_docx(w: World) -> Doc:
    """Service contract: parties, bank account, contact table, footer, a reviewer's comment."""
    d = Doc("项目/星河传媒/合同/服务合同_星河传媒_2025.docx", encoding=None)
    c, zw, wf, ly, cj = (w.client("星河传媒"), w.p("张伟"), w.p("王芳"), w.p("刘洋"),
                         w.p("陈静"))
    bank, account = w.cards[c.name]
    number = d.n("HY-XH-2025-003")
    word = WordDoc(d)
    word.header(f"恒远公关 · 合同文本 · 机密 ｜ 合同编号 {number}")
    word.heading("品牌传播服务合同", level=0)
    word.paragraph(f"合同编号：{number}")
    word.paragraph(f"甲方（委托方）：{c.name}")
    word.paragraph(f"统一社会信用代码：{d.p(USCC, c.uscc)}")
    word.paragraph("住所：北京市朝阳区建国路88号现代城A座1203室")
    word.paragraph(f"乙方（服务方）：{AGENCY}")
    word.paragraph(f"统一社会信用代码：{d.p(USCC, w.agency_uscc)}")
    word.paragraph("住所：北京市东城区东直门南大街3号国华投资大厦9层")
    word.paragraph("鉴于甲方拟于2025年度开展品牌焕新传播工作，乙方具备相应的专业能力与资源，"
                   "双方经友好协商，就甲方委托乙方提供品牌传播服务事宜达成如下协议，以资共同遵守。")
    word.heading("第一条 服务内容")
    word.paragraph("1.1 年度传播策略制定、品牌焕新发布会策划与执行、媒体关系维护、舆情监测及月度报告。")
    word.paragraph("1.2 具体工作内容以双方确认的《2025品牌焕新年度传播方案（第三版）》为准。")
    word.heading("第二条 服务期限")
    word.paragraph(f"自{d.n('2025年1月1日')}起至{d.n('2025年12月31日')}止。")
    word.heading("第三条 服务费用及支付")
    word.paragraph(f"3.1 本合同服务费总额为人民币{d.n('1,280,000.00')}元（大写：壹佰贰拾捌万元整），"
                   "含6%增值税。")
    word.paragraph("3.2 甲方分三期支付：合同签订后15个工作日内支付40%，发布会结束后支付40%，"
                   "项目结项后支付20%。乙方收款账户见附件二。")
    word.paragraph(f"3.3 甲方付款账户：开户行：{bank}；账号：{d.p(CARD, account)}。")
    word.heading("第四条 保密")
    word.paragraph("双方对本合同内容及合作中知悉的对方商业信息、个人信息负有保密义务，"
                   "保密期限自本合同签订之日起至合同终止后三年。")
    word.heading("第五条 联系人")
    contacts = word.paragraph("双方指定以下人员负责本合同的日常沟通；联系方式变更的，"
                              "应在3个工作日内书面通知对方。")
    rows = [["姓名", "职务", "手机", "邮箱"]]
    for person in (zw, wf, ly, cj):
        rows.append([person.name, person.title, d.p(PHONE, person.mobile),
                     d.p(EMAIL, person.email)])
    word.table(rows)
    word.paragraph("（以下无正文）")
    word.paragraph(f"甲方（盖章）：{c.name}　　授权代表：张伟")
    word.paragraph(f"乙方（盖章）：{AGENCY}　　授权代表：刘洋")
    word.paragraph(f"签订日期：{d.n('2025年1月6日')}")
    word.footer(f"{AGENCY} ｜ 合同咨询：{d.p(PHONE, w.tels['恒远公关'])}")
    word.comment(contacts, "张伟总已确认联系人信息。盖章版扫描件请直接发他微信："
                 f"{d.p(WECHAT, zw.wechat)}", author="陈静", initials="CJ",
                 when=dt.datetime(2025, 1, 6, 11, 20))
    properties = set_core_properties(
        word.document.core_properties, author="陈静", editor="刘洋",
        title="品牌传播服务合同（星河传媒 2025）", keywords="合同;星河传媒;2025",
        category="合同", created=dt.datetime(2025, 1, 3, 10, 12),
        modified=dt.datetime(2025, 1, 6, 17, 45), revision=5)
    word.save(properties, dt.datetime(2025, 1, 6, 17, 45, 10))
    return d


def xinghe_closing_report_docx(w: World) -> Doc:
    """Last year's closing report, inside the 2024 archive."""
    d = Doc("归档/2024项目归档.zip!2024/星河传媒/结案报告.docx", encoding=None)
    c, zw, ly = w.client("星河传媒"), w.p("张伟"), w.p("刘洋")
    word = WordDoc(d)
    word.heading(f"{c.name} 2024年度品牌传播项目结案报告", level=0)
    word.paragraph(f"报告日期：{d.n('2024年12月20日')}　　编写：恒远公关 星河传媒项目组")
    word.heading("一、项目概况")
    word.paragraph("2024年度项目围绕“城市生活方式”主题，完成品牌发布会1场、媒体沙龙4场、"
                   "“城市微光”短片12支，全年全网曝光约1.06亿次，深度报道14篇。")
    word.heading("二、目标完成情况")
    word.table([["指标", "年度目标", "实际完成", "完成率"],
                ["全网曝光（亿次）", "1.0", "1.06", "106%"],
                ["深度报道（篇）", "12", "14", "117%"],
                ["负面舆情响应（小时）", "24", "6", "达成"]])
    word.heading("三、经验与建议")
    word.paragraph("星河传媒内容团队反应快、素材充足，建议2025年将媒体沙龙固定为季度机制，"
                   "并提前锁定发布会场地。")
    word.heading("四、联系人")
    word.paragraph(f"甲方对接：张伟（市场部总监），手机 {d.p(PHONE, spaced(zw.mobile))}，"
                   f"邮箱 {d.p(EMAIL, zw.email)}")
    word.paragraph(f"乙方负责人：刘洋（项目总监），邮箱 {d.p(EMAIL, ly.email)}")
    properties = set_core_properties(
        word.document.core_properties, author="刘洋", editor="刘洋", title="结案报告",
        created=dt.datetime(2024, 12, 16, 14, 2), modified=dt.datetime(2024, 12, 20, 9, 31),
        revision=3)
    word.save(properties, dt.datetime(2024, 12, 20, 9, 31, 24))
    return d


# ---- Excel ---------------------------------------------------------------------

class ExcelDoc:
    """An openpyxl workbook and the text the scanner reads from it.

    Per sheet the scanner reads the sheet name, the cells row by row and then
    the cell comments (text and author); the properties come last. Numbers are
    read as the user sees them: the int 13812345678 as ``13812345678``.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.book = openpyxl.Workbook()
        self.book.remove(self.book.active)

    def sheet(self, title: str, rows: list[list[str | int]], widths: list[int],
              hidden: bool = False) -> Any:
        sheet = self.book.create_sheet(title)
        sheet.sheet_state = "hidden" if hidden else "visible"
        self.doc.read(title)
        for row in rows:
            sheet.append(row)
            self.doc.read(*(str(value) for value in row))
        for column, width in zip(string.ascii_uppercase, widths, strict=False):
            sheet.column_dimensions[column].width = width
        self.doc.column_headers += " ".join(str(v) for v in rows[0]) + "\n"
        if hidden:
            self.doc.notes.append(f"sheet {title}: hidden sheet (scanned)")
        return sheet

    def comment(self, sheet: Any, ref: str, text: str, author: str) -> None:
        """A cell comment; call after the sheet's rows (the scanner reads them after the cells)."""
        sheet[ref].comment = Comment(text, author)
        self.doc.read(text, author)

    def save(self, *, author: str, title: str, created: dt.datetime,
             modified: dt.datetime) -> bytes:
        """The workbook's bytes. openpyxl's ``save`` stamps ``modified`` with the current
        time, so its ``ExcelWriter`` is used directly."""
        props = self.book.properties
        props.creator, props.lastModifiedBy, props.title = author, author, title
        props.created, props.modified = created, modified
        self.doc.read(author, author, title)
        buf = io.BytesIO()
        ExcelWriter(self.book, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
        return stable_zip(buf.getvalue(), modified)


def media_list_xlsx(w: World) -> Doc:
    """Q2 media list: phones typed as numbers, a hidden notes sheet, a cell comment."""
    d = Doc("媒体资源/媒体名单_2025Q2.xlsx", encoding=None)
    book = ExcelDoc(d)
    rows: list[list[str | int]] = [["姓名", "媒体", "手机", "邮箱", "微信", "备注"]]
    entries = [
        ("许文博", "财经新视界", "星河传媒发布会已邀约"),
        ("宋雨桐", "深港科技评论", "蓝鲸科技CEO专访"),
        ("韩冰", "每日消费观察", "青禾食品新品试吃"),
        ("冯可欣", "新锐健康报", "云杉健康论坛"),
        ("高翔", "城市晚报", "勿主动推送"),
        ("艾力·库尔班", "丝路商业评论", "远程采访"),
        ("潘晨", "科创前沿", "按篇约稿"),
        ("司徒静怡", "时尚生活家", "需高清图"),
    ]
    for name, outlet, note in entries:
        person = w.p(name)
        rows.append([name, outlet, int(d.p(PHONE, person.mobile)), d.p(EMAIL, person.email),
                     d.p(WECHAT, person.wechat), note])
    media = book.sheet("媒体名单", rows, widths=[12, 16, 14, 32, 20, 20])
    backup = w.backup_mobiles["韩冰"]
    book.comment(media, "C4", f"韩冰4月起常驻上海，备用手机 {d.p(PHONE, backup)}（晚8点后打这个）",
                 author="赵磊")
    book.sheet("内部备注", [
        ["日期", "记者", "备注"],
        [d.n("2025-04-03"), "宋雨桐",
         f"CEO专访资料包超过邮箱附件上限，改走QQ：{d.p(QQ, w.extra_qq['宋雨桐'])}"],
        [d.n("2025-04-08"), "高翔", "敏感选题慎重，勿主动推送"],
        [d.n("2025-04-11"), "许文博", "星河传媒发布会已口头确认出席"],
    ], widths=[12, 10, 48], hidden=True)
    d.raw = book.save(author="赵磊", title="媒体名单 2025Q2",
                      created=dt.datetime(2025, 4, 1, 9, 12),
                      modified=dt.datetime(2025, 4, 11, 18, 30, 6))
    return d


def encrypt_ooxml(package: bytes, password: str, seed: int) -> bytes:
    """``package`` password-protected (ECMA-376 agile encryption), byte-identical per seed.

    msoffcrypto-tool draws salts and keys from ``secrets`` and dates the OLE
    directory with ``datetime.now()``; both are pinned for the call. Encrypting
    twice proves it: should msoffcrypto ever draw randomness elsewhere, the
    two results differ and the generator stops instead of writing a file that
    changes on every run.
    """
    from msoffcrypto.format.ooxml import OOXMLFile
    from msoffcrypto.method import ecma376_agile
    from msoffcrypto.method.container import ecma376_encrypted

    class PinnedClock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> PinnedClock:
            return cls(2025, 4, 1, 9, 0, 0)

    def encrypt() -> bytes:
        rng = random.Random(seed)
        out = io.BytesIO()
        with mock.patch.object(ecma376_agile, "_random_buffer", rng.randbytes), \
                mock.patch.object(ecma376_encrypted, "datetime", PinnedClock):
            OOXMLFile(io.BytesIO(package)).encrypt(password, out)
        return out.getvalue()

    first, second = encrypt(), encrypt()
    if first != second:
        raise RuntimeError("msoffcrypto output is not deterministic any more")
    check = io.BytesIO()
    protected = OOXMLFile(io.BytesIO(first))
    protected.load_key(password=password)
    protected.decrypt(check)
    if check.getvalue() != package:
        raise RuntimeError("encrypted workbook does not decrypt to the original")
    return first


def encrypted_payments_xlsx(w: World) -> Doc:
    """Card numbers behind a password: the scanner cannot look inside and must say so."""
    d = Doc("财务/加密_付款明细.xlsx", encoding=None, clean=True,
            status="skipped", reason="encrypted: not scanned")
    book = ExcelDoc(Doc(d.path))       # the plain text is not scanned: no ground truth
    rows: list[list[str | int]] = [["付款日期", "收款人", "开户行", "卡号", "金额(元)", "用途"]]
    for date, payee, amount, purpose in [
        ("2025-04-08", "彭一帆", "9200.00", "蓝鲸科技发布会摄影"),
        ("2025-04-18", "端木晴", "12000.00", "蓝鲸科技发布会同传"),
        ("2025-04-25", "纪明轩", "5000.00", "云杉健康论坛嘉宾劳务费"),
    ]:
        bank, card = w.cards[payee]
        rows.append([date, payee, bank, card, amount, purpose])
    book.sheet("付款明细", rows, widths=[12, 10, 26, 24, 12, 28])
    plain = book.save(author="吴昊", title="付款明细 2025年4月",
                      created=dt.datetime(2025, 4, 8, 16, 0),
                      modified=dt.datetime(2025, 4, 25, 17, 12, 40))
    d.raw = encrypt_ooxml(plain, "Hy@2025fk", SEED)
    return d


# ---- PowerPoint ------------------------------------------------------------------

class SlideDeck:
    """A python-pptx presentation and the text the scanner reads from it.

    Per slide: each shape's text (a table cell by cell), then the speaker
    notes; the properties come last.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.prs = pptx.Presentation()

    def slide(self, layout: int, title: str, lines: Iterable[str] = ()) -> Any:
        """A slide of a default layout; ``lines`` go to its second placeholder
        (the subtitle of a title slide, the body of a content slide)."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        slide.shapes.title.text = title
        self.doc.read(title)
        lines = list(lines)
        if lines:
            frame = slide.placeholders[1].text_frame
            frame.text = lines[0]
            for line in lines[1:]:
                frame.add_paragraph().text = line
            self.doc.read("\n".join(lines))
        return slide

    def table(self, slide: Any, rows: list[list[str]]) -> None:
        shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(0.4), Inches(1.6),
                                       Inches(9.2), Inches(0.4) * len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                shape.table.cell(r, c).text = value
                self.doc.read(value)
        self.doc.column_headers += " ".join(rows[0]) + "\n"

    def notes(self, slide: Any, text: str) -> None:
        """Speaker notes; call after the slide's shapes."""
        slide.notes_slide.notes_text_frame.text = text
        self.doc.read(text)

    def save(self, properties: list[str], when: dt.datetime) -> None:
        self.doc.read(*properties)
        buf = io.BytesIO()
        self.prs.save(buf)
        self.doc.raw = stable_zip(buf.getvalue(), when)


def bluewhale_launch_pptx(w: World) -> Doc:
    """Launch plan: title slide, run-of-show table, media slide with speaker notes."""
    d = Doc("项目/蓝鲸科技/发布会方案_v2.pptx", encoding=None)
    c = w.client("蓝鲸科技")
    zl, ouy, lin, sy = w.p("赵磊"), w.p("欧阳菲"), w.p("林晓雨"), w.p("孙悦")
    deck = SlideDeck(d)
    title = deck.slide(0, "蓝鲸科技 BW Buds Pro 新品发布会",
                       [f"执行方案 v2 ｜ 恒远公关 ｜ {d.n('2025年4月3日')}"])
    deck.notes(title, "本版根据客户4月2日意见修改：流程压缩至两个半小时，增加CEO专访环节。")
    run_of_show = deck.slide(5, "活动流程（4月18日 深圳湾科技生态园）")
    deck.table(run_of_show, [
        ["时间", "环节", "负责人", "联系电话"],
        ["13:30-14:00", "嘉宾签到", "赵磊（恒远公关）", d.p(PHONE, dashed(zl.mobile))],
        ["14:00-14:10", "开场视频、主持人开场", "主持人", "—"],
        ["14:10-14:40", "BW Buds Pro 产品发布", "欧阳菲（蓝鲸科技）", d.p(PHONE, ouy.mobile)],
        ["14:40-15:10", "自研降噪芯片技术解读", "产品团队", "—"],
        ["15:10-16:00", "媒体群访、CEO专访", "林晓雨（蓝鲸科技）",
         d.p(PHONE, "+86 " + spaced(lin.mobile))],
        ["16:00-16:30", "自由体验、茶歇", "孙悦（恒远公关）", d.p(PHONE, sy.mobile)],
    ])
    media = deck.slide(1, "媒体邀约与嘉宾", [
        "邀约媒体25家、KOL 8位，截至4月3日已确认18家",
        "重点媒体：深港科技评论（CEO专访）、财经新视界、科创前沿",
        f"媒体资料包统一由 {d.p(EMAIL, 'media@bluewhale-tech.cn')} 发出，回复抄送赵磊",
        "海外媒体由 Bluewhale Tech 海外市场部林晓雨对接",
        f"伴手礼：BW Buds Pro 体验装，每人不超过{d.n('￥300.00')}",
    ])
    deck.notes(media, f"现场总控赵磊，紧急情况请拨 {d.p(PHONE, zl.mobile)}；"
               f"蓝鲸科技品牌部座机 {d.p(PHONE, c.tel)}，由欧阳菲最终拍板。")
    properties = set_core_properties(
        deck.prs.core_properties, author="赵磊", editor="刘洋",
        title="蓝鲸科技发布会执行方案 v2", created=dt.datetime(2025, 3, 27, 15, 40),
        modified=dt.datetime(2025, 4, 3, 20, 5), revision=7)
    deck.save(properties, dt.datetime(2025, 4, 3, 20, 5, 18))
    return d


# ---- PDF ---------------------------------------------------------------------------

def pdf_bytes(pages: list[list[str]], info: dict[str, str]) -> bytes:
    """A PDF in reportlab's built-in CID font STSong-Light (not embedded: every
    reader has it); an empty page gets a bar chart drawn without any text, as a
    scanned page would have. ``invariant`` pins the creation date and the file id.
    """
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setAuthor(info["author"])
    pdf.setTitle(info["title"])
    pdf.setSubject(info["subject"])
    pdf.setCreator(info["creator"])
    width, height = A4
    for lines in pages:
        if lines:
            pdf.setFont("STSong-Light", 11)
            for i, line in enumerate(lines):
                pdf.drawString(56, height - 72 - 22 * i, line)
        else:
            pdf.rect(56, height - 400, width - 112, 300)
            for i, bar in enumerate((120, 180, 150, 240, 210, 260, 230)):
                pdf.rect(80 + 60 * i, height - 390, 36, bar, fill=1)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def sentiment_report_pdf(w: World) -> Doc:
    """Week 13 report exported to PDF; page 3 is a chart without a text layer (OCR finds
    nothing in it)."""
    d = Doc("项目/云杉健康/舆情周报_第13周.pdf", encoding=None)
    c, sy, sg = w.client("云杉健康"), w.p("孙悦"), w.p("上官婉清")
    pages = [
        [
            "云杉健康舆情监测周报（2025年第13周）",
            f"监测周期：{d.n('2025-03-24')} 至 {d.n('2025-03-30')}",
            f"监测对象：{c.name}及旗下“云杉体检”“云杉家医”",
            f"报告编号：{d.n('YQ-YS-2025-W13')}",
            "一、总体声量",
            f"本周全网共监测到相关信息{d.n('13,902')}条，环比上升11.3%。",
            "其中新闻客户端3,488条，微博6,415条，公众号文章1,336条，",
            "短视频平台2,663条。正面信息占比47.6%，中性50.2%，负面2.2%。",
        ],
        [
            "二、重点事件",
            "1. 3月26日，城市健康论坛嘉宾海报发布，单日信息峰值2,317条。",
            "2. 3月28日，“体检套餐溢价”话题余温未消，已按口径回应3家媒体。",
            "三、下周建议",
            "1. 论坛倒计时海报按日发布，引导正面讨论；",
            "2. 医学内容须经云杉健康医学事务部审核后发布。",
            f"舆情组联系人：孙悦，邮箱 {d.p(EMAIL, sy.email)}",
            f"甲方对接：上官婉清（公共事务部总监），邮箱 {d.p(EMAIL, sg.email)}",
            "（声量趋势图见第3页）",
        ],
        [],
    ]
    info = {"author": "孙悦", "title": "云杉健康舆情周报 第13周", "subject": "舆情监测",
            "creator": "恒远公关舆情组"}
    for lines in pages:
        d.read("\n".join(lines))
    d.read(info["author"], info["title"], info["subject"], info["creator"])
    d.raw = pdf_bytes(pages, info)  # page 3 is read by OCR: bars, no text
    return d


# ---- mail ---------------------------------------------------------------------------

def html_body(lines: list[str], emails: list[str]) -> str:
    """The HTML alternative a Chinese mail client writes: a div per line, mailto links."""
    divs = []
    for line in lines:
        markup = html.escape(line) if line else "<br>"
        for address in emails:
            markup = markup.replace(address, f'<a href="mailto:{address}">{address}</a>')
        divs.append(f"<div>{markup}</div>")
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            "</head><body>\n" + "\n".join(divs) + "\n</body></html>\n")


def encoded_word(text: str) -> str:
    """An RFC 2047 encoded word as Foxmail and Outlook write it: ``=?gb2312?B?…?=``.

    (The standard library labels GB2312 ``eucgb2312_cn``, which no mail client does.)
    """
    return f"=?gb2312?B?{base64.b64encode(text.encode('gb2312')).decode('ascii')}?="


def mail_address(name: str, address: str) -> str:
    return f"{encoded_word(name)} <{address}>"


def mail_bytes(headers: list[tuple[str, str]], plain: str, html_text: str,
               attachment: tuple[str, str, bytes], boundaries: tuple[str, str]) -> bytes:
    """multipart/mixed(alternative(text, html), attachment) with fixed boundaries.

    Bodies are GBK in base64; the text body is labelled gb2312 although it holds
    GBK-only characters (the middle dot of 青禾·轻食), as Chinese mail clients
    send it. The attachment's name is RFC 2231-encoded, the lines end in CRLF.
    """
    text_part = MIMEText(plain, "plain", "gbk")
    text_part.set_param("charset", "gb2312")
    alternative = MIMEMultipart("alternative", boundary=boundaries[1])
    alternative.attach(text_part)
    alternative.attach(MIMEText(html_text, "html", "gbk"))
    name, mime, data = attachment
    part = MIMEBase(*mime.split("/"))
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
    for inner in (alternative, *alternative.get_payload(), part):
        del inner["MIME-Version"]                   # only the message itself has one
    message = MIMEMultipart("mixed", boundary=boundaries[0])
    for key in ("Content-Type", "MIME-Version"):   # the envelope headers come first
        del message[key]
    for key, value in headers:
        message[key] = value
    message["MIME-Version"] = "1.0"
    message["Content-Type"] = f'multipart/mixed; boundary="{boundaries[0]}"'
    message.attach(alternative)
    message.attach(part)
    return message.as_bytes(policy=compat32.clone(linesep="\r\n"))


def guest_confirmation_eml(w: World) -> Doc:
    """A client's reply with the guest list attached; Chinese names in encoded words."""
    d = Doc("项目/青禾食品/邮件/RE_发布会嘉宾确认.eml", encoding=None)
    c = w.client("青禾食品")
    zk, lm, zg, cj, zl = w.p("郑凯"), w.p("罗敏"), w.p("诸葛明远"), w.p("陈静"), w.p("赵磊")
    subject = "RE: 发布会嘉宾确认"
    sender, to = (zk.name, zk.email), (cj.name, cj.email)
    cc = [(lm.name, lm.email), (zl.name, zl.email)]
    # what the scanner reads from the headers (display names decoded)
    d.read(f"{zk.name} <{d.p(EMAIL, zk.email)}>", f"{cj.name} <{d.p(EMAIL, cj.email)}>",
           ", ".join(f"{n} <{d.p(EMAIL, e)}>" for n, e in cc), subject)
    lines = [
        "陈静，你好：",
        "",
        "嘉宾名单我们这边已经确认，见附件《嘉宾名单.csv》，共6位，其中两位媒体老师由贵司赵磊邀约。",
        "",
        "几点补充：",
        f"1. 发布会当天样品由诸葛明远负责，他的手机 {d.p(PHONE, dashed(zg.mobile))}，物料进场请直接联系他；",
        f"2. 新品资料包请发罗敏邮箱 {d.p(EMAIL, lm.email)}，她负责官方账号首发；",
        f"3. 流程有调整可以直接加我微信 {d.p(WECHAT, zk.wechat)}，比邮件快。",
        "",
        "嘉宾住宿统一安排在西湖边的酒店，费用由青禾食品承担。",
        "",
        "郑凯",
        "品牌中心负责人",
        c.name,
        f"电话：{d.p(PHONE, c.tel)}　地址：杭州市西湖区文三路398号青禾大厦",
        "",
        "------------------ 原始邮件 ------------------",
        f'发件人: "陈静"<{cj.email}>;',
        f"发送时间: {d.n('2025年4月21日')}(星期一) 下午6:05",
        f'收件人: "郑凯"<{zk.email}>;',
        "主题: 发布会嘉宾确认",
        "",
        "郑总您好，附上5月9日工厂开放日暨「青禾·轻食」新品发布会的嘉宾名单初稿，请您确认。",
        f"陈静 ｜ 恒远公关 客户经理 ｜ 手机 {d.p(PHONE, cj.mobile)}",
    ]
    plain = "\r\n".join(lines) + "\r\n"
    d.read("\n".join(lines))                               # 邮件正文
    d.read("text/html; charset=gbk")                        # 邮件正文 (HTML): <meta content>
    d.read("\n".join(line for line in lines if line))
    d.read(*(f"mailto:{e}" for e in (lm.email, cj.email, zk.email)))
    guests = [["序号", "姓名", "单位", "职务", "手机", "邮箱", "备注"]]
    for i, (name, org, note) in enumerate([
        ("郑凯", c.name, "主办方致辞"),
        ("罗敏", c.name, "官方账号直播"),
        ("诸葛明远", c.name, "样品及物料"),
        ("韩冰", "每日消费观察", "媒体，赵磊邀约"),
        ("司徒静怡", "时尚生活家", "媒体，赵磊邀约"),
        ("苏小满", "自媒体", "达人试吃"),
    ], start=1):
        person = w.p(name)
        guests.append([str(i), name, org, person.title, d.p(PHONE, person.mobile),
                       d.p(EMAIL, person.email), note])
    guest_csv = csv_text(guests).replace("\n", "\r\n")
    d.read(*(cell for row in guests for cell in row))      # 附件 嘉宾名单.csv
    d.column_headers = guest_csv.split("\r\n", 1)[0]
    headers = [
        ("From", mail_address(*sender)),
        ("To", mail_address(*to)),
        ("Cc", ", ".join(mail_address(*a) for a in cc)),
        ("Subject", encoded_word(subject)),
        ("Date", "Tue, 22 Apr 2025 16:42:18 +0800"),
        ("Message-ID", "<202504221642183611731@qinghe-foods.com>"),
        ("In-Reply-To", "<20250421180512.7C1D@hengyuan-pr.com>"),
        ("References", "<20250421180512.7C1D@hengyuan-pr.com>"),
        ("X-Mailer", "Foxmail 7.2.25.375[cn]"),
    ]
    d.raw = mail_bytes(headers, plain, html_body(lines, [lm.email, cj.email, zk.email]),
                       ("嘉宾名单.csv", "text/csv", guest_csv.encode("utf-8-sig")),
                       ("----=_NextPart_6807A35A_0E3F2B10_4C1D9E77",
                        "----=_NextPart_6807A35A_0E3F2B10_1A2B3C4D"))
    return d


# ---- archive -----------------------------------------------------------------------

def jincheng_invoice_txt(w: World) -> Doc:
    """The finished client's invoicing details, moved to the archive (GBK, CRLF)."""
    d = Doc("归档/2024项目归档.zip!2024/锦程文旅/开票信息.txt", "gbk", newline="\r\n")
    c, ty = w.client("锦程文旅"), w.p("唐毅")
    bank, account = w.cards[c.name]
    d.text = f"""【{c.name}】开票信息（项目已结项，2024年7月归档）
纳税人识别号（统一社会信用代码）：{d.p(USCC, c.uscc)}
组织机构代码：{d.p(ORG, with_hyphen(c.org_code))}
地址：成都市锦江区红星路三段1号国际金融中心2号楼28层
电话：{d.p(PHONE, c.tel)}
开户行：{bank}
银行账号：{d.p(CARD, account)}
发票类型：增值税专用发票

对接人：唐毅（品牌部经理），手机 {d.p(PHONE, ty.mobile)}，邮箱 {d.p(EMAIL, ty.email)}
保密协议 {d.n(c.nda_id)} 已于{d.n("2024年12月31日")}到期，归档资料保留{c.retention_months}个月后销毁。
"""
    return d


def archive_2024_zip(w: World) -> list[Doc]:
    """2024 projects zipped for the archive: the zip itself and its members' ground truth."""
    members = [xinghe_closing_report_docx(w), jincheng_invoice_txt(w)]
    zip_path = "归档/2024项目归档.zip"
    archive = Doc(zip_path, encoding=None, clean=True)
    archive.raw = zip_bytes(((m.path.split("!", 1)[1], m.payload()) for m in members),
                            dt.datetime(2025, 1, 10, 18, 20, 4))
    return [archive, *members]


DOCUMENT_BUILDERS: list[Callable[[World], Doc | list[Doc]]] = [
    xinghe_contract_docx, media_list_xlsx, bluewhale_launch_pptx, sentiment_report_pdf,
    guest_confirmation_eml, archive_2024_zip, encrypted_payments_xlsx,
]


# --------------------------------------------------------------------------
# Ground truth: CLIENT mentions, ordering, self-audit
# --------------------------------------------------------------------------

def client_mentions(text: str, terms: list[str]) -> list[tuple[int, str]]:
    """Leftmost-longest occurrences of registry terms, as (offset, text as written).

    Like the registry recognizer: Latin letters match case-insensitively, and a
    term starting or ending with a Latin letter or digit must not continue a
    longer Latin word (Bluewhale Tech is not found in "Bluewhale Technologies").
    """
    folded = text.lower()
    by_length = sorted({t.lower() for t in terms}, key=len, reverse=True)

    def whole_word(start: int, end: int) -> bool:
        def latin(i: int) -> bool:
            return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
        return not ((latin(start) and latin(start - 1)) or (latin(end - 1) and latin(end)))

    found, i = [], 0
    while i < len(text):
        term = next((t for t in by_length
                     if folded.startswith(t, i) and whole_word(i, i + len(t))), None)
        if term is None:
            i += 1
        else:
            found.append((i, text[i:i + len(term)]))
            i += len(term)
    return found


def spans(text: str, value: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(value)) for m in re.finditer(re.escape(value), text)]


def finalize(doc: Doc, terms: list[str]) -> None:
    """Add CLIENT mentions (file name included) and order planted values by first
    appearance in the text; a value only in the file name comes last."""
    text = doc.decoded()
    for _, term in client_mentions(doc.scanned(), terms):
        doc.p(CLIENT, term)
    doc.planted.sort(key=lambda tv: text.find(tv[1]) % (len(text) + 1))


def audit(doc: Doc, terms: list[str]) -> list[str]:
    """Everything that would make the manifest dishonest for this file."""
    where = doc.path
    errors: list[str] = []
    if doc.encoding is None and not doc.extracted:
        if client_mentions(doc.scanned(), terms):   # a zip's name is read, an image's is not
            errors.append(f"{where}: client named in the name of a file without text")
        if doc.planted or doc.negatives:
            errors.append(f"{where}: binary file with ground truth")
        return errors
    header = doc.column_headers.lower()
    if doc.path.endswith((".csv", ".tsv")):
        header = doc.decoded().split("\n", 1)[0].lower()
    text = doc.scanned()
    mentioned = {term for _, term in client_mentions(text, terms)}
    if mentioned != {v for t, v in doc.planted if t == CLIENT}:
        errors.append(f"{where}: CLIENT entries differ from the mentions {sorted(mentioned)}")
    if doc.clean and doc.planted:
        errors.append(f"{where}: clean file has planted values {doc.planted}")
    if not doc.clean and not doc.planted:
        errors.append(f"{where}: nothing planted")
    ascii_text = text.translate(TO_ASCII)
    covered: list[tuple[int, int]] = []
    for entity, value in doc.planted:
        errors += [f"{where}: {p}" for p in planted_problems(entity, value, terms)]
        if doc.newline != "\n" and "\n" in value:
            errors.append(f"{where}: multi-line value in a CRLF file")
        occurrences = spans(text, value)
        if not occurrences:
            errors.append(f"{where}: planted {entity} {value!r} not in text")
        for start, end in occurrences:
            covered.append((start, end))
            before, after = text[max(0, start - 1):start], text[end:end + 1]
            touching = any(re.fullmatch(r"[0-9A-Za-z０-９]", c) for c in (before, after))
            if touching and (entity != CLIENT or value.isascii()):
                errors.append(f"{where}: {entity} {value!r} touches {before!r}/{after!r}")
            labels = LABELS.get(entity, ("身份证",) if entity == RIC and len(value) == 15 else ())
            if labels and not any(lb in text[max(0, start - 24):start].lower() or lb in header
                                  for lb in labels):
                errors.append(f"{where}: {entity} {value!r} has no label {labels} nearby")
    for value in doc.negatives:
        errors += [f"{where}: negative {value!r}: {p}" for p in negative_problems(value)]
        occurrences = spans(text, value)
        if not occurrences:
            errors.append(f"{where}: negative {value!r} not in text")
        for start, end in occurrences:
            if any(s < end and start < e for s, e in covered):
                errors.append(f"{where}: negative {value!r} overlaps a planted value")

    def is_covered(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in covered)

    # Nothing sensitive may hide outside the planted values.
    for m in re.finditer(r"(?<![0-9])[0-9]+(?![0-9])", ascii_text):
        if is_covered(m.start(), m.end()):
            continue
        errors += [f"{where}: unplanted {m.group()!r}: {p}" for p in digit_run_problems(m.group())]
        before = ascii_text[max(0, m.start() - 24):m.start()].lower()
        if 5 <= len(m.group()) <= 11 and "qq" in before:
            errors.append(f"{where}: unplanted QQ-like {m.group()!r}")
    for m in FORMATTED_NUMBER_RE.finditer(ascii_text):
        compact = re.sub(r"[^0-9]", "", m.group()).removeprefix("86")
        if is_covered(m.start(), m.end()):
            continue
        if (is_mobile(compact) or compact.startswith(("0", "400"))
                or (16 <= len(compact) <= 19 and luhn_ok(compact))):
            errors.append(f"{where}: unplanted formatted number {m.group()!r}")
    for m in re.finditer(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])", ascii_text):
        if uscc_ok(m.group()) and not is_covered(m.start(), m.end()):
            errors.append(f"{where}: unplanted USCC {m.group()!r}")
    for m in re.finditer(r"(?<![0-9A-Z])([0-9A-Z]{8})-([0-9X])(?![0-9A-Z])", ascii_text):
        if org_ok(m.group(1) + m.group(2)) and not is_covered(m.start(), m.end()):
            errors.append(f"{where}: unplanted organisation code {m.group()!r}")
    for m in EMAIL_RE.finditer(text):
        if not is_covered(m.start(), m.end()):
            errors.append(f"{where}: unplanted e-mail {m.group()!r}")
    for m in re.finditer(r"(?i)(?:微信号?|wechat)[\"'>:：\s]*([A-Za-z][A-Za-z0-9_-]{5,19})", text):
        if not is_covered(m.start(1), m.end(1)):
            errors.append(f"{where}: unplanted WeChat-like {m.group(1)!r}")
    for m in re.finditer(r"(?<![A-Za-z0-9])[EC]\d{8}(?!\d)", text):
        if not is_covered(m.start(), m.end()):
            errors.append(f"{where}: unplanted passport-like {m.group()!r}")
    if doc.path.endswith(".json"):
        json.loads(doc.decoded())
    if doc.path.endswith(".xml"):
        xml.dom.minidom.parseString(doc.payload())
    return errors


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def clients_csv(w: World) -> str:
    rows = [["name", "aliases", "uscc", "nda_id", "nda_expires", "project_end", "retention_months"]]
    for c in w.clients.values():
        rows.append([c.name, ";".join(c.aliases), c.uscc, c.nda_id, c.nda_expires,
                     c.project_end, str(c.retention_months)])
    return csv_text(rows)


def manifest_entry(d: Doc) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "encoding": d.encoding,
        "planted": [{"entity_type": t, "value": v} for t, v in d.planted],
        "negatives": d.negatives,
    }
    if d.status:
        entry.update(status=d.status, reason=d.reason)
    if d.notes:
        entry["notes"] = d.notes
    return entry


def manifest_json(docs: list[Doc]) -> str:
    manifest = {d.path: manifest_entry(d) for d in sorted(docs, key=lambda d: d.path)}
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def build_docs(world: World) -> list[Doc]:
    """Every file of the share, and every archive member, in a fixed order."""
    docs = [build(world) for build in BUILDERS]
    extend_world(world)
    for build in DOCUMENT_BUILDERS:
        built = build(world)
        docs.extend(built if isinstance(built, list) else [built])
    return docs


def main() -> int:
    world = build_world()
    docs = build_docs(world)
    terms = world.client_terms()
    for doc in docs:
        if doc.encoding is not None or doc.extracted:
            finalize(doc, terms)
    errors = [e for doc in docs for e in audit(doc, terms)]
    paths = [d.path for d in docs]
    if len(set(paths)) != len(paths):
        errors.append("duplicate paths")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1

    files = [d for d in docs if "!" not in d.path]    # members live inside their archive
    if SHARE.exists():
        shutil.rmtree(SHARE)
    for doc in files:
        target = SHARE / doc.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(doc.payload())
    CLIENTS_CSV.write_bytes(clients_csv(world).encode("utf-8"))
    MANIFEST.write_bytes(manifest_json(docs).encode("utf-8"))

    total = sum(len(d.payload()) for d in files)
    planted = sum(len(d.planted) for d in docs)
    negatives = sum(len(d.negatives) for d in docs)
    print(f"wrote {len(files)} files ({total:,} bytes) to {SHARE.relative_to(HERE.parent)}/: "
          f"{planted} planted values, {negatives} negatives")
    return 0


if __name__ == "__main__":
    sys.exit(main())
