"""The page in a real headless browser (Debian's Chromium driven by Playwright) against a
real ``baomi serve``: sign in, upload a docx, read the preview, download the copy."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from docx import Document

from tests.builders import docx_bytes

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "correct horse battery"
PHONE = "13812345678"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (scripts/setup.sh test)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path):
    env = {
        **os.environ,
        "BAOMI_USERS": str(tmp_path / "users.json"),
        "BAOMI_TOKENS": str(tmp_path / "tokens.json"),
        "PYTHONPATH": str(ROOT),
    }
    added = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "user", "add", "wangfang", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "serve", "--port", str(port),
         "--insecure-cookies", "--audit-log", str(tmp_path / "audit.jsonl")],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)
    yield base, tmp_path
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0


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
