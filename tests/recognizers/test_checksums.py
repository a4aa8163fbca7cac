"""The check-character algorithms: fixed tables, then properties.

Single-substitution detection, per algorithm (each claim is checked below):

* GB 32100 (USCC), MOD 31: 31 is prime, every weight 3^i mod 31 is non-zero and
  two characters of the 31-symbol alphabet differ by 1..30, never a multiple of
  31, so EVERY single substitution within the alphabet changes the sum mod 31:
  all are detected.
* GB 11643 (resident ID), ISO 7064 MOD 11-2: 11 is prime, every weight
  2^(17-i) mod 11 is non-zero, digits differ by 1..9: all detected.
* GB 11714 (organisation code), MOD 11: the body alphabet has 36 symbols
  (0-9 = 0..9, A-Z = 10..35), so two symbols can differ by 11, 22 or 33, and
  then weight × difference ≡ 0 (mod 11): e.g. ``0`` ↔ ``B`` or ``6`` ↔ ``H`` is NOT
  detected. The property that holds is: a body substitution is detected
  exactly when the two values are not congruent mod 11 (hence always for
  digit-for-digit substitutions), and every substitution of the check
  character is detected.
* ISO 7064 MOD 11,10 and Luhn: every single-digit substitution is detected
  (each step of the recursion / the doubling map is a permutation of 0-9).

python-stdnum (stdnum.cn.uscc, stdnum.cn.ric, stdnum.luhn,
stdnum.iso7064.mod_11_10) serves as an independent oracle.
"""

from __future__ import annotations

import datetime as dt
import string

