"""The entity catalogue: one declaration per entity type, everything else derived from it."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from recognizers.catalogue import (
    CatalogueError,
    EntitySpec,
    collect,
    discover,
    entity_specs,
    recognizer_classes,
    reported_entities,
    specs_of,
)
from recognizers.registry import (
    ENTITY_PRIORITY,
    RecognizerSettings,
    all_entities,
    build_recognizers,
    entity_catalogue,
)
from scanner.config import ConfigError, load_config

# The hand-written tables the catalogue replaced, as they were: a silent change fails here.
PREVIOUS_KEEP = {
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
PREVIOUS_LABEL_WORDS = {
    "CLIENT": "客户",
    "ORGANIZATION": "机构",
    "PERSON": "联系人",
    "PHONE_NUMBER": "电话",
    "EMAIL_ADDRESS": "邮箱",
    "WECHAT_ID": "微信",
    "QQ_NUMBER": "QQ",
    "CN_ADDRESS": "地址",
    "CN_USCC": "信用代码",
    "CN_ORG_CODE": "机构代码",
    "CN_BUSINESS_REG_NO": "注册号",
    "CN_RESIDENT_ID": "身份证",
    "CN_PASSPORT": "证件",
    "CN_BANK_CARD": "银行卡",
    "CONFIDENTIAL_MARKING": "密级标识",
    "UNDISCLOSED_EVENT": "敏感事项",
    "FINANCIAL_FIGURE": "金额",
}
PREVIOUS_GRADES = {
    "敏感个人信息": {"CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD"},
    "个人信息": {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "WECHAT_ID", "QQ_NUMBER", "CN_ADDRESS"},
    "客户商业信息": {"CLIENT", "CN_USCC", "CN_ORG_CODE", "CN_BUSINESS_REG_NO", "ORGANIZATION"},
}
PREVIOUS_SIGNALS = {"UNDISCLOSED_EVENT", "CONFIDENTIAL_MARKING", "FINANCIAL_FIGURE"}
PREVIOUS_IDENTITY = {
    "CLIENT",
    "PERSON",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "WECHAT_ID",
    "QQ_NUMBER",
    "CN_USCC",
    "CN_ORG_CODE",
    "CN_BUSINESS_REG_NO",
    "CN_RESIDENT_ID",
    "CN_PASSPORT",
    "CN_BANK_CARD",
    "CN_ADDRESS",
    "ORGANIZATION",
}
# The order of the old registry tuple (then the client registry, then the NER types):
# the tie-break between two types on one span.
PREVIOUS_ORDER = [
    "CN_RESIDENT_ID",
    "CN_USCC",
    "CN_ORG_CODE",
    "CN_BUSINESS_REG_NO",
    "CN_BANK_CARD",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "CN_PASSPORT",
    "WECHAT_ID",
    "QQ_NUMBER",
    "CONFIDENTIAL_MARKING",
    "UNDISCLOSED_EVENT",
    "FINANCIAL_FIGURE",
    "CLIENT",
    "PERSON",
    "ORGANIZATION",
    "CN_ADDRESS",
]
# the order of the hand-written tuple this replaced, plus recognizers added since
PREVIOUS_RECOGNIZERS = [
    "CnResidentIdRecognizer",
    "CnUsccRecognizer",
    "CnOrgCodeRecognizer",
    "CnBusinessRegNoRecognizer",
    "CnBankCardRecognizer",
    "CnPhoneRecognizer",
    "IntlPhoneRecognizer",
    "HkPhoneRecognizer",  # added after the catalogue
    "EmailAddressRecognizer",
    "CnPassportRecognizer",
    "WechatIdRecognizer",
    "QqNumberRecognizer",
    "ConfidentialMarkingRecognizer",
    "UndisclosedEventRecognizer",
    "ClientFinancialRecognizer",
    "ContactsRegisterRecognizer",  # added after the catalogue; built only with a register
    "ClientRegistryRecognizer",
    "TableColumnRecognizer",
    "PersonOrgAddressRecognizer",
]


def test_every_recognizer_declares_specs():
    for cls in recognizer_classes():
        assert "SPECS" in cls.__dict__, cls.__name__
        assert reported_entities(cls), f"{cls.__name__} reports nothing"


def test_every_entity_type_is_in_exactly_one_spec():
    names = [s.name for cls in recognizer_classes() for s in specs_of(cls)]
    assert len(names) == len(set(names))
    reported = {e for cls in recognizer_classes() for e in reported_entities(cls)}
    assert reported == set(names) == set(all_entities())
    for cls in recognizer_classes():
        instance_types = set(getattr(cls, "ENTITIES", ())) | {getattr(cls, "ENTITY", None)}
        assert instance_types - {None} <= set(reported_entities(cls)), cls.__name__


def test_discovery_keeps_the_old_order():
    assert [c.__name__ for c in recognizer_classes()] == PREVIOUS_RECOGNIZERS
    built = [n for n in PREVIOUS_RECOGNIZERS if n != "ContactsRegisterRecognizer"]
    assert [type(r).__name__ for r in build_recognizers()] == built
    assert all_entities() == PREVIOUS_ORDER
    assert list(ENTITY_PRIORITY) == PREVIOUS_ORDER
    assert [e for e, _, _ in entity_catalogue()] == PREVIOUS_ORDER


def test_masking_keep_is_the_previous_table():
    from scanner.masking import KEEP

    assert KEEP == PREVIOUS_KEEP


def test_label_words_are_the_previous_table():
    from scanner.redact.operators import LABEL_WORDS, LETTERED, WORD_MASKED

    assert LABEL_WORDS == PREVIOUS_LABEL_WORDS
    assert WORD_MASKED == PREVIOUS_SIGNALS
    assert {"CLIENT", "ORGANIZATION"} == LETTERED


def test_grades_are_the_previous_table():
    from scanner.sensitivity import DEFAULT_GRADES

    assert {g: set(e) for g, e in DEFAULT_GRADES.items()} == PREVIOUS_GRADES


def test_identity_and_signal_sets_are_the_previous_ones():
    from scanner.scan.classify import DISCOUNTABLE_SIGNALS, IDENTITY_ENTITIES, SECRET_SIGNALS
    from scanner.scan.doc_grade import SENSITIVE_PERSONAL

    assert IDENTITY_ENTITIES == PREVIOUS_IDENTITY
    assert SECRET_SIGNALS == PREVIOUS_SIGNALS
    assert {"FINANCIAL_FIGURE"} == DISCOUNTABLE_SIGNALS
    assert {"CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD"} == SENSITIVE_PERSONAL


@pytest.mark.parametrize(
    ("entity_type", "value", "normal"),
    [
        ("PHONE_NUMBER", "+86 138-0013-8000", "13800138000"),
        ("PHONE_NUMBER", "+86 10 6552 9988", "01065529988"),
        ("PHONE_NUMBER", "0755-8888 6666转8001", "075588886666"),
        ("EMAIL_ADDRESS", " ZhangWei@Example.COM ", "zhangwei@example.com"),
        ("WECHAT_ID", "WXID_ABC", "wxid_abc"),
        ("CN_BANK_CARD", "6222 0212 3456 7890 128", "6222021234567890128"),
        ("CN_ADDRESS", "北京市 朝阳区", "北京市朝阳区"),
        ("CLIENT", "星河 传媒", "星河 传媒"),
        ("QQ_NUMBER", "１２３４５６７８", "12345678"),
    ],
)
def test_fingerprint_normalisers_unchanged(entity_type, value, normal):
    from scanner.masking import normalise

    assert normalise(entity_type, value) == normal


def test_a_new_recognizer_module_is_discovered(tmp_path: Path, monkeypatch):
    package = tmp_path / "extra_recognizers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "dummy_code.py").write_text(
        textwrap.dedent(
            """
            from presidio_analyzer import Pattern

            from recognizers.base import BaomiPatternRecognizer
            from recognizers.catalogue import BUSINESS, EntitySpec

            class DummyCodeRecognizer(BaomiPatternRecognizer):
                ENTITY = "DUMMY_CODE"
                PRIORITY = 5
                SPECS = (EntitySpec(ENTITY, "测试代码", "Dummy codes", BUSINESS, label="代码"),)
                PATTERNS = [Pattern("dummy", r"DMY-\\d{6}", 0.9)]
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = discover("extra_recognizers")
        assert [c.__name__ for c in found] == ["DummyCodeRecognizer"]
        classes = sorted([*recognizer_classes(), *found], key=lambda c: c.PRIORITY)
        specs = collect(classes)
        assert specs[0] == EntitySpec(
            "DUMMY_CODE", "测试代码", "Dummy codes", "客户商业信息", label="代码"
        )
        built = build_recognizers(classes=classes, ner=False)
        assert type(built[0]).__name__ == "DummyCodeRecognizer"
        found_types = [r.entity_type for r in built[0].analyze("编号 DMY-123456", [])]
        assert found_types == ["DUMMY_CODE"]
        only = build_recognizers([], ["DUMMY_CODE"], classes=classes)
        assert [type(r).__name__ for r in only] == ["DummyCodeRecognizer"]
    finally:
        for name in [m for m in sys.modules if m.startswith("extra_recognizers")]:
            del sys.modules[name]


