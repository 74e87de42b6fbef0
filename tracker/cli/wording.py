"""How the command line words the domain's structured errors: with its own commands and
options, which the services do not know."""

from __future__ import annotations

from tracker.errors import Clash, Missing, OtherAction, TrackerError

_OPTION = {
    "reason": "--reason",
    "note": "--note",
    "evidence": "--evidence",
    "owner": "--owner",
    "per_owner": "--per-owner",
    "dir": "--dir PATH",
    "email": "--email ADDR",
}
_COMMAND = {"close": "tracker close ID --note …", "drop": "tracker drop ID --reason …"}


def word(error: TrackerError) -> str:
    if isinstance(error, Missing):
        options = " or ".join(_OPTION.get(need, need) for need in error.needs)
        if error.what:
            options = f"{error.what}: {options}"
        return f"{error.action} needs {options}" + (f": {error.why}" if error.why else "")
    if isinstance(error, Clash):
        first, second = (_OPTION.get(n, n).split(" ")[0] for n in (error.first, error.second))
        return f"{first} and {second} exclude each other" + (f": {error.why}" if error.why else "")
    if isinstance(error, OtherAction):
        command = _COMMAND.get(error.action, f"tracker {error.action}")
        return f"use `{command}` to make a commitment {error.status}"
    return str(error)
