"""Digest on demand: build for a period and audience, render the formats asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session

from tracker.digests.data import Digest, build_digest
from tracker.digests.delivery import slugify
from tracker.digests.links import with_report_link
from tracker.digests.render import render
from tracker.services.owners import resolve_owner
from tracker.services.views import end_of_day


class Rendered(dict[str, str]):
    """Format -> text, with the digest and a file-name slug for its audience."""

    def __init__(self, digest: Digest, texts: dict[str, str]) -> None:
        super().__init__(texts)
        self.digest = digest
        self.slug = slugify(digest.owner) if digest.owner else ""


def digest_for_period(
    session: Session,
    *,
    as_of: date,
    since: date,
    owner: str | None,
    formats: list[str],
    now: datetime | None = None,
) -> Rendered:
    """`now`: when given, an owner's digest carries the owner's report link as of then."""
    owner_id = resolve_owner(session, owner).id if owner else None
    start = datetime.combine(since, time.min).astimezone(UTC)
    digest = build_digest(
        session, as_of=as_of, since=start, until=end_of_day(as_of), owner_id=owner_id
    )
    if now is not None:
        digest = with_report_link(session, digest, owner_id=owner_id, now=now)
    return Rendered(digest, {fmt: render(digest, fmt) for fmt in formats})  # type: ignore[arg-type]
