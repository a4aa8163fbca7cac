"""Masked display values and keyed fingerprints: what reports may show of a finding.

``mask`` keeps only a few leading and trailing characters of the normalised
value (138****5678, 6222***********0128, 北京**********公司); how many depends on
the entity type. ``fingerprint`` is an HMAC-SHA256 of the normalised value under
the installation's secret key: equal values give equal fingerprints inside one
installation, and without the key a fingerprint cannot be brute-forced back to
a phone number the way a plain hash can.
"""

from __future__ import annotations

import hashlib
import hmac

from recognizers.email_address import public_suffix
from recognizers.normalize import compact, to_halfwidth

# entity type → (characters kept at the start, characters kept at the end)
KEEP: dict[str, tuple[int, int]] = {
    "PHONE_NUMBER": (3, 4),
    "CN_USCC": (2, 2),
    "CN_ORG_CODE": (2, 1),
    "CN_BUSINESS_REG_NO": (2, 2),
    "CN_RESIDENT_ID": (2, 1),
    "CN_PASSPORT": (1, 2),
    "CN_BANK_CARD": (4, 4),
    "WECHAT_ID": (1, 1),
    "QQ_NUMBER": (2, 2),
}
DEFAULT_KEEP = (1, 1)
FINGERPRINT_HEX = 32


def normalise(entity_type: str, value: str) -> str:
    """The canonical form two spellings of one value share (for fingerprints)."""
    value = to_halfwidth(value).strip()
    if entity_type == "PHONE_NUMBER":
        digits = "".join(c for c in value.split("转")[0] if c.isdigit())
        for cc in ("0086", "86"):
            if digits.startswith(cc) and len(digits) > 11:
                digits = digits[len(cc) :]
                is_mobile = len(digits) == 11 and digits[1] in "3456789"
                if not is_mobile:  # a landline written without its trunk 0 (+86 10 …)
                    digits = "0" + digits.lstrip("0")
                break
        return digits
    if entity_type in ("EMAIL_ADDRESS", "WECHAT_ID"):
        return value.lower()
    if entity_type.startswith("CN_"):
        return compact(value)
    return value


def mask(entity_type: str, value: str) -> str:
    normal = normalise(entity_type, value)
    if entity_type == "EMAIL_ADDRESS":
        return _mask_email(normal)
    if entity_type == "CLIENT" or not normal.isascii():
        return _mask_name(normal)
    head, tail = KEEP.get(entity_type, DEFAULT_KEEP)
    return _keep(normal, head, tail)


def _keep(value: str, head: int, tail: int) -> str:
    # a short value shows at most half of itself: a 5-digit QQ keeps 2 digits, not 4
    limit = len(value) // 2 if len(value) <= 8 else len(value)
    while head + tail > limit and (head or tail):
        if tail >= head and tail:
            tail -= 1
        else:
            head -= 1
    if head == tail == 0:
        return value[:1] + "*" * (len(value) - 1) if len(value) > 2 else "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def _mask_name(name: str) -> str:
    """北京星河传媒有限公司 → 北京******公司; 星河传媒 → 星***; 张伟 → 张*."""
    if len(name) >= 6:
        return _keep(name, 2, 2)
    return _keep(name, 1, 0)


def _mask_email(address: str) -> str:
    """z*******@x***********.com: only the public suffix of the domain stays, since the
    registrable domain (xinghe-media.com.cn) names the client."""
    local, _, domain = address.rpartition("@")
    suffix = public_suffix(domain)
    if suffix and len(suffix) >= len(domain):  # the whole domain is a public suffix (hi.cn):
        return f"{_keep(local, 1, 0)}@{domain}"  # it names no one
    name = domain[: len(domain) - len(suffix) - 1] if suffix else domain
    masked_name = ".".join(_keep(part, 1, 0) for part in name.split("."))
    return f"{_keep(local, 1, 0)}@{masked_name}" + (f".{suffix}" if suffix else "")


def fingerprint(key: bytes, entity_type: str, value: str) -> str:
    message = f"{entity_type}\x1f{normalise(entity_type, value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:FINGERPRINT_HEX]
