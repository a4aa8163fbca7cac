"""The contacts register recognizer: exact values of registered people, with boundaries."""

from __future__ import annotations

import pytest

from recognizers.contacts_register import Contact, ContactsRegisterRecognizer

REGISTER = (
    Contact("王芳", 0, ("13912345678", "010-62345678"), ("WangFang@xinghe.cn",), ("wf_xinghe",)),
    Contact("王芳芳", 1, (), (), (), ("123456789",)),
    Contact("Li Na", 1, (), ("lina@lanjing.com",)),
)


@pytest.fixture(scope="module")
def recognizer() -> ContactsRegisterRecognizer:
    return ContactsRegisterRecognizer(REGISTER)


def found(recognizer: ContactsRegisterRecognizer, text: str) -> list[tuple[str, str]]:
    results = recognizer.analyze(text, list(ContactsRegisterRecognizer.REPORTS))
    return [(r.entity_type, text[r.start : r.end]) for r in results]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会上王芳介绍了方案", [("PERSON", "王芳")]),
        ("回复 wangfang@XINGHE.cn 即可", [("EMAIL_ADDRESS", "wangfang@XINGHE.cn")]),
        ("微信 wf_xinghe", [("WECHAT_ID", "wf_xinghe")]),
        ("手机13912345678", [("PHONE_NUMBER", "13912345678")]),
        ("办公 010-62345678", [("PHONE_NUMBER", "010-62345678")]),
        ("QQ：123456789", [("QQ_NUMBER", "123456789")]),
        ("Dear LI NA,", [("PERSON", "LI NA")]),
        ("ＷＦ＿ＸＩＮＧＨＥ", [("WECHAT_ID", "ＷＦ＿ＸＩＮＧＨＥ")]),  # full width folds
    ],
)
def test_registered_values_are_found_with_their_type(recognizer, text, expected) -> None:
    assert found(recognizer, text) == expected


def test_the_longest_registered_name_wins(recognizer) -> None:
    assert found(recognizer, "王芳芳和王芳") == [("PERSON", "王芳芳"), ("PERSON", "王芳")]


@pytest.mark.parametrize(
    "text",
    [
        "wf_xinghe2 是另一个号",  # a longer WeChat ID
        "单号 913912345678",  # the number inside a longer one
        "139123456789",
        "mail: xlina@lanjing.com",  # inside a longer address
        "Li Nan 来了",  # a longer Latin name
        "王",
        "王某",
    ],
)
def test_look_alikes_are_not_registered_values(recognizer, text) -> None:
    assert found(recognizer, text) == []


def test_an_empty_register_finds_nothing() -> None:
    assert ContactsRegisterRecognizer().analyze("王芳 13912345678", ["PERSON"]) == []


def test_only_the_types_asked_for_are_reported(recognizer) -> None:
    results = recognizer.analyze("王芳 13912345678", ["PHONE_NUMBER"])
    assert [r.entity_type for r in results] == ["PHONE_NUMBER"]


def test_a_one_character_name_is_never_registered() -> None:
    recognizer = ContactsRegisterRecognizer([Contact("芳")])
    assert recognizer.analyze("芳", ["PERSON"]) == []
