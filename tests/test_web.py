"""The web view (`tracker serve`), in-process over a real database on both backends: signing
in, the board and its filters, the pages, the JSON API, and owners' reports through their
signed link up to a coordinator's confirmation."""

from __future__ import annotations

import json

from conftest import Result, Runner, run_cli, snapshot
from webkit import (
    PASSWORD,
    SECRET,
    Site,
    csrf_of,
    events_of,
    owner_id,
    sign_in,
)


def test_pages_and_the_api_need_a_signed_in_account(site: Site) -> None:
    anonymous = site.client()
    # a malformed address too: the visitor is signed out before anything else is checked
    for path in ("/", "/c/1", "/owners", "/owners/1", "/meetings", "/digest", "/?page=0", "/c/x"):
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    for path in ("/api/commitments", "/api/commitments/1", "/api/owners", "/api/digest"):
        response = anonymous.get(path)
        assert (response.status_code, response.json()) == (401, {"error": "sign in first"})


def test_signing_in_takes_the_reader_where_they_were_going(site: Site) -> None:
    client = site.client()
    wrong = sign_in(client, "chief", "not the password", next="/owners")
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    right = sign_in(client, "CHIEF", PASSWORD, next="/owners")  # names in any case
    assert (right.status_code, right.headers["location"]) == (303, "/owners")
    page = client.get("/owners")
    assert page.status_code == 200 and "Ministry of Foreign Affairs" in page.text
    # Sign out ends it.
    out = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert client.get("/").status_code == 303


def test_the_board_shows_what_the_command_line_lists(site: Site, seeded: Runner) -> None:
    client = site.signed_in("reader")
    board = client.get("/")
    assert board.status_code == 200
    listed = seeded("list", "--json").json()
    assert len(listed) == 9
    for item in listed:
        assert f'href="/c/{item["id"]}"' in board.text
    assert "9 commitments" in board.text
    # The figures above the rows, as the digest of the day counts them.
    headline = client.get("/api/digest", params={"as_of": "2017-09-11"}).json()["headline"]
    assert (headline["overdue"], headline["attention"]) == (2, 2)
    assert "<strong>2</strong> overdue" in board.text
    assert "<strong>2</strong> due soon / at risk" in board.text
    assert "<strong>0</strong> blocked" in board.text and "<strong>9</strong> open" in board.text
    # Filters as on the command line.
    overdue = client.get("/", params={"overdue": "true", "sort": "late"})
    cli_overdue = seeded("overdue", "--json").json()
    shown = [i["id"] for i in listed if f'href="/c/{i["id"]}"' in overdue.text]
    assert sorted(shown) == sorted(i["id"] for i in cli_overdue) and len(shown) == 2
    by_owner = client.get("/", params={"owner": "Ministry of Foreign Affairs"})
    assert "2 commitments" in by_owner.text
    searched = client.get("/", params={"search": "visa"})
    assert "1 commitment." in searched.text and "visa-free" in searched.text
    # --as-of as a date picker: the meeting's first days, before anything was late.
    early = client.get("/", params={"as_of": "2017-05-20", "overdue": "true"})
    assert "0 commitments" in early.text and 'value="2017-05-20"' in early.text
    bad = client.get("/", params={"as_of": "someday"})
    assert bad.status_code == 400 and "as of" in bad.text


def test_the_board_is_cut_in_pages(site: Site, seeded: Runner) -> None:
    for number in range(55):
        seeded("add", f"Follow-up task {number}", "--owner", "finance", "--due", "2017-12-01")
    client = site.signed_in("reader")
    first = client.get("/")
    assert "64 commitments; 1–50 shown" in first.text and "Page 1 of 2" in first.text
    second = client.get("/", params={"page": 2})
    assert "Page 2 of 2" in second.text and second.text.count('<tr class="h-') == 14


