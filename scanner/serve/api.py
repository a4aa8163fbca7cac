"""The HTTP API of ``baomi serve`` (FastAPI), version 1.

* ``GET /healthz`` — 200 while the server runs (no authentication: for load balancers);
* ``POST /api/v1/analyze`` — JSON ``{"text": …, "entities": […]}`` → findings, masked;
* ``POST /api/v1/scan`` — multipart ``file`` → its findings, kind, grade and owners;
* ``POST /api/v1/redact`` — multipart ``file``, ``policy`` (``reason`` to force a refused
  grade) → the verified copy, or a JSON refusal: 403 when the policy does not release the
  file's grade, 422 when it cannot be redacted or verified;
* ``GET /api/v1/openapi.json`` — this API described (no documentation page: it would
  load scripts from the internet);
* ``/``, ``/login`` and ``/web/*`` — the page for account managers (``web.py``).

Every ``/api`` call needs ``Authorization: Bearer <token>`` (``baomi token create``);
401 otherwise. Uploads larger than ``max_upload_bytes`` get 413 before they are read whole;
at most ``concurrency`` files are worked on at once (others wait their turn), each in a
forked, time-limited worker (``scanner/serve/service.py``). Every request is appended to
the audit log: who (the token's name), what (the file's safe name and SHA-256, the
policy), the outcome — never a value.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at
# definition time, and they name dependencies local to ``create_app``.
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import anyio
from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from scanner.redact import audit
from scanner.serve.service import RequestError, Service, safe_filename
from scanner.serve.tokens import TokenError, TokenStore

API = "/api/v1"
T = TypeVar("T")


class AnalyzeRequest(BaseModel):
    text: str = Field(description="the text to analyse (at most 1,000,000 characters)")
    entities: list[str] | None = Field(default=None, description="only these entity types")


class FindingOut(BaseModel):
    entity_type: str
    start: int
    end: int
    score: float
    masked: str
    fingerprint: str


class AnalyzeResponse(BaseModel):
    findings: list[FindingOut]


def create_app(
    service: Service,
    tokens: TokenStore,
    audit_log: Path,
    max_upload_bytes: int = 50 * 1024 * 1024,
    concurrency: int = 2,
    users: Any = None,
    secure_cookies: bool = True,
) -> FastAPI:
    """The application over one ``service`` (built once, shared by every request); with
    ``users`` (a ``UserStore``), the page for account managers too (``web.py``)."""
    app = FastAPI(
        title="baomi 保密",
        version="1",
        description="Client-information analysis and pre-sharing redaction (masked values only).",
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API}/openapi.json",
    )
    limiter = anyio.CapacityLimiter(concurrency)
    bearer = HTTPBearer(auto_error=False)

    async def caller(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        """The token's name; 401 without a valid bearer token (503 when the token file
        cannot be read: no request passes, and the operator sees why)."""
        try:
            name = tokens.verify(credentials.credentials) if credentials is not None else None
        except TokenError:
            raise HTTPException(503, "the token file cannot be read") from None
        if name is None:
            raise HTTPException(
                401, "a valid bearer token is needed", headers={"WWW-Authenticate": "Bearer"}
            )
        return name

    async def work(fn: Callable[[], T]) -> T:
        """``fn`` in a worker thread, at most ``concurrency`` at once."""
        return await anyio.to_thread.run_sync(fn, limiter=limiter)

    async def upload(request: Request, file: UploadFile) -> bytes:
        """The uploaded file's bytes; 413 past the limit, without reading it all."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_upload_bytes + 1024:
            raise HTTPException(413, f"upload larger than {max_upload_bytes:,} bytes")
        data = await file.read(max_upload_bytes + 1)
        if len(data) > max_upload_bytes:
            raise HTTPException(413, f"upload larger than {max_upload_bytes:,} bytes")
        return data

    def record(who: str, action: str, **fields: Any) -> None:
        audit.append(audit_log, {"action": f"api.{action}", "client": who, **fields})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(f"{API}/analyze", response_model=AnalyzeResponse)
    async def analyze(body: AnalyzeRequest, who: Annotated[str, Depends(caller)]) -> dict[str, Any]:
        """Findings in a text: type, span, score, masked value, keyed fingerprint."""
        found = await _answer(work(lambda: service.analyze(body.text, body.entities)))
        record(who, "analyze", chars=len(body.text), findings=len(found))
        return {"findings": found}

    @app.post(f"{API}/scan")
    async def scan(
        request: Request,
        who: Annotated[str, Depends(caller)],
        file: Annotated[UploadFile, File(description="the file to scan")],
    ) -> dict[str, Any]:
        """An uploaded file's findings, kind, grade and client attribution."""
        data = await upload(request, file)
        name = file.filename or ""
        result = await _answer(work(lambda: service.scan(name, data)))
        findings = sum(len(f["findings"]) for f in result["files"])
        record(who, "scan", file=result["filename"], sha256=result["sha256"], findings=findings)
        return result

    @app.post(f"{API}/redact", response_model=None)
    async def redact(
        request: Request,
        who: Annotated[str, Depends(caller)],
        file: Annotated[UploadFile, File(description="the file to redact")],
        policy: Annotated[str, Form(description="媒体 media, 分包商 subcontractor, …")],
        reason: Annotated[str | None, Form(description="release a refused grade, why")] = None,
    ) -> Response:
        """The verified redacted copy (same format), or a JSON refusal with reasons."""
        data = await upload(request, file)
        name = file.filename or ""
        done = await _answer(work(lambda: service.redact(name, data, policy, reason)))
        record(
            who,
            "redact",
            file=safe_filename(name),
            sha256=done.input_sha256,
            policy=policy,
            forced=reason is not None,
            outcome="written" if done.ok else "refused" if done.status == 403 else "failed",
            output_sha256=done.output_sha256 or None,
        )
        if not done.ok:
            return JSONResponse(
                {"ok": False, "file": done.filename, "reasons": list(done.reasons)},
                status_code=done.status,
            )
        return Response(
            done.data,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(done.filename)}",
                # what was removed, per type (no values): for the page and the callers' logs
                "X-Baomi-Changes": json.dumps(list(done.changes)),
            },
        )

    if users is not None:
        from scanner.serve.web import web_router

        app.include_router(web_router(service, users, record, upload, work, secure_cookies))
    return app


async def _answer(pending: Awaitable[T]) -> T:
    """The service's answer; its refusals as HTTP errors."""
    try:
        return await pending
    except RequestError as exc:
        raise HTTPException(exc.status, exc.reason) from None
