"""Findings cross from the workers to the parent pickled by their fields: every field,
owner and box included, comes back equal (and copies are equal too)."""

from __future__ import annotations

import copy
import pickle

from scanner.models import FileResult, FileStatus, Finding, Owner


def test_a_finding_comes_back_equal_with_every_field() -> None:
    owner = Owner("星*", "0" * 32, "同一行")
    finding = Finding(
        "a.zip!联系人.docx", "PHONE_NUMBER", 3, 14, 0.85, "段落 2", "CnPhoneRecognizer",
        "138****5678", "f" * 32, "13812345678", "星*", (1, 2, 30, 12), owner,
    )  # fmt: skip
    result = FileResult("a.zip", FileStatus.SCANNED, findings=[finding, finding])
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        [back] = pickle.loads(pickle.dumps([result], protocol=protocol))
        assert back == result and back.findings[0].owner == owner
    assert copy.copy(finding) == finding == copy.deepcopy(finding)
    assert pickle.loads(pickle.dumps(Finding("p", "X", 0, 1, 0.5, "", "", "*", "f"))).owner is None
