"""The bundled demo share: every planted value found, nothing else, no raw value in the output.

``examples/generate.py`` writes the share and a manifest of what it planted in
each file (values as they appear in the text) and of its hard negatives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MANIFEST = json.loads((EXAMPLES / "share.manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("demo") / "findings.jsonl"
    code = main(
        [
            "scan",
            str(EXAMPLES / "share"),
            "--clients",
            str(EXAMPLES / "clients.csv"),
            "--format",
            "jsonl",
            "--include-values",
            "-o",
            str(out),
        ]
    )
    assert code == 1
    by_file: dict[str, list[dict]] = {name: [] for name in MANIFEST}
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_file[Path(record["path"]).relative_to(EXAMPLES / "share").as_posix()].append(record)
    return by_file


# The manifest lists what the generator planted as values; names, organisations and
# addresses found through table column headers are checked separately below.
PLANTED_TYPES = {p["entity_type"] for entry in MANIFEST.values() for p in entry["planted"]}
COLUMN_TYPES = {"PERSON", "ORGANIZATION", "CN_ADDRESS"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_planted_value_and_nothing_else(findings, name: str) -> None:
    planted = {(p["entity_type"], p["value"]) for p in MANIFEST[name]["planted"]}
    found = {(f["entity_type"], f["value"]) for f in findings[name]}
    assert {f for f in found if f[0] in PLANTED_TYPES} == planted
    assert {f[0] for f in found} <= PLANTED_TYPES | COLUMN_TYPES


def test_media_list_journalists_are_found_by_their_column(findings) -> None:
    media = [f for f in findings["媒体资源/媒体名单_2025.tsv"] if f["entity_type"] == "PERSON"]
    assert media, "the 记者 column of the media list yields names"
    assert all(f["recognizer"] == "TableColumnRecognizer" for f in media)
    assert all(2 <= len(f["value"]) <= 4 or "·" in f["value"] for f in media)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hard_negatives_stay_silent(findings, name: str) -> None:
    for negative in MANIFEST[name]["negatives"]:
        assert not any(negative in f["value"] or f["value"] in negative for f in findings[name]), (
            negative
        )
