import pytest

from scanner.masking import fingerprint, mask, normalise

KEY = b"k" * 32


@pytest.mark.parametrize(
    "entity, value, masked",
    [
        ("PHONE_NUMBER", "13812345678", "138****5678"),
        ("PHONE_NUMBER", "+86 138-1234-5678", "138****5678"),
        ("PHONE_NUMBER", "１３８１２３４５６７８", "138****5678"),
        ("PHONE_NUMBER", "010-65123456", "010****3456"),
        ("EMAIL_ADDRESS", "ZhangWei@Xinghe-Media.com", "z*******@x***********.com"),
        ("CN_USCC", "91110000600037341L", "91**************1L"),
        ("CN_ORG_CODE", "60003734-1", "60******1"),
        ("CN_RESIDENT_ID", "11010519491231002x", "11***************X"),
        ("CN_BANK_CARD", "6222 0212 3456 7890 128", "6222***********0128"),
        ("QQ_NUMBER", "87654321", "87****21"),
        ("WECHAT_ID", "zhangwei_2024", "z***********4"),
        ("CLIENT", "北京星河传媒有限公司", "北京******公司"),
        ("CLIENT", "星河传媒", "星***"),
        ("CLIENT", "Bluewhale Tech", "Bl**********ch"),
        ("PHONE_NUMBER", "12", "1*"),  # short: at most half shows
        ("QQ_NUMBER", "12345", "1***5"),
    ],
)
def test_masks_keep_only_a_few_characters(entity: str, value: str, masked: str) -> None:
    assert mask(entity, value) == masked


def test_fingerprint_is_keyed_and_spelling_independent() -> None:
    a = fingerprint(KEY, "PHONE_NUMBER", "13812345678")
    assert a == fingerprint(KEY, "PHONE_NUMBER", "+86 138 1234 5678")
    assert a == fingerprint(KEY, "PHONE_NUMBER", "１３８１２３４５６７８")
    assert a != fingerprint(b"x" * 32, "PHONE_NUMBER", "13812345678")
    assert a != fingerprint(KEY, "QQ_NUMBER", "13812345678")
    assert len(a) == 32 and "13812345678" not in a


def test_normalise_landline_with_country_code() -> None:
    assert normalise("PHONE_NUMBER", "+86 10 6512 3456") == "01065123456"
    assert normalise("PHONE_NUMBER", "010-6512 3456转8001") == "01065123456"
