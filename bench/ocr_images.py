"""Synthetic scans, photos and screenshots with planted client information, for OCR.

    from bench.ocr_images import generate, generate_set
    samples = generate_set(60, seed=1)      # six kinds in turn, deterministic
    sample.data, sample.truth, sample.size  # encoded file bytes, [(entity type, value)], (w, h)

What a PR firm's share holds as images, drawn with a CJK TrueType font (``find_cjk_font``):

* ``licence``: a 营业执照 copy (名称, 统一社会信用代码 with a valid GB 32100 check character,
  法定代表人, 住所, 成立日期), with its frame, QR code and red registration seal;
* ``id_card``: a resident ID card front (姓名, 性别, 民族, 出生, 住址, 公民身份号码 with a valid
  GB 11643 MOD 11-2 check digit, region and birth date agreeing with the address and 出生),
  either a skewed phone photo on a desk or a photocopy with a "仅供…使用" watermark;
* ``business_card``: name, title, company, mobile, e-mail, address; photo or flat scan;
* ``screenshot``: a WeChat-like chat (bubbles, names, phones, an address) or a mail client
  (sender, recipient, body, signature);
* ``table``: a scanned contact list, a ruled grid of 序号/姓名/单位/手机/邮箱;
* ``contract``: a contract page of paragraph text (parties, their USCC, legal representative,
  address, contact and phone, an individual party's ID number, the bank account).

The people, companies, streets and buildings are drawn from word lists written here (common
surnames and given-name characters, invented trade names): no real person's data. Region codes
and district names are real, so that ID numbers and addresses agree. Every value planted is
listed with its baomi entity type in ``Sample.truth``; a value printed in groups
(``138 1234 5678``) differs from its truth value only by white space.

Degradations are seeded and recorded in ``Sample.degradations``: 150/200/300-dpi-like
rendering, rotation (±0-3°), Gaussian blur, Gaussian noise, low contrast, grey scale, JPEG
quality 40-80; card photos are a perspective-skewed card on a desk with uneven light.
The same seed gives the same bytes. Dependencies: Pillow and numpy only (the tests import it).
"""

from __future__ import annotations

import io
import math
import os
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from recognizers.checksums import (
    USCC_ALPHABET,
    luhn_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)

# --- entity types (baomi's names) ----------------------------------------------------------

USCC = "CN_USCC"
RESIDENT_ID = "CN_RESIDENT_ID"
BANK_CARD = "CN_BANK_CARD"
PHONE = "PHONE_NUMBER"
PERSON = "PERSON"
ADDRESS = "CN_ADDRESS"
EMAIL = "EMAIL_ADDRESS"
ORGANIZATION = "ORGANIZATION"

KINDS = ("licence", "id_card", "business_card", "screenshot", "table", "contract")
DPIS = (150, 200, 300)
# paper size in millimetres of what is scanned, by (kind, variant); the image is this size
# at the sample's dpi (a scan keeps its size when rotated)
PAPER_MM = {
    ("licence", "licence"): (297.0, 210.0),  # A4 landscape
    ("id_card", "copy"): (120.0, 84.0),  # the card on a piece of the photocopy
    ("business_card", "scan"): (90.0, 54.0),
    ("table", "contacts"): (210.0, 297.0),  # A4
    ("contract", "companies"): (210.0, 297.0),
    ("contract", "individual"): (210.0, 297.0),
}
PHOTO_SIZES = ((1280, 960), (1600, 1200), (1440, 1080))  # a phone photo, as sent by chat

# --- fonts ---------------------------------------------------------------------------------

FONT_ENV = "BAOMI_CJK_FONT"
# Debian/Ubuntu paths: fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk (both layouts).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


class FontNotFoundError(FileNotFoundError):
    """No CJK TrueType font on this machine."""


def find_cjk_font(candidates: Iterable[str | os.PathLike[str]] | None = None) -> Path:
    """The first CJK TrueType/OpenType font found: ``$BAOMI_CJK_FONT`` if set, else the usual
    Debian paths. Raises ``FontNotFoundError`` naming the package to install."""
    if candidates is None:
        env = os.environ.get(FONT_ENV)
        candidates = ((env,) if env else ()) + FONT_CANDIDATES
    tried = [Path(c) for c in candidates]
    for path in tried:
        if path.is_file():
            return path
    raise FontNotFoundError(
        "no CJK TrueType font found (looked for "
        + ", ".join(str(p) for p in tried)
        + "); install one: sudo apt-get install fonts-wqy-microhei "
        "(or fonts-wqy-zenhei, fonts-noto-cjk), or set "
        + FONT_ENV
        + " to a .ttf/.ttc/.otf file with Chinese glyphs"
    )


@lru_cache(maxsize=256)
def _font(path: str, px: int, index: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, max(px, 6), index=index)
    except OSError:  # a single-face .ttf has no index 1
        return ImageFont.truetype(path, max(px, 6))


