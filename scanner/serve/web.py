"""The page account managers use: sign in, drop a file, choose the purpose, see what will be
removed, download the verified copy (Chinese first).

* Accounts are ``baomi user`` accounts (scrypt hashes, ``scanner/serve/users.py``).
* A session is a random id in a cookie (HttpOnly, SameSite=Strict, Secure unless the
  server was started with ``--insecure-cookies`` for a try on localhost), kept in this
  process's memory: a restart signs everyone out. Sessions end after ``IDLE_S`` without use
  and ``MAX_AGE_S`` at the latest.
* Repeated failed sign-ins of an account from an address, or from an address, must wait,
  doubling up to five minutes (``throttle.py``); an attempt made too early is refused
  with 429 before the password is hashed.
* CSRF: every state-changing request from the page carries the session's token in the
  ``X-CSRF-Token`` header (the page reads it from a ``<meta>`` element); the sign-in form
  carries a token that must equal a cookie set with the form (double submit). SameSite=Strict
  already keeps other sites' requests from carrying the cookie; the token is the second lock.
* The page loads nothing from the internet: its script and style are served from here, and
  the Content-Security-Policy allows only this origin.
* What the page shows is what the API gives: counts, masked examples and locations; never a
  value. Every action is in the audit log under ``user:NAME``.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at
# definition time, and they name dependencies local to ``web_router``.
import hmac
import html
import json
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from scanner.serve.service import Redacted, Service, safe_filename
from scanner.serve.throttle import SignInThrottle
from scanner.serve.users import UserError

SESSION_COOKIE = "baomi_session"
LOGIN_COOKIE = "baomi_login"
IDLE_S = 2 * 3600
MAX_AGE_S = 12 * 3600
HERE = Path(__file__).parent
STATIC = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
# Purposes the page offers, in the order an account manager thinks of them; a purpose is a
# redaction policy (baomi policies), so one configured in baomi.toml appears too.
PURPOSES = ("media", "subcontractor", "internal", "archive")
# What the operators do, in plain words for the preview
OPERATOR_WORDS = {
    "mask": "遮蔽 masked",
    "label": "替换为标签 replaced by a label",
    "hash": "替换为指纹 replaced by a fingerprint",
    "encrypt": "加密 encrypted",
    "pseudonym": "化名 pseudonym",
    "redact": "删除 removed",
    "keep": "保留 kept",
}


@dataclass
class Session:
    user: str
    csrf: str
    started: float
    seen: float


@dataclass
class Sessions:
    """Signed-in sessions, in memory (the server is one process)."""

    idle_s: float = IDLE_S
    max_age_s: float = MAX_AGE_S
    _by_id: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, user: str) -> tuple[str, Session]:
        now = time.monotonic()
        session_id = secrets.token_urlsafe(32)
        session = Session(user, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._expire(now)
            self._by_id[session_id] = session
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._by_id.get(session_id)
            if session is not None:
                session.seen = now
            return session

    def end(self, session_id: str | None) -> None:
        with self._lock:
            self._by_id.pop(session_id or "", None)

    def _expire(self, now: float) -> None:
        for key, s in list(self._by_id.items()):
            if now - s.seen > self.idle_s or now - s.started > self.max_age_s:
                del self._by_id[key]


def web_router(
    service: Service,
    users: Any,
    record: Callable[..., None],
    read_upload: Callable[..., Any],
    work: Callable[..., Any],
    secure_cookies: bool = True,
    throttle: SignInThrottle | None = None,
) -> APIRouter:
    """The page's routes. ``users`` verifies passwords (``UserStore``); ``record`` writes the
    audit log; ``read_upload`` and ``work`` are the API's upload limit and worker pool;
    ``throttle`` slows repeated failed sign-ins (``throttle.py``)."""
    router = APIRouter(include_in_schema=False)
    sessions = Sessions()
    throttle = throttle or SignInThrottle()

    def cookie(response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            secure=secure_cookies,
            samesite="strict",
            path="/",
        )

    def signed_in(request: Request) -> Session | None:
        """The request's session; none once its account was removed (``baomi user remove``
        takes effect at the next request, without a restart)."""
        session_id = request.cookies.get(SESSION_COOKIE)
        session = sessions.get(session_id)
        if session is not None and not _still_exists(users, session.user):
            sessions.end(session_id)
            return None
        return session

    def checked(request: Request) -> Session:
        """The session of a state-changing request, its CSRF token checked."""
        session = signed_in(request)
        if session is None:
            raise HTTPException(401, "请先登录 sign in first")
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            raise HTTPException(403, "请求无效，请刷新页面 invalid request: reload the page")
        return session

    def login_form(
        message: str, status: int = 200, headers: dict[str, str] | None = None
    ) -> HTMLResponse:
        token = secrets.token_urlsafe(32)
        body = _page("login.html", csrf=token, message=message)
        response = HTMLResponse(body, status, headers={**SECURITY_HEADERS, **(headers or {})})
        cookie(response, LOGIN_COOKIE, token, 600)
        return response

    @router.get("/login")
    async def login_page(request: Request, failed: int = 0) -> Response:
        return login_form("用户名或密码错误 wrong name or password" if failed else "")

    @router.post("/login")
    async def login(
        request: Request,
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        csrf: Annotated[str, Form()],
    ) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
            raise HTTPException(403, "请求无效，请刷新页面 invalid request: reload the page")
        address = request.client.host if request.client else ""
        wait_s = throttle.begin(username, address)  # counted as a failure until it succeeds
        if wait_s > 0:  # refused before hashing: guessing costs the server nothing
            record("unknown", "login", outcome="throttled")
            seconds = math.ceil(wait_s)
            message = f"尝试次数过多，请 {seconds} 秒后再试 too many attempts: retry in {seconds} s"
            return login_form(message, 429, {"Retry-After": str(seconds)})
        try:
            ok = await work(lambda: users.verify(username, password))  # scrypt: off the loop
        except UserError:
            raise HTTPException(503, "账号文件无法读取 the accounts file cannot be read") from None
        record(f"user:{username}" if ok else "unknown", "login", outcome="ok" if ok else "denied")
        if not ok:
            return RedirectResponse("/login?failed=1", status_code=303, headers=SECURITY_HEADERS)
        throttle.succeeded(username, address)
        session_id, _ = sessions.start(username)
        response = RedirectResponse("/", status_code=303, headers=SECURITY_HEADERS)
        cookie(response, SESSION_COOKIE, session_id, MAX_AGE_S)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        session = checked(request)
        sessions.end(request.cookies.get(SESSION_COOKIE))
        record(f"user:{session.user}", "logout")
        response = JSONResponse({"ok": True}, headers=SECURITY_HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/")
    async def index(request: Request) -> Response:
        session = signed_in(request)
        if session is None:
            return RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
        options = "".join(
            f'<option value="{html.escape(name)}">{html.escape(description)}</option>'
            for name, description in _purposes(service)
        )
        body = _page("index.html", {"purposes": options}, csrf=session.csrf, user=session.user)
        return HTMLResponse(body, headers=SECURITY_HEADERS)

    @router.get("/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC:  # a fixed list: no path from the request reaches the disk
            raise HTTPException(404)
        data = (HERE / "static" / name).read_bytes()
        return Response(data, media_type=STATIC[name], headers=SECURITY_HEADERS)

    @router.post("/web/preview")
    async def preview(
        request: Request,
        file: Annotated[UploadFile, File()],
        policy: Annotated[str, Form()],
    ) -> Response:
        session = checked(request)
        data = await read_upload(request, file)
        name = file.filename or ""
        if policy not in service.policies:
            raise HTTPException(400, "未知用途 unknown purpose")
        scanned = await work(lambda: service.scan(name, data))
        plan = removal_plan(scanned, service.policies[policy])
        record(
            f"user:{session.user}",
            "preview",
            file=scanned["filename"],
            sha256=scanned["sha256"],
            policy=policy,
        )
        return JSONResponse(plan, headers=SECURITY_HEADERS)

    @router.post("/web/redact")
    async def redact(
        request: Request,
        file: Annotated[UploadFile, File()],
        policy: Annotated[str, Form()],
        reason: Annotated[str | None, Form()] = None,
    ) -> Response:
        session = checked(request)
        data = await read_upload(request, file)
        name = file.filename or ""
        done: Redacted = await work(lambda: service.redact(name, data, policy, reason or None))
        record(
            f"user:{session.user}",
            "redact",
            file=safe_filename(name),
            sha256=done.input_sha256,
            policy=policy,
            forced=bool(reason),
            outcome="written" if done.ok else "refused" if done.status == 403 else "failed",
            output_sha256=done.output_sha256 or None,
        )
        if not done.ok:
            return JSONResponse(
                {"ok": False, "message": plain_refusal(done), "reasons": list(done.reasons)},
                status_code=done.status,
                headers=SECURITY_HEADERS,
            )
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(done.filename)}",
            "X-Baomi-Changes": json.dumps(list(done.changes)),
        }
        return Response(done.data, media_type="application/octet-stream", headers=headers)

    return router


def removal_plan(scanned: dict[str, Any], policy: Any) -> dict[str, Any]:
    """What the policy will do to each entity type found: count, operator in plain words,
    masked examples and where they are (the first few of each)."""
    by_type: dict[str, dict[str, Any]] = {}
    grade = ""
    for file in scanned["files"]:
        grade = grade or file.get("grade") or ""
        for finding in file["findings"]:
            entity = finding["entity_type"]
            entry = by_type.get(entity)
            if entry is None:  # what the policy does to this type, worked out once
                operator = policy.operator_for(entity)
                entry = by_type[entity] = {
                    "entity_type": entity,
                    "operator": OPERATOR_WORDS.get(operator, operator),
                    "removed": not policy.allows(entity),
                    "count": 0,
                    "examples": [],
                    "locations": [],
                }
            entry["count"] += 1
            if finding["masked"] not in entry["examples"] and len(entry["examples"]) < 3:
                entry["examples"].append(finding["masked"])
            where = finding["location"]
            if file["path"] != scanned["filename"]:
                where = f"{file['path']} {where}"
            if where not in entry["locations"] and len(entry["locations"]) < 5:
                entry["locations"].append(where)
    refused = bool(grade) and grade in policy.refuse_grades
    return {
        "file": scanned["filename"],
        "grade": grade,
        "refused": refused,
        "message": _grade_refusal(grade, policy.name) if refused else "",
        "types": sorted(by_type.values(), key=lambda e: -e["count"]),
    }


def plain_refusal(done: Redacted) -> str:
    """Why there is no copy, in words an account manager can act on."""
    reason = done.reasons[0] if done.reasons else ""
    if done.status == 403:
        grade = reason.split(":", 1)[0].removeprefix("graded ").strip()
        return _grade_refusal(grade, "")
    if "unsupported" in reason or "cannot be redacted" in reason or "legacy" in reason:
        return f"这种文件不能自动脱敏（{reason}）。请另存为 docx/xlsx/pptx/pdf 后再试。"
    if "encrypted" in reason:
        return "文件已加密，无法读取。请先解密，再上传副本。"
    return f"这份文件未能安全脱敏，没有生成副本（{reason}）。请联系信息安全部。"


def _grade_refusal(grade: str, policy: str) -> str:
    purpose = f"「{policy}」用途" if policy else "这个用途"
    return (
        f"这份文件评级为「{grade}」，{purpose}不能发出。如确需发出，请填写理由后再下载"
        "（理由记入审计日志）。"
    )


def _still_exists(users: Any, name: str) -> bool:
    try:
        return bool(users.exists(name))
    except UserError:  # an unreadable accounts file signs everyone out
        return False


def _purposes(service: Service) -> list[tuple[str, str]]:
    names = [p for p in PURPOSES if p in service.policies]
    names += sorted(p for p in service.policies if p not in PURPOSES)
    return [(name, service.policies[name].description or name) for name in names]


def _page(template: str, markup: dict[str, str] | None = None, **values: str) -> str:
    """A page of ``templates/`` with ``{{name}}`` filled: ``values`` escaped, ``markup``
    (HTML this module built from escaped parts) as it is."""
    text = (HERE / "templates" / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value))
    for key, value in (markup or {}).items():
        text = text.replace("{{" + key + "}}", value)
    return text
