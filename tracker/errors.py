"""Domain errors: each carries the one-line message and the exit code the CLI reports."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the `tracker` command (documented in the README)."""

    OK = 0
    INTERNAL = 1  # a bug: rerun with --debug for the traceback
    USAGE = 2  # malformed command line (unknown option, malformed id, unparseable date)
    NOT_FOUND = 3  # no such commitment, owner, meeting or schedule
    INVALID = 4  # a value the domain refuses (empty title, missing reason, unknown status)
    CONFLICT = 5  # an impossible transition or a duplicate (closing a closed item)
    MEETING_FILE = 6  # a meeting file or readout that cannot be read, parsed or verified
    DATABASE = 7  # the database cannot be opened, is not initialised or is out of date
    DELIVERY = 8  # a digest could not be delivered


class TrackerError(Exception):
    """Base of every error the user is meant to see; `str()` is the whole message."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(TrackerError):
    exit_code = ExitCode.NOT_FOUND


class InvalidInput(TrackerError):
    exit_code = ExitCode.INVALID


class InvalidTransition(TrackerError):
    exit_code = ExitCode.CONFLICT


class Conflict(TrackerError):
    exit_code = ExitCode.CONFLICT


class MeetingFileError(TrackerError):
    """A meeting file problem; `where` names the commitment and field at fault."""

    exit_code = ExitCode.MEETING_FILE

    def __init__(self, message: str, *, path: str | None = None, where: str | None = None) -> None:
        parts = [p for p in (path, where) if p]
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class DatabaseError(TrackerError):
    exit_code = ExitCode.DATABASE


class DeliveryError(TrackerError):
    exit_code = ExitCode.DELIVERY


class Missing(InvalidInput):
    """Something an action requires was not given. `action` says what needed it ("closing",
    "moving a deadline"), `needs` what is missing ("reason", "note", "evidence"), `what` (if
    given) what they are for; each front door words it with its own names for them
    (`tracker.cli.wording`)."""

    def __init__(self, action: str, *needs: str, why: str = "", what: str = "") -> None:
        self.action, self.needs, self.why, self.what = action, needs, why, what
        wanted = " or ".join(needs)
        head = f"{action} needs {what}: {wanted}" if what else f"{action} needs a {wanted}"
        super().__init__(head + (f": {why}" if why else ""))


class OtherAction(InvalidInput):
    """A change that has an action of its own: setting the status `status` is `action`."""

    def __init__(self, status: str, action: str) -> None:
        self.status, self.action = status, action
        super().__init__(f"a commitment becomes {status} by the {action} action")


class Clash(InvalidInput):
    """Two settings that cannot be given together (`first`, `second`: their names); the
    front door words them with its own names."""

    def __init__(self, first: str, second: str, *, why: str = "") -> None:
        self.first, self.second, self.why = first, second, why
        tail = f": {why}" if why else ""
        super().__init__(f"{first} and {second} exclude each other{tail}")
