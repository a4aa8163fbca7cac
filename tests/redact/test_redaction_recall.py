"""What the scanner is unsure of does not leak (issue 17): a policy's own ``min_score``, and
a name confirmed once in a document found and replaced at every occurrence."""

from __future__ import annotations

import tomllib
from pathlib import Path

import docx
import pytest

from scanner.cli import main
from scanner.config import ConfigError, ScanSettings, load_config
from scanner.redact import leftovers
from scanner.redact.policy import DEFAULT_POLICIES, PolicyError, load_policies
from scanner.scan.limits import Limits

REDACT_KEY_HEX = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
# a valid organisation code the recognizer scores 0.45 after 代码: below the scan's 0.5
LOW_SCORE_CODE = "MA1K3G6E-X"
LOW_SCORE_TEXT = f"备案代码：{LOW_SCORE_CODE}\n"
# a name the recognizers find after 联系人 (0.85) but not alone at the start of a sentence
NAME = "万小川"
LABELLED = f"联系人：{NAME}，电话见通讯录。"
UNLABELLED = f"{NAME}觉得这个方案还可以再改一改。"


@pytest.fixture(autouse=True)
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "baomi.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _names(scanner, display: str, text: str) -> list[tuple[str, str]]:
    result = scanner.scan_bytes(display, text.encode("utf-8"))[0]
    return [(f.location, f.recognizer) for f in result.findings if f.entity_type == "PERSON"]


def _left(data: bytes, *values: str) -> list[str]:
    """Which of ``values`` any byte of ``data`` still holds (decompressed, normalised)."""
    hits = leftovers.search(data, {("PERSON", v) for v in values}, Limits())
    return sorted({hit.value for hit in hits})


# --- min_score per policy ---------------------------------------------------------------------


def test_policy_min_score_is_parsed_and_the_media_default_is_below_the_scan():
    assert DEFAULT_POLICIES["media"].min_score < ScanSettings().min_score
    assert DEFAULT_POLICIES["archive"].min_score is None  # the scan's own threshold


def test_policy_min_score_from_the_configuration(tmp_path):
    config = load_config(_config(tmp_path, "[policies.media]\nmin_score = 0.2\n"))
    policies = load_policies(config.policies)
    assert policies["media"].min_score == 0.2
    assert policies["media"].operators == DEFAULT_POLICIES["media"].operators  # not an entity
    added = load_config(_config(tmp_path, "[policies.press]\nmin_score = 1\n"))
    assert load_policies(added.policies)["press"].min_score == 1.0


@pytest.mark.parametrize("value", ['"low"', "[0.3]"])
def test_a_min_score_that_is_not_a_number_is_a_configuration_error(tmp_path, value):
    with pytest.raises(ConfigError, match="min_score"):
        load_config(_config(tmp_path, f"[policies.media]\nmin_score = {value}\n"))


@pytest.mark.parametrize("value", ["true", "1.5", "-0.1"])
def test_a_min_score_outside_0_to_1_is_refused_when_the_configuration_loads(tmp_path, value):
    # the whole baomi.toml is validated at load, policies included (issue 18)
    with pytest.raises(
        ConfigError, match="policy media: min_score must be a number between 0 and 1"
    ):
        load_config(_config(tmp_path, f"[policies.media]\nmin_score = {value}\n"))
    with pytest.raises(PolicyError, match="min_score must be a number between 0 and 1"):
        load_policies({"media": tomllib.loads(f"min_score = {value}")})


@pytest.mark.slow
def test_a_low_score_candidate_is_redacted_under_media_and_not_reported_by_the_scan(
    tmp_path, make_scanner
):
    found = make_scanner().scan_bytes("备案.txt", LOW_SCORE_TEXT.encode())[0].findings
    assert not [f for f in found if f.entity_type == "CN_ORG_CODE"]  # the scan: below 0.5
    source = tmp_path / "备案.txt"
    source.write_text(LOW_SCORE_TEXT, encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["redact", str(source), "-o", str(out), "--policy", "media"]) == 0
    assert LOW_SCORE_CODE not in out.read_text("utf-8")
    # the same policy at the scan's threshold leaves it: the lower threshold did it
    config = _config(tmp_path, "[policies.media]\nmin_score = 0.5\n")
    kept = tmp_path / "kept.txt"
    args = ["redact", str(source), "-o", str(kept), "--policy", "media", "--config", str(config)]
    assert main(args) == 0
    assert LOW_SCORE_CODE in kept.read_text("utf-8")


# --- one document, one decision -----------------------------------------------------------


def test_a_name_confirmed_once_is_found_at_every_occurrence_of_the_document(make_scanner):
    scanner = make_scanner()
    text = f"{LABELLED}\n\n{UNLABELLED}\n"
    assert _names(scanner, "纪要.txt", text) == [
        ("第 1 行", "PersonOrgAddressRecognizer"),
        ("第 3 行", "DocumentConsistency"),
    ]
    found = scanner.scan_bytes("纪要.txt", text.encode())[0].findings
    assert found[0].fingerprint == found[1].fingerprint and found[0].score == found[1].score
    # not in another document: there nothing confirms it
    assert _names(scanner, "另一份.txt", f"{UNLABELLED}\n") == []


def test_a_confirmed_name_is_found_in_the_file_name_too(make_scanner):
    names = _names(make_scanner(), f"{NAME}_简历.txt", f"{LABELLED}\n")
    assert ("文件名", "DocumentConsistency") in names


def test_a_name_inside_a_longer_latin_word_is_not_another_occurrence(make_scanner):
    text = "客户：Bluewhale Tech\n\nBluewhale Technology 不是它。\n"
    found = make_scanner().scan_bytes("a.txt", text.encode())[0].findings
    assert not [f for f in found if f.recognizer == "DocumentConsistency"]


@pytest.mark.slow
def test_a_name_labelled_once_is_replaced_everywhere_in_the_copy(tmp_path):
    source = tmp_path / "share" / f"{NAME}_方案.docx"
    source.parent.mkdir()
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"{NAME} 内部稿"
    document.add_paragraph(LABELLED)
    document.add_paragraph(UNLABELLED)
    document.core_properties.title = f"{NAME}的方案"
    document.save(source)
    out_dir = tmp_path / "outbox"
    assert main(["redact", str(source.parent), "--out-dir", str(out_dir), "--policy", "media"]) == 0
    (copy,) = out_dir.iterdir()
    assert NAME not in copy.name and copy.name.endswith("_方案.docx")
    assert _left(copy.read_bytes(), NAME) == []
    redacted = docx.Document(copy)
    assert redacted.sections[0].header.paragraphs[0].text.startswith("[联系人1]")
    assert [p.text for p in redacted.paragraphs][1].startswith("[联系人1]觉得")


@pytest.mark.slow
def test_the_document_names_are_replaced_in_the_first_pass(tmp_path, monkeypatch):
    from scanner.redact import engine

    monkeypatch.setattr(engine, "EXTRA_PASSES", 0)  # no second pass to fall back on
    source = tmp_path / "纪要.txt"
    source.write_text(f"{UNLABELLED}\n{LABELLED}\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["redact", str(source), "-o", str(out), "--policy", "media"]) == 0
    assert out.read_text("utf-8").startswith("[联系人1]觉得")