def test_a_recognizer_without_specs_is_an_error():
    from recognizers.base import BaomiPatternRecognizer

    class NoSpecsRecognizer(BaomiPatternRecognizer):
        ENTITY = "PHONE_NUMBER"

    with pytest.raises(CatalogueError, match="declares no SPECS"):
        collect([*recognizer_classes(), NoSpecsRecognizer])


def test_a_type_declared_twice_or_never_is_an_error():
    from recognizers.base import BaomiPatternRecognizer

    class TwiceRecognizer(BaomiPatternRecognizer):
        ENTITY = "QQ_NUMBER"
        SPECS = (EntitySpec(ENTITY, "QQ", "QQ"),)

    class NeverRecognizer(BaomiPatternRecognizer):
        ENTITY = "NOWHERE"
        SPECS = ()
        REPORTS = (ENTITY,)

    with pytest.raises(CatalogueError, match="declared twice"):
        collect([*recognizer_classes(), TwiceRecognizer])
    with pytest.raises(CatalogueError, match="declared nowhere"):
        collect([*recognizer_classes(), NeverRecognizer])


def test_settings_switch_a_recognizer_off():
    off = {"QqNumberRecognizer": RecognizerSettings(enabled=False)}
    names = [type(r).__name__ for r in build_recognizers(ner=False, settings=off)]
    assert "QqNumberRecognizer" not in names
    assert "WechatIdRecognizer" in names


