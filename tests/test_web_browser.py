"""The web view in a real browser: headless Chromium, driven through Selenium, against a real
`tracker serve` subprocess over a real database.

The coordinator signs in, views the board and opens a commitment; the owner follows the link of
a digest that a real SMTP server on loopback received, reports progress and proposes closing;
the coordinator confirms; the next digest shows it delivered. Screenshots of the board and of a
commitment page at 1280 and 390 px wide are saved in `test-artifacts/screenshots/` (at the
repository's root, ignored by git) to look at, and at 390 px nothing may scroll sideways.

Headless Chromium keeps its window at least 500 px wide, so the phone width is emulated through
the DevTools protocol (`Emulation.setDeviceMetricsOverride`), as a phone's screen lays it out.
The pages forbid scripts of their own (Content-Security-Policy); WebDriver's `execute_script`
still runs, which is how the widths are measured.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, REPO, SEED_FILE, run_cli
from mailservers import free_port, smtp_server
from test_scheduler import wait_until

from tracker.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
except ImportError:  # pragma: no cover - the [test] extra installs it
    SELENIUM = False
else:
    SELENIUM = True

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="Chromium or its driver is not installed "
        "(apt-get install chromium chromium-driver; .ci/run installs them)",
    ),
    pytest.mark.skipif(not SELENIUM, reason="selenium is not installed (pip install '.[test]')"),
]

if SELENIUM:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.ui import Select, WebDriverWait

SECRET = "browser-test-secret-0123456789"
PASSWORD = "pass-word-123"
VIEWER_PASSWORD = "read-only-pw1"
SHOTS = REPO / "test-artifacts" / "screenshots"
WAIT = 15  # seconds any one page may take to appear
MFA = "Ministry of Foreign Affairs"
VISA = "Study a mutual 30-day visa-free regime"  # #1, MFA's, 28 days late on 2017-09-11
LINK = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9._~-]+")


# --- the site: a database and `tracker serve` over it ------------------------------------------


@dataclass
class Site:
    db_url: str
    base: str
    env: dict[str, str]
    log_path: Path

    def cli(self, *args: object, stdin: str | None = None, **env: str) -> str:
        """`tracker ARGS` as the console script runs it, in-process (`stdin` as its input);
        fails on a non-zero exit."""
        if stdin is not None:
            with CliRunner().isolation(input=stdin, env={**self.env, **env}) as (out, err, _):
                try:
                    main([str(a) for a in args])
                except SystemExit as exc:
                    assert not exc.code, f"tracker {args}: {err.getvalue().decode()}"
                return out.getvalue().decode()
        result = run_cli(list(args), db_url=self.db_url, env={**self.env, **env})
        assert result.exit_code == 0, f"tracker {args}: {result.stderr}"
        return result.stdout

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}


def _get(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    with opener.open(url, timeout=2) as response:
        return response.read().decode()  # type: ignore[no-any-return]


def _env(db_url: str, base: str) -> dict[str, str]:
    return {
        "TRACKER_DATABASE_URL": db_url,
        "TRACKER_SECRET_KEY": SECRET,
        "TRACKER_NOW": FIXED_NOW,
        "TRACKER_BASE_URL": base,
    }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the meeting of 2017-05-16 (9 commitments), a coordinator `chief`
    and a viewer `analyst`, made once through the command line and copied for each test."""
    path = tmp_path_factory.mktemp("seeded") / "tracker.db"
    db_url = f"sqlite:///{path}"
    template = Site(db_url, "http://127.0.0.1:8000", _env(db_url, ""), path.with_suffix(".log"))
    template.cli("init")
    template.cli("import", SEED_FILE)
    template.cli("user", "add", "chief", "--role", "coordinator", "--password-stdin",
                 stdin=f"{PASSWORD}\n")  # fmt: skip
    template.cli("user", "add", "analyst", "--role", "viewer", "--password-stdin",
                 stdin=f"{VIEWER_PASSWORD}\n")  # fmt: skip
    with closing(sqlite3.connect(path)) as conn:  # fold the WAL into the file before copying it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


