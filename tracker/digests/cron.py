"""Cron expressions in an IANA time zone: parsing them strictly, and their fire times.

APScheduler 3.x `CronTrigger` does the calendar arithmetic (months, weekdays, DST). Two
places where it departs from crontab are handled here rather than left to surprise a user:
it numbers weekdays from Monday = 0 (crontab: Sunday = 0 or 7), so numeric weekdays are
rewritten as names; and it ANDs a restricted day of month with a restricted day of week where
crontab ORs them, so an expression restricting both is refused.

When summer time ends, the hour before the change comes twice; APScheduler fires in both. A
schedule at set hours (`30 2 * * *`) fires once, at the first of the two, as crontab does; one
whose hour is `*` fires in both, since each is an hour of its own.

All instants given and returned are time-zone aware. Fire times are whole seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from tracker.errors import InvalidInput

_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_WEEKDAY_PART = re.compile(r"(?P<range>\*|\w+(?:-\w+)?)(?:/(?P<step>\d+))?")
# How far back to look for the previous fire time: a 29 February schedule fires every 4-8 years.
_LOOKBACK = timedelta(days=366 * 9)
_FIRST_WINDOW = timedelta(minutes=2)
_SECOND = timedelta(seconds=1)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; anything else (abbreviations, paths, typos) is refused."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Minsk or UTC"
        ) from None


def _weekday_number(token: str, expr: str) -> int:
    token = token.lower()
    if token.isdigit() and int(token) <= 7:
        return int(token) % 7
    if token in _CRON_WEEKDAYS:
        return _CRON_WEEKDAYS.index(token)
    raise InvalidInput(f"invalid cron expression {expr!r}: bad day of week {token!r}")


def _weekdays(field: str, expr: str) -> str:
    """A crontab day-of-week field as an explicit list of names, which APScheduler reads the
    way crontab means it (`1-5` is Monday to Friday, `*/2` is Sunday, Tuesday, …)."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.split(","):
        match = _WEEKDAY_PART.fullmatch(part)
        if match is None:
            raise InvalidInput(f"invalid cron expression {expr!r}: bad day of week {part!r}")
        span, step = match.group("range"), int(match.group("step") or 1)
        if span == "*":
            first, last = 0, 6
        else:
            first_token, dash, last_token = span.partition("-")
            first = _weekday_number(first_token, expr)
            if dash:  # crontab allows 7 to end a range (`5-7`: Friday to Sunday)
                last = 7 if last_token == "7" else _weekday_number(last_token, expr)
            elif match.group("step"):  # `1/2`: from Monday to the end of the week
                last = 6
            else:
                last = first
        if step < 1 or first > last:
            raise InvalidInput(f"invalid cron expression {expr!r}: bad day of week {part!r}")
        days.update(day % 7 for day in range(first, last + 1, step))
    # Names in APScheduler's order (Monday first), so the rendering is stable.
    return ",".join(_CRON_WEEKDAYS[d] for d in (1, 2, 3, 4, 5, 6, 0) if d in days)


class _Trigger(CronTrigger):
    """A CronTrigger that skips the second pass of a repeated wall-clock time, if asked."""

    def __init__(self, *, once_in_repeated_hour: bool, **fields: object) -> None:
        super().__init__(**fields)  # type: ignore[arg-type]
        self.once_in_repeated_hour = once_in_repeated_hour

    def __getstate__(self) -> dict[str, object]:
        state = super().__getstate__()
        state["once_in_repeated_hour"] = self.once_in_repeated_hour
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.once_in_repeated_hour = bool(state.pop("once_in_repeated_hour", False))
        super().__setstate__(state)

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        while fire is not None and self.once_in_repeated_hour:
            repeat = _repeated_by(fire)
            if not repeat:
                break
            # Every wall-clock time of the second pass came in the first: search from its end
            # (APScheduler, asked from within it, would find the same instant again).
            fire = super().get_next_fire_time(None, fire + repeat)
        return fire


def _repeated_by(fire: datetime) -> timedelta:
    """For an instant in the second pass of a repeated hour, how long the clock went back;
    else zero."""
    if fire.tzinfo is None:
        return timedelta(0)
    local = fire.astimezone(fire.tzinfo)
    if not local.fold:
        return timedelta(0)
    first, second = local.replace(fold=0).utcoffset(), local.utcoffset()
    if first is None or second is None or first <= second:
        return timedelta(0)
    return first - second


def trigger(expr: str, timezone: str) -> CronTrigger:
    """A trigger for a crontab expression (`m h dom mon dow`), or the same with a leading
    seconds field (`s m h dom mon dow`, for short test schedules), in the IANA zone `timezone`.

    Refuses what would not behave as written with `InvalidInput`.
    """
    fields = expr.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise InvalidInput(
            f"invalid cron expression {expr!r}: expected 5 fields (minute hour day month "
            "weekday), or 6 with seconds first"
        )
    second, minute, hour, day, month, day_of_week = fields
    if day not in ("*", "?") and day_of_week not in ("*", "?"):
        raise InvalidInput(
            f"invalid cron expression {expr!r}: restrict the day of month or the day of week, "
            "not both (crontab fires on either, APScheduler only on both)"
        )
    tz = zone(timezone)
    try:
        return _Trigger(
            once_in_repeated_hour=not hour.startswith("*"),
            second=second,
            minute=minute,
            hour=hour,
            day="*" if day == "?" else day,
            month=month,
            day_of_week=_weekdays("*" if day_of_week == "?" else day_of_week, expr),
            timezone=tz,
        )
    except ValueError as exc:
        raise InvalidInput(f"invalid cron expression {expr!r}: {exc}") from None


def first_fire_at_or_after(cron: CronTrigger, moment: datetime) -> datetime | None:
    # With no previous fire time, APScheduler rounds `now` up to the second and searches
    # from there, inclusive.
    fire = cron.get_next_fire_time(None, moment)
    return None if fire is None else fire.astimezone(UTC)


def next_fire_after(cron: CronTrigger, moment: datetime) -> datetime | None:
    """The first fire time strictly after `moment`."""
    return first_fire_at_or_after(cron, moment + timedelta(microseconds=1))


def latest_fire_at_or_before(
    cron: CronTrigger, moment: datetime, *, after: datetime | None = None
) -> datetime | None:
    """The last fire time <= `moment` and > `after` (if given), or None.

    A trigger only steps forwards, so this searches a window that ends at `moment` and grows
    until it holds a fire time: a few steps whether the cron fires every second or once a year.
    """
    floor = after + timedelta(microseconds=1) if after is not None else moment - _LOOKBACK
    window = _FIRST_WINDOW
    while True:
        start = max(moment - window, floor)
        latest = None
        fire = first_fire_at_or_after(cron, start)
        while fire is not None and fire <= moment:
            latest = fire
            fire = next_fire_after(cron, fire)
        if latest is not None or start <= floor:
            return latest
        window *= 4


def previous_fire(cron: CronTrigger, fire: datetime) -> datetime | None:
    """The fire time before `fire` (within years), or None."""
    return latest_fire_at_or_before(cron, fire - _SECOND)
