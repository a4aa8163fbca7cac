"""A real ``baomi serve`` process for the end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def baomi_env(folder: Path) -> dict[str, str]:
    """The environment of a test's baomi processes: its own token and account files."""
    return {
        **os.environ,
        "BAOMI_USERS": str(folder / "users.json"),
        "BAOMI_TOKENS": str(folder / "tokens.json"),
        "PYTHONPATH": str(ROOT),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(env: dict[str, str], *options: str) -> Iterator[tuple[str, list[int]]]:
    """``baomi serve OPTIONS`` on a free port until its /healthz answers; yields its base
    URL and, after SIGTERM at the end, its exit code (in the list)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "serve", "--port", str(port), *options],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    exit_code: list[int] = []
    try:
        _wait_until_up(process, base)
        yield base, exit_code
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code.append(process.wait(timeout=40))


def _wait_until_up(process: subprocess.Popen[str], base: str, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def baomi(args: Sequence[str], env: dict[str, str], stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
    )