class Servers:
    """`tracker serve` over fresh copies of the seeded database, one per test. The first test's
    is started alone; once it answers, those of all the other tests are started together, to
    come up while the first test runs (starting is mostly importing) rather than one by one."""

    def __init__(self, seeded: Path, folder: Path, count: int) -> None:
        self.seeded = seeded
        self.folder = folder
        self.started = 0
        self.wanted = count  # servers still to hand out
        self.ready: list[tuple[Site, subprocess.Popen[bytes]]] = []
        self.ready = [self._start()]

    def _start(self) -> tuple[Site, subprocess.Popen[bytes]]:
        self.started += 1
        path = self.folder / f"tracker-{self.started}.db"
        shutil.copy(self.seeded, path)
        db_url = f"sqlite:///{path}"
        taken = {site.base for site, _ in self.ready}
        base = f"http://127.0.0.1:{free_port()}"
        while base in taken:
            base = f"http://127.0.0.1:{free_port()}"
        site = Site(db_url, base, _env(db_url, base), self.folder / f"serve-{self.started}.log")
        with site.log_path.open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "tracker", "--db", db_url, "serve",
                 "--host", "127.0.0.1", "--port", base.rsplit(":", 1)[1]],
                env={**_clean_env(), **site.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        return site, server

    def take(self) -> tuple[Site, subprocess.Popen[bytes]]:
        """A server that answers on /healthz, over a database no test has touched."""
        site, server = self.ready.pop(0) if self.ready else self._start()

        def healthy() -> bool:
            if server.poll() is not None:
                pytest.fail(f"tracker serve exited with {server.returncode}:\n{site.log()}")
            try:
                return _get(f"{site.base}/healthz").strip() == "ok"
            except OSError:
                return False

        wait_until(healthy, timeout=60, what=f"{site.base}/healthz to answer ok")
        self.wanted -= 1
        while len(self.ready) < self.wanted:
            self.ready.append(self._start())
        return site, server

    def close(self) -> None:
        for _, server in self.ready:
            _stop(server)
        self.ready = []


@pytest.fixture(scope="module")
def servers(
    seeded: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Servers]:
    count = sum(
        1
        for item in request.session.items
        if getattr(item, "module", None) is request.module and "site" in item.fixturenames
    )
    pool = Servers(seeded, tmp_path_factory.mktemp("sites"), count)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def site(servers: Servers) -> Iterator[Site]:
    """A copy of the seeded database, and `tracker serve` over it on a free loopback port,
    with the clock at 2017-09-11 09:00 UTC; stopped after the test."""
    found, server = servers.take()
    try:
        yield found
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module; each test starts with no cookies."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--no-proxy-server", "--hide-scrollbars",
                "--disable-extensions", "--lang=en-US"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def driver(browser: WebDriver) -> Iterator[WebDriver]:
    _desktop(browser)
    browser.delete_all_cookies()
    yield browser
    browser.delete_all_cookies()  # cookies ignore ports: the next test's site is the same host
    _desktop(browser)


def _desktop(driver: WebDriver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1280, 900)


def _phone(driver: WebDriver) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )


def _open(driver: WebDriver, url: str) -> None:
    driver.get(url)
    _loaded(driver)


def _wait(driver: WebDriver) -> WebDriverWait[WebDriver]:
    # Mid-navigation, Chromium may answer about the old page with any WebDriver error.
    return WebDriverWait(
        driver, WAIT, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)
    )


