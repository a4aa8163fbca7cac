"""The HTTP API as its callers use it: FastAPI's test client against one real service
(recognizers, forked workers, policies), tokens from a real token store."""

from __future__ import annotations

import io
import json
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient

from scanner.app import load, settings
from scanner.serve.api import create_app
from scanner.serve.service import Service, safe_filename
from scanner.serve.tokens import TokenStore
from tests.builders import docx_bytes

PHONE = "13812345678"
EMAIL = "zhangwei@xinghe-media.com"
TEXT = f"联系人张伟，手机 {PHONE}，邮箱 {EMAIL}。"
RAW = (PHONE, EMAIL, "张伟")
UPLOAD_LIMIT = 200_000


@pytest.fixture(scope="module")
def service() -> Service:
    built = Service(settings(load(None)), workers=2)
    yield built
    built.close()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    """The temporary folder requests work in, this module's own (to check it is left empty)."""
    folder = tmp_path_factory.mktemp("scratch")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(folder))
        yield folder


@pytest.fixture(scope="module")
def world(service: Service, scratch: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("serve")
    tokens = TokenStore(folder / "tokens.json")
    token = tokens.create("oa-gateway")
    log = folder / "audit.jsonl"
    app = create_app(service, tokens, log, max_upload_bytes=UPLOAD_LIMIT, concurrency=2)
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}, log, tokens


def _docx(*paragraphs: str) -> bytes:
    return docx_bytes("会议纪要", *paragraphs)