# --- word lists (invented people and companies; real region codes and district names) ------


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'王 wang 李 li' → (('王', 'wang'), ('李', 'li'))."""
    words = text.split()
    return tuple(zip(words[0::2], words[1::2], strict=True))


SURNAMES = _pairs(
    "王 wang 李 li 张 zhang 刘 liu 陈 chen 杨 yang 黄 huang 赵 zhao 吴 wu 周 zhou "
    "徐 xu 孙 sun 马 ma 朱 zhu 胡 hu 郭 guo 何 he 林 lin 罗 luo 郑 zheng 梁 liang "
    "谢 xie 宋 song 唐 tang 许 xu 韩 han 冯 feng 邓 deng 曹 cao 彭 peng 曾 zeng "
    "田 tian 董 dong 潘 pan 袁 yuan 蒋 jiang 蔡 cai 余 yu 杜 du 叶 ye 程 cheng 魏 wei "
    "苏 su 吕 lv 丁 ding 沈 shen 任 ren 姚 yao 卢 lu 钟 zhong 姜 jiang 崔 cui 谭 tan "
    "陆 lu 范 fan 汪 wang 廖 liao 金 jin 贾 jia 夏 xia 付 fu 方 fang 邹 zou 熊 xiong "
    "孟 meng 秦 qin 邱 qiu 侯 hou 尹 yin 薛 xue 闫 yan 段 duan 雷 lei 黎 li 陶 tao "
    "贺 he 顾 gu 毛 mao 郝 hao 龚 gong 邵 shao 覃 qin 钱 qian 戴 dai 严 yan 孔 kong"
)
COMPOUND_SURNAMES = _pairs("欧阳 ouyang 司马 sima 上官 shangguan 诸葛 zhuge 慕容 murong")
GIVEN = _pairs(
    "伟 wei 芳 fang 娜 na 敏 min 静 jing 丽 li 强 qiang 磊 lei 军 jun 洋 yang 勇 yong "
    "艳 yan 杰 jie 娟 juan 涛 tao 明 ming 超 chao 秀 xiu 霞 xia 平 ping 刚 gang 英 ying "
    "华 hua 玉 yu 萍 ping 鹏 peng 辉 hui 宇 yu 浩 hao 婷 ting 雪 xue 琳 lin 晨 chen "
    "欣 xin 怡 yi 佳 jia 子 zi 轩 xuan 梓 zi 涵 han 思 si 雨 yu 嘉 jia 博 bo 文 wen "
    "昊 hao 然 ran 晓 xiao 俊 jun 凯 kai 睿 rui 悦 yue 瑶 yao 颖 ying 倩 qian 蕾 lei "
    "志 zhi 建 jian 海 hai 亮 liang 峰 feng 斌 bin 玲 ling 慧 hui 丹 dan 宁 ning "
    "春 chun 梅 mei 兰 lan 冰 bing 诗 shi 若 ruo 曦 xi 泽 ze 铭 ming 航 hang 馨 xin"
)
TRADES = _pairs(
    "星河 xinghe 蓝鲸 lanjing 云杉 yunshan 青禾 qinghe 远舟 yuanzhou 柏睿 bairui "
    "沐光 muguang 知行 zhixing 鼎新 dingxin 海纳 haina 启明 qiming 衡石 hengshi "
    "澄观 chengguan 拾光 shiguang 越峰 yuefeng 清源 qingyuan 众合 zhonghe 恒泰 hengtai "
    "嘉禾 jiahe 锦程 jincheng 华颂 huasong 朗悦 langyue 睿思 ruisi 德信 dexin "
    "木棉 mumian 青藤 qingteng 砺行 lixing 和光 heguang 溪山 xishan 长风 changfeng"
)
INDUSTRIES = _pairs(
    "文化传媒 media 科技 tech 信息技术 it 品牌管理 brand 健康管理 health 生物医药 bio "
    "新能源 energy 电子商务 ec 广告 ad 会展服务 expo 教育科技 edu 投资管理 capital "
    "公关顾问 pr 数字营销 digital 食品 food"
)
COMPANY_SUFFIXES = ("有限公司", "有限公司", "股份有限公司", "有限责任公司")
# (province, city, district, 6-digit administrative division code)
REGIONS = (
    ("北京市", "", "朝阳区", "110105"),
    ("北京市", "", "海淀区", "110108"),
    ("上海市", "", "浦东新区", "310115"),
    ("上海市", "", "徐汇区", "310104"),
    ("广东省", "深圳市", "南山区", "440305"),
    ("广东省", "广州市", "天河区", "440106"),
    ("浙江省", "杭州市", "西湖区", "330106"),
    ("江苏省", "南京市", "鼓楼区", "320106"),
    ("四川省", "成都市", "武侯区", "510107"),
    ("湖北省", "武汉市", "洪山区", "420111"),
    ("福建省", "厦门市", "思明区", "350203"),
    ("陕西省", "西安市", "雁塔区", "610113"),
)
ROADS = tuple(
    "建设路 人民路 中山路 解放路 和平路 文化路 科技路 创新大道 滨江大道 学院路 光明街 "
    "新华路 青年路 东风路 长江路 黄河路 育才路 朝阳路 望京街 金融街 高新大道 软件园路".split()
)
BUILDING_KINDS = ("大厦", "中心", "广场", "国际大厦", "商务中心")
MOBILE_PREFIXES = tuple(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 "
    "166 176 177 180 181 182 185 186 187 188 189 191 198 199".split()
)
# China UnionPay issuer prefixes of large banks (IIN 62…) and their names
BANKS = (
    ("中国工商银行", "622202"),
    ("中国建设银行", "621700"),
    ("中国农业银行", "622848"),
    ("招商银行", "621483"),
    ("中国银行", "621661"),
    ("交通银行", "622262"),
)
TITLES = tuple(
    "市场总监 品牌经理 公关总监 客户经理 副总裁 媒介经理 项目总监 总经理 销售经理 "
    "高级顾问 传播总监 运营经理 创意总监 首席执行官".split()
)
NATIONS = ("汉",) * 12 + ("回", "满", "壮", "蒙古", "土家", "苗")
EVENTS = tuple("秋季新品发布会 年度品牌盛典 媒体开放日 行业峰会 周年庆典 产品体验日".split())

# --- identifiers built with the repository's check-character functions -------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def make_uscc(rng: random.Random, region_code: str) -> str:
    """GB 32100: 9 (registered by market regulation) 1 (enterprise), the 6-digit region,
    a 9-character organisation code (GB 11714 check), the MOD 31 check character."""
    org_body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
    org_check = org_code_check_char(org_body)  # a digit or X: both in the USCC alphabet
    assert org_check is not None
    body = "91" + region_code + org_body + org_check
    check = uscc_check_char(body)
    assert check is not None
    return body + check


def make_resident_id(rng: random.Random, region_code: str, birth: tuple[int, int, int], male: bool):
    """GB 11643: region, birth date, a sequence number whose last digit is odd for a man,
    the ISO 7064 MOD 11-2 check character."""
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{region_code}{birth[0]:04d}{birth[1]:02d}{birth[2]:02d}{seq:03d}"
    check = resident_id_check_char(body)
    assert check is not None
    return body + check


def make_bank_card(rng: random.Random, prefix: str, length: int = 19) -> str:
    body = prefix + _digits(rng, length - 1 - len(prefix))
    check = luhn_check_digit(body)
    assert check is not None
    return body + check


def make_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


@dataclass(frozen=True)
class Person:
    name: str
    pinyin: tuple[str, str]  # (surname, given)
    male: bool


@dataclass(frozen=True)
class Company:
    name: str
    short: str  # trade name
    domain: str


class World:
    """Random people, companies and addresses; no value repeats within one world (one image)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make: Callable[[], str]) -> str:
        for _ in range(200):
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value
        raise RuntimeError("word lists too small")

    def person(self) -> Person:
        rng = self.rng
        holder: dict[str, tuple[str, str]] = {}

        def make() -> str:
            roll = rng.random()
            sur, sur_py = rng.choice(COMPOUND_SURNAMES if roll < 0.06 else SURNAMES)
            n_given = 1 if roll > 0.62 else 2
            given = [rng.choice(GIVEN) for _ in range(n_given)]
            holder["py"] = (sur_py, "".join(py for _, py in given))
            return sur + "".join(ch for ch, _ in given)

        name = self._fresh(make)
        return Person(name, holder["py"], rng.random() < 0.5)

    def company(self, region: tuple[str, str, str, str] | None = None) -> Company:
        rng = self.rng
        holder: dict[str, str] = {}

        def make() -> str:
            trade, trade_py = rng.choice(TRADES)
            industry, industry_en = rng.choice(INDUSTRIES)
            place = region or rng.choice(REGIONS)
            city = (place[1] or place[0]).removesuffix("市").removesuffix("省")
            prefix = city if rng.random() < 0.7 else ""
            tld = rng.choice((".com", ".com.cn", ".cn"))
            holder["short"], holder["domain"] = trade, f"{trade_py}-{industry_en}{tld}"
            return prefix + trade + industry + rng.choice(COMPANY_SUFFIXES)

        name = self._fresh(make)
        return Company(name, holder["short"], holder["domain"])

    def address(self, region: tuple[str, str, str, str], residential: bool = False) -> str:
        rng = self.rng

        def make() -> str:
            province, city, district, _ = region
            head = province + city + district
            road = rng.choice(ROADS) + f"{rng.randint(1, 399)}号"
            if residential:
                n = rng.randint
                tail = rng.choice(
                    (
                        f"院{n(1, 12)}号楼{n(1, 4)}单元{n(1, 18)}0{n(1, 4)}室",
                        f"{rng.choice(TRADES)[0]}小区{n(1, 30)}栋{n(1, 30)}0{n(1, 4)}室",
                        f"{n(1, 9)}号楼{n(1, 6)}0{n(1, 4)}",
                    )
                )
            else:
                building = rng.choice(TRADES)[0] + rng.choice(BUILDING_KINDS)
                tail = building + rng.choice(
                    (
                        f"{rng.choice('ABCD')}座{rng.randint(2, 30)}0{rng.randint(1, 9)}室",
                        f"{rng.randint(2, 30)}层",
                        f"{rng.randint(1, 5)}号楼{rng.randint(2, 20)}0{rng.randint(1, 9)}室",
                    )
                )
            return head + road + tail

        return self._fresh(make)

    def email(self, person: Person, company: Company | None) -> str:
        rng = self.rng
        sur, given = person.pinyin
        local = rng.choice(
            (f"{given}.{sur}", f"{sur}{given}", f"{given[0]}{sur}", f"{sur}.{given}")
        )
        if company is None:
            domain = rng.choice(("163.com", "126.com", "qq.com", "foxmail.com", "sina.com"))
            local += str(rng.randint(1, 99))
        else:
            domain = company.domain
        return self._fresh(lambda: local + "@" + domain)

    def mobile(self) -> str:
        return self._fresh(lambda: make_mobile(self.rng))


