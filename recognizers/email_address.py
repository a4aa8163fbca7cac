"""EMAIL_ADDRESS: e-mail addresses, ASCII only.

RFC 5321 syntax restricted to what Chinese business mail uses: an ASCII local
part and domain. Chinese text touching an address (``邮箱zhang@x.com，电话``) is
never swallowed, because every character class is ASCII. The domain's suffix
must be a public suffix from the snapshot bundled with ``tldextract`` (read
offline), which rejects ``logo@2x.png`` and ``v1.2@build.local``.
"""

from __future__ import annotations

from functools import lru_cache

from presidio_analyzer import Pattern

from recognizers.base import BaomiPatternRecognizer
from recognizers.catalogue import EMAIL_SHAPE, PERSONAL, EntitySpec, lower

EMAIL = (
    r"(?<![A-Za-z0-9._%+\-])"
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-])"
)


@lru_cache(maxsize=1)
def _suffix_extractor():  # imported lazily: tldextract costs ~0.15 s to import
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def has_public_suffix(domain: str) -> bool:
    parts = _suffix_extractor()(domain.lower())
    return bool(parts.suffix) and bool(parts.domain)


@lru_cache(maxsize=4096)
def public_suffix(domain: str) -> str:
    """The public suffix of a domain as written (com, com.cn), or "" if none is known."""
    suffix = _suffix_extractor()(domain.lower()).suffix
    return domain[len(domain) - len(suffix) :] if suffix else ""


class EmailAddressRecognizer(BaomiPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PRIORITY = 80
    SPECS = (
        EntitySpec(
            ENTITY,
            "电子邮箱地址",
            "E-mail addresses",
            PERSONAL,
            label="邮箱",
            identity=True,
            mask_shape=EMAIL_SHAPE,
            normalise=lower,
        ),
    )
    PATTERNS = [Pattern("email", EMAIL, 0.9)]
    CONTEXT = ["邮箱", "邮件", "email", "e-mail", "mail"]
    POSITIVE_EXAMPLES = [
        ("邮箱zhangwei@xinghe-media.com，电话见下", "zhangwei@xinghe-media.com"),
        ("请抄送li.na+pr@bluewhale.com.cn。", "li.na+pr@bluewhale.com.cn"),
        ("QQ邮箱12345678@qq.com", "12345678@qq.com"),
    ]
    NEGATIVE_EXAMPLES = [
        "图标文件logo@2x.png已更新",
        "版本v1.2@build.local",
        "微博@星河传媒官方",
        "邮箱：zhang@localhost",
    ]

    def validate_result(self, pattern_text: str) -> bool:
        local, _, domain = pattern_text.rpartition("@")
        return ".." not in local and ".." not in domain and has_public_suffix(domain)
