"""The model family of a commitment: Base → Create / Update / FileEntry, and owners.

One definition of what a commitment may hold, used by the meeting-file loader, the services
and the command line: the field types below run the cleaners of `tracker.fields`, so a title
is cleaned and limited the same way whether it comes from a TOML file or `tracker add`.
`validate` turns pydantic's errors into one line that names the field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from tracker import fields
from tracker.vocabulary import OwnerKind, Priority, Status


def _choice(enum: type[Priority] | type[Status] | type[OwnerKind]) -> Any:
    names = ", ".join(member.value for member in enum)

    def check(value: str) -> str:
        cleaned = fields.clean_line(value).lower().replace("-", "_").replace(" ", "_")
        try:
            return enum(cleaned).value
        except ValueError:
            raise ValueError(f"must be one of {names} (not {value!r})") from None

    return AfterValidator(check)


Title = Annotated[str, AfterValidator(fields.clean_title)]
OwnerName = Annotated[str, AfterValidator(fields.clean_owner_name)]
Area = Annotated[str | None, AfterValidator(fields.clean_area)]
Counterpart = Annotated[str | None, AfterValidator(fields.clean_counterpart)]
Block = Annotated[str | None, AfterValidator(fields.optional_block)]
Quote = Annotated[str | None, AfterValidator(fields.clean_quote)]
Key = Annotated[str, AfterValidator(fields.clean_key)]
Tags = Annotated[list[str], AfterValidator(fields.clean_tags)]
Day = Annotated[date, AfterValidator(fields.check_day)]
PriorityName = Annotated[str, _choice(Priority)]
StatusName = Annotated[str, _choice(Status)]
OwnerKindName = Annotated[str, _choice(OwnerKind)]
Email = Annotated[str | None, AfterValidator(fields.clean_email)]


class _Model(BaseModel):
    # Unknown fields are mistakes (a misspelt `dua =` must not pass silently); values are
    # taken as given, never coerced from another type (a title of 12 is not "12").
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class CommitmentBase(_Model):
    """What every commitment has, whoever writes it."""

    title: Title
    description: Block = None
    quote: Quote = None
    area: Area = None
    priority: PriorityName = Priority.NORMAL.value
    counterpart: Counterpart = None
    tags: Tags = Field(default_factory=list)
    due: Day


class CommitmentCreate(CommitmentBase):
    """A new commitment as a person gives it: the owner by name, the meeting by slug."""

    owner: OwnerName
    meeting: str | None = None
    key: Key | None = None


class CommitmentFileEntry(CommitmentBase):
    """A commitment of a meeting file: a stable key and a verbatim quote are required."""

    key: Key
    quote: Annotated[str, AfterValidator(fields.clean_quote)]  # type: ignore[assignment]
    owner: OwnerName

    def file_values(self) -> dict[str, Any]:
        """The values an import compares and keeps (`fields.FILE_FIELDS`), as JSON."""
        values = {name: getattr(self, name) for name in fields.FILE_FIELDS}
        values["due"] = self.due.isoformat()
        values["tags"] = list(self.tags)
        return values


class CommitmentUpdate(_Model):
    """A partial update: only the fields given are changed (`model_fields_set`)."""

    title: Title | None = None
    description: Block = None
    owner: OwnerName | None = None
    due: Day | None = None
    status: StatusName | None = None
    area: Area = None
    priority: PriorityName | None = None
    counterpart: Counterpart = None
    add_tags: Tags | None = None
    remove_tags: Tags | None = None


class CommitmentPublic(BaseModel):
    """A commitment as reads show it (`--json`, export, the web): the fields, in the order, of
    `fields.PUBLIC_FIELDS`, with its derived state at `as_of`."""

    id: int
    key: str | None
    title: str
    description: str | None
    quote: str | None
    owner: str
    owner_email: str | None
    counterpart: str | None
    meeting: str | None
    area: str | None
    priority: str
    tags: list[str]
    status: str
    due: date
    as_of: date
    overdue: bool
    days_overdue: int
    days_left: int
    stale: bool
    health: str
    slips: int
    last_activity: datetime | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    resolution: str | None
    evidence: str | None


class OwnerCreate(_Model):
    name: OwnerName
    email: Email = None
    kind: OwnerKindName = OwnerKind.BODY.value


M = TypeVar("M", bound=BaseModel)


def first_problem(error: ValidationError) -> tuple[str, str]:
    """(field, message) of a validation error's first problem, in words a person reads."""
    return problems(error)[0]


def problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) of each of a validation error's problems, in words a person reads."""
    return [_problem(problem) for problem in error.errors()]


def _problem(problem: Any) -> tuple[str, str]:
    field = ".".join(str(part) for part in problem["loc"] if not isinstance(part, int))
    kind = problem["type"]
    if kind == "missing":
        message = "missing"
    elif kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "value_error":
        message = str(problem["ctx"]["error"])
    elif kind in ("string_type", "list_type"):
        message = "must be text" if kind == "string_type" else "must be a list"
    elif kind.startswith("date"):
        message = "must be a date (2017-06-30)"
    else:
        message = problem["msg"].lower()
    return field, message


class FieldError(ValueError):
    """A value refused by the model: `field` (empty for the whole) and `message`, which
    completes a sentence that starts with the field's name; `others` are the rest."""

    def __init__(
        self, field: str, message: str, others: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(f"{field} {message}" if field else message)
        self.field = field
        self.message = message
        self.others = others or []


def validate(model: type[M], data: dict[str, Any]) -> M:
    """`model` from `data`, or FieldError naming the first field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = problems(exc)
        raise FieldError(*found[0], found[1:]) from None


def checked(model: type[M], **data: Any) -> M:
    """`model` from keyword values, refused as the domain's InvalidInput (exit 4) naming the
    field: how the services and the command line build their inputs."""
    from tracker.errors import InvalidInput

    try:
        return validate(model, data)
    except FieldError as exc:
        raise InvalidInput(str(exc)) from None
