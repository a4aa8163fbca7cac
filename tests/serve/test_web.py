"""The account managers' page through the test client: sign-in, sessions, CSRF, the preview
and the download, refusals in plain words, and no raw value in anything it answers."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from docx import Document
from fastapi.testclient import TestClient

from scanner.app import load, settings
from scanner.serve.api import create_app
from scanner.serve.service import Service
from scanner.serve.tokens import TokenStore
from scanner.serve.users import UserStore
from tests.builders import docx_bytes

PASSWORD = "correct horse battery"
PHONE = "13812345678"
RAW = (PHONE, "li.na@example.com", "李娜")
DOCUMENT = docx_bytes(
    "采访安排", f"联系人李娜，手机 {PHONE}，邮箱 li.na@example.com。", "发布会在下周。"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("web")
    registry = folder / "clients.csv"
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河传媒\n", encoding="utf-8")
    service = Service(settings(load(None), clients=registry), workers=1)
    users = UserStore(folder / "users.json")
    users.add("wangfang", PASSWORD)
    users.add("lina", PASSWORD)  # the throttling test's own account
    log = folder / "audit.jsonl"
    app = create_app(
        service, TokenStore(folder / "tokens.json"), log, users=users, secure_cookies=False
    )
    yield app, log
    service.close()


@pytest.fixture
def browser(site) -> TestClient:
    app, _ = site
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def _sign_in(client: TestClient, password: str = PASSWORD) -> str:
    """Sign in through the form; where the answer sends the browser."""
    return _submit_login(client, password).headers["location"]


def _submit_login(client: TestClient, password: str = PASSWORD):
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login",
        data={"username": "wangfang", "password": password, "csrf": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return answer


def _page_csrf(client: TestClient) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)


def test_the_page_asks_to_sign_in_first(browser: TestClient) -> None:
    answer = browser.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    page = browser.get("/login")
    assert "登录" in page.text and 'name="csrf"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_wrong_password_does_not_sign_in(browser: TestClient, site) -> None:
    assert _sign_in(browser, "not the password") == "/login?failed=1"
    assert browser.get("/", follow_redirects=False).headers["location"] == "/login"
    assert "用户名或密码错误" in browser.get("/login?failed=1").text
    _, log = site
    assert json.loads(log.read_text("utf-8").splitlines()[-1])["outcome"] == "denied"


def test_sign_in_sets_a_strict_http_only_session_cookie(browser: TestClient) -> None:
    cookie = _submit_login(browser).headers["set-cookie"]
    assert "baomi_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = browser.get("/")
    assert "wangfang" in page.text and "媒体与公众" in page.text


def test_sign_in_needs_the_forms_own_token(browser: TestClient) -> None:
    browser.get("/login")
    answer = browser.post(
        "/login",
        data={"username": "wangfang", "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403


def test_actions_need_the_sessions_csrf_token(browser: TestClient) -> None:
    _sign_in(browser)
    files = {"file": ("采访安排.docx", DOCUMENT)}
    data = {"policy": "media"}
    assert browser.post("/web/preview", files=files, data=data).status_code == 403
    bad = {"X-CSRF-Token": "forged"}
    assert browser.post("/web/redact", files=files, data=data, headers=bad).status_code == 403
    assert browser.post("/logout", headers=bad).status_code == 403


def test_actions_need_a_session(browser: TestClient) -> None:
    files = {"file": ("a.docx", DOCUMENT)}
    answer = browser.post("/web/preview", files=files, data={"policy": "media"})
    assert answer.status_code == 401


def test_preview_lists_what_will_be_removed_masked(browser: TestClient) -> None:
    _sign_in(browser)
    csrf = {"X-CSRF-Token": _page_csrf(browser)}
    files = {"file": ("采访安排.docx", DOCUMENT)}
    answer = browser.post("/web/preview", files=files, data={"policy": "media"}, headers=csrf)
    assert answer.status_code == 200
    plan = answer.json()
    types = {t["entity_type"]: t for t in plan["types"]}
    assert types["PHONE_NUMBER"]["examples"] == ["138****5678"]
    assert types["PHONE_NUMBER"]["removed"] and types["PHONE_NUMBER"]["locations"]
    assert not plan["refused"]
    assert not any(raw in answer.text for raw in RAW)


def test_download_gives_the_verified_copy(browser: TestClient, site) -> None:
    _sign_in(browser)
    csrf = {"X-CSRF-Token": _page_csrf(browser)}
    files = {"file": ("采访安排.docx", DOCUMENT)}
    answer = browser.post("/web/redact", files=files, data={"policy": "media"}, headers=csrf)
    assert answer.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "发布会在下周。" in text and not any(raw in text for raw in RAW)
    _, log = site
    entry = json.loads(log.read_text("utf-8").splitlines()[-1])
    assert entry["client"] == "user:wangfang" and entry["outcome"] == "written"


def test_a_refused_grade_is_explained_in_plain_words(browser: TestClient) -> None:
    _sign_in(browser)
    csrf = {"X-CSRF-Token": _page_csrf(browser)}
    secret = "【机密】星河传媒新品发布方案\n新品拟于5月20日发布，发布前请勿外传。\n".encode()
    files = {"file": ("方案.txt", secret)}
    plan = browser.post("/web/preview", files=files, data={"policy": "media"}, headers=csrf)
    assert plan.json()["refused"] and "不能发出" in plan.json()["message"]
    refused = browser.post("/web/redact", files=files, data={"policy": "media"}, headers=csrf)
    assert refused.status_code == 403 and "请填写理由" in refused.json()["message"]
    forced = browser.post(
        "/web/redact",
        files=files,
        data={"policy": "media", "reason": "客户已书面同意"},
        headers=csrf,
    )
    assert forced.status_code == 200 and "拟于" not in forced.content.decode("utf-8")


def test_sign_out_ends_the_session(browser: TestClient) -> None:
    _sign_in(browser)
    csrf = {"X-CSRF-Token": _page_csrf(browser)}
    assert browser.post("/logout", headers=csrf).status_code == 200
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_static_files_are_a_fixed_list(browser: TestClient) -> None:
    assert browser.get("/static/app.js").status_code == 200
    assert browser.get("/static/..%2Fweb.py").status_code == 404
    assert browser.get("/static/../api.py").status_code == 404


def test_repeated_failures_must_wait_and_are_refused_before_hashing(browser, site) -> None:
    def attempt(password: str):
        page = browser.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        data = {"username": "lina", "password": password, "csrf": csrf}
        return browser.post("/login", data=data, follow_redirects=False)

    for _ in range(5):
        assert attempt("guess").headers["location"] == "/login?failed=1"
    refused = attempt(PASSWORD)  # the right password, but too early
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert "尝试次数过多" in refused.text and 'name="csrf"' in refused.text
    _, log = site
    assert json.loads(log.read_text("utf-8").splitlines()[-1])["outcome"] == "throttled"
    time.sleep(1.1)
    assert attempt(PASSWORD).headers["location"] == "/"  # waited: signed in, count cleared

