"""An owner's own pages, opened from the signed link of their digest (`/r/<token>/…`).

Every route checks the link first (signature, expiry, the owner's link epoch) and then that the
commitment is the owner's: any other id is "not found", as one that does not exist. Changes are
recorded with the owner as actor and the channel `web`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from tracker.models import Owner
from tracker.tokens import OWNER_LINK, BadToken
from tracker.vocabulary import ACTIVE_STATUSES
from tracker.web.app import LinkRefused, Web, web_of
from tracker.web.auth import check_csrf
from tracker.web.pages import commitment_context
from tracker.web.security import link_csrf

router = APIRouter(prefix="/r/{token}", include_in_schema=False)


class Link:
    """A verified link: its owner, its CSRF token, when it stops working."""

    def __init__(self, web: Web, token: str, session: Session) -> None:
        from tracker.services.browse import owner_for_link

        try:
            body = web.keys.verify(OWNER_LINK, token, now=web.now())
            owner_id, epoch = int(body["o"]), int(body["v"])
        except (BadToken, KeyError, TypeError, ValueError):
            raise LinkRefused() from None
        owner = owner_for_link(session, owner_id, epoch)
        if owner is None:
            raise LinkRefused()
        self.owner: Owner = owner
        self.token = token
        self.csrf = link_csrf(web.keys, owner_id=owner_id, epoch=epoch)
        self.until = datetime.fromtimestamp(int(body["x"]), UTC)
        self.base = f"/r/{token}"


def _link(request: Request, token: str) -> tuple[Web, Link]:
    """The link checked in a session of its own (before a write)."""
    web = web_of(request)
    with web.db.read() as session:
        return web, Link(web, token, session)


@router.get("", response_class=HTMLResponse)
def my_commitments(request: Request, token: str, all: bool = False) -> Response:
    from tracker.services.views import Filters, listed

    web = web_of(request)
    statuses = () if all else tuple(s.value for s in ACTIVE_STATUSES)
    with web.db.read() as session:
        link = Link(web, token, session)
        rows = listed(
            session.connection(),
            as_of=web.today(),
            filters=Filters(owner_ids=(link.owner.id,), statuses=statuses),  # type: ignore[arg-type]
        )
    return web.page(
        "report.html", link=link, owner=link.owner, rows=rows, show_all=all, today=web.today()
    )


@router.get("/c/{commitment_id}", response_class=HTMLResponse)
def my_commitment(
    request: Request, token: str, commitment_id: int, done: str | None = None
) -> Response:
    from tracker.services.reports import owners_commitment

    web = web_of(request)
    with web.db.read() as session:  # one session: the link, the commitment's owner, the page
        link = Link(web, token, session)
        owners_commitment(session, link.owner, commitment_id)
        context = commitment_context(web, session.connection(), commitment_id, web.today())
    return web.page(
        "report_item.html", link=link, owner=link.owner, done=done, error=None, **context
    )


def _back(link: Link, commitment_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(
        f"{link.base}/c/{commitment_id}?{urlencode({'done': done})}", status_code=303
    )


def _write(web: Web, link: Link, commitment_id: int, csrf: str, change: Any, done: str) -> Response:
    """Run `change(session, owner)` in one transaction; back to the page with what was done,
    or the page again with what was wrong (nothing changed)."""
    from tracker.errors import InvalidInput, InvalidTransition

    check_csrf(csrf, link.csrf)
    try:
        with web.write(figures=done != "note") as session:
            change(session, session.get(Owner, link.owner.id))
    except (InvalidInput, InvalidTransition) as exc:
        with web.db.lookup() as conn:
            context = commitment_context(web, conn, commitment_id, web.today())
        return web.page(
            "report_item.html",
            status_code=409 if isinstance(exc, InvalidTransition) else 400,
            link=link,
            owner=link.owner,
            done=None,
            error=str(exc),
            **context,
        )
    return _back(link, commitment_id, done)


@router.post("/c/{commitment_id}/note")
def report_note(
    request: Request,
    token: str,
    commitment_id: int,
    text: Annotated[str, Form(max_length=20_000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.reports import report_note as note

    web, link = _link(request, token)
    return _write(
        web,
        link,
        commitment_id,
        csrf,
        lambda s, o: note(s, o, commitment_id, text, now=web.now()),
        "note",
    )


@router.post("/c/{commitment_id}/status")
def report_status(
    request: Request,
    token: str,
    commitment_id: int,
    status: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=20_000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.reports import report_status as set_status

    web, link = _link(request, token)
    return _write(
        web,
        link,
        commitment_id,
        csrf,
        lambda s, o: set_status(s, o, commitment_id, status, reason=reason, now=web.now()),
        "status",
    )


@router.post("/c/{commitment_id}/propose")
def report_proposal(
    request: Request,
    token: str,
    commitment_id: int,
    evidence: Annotated[str, Form(max_length=20_000)] = "",
    note: Annotated[str, Form(max_length=20_000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from tracker.services.reports import propose_close

    web, link = _link(request, token)
    return _write(
        web,
        link,
        commitment_id,
        csrf,
        lambda s, o: propose_close(
            s, o, commitment_id, evidence=evidence, note=note or None, now=web.now()
        ),
        "proposed",
    )
