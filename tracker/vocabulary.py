"""The small vocabularies of the data: statuses, priorities, kinds of owner and event, and the
digest's audiences and outcomes.

Kept apart from the tables (`tracker.models`) so that code which only needs the words does not
import SQLModel and pydantic.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    DROPPED = "dropped"


ACTIVE_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.BLOCKED)
CLOSED_STATUSES = (Status.DONE, Status.DROPPED)


class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class OwnerKind(StrEnum):
    BODY = "body"
    PERSON = "person"


class EventKind(StrEnum):
    CREATED = "created"
    CHANGED = "changed"  # a field other than status, due or owner
    STATUS = "status"
    DUE = "due"  # a deadline change: a slip (or a pull-in), always with a reason
    OWNER = "owner"
    NOTE = "note"
    CLOSED = "closed"
    REOPENED = "reopened"
    DROPPED = "dropped"
    PROPOSED = "proposed"  # the owner proposes closing, with evidence; a coordinator decides
    DECLINED = "declined"  # a coordinator turned a proposal to close down, with a reason


class Channel(StrEnum):
    """Where a change was made: the command line (and what it runs: import, the scheduler) or
    the web view (a coordinator signed in, or an owner through their link)."""

    CLI = "cli"
    WEB = "web"


class Role(StrEnum):
    """What a signed-in account of the web view may do."""

    COORDINATOR = "coordinator"  # reads everything, confirms or declines proposals, adds notes
    VIEWER = "viewer"  # reads only


class Audience(StrEnum):
    EVERYONE = "everyone"  # one digest of every commitment
    OWNER = "owner"  # one digest of one owner's commitments
    PER_OWNER = "per_owner"  # one digest per owner, each of their own commitments


class RunStatus(StrEnum):
    CLAIMED = "claimed"  # the period is taken; deliveries may still be pending
    DELIVERED = "delivered"
    FAILED = "failed"  # at least one delivery failed for good


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to tell its reader (a schedule's `skip_empty`): not sent
