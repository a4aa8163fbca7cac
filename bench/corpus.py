"""Generated Chinese business text with planted identifiers, for the benchmarks.

Deterministic for a given seed. Paragraphs read like a PR firm's meeting notes,
contact lists and invoices: mostly prose, with valid identifiers of every type
(built with ``recognizers.checksums``) and hard negatives (order numbers,
timestamps, amounts, versions, Luhn-invalid numbers) mixed in.
"""

from __future__ import annotations

import random

from recognizers.checksums import (
    luhn_check_digit,
    mod11_10_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)

PROSE = [
    "本周与客户召开季度传播复盘会，双方就新品发布节奏、媒体投放预算和舆情应对预案达成一致。",
    "会议纪要：品牌部希望在下月完成线下发布会的场地确认，并同步推进社交媒体预热内容。",
    "项目组将于周五前提交第三版提案，重点说明达人合作清单、KOL 报价区间与效果评估指标。",
    "待办事项：一、整理媒体名单；二、确认嘉宾行程；三、准备新闻通稿初稿并提交法务审核。",
    "根据上季度监测数据，品牌正面声量提升百分之十二，负面舆情主要集中在售后服务环节。",
    "客户要求所有对外材料在发布前经过双重审核，未经授权不得向第三方披露合作细节。",
]
COMPANIES = ["北京星河传媒有限公司", "深圳市蓝鲸科技股份有限公司", "上海云杉健康管理有限公司"]
MOBILE_PREFIXES = ["138", "139", "150", "186", "177", "199", "166"]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


def uscc(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = body + org_code_check_char(body)
    head = "91" + rng.choice(["110105", "440305", "310115"]) + org
    return head + uscc_check_char(head)


def org_code(rng: random.Random) -> str:
    body = _digits(rng, 8)
    return f"{body}-{org_code_check_char(body)}"


def resident_id(rng: random.Random) -> str:
    body = rng.choice(["110105", "440305", "330106"]) + f"{rng.randint(1960, 2000)}"
    body += f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + _digits(rng, 3)
    return body + resident_id_check_char(body)


def bank_card(rng: random.Random) -> str:
    body = "6222" + _digits(rng, 14)
    return body + luhn_check_digit(body)


def reg_no(rng: random.Random) -> str:
    body = "110108" + _digits(rng, 8)
    return body + mod11_10_check_digit(body)


def planted_sentence(rng: random.Random) -> str:
    name = rng.choice(["张伟", "王芳", "欧阳雪", "司马琳", "李娜"])
    kind = rng.randrange(10)
    if kind == 0:
        return f"联系人{name}，手机{mobile(rng)}，邮箱{rng.choice(['zhang', 'li.na', 'pr'])}@xinghe-media.com。"
    if kind == 1:
        return (
            f"{rng.choice(COMPANIES)}统一社会信用代码：{uscc(rng)}，组织机构代码 {org_code(rng)}。"
        )
    if kind == 2:
        return f"差旅预订：{name}，身份证号{resident_id(rng)}，护照号E{_digits(rng, 8)}。"
    if kind == 3:
        return f"付款信息：开户行招商银行，卡号{bank_card(rng)}，营业执照注册号{reg_no(rng)}。"
    if kind == 4:
        return f"请加{name}微信：pr_{_digits(rng, 6)}，或QQ：{rng.randint(10000, 999999999)}。"
    if kind == 5:
        return f"总机010-{rng.randint(20000000, 89999999)}，客服热线400-{_digits(rng, 3)}-{_digits(rng, 4)}。"
    # hard negatives: none of these may be reported
    return rng.choice(
        [
            f"订单号2025{_digits(rng, 14)}已发货，金额￥{rng.randint(1000, 999999):,}.{_digits(rng, 2)}。",
            f"时间戳2025031{rng.randint(0, 9)}{_digits(rng, 6)}，版本 10.0.{rng.randint(10000, 19999)}。",
            f"发票号码{_digits(rng, 8)}，快递单号SF{_digits(rng, 13)}，日期2025-03-{rng.randint(10, 28)}。",
            f"ISBN 978-7-111-{_digits(rng, 5)}-{rng.randint(0, 9)}，参考编号{_digits(rng, 18)}。",
        ]
    )


def paragraphs(total_bytes: int, seed: int = 2025, density: float = 0.35) -> list[str]:
    """Paragraphs of 3-12 sentences until about ``total_bytes`` of UTF-8; ``density`` is
    the share of sentences that carry identifiers or look-alikes."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < total_bytes:
        sentences = [
            planted_sentence(rng) if rng.random() < density else rng.choice(PROSE)
            for _ in range(rng.randint(3, 12))
        ]
        paragraph = "".join(sentences)
        out.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
    return out
