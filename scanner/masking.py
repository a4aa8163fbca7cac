"""Masked display values and keyed fingerprints: what reports may show of a finding.

``mask`` keeps only a few leading and trailing characters of the normalised
value (138****5678, 6222***********0128, 北京**********公司); how many depends on
the entity type. ``fingerprint`` is an HMAC-SHA256 of the normalised value under
the installation's secret key: equal values give equal fingerprints inside one
installation, and without the key a fingerprint cannot be brute-forced back to
a phone number the way a plain hash can.
"""

from __future__ import annotations

import hmac

from recognizers.catalogue import EMAIL_SHAPE, KEEP_SHAPE, NAME_SHAPE, entity_specs
from recognizers.email_address import public_suffix
from recognizers.normalize import to_halfwidth

# entity type → (characters kept at the start, characters kept at the end), from the
# catalogue (each type's ``EntitySpec.keep``, declared beside its recognizer)
KEEP: dict[str, tuple[int, int]] = {s.name: s.keep for s in entity_specs() if s.keep is not None}
DEFAULT_KEEP = (1, 1)
# entity type → how its mask is drawn, when not by ``KEEP`` (``EntitySpec.mask_shape``)
SHAPES = {s.name: s.mask_shape for s in entity_specs() if s.mask_shape != KEEP_SHAPE}
FINGERPRINT_HEX = 32
# entity type → its canonical form beyond full-width folding (``EntitySpec.normalise``)
NORMALISERS = {s.name: s.normalise for s in entity_specs() if s.normalise is not None}


def normalise(entity_type: str, value: str) -> str:
    """The canonical form two spellings of one value share (for fingerprints)."""
    value = to_halfwidth(value).strip()
    normaliser = NORMALISERS.get(entity_type)
    return normaliser(value) if normaliser else value


def mask(entity_type: str, value: str) -> str:
    return _mask_normal(entity_type, normalise(entity_type, value))


def masked_and_fingerprint(key: bytes, entity_type: str, value: str) -> tuple[str, str]:
    """``mask`` and ``fingerprint`` of one value, normalised once (a contact list has tens
    of thousands of findings: each is masked and fingerprinted)."""
    normal = normalise(entity_type, value)
    return _mask_normal(entity_type, normal), _fingerprint_normal(key, entity_type, normal)


def _mask_normal(entity_type: str, normal: str) -> str:
    shape = SHAPES.get(entity_type, KEEP_SHAPE)
    if shape == EMAIL_SHAPE:
        return _mask_email(normal)
    if shape == NAME_SHAPE or not normal.isascii():
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
    return _fingerprint_normal(key, entity_type, normalise(entity_type, value))


def _fingerprint_normal(key: bytes, entity_type: str, normal: str) -> str:
    # hmac.digest: OpenSSL's one-shot HMAC, several times faster than an hmac.new object
    message = f"{entity_type}\x1f{normal}".encode()
    return hmac.digest(key, message, "sha256").hex()[:FINGERPRINT_HEX]