import pytest
import stdnum.cn.ric
import stdnum.cn.uscc
import stdnum.iso7064.mod_11_10
import stdnum.luhn
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.checksums import (
    USCC_ALPHABET,
    is_valid_luhn,
    is_valid_mod11_10,
    is_valid_org_code,
    is_valid_resident_id_checksum,
    is_valid_uscc,
    luhn_check_digit,
    mod11_10_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from tests.recognizers.conftest import (
    make_luhn,
    make_mod11_10,
    make_org_code,
    make_resident_id,
    make_uscc,
)

PROPERTY = settings(max_examples=200, deadline=None)

DIGITS = string.digits
ORG_ALPHABET = string.digits + string.ascii_uppercase
ORG_VALUE = {c: i for i, c in enumerate(ORG_ALPHABET)}
ORG_CHECK_ALPHABET = DIGITS + "X"
RIC_CHECK_ALPHABET = DIGITS + "X"


# ============================== fixed tables ==============================

USCC_TABLE = [
    ("91110000600037341L", True),
    ("91310115MA1K3BTP2B", True),
    (make_uscc("Y1440300MA5DXXXX1"), True),  # registration authority Y (other), letters in the body
    ("91110000600037341N", False),  # check character N, the right one is L
    ("91110000600037341", False),  # 17 characters: check character missing
    ("91110000600037341L0", False),  # 19 characters
    ("9111000060003734IL", False),  # I is outside the GB 32100 alphabet
    ("9111000060003734OL", False),  # O is outside the alphabet too (so are Z, S, V)
    ("91110000600037341l", False),  # lower-case: the functions take the compact upper-case form
    ("91110000-600037341", False),  # a separator is not compact form
    ("", False),  # empty
]


@pytest.mark.parametrize(("code", "valid"), USCC_TABLE)
def test_uscc_table(code, valid):
    assert is_valid_uscc(code) is valid


ORG_TABLE = [
    ("600037341", True),
    ("MA1K3BTP2", True),
    ("60003735X", True),  # weighted sum ≡ 1 (mod 11): check value 10 is written X
    ("100000040", True),  # weighted sum ≡ 0 (mod 11): check value 11 is written 0
    ("H00037341", True),  # 6 → H differ by 11: the blind spot of MOD 11 (see module doc)
    ("600037342", False),  # check character 2, the right one is 1
    ("600037340", False),  # 0 is only right when the sum ≡ 0 (mod 11)
    ("60003734X", False),  # X is only right when the sum ≡ 1 (mod 11)
    ("600037351", False),  # one body digit changed (4 → 5)
    ("60003734-1", False),  # hyphenated display form is not compact form
    ("60003734", False),  # body only, no check character
    ("ma1k3btp2", False),  # lower-case body is outside the alphabet
    ("6000373.1", False),  # "." is outside the alphabet
    ("", False),
]


@pytest.mark.parametrize(("code", "valid"), ORG_TABLE)
def test_org_code_table(code, valid):
    assert is_valid_org_code(code) is valid


RESIDENT_ID_TABLE = [
    ("11010519491231002X", True),  # GB 11643-1999's own example: check value 10 is written X
    ("440305199003071236", True),
    ("110105194902300020", True),  # 30 February, but the CHECKSUM is right (dates: recognizer)
    ("110105194912310021", False),  # check character 1, the right one is X
    ("11010519491231002x", False),  # lower-case x: the functions take the compact upper-case form
    ("11010519491231002", False),  # 17 characters
    ("11010519491231002X0", False),  # 19 characters
    ("1101051949123100XX", False),  # X is only allowed as the check character
    ("110105491231002", False),  # legacy 15-digit numbers carry no check character
    ("", False),
]


@pytest.mark.parametrize(("code", "valid"), RESIDENT_ID_TABLE)
def test_resident_id_table(code, valid):
    assert is_valid_resident_id_checksum(code) is valid


MOD11_10_TABLE = [
    ("07945", True),  # the ISO 7064 worked example: check digit of 0794 is 5
    ("110108012345670", True),
    ("440300101234561", True),
    ("07940", False),  # check digit 0, the right one is 5
    ("110108012345671", False),  # check digit 1, the right one is 0
    ("110108021345670", False),  # two adjacent digits transposed (12 → 21)
    ("5", False),  # a single digit has no body
    ("11010801234567A", False),  # a letter is not a digit
    ("１１０１０８０１２３４５６７０", False),  # full-width digits: the caller must normalise first
    ("", False),
]


@pytest.mark.parametrize(("code", "valid"), MOD11_10_TABLE)
def test_mod11_10_table(code, valid):
    assert is_valid_mod11_10(code) is valid


LUHN_TABLE = [
    ("79927398713", True),  # the textbook example
    ("4111111111111111", True),
    ("6222021234567890128", True),
    ("00", True),  # zero is Luhn-valid; length and prefix are the recognizer's job
    ("79927398710", False),  # check digit 0, the right one is 3
    ("4111111111111112", False),  # last digit changed
    ("6222021234567890127", False),  # last digit changed
    ("6222021234567980128", False),  # adjacent 8 and 9 swapped: Luhn catches this transposition…
    ("7", False),  # a single digit has no body
    ("41111111111111a1", False),  # a letter is not a digit
    ("４１１１１１１１１１１１１１１１", False),  # full-width: the caller normalises first
    ("", False),
]


@pytest.mark.parametrize(("code", "valid"), LUHN_TABLE)
def test_luhn_table(code, valid):
    assert is_valid_luhn(code) is valid


def test_luhn_misses_the_09_90_transposition():
    # …but not 09 ↔ 90 (a known limit of Luhn, stated here so nobody relies on it).
    code = "6222021234567890128"
    swapped = "6222021234567809128"
    assert is_valid_luhn(code) and is_valid_luhn(swapped)


@pytest.mark.parametrize(
    ("function", "argument"),
    [
        (uscc_check_char, "9111000060003734"),  # 16 characters, not 17
        (uscc_check_char, "9111000060003734I"),  # I outside the alphabet
        (org_code_check_char, "6000373"),  # 7 characters, not 8
        (org_code_check_char, "6000373a"),  # lower-case outside the alphabet
        (resident_id_check_char, "1101051949123100"),  # 16 digits
        (resident_id_check_char, "1101051949123100X"),  # X in the body
        (resident_id_check_char, "１１０１０５１９４９１２３１００２"),  # full-width digits
        (mod11_10_check_digit, ""),
        (mod11_10_check_digit, "12a"),
        (luhn_check_digit, ""),
        (luhn_check_digit, "12 3"),
    ],
)
def test_check_char_functions_refuse_malformed_bodies(function, argument):
    assert function(argument) is None


# ============================== strategies ==============================

uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
org_bodies = st.text(alphabet=ORG_ALPHABET, min_size=8, max_size=8)
ric_bodies = st.text(alphabet=DIGITS, min_size=17, max_size=17)
digit_bodies = st.text(alphabet=DIGITS, min_size=1, max_size=30)


def substitutions(code: str, alphabet_at):
    """Every (position, replacement) with a different character from that position's alphabet."""
    for i, old in enumerate(code):
        for new in alphabet_at(i):
            if new != old:
                yield i, new, code[:i] + new + code[i + 1 :]


# ============================== GB 32100: USCC ==============================


# The standards' own equations, written out independently of the implementation.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # GB 32100 table 2
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 §5
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2, 1)  # GB 11643 §7, W18 = 1


