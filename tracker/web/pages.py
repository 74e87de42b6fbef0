"""The pages of signed-in accounts: the board, a commitment, an owner, a meeting, the digest;
sign-in and out; a coordinator's notes and answers to owners' proposals to close."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.dates import parse_date
from tracker.errors import InvalidInput
from tracker.tokens import link_until, owner_link
from tracker.vocabulary import ACTIVE_STATUSES, Priority, Status
from tracker.web.app import Web, web_of
from tracker.web.auth import User, check_csrf, coordinator, reading, signed_in
from tracker.web.security import COOKIE, SESSION_HOURS, new_session

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SORTS = ("due", "late", "owner", "updated")
STATUSES = [s.value for s in Status]
ACTIVE = [s.value for s in ACTIVE_STATUSES]
PRIORITIES = [p.value for p in Priority]
PRELOGIN = "tracker_login"  # the sign-in form's own CSRF nonce, before there is a session

# Pages check the session themselves, first thing (`signed_in`, `coordinator`, `reading`), not
# as FastAPI dependencies: a dependency runs in a worker thread of its own, and under load each
# hop to a worker thread waits its turn in the queue again.


def when(web: Web, text: str | None, what: str) -> date | None:
    """A date typed in a filter (ISO, or relative as on the command line), or None."""
    if not text or not text.strip():
        return None
    try:
        return parse_date(text, today=web.today())
    except InvalidInput as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never `//elsewhere` or `https://…`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# --- signing in and out ------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    web = web_of(request)
    nonce = request.cookies.get(PRELOGIN) or secrets.token_urlsafe(16)
    response = web.page(
        "login.html",
        user=None,
        next=_safe_next(next),
        csrf=web.keys.digest("login", nonce),
        error=None,
        name="",
    )
    response.set_cookie(
        PRELOGIN, nonce, httponly=True, samesite="strict", secure=web.secure_cookies
    )
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    from tracker.services.accounts import authenticate

    web = web_of(request)
    nonce = request.cookies.get(PRELOGIN) or ""
    check_csrf(csrf, web.keys.digest("login", nonce) if nonce else "")
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"name:{' '.join(name.split()).lower()}")
    wait = web.limiter.retry_after(*keys)
    if wait:
        response = web.page(
            "login.html",
            status_code=429,
            user=None,
            next=_safe_next(next),
            csrf=csrf,
            error=f"Too many failed attempts: try again in {wait} seconds.",
            name=name,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    with web.db.read() as session:
        account = authenticate(session, name, password)
    if account is None:
        web.limiter.failed(*keys)
        return web.page(
            "login.html",
            status_code=401,
            user=None,
            next=_safe_next(next),
            csrf=csrf,
            error="Wrong name or password.",
            name=name,
        )
    web.limiter.succeeded(keys[1])
    token, _ = new_session(
        web.keys,
        account_id=account.id,
        epoch=account.session_epoch,
        now=web.now(),  # type: ignore[arg-type]
    )
    response = _redirect(_safe_next(next))
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=web.secure_cookies,
    )
    response.delete_cookie(PRELOGIN)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    user = signed_in(request)
    check_csrf(csrf, user.csrf)
    response = _redirect("/login")
    response.delete_cookie(COOKIE)
    return response


@router.get("/healthz", include_in_schema=False)
def healthz() -> Response:
    return Response("ok\n", media_type="text/plain")


@router.get("/static/site.css")
def stylesheet(request: Request) -> Response:
    source = web_of(request).templates.loader.get_source(  # type: ignore[union-attr]
        web_of(request).templates, "web/site.css"
    )[0]
    return Response(source, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


# --- the board ---------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def board(
    request: Request,
    as_of: str | None = None,
    status: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI reads it, never mutated)
    owner: str | None = None,
    area: str | None = None,
    meeting: str | None = None,
    overdue: bool = False,
    due_before: str | None = None,
    tag: str | None = None,
    priority: str | None = None,
    counterpart: str | None = None,
    search: str | None = None,
    sort: str = "due",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    from tracker.services.reports import pending_proposals

    web = web_of(request)
    # Signed in first, before any of the filters is read, as on every page.
    with reading(request) as (user, conn):
        day = when(web, as_of, "as of") or web.today()
        statuses = tuple(s for s in status if s in STATUSES) or (
            tuple(STATUSES) if "all" in status else tuple(ACTIVE)
        )
        if sort not in SORTS:
            raise InvalidInput(f"unknown order {sort!r} ({', '.join(SORTS)})")
        if priority and priority not in PRIORITIES:
            raise InvalidInput(f"unknown priority {priority!r} ({', '.join(PRIORITIES)})")
        criteria: dict[str, Any] = {
            "statuses": statuses,
            "owner": owner or None,
            "area": area or None,
            "meeting": meeting or None,
            "overdue": overdue,
            "due_before": when(web, due_before, "due before"),
            "tags": (tag.strip().lower(),) if tag and tag.strip() else (),
            "priorities": (priority,) if priority else (),
            "counterpart": counterpart.strip() if counterpart and counterpart.strip() else None,
            "search": search.strip() if search and search.strip() else None,
        }
        offset = (page - 1) * PAGE_SIZE
        summary, rows, total = _board_rows(web, conn, day, sort, offset, criteria)
        proposals = pending_proposals(conn) if page == 1 else []
    query = {
        "as_of": as_of or "",
        "status": list(status),
        "owner": owner or "",
        "area": area or "",
        "meeting": meeting or "",
        "overdue": "true" if overdue else "",
        "due_before": due_before or "",
        "tag": tag or "",
        "priority": priority or "",
        "counterpart": counterpart or "",
        "search": search or "",
        "sort": sort,
    }
    kept = {k: v for k, v in query.items() if v}
    pages = max(1, -(-total // PAGE_SIZE))
    return web.page(
        "board.html",
        user=user,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        prev_url="/?" + urlencode({**kept, "page": page - 1}, doseq=True) if page > 1 else None,
        next_url="/?" + urlencode({**kept, "page": page + 1}, doseq=True) if page < pages else None,
        q=query,
        statuses=STATUSES,
        chosen=set(statuses),
        priorities=PRIORITIES,
        sorts=SORTS,
        choices=web.choices(),
        as_of=day,
        today=web.today(),
        proposals=proposals,
        summary=summary,
        overdue_url="/?" + urlencode({**kept, "overdue": "true", "sort": "late"}, doseq=True),
        first=offset + 1,
        last=offset + len(rows),
    )


def _board_rows(
    web: Web, conn: sa.Connection, day: date, sort: str, offset: int, criteria: dict[str, Any]
) -> tuple[Any, list[Any], int]:
    """The board's figures, its page of rows and how many there are in all. The figures are
    kept a few seconds (`Web.counted`), and so is the whole order when the page is cut from it
    (`listing.keeps_order`); the rows are read afresh."""
    from tracker.services.listing import board_summary, filters_for, keeps_order
    from tracker.services.views import order_of, page_of

    filters = filters_for(conn, **criteria)
    summary = web.counted((day, filters), lambda: board_summary(conn, as_of=day, filters=filters))
    ordered = None
    if keeps_order(sort, offset, filters):
        ordered = web.kept_order(
            (sort, day, filters), lambda: order_of(conn, as_of=day, filters=filters, order=sort)
        )
    rows, total = page_of(
        conn,
        as_of=day,
        filters=filters,
        order=sort,
        limit=PAGE_SIZE,
        offset=offset,
        total=summary.total,
        ordered=ordered,
    )
    return summary, rows, total


# --- one commitment ----------------------------------------------------------------------------


def commitment_context(
    web: Web, conn: sa.Connection, commitment_id: int, as_of: date
) -> dict[str, Any]:
    """What the commitment page (and an owner's page of it) shows: the view at `as_of`, its
    history up to then, the meeting, any pending proposal."""
    from tracker.services.browse import commitment_page

    found = commitment_page(conn, commitment_id, as_of=as_of)
    return {
        "c": found.view,
        "events": list(reversed(found.events)),
        "meeting": found.meeting,
        "owner_id": found.owner_id,
        "proposal": found.proposal,
        "as_of": as_of,
        "today": web.today(),
    }


@router.get("/c/{commitment_id}", response_class=HTMLResponse)
def commitment_page(
    request: Request,
    commitment_id: int,
    as_of: str | None = None,
    done: str | None = None,
) -> Response:
    web = web_of(request)
    with reading(request) as (user, conn):
        day = when(web, as_of, "as of") or web.today()
        context = commitment_context(web, conn, commitment_id, day)
    return web.page("commitment.html", user=user, done=done, **context)


def _answer(
    request: Request, user: User, csrf: str, commitment_id: int, done: str, change: Any
) -> Response:
    """A coordinator's write on one commitment: CSRF checked, `change(web, session)` in one
    transaction, then back to the commitment page saying what was done."""
    check_csrf(csrf, user.csrf)
    web = web_of(request)
    with web.write(figures=done != "note") as session:
        change(web, session)
    return _redirect(f"/c/{commitment_id}?{urlencode({'done': done})}")


@router.post("/c/{commitment_id}/note")
def coordinator_note(
    request: Request,
    commitment_id: int,
    text: Annotated[str, Form(max_length=20_000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.commitments import add_note
    from tracker.vocabulary import Channel

    user = coordinator(request)

    def note(web: Web, session: Any) -> None:
        add_note(session, commitment_id, text, actor=user.name, now=web.now(), channel=Channel.WEB)

    return _answer(request, user, csrf, commitment_id, "note", note)


@router.post("/c/{commitment_id}/confirm")
def confirm(
    request: Request,
    commitment_id: int,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.reports import confirm_close

    user = coordinator(request)

    def close(web: Web, session: Any) -> None:
        confirm_close(session, commitment_id, actor=user.name, now=web.now())

    return _answer(request, user, csrf, commitment_id, "confirmed", close)


@router.post("/c/{commitment_id}/decline")
def decline(
    request: Request,
    commitment_id: int,
    reason: Annotated[str, Form(max_length=20_000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.reports import decline_proposal

    user = coordinator(request)

    def turn_down(web: Web, session: Any) -> None:
        decline_proposal(session, commitment_id, reason=reason, actor=user.name, now=web.now())

    return _answer(request, user, csrf, commitment_id, "declined", turn_down)


# --- owners and meetings -----------------------------------------------------------------------


@router.get("/owners", response_class=HTMLResponse)
def owners_page(request: Request) -> Response:
    from tracker.services.owners import list_owners

    user = signed_in(request)
    web = web_of(request)
    with web.db.read() as session:
        owners = list_owners(session)
    return web.page("owners.html", user=user, owners=owners)


@router.get("/owners/{owner_id}", response_class=HTMLResponse)
def owner_page(
    request: Request,
    owner_id: int,
    as_of: str | None = None,
    all: bool = False,
    done: str | None = None,
) -> Response:
    from tracker.services.browse import get_owner
    from tracker.services.views import Filters, listed

    user = signed_in(request)
    web = web_of(request)
    day = when(web, as_of, "as of") or web.today()
    with web.db.read() as session:
        owner = get_owner(session, owner_id)
        filters = Filters(owner_ids=(owner_id,), statuses=() if all else tuple(ACTIVE))
        rows = listed(session.connection(), as_of=day, filters=filters)
    link, until = None, link_until(web.now())
    if user.coordinator:
        link = owner_link(web.keys, owner_id=owner_id, epoch=owner.link_epoch, until=until)
    return web.page(
        "owner.html",
        user=user,
        owner=owner,
        rows=rows,
        as_of=day,
        today=web.today(),
        show_all=all,
        link=link,
        link_until=until,
        done=done,
    )


@router.post("/owners/{owner_id}/revoke")
def revoke(
    request: Request,
    owner_id: int,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.browse import revoke_links

    user = coordinator(request)
    check_csrf(csrf, user.csrf)
    web = web_of(request)
    with web.write() as session:
        revoke_links(session, owner_id)
    return _redirect(f"/owners/{owner_id}?done=revoked")


@router.get("/meetings", response_class=HTMLResponse)
def meetings_page(request: Request) -> Response:
    from tracker.services.browse import list_meetings

    user = signed_in(request)
    web = web_of(request)
    with web.db.read() as session:
        meetings = list_meetings(session)
    return web.page("meetings.html", user=user, meetings=meetings)


@router.get("/meetings/{slug}", response_class=HTMLResponse)
def meeting_page(request: Request, slug: str, as_of: str | None = None) -> Response:
    from tracker.services.commitments import find_meeting
    from tracker.services.views import Filters, listed

    user = signed_in(request)
    web = web_of(request)
    day = when(web, as_of, "as of") or web.today()
    with web.db.read() as session:
        meeting = find_meeting(session, slug)
        rows = listed(session.connection(), as_of=day, filters=Filters(meeting_id=meeting.id))
    return web.page(
        "meeting.html", user=user, meeting=meeting, rows=rows, as_of=day, today=web.today()
    )


# --- the digest --------------------------------------------------------------------------------


@router.get("/digest", response_class=HTMLResponse)
def digest_page(
    request: Request,
    as_of: str | None = None,
    since: str | None = None,
    owner: str | None = None,
) -> Response:
    """The digest as it is e-mailed (HTML, with its charts), for any day and audience."""
    from tracker.digests.render import render

    signed_in(request)
    found = digest_of(web_of(request), as_of=as_of, since=since, owner=owner)
    return HTMLResponse(render(found, "html", page_links=[("← Board", "/")]))


def digest_of(web: Web, *, as_of: str | None, since: str | None, owner: str | None) -> Any:
    """The digest for the day (default today) and the changes since (default a week before),
    for everyone or one owner (a name or part of it), as the page and `/api/digest` give it."""
    from tracker.digests.ondemand import digest_for_period

    day = when(web, as_of, "as of") or web.today()
    start = when(web, since, "since") or day - timedelta(days=7)
    with web.db.read() as session:
        rendered = digest_for_period(
            session, as_of=day, since=start, owner=owner or None, formats=[]
        )
    return rendered.digest
