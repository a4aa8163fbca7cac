"""The page in a real headless browser (Debian's Chromium driven by Playwright) against a
real ``baomi serve``: sign in, upload a docx, read the preview, download the copy."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.builders import docx_bytes
from tests.serve.conftest import baomi, baomi_env, running_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "correct horse battery"
PHONE = "13812345678"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (scripts/setup.sh test)"),
]


@pytest.fixture
def server(tmp_path: Path):
    env = baomi_env(tmp_path)
    added = baomi(["user", "add", "wangfang", "--password-stdin"], env, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    options = ("--insecure-cookies", "--audit-log", str(tmp_path / "audit.jsonl"))
    with running_server(env, *options) as (base, exit_code):
        yield base, tmp_path
    assert exit_code == [0]


def test_sign_in_preview_and_download_in_a_browser(server) -> None:
    from playwright.sync_api import sync_playwright

    base, folder = server
    upload = folder / "采访安排.docx"
    upload.write_bytes(docx_bytes("采访安排", f"联系人李娜，手机 {PHONE}。", "发布会在下周。"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(accept_downloads=True)
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith((base, "blob:")) else None,
            )
            page.goto(f"{base}/")
            assert page.url == f"{base}/login"
            page.fill("input[name=username]", "wangfang")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.set_input_files("#file", str(upload))
            page.select_option("#policy", "media")
            page.click("#preview-button")
            page.wait_for_selector("#plan tbody tr")
            table = page.inner_text("#plan")
            assert "PHONE_NUMBER" in table and "138****5678" in table
            assert PHONE not in page.content()
            with page.expect_download() as waiting:
                page.click("#download")
            download = waiting.value
            saved = folder / "copy.docx"
            download.save_as(saved)
            assert download.suggested_filename.endswith(".docx")
            text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
            assert "发布会在下周。" in text and PHONE not in text and "李娜" not in text
            assert external == []  # nothing from the internet
        finally:
            browser.close()
