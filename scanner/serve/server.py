"""Run the API under uvicorn: one process, the service built before the first request.

On SIGTERM or SIGINT uvicorn stops gracefully: it stops accepting connections, lets the
requests in flight finish (at most ``GRACEFUL_S`` seconds); then the service's scan workers
are ended and the command exits 0. Connections beyond ``max_connections`` are answered
503 instead of queueing without bound; work beyond the service's concurrency waits its
turn (``api.py``).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.serve.service import Service
from scanner.serve.tokens import TokenStore
from scanner.serve.users import UserStore

GRACEFUL_S = 30
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    max_upload_mb: float = 50.0
    concurrency: int = 2
    max_connections: int = 64
    secure_cookies: bool = True


def serve(
    service: Service,
    tokens: TokenStore,
    users: UserStore,
    audit_log: Path,
    options: ServerOptions,
) -> None:
    """Serve until SIGTERM or SIGINT; the service's workers end with the server."""
    import uvicorn

    from scanner.serve.api import create_app

    _Server = _server_class()

    app = create_app(
        service,
        tokens,
        audit_log,
        max_upload_bytes=int(options.max_upload_mb * 1024 * 1024),
        concurrency=options.concurrency,
        users=users,
        secure_cookies=options.secure_cookies,
    )
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        limit_concurrency=options.max_connections,
        timeout_graceful_shutdown=GRACEFUL_S,
        log_level=logging.WARNING,
        access_log=False,  # the audit log records every API call, without values
        server_header=False,
    )
    try:
        _Server(config).run()
    finally:
        service.close()


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, ending with exit status 0 after a graceful stop: uvicorn
        raises the captured SIGTERM again once it has shut down, so the process would
        die by the signal before the scan workers are ended."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield  # signals reach the main thread only
                return
            previous = {s: signal.signal(s, self.handle_exit) for s in STOP_SIGNALS}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server