def _loaded(driver: WebDriver) -> None:
    _wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _click(driver: WebDriver, element: WebElement) -> None:
    """Click a link or a form's button and wait for the page it leads to (after any redirect)."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_: WebDriver) -> bool:
        try:
            page.is_enabled()
        except (StaleElementReferenceException, WebDriverException):
            return True  # "stale", or "node does not belong to the document": a new page
        return False

    WebDriverWait(driver, WAIT, poll_frequency=0.05).until(gone)
    _loaded(driver)


def _form(driver: WebDriver, action_ends: str) -> WebElement:
    forms = [
        f
        for f in driver.find_elements(By.CSS_SELECTOR, "form[method=post]")
        if (f.get_attribute("action") or "").endswith(action_ends)
    ]
    assert len(forms) == 1, f"one form posting to …{action_ends} expected on {driver.current_url}"
    return forms[0]


def _text(driver: WebDriver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def _body(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def _history(driver: WebDriver) -> list[dict[str, str]]:
    """The history table, newest first: one {When, Who, Via, What} per row."""
    return [
        {
            td.get_attribute("data-label") or "": td.text
            for td in tr.find_elements(By.TAG_NAME, "td")
        }
        for tr in driver.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    ]


def _board_ids(driver: WebDriver) -> list[str]:
    return [
        td.text
        for td in driver.find_elements(By.CSS_SELECTOR, "table.rows tbody td[data-label='#']")
    ]


def _sign_in(driver: WebDriver, name: str, password: str = PASSWORD) -> None:
    """Fill and send the sign-in form the browser is on."""
    assert "/login" in driver.current_url, driver.current_url
    assert _text(driver, "h1") == "Sign in"
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(password)
    _click(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button"))


# --- the e-mail --------------------------------------------------------------------------------


def _link_from_email(site: Site) -> str:
    """MFA's report link, out of the digest a real SMTP server received for them."""
    site.cli("owner", "update", "foreign affairs", "--email", "mfa@example.org")
    site.cli("schedule", "add", "mfa-weekly", "--cron", "0 9 * * MON", "--timezone", "UTC",
             "--owner", "foreign affairs", "--email", "mfa@example.org")  # fmt: skip
    with smtp_server() as (server, port):
        site.cli(
            "schedule",
            "run",
            "mfa-weekly",
            TRACKER_SMTP_HOST="127.0.0.1",
            TRACKER_SMTP_PORT=str(port),
            TRACKER_SMTP_ALLOW_PLAINTEXT="1",  # the test server offers no TLS
        )
        messages = list(server.messages)
    assert len(messages) == 1, [m["Subject"] for _, m in messages]
    recipients, message = messages[0]
    assert recipients == ["mfa@example.org"]
    assert MFA in str(message["Subject"])
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None and text is not None
    in_html = set(LINK.findall(html.get_content()))
    in_text = set(LINK.findall(text.get_content()))
    assert len(in_html) == 1 and in_html == in_text, (in_html, in_text)
    link = in_html.pop()
    assert link.startswith(f"{site.base}/r/"), link
    return link


# --- the whole round ---------------------------------------------------------------------------