def test_settings_tune_score_and_context_of_one_instance():
    tuned = {"CnPassportRecognizer": RecognizerSettings(score=0.7, context=("证件编号",))}
    (passport,) = [
        r for r in build_recognizers(ner=False, settings=tuned) if r.name == "CnPassportRecognizer"
    ]
    assert {p.score for p in passport.patterns} == {0.7}
    assert passport.has_context("证件编号 E12345678", 5, 14)
    assert not passport.has_context("护照 E12345678", 3, 12)
    (plain,) = [r for r in build_recognizers(ner=False) if r.name == "CnPassportRecognizer"]
    assert {p.score for p in plain.patterns} == {0.5}
    assert plain.has_context("护照 E12345678", 3, 12)


def _config(tmp_path: Path, text: str):
    path = tmp_path / "baomi.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(path)


def test_config_recognizers_section(tmp_path: Path):
    config = _config(
        tmp_path,
        """
        [recognizers.QqNumberRecognizer]
        enabled = false
        [recognizers.CnPassportRecognizer]
        score = 0.7
        context = ["护照", "证件号"]
        """,
    )
    assert config.recognizers == {
        "QqNumberRecognizer": RecognizerSettings(enabled=False),
        "CnPassportRecognizer": RecognizerSettings(True, 0.7, ("护照", "证件号")),
    }
    names = [type(r).__name__ for r in build_recognizers(settings=config.recognizers)]
    assert "QqNumberRecognizer" not in names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[recognizers.QqRecognizer]\nenabled = false", "unknown recognizer.*QqRecognizer"),
        ("[recognizers.QqNumberRecognizer]\nenable = false", "unknown setting.*enable"),
        ("[recognizers.QqNumberRecognizer]\nenabled = 0", "enabled must be true or false"),
        ("[recognizers.QqNumberRecognizer]\nscore = 1.5", "score must be a number"),
        ("[recognizers.QqNumberRecognizer]\nscore = true", "score must be a number"),
        ('[recognizers.QqNumberRecognizer]\ncontext = "qq"', "context must be a list"),
        ("[recognizers.CnUsccRecognizer]\nscore = 0.7", "score cannot be set"),
        ('[recognizers.ClientRegistryRecognizer]\ncontext = ["x"]', "context cannot be set"),
        ("recognizers = 1", "expected tables"),
    ],
)
def test_config_recognizers_errors(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError, match=message):
        _config(tmp_path, text)


def test_specs_are_frozen_and_checked():
    spec = entity_specs()[0]
    with pytest.raises(AttributeError):
        spec.name = "X"  # type: ignore[misc]
    with pytest.raises(CatalogueError, match="unknown grade"):
        EntitySpec("X", "x", "x", "绝密")


