"""Check-character algorithms of the Chinese national identifier standards.

Pure functions, no I/O, no regular expressions: each takes the compact form of
a code (separators already removed, upper case) and answers one question. The
recognizers call them from ``validate_result``; the demo-data generator and the
tests use the ``*_check_char`` functions to build valid codes.

Standards implemented
---------------------
* GB 32100-2015  统一社会信用代码 (USCC): 18 characters, MOD 31 weighted check.
* GB 11714-1997  组织机构代码 (organisation code): 8 + 1 characters, MOD 11.
* GB 11643-1999  公民身份号码 (resident identity number): ISO 7064 MOD 11-2.
* ISO 7064:2003  MOD 11,10 hybrid system, used by the 15-digit 工商注册号
                 (GS 15-2006 business registration number).
* ISO/IEC 7812-1 Luhn (MOD 10), used by bank card numbers.
"""

from __future__ import annotations

# GB 32100-2015 §4: the code character set (31 symbols; I, O, Z, S, V excluded).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
# GB 32100-2015 §5: weight of position i is 3^i mod 31.
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 11714-1997: the body uses digits and upper-case Latin letters (A=10 … Z=35).
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 11643-1999: weight of position i (from the left) is 2^(17-i) mod 11.
_RIC_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_RIC_CHECK = "10X98765432"


def uscc_check_char(body: str) -> str | None:
    """GB 32100-2015 check character for the first 17 characters, or None if a
    character is outside the code's character set."""
    if len(body) != 17:
        return None
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    except KeyError:
        return None
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when an 18-character code carries the right GB 32100-2015 check character."""
    return len(code) == 18 and uscc_check_char(code[:17]) == code[17]


def org_code_check_char(body: str) -> str | None:
    """GB 11714-1997 check character for an 8-character organisation code body."""
    if len(body) != 8:
        return None
    try:
        total = sum(_ORG_VALUE[c] * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    except KeyError:
        return None
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_org_code(code: str) -> bool:
    """True for a 9-character organisation code (body + check) per GB 11714-1997."""
    return len(code) == 9 and org_code_check_char(code[:8]) == code[8]


def resident_id_check_char(body: str) -> str | None:
    """GB 11643-1999 (ISO 7064 MOD 11-2) check character for the first 17 digits."""
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        return None
    total = sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True))
    return _RIC_CHECK[total % 11]


def is_valid_resident_id_checksum(code: str) -> bool:
    """Only the MOD 11-2 check; date and region are checked by the recognizer."""
    return len(code) == 18 and resident_id_check_char(code[:17]) == code[17]


def mod11_10_check_digit(body: str) -> str | None:
    """ISO 7064 MOD 11,10 check digit for a string of decimal digits."""
    if not body or not body.isascii() or not body.isdigit():
        return None
    product = 10
    for c in body:
        total = (int(c) + product) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def is_valid_mod11_10(code: str) -> bool:
    """True when the last digit is the ISO 7064 MOD 11,10 check digit of the rest."""
    return len(code) >= 2 and mod11_10_check_digit(code[:-1]) == code[-1]


def luhn_check_digit(body: str) -> str | None:
    """Luhn (ISO/IEC 7812-1) check digit to append to a string of digits."""
    if not body or not body.isascii() or not body.isdigit():
        return None
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def is_valid_luhn(number: str) -> bool:
    """True when the number's last digit satisfies the Luhn check."""
    return len(number) >= 2 and luhn_check_digit(number[:-1]) == number[-1]