def test_an_owner_reports_through_the_emailed_link_and_the_coordinator_confirms_the_close(
    site: Site, driver: WebDriver
) -> None:
    # The coordinator opens the board, is sent to sign in, and comes back to it.
    _open(driver, f"{site.base}/")
    assert "/login" in driver.current_url
    assert driver.find_element(By.NAME, "next").get_attribute("value") == "/"
    _sign_in(driver, "chief")
    assert driver.current_url == f"{site.base}/"
    assert _text(driver, "h1").startswith("Board")
    assert "as of 2017-09-11" in _text(driver, "h1")
    assert "chief (coordinator)" in _text(driver, "header.top")
    assert "9 commitments" in _body(driver)
    assert sorted(_board_ids(driver)) == [f"#{i}" for i in range(1, 10)]
    row = driver.find_element(By.XPATH, "//table[@class='rows']//tr[td[@data-label='#']='#1']")
    assert VISA in row.text and MFA in row.text and "28 d late" in row.text
    assert "h-off_track" in (row.get_attribute("class") or "")
    assert not driver.find_elements(By.CSS_SELECTOR, "section.proposal")  # nothing waits yet

    # … and opens commitment #1 from it.
    _click(driver, row.find_element(By.LINK_TEXT, VISA))
    assert driver.current_url == f"{site.base}/c/1"
    assert _text(driver, "h1") == f"#1 {VISA}"
    assert driver.title == f"#1 {VISA} — tracker"
    assert "28 days late" in _text(driver, "p.badges")
    assert _text(driver, "p.badges .badge").startswith("open")
    assert "2017-08-14" in _text(driver, "dl.facts")
    assert _text(driver, "blockquote.quote").startswith("“")
    history = _history(driver)
    assert [h["What"].split()[0] for h in history] == ["created"]
    assert not driver.find_elements(By.XPATH, "//button[.='Confirm and close']")
    assert driver.find_elements(By.CSS_SELECTOR, "form[action='/c/1/note'] textarea[name=text]")

    # The owner gets the digest by e-mail and follows its personal link (no sign-in, no cookie).
    link = _link_from_email(site)
    driver.delete_all_cookies()
    _open(driver, link)
    assert _text(driver, "h1") == f"Your commitments {MFA}"
    assert "This personal link works until 2017-10-11" in _body(driver)
    assert sorted(_board_ids(driver)) == ["#1", "#9"]  # their own, and nothing else
    assert not driver.find_elements(By.CSS_SELECTOR, "header.top form.who")  # nobody signed in
    _click(driver, driver.find_element(By.LINK_TEXT, VISA))
    assert driver.current_url == f"{link}/c/1"
    assert _text(driver, "h1") == f"#1 {VISA}"

    # A note on progress.
    note = _form(driver, "/c/1/note")
    note.find_element(By.NAME, "text").send_keys("Draft agreement sent to the Chinese side.")
    _click(driver, note.find_element(By.TAG_NAME, "button"))
    assert driver.current_url == f"{link}/c/1?done=note"
    assert _text(driver, "p.ok") == "Note added."
    newest = _history(driver)[0]
    assert (newest["Who"], newest["Via"]) == (MFA, "web")
    assert newest["What"].startswith("note")
    assert "Draft agreement sent to the Chinese side." in newest["What"]

    # In progress, with a reason.
    status = _form(driver, "/c/1/status")
    Select(status.find_element(By.NAME, "status")).select_by_value("in_progress")
    status.find_element(By.NAME, "reason").send_keys("Consultations started in August.")
    _click(driver, status.find_element(By.TAG_NAME, "button"))
    assert driver.current_url == f"{link}/c/1?done=status"
    assert _text(driver, "p.ok") == "Status changed."
    assert _text(driver, "p.badges .badge") == "in progress"
    newest = _history(driver)[0]
    assert (newest["Who"], newest["Via"]) == (MFA, "web")
    assert re.search("open → in[_ ]progress", newest["What"]), newest  # raw value or label
    assert "Consultations started in August." in newest["What"]
    selected = Select(_form(driver, "/c/1/status").find_element(By.NAME, "status"))
    assert selected.first_selected_option.get_attribute("value") == "in_progress"

    # A proposal to close, with evidence.
    propose = _form(driver, "/c/1/propose")
    propose.find_element(By.NAME, "evidence").send_keys("Agreement signed on 2017-09-08, No. 41")
    propose.find_element(By.NAME, "note").send_keys("Enters into force on 2018-01-10.")
    _click(driver, propose.find_element(By.TAG_NAME, "button"))
    assert driver.current_url == f"{link}/c/1?done=proposed"
    assert _text(driver, "p.ok") == "Proposal sent: the coordinator confirms the closing."
    waiting = _text(driver, "section.proposal")
    assert "Proposed for closing" in waiting and f"By {MFA}" in waiting
    assert "Agreement signed on 2017-09-08, No. 41" in waiting
    assert "Waiting for the coordinator's confirmation." in waiting
    newest = _history(driver)[0]
    assert (newest["Who"], newest["Via"]) == (MFA, "web")
    assert newest["What"].startswith("proposed")
    assert [h["Who"] for h in _history(driver)[:3]] == [MFA] * 3
    assert _text(driver, "p.badges .badge") == "in progress"  # not closed by the owner

    # The coordinator, signed out meanwhile, finds the proposal on the board and confirms it.
    driver.delete_all_cookies()
    _open(driver, f"{site.base}/")
    _sign_in(driver, "chief")
    waiting = _text(driver, "section.proposal")
    assert "Waiting for your confirmation" in waiting
    assert f"#1 {VISA} — {MFA} proposes closing: Agreement signed on 2017-09-08" in waiting
    _click(driver, driver.find_element(By.CSS_SELECTOR, "section.proposal a[href='/c/1']"))
    assert driver.current_url == f"{site.base}/c/1"
    assert f"By {MFA}" in _text(driver, "section.proposal")
    assert [h["Via"] for h in _history(driver)[:3]] == ["web"] * 3
    _click(driver, driver.find_element(By.XPATH, "//button[.='Confirm and close']"))
    assert driver.current_url == f"{site.base}/c/1?done=confirmed"
    assert _text(driver, "p.ok") == "Closed as proposed."
    assert _text(driver, "p.badges .badge") == "done"
    assert not driver.find_elements(By.CSS_SELECTOR, "section.proposal")
    facts = _text(driver, "dl.facts")
    assert "Agreement signed on 2017-09-08, No. 41" in facts  # the owner's evidence, kept
    newest = _history(driver)[0]
    assert (newest["Who"], newest["Via"]) == ("chief", "web")
    assert newest["What"].startswith("closed")
    assert re.search("in[_ ]progress → done", newest["What"]), newest

    # The board has one active commitment less, and nothing waiting.
    _click(driver, driver.find_element(By.LINK_TEXT, "Board"))
    assert "8 commitments" in _body(driver)
    assert "#1" not in _board_ids(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "section.proposal")

    # The owner's link now shows it closed, with no forms left.
    _open(driver, f"{link}/c/1")
    assert _text(driver, "p.badges .badge") == "done"
    assert not driver.find_elements(By.CSS_SELECTOR, "form[method=post]")

    # The next digest shows it delivered.
    digest = site.cli("digest", "--as-of", "2017-09-11", "--since", "2017-09-01")
    delivered = digest.split("\nDELIVERED", 1)[1].split("\n\n", 1)[0]
    assert f"#1 {VISA}" in delivered, digest
    assert re.search(r"\b1 delivered\b", digest), digest  # the summary line counts it
    overdue = digest.split("\nOVERDUE", 1)[1].split("\n\n", 1)[0]
    assert f"#1 {VISA}" not in overdue