def spaced_mobile(rng: random.Random, mobile: str) -> str:
    """How people print a mobile number: 13812345678 or 138 1234 5678."""
    return mobile if rng.random() < 0.6 else f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"


def grouped_card(rng: random.Random, card: str) -> str:
    if rng.random() < 0.5:
        return card
    return " ".join(card[i : i + 4] for i in range(0, len(card), 4))


# --- drawing -------------------------------------------------------------------------------

INK = (20, 20, 20)
PT = 25.4 / 72  # one point in millimetres


class Page:
    """An RGB canvas with its own unit (millimetres for paper, CSS pixels for screens)."""

    def __init__(self, width: float, height: float, scale: float, bg=(255, 255, 255)) -> None:
        self.scale = scale  # pixels per unit
        self.font_path = str(find_cjk_font())
        self.img = Image.new("RGB", (round(width * scale), round(height * scale)), bg)
        self.draw = ImageDraw.Draw(self.img)
        self.width, self.height = width, height

    def px(self, v: float) -> int:
        return round(v * self.scale)

    def font(self, size: float, mono: bool = False) -> ImageFont.FreeTypeFont:
        return _font(self.font_path, self.px(size), 1 if mono else 0)

    def length(self, s: str, size: float, mono: bool = False, tracking: float = 0.0) -> float:
        f = self.font(size, mono)
        return f.getlength(s) / self.scale + tracking * max(len(s) - 1, 0)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        fill=INK,
        mono: bool = False,
        bold: bool = False,
        tracking: float = 0.0,
        anchor: str = "la",
    ) -> float:
        """Draw ``s`` with its top-left at (x, y); returns its width in units."""
        f = self.font(size, mono)
        stroke = max(1, self.px(size) // 28) if bold else 0
        if not tracking:
            self.draw.text(
                (self.px(x), self.px(y)),
                s,
                font=f,
                fill=fill,
                anchor=anchor,
                stroke_width=stroke,
                stroke_fill=fill,
            )
            return f.getlength(s) / self.scale
        cx = x
        for ch in s:
            self.draw.text((self.px(cx), self.px(y)), ch, font=f, fill=fill, anchor=anchor)
            cx += f.getlength(ch) / self.scale + tracking
        return cx - x - tracking

    def centred(self, cx: float, y: float, s: str, size: float, **kw) -> None:
        tracking = kw.get("tracking", 0.0)
        w = self.length(s, size, kw.get("mono", False), tracking)
        self.text(cx - w / 2, y, s, size, **kw)

    def wrap(self, s: str, size: float, width: float, first_indent: float = 0.0) -> list[str]:
        """Break ``s`` into lines no wider than ``width`` (character by character, CJK style;
        an ASCII run such as an e-mail address or a number is not broken unless it must be)."""
        f = self.font(size)
        lines: list[str] = []
        line = ""
        avail = width - first_indent
        tokens = _wrap_tokens(s)
        for tok in tokens:
            if f.getlength(line + tok) / self.scale <= avail or not line:
                line += tok
                continue
            lines.append(line)
            line = tok.lstrip(" ")
            avail = width
        if line:
            lines.append(line)
        return lines

    def rect(self, x0, y0, x1, y1, outline=INK, width: float = 0.3, fill=None) -> None:
        self.draw.rectangle(
            (self.px(x0), self.px(y0), self.px(x1), self.px(y1)),
            outline=outline,
            width=max(1, self.px(width)),
            fill=fill,
        )

    def rounded(self, x0, y0, x1, y1, r: float, fill, outline=None) -> None:
        self.draw.rounded_rectangle(
            (self.px(x0), self.px(y0), self.px(x1), self.px(y1)),
            radius=self.px(r),
            fill=fill,
            outline=outline,
        )

    def line(self, x0, y0, x1, y1, fill=INK, width: float = 0.3) -> None:
        self.draw.line(
            (self.px(x0), self.px(y0), self.px(x1), self.px(y1)),
            fill=fill,
            width=max(1, self.px(width)),
        )


def _wrap_tokens(s: str) -> list[str]:
    """Han characters one by one; runs of ASCII letters, digits and ._@- kept together."""
    out: list[str] = []
    run = ""
    for ch in s:
        if ch.isascii() and (ch.isalnum() or ch in "._@-+"):
            run += ch
            continue
        if run:
            out.append(run)
            run = ""
        out.append(ch)
    if run:
        out.append(run)
    return out


# --- the documents -------------------------------------------------------------------------


@dataclass
class Drawn:
    """A rendered document before degradation."""

    img: Image.Image
    truth: list[tuple[str, str]]
    variant: str
    medium: str  # "scan", "photo" or "screen"
    dpi: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _date(rng: random.Random, y0: int, y1: int) -> tuple[int, int, int]:
    return rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28)


