"""The HTML digest reads on a phone: at 390 px wide nothing scrolls sideways. Checked in headless
Chromium, with screenshots at 390 and 1280 px kept in the test's folder to look at.

Headless Chromium will not make its window narrower than 500 px, so the digest is measured in a
390 px frame of a probe page (never in the e-mail itself, which holds no script): the frame's
document is laid out exactly as a 390 px screen lays it out, and the probe's script writes its
scroll width into the DOM that Chromium prints.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Runner
from test_digest import _digest, week  # noqa: F401  (the fixture of one week of follow-up)

from tracker.digests.render import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it)",
)

PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="f" style="border:0;width:{width}px;height:3000px"
srcdoc="{digest}"></iframe><script>
var f = document.getElementById("f");
f.onload = function () {{
  var d = f.contentDocument.documentElement;
  document.body.setAttribute("data-measured", d.scrollWidth + " " + d.clientWidth);
}};
</script></body></html>"""


def _chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", *args]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _measure(tmp_path: Path, page: Path, width: int) -> tuple[int, int]:
    """(scroll width, client width) of the digest laid out `width` px wide."""
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(PROBE.format(width=width, digest=html.escape(page.read_text(), quote=True)))
    dom = _chromium(tmp_path, "--window-size=1400,1000", "--virtual-time-budget=5000",
                    "--dump-dom", probe.as_uri())  # fmt: skip
    found = re.search(r'data-measured="(\d+) (\d+)"', dom)
    assert found, dom[-500:]
    return int(found.group(1)), int(found.group(2))


def test_the_html_digest_fits_a_phone_without_sideways_scrolling(
    week: Runner,  # noqa: F811
    db_url: str,
    tmp_path: Path,
) -> None:
    # The longest things a digest holds: a long title, a word that cannot break, a long owner.
    long_title = "Negotiate " + "and ratify " * 12 + "X" * 70
    added = week("add", long_title, "--owner", "Finance", "--due", "2017-09-01", "--area",
                 "intergovernmental-cooperation")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    noted = week("note", "1", "See https://example.org/" + "a" * 90, env={"TRACKER_NOW":
                 "2017-09-09T10:00:00Z"})  # fmt: skip
    assert noted.exit_code == 0, noted.stderr
    page = tmp_path / "digest.html"
    page.write_text(render(_digest(db_url), "html"))

    for width in (390, 1280):
        shot = tmp_path / f"digest-{width}.png"
        _chromium(tmp_path, f"--window-size={width},2600", f"--screenshot={shot}", page.as_uri())
        assert shot.stat().st_size > 10_000  # something was drawn

    scroll, client = _measure(tmp_path, page, 390)
    assert client == 390
    assert scroll <= 390, f"the digest is {scroll} px wide on a 390 px phone"
    scroll, client = _measure(tmp_path, page, 1280)
    assert scroll <= client == 1280
