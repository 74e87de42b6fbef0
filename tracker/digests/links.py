"""The owner's report link in a per-owner digest (see `tracker serve`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from tracker.digests.data import Digest
from tracker.models import Owner
from tracker.tokens import Keys, link_until, owner_link


def with_report_link(
    session: Session, digest: Digest, *, owner_id: int | None, now: datetime
) -> Digest:
    """The digest with its owner's report link, good for `LINK_DAYS` days (to the end of the
    last one, UTC); unchanged when it is not an owner's or no secret is set
    (`TRACKER_SECRET_KEY`): then there is no web view to report to."""
    keys = Keys.from_env()
    owner = session.get(Owner, owner_id) if owner_id is not None else None
    if keys is None or owner is None:
        return digest
    until = link_until(now)
    link = owner_link(keys, owner_id=owner.id, epoch=owner.link_epoch, until=until)  # type: ignore[arg-type]
    return replace(digest, report_link=link, report_link_until=until)
