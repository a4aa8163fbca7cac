import codecs

import pytest

from scanner.scan.decode import SNIFF_BYTES, DecodeError, decode

TEXT = "客户通讯录：北京星河传媒有限公司，联系人张伟，手机13812345678。\n" * 3


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # without BOM
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_decodes_chinese_text_in_common_encodings(data: bytes, encoding: str) -> None:
    text, detected = decode(data)
    assert text == TEXT
    assert detected == encoding


def test_big5_traditional_chinese() -> None:
    text = "客戶通訊錄：臺北星河傳媒有限公司，聯絡人張偉，電話02-2345-6789。\n" * 4
    decoded, encoding = decode(text.encode("big5"))
    assert decoded == text
    assert encoding == "big5"


def test_sniffed_prefix_cut_inside_a_multibyte_character_is_retried() -> None:
    # Make the GBK prefix boundary fall in the middle of a two-byte character.
    head = "a" + "客户信息" * (SNIFF_BYTES // 8)
    data = (head + "手机13812345678\n").encode("gbk")
    assert data[SNIFF_BYTES - 1] >= 0x81  # the cut splits a character
    text, encoding = decode(data)
    assert text.endswith("手机13812345678\n")
    assert encoding == "gb18030"


def test_binary_garbage_is_undecodable() -> None:
    with pytest.raises(DecodeError, match="undecodable"):
        decode(bytes(range(256)) * 8 + b"\x00\xff\xfe\x81\x00")


def test_mostly_latin_gbk_is_not_mistaken_for_utf16() -> None:
    # Pairs of ASCII letters read as CJK ideographs in UTF-16 ("he" = U+6865).
    text = "hello world from the media team, contact: 王芳 " * 20
    assert len(text.encode("gbk")) % 2 == 0
    assert decode(text.encode("gbk")) == (text, "gb18030")


@pytest.mark.parametrize(
    "text", ["QQ：12345678\n", "微信：zhangwei_2024\n", "护照号：E12345678\n", "云杉健康\n"]
)
def test_short_gbk_notes_are_not_misread_as_big5(text: str) -> None:
    # GBK bytes are nearly always valid Big5; the common-character reading wins
    assert decode(text.encode("gbk")) == (text, "gb18030")


def test_short_big5_is_still_big5() -> None:
    text = "臺北星河傳媒，聯絡電話02-2345-6789\n"
    assert decode(text.encode("big5")) == (text, "big5")
