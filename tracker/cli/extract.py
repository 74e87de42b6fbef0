"""`tracker extract`: a draft meeting file from a readout, for a person to review and import."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from tracker.cli.app import DATE, App, pass_app
from tracker.errors import InvalidInput, MeetingFileError
from tracker.words import plural


@click.command()
@click.argument("readout", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--meeting-date", type=DATE, required=True, help="When the meeting was held.")
@click.option("--title", help="Meeting title (default: guessed from the readout's first line).")
@click.option("--place", help="Where it was held (default: guessed from the text).")
@click.option(
    "--parties",
    metavar="NAMES",
    help="Who met, comma-separated, own side first: what 'we' and 'both sides' stand for "
    "(default: read from the title and the opening sentences).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the draft here (default: standard output).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Leave out candidates the rules are less sure of.",
)
@click.option(
    "--rules-only",
    is_flag=True,
    help="Leave out the sentence model: only what a known phrasing marks as a commitment "
    "(fewer candidates, each naming the cue that found it).",
)
@pass_app
def extract(
    app: App,
    readout: Path,
    meeting_date: date,
    title: str | None,
    place: str | None,
    parties: str | None,
    out: Path | None,
    min_confidence: float,
    rules_only: bool,
) -> None:
    """Draft the commitments of a meeting readout as a meeting file (TOML).

    Each commitment gets a verbatim quote, a guessed owner and deadline, the cue that made
    it a commitment and a confidence. Review the draft, then `tracker import` it.

    \b
    Example:
      tracker extract seeds/by-cn-2017-05-16.txt --meeting-date 2017-05-16 --out draft.toml
      tracker import draft.toml
    """
    from tracker.extract import MAX_BYTES, ExtractError, draft_to_toml
    from tracker.extract import extract as extract_draft
    from tracker.files import write_output
    from tracker.inputs import TextInputError, read_text

    names = [" ".join(name.split()) for name in (parties or "").split(",")]
    if parties is not None and not all(names):
        raise InvalidInput("--parties: give names separated by commas, e.g. 'Belarus, China'")
    # The meeting file names its readout relative to where the file will be.
    base = (out.parent if out else Path.cwd()).resolve()
    source = os.path.relpath(readout.resolve(), base)
    try:
        # Capped as it reads: a device or a pipe (/dev/zero) has no size to check first.
        text = read_text(readout, limit=MAX_BYTES, what="readout")
        draft = extract_draft(
            text,
            meeting_date=meeting_date,
            title=title,
            place=place,
            source=source,
            min_confidence=min_confidence,
            parties=names if parties is not None else None,
            model=None if rules_only else "shipped",
        )
    except (ExtractError, TextInputError) as exc:
        raise MeetingFileError(str(exc)) from None
    except OSError as exc:
        raise MeetingFileError(f"{readout}: cannot read the readout ({exc.strerror})") from None
    rendered = draft_to_toml(draft)
    if out is None:
        click.echo(rendered, nl=False)
    else:
        if out.exists() and out.resolve() == readout.resolve():
            raise InvalidInput("--out would overwrite the readout")
        write_output(out, rendered)
    found = len(draft.commitments)
    if not found:
        click.echo(f"No commitments found in {readout}: the draft lists none.", err=True)
    else:
        where = out or "standard output"
        click.echo(
            f"Drafted {plural(found, 'commitment')} from {readout} to {where}: review the draft, "
            "then `tracker import` it.",
            err=True,
        )


COMMANDS = [extract]