def _text_of_docx(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_health_needs_no_token(world) -> None:
    client, _, _, _ = world
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Bearer baomi_" + "x" * 43, "Basic a"])
def test_every_api_call_needs_a_valid_token(world, header: str | None) -> None:
    client, _, _, _ = world
    headers = {"Authorization": header} if header else {}
    for path in ("/api/v1/analyze", "/api/v1/scan", "/api/v1/redact"):
        answer = client.post(path, headers=headers, json={"text": TEXT})
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer"


def test_a_revoked_token_stops_working_at_once(world) -> None:
    client, _, _, tokens = world
    token = tokens.create("temporary")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/analyze", headers=headers, json={"text": "无"}).status_code == 200
    tokens.revoke("temporary")
    assert client.post("/api/v1/analyze", headers=headers, json={"text": "无"}).status_code == 401


def test_analyze_gives_masked_values_and_fingerprints_only(world) -> None:
    client, auth, _, _ = world
    answer = client.post("/api/v1/analyze", headers=auth, json={"text": TEXT})
    assert answer.status_code == 200
    found = {f["entity_type"]: f for f in answer.json()["findings"]}
    assert found["PHONE_NUMBER"]["masked"] == "138****5678"
    assert TEXT[found["PHONE_NUMBER"]["start"] : found["PHONE_NUMBER"]["end"]] == PHONE
    assert len(found["EMAIL_ADDRESS"]["fingerprint"]) == 32
    assert not any(raw in answer.text for raw in RAW)


def test_analyze_keeps_to_the_entities_asked(world) -> None:
    client, auth, _, _ = world
    body = {"text": TEXT, "entities": ["PHONE_NUMBER"]}
    found = client.post("/api/v1/analyze", headers=auth, json=body).json()["findings"]
    assert [f["entity_type"] for f in found] == ["PHONE_NUMBER"]


def test_malformed_requests_are_refused(world) -> None:
    client, auth, _, _ = world
    assert client.post("/api/v1/analyze", headers=auth, content=b"{not json").status_code == 422
    assert client.post("/api/v1/analyze", headers=auth, json={"txt": "x"}).status_code == 422
    assert client.post("/api/v1/scan", headers=auth).status_code == 422  # no file
    files = {"file": ("a.docx", _docx(TEXT))}
    assert client.post("/api/v1/redact", headers=auth, files=files).status_code == 422  # policy
    unknown = client.post("/api/v1/redact", headers=auth, files=files, data={"policy": "nobody"})
    assert unknown.status_code == 400 and "unknown policy" in unknown.json()["detail"]


def test_scan_of_an_upload(world) -> None:
    client, auth, log, _ = world
    files = {"file": ("客户联系人.docx", _docx(TEXT))}
    answer = client.post("/api/v1/scan", headers=auth, files=files)
    assert answer.status_code == 200
    body = answer.json()
    [record] = body["files"]
    assert record["path"] == "客户联系人.docx" and record["status"] == "scanned"
    assert {"PHONE_NUMBER", "EMAIL_ADDRESS"} <= {f["entity_type"] for f in record["findings"]}
    assert record["grade"] and record["kind"]
    assert not any(raw in answer.text for raw in RAW)
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert last["action"] == "api.scan" and last["client"] == "oa-gateway"
    assert last["file"] == "客户联系人.docx" and len(last["sha256"]) == 64


def test_redact_returns_the_verified_copy(world) -> None:
    client, auth, log, _ = world
    files = {"file": ("周报.docx", _docx(TEXT, "下周安排发布会。"))}
    answer = client.post("/api/v1/redact", headers=auth, files=files, data={"policy": "media"})
    assert answer.status_code == 200, answer.text
    copy = _text_of_docx(answer.content)
    assert "下周安排发布会。" in copy
    assert not any(raw in copy for raw in RAW)
    assert answer.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    changes = json.loads(answer.headers["x-baomi-changes"])
    assert {"PHONE_NUMBER", "EMAIL_ADDRESS"} <= {c["entity_type"] for c in changes}
    entry = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert entry["action"] == "api.redact" and entry["policy"] == "media"
    assert entry["outcome"] == "written" and len(entry["output_sha256"]) == 64
    assert not any(raw in log.read_text(encoding="utf-8") for raw in RAW)


def test_a_file_that_cannot_be_redacted_gets_422_with_reasons(world) -> None:
    client, auth, _, _ = world
    files = {"file": ("旧文件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)}
    answer = client.post("/api/v1/redact", headers=auth, files=files, data={"policy": "media"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["ok"] is False and body["reasons"]


def test_an_oversized_upload_gets_413(world) -> None:
    client, auth, _, _ = world
    files = {"file": ("big.txt", b"a" * (UPLOAD_LIMIT + 10))}
    assert client.post("/api/v1/scan", headers=auth, files=files).status_code == 413


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("/abs/path/报告.docx", "报告.docx"),
        ("...", "upload"),
        ("a\x00b.txt", "a_b.txt"),
        ("", "upload"),
    ],
)
def test_upload_names_never_leave_the_workspace(given: str, safe: str) -> None:
    assert safe_filename(given) == safe


def test_a_traversal_name_is_scanned_under_its_own_name_only(world, tmp_path: Path) -> None:
    client, auth, _, _ = world
    files = {"file": ("../../../tmp/evil.txt", f"手机 {PHONE}\n".encode())}
    answer = client.post("/api/v1/scan", headers=auth, files=files)
    assert answer.status_code == 200
    assert answer.json()["files"][0]["path"] == "evil.txt"
    assert not Path("/tmp/evil.txt").exists()


def test_concurrent_uploads_are_all_served(world) -> None:
    client, auth, _, _ = world
    answers: list[int] = []

    def one(n: int) -> None:
        files = {"file": (f"第{n}份.txt", f"联系人手机 1381234{n:04d}\n".encode())}
        answers.append(client.post("/api/v1/scan", headers=auth, files=files).status_code)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 10


def test_an_archive_reports_its_members(world) -> None:
    client, auth, _, _ = world
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("名单.txt", f"手机 {PHONE}\n")
    files = {"file": ("资料.zip", buffer.getvalue())}
    body = client.post("/api/v1/scan", headers=auth, files=files).json()
    paths = [f["path"] for f in body["files"]]
    assert paths[0] == "资料.zip" and "资料.zip!名单.txt" in paths


def test_the_api_is_described(world) -> None:
    client, _, _, _ = world
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/analyze", "/api/v1/scan", "/api/v1/redact"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404  # no page that loads scripts from a CDN


@pytest.fixture(scope="module")
def with_registry(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("registry")
    registry = folder / "clients.csv"
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河传媒\n", encoding="utf-8")
    built = Service(settings(load(None), clients=registry), workers=1)
    tokens = TokenStore(folder / "tokens.json")
    auth = {"Authorization": f"Bearer {tokens.create('pr-team')}"}
    with TestClient(create_app(built, tokens, folder / "audit.jsonl")) as client:
        yield client, auth, folder / "audit.jsonl"
    built.close()


def test_a_grade_the_policy_will_not_release_gets_403_unless_forced(with_registry) -> None:
    client, auth, log = with_registry
    secret = "【机密】星河传媒新品发布方案\n新品拟于5月20日发布，发布前请勿外传。\n".encode()
    files = {"file": ("新品发布方案.txt", secret)}
    refused = client.post("/api/v1/redact", headers=auth, files=files, data={"policy": "media"})
    assert refused.status_code == 403
    assert "graded 核心" in refused.json()["reasons"][0]
    empty_reason = {"policy": "media", "reason": " "}
    assert (
        client.post("/api/v1/redact", headers=auth, files=files, data=empty_reason).status_code
        == 400
    )
    forced = client.post(
        "/api/v1/redact",
        headers=auth,
        files=files,
        data={"policy": "media", "reason": "客户书面同意"},
    )
    assert forced.status_code == 200
    copy = forced.content.decode("utf-8")
    assert "星河传媒" not in copy and "拟于" not in copy
    outcomes = [json.loads(line)["outcome"] for line in log.read_text("utf-8").splitlines()]
    assert outcomes[-2:] == ["refused", "written"]


def test_no_upload_or_copy_is_left_behind(world, scratch: Path) -> None:
    client, auth, _, _ = world
    files = {"file": ("名单.docx", _docx(TEXT))}
    assert client.post("/api/v1/scan", headers=auth, files=files).status_code == 200
    answer = client.post("/api/v1/redact", headers=auth, files=files, data={"policy": "media"})
    assert answer.status_code == 200
    assert list(scratch.iterdir()) == []  # every request's folder removed, with what it held