def test_name_and_path_sets_are_the_previous_ones():
    """The sets scanner/ named by hand, now derived from ``name_like`` and
    ``readable_in_paths``: a silent change fails here."""
    from scanner.redact.engine import DOCUMENT_NAME_TYPES
    from scanner.scan.paths import READABLE_IN_PATHS
    from scanner.scan.pipeline import CONSISTENT_TYPES

    assert {"PERSON", "ORGANIZATION", "CLIENT"} == CONSISTENT_TYPES == DOCUMENT_NAME_TYPES
    assert {
        "CLIENT",
        "ORGANIZATION",
        "CONFIDENTIAL_MARKING",
        "UNDISCLOSED_EVENT",
    } == READABLE_IN_PATHS


# Where scanner/ and reports/ may still name an entity type in a string literal, by
# (file, type), with the reason; the list may only shrink (a stale entry fails too).
NAMED_LITERALS: dict[tuple[str, str], str] = {
    ("scanner/models.py", "CLIENT"): "the client registry's type, shared by the store, the "
    "reports and compliance, which do not import recognizers",
}


def named_entity_types(
    root: Path, packages: tuple[str, ...] = ("scanner", "reports")
) -> dict[tuple[str, str], list[int]]:
    """(file, type) → lines, for every string literal of ``packages`` that equals an
    entity type's name (docstrings and longer texts that mention one do not count)."""
    import ast

    names = {s.name for s in entity_specs()}
    found: dict[tuple[str, str], list[int]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and node.value in names:
                    key = (path.relative_to(root).as_posix(), node.value)
                    found.setdefault(key, []).append(node.lineno)
    return found


@pytest.mark.slow
def test_scanner_and_reports_name_no_entity_type_by_hand():
    """An entity type is named by its recognizer (its ``EntitySpec``) and its tests; what
    scanner/ and reports/ do with a type comes from a property of its spec. Literals outside
    ``NAMED_LITERALS`` fail, listed; an entry no longer needed fails too."""
    root = Path(__file__).resolve().parents[2]
    found = named_entity_types(root)
    unexpected = sorted(
        f"{path}:{','.join(map(str, lines))}: {name!r}"
        for (path, name), lines in found.items()
        if (path, name) not in NAMED_LITERALS
    )
    assert not unexpected, (
        "entity types named by hand (derive them from an EntitySpec field, or list them in "
        "NAMED_LITERALS with the reason):\n" + "\n".join(unexpected)
    )
    stale = sorted(f"{path}: {name!r}" for path, name in set(NAMED_LITERALS) - set(found))
    assert not stale, "NAMED_LITERALS entries no longer needed:\n" + "\n".join(stale)


@pytest.mark.slow
def test_an_entity_type_is_named_in_at_most_two_source_files():
    """Issue 18: its recognizer, and at most one shared constant (CLIENT in scanner/models.py;
    the NER types in recognizers/ner/candidate.py, used by the CRF, its training data and the
    table-column rules)."""
    root = Path(__file__).resolve().parents[2]
    files: dict[str, set[str]] = {}
    for path, name in named_entity_types(root, ("scanner", "reports", "recognizers")):
        files.setdefault(name, set()).add(path)
    assert {name: sorted(paths) for name, paths in files.items() if len(paths) > 2} == {}
    assert files["CLIENT"] == {"recognizers/client_registry.py", "scanner/models.py"}


def test_the_shared_client_type_is_the_registry_recognizers():
    from recognizers.client_registry import ClientRegistryRecognizer
    from scanner.models import CLIENT

    assert CLIENT == ClientRegistryRecognizer.ENTITY


def test_shipped_policies_name_only_catalogued_types():
    from scanner.redact.policy import DEFAULT_POLICIES, validate

    known = frozenset(s.name for s in entity_specs())
    for policy in DEFAULT_POLICIES.values():
        validate(policy, known)
    assert DEFAULT_POLICIES["subcontractor"].operators == {
        "CN_ADDRESS": "keep",
        "CLIENT": "label",
        "PERSON": "label",
    }


def test_mask_shapes_and_client_overlaps_come_from_the_specs():
    from scanner.masking import SHAPES
    from scanner.scan.analyze import CLIENT_OVERLAP

    assert SHAPES == {"EMAIL_ADDRESS": "email", "CLIENT": "name"}
    assert {k: v for k, v in CLIENT_OVERLAP.items() if v} == {
        "PERSON": "yields",
        "ORGANIZATION": "contains",
        "CN_ADDRESS": "contains",
    }


@pytest.mark.parametrize(
    ("field", "value"), [("mask_shape", "stars"), ("client_overlap", "wins"), ("grade", "绝密")]
)
def test_a_spec_with_an_unknown_setting_is_refused(field, value):
    with pytest.raises(CatalogueError, match=field.split("_")[-1]):
        EntitySpec("X", "某", "x", **{field: value})
