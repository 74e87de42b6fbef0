"""`tracker serve`: the web view (FastAPI), built over the same services as the command line.

Pages are rendered on the server with the Jinja2 templates in `templates/web/` (autoescaped,
StrictUndefined); there is no JavaScript. Three kinds of visitor:

- a coordinator or viewer signs in (`tracker user add`); a session is a signed cookie;
- an owner opens the signed link of their digest (`/r/<token>`) and sees their own
  commitments only;
- `/api` serves the same reads as JSON to a signed-in session, described at
  `/api/openapi.json`.
"""

from __future__ import annotations

import logging
import re
import time
from array import array
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracker.config import Settings
from tracker.db import Database
from tracker.errors import (
    Conflict,
    DatabaseError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    TrackerError,
)
from tracker.health import Health
from tracker.resources import bundled
from tracker.tokens import Keys
from tracker.vocabulary import CLOSED_STATUSES, Status
from tracker.web.security import LoginLimiter

if TYPE_CHECKING:
    from sqlmodel import Session

log = logging.getLogger("tracker.web")
THREADS = 6
CHOICES_SECONDS = 10.0
# A board's figures, and the order of a page far down the list, may lag changes made by another
# process (the command line, another server worker) by this long; the rows' content never does.
COUNT_SECONDS = 5.0

# A report link is a credential: it is never written to a log.
_TOKEN_PATH = re.compile(r"^/r/[^/]+")