# --- screenshots, and a phone's width ----------------------------------------------------------


def _full_page_png(driver: WebDriver, path: Path) -> None:
    """The whole page, not just the window, as a PNG."""
    width, height = driver.execute_script(
        "var d = document.documentElement;"
        "return [d.clientWidth, Math.max(d.scrollHeight, document.body.scrollHeight)];"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 5_000, path  # something was drawn


TOO_WIDE = """
var limit = document.documentElement.clientWidth, found = [];
document.querySelectorAll("body *").forEach(function (e) {
  var box = e.getBoundingClientRect();
  if (box.right > limit + 0.5 && box.width > 0) {
    var name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : ""),
      classes = typeof e.className === "string" ? e.className.trim() : "";
    if (classes) name += "." + classes.replace(/\\s+/g, ".");
    found.push(name + " right=" + Math.round(box.right) + " width=" + Math.round(box.width));
  }
});
return found.slice(0, 15);
"""


def _assert_fits(driver: WebDriver, what: str) -> None:
    scroll, client = driver.execute_script(
        "var d = document.documentElement; return [d.scrollWidth, d.clientWidth];"
    )
    assert client == 390, f"{what}: laid out {client} px wide, not 390"
    if scroll > client:
        pytest.fail(
            f"{what} scrolls sideways at 390 px ({scroll} > {client}); too wide: "
            + "; ".join(driver.execute_script(TOO_WIDE))
        )


def _shoot(driver: WebDriver, url: str, name: str) -> None:
    """`name`-1280.png and `name`-390.png of the page; at 390 px it must not scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    _desktop(driver)
    _open(driver, url)
    assert driver.execute_script("return document.documentElement.clientWidth") > 1200
    _full_page_png(driver, SHOTS / f"{name}-1280.png")
    _phone(driver)
    _open(driver, url)
    _full_page_png(driver, SHOTS / f"{name}-390.png")
    _assert_fits(driver, f"{name} ({url})")
    _desktop(driver)


def test_screenshots_of_the_board_and_a_commitment_at_1280_and_390_px(
    site: Site, driver: WebDriver
) -> None:
    # Some history first, so that the pages show what they usually hold: an owner's note, a
    # proposal waiting on the board, a long unbroken word.
    link = site.cli("owner", "link", "foreign affairs").strip()
    site.cli("note", "9", "Working group met on 2017-09-05; see "
             "https://mfa.gov.by/press/news_mfa/" + "x" * 60)  # fmt: skip
    _open(driver, f"{link}/c/1")
    propose = _form(driver, "/c/1/propose")
    propose.find_element(By.NAME, "evidence").send_keys("Agreement signed on 2017-09-08, No. 41")
    _click(driver, propose.find_element(By.TAG_NAME, "button"))
    assert _text(driver, "p.ok").startswith("Proposal sent")

    _open(driver, f"{site.base}/login")
    _sign_in(driver, "chief")
    assert _text(driver, "h1").startswith("Board")

    _shoot(driver, f"{site.base}/", "board")
    _shoot(driver, f"{site.base}/c/1", "commitment")  # a proposal to confirm, an overdue one
    _shoot(driver, f"{site.base}/c/9", "commitment-long-note")
    driver.delete_all_cookies()
    _shoot(driver, link, "owner-link")
    _shoot(driver, f"{link}/c/9", "owner-link-commitment")

    for name in ("board", "commitment"):
        for width in (1280, 390):
            assert (SHOTS / f"{name}-{width}.png").is_file()


# --- what else a browser shows -----------------------------------------------------------------


def test_a_viewer_reads_but_gets_no_forms_to_change_anything(site: Site, driver: WebDriver) -> None:
    link = site.cli("owner", "link", "foreign affairs").strip()
    _open(driver, f"{link}/c/1")
    propose = _form(driver, "/c/1/propose")
    propose.find_element(By.NAME, "evidence").send_keys("Agreement signed")
    _click(driver, propose.find_element(By.TAG_NAME, "button"))
    driver.delete_all_cookies()

    # A wrong password is refused, and says so; the name typed stays in the form.
    _open(driver, f"{site.base}/c/1")
    _sign_in(driver, "analyst", "not-the-password")
    assert _text(driver, "p.error") == "Wrong name or password."
    assert driver.find_element(By.NAME, "name").get_attribute("value") == "analyst"
    assert driver.find_element(By.NAME, "next").get_attribute("value") == "/c/1"
    driver.find_element(By.NAME, "name").clear()

    # The right one leads back to the commitment asked for.
    _sign_in(driver, "analyst", VIEWER_PASSWORD)
    assert driver.current_url == f"{site.base}/c/1"
    assert "analyst (viewer)" in _text(driver, "header.top")
    assert "Proposed for closing" in _text(driver, "section.proposal")
    assert not driver.find_elements(By.XPATH, "//button[.='Confirm and close']")
    assert not driver.find_elements(By.XPATH, "//button[.='Decline']")
    assert not driver.find_elements(By.CSS_SELECTOR, "textarea")
    posting = [
        f.get_attribute("action")
        for f in driver.find_elements(By.CSS_SELECTOR, "form[method=post]")
    ]
    assert posting == [f"{site.base}/logout"]  # signing out is all a viewer can send

    _open(driver, f"{site.base}/")
    assert "Waiting for a coordinator's confirmation" in _text(driver, "section.proposal")

    # Signing out ends the session: the board asks for a sign-in again.
    _click(driver, driver.find_element(By.XPATH, "//button[.='Sign out']"))
    assert driver.current_url.startswith(f"{site.base}/login")
    _open(driver, f"{site.base}/c/1")
    assert "/login" in driver.current_url


def test_an_owner_link_shows_only_that_owners_commitments(site: Site, driver: WebDriver) -> None:
    link = site.cli("owner", "link", "foreign affairs").strip()
    # #4 is the Security Council's: through MFA's link it is "not found", like one that never was.
    for missing in (4, 999):
        _open(driver, f"{link}/c/{missing}")
        assert _text(driver, "h1") == "Not found"
        assert f"no commitment #{missing} among yours" in _text(driver, "p.error")
        assert "Security" not in _body(driver)

    # A changed link is refused outright.
    _open(driver, link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert _text(driver, "h1") == "Not allowed"
    assert "This link is not valid" in _text(driver, "p.error")

    # Blocked needs a reason: the page says what is missing and nothing changes.
    _open(driver, f"{link}/c/9")
    status = _form(driver, "/c/9/status")
    Select(status.find_element(By.NAME, "status")).select_by_value("blocked")
    _click(driver, status.find_element(By.TAG_NAME, "button"))
    assert "reason" in _text(driver, "p.error").lower()
    assert _text(driver, "p.badges .badge") == "open"
    assert [h["What"].split()[0] for h in _history(driver)] == ["created"]

    # Revoked links stop working at once.
    site.cli("owner", "revoke-links", "foreign affairs")
    _open(driver, link)
    assert _text(driver, "h1") == "Not allowed"


def test_a_declined_proposal_tells_the_owner_why(site: Site, driver: WebDriver) -> None:
    link = site.cli("owner", "link", "foreign affairs").strip()
    _open(driver, f"{link}/c/9")
    propose = _form(driver, "/c/9/propose")
    propose.find_element(By.NAME, "evidence").send_keys("Talks held")
    _click(driver, propose.find_element(By.TAG_NAME, "button"))
    assert "Waiting for the coordinator's confirmation." in _text(driver, "section.proposal")

    driver.delete_all_cookies()
    _open(driver, f"{site.base}/c/9")
    _sign_in(driver, "chief")
    assert driver.current_url == f"{site.base}/c/9"
    decline = _form(driver, "/c/9/decline")
    decline.find_element(By.NAME, "reason").send_keys("Attach the minutes of the talks.")
    _click(driver, decline.find_element(By.TAG_NAME, "button"))
    assert driver.current_url == f"{site.base}/c/9?done=declined"
    assert _text(driver, "p.ok") == "Proposal declined; the owner sees why."
    assert not driver.find_elements(By.CSS_SELECTOR, "section.proposal")
    assert _text(driver, "p.badges .badge") == "open"
    newest = _history(driver)[0]
    assert (newest["Who"], newest["Via"]) == ("chief", "web")
    assert newest["What"].startswith("declined")

    # The owner sees the reason on their page, and may propose again.
    driver.delete_all_cookies()
    _open(driver, f"{link}/c/9")
    assert not driver.find_elements(By.CSS_SELECTOR, "section.proposal")
    newest = _history(driver)[0]
    assert newest["What"].startswith("declined")
    assert "Attach the minutes of the talks." in newest["What"]
    assert _form(driver, "/c/9/propose")


def test_signing_in_never_leads_off_the_site(site: Site, driver: WebDriver) -> None:
    # A sign-in link with someone else's address as `next` still lands on this site.
    for elsewhere in (
        "//example.org/x",
        "/\\example.org",
        "https://example.org/",
        "/\t/example.org",
    ):
        driver.delete_all_cookies()
        _open(driver, f"{site.base}/login?{urlencode({'next': elsewhere})}")
        _sign_in(driver, "chief")
        assert driver.current_url.startswith(f"{site.base}/"), (elsewhere, driver.current_url)
        assert "example.org" not in driver.current_url.split("/", 3)[2]


def test_the_board_filters_and_shows_markup_in_a_title_as_text(
    site: Site, driver: WebDriver
) -> None:
    hostile = '<img src=x onerror="document.title=1"> <b>Visa</b> & "more"'
    site.cli("add", hostile, "--owner", "foreign affairs", "--due", "2017-12-01")
    _open(driver, f"{site.base}/")
    _sign_in(driver, "chief")
    assert "10 commitments" in _body(driver)

    # Filter by owner, then overdue only, as a person does: pick, tick, Show.
    Select(driver.find_element(By.NAME, "owner")).select_by_visible_text(MFA)
    _click(driver, driver.find_element(By.XPATH, "//form[@class='filters']//button[.='Show']"))
    assert sorted(_board_ids(driver)) == ["#1", "#10", "#9"]
    assert "owner=Ministry+of+Foreign+Affairs" in driver.current_url
    assert Select(driver.find_element(By.NAME, "owner")).first_selected_option.text == MFA
    driver.find_element(By.NAME, "overdue").click()
    _click(driver, driver.find_element(By.XPATH, "//form[@class='filters']//button[.='Show']"))
    assert _board_ids(driver) == ["#1"]
    assert driver.find_element(By.NAME, "overdue").is_selected()
    _click(driver, driver.find_element(By.LINK_TEXT, "Reset"))
    assert "10 commitments" in _body(driver)

    # The title is text everywhere it shows: on the board, in the heading and the window title.
    assert hostile in driver.find_element(By.CSS_SELECTOR, "table.rows").text
    _click(driver, driver.find_element(By.LINK_TEXT, "#10"))
    assert _text(driver, "h1") == f"#10 {hostile}"
    assert driver.title == f"#10 {hostile} — tracker"
    assert not driver.find_elements(By.CSS_SELECTOR, "main img, main h1 b")


def test_an_unknown_address_gets_the_sites_own_not_found_page(
    site: Site, driver: WebDriver
) -> None:
    _open(driver, f"{site.base}/no-such-page")
    assert _text(driver, "h1") == "Not found"