def test_the_commitment_page_has_the_quote_the_health_and_the_history(
    site: Site, seeded: Runner
) -> None:
    seeded("note", "1", "Draft sent to the Chinese side")
    shown = seeded("show", "1", "--json").json()
    page = site.signed_in("reader").get("/c/1")
    assert page.status_code == 200
    text = page.text
    assert shown["title"] in text
    assert shown["quote"][:60] in text
    assert "off track" in text and "28 days late" in text
    assert "Draft sent to the Chinese side" in text and ">cli<" in text
    past = site.signed_in("reader").get("/c/1", params={"as_of": "2017-06-01"})
    assert "As it stood at the end of 2017-06-01" in past.text
    assert "Draft sent to the Chinese side" not in past.text  # written later
    assert site.signed_in("reader").get("/c/999").status_code == 404


def test_owner_meeting_and_digest_pages(site: Site) -> None:
    client = site.signed_in("reader")
    mfa = owner_id(site.db_url, "foreign affairs")
    owner = client.get(f"/owners/{mfa}")
    assert owner.status_code == 200 and "Study a mutual 30-day visa-free regime" in owner.text
    assert "/r/" not in owner.text  # a viewer is not given the owner's link
    meetings = client.get("/meetings")
    assert "by-cn-2017-05-16" in meetings.text
    meeting = client.get("/meetings/by-cn-2017-05-16")
    assert meeting.status_code == 200 and meeting.text.count('<tr class="h-') == 9
    assert client.get("/meetings/no-such-meeting").status_code == 404
    digest = client.get("/digest", params={"as_of": "2017-09-11"})
    assert digest.status_code == 200
    assert "Commitments digest — 2017-09-11" in digest.text
    assert "<svg" in digest.text and "Active commitments by area" in digest.text
    assert "Trend, week by week" in digest.text and "← Board" in digest.text


def test_the_api_gives_the_command_lines_json(site: Site, seeded: Runner) -> None:
    client = site.signed_in("reader")
    assert client.get("/api/commitments").json() == seeded("list", "--json").json()
    overdue = client.get("/api/commitments", params={"overdue": "true", "sort": "late"})
    assert overdue.json() == seeded("overdue", "--json").json()
    one = client.get("/api/commitments/4").json()
    shown = seeded("show", "4", "--json").json()
    assert one["history"] == shown["history"] and one["proposal"] is None
    assert {k: v for k, v in one.items() if k not in ("history", "proposal")} == {
        k: v for k, v in shown.items() if k != "history"
    }
    owners = client.get("/api/owners").json()
    assert owners == seeded("owner", "list", "--json").json()
    meeting = client.get("/api/meetings/by-cn-2017-05-16").json()
    assert len(meeting["commitments"]) == 9 and meeting["date"] == "2017-05-16"
    digest = client.get("/api/digest", params={"as_of": "2017-09-11"}).json()
    assert digest["headline"]["overdue"] == 2
    every = client.get("/api/commitments", params={"status": ["open", "done"]}).json()
    page = client.get("/api/commitments", params={"limit": 3, "offset": 2}).json()
    assert [c["id"] for c in page] == [c["id"] for c in seeded("list", "--json").json()][2:5]
    assert {c["status"] for c in every} == {"open"}
    refused = client.get("/api/commitments", params={"status": "finished"})
    assert refused.status_code == 422
    assert client.get("/api/commitments/999").status_code == 404


def test_the_openapi_description_names_every_read(site: Site) -> None:
    spec = site.client().get("/api/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/commitments",
        "/api/commitments/{commitment_id}",
        "/api/owners",
        "/api/owners/{owner_id}",
        "/api/meetings",
        "/api/meetings/{slug}",
        "/api/digest",
    }
    board = spec["paths"]["/api/commitments"]["get"]
    assert {p["name"] for p in board["parameters"]} >= {"as_of", "status", "owner", "overdue"}


# --- owners' reports --------------------------------------------------------------------------