SECURITY_HEADERS = {
    # No script may run, whatever a title holds; styles only from here or inline.
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class NeedSignIn(Exception):
    """The request needs a signed-in account (pages: go to the sign-in form; API: 401)."""


class Forbidden(Exception):
    """Signed in, but the role may not do this (a viewer writing)."""


class LinkRefused(Exception):
    """A report link that is malformed, tampered with, expired or revoked."""


class Recent:
    """Values computed within the last `seconds` by this process, each kept with the
    generation it was computed at (`Web.generation`): a later one makes it stale."""

    def __init__(self, seconds: float, size: int) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: dict[Any, tuple[float, int, Any]] = {}

    def get_or_put(self, key: Any, generation: int, compute: Callable[[], Any]) -> Any:
        """The value kept for `key`, or `compute()`'s, kept with `generation`: the one before
        computing, so that a write committed meanwhile makes it stale at once."""
        entry = self._entries.get(key)
        if entry is not None:
            at, made_at, value = entry
            if made_at == generation and time.monotonic() - at <= self.seconds:
                return value
        value = compute()
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = (time.monotonic(), generation, value)
        return value


@dataclass
class Web:
    """What every request shares: the database, the keys, the clock, the login limiter."""

    db: Database
    keys: Keys
    clock: Callable[[], datetime]
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    secure_cookies: bool = False
    _choices: tuple[float, dict[str, list[str]]] | None = None
    _counts: Recent = field(default_factory=lambda: Recent(COUNT_SECONDS, 1000))
    # A few hundred kilobytes each at most (10,000 ids as 4 bytes): fewer of them.
    _orders: Recent = field(default_factory=lambda: Recent(COUNT_SECONDS, 100))
    # Bumped by each write of this process that can change the figures or an order.
    generation: int = 0

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().astimezone().date()

    @cached_property
    def templates(self) -> Environment:
        env = Environment(
            loader=FileSystemLoader(str(bundled("templates", "digest.html"))),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # no stat of each template file on every page
        )
        env.filters["label"] = lambda value: str(value or "").replace("_", " ")
        # The words of statuses and health, looked up rather than filtered per row.
        env.globals["labels"] = {
            value: value.replace("_", " ")
            for value in (*(s.value for s in Status), *(h.value for h in Health))
        }
        env.globals["closed"] = tuple(s.value for s in CLOSED_STATUSES)
        return env

    def choices(self) -> dict[str, list[str]]:
        """The board's filter choices (owners, areas, meetings), kept for a few seconds: they
        change seldom, and reading them costs a scan on every board otherwise."""
        from tracker.services.browse import filter_choices

        now = time.monotonic()
        cached = self._choices
        if cached is None or now - cached[0] > CHOICES_SECONDS:
            with self.db.read() as session:
                cached = self._choices = (now, filter_choices(session))
        return cached[1]

    def counted(self, key: Any, count: Callable[[], Any]) -> Any:
        """The board's figures for these filters (`count()`), as counted within the last few
        seconds unless this process changed something since (counting is most of a board
        page's cost)."""
        return self._counts.get_or_put(key, self.generation, count)

    def kept_order(self, key: Any, read: Callable[[], list[int]]) -> Sequence[int]:
        """A listing's ids in its order (`read()`, `views.order_of`), as read within the last
        few seconds unless this process changed something since: a page far down the list is
        cut from it instead of sorting every commitment again. Its rows are read afresh."""
        kept: Sequence[int] = self._orders.get_or_put(
            key, self.generation, lambda: array("i", read())
        )
        return kept

    @contextmanager
    def write(self, *, figures: bool = True) -> Iterator[Session]:
        """One write transaction (`Database.write`); once committed, the board's figures and
        orders kept before it are stale, unless the write cannot change them (`figures=False`:
        a note, which at most ends a commitment's quiet spell: that shows within seconds; the
        orders a note changes are never kept, `listing.keeps_order`)."""
        with self.db.write() as session:
            yield session
        if figures:
            self.generation += 1

    def page(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(f"web/{template}").render(**context)
        return HTMLResponse(html, status_code=status_code)


class HeadersAndLog:
    """Adds the security headers to every answer and logs each request (method, path with
    any report-link token left out, status, milliseconds). Plain ASGI: no task per request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = dict(message, headers=[*message.get("headers", []), *extra])
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "%s %s %d %.0f ms",
                scope["method"],
                _TOKEN_PATH.sub("/r/…", scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )


def web_of(request: Request) -> Web:
    return request.app.state.web  # type: ignore[no-any-return]


def _status_of(exc: TrackerError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InvalidTransition | Conflict):
        return 409
    if isinstance(exc, DatabaseError):
        return 503
    if isinstance(exc, InvalidInput):
        return 400
    return 500


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        response: Response = JSONResponse({"error": message}, status_code=status)
    else:
        response = web_of(request).page(
            "error.html", status_code=status, status=status, message=message, user=None
        )
    # Set here too: a server error's answer is sent outside the middleware that adds them.
    response.headers.update(SECURITY_HEADERS)
    return response


def _signed_in_page(path: str) -> bool:
    """A page only a signed-in account may see (not sign-in, a report link or the health
    check)."""
    return not path.startswith(("/r/", "/login", "/logout", "/static", "/healthz"))


def _problems(exc: RequestValidationError) -> str:
    """Which parameters were wrong, without echoing what was sent (it may be long or hostile)."""
    names = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body",))
        names.append(f"{where} ({error.get('msg', 'invalid')})")
    return "; ".join(names) or "invalid"


def create_app(
    *,
    database_url: str,
    keys: Keys,
    clock: Callable[[], datetime] | None = None,
    limiter: LoginLimiter | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    from tracker.web import api, pages, report

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Pages run in worker threads, each holding one database connection at a time: as
        # many threads as pooled connections, few enough that a 2-core machine is not
        # swamped by concurrent queries (requests beyond them queue, and are served in turn).
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        app.state.web.db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="tracker",
        summary="Commitments made at high-level meetings: owners, deadlines, history.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: not served here
        redoc_url=None,
    )
    app.state.web = Web(
        db=Database(database_url, pool_size=THREADS, plain_reads=True),
        keys=keys,
        clock=clock or Settings.load().now,
        limiter=limiter or LoginLimiter(),
        secure_cookies=secure_cookies,
    )
    app.include_router(pages.router)
    app.include_router(report.router)
    app.include_router(api.router)

    app.add_middleware(HeadersAndLog)

    @app.exception_handler(NeedSignIn)
    async def need_sign_in(request: Request, exc: NeedSignIn) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, 403, str(exc) or "your role may not do this")

    @app.exception_handler(LinkRefused)
    async def link_refused(request: Request, exc: LinkRefused) -> Response:
        return _error(
            request,
            403,
            "This link is not valid: it has expired, was revoked or was changed. "
            "Ask your coordinator for a new one.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        message = "there is no such page" if status == 404 else str(exc.detail)
        response = _error(request, status, message)
        for name, value in (exc.headers or {}).items():  # `Allow` of a 405
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "malformed request", "detail": _problems(exc)}, 422)
        if _signed_in_page(request.url.path):
            # The parameters are checked before the page runs; the page would first have
            # sent a signed-out visitor to the sign-in form: so does this answer.
            from tracker.web.auth import current_user

            if await anyio.to_thread.run_sync(current_user, request) is None:
                return await need_sign_in(request, NeedSignIn())
        return _error(request, 422, "This address or form is not valid: " + _problems(exc))

    @app.exception_handler(TrackerError)
    async def tracker_error(request: Request, exc: TrackerError) -> Response:
        return _error(request, _status_of(exc), str(exc))

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    async def database_down(request: Request, exc: Exception) -> Response:
        log.error(
            "database error on %s: %s",
            _TOKEN_PATH.sub("/r/…", request.url.path),
            type(exc).__name__,
        )
        return _error(request, 503, "the database cannot be reached just now: try again")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error(
            "unexpected %s on %s %s",
            type(exc).__name__,
            request.method,
            _TOKEN_PATH.sub("/r/…", request.url.path),
        )
        return _error(request, 500, "something went wrong on the server")

    return app
