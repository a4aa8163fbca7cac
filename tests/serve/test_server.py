"""``baomi serve`` as an operator runs it: a real uvicorn process on a free port, a token
from ``baomi token create``, a redaction over HTTP, then SIGTERM ends it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.builders import docx_bytes

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _baomi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True, env=env
    )


@pytest.mark.slow
def test_serve_redacts_over_http_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "BAOMI_TOKENS": str(tmp_path / "tokens.json"), "PYTHONPATH": str(ROOT)}
    created = _baomi("token", "create", "mail-gateway", env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.splitlines()[-1]
    port = _free_port()
    log = tmp_path / "audit.jsonl"
    server = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "serve", "--port", str(port), "--no-ner",
         "--audit-log", str(log)],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        document = docx_bytes("周报", "联系人手机 13812345678，邮箱 li@example.com。")
        answer = httpx.post(
            f"{base}/api/v1/redact",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("周报.docx", document)},
            data={"policy": "media"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert b"13812345678" not in answer.content and answer.content.startswith(b"PK")
        assert httpx.post(f"{base}/api/v1/analyze", json={"text": "x"}).status_code == 401
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=40)
    assert code == 0
    assert '"action": "api.redact"' in log.read_text(encoding="utf-8")