@pytest.mark.slow
@PROPERTY
@given(uscc_bodies)
def test_uscc_check_satisfies_the_standards_equation(body):
    code = make_uscc(body)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    assert (total + USCC_CHARS.index(code[17])) % 31 == 0
    assert is_valid_uscc(code)


@pytest.mark.slow
@PROPERTY
@given(uscc_bodies)
def test_uscc_every_single_substitution_is_detected(body):
    code = make_uscc(body)
    for i, new, mutated in substitutions(code, lambda i: USCC_ALPHABET):
        assert not is_valid_uscc(mutated), (code, i, new)


@pytest.mark.slow
@PROPERTY
@given(uscc_bodies)
def test_uscc_check_char_agrees_with_stdnum(body):
    assert uscc_check_char(body) == stdnum.cn.uscc.calc_check_digit(body)


@pytest.mark.slow
@PROPERTY
@given(
    st.text(alphabet=DIGITS, min_size=8, max_size=8),  # stdnum insists on 8 leading digits
    st.text(alphabet=USCC_ALPHABET, min_size=10, max_size=10),
)
def test_uscc_validity_agrees_with_stdnum(head, tail):
    # tail[-1] is a random check character: right about one time in 31, so also
    # build the right one and compare both verdicts.
    for code in (head + tail, make_uscc(head + tail[:-1])):
        assert is_valid_uscc(code) == stdnum.cn.uscc.is_valid(code), code


# ============================== GB 11714: organisation code ==============================


@PROPERTY
@given(org_bodies)
def test_org_code_check_satisfies_the_standards_equation(body):
    code = make_org_code(body)
    values = [int(c, 36) for c in code[:8]] + [10 if code[8] == "X" else int(code[8])]
    total = sum(v * w for v, w in zip(values[:8], ORG_WEIGHTS, strict=True))
    assert (total + values[8]) % 11 == 0
    assert is_valid_org_code(code)


@pytest.mark.slow
@PROPERTY
@given(org_bodies)
def test_org_code_substitution_detected_iff_values_differ_mod_11(body):
    # Not every substitution is detected (see module doc): a body substitution
    # goes unnoticed exactly when the two characters' values are congruent mod 11.
    code = make_org_code(body)
    for i, new, mutated in substitutions(code, lambda i: ORG_ALPHABET if i < 8 else ""):
        blind_spot = (ORG_VALUE[new] - ORG_VALUE[code[i]]) % 11 == 0
        assert is_valid_org_code(mutated) is blind_spot, (code, i, new)


@PROPERTY
@given(org_bodies)
def test_org_code_every_digit_substitution_and_check_substitution_is_detected(body):
    # Digit for digit (difference 1..9) and any check character for another.
    code = make_org_code(body)

    def alphabet_at(i: int) -> str:
        if i == 8:
            return ORG_CHECK_ALPHABET
        return DIGITS if code[i].isdigit() else ""

    for i, new, mutated in substitutions(code, alphabet_at):
        assert not is_valid_org_code(mutated), (code, i, new)