def _form(client, path: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def test_an_owner_reports_through_the_link_and_the_coordinator_confirms(
    site: Site, seeded: Runner
) -> None:
    mfa = owner_id(site.db_url, "foreign affairs")
    link = site.link(mfa)
    owner = site.client()
    mine = owner.get(link)
    assert mine.status_code == 200
    assert "Study a mutual 30-day visa-free regime" in mine.text
    assert "Great Stone" not in mine.text  # another owner's
    item = f"{link}/c/1"
    csrf = _form(owner, item)

    noted = owner.post(f"{item}/note", data={"text": "Draft agreed with MOFA", "csrf": csrf})
    assert noted.status_code == 303 and "Note added" in owner.get(noted.headers["location"]).text
    started = owner.post(f"{item}/status", data={"status": "in_progress", "csrf": csrf})
    assert started.status_code == 303
    proposed = owner.post(
        f"{item}/propose",
        data={"evidence": "Agreement signed 2017-09-10, No. 12", "note": "Done", "csrf": csrf},
    )
    assert proposed.status_code == 303
    assert "Waiting for the coordinator" in owner.get(item).text

    events = events_of(site.db_url, 1)[-3:]
    assert [(e["kind"], e["actor"], e["channel"]) for e in events] == [
        ("note", "Ministry of Foreign Affairs", "web"),
        ("status", "Ministry of Foreign Affairs", "web"),
        ("proposed", "Ministry of Foreign Affairs", "web"),
    ]
    assert seeded("show", "1", "--json").json()["status"] == "in_progress"  # not closed yet

    chief = site.signed_in("chief")
    board = chief.get("/")
    assert "Waiting for your confirmation" in board.text and "Agreement signed" in board.text
    # an order the server keeps a few seconds (`owner`) lists it before the confirmation ...
    title = "Study a mutual 30-day visa-free regime"
    assert title in chief.get("/", params={"sort": "owner"}).text
    page = chief.get("/c/1")
    confirmed = chief.post("/c/1/confirm", data={"csrf": csrf_of(page.text)})
    assert confirmed.status_code == 303
    # ... and not at once after it: a write through this server forgets what it kept
    assert title not in chief.get("/", params={"sort": "owner"}).text
    shown = seeded("show", "1", "--json").json()
    assert shown["status"] == "done"
    assert shown["evidence"] == "Agreement signed 2017-09-10, No. 12"
    assert shown["resolution"] == "Done"
    closed = events_of(site.db_url, 1)[-1]
    assert (closed["kind"], closed["actor"], closed["channel"]) == ("closed", "chief", "web")
    assert "Waiting for your confirmation" not in chief.get("/").text
    # The digest of the day lists it as delivered.
    digest = seeded("digest", "--as-of", "2017-09-11", "--since", "2017-09-01")
    delivered = digest.stdout.split("DELIVERED")[1]
    assert "#1 Study a mutual 30-day visa-free regime" in delivered


def test_the_coordinator_can_decline_a_proposal_with_a_reason(site: Site) -> None:
    mfa = owner_id(site.db_url, "foreign affairs")
    item = f"{site.link(mfa)}/c/9"
    owner = site.client()
    csrf = _form(owner, item)
    owner.post(f"{item}/propose", data={"evidence": "Visit held", "csrf": csrf})
    chief = site.signed_in("chief")
    page_csrf = csrf_of(chief.get("/c/9").text)
    empty = chief.post("/c/9/decline", data={"reason": " ", "csrf": page_csrf})
    assert empty.status_code == 400
    declined = chief.post("/c/9/decline", data={"reason": "Attach the minutes", "csrf": page_csrf})
    assert declined.status_code == 303
    last = events_of(site.db_url, 9)[-1]
    assert (last["kind"], last["text"], last["channel"]) == (
        "declined",
        "Attach the minutes",
        "web",
    )
    assert "Proposed for closing" not in owner.get(item).text
    assert "Attach the minutes" in owner.get(item).text  # the owner sees why, in the history
    again = chief.post("/c/9/confirm", data={"csrf": page_csrf})
    assert again.status_code == 409  # nothing waits any more


def test_an_owners_refused_report_says_why_and_changes_nothing(site: Site, db_url: str) -> None:
    mfa = owner_id(db_url, "foreign affairs")
    item = f"{site.link(mfa)}/c/1"
    owner = site.client()
    csrf = _form(owner, item)
    before = snapshot(db_url)
    blocked = owner.post(f"{item}/status", data={"status": "blocked", "reason": "", "csrf": csrf})
    assert blocked.status_code == 400 and "what blocks it" in blocked.text
    no_evidence = owner.post(f"{item}/propose", data={"evidence": "  ", "csrf": csrf})
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.text
    done = owner.post(f"{item}/status", data={"status": "done", "csrf": csrf})
    assert done.status_code == 400
    empty_note = owner.post(f"{item}/note", data={"text": "", "csrf": csrf})
    assert empty_note.status_code == 400
    assert snapshot(db_url) == before
    ok = owner.post(
        f"{item}/status", data={"status": "blocked", "reason": "Awaiting MFA", "csrf": csrf}
    )
    assert ok.status_code == 303
    last = events_of(db_url, 1)[-1]
    assert (last["new_value"], last["text"]) == ("blocked", "Awaiting MFA")


def test_a_viewer_reads_but_cannot_write(site: Site, db_url: str) -> None:
    reader = site.signed_in("reader")
    page = reader.get("/c/1")
    assert "Add a note" not in page.text and "Confirm and close" not in page.text
    csrf = csrf_of(page.text)  # the sign-out form's
    before = snapshot(db_url)
    for path, data in (
        ("/c/1/note", {"text": "x"}),
        ("/c/1/confirm", {}),
        ("/c/1/decline", {"reason": "x"}),
        (f"/owners/{owner_id(db_url, 'finance')}/revoke", {}),
    ):
        response = reader.post(path, data=data | {"csrf": csrf})
        assert response.status_code == 403, path
    assert snapshot(db_url) == before


def test_a_coordinator_adds_a_note_from_the_web(site: Site, db_url: str) -> None:
    chief = site.signed_in("chief")
    csrf = csrf_of(chief.get("/c/2").text)
    assert chief.post("/c/2/note", data={"text": "Called MinFin", "csrf": csrf}).status_code == 303
    last = events_of(db_url, 2)[-1]
    assert (last["kind"], last["actor"], last["channel"], last["text"]) == (
        "note",
        "chief",
        "web",
        "Called MinFin",
    )


# --- report links in digests, accounts on the command line --------------------------------------


def test_an_owners_digest_carries_a_working_report_link(site: Site, seeded: Runner) -> None:
    env = {"TRACKER_SECRET_KEY": SECRET, "TRACKER_BASE_URL": "https://tracker.example.org"}
    for fmt in ("txt", "md", "html"):
        text = seeded("digest", "--owner", "foreign affairs", "--format", fmt, env=env).stdout
        assert "https://tracker.example.org/r/" in text, fmt
        assert "valid until 2017-10-11" in text, fmt
    text = seeded("digest", "--owner", "foreign affairs", env=env).stdout
    path = text[text.index("/r/") :].split()[0]
    assert site.client().get(path).status_code == 200
    # Without the secret there is no web view to report to: no link.
    assert "/r/" not in seeded("digest", "--owner", "foreign affairs").stdout
    # The coordinator's digest has none either.
    assert "/r/" not in seeded("digest", env=env).stdout


def test_user_accounts_from_the_command_line(seeded: Runner, db_url: str) -> None:
    def user(*args: str, stdin: str = "") -> Result:
        return run_cli(["user", *args], db_url=db_url, stdin=stdin)

    added = user("add", "Head of unit", "--role", "coordinator", "--password-stdin",
                 stdin="long enough pass\n")  # fmt: skip
    assert (added.exit_code, added.stdout) == (0, "Added coordinator Head of unit\n")
    twice = user("add", "head of UNIT", "--role", "viewer", "--password-stdin", stdin="x" * 12)
    assert twice.exit_code == 5 and "already exists" in twice.stderr
    short = user("add", "analyst", "--role", "viewer", "--password-stdin", stdin="short\n")
    assert short.exit_code == 4 and "at least 10 characters" in short.stderr
    listed = json.loads(user("list", "--json").stdout)
    assert listed == [{"name": "Head of unit", "role": "coordinator"}]
    with _site(db_url) as site:
        client = site.signed_in("Head of unit", "long enough pass")
        assert client.get("/").status_code == 200
        changed = user("password", "head of unit", "--password-stdin", stdin="another long one\n")
        assert changed.exit_code == 0
        assert client.get("/").status_code == 303  # the session ended with the old password
        assert site.signed_in("Head of unit", "another long one").get("/").status_code == 200
        removed = user("remove", "Head of unit")
        assert removed.exit_code == 0
        assert sign_in(site.client(), "Head of unit", "another long one").status_code == 401
    assert user("remove", "nobody").exit_code == 3


def _site(db_url: str):  # type: ignore[no-untyped-def]
    from webkit import site_for

    return site_for(db_url)


def test_serve_refuses_to_start_without_a_secret(seeded: Runner) -> None:
    result = seeded("serve", env={"TRACKER_SECRET_KEY": ""})
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: set TRACKER_SECRET_KEY") and result.stderr[-1] == "\n"
    short = seeded("serve", env={"TRACKER_SECRET_KEY": "short"})
    assert short.exit_code == 4 and "at least 16 characters" in short.stderr


def test_owner_link_and_revoke_links_commands(site: Site, seeded: Runner) -> None:
    env = {"TRACKER_SECRET_KEY": SECRET, "TRACKER_BASE_URL": "http://127.0.0.1:8000"}
    made = seeded("owner", "link", "foreign affairs", "--days", "7", env=env)
    assert made.exit_code == 0 and "valid until 2017-09-18" in made.stderr
    path = made.stdout.strip().removeprefix("http://127.0.0.1:8000")
    assert site.client().get(path).status_code == 200
    revoked = seeded("owner", "revoke-links", "foreign affairs")
    assert revoked.exit_code == 0
    assert site.client().get(path).status_code == 403
    assert seeded("owner", "link", "nobody at all", env=env).exit_code == 3


def test_the_command_line_sees_and_answers_proposals(site: Site, seeded: Runner) -> None:
    mfa = owner_id(site.db_url, "foreign affairs")
    item = f"{site.link(mfa)}/c/9"
    owner = site.client()
    csrf = csrf_of(owner.get(item).text)
    owner.post(f"{item}/propose", data={"evidence": "Visit of 2017-09-05", "csrf": csrf})
    shown = seeded("show", "9").stdout
    assert (
        "Ministry of Foreign Affairs proposes closing it (evidence: Visit of 2017-09-05)" in shown
    )
    assert "proposed  evidence: Visit of 2017-09-05 · via the web" in shown
    declined = seeded("decline", "9", "--reason", "Minutes missing")
    assert declined.exit_code == 0 and "proposes closing" not in seeded("show", "9").stdout
    assert seeded("confirm", "9").exit_code == 5  # nothing waits any more
    owner.post(f"{item}/propose", data={"evidence": "Minutes No. 4", "csrf": csrf})
    confirmed = seeded("confirm", "9")
    assert confirmed.stdout == "Closed #9 as its owner proposed (evidence: Minutes No. 4)\n"
    last = events_of(site.db_url, 9)[-1]
    assert (last["kind"], last["actor"], last["channel"]) == ("closed", "tester", "cli")
