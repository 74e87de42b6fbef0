"""The web view's defences, tried as an attacker would: other owners' ids on every route of a
report link, expired, tampered, foreign-key and revoked links, forms without or with a wrong
CSRF token, titles that are HTML, JavaScript or Jinja, brute-forced sign-ins, forged cookies,
open redirects, and secrets looked for in pages, API answers and logs."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

import pytest
from conftest import SEED_FILE, Runner, run_cli, snapshot
from webkit import (
    PASSWORD,
    SECRET,
    Site,
    csrf_of,
    ids_of,
    owner_id,
    sign_in,
)

from tracker.tokens import Keys
from tracker.web.security import COOKIE

OWNER_WRITES = (
    ("note", {"text": "Hijacked"}),
    ("status", {"status": "in_progress"}),
    ("propose", {"evidence": "Forged evidence"}),
)


def test_an_owners_link_reaches_no_other_owners_commitment(site: Site, db_url: str) -> None:
    mfa = owner_id(db_url, "foreign affairs")
    mine = set(ids_of(db_url, mfa))
    others = [i for i in range(1, 10) if i not in mine] + [999, 0, 2**31, 2**63]
    link = site.link(mfa)
    owner = site.client()
    csrf = csrf_of(owner.get(f"{link}/c/{min(mine)}").text)  # a valid token of this link
    listing = owner.get(link).text
    before = snapshot(db_url)
    for other in others:
        page = owner.get(f"{link}/c/{other}")
        assert page.status_code in (404, 422), other  # 422: not a number the route takes
        assert f"#{other} " not in listing
        for action, data in OWNER_WRITES:
            response = owner.post(f"{link}/c/{other}/{action}", data=data | {"csrf": csrf})
            assert response.status_code in (404, 422), (other, action, response.status_code)
    # Neither does it open a coordinator's pages or the API.
    for path in ("/", "/c/2", "/owners", "/api/commitments", "/api/commitments/2", "/digest"):
        assert owner.get(path).status_code in (303, 401), path
    assert snapshot(db_url) == before
    # Not found, exactly as a commitment that does not exist: nothing tells them apart.
    a, b = owner.get(f"{link}/c/{others[0]}").text, owner.get(f"{link}/c/999").text
    assert a.replace(str(others[0]), "N") == b.replace("999", "N")


def _tampered(path: str, **changes: object) -> str:
    token = path.removeprefix("/r/")
    payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"/r/{forged}.{signature}"


def test_expired_tampered_foreign_and_revoked_links_are_refused(
    site: Site, seeded: Runner, db_url: str
) -> None:
    mfa, finance = owner_id(db_url, "foreign affairs"), owner_id(db_url, "finance")
    link = site.link(mfa, days=3)
    client = site.client()
    assert client.get(link).status_code == 200
    refused = [
        _tampered(link, o=finance),  # another owner
        _tampered(link, x=4102444800),  # a later expiry
        link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"),  # a changed signature
        link.split(".")[0],  # no signature
        "/r/not-a-token",
        "/r/" + "A" * 3000,
        site.link(mfa, keys=Keys.parse("another-secret-0123456789")),  # signed with another key
    ]
    for path in refused:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "This link is not valid" in response.text
    site.clock.now += timedelta(days=3)  # the link's last day: it still works
    assert client.get(link).status_code == 200
    site.clock.now += timedelta(days=1)  # the day after it
    expired = client.get(link)
    assert expired.status_code == 403 and "expired" in expired.text
    site.clock.now -= timedelta(days=4)
    assert client.get(link).status_code == 200
    assert seeded("owner", "revoke-links", "foreign affairs").exit_code == 0
    assert client.get(link).status_code == 403
    assert client.get(f"{link}/c/1").status_code == 403
    fresh = site.link(mfa)
    assert client.get(fresh).status_code == 200  # a new link works
    assert client.get(site.link(finance)).status_code == 200  # other owners' links untouched


def test_a_rotated_secret_keeps_links_already_sent(db_url: str, seeded: Runner) -> None:
    old, new = "old-secret-0123456789-abc", "new-secret-0123456789-xyz"
    mfa = owner_id(db_url, "foreign affairs")
    before = Site(db_url, keys=Keys.parse(old))
    sent = before.link(mfa)
    before.close()
    rotating = Site(db_url, keys=Keys.parse(f"{new} {old}"))
    assert rotating.client().get(sent).status_code == 200
    assert rotating.link(mfa) != sent  # new links are signed with the new secret
    rotating.close()
    rotated = Site(db_url, keys=Keys.parse(new))
    assert rotated.client().get(sent).status_code == 403  # the old one, once it is removed
    rotated.close()


def test_forms_without_the_right_csrf_token_are_refused(site: Site, db_url: str) -> None:
    mfa = owner_id(db_url, "foreign affairs")
    link = site.link(mfa)
    owner = site.client()
    chief = site.signed_in("chief")
    other_chief = site.signed_in("chief")  # another session of the same account
    other_csrf = csrf_of(other_chief.get("/c/1").text)
    finance = owner_id(db_url, "finance")
    finance_item = f"{site.link(finance)}/c/{ids_of(db_url, finance)[0]}"
    other_link_csrf = csrf_of(site.client().get(finance_item).text)  # another owner's link
    before = snapshot(db_url)
    for token in (None, "", "forged", other_csrf, other_link_csrf):
        data = {} if token is None else {"csrf": token}
        for action, fields in OWNER_WRITES:
            response = owner.post(f"{link}/c/1/{action}", data=fields | data)
            assert response.status_code == 403, (action, token)
        if token == other_csrf:
            continue  # valid for the other session only: tried on this one below
        for path, fields in (("/c/1/note", {"text": "x"}), ("/c/1/confirm", {})):
            assert chief.post(path, data=fields | data).status_code == 403, (path, token)
    assert chief.post("/c/1/note", data={"text": "x", "csrf": other_csrf}).status_code == 403
    assert owner.post(f"{link}/c/1/note", data={"text": "x", "csrf": other_csrf}).status_code == 403
    assert chief.post("/logout", data={}).status_code == 403
    assert snapshot(db_url) == before
    # Sign-in itself: the form's token, bound to its own cookie.
    stranger = site.client()
    forged = stranger.post("/login", data={"name": "chief", "password": PASSWORD, "csrf": "x"})
    assert forged.status_code == 403 and COOKIE not in forged.cookies


def test_titles_and_notes_that_are_markup_are_shown_literally(site: Site, seeded: Runner) -> None:
    title = "<script>alert('t')</script> {{ 7*7 }} {% raw %} ${7*7} <b>bold</b>"
    quote = '"><img src=x onerror=alert(1)>'
    added = seeded("add", title, "--owner", "foreign affairs", "--due", "2017-10-01",
                   "--area", "<i>area</i>", "--quote", quote)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    seeded("note", "10", "<iframe src=//evil></iframe> {{ config }}")
    chief = site.signed_in("chief")
    mfa = owner_id(site.db_url, "foreign affairs")
    pages = [
        chief.get("/").text,
        chief.get("/c/10").text,
        chief.get(f"/owners/{mfa}").text,
        chief.get("/digest", params={"as_of": "2017-09-11", "since": "2017-09-01"}).text,
        site.client().get(site.link(mfa)).text,
        site.client().get(f"{site.link(mfa)}/c/10").text,
    ]
    for html in pages:
        assert "<script>alert" not in html and "<b>bold</b>" not in html
        assert "<iframe" not in html and "<img src=x" not in html and "<i>area" not in html
        # Jinja or ${} syntax in data is never run: "{{ 7*7 }}" would read "49" just after the
        # escaped script tag (a bare "49" can be part of a random token on the page)
        assert "&lt;/script&gt; 49" not in html and "$49" not in html and "<Config" not in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; {{ 7*7 }} {% raw %}" in pages[1]
    assert "&lt;iframe src=//evil&gt;&lt;/iframe&gt; {{ config }}" in pages[1]
    api = chief.get("/api/commitments/10").json()
    assert api["title"] == title


def test_sign_in_is_rate_limited(site: Site) -> None:
    client = site.client()
    for _ in range(5):
        assert sign_in(client, "chief", "guess").status_code == 401
    limited = sign_in(client, "chief", PASSWORD)  # even the right password, for now
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in limited.text
    other = sign_in(site.client(), "reader", PASSWORD)  # the same address: limited too
    assert other.status_code == 429
    site.limiter_now[0] += 301  # the window passes
    assert sign_in(client, "chief", PASSWORD).status_code == 303


def test_forged_and_stale_session_cookies_are_not_a_session(site: Site) -> None:
    chief = site.signed_in("chief")
    cookie = chief.cookies[COOKIE]
    assert chief.get("/").status_code == 200
    foreign = Site(site.db_url, keys=Keys.parse("another-secret-0123456789"))
    assert foreign.client().get("/", cookies={COOKIE: cookie}).status_code == 303
    foreign.close()
    for forged in (cookie[:-2] + "xy", cookie.split(".")[0], "", "a.b", _tampered_cookie(cookie)):
        fresh = site.client()
        fresh.cookies.set(COOKIE, forged)
        assert fresh.get("/").status_code == 303, forged
    site.clock.now += timedelta(hours=12, seconds=1)
    assert chief.get("/").status_code == 303  # sessions expire
    # A report link is no session cookie, nor the other way round.
    site.clock.now -= timedelta(hours=12, seconds=1)
    as_cookie = site.client()
    as_cookie.cookies.set(COOKIE, site.link(1).removeprefix("/r/"))
    assert as_cookie.get("/").status_code == 303
    assert site.client().get(f"/r/{cookie}").status_code == 403


def _tampered_cookie(cookie: str) -> str:
    return _tampered(f"/r/{cookie}", a=2).removeprefix("/r/")


def test_sign_in_never_redirects_off_the_site(site: Site) -> None:
    for target in ("//evil.example.org/", "https://evil.example.org/", "/\\evil", "javascript:x"):
        response = sign_in(site.client(), "chief", PASSWORD, next=target)
        assert response.headers["location"] == "/", target


def test_no_secret_in_pages_answers_or_logs(
    site: Site, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tracker.web")
    mfa = owner_id(db_url, "foreign affairs")
    link = site.link(mfa)
    token = link.removeprefix("/r/")
    owner = site.client()
    csrf = csrf_of(owner.get(f"{link}/c/1").text)
    owner.post(f"{link}/c/1/note", data={"text": "Progress", "csrf": csrf})
    owner.get(f"{link}/c/999")
    owner.get(_tampered(link, o=2))
    chief = site.signed_in("chief")
    bodies = [
        chief.get(path).text
        for path in ("/", "/c/1", f"/owners/{mfa}", "/api/owners", "/api/commitments/1",
                     "/api/openapi.json", "/c/999", "/?as_of=nonsense", "/api/digest")
    ]  # fmt: skip
    hashes = [row[0] for row in _password_hashes(db_url)]
    for body in bodies:
        assert SECRET not in body
        assert not any(h in body for h in hashes) and "$argon2" not in body
        assert "Traceback" not in body
    logged = caplog.text
    assert "POST /r/… 303" in logged or "POST /r/…/c/1/note 303" in logged
    assert token not in logged and token.split(".")[1] not in logged
    assert SECRET not in logged and PASSWORD not in logged
    # Every answer carries headers that keep scripts and framing out.
    headers = chief.get("/").headers
    assert "script-src" not in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert "httponly" in chief.get("/login").headers["set-cookie"].lower()


def _password_hashes(db_url: str) -> list[tuple[str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text("SELECT password_hash FROM account"))]
    finally:
        engine.dispose()


def test_an_unexpected_error_shows_no_details(site: Site, db_url: str) -> None:
    import sqlalchemy as sa

    chief = site.signed_in("chief")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:  # the schema changes under the running server
        conn.execute(sa.text("ALTER TABLE commitment RENAME COLUMN quote TO quote_gone"))
    try:
        page = chief.get("/c/1")
        assert page.status_code in (500, 503)
        assert "Traceback" not in page.text and "quote_gone" not in page.text
        assert "SELECT" not in page.text
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE commitment RENAME COLUMN quote_gone TO quote"))
        engine.dispose()


@pytest.mark.postgres
def test_the_server_outlives_dropped_database_connections(postgres_url: str) -> None:
    """Connections the database ends under a running server (a restart, a failover, an idle
    timeout) are replaced, not turned into errors."""
    import sqlalchemy as sa

    assert run_cli(["import", SEED_FILE], db_url=postgres_url).exit_code == 0
    site = Site(postgres_url)
    site.add_user("chief", "coordinator")
    chief = site.signed_in("chief")
    assert chief.get("/").status_code == 200  # the pool now holds live connections
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        ended = conn.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    engine.dispose()
    assert ended and ended >= 1
    for path in ("/", "/c/1", "/api/commitments", "/owners"):
        assert chief.get(path).status_code == 200, path
    site.close()