def _qr(page: Page, x: float, y: float, size: float, rng: random.Random) -> None:
    """A QR-code-like square: 25 × 25 random modules and three finder patterns."""
    n = 25
    m = size / n
    for i in range(n):
        for j in range(n):
            if rng.random() < 0.5:
                page.draw.rectangle(
                    (
                        page.px(x + i * m),
                        page.px(y + j * m),
                        page.px(x + (i + 1) * m) - 1,
                        page.px(y + (j + 1) * m) - 1,
                    ),
                    fill=INK,
                )
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        page.rect(x + fx * m, y + fy * m, x + (fx + 7) * m, y + (fy + 7) * m, fill="white", width=m)
        page.rect(
            x + (fx + 2) * m,
            y + (fy + 2) * m,
            x + (fx + 5) * m,
            y + (fy + 5) * m,
            fill=INK,
            width=m,
        )


def _seal(page: Page, cx: float, cy: float, r: float, text: str) -> None:
    """A red round seal: ring, star, the authority's name along the upper arc."""
    red = (215, 35, 35, 170)
    overlay = Image.new("RGBA", page.img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    box = (page.px(cx - r), page.px(cy - r), page.px(cx + r), page.px(cy + r))
    d.ellipse(box, outline=red, width=max(2, page.px(r * 0.06)))
    # five-pointed star
    pts = []
    for k in range(10):
        rr = r * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((page.px(cx + rr * math.cos(a)), page.px(cy + rr * math.sin(a))))
    d.polygon(pts, fill=red)
    size = r * 0.3
    f = page.font(size)
    span = math.radians(250)
    for k, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (k + 0.5) / len(text)
        glyph = Image.new("RGBA", (page.px(size * 1.4),) * 2, (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (glyph.width / 2, glyph.height / 2), ch, font=f, fill=red, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        gx = cx + (r * 0.74) * math.cos(a)
        gy = cy + (r * 0.74) * math.sin(a)
        overlay.alpha_composite(
            glyph, (page.px(gx) - glyph.width // 2, page.px(gy) - glyph.height // 2)
        )
    page.img = Image.alpha_composite(page.img.convert("RGBA"), overlay).convert("RGB")
    page.draw = ImageDraw.Draw(page.img)


def draw_licence(rng: random.Random, dpi: int, variant: str) -> Drawn:
    """营业执照（副本）, A4 landscape."""
    w = World(rng)
    region = rng.choice(REGIONS)
    company = w.company(region)
    code = make_uscc(rng, region[3])
    rep = w.person()
    address = w.address(region)
    founded = _date(rng, 2003, 2023)
    capital = rng.choice((100, 200, 500, 1000, 3000, 5000))
    page = Page(*PAPER_MM["licence", "licence"], dpi / 25.4, bg=(252, 250, 244))
    # decorative frame
    frame = (196, 150, 90)
    page.rect(8, 8, 289, 202, outline=frame, width=2.2)
    page.rect(11, 11, 286, 199, outline=frame, width=0.5)
    for k in range(24, 280, 9):
        page.draw.ellipse(
            (page.px(k), page.px(9), page.px(k + 1.6), page.px(10.6)), outline=frame, width=1
        )
    page.centred(148.5, 26, "营 业 执 照", 30 * PT, bold=True)
    page.centred(148.5, 42, "（副　　本）", 12 * PT)
    label = 10.5 * PT
    page.text(22, 26, "统一社会信用代码", label)
    page.text(22, 32, code, 12 * PT, mono=rng.random() < 0.5)
    _qr(page, 245, 20, 28, rng)
    page.text(240, 50, "扫描二维码登录国家企业", 6 * PT)
    page.text(240, 54, "信用信息公示系统了解更", 6 * PT)
    y = 66
    step = 11.5
    left = (
        ("名　　　　称", company.name),
        ("类　　　　型", "有限责任公司（自然人投资或控股）"),
        ("法定代表人", rep.name),
    )
    for key, value in left:
        page.text(24, y, key, label)
        page.text(56, y, value, label)
        y += step
    page.text(24, y, "经 营 范 围", label)
    scope = (
        "企业形象策划；市场营销策划；组织文化艺术交流活动；会议及展览服务；"
        "广告设计、代理、制作、发布；技术开发、技术咨询、技术服务；"
        "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )
    for line in page.wrap(scope, label, 88):
        page.text(56, y, line, label)
        y += 6.2
    ry = 66
    right = (
        ("注 册 资 本", f"人民币{capital}万元"),
        ("成 立 日 期", f"{founded[0]}年{founded[1]:02d}月{founded[2]:02d}日"),
        ("营 业 期 限", f"{founded[0]}年{founded[1]:02d}月{founded[2]:02d}日 至 长期"),
    )
    for key, value in right:
        page.text(156, ry, key, label)
        page.text(186, ry, value, label)
        ry += step
    page.text(156, ry, "住　　　所", label)
    for line in page.wrap(address, label, 92):
        page.text(186, ry, line, label)
        ry += 6.2
    authority = (region[1] or region[0]) + region[2] + "市场监督管理局"
    page.text(196, 170, "登 记 机 关", label)
    issued = _date(rng, max(founded[0], 2018), 2024)
    page.text(206, 186, f"{issued[0]}年{issued[1]:02d}月{issued[2]:02d}日", label)
    _seal(page, 228, 178, 19, authority)
    page.text(30, 192, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 7 * PT)
    truth = [(ORGANIZATION, company.name), (USCC, code), (PERSON, rep.name), (ADDRESS, address)]
    return Drawn(page.img, truth, "licence", "scan", dpi)


def _id_background(page: Page, rng: random.Random) -> None:
    """Pale blue-grey with wavy guilloche lines, as on the card."""
    arr = np.asarray(page.img, dtype=np.float32)
    h, w = arr.shape[:2]
    gy = np.linspace(0, 1, h)[:, None, None]
    gx = np.linspace(0, 1, w)[None, :, None]
    tint = np.array([232, 240, 248], np.float32) * (1 - gx * 0.5) + np.array(
        [246, 238, 232], np.float32
    ) * (gx * 0.5)
    arr = tint * (0.98 + 0.02 * gy)
    page.img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    page.draw = ImageDraw.Draw(page.img)
    phase = rng.uniform(0, 6.28)
    for k in range(16):
        y0 = 3 + k * 3.3
        pts = [
            (page.px(x), page.px(y0 + 1.2 * math.sin(x / 4.5 + phase + k * 0.7)))
            for x in np.linspace(0, page.width, 120)
        ]
        page.draw.line(pts, fill=(205, 220, 235), width=1)


def _render_id_card(rng: random.Random, w: World, scale: float) -> tuple[Image.Image, list]:
    region = rng.choice(REGIONS)
    person = w.person()
    birth = _date(rng, 1960, 2004)
    ric = make_resident_id(rng, region[3], birth, person.male)
    address = w.address(region, residential=True)
    page = Page(85.6, 54, scale)
    _id_background(page, rng)
    blue = (40, 90, 150)
    lab, val = 2.6, 3.3  # label and value heights in mm
    page.text(5, 6, "姓 名", lab, fill=blue)
    page.text(14, 5.6, person.name, val + 0.3)
    page.text(5, 13, "性 别", lab, fill=blue)
    page.text(14, 12.7, "男" if person.male else "女", val)
    page.text(24, 13, "民 族", lab, fill=blue)
    page.text(33, 12.7, rng.choice(NATIONS), val)
    page.text(5, 20, "出 生", lab, fill=blue)
    page.text(14, 19.7, f"{birth[0]}", val)
    page.text(26, 20, "年", lab, fill=blue)
    page.text(30.5, 19.7, f"{birth[1]}", val)
    page.text(35.5, 20, "月", lab, fill=blue)
    page.text(40, 19.7, f"{birth[2]}", val)
    page.text(45, 20, "日", lab, fill=blue)
    page.text(5, 27, "住 址", lab, fill=blue)
    y = 26.7
    for line in page.wrap(address, val, 42):
        page.text(14, y, line, val)
        y += 4.6
    page.text(5, 45.5, "公民身份号码", lab, fill=blue)
    page.text(26, 44.8, ric, 3.6, mono=True, tracking=0.25)
    # photo: grey box with a head-and-shoulders silhouette
    page.rounded(58, 7, 80, 36, 1, fill=(214, 218, 224))
    page.draw.ellipse(
        (page.px(63.5), page.px(11), page.px(74.5), page.px(24)), fill=(150, 154, 162)
    )
    page.draw.pieslice(
        (page.px(59), page.px(24), page.px(79), page.px(48)), 180, 360, fill=(150, 154, 162)
    )
    truth = [(PERSON, person.name), (ADDRESS, address), (RESIDENT_ID, ric)]
    return page.img, truth


def draw_id_card(rng: random.Random, dpi: int, variant: str) -> Drawn:
    w = World(rng)
    if variant == "photo":
        card, truth = _render_id_card(rng, w, 12.5)  # ~318 dpi, then photographed
        return Drawn(card, truth, "photo", "photo", None, {"card_px": card.size})
    # a photocopy: the card on a white sheet, grey scale, a usage watermark across it
    scale = dpi / 25.4
    card, truth = _render_id_card(rng, w, scale)
    page = Page(*PAPER_MM["id_card", "copy"], scale)
    page.img.paste(card, (page.px(17), page.px(15)))
    page.rect(17, 15, 17 + 85.6, 15 + 54, outline=(120, 120, 120), width=0.3)
    page.img = page.img.convert("L").convert("RGB")
    mark = Image.new("RGBA", page.img.size, (0, 0, 0, 0))
    md = ImageDraw.Draw(mark)
    f = page.font(6)
    purpose = rng.choice(("仅供活动报名使用", "仅供入职办理使用", "仅供差旅预订使用"))
    md.text((page.px(20), page.px(40)), purpose + "　他用无效", font=f, fill=(90, 90, 90, 110))
    mark = mark.rotate(rng.uniform(15, 25), resample=Image.Resampling.BICUBIC)
    page.img = Image.alpha_composite(page.img.convert("RGBA"), mark).convert("RGB")
    return Drawn(page.img, truth, "copy", "scan", dpi)


def _render_business_card(rng: random.Random, w: World, scale: float) -> tuple[Image.Image, list]:
    region = rng.choice(REGIONS)
    company = w.company(region)
    person = w.person()
    mobile = w.mobile()
    email = w.email(person, company)
    address = w.address(region)
    bg = rng.choice(((255, 255, 255), (250, 248, 240), (240, 245, 250)))
    accent = rng.choice(((180, 30, 40), (20, 80, 160), (30, 120, 90), (60, 60, 60)))
    page = Page(90, 54, scale, bg=bg)
    # logo: a coloured square with the trade name's first character
    page.rounded(6, 5, 14, 13, 1.2, fill=accent)
    page.text(7.1, 5.9, company.short[0], 5.6, fill=(255, 255, 255))
    page.text(16, 6.8, company.name, 3.0, fill=accent, bold=True)
    gap = rng.choice(("  ", "   ", "    "))
    name_w = page.text(8, 18, person.name, 6.0, bold=True)
    page.text(8 + name_w + 3 + len(gap), 20.2, rng.choice(TITLES), 3.2)
    page.line(8, 28, 82, 28, fill=accent, width=0.25)
    labels = rng.choice((("手机", "邮箱", "地址"), ("M", "E", "A"), ("手机", "E-mail", "地址")))
    sep = "：" if labels[0] == "手机" else ": "
    y = 31
    printed = spaced_mobile(rng, mobile)
    page.text(8, y, f"{labels[0]}{sep}{printed}", 3.0)
    page.text(8, y + 5, f"{labels[1]}{sep}{email}", 3.0)
    lines = page.wrap(f"{labels[2]}{sep}{address}", 3.0, 76)
    for k, line in enumerate(lines[:3]):
        page.text(8, y + 10 + 4.6 * k, line, 3.0)
    truth = [
        (PERSON, person.name),
        (ORGANIZATION, company.name),
        (PHONE, mobile),
        (EMAIL, email),
        (ADDRESS, address),
    ]
    return page.img, truth


def draw_business_card(rng: random.Random, dpi: int, variant: str) -> Drawn:
    w = World(rng)
    if variant == "photo":
        card, truth = _render_business_card(rng, w, 12.5)
        return Drawn(card, truth, "photo", "photo", None, {"card_px": card.size})
    card, truth = _render_business_card(rng, w, dpi / 25.4)  # PAPER_MM: the card's size
    return Drawn(card, truth, "scan", "scan", dpi)


def _chat(rng: random.Random, scale: float) -> Drawn:
    w = World(rng)
    contact = w.person()
    me = w.person()
    guest = w.person()
    company = w.company()
    region = rng.choice(REGIONS)
    address = w.address(region)
    phone_contact, phone_guest = w.mobile(), w.mobile()
    messages = [
        (
            "time",
            f"{rng.choice(('昨天', '星期二', '上午'))} {rng.randint(8, 11)}:{rng.randint(10, 59)}",
        ),
        (
            "left",
            f"你好，我是{company.name}的{contact.name}，负责这次{rng.choice(EVENTS)}的媒体邀约。",
        ),
        ("right", "你好，收到。嘉宾名单今天能定吗？"),
        ("left", f"嘉宾{guest.name}的电话：{spaced_mobile(rng, phone_guest)}，麻烦联系一下"),
        ("right", "好的，物料寄到哪里？"),
        ("left", f"收件地址：{address}，{me.name}收，{phone_contact}"),
        ("right", rng.choice(("收到，谢谢！", "好的，明天下午寄出", "没问题"))),
    ]
    truth = [
        (PERSON, contact.name),
        (PERSON, me.name),
        (PERSON, guest.name),
        (ORGANIZATION, company.name),
        (PHONE, phone_guest),
        (PHONE, phone_contact),
        (ADDRESS, address),
    ]
    width = 390.0
    page = Page(width, 760, scale, bg=(237, 237, 237))
    page.rect(0, 0, width, 88, outline=(237, 237, 237), fill=(237, 237, 237), width=0.5)
    page.text(20, 14, f"{rng.randint(9, 18)}:{rng.randint(10, 59)}", 15, bold=True)
    page.rect(340, 17, 366, 29, outline=INK, width=1.2)
    page.draw.rectangle((page.px(342), page.px(19), page.px(358), page.px(27)), fill=INK)
    page.text(16, 52, "<", 20)
    page.centred(width / 2, 52, contact.name, 17, bold=True)
    page.text(350, 50, "···", 18)
    page.line(0, 88, width, 88, fill=(214, 214, 214), width=0.6)
    y = 104.0
    size = 16.0
    avatars = {"left": (120, 160, 210), "right": (230, 170, 110)}
    for side, text in messages:
        if side == "time":
            page.centred(width / 2, y, text, 12, fill=(150, 150, 150))
            y += 30
            continue
        lines = page.wrap(text, size, 240)
        bw = max(page.length(line, size) for line in lines) + 24
        bh = len(lines) * 23 + 18
        if side == "left":
            page.rounded(12, y, 52, y + 40, 4, fill=avatars[side])
            x0 = 62
            page.rounded(x0, y, x0 + bw, y + bh, 5, fill=(255, 255, 255))
        else:
            page.rounded(width - 52, y, width - 12, y + 40, 4, fill=avatars[side])
            x0 = width - 62 - bw
            page.rounded(x0, y, x0 + bw, y + bh, 5, fill=(149, 236, 105))
        for k, line in enumerate(lines):
            page.text(x0 + 12, y + 10 + 23 * k, line, size)
        y += bh + 18
    page.rect(0, 760 - 56, width, 760, outline=(246, 246, 246), fill=(246, 246, 246), width=0.5)
    page.rounded(52, 760 - 46, width - 90, 760 - 12, 4, fill=(255, 255, 255))
    img = page.img.crop((0, 0, page.img.width, min(page.img.height, page.px(y + 70))))
    return Drawn(img, truth, "chat", "screen", None, {"css_scale": scale})


def _mail(rng: random.Random, scale: float) -> Drawn:
    w = World(rng)
    sender, recipient, guest = w.person(), w.person(), w.person()
    company, client = w.company(), w.company()
    region = rng.choice(REGIONS)
    address = w.address(region)
    sender_mail, recipient_mail = w.email(sender, company), w.email(recipient, client)
    phone, guest_phone = w.mobile(), w.mobile()
    width, height = 860.0, 620.0
    page = Page(width, height, scale)
    page.rect(0, 0, width, 44, outline=(242, 244, 247), fill=(242, 244, 247), width=0.5)
    x = 16.0
    for button in ("回复", "全部回复", "转发", "删除", "标记"):
        x += page.text(x, 13, button, 13, fill=(60, 60, 60)) + 22
    event = rng.choice(EVENTS)
    page.text(24, 62, f"关于{event}嘉宾名单的确认", 19, bold=True)
    y = 100.0
    grey = (110, 110, 110)
    for key, value in (
        ("发件人：", f"{sender.name} <{sender_mail}>"),
        ("收件人：", f"{recipient.name} <{recipient_mail}>"),
        (
            "时　间：",
            f"2024年{rng.randint(1, 12)}月{rng.randint(1, 28)}日 "
            f"{rng.randint(9, 18)}:{rng.randint(10, 59)}",
        ),
    ):
        page.text(24, y, key, 13, fill=grey)
        page.text(86, y, value, 13)
        y += 24
    page.line(24, y + 4, width - 24, y + 4, fill=(225, 225, 225), width=1)
    y += 22
    body = [
        f"{recipient.name}您好：",
        f"附件是{event}的嘉宾名单，请查收。其中嘉宾{guest.name}（手机{guest_phone}）需要安排接送，"
        f"到场时间另行确认。",
        "如有问题请随时联系，谢谢！",
        "",
        sender.name,
        f"{rng.choice(TITLES)} | {company.name}",
        f"手机：{spaced_mobile(rng, phone)}",
        f"地址：{address}",
    ]
    for para in body:
        for line in page.wrap(para, 14, width - 60) or [""]:
            page.text(24, y, line, 14)
            y += 24
    truth = [
        (PERSON, sender.name),
        (PERSON, recipient.name),
        (PERSON, guest.name),
        (EMAIL, sender_mail),
        (EMAIL, recipient_mail),
        (PHONE, guest_phone),
        (PHONE, phone),
        (ADDRESS, address),
        (ORGANIZATION, company.name),
    ]
    img = page.img.crop((0, 0, page.img.width, min(page.img.height, page.px(y + 20))))
    return Drawn(img, truth, "mail", "screen", None, {"css_scale": scale})


def draw_screenshot(rng: random.Random, dpi: int, variant: str) -> Drawn:
    if variant == "chat":
        return _chat(rng, rng.choice((1.5, 2.0, 2.5)))
    return _mail(rng, rng.choice((1.0, 1.25, 1.5)))


def draw_table(rng: random.Random, dpi: int, variant: str) -> Drawn:
    """A printed contact list, A4 portrait, scanned."""
    w = World(rng)
    page = Page(*PAPER_MM["table", "contacts"], dpi / 25.4)
    event = rng.choice(EVENTS)
    page.centred(105, 20, f"{rng.randint(2022, 2025)}年{event}媒体嘉宾联络表", 16 * PT, bold=True)
    cols = (("序号", 12), ("姓名", 24), ("单位", 62), ("手机", 36), ("邮箱", 56))
    x0, y0, row_h = 10.0, 36.0, 9.5
    size = 10 * PT
    n_rows = rng.randint(7, 13)
    truth: list[tuple[str, str]] = []
    rows = []
    for k in range(n_rows):
        person = w.person()
        company = w.company()
        mobile = w.mobile()
        email = w.email(person, company if rng.random() < 0.7 else None)
        rows.append((str(k + 1), person.name, company.name, mobile, email))
        truth += [(PERSON, person.name), (ORGANIZATION, company.name), (PHONE, mobile)]
        truth.append((EMAIL, email))
    width = sum(c[1] for c in cols)
    for r in range(n_rows + 2):
        page.line(x0, y0 + r * row_h, x0 + width, y0 + r * row_h, width=0.3)
    x = x0
    for _, cw in cols:
        page.line(x, y0, x, y0 + (n_rows + 1) * row_h, width=0.3)
        x += cw
    page.line(x, y0, x, y0 + (n_rows + 1) * row_h, width=0.3)
    for r, cells in enumerate([tuple(c[0] for c in cols), *rows]):
        x = x0
        for (_, cw), cell in zip(cols, cells, strict=True):
            cell_size = size
            while page.length(cell, cell_size) > cw - 2.5 and cell_size > 6 * PT:
                cell_size -= 0.5 * PT
            page.text(x + 1.5, y0 + (r + 0.5) * row_h, cell, cell_size, bold=r == 0, anchor="lm")
            x += cw
    maker = w.person()
    page.text(x0, y0 + (n_rows + 1) * row_h + 8, f"制表人：{maker.name}", size)
    page.text(
        x0 + 120,
        y0 + (n_rows + 1) * row_h + 8,
        f"日期：{rng.randint(2022, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        size,
    )
    truth.append((PERSON, maker.name))
    return Drawn(page.img, truth, "contacts", "scan", dpi)


def draw_contract(rng: random.Random, dpi: int, variant: str) -> Drawn:
    """A page of a contract: parties, then clauses; A4 portrait, scanned."""
    w = World(rng)
    region_a, region_b = rng.choice(REGIONS), rng.choice(REGIONS)
    a = w.company(region_a)
    a_code, a_rep, a_addr = make_uscc(rng, region_a[3]), w.person(), w.address(region_a)
    a_contact, a_phone = w.person(), w.mobile()
    truth: list[tuple[str, str]] = [
        (ORGANIZATION, a.name),
        (USCC, a_code),
        (PERSON, a_rep.name),
        (ADDRESS, a_addr),
        (PERSON, a_contact.name),
        (PHONE, a_phone),
    ]
    lines = [
        f"甲方：{a.name}",
        f"统一社会信用代码：{a_code}",
        f"法定代表人：{a_rep.name}",
        f"住所：{a_addr}",
        f"联系人：{a_contact.name}　联系电话：{spaced_mobile(rng, a_phone)}",
        "",
    ]
    bank, prefix = rng.choice(BANKS)
    card = make_bank_card(rng, prefix, rng.choice((16, 19)))
    individual = variant == "individual"
    if individual:
        title = rng.choice(("艺人合作协议", "嘉宾出席协议", "自媒体推广合作协议"))
        b = w.person()
        birth = _date(rng, 1975, 2002)
        b_id = make_resident_id(rng, region_b[3], birth, b.male)
        b_addr, b_phone = w.address(region_b, residential=True), w.mobile()
        lines += [
            f"乙方：{b.name}",
            f"身份证号码：{b_id}",
            f"住址：{b_addr}",
            f"手机：{spaced_mobile(rng, b_phone)}",
        ]
        truth += [(PERSON, b.name), (RESIDENT_ID, b_id), (ADDRESS, b_addr), (PHONE, b_phone)]
        payee = b.name
    else:
        title = rng.choice(("保密协议", "品牌传播服务合同", "活动执行服务合同"))
        b = w.company(region_b)
        b_code, b_rep, b_addr = make_uscc(rng, region_b[3]), w.person(), w.address(region_b)
        lines += [
            f"乙方：{b.name}",
            f"统一社会信用代码：{b_code}",
            f"法定代表人：{b_rep.name}",
            f"住所：{b_addr}",
        ]
        truth += [(ORGANIZATION, b.name), (USCC, b_code), (PERSON, b_rep.name), (ADDRESS, b_addr)]
        payee = b.name
    truth.append((BANK_CARD, card))
    clauses = [
        "鉴于甲方拟委托乙方提供品牌传播及活动执行相关服务，双方本着平等自愿、诚实信用的原则，"
        "经友好协商，就有关事宜达成如下条款，以资共同遵守。",
        "第一条　乙方应按照甲方确认的方案提供服务，服务内容、时间及交付标准以双方书面确认的"
        "工作单为准。未经甲方书面同意，乙方不得将本协议项下的工作转委托第三方。",
        "第二条　双方对在合作过程中知悉的对方商业秘密、客户信息及未公开的经营信息负有保密义务，"
        "保密期限自本协议签署之日起至相关信息依法公开之日止，不因本协议终止而失效。",
        f"第三条　甲方应于收到乙方开具的合法发票后十五个工作日内，将服务费支付至乙方指定账户。"
        f"户名：{payee}；开户行：{bank}{(region_b[1] or region_b[0])}分行；"
        f"账号：{grouped_card(rng, card)}。",
        "第四条　任何一方违反本协议约定，应赔偿守约方因此遭受的全部损失，包括但不限于诉讼费、"
        "律师费及合理的调查费用。",
    ]
    page = Page(*PAPER_MM["contract", variant], dpi / 25.4)
    page.centred(105, 22, title, 18 * PT, bold=True)
    page.text(150, 36, f"合同编号：{rng.randint(2022, 2025)}-{rng.randint(100, 999)}", 9 * PT)
    size = 11 * PT
    y = 46.0
    lead = size * 1.75
    for line in lines:
        if line:
            for part in page.wrap(line, size, 170):
                page.text(22, y, part, size)
                y += lead
        else:
            y += lead * 0.5
    y += lead * 0.5
    for para in clauses:
        for k, part in enumerate(page.wrap(para, size, 166, first_indent=size * 2)):
            page.text(22 + (size * 2 if k == 0 else 0), y, part, size)
            y += lead
        y += lead * 0.3
    page.centred(105, 282, f"第 {rng.randint(1, 3)} 页 共 {rng.randint(3, 6)} 页", 9 * PT)
    return Drawn(page.img, truth, "individual" if individual else "companies", "scan", dpi)


DRAW: dict[str, Callable[[random.Random, int, str], Drawn]] = {
    "licence": draw_licence,
    "id_card": draw_id_card,
    "business_card": draw_business_card,
    "screenshot": draw_screenshot,
    "table": draw_table,
    "contract": draw_contract,
}
VARIANTS: dict[str, tuple[str, ...]] = {
    "licence": ("licence",),
    "id_card": ("photo", "copy"),
    "business_card": ("photo", "scan"),
    "screenshot": ("chat", "mail"),
    "table": ("contacts",),
    "contract": ("companies", "individual"),
}

# --- degradations --------------------------------------------------------------------------


def _perspective_coefficients(
    dst: Sequence[tuple[float, float]], src: Sequence[tuple[float, float]]
) -> list[float]:
    """Coefficients for Pillow's PERSPECTIVE transform mapping output points ``dst`` to input
    points ``src``."""
    rows = []
    rhs = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs))]


def _to_image(arr: np.ndarray, mode: str = "RGB") -> Image.Image:
    return Image.fromarray(np.clip(arr, 0, 255, out=arr).astype(np.uint8), mode)


def photograph(card: Image.Image, rng: random.Random, nrng: np.random.Generator) -> tuple:
    """The card lying on a desk, shot at an angle: perspective skew, shadow, uneven light."""
    W, H = rng.choice(PHOTO_SIZES)
    desk = np.array(
        rng.choice(((120, 92, 70), (170, 160, 150), (70, 72, 80), (200, 190, 170))), np.float32
    )
    grain = nrng.standard_normal((H, W, 1), dtype=np.float32) * np.float32(6)
    cw = W * rng.uniform(0.62, 0.8)
    ch = cw * card.height / card.width
    cx, cy = W / 2 + rng.uniform(-0.05, 0.05) * W, H / 2 + rng.uniform(-0.05, 0.05) * H
    angle = math.radians(rng.uniform(-6, 6))
    j = 0.07  # corner jitter, a share of the card's width
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = sx * cw / 2, sy * ch / 2
        x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
        corners.append((cx + x + rng.uniform(-j, j) * cw, cy + y + rng.uniform(-j, j) * cw))
    src = ((0, 0), (card.width, 0), (card.width, card.height), (0, card.height))
    coeffs = _perspective_coefficients(corners, src)
    warped = card.transform((W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    mask = Image.new("L", card.size, 255).transform(
        (W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR
    )
    # a soft shadow down and to the right (blurred at a quarter of the size: cheaper)
    small = mask.resize((W // 4, H // 4), Image.Resampling.BILINEAR)
    shadow = small.filter(ImageFilter.GaussianBlur(W / 480)).resize((W, H))
    shift = int(W / 150)
    shade = np.roll(np.asarray(shadow, np.float32), (shift, shift), axis=(0, 1))
    shade = (1 - 0.45 / 255 * shade)[..., None]
    canvas = _to_image((desk + grain) * shade)
    canvas.paste(warped, (0, 0), mask)
    # light falls off from one point
    lx, ly = rng.uniform(0, W), rng.uniform(0, H)
    yy, xx = np.ogrid[0:H, 0:W]
    dist = np.hypot(xx.astype(np.float32) - lx, yy.astype(np.float32) - ly)
    light = np.float32(1.08) - np.float32(rng.uniform(0.2, 0.4) / math.hypot(W, H)) * dist
    arr = np.asarray(canvas, np.float32) * light[..., None]
    return _to_image(arr), {"photo_px": (W, H), "skew_deg": round(math.degrees(angle), 2)}


def degrade(drawn: Drawn, rng: random.Random, nrng: np.random.Generator):
    """Apply the medium's degradations; returns (encoded bytes, format, size, parameters)."""
    img = drawn.img
    params: dict[str, object] = {"medium": drawn.medium}
    if drawn.dpi:
        params["dpi"] = drawn.dpi
    params.update(drawn.extra)
    if drawn.medium == "photo":
        img, photo = photograph(img, rng, nrng)
        params.update(photo)
        blur = rng.uniform(0.3, 1.3)
        sigma = rng.uniform(2, 8)
        contrast = 1.0
        quality: int | None = rng.randint(40, 80)
    elif drawn.medium == "screen":
        # pasted into a document and scaled down, text still at least its CSS size
        factor = max(rng.uniform(0.55, 1.0), 1.0 / float(drawn.extra["css_scale"]))
        size = (round(img.width * factor), round(img.height * factor))
        img = img.resize(size, Image.Resampling.LANCZOS)
        params["resize"] = round(factor, 3)
        blur, sigma, contrast = 0.0, 0.0, 1.0
        quality = rng.randint(40, 80) if rng.random() < 0.6 else None
    else:
        angle = rng.uniform(-3, 3)
        params["rotate_deg"] = round(angle, 2)
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
        dpi = drawn.dpi or 200
        blur = rng.uniform(0.0, 1.0) * dpi / 200
        sigma = rng.uniform(0, 12)
        contrast = rng.uniform(0.45, 0.7) if rng.random() < 0.3 else rng.uniform(0.85, 1.0)
        quality = rng.randint(40, 80) if rng.random() < 0.8 else None
        if rng.random() < 0.5:
            img = img.convert("L")
            params["grey"] = True
    if blur > 0.05:
        img = img.filter(ImageFilter.GaussianBlur(blur))
        params["blur"] = round(blur, 2)
    if contrast < 1.0 or sigma > 0:
        arr = np.array(img, np.float32)
        if contrast < 1.0:
            # paper greyer, ink lighter: the range shrinks towards a light grey
            arr = 200 + (arr - 200) * contrast + (255 - 200) * (1 - contrast) * 0.5
            params["contrast"] = round(contrast, 2)
        if sigma > 0:
            arr += nrng.standard_normal(arr.shape, dtype=np.float32) * np.float32(sigma)
            params["noise_sigma"] = round(sigma, 1)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)
    out = io.BytesIO()
    if quality is not None:
        img.save(out, "JPEG", quality=quality)
        params["jpeg_quality"] = quality
        fmt = "JPEG"
    else:
        img.save(out, "PNG", compress_level=1)  # fast; the pixels are what matter
        fmt = "PNG"
    return out.getvalue(), fmt, img.size, params


# --- samples -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One generated image and what was planted in it."""

    kind: str
    variant: str
    seed: int
    truth: tuple[tuple[str, str], ...]  # (entity type, value), each once
    data: bytes  # the encoded file, as it would lie on a share
    format: str  # "PNG" or "JPEG"
    size: tuple[int, int]  # (width, height) of the image in ``data``
    degradations: dict[str, object]

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.variant}-{self.seed}.{'jpg' if self.format == 'JPEG' else 'png'}"

    def image(self) -> Image.Image:
        img = Image.open(io.BytesIO(self.data))
        img.load()
        return img


def generate(kind: str, seed: int, variant: str | None = None, dpi: int | None = None) -> Sample:
    """One sample of ``kind``; the same arguments give the same bytes. Without ``variant``,
    consecutive runs of ``len(KINDS)`` seeds take the kind's variants in turn; without
    ``dpi``, the seed picks one of ``DPIS`` (photos and screenshots have their own scale)."""
    if kind not in DRAW:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    variants = VARIANTS[kind]
    if variant is None:
        variant = variants[(seed // len(KINDS)) % len(variants)]
    elif variant not in variants:
        raise ValueError(f"unknown variant {variant!r} of {kind}; one of {', '.join(variants)}")
    rng = random.Random(f"{kind}:{variant}:{seed}")
    nrng = np.random.default_rng(seed)
    drawn_dpi = rng.choice(DPIS)
    drawn = DRAW[kind](rng, dpi or drawn_dpi, variant)
    data, fmt, size, params = degrade(drawn, rng, nrng)
    truth = tuple(dict.fromkeys(drawn.truth))
    return Sample(kind, drawn.variant, seed, truth, data, fmt, size, params)


def generate_set(n: int, seed: int = 1, kinds: Sequence[str] = KINDS) -> list[Sample]:
    """``n`` samples, the kinds in turn and each kind's variants in turn; sample i has seed
    ``seed * 1000 + i``."""
    return [generate(kinds[i % len(kinds)], seed * 1000 + i) for i in range(n)]


def main() -> None:  # pragma: no cover - a look at the images
    import argparse

    parser = argparse.ArgumentParser(description="Write generated OCR test images to a folder")
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for s in generate_set(args.n, args.seed):
        (args.out / s.name).write_bytes(s.data)
        print(s.name, s.size, s.degradations, s.truth)


if __name__ == "__main__":  # pragma: no cover - python -m bench.ocr_images OUT
    main()