def test_org_code_blind_spot_exists():
    # The property above is not vacuous: 0 ↔ B (values 0 and 11) passes the check.
    code = make_org_code("00000001")
    assert is_valid_org_code("B" + code[1:])


# ============================== GB 11643: resident ID (MOD 11-2) ==============================


@PROPERTY
@given(ric_bodies)
def test_resident_id_check_satisfies_the_standards_equation(body):
    code = body + resident_id_check_char(body)
    values = [10 if c == "X" else int(c) for c in code]
    assert sum(v * w for v, w in zip(values, RIC_WEIGHTS, strict=True)) % 11 == 1
    assert is_valid_resident_id_checksum(code)


@pytest.mark.slow
@PROPERTY
@given(ric_bodies)
def test_resident_id_every_single_substitution_is_detected(body):
    code = body + resident_id_check_char(body)
    for i, new, mutated in substitutions(code, lambda i: RIC_CHECK_ALPHABET if i == 17 else DIGITS):
        assert not is_valid_resident_id_checksum(mutated), (code, i, new)


@PROPERTY
@given(ric_bodies)
def test_resident_id_check_char_agrees_with_stdnum(body):
    # stdnum's calc_check_digit takes the number *with* a (placeholder) check character.
    assert resident_id_check_char(body) == stdnum.cn.ric.calc_check_digit(body + "0")


@pytest.mark.slow
@PROPERTY
@given(
    st.sampled_from(["110105", "110101", "310101", "120101"]),  # stdnum knows them 1950-2020
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.text(alphabet=DIGITS, min_size=3, max_size=3),
)
def test_resident_id_full_validity_agrees_with_stdnum(region, born, seq):
    code = make_resident_id(region, born.strftime("%Y%m%d"), seq)
    assert is_valid_resident_id_checksum(code)
    assert stdnum.cn.ric.is_valid(code)
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not is_valid_resident_id_checksum(bad)
    assert not stdnum.cn.ric.is_valid(bad)


# ============================== ISO 7064 MOD 11,10 ==============================


@PROPERTY
@given(digit_bodies)
def test_mod11_10_generated_codes_validate_under_stdnum(body):
    from stdnum.iso7064 import mod_11_10

    assert mod_11_10.is_valid(make_mod11_10(body))
    assert is_valid_mod11_10(make_mod11_10(body))


@pytest.mark.slow
@PROPERTY
@given(digit_bodies)
def test_mod11_10_every_single_digit_substitution_is_detected(body):
    code = make_mod11_10(body)
    for i, new, mutated in substitutions(code, lambda i: DIGITS):
        assert not is_valid_mod11_10(mutated), (code, i, new)


@PROPERTY
@given(digit_bodies, st.sampled_from(DIGITS))
def test_mod11_10_agrees_with_stdnum(body, last):
    assert mod11_10_check_digit(body) == stdnum.iso7064.mod_11_10.calc_check_digit(body)
    assert is_valid_mod11_10(body + last) == stdnum.iso7064.mod_11_10.is_valid(body + last)


# ============================== Luhn ==============================


@pytest.mark.slow
@PROPERTY
@given(digit_bodies)
def test_luhn_generated_codes_validate_under_stdnum(body):
    from stdnum import luhn

    assert luhn.is_valid(make_luhn(body))
    assert is_valid_luhn(make_luhn(body))


@pytest.mark.slow
@PROPERTY
@given(digit_bodies)
def test_luhn_every_single_digit_substitution_is_detected(body):
    code = make_luhn(body)
    for i, new, mutated in substitutions(code, lambda i: DIGITS):
        assert not is_valid_luhn(mutated), (code, i, new)


@PROPERTY
@given(digit_bodies, st.sampled_from(DIGITS))
def test_luhn_agrees_with_stdnum(body, last):
    assert luhn_check_digit(body) == stdnum.luhn.calc_check_digit(body)
    assert is_valid_luhn(body + last) == stdnum.luhn.is_valid(body + last)
