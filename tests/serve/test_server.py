"""``baomi serve`` as an operator runs it: a real uvicorn process on a free port, a token
from ``baomi token create``, a redaction over HTTP, then SIGTERM ends it cleanly."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.builders import docx_bytes
from tests.serve.conftest import baomi, baomi_env, running_server


@pytest.mark.slow
def test_serve_redacts_over_http_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = baomi_env(tmp_path)
    created = baomi(["token", "create", "mail-gateway"], env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.splitlines()[-1]
    log = tmp_path / "audit.jsonl"
    with running_server(env, "--no-ner", "--audit-log", str(log)) as (base, exit_code):
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
    assert exit_code == [0]  # a graceful stop
    assert '"action": "api.redact"' in log.read_text(encoding="utf-8")
