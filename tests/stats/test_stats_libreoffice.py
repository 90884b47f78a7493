"""LibreOffice opens the report, the upward file and the consolidation, and draws the charts and
pivot tables: the PDF it prints holds the totals (one LibreOffice run for the whole module)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from stats_helpers import consolidate, municipality, report

SIZES = {"甲市": 40, "乙町": 25, "丙村": 10}
GRAND = re.compile(r"^\s*(?:Total Result|総計|合計)\b.*?(\d+)\s*$")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required on CI but is not on PATH")
        pytest.skip(
            f"{name} is not installed; install LibreOffice and poppler-utils to run this check"
        )
    return path


def _grand_totals(text: str) -> list[int]:
    return [int(m.group(1)) for line in text.splitlines() if (m := GRAND.match(line))]


def test_libreoffice_renders_charts_and_pivots(tmp_path: Path) -> None:
    soffice = _tool("soffice")
    pdftotext = _tool("pdftotext")
    work, box = tmp_path / "work", tmp_path / "box"
    work.mkdir()
    box.mkdir()
    for body, n in SIZES.items():
        book = municipality(work / f"{body}.xlsx", body, n)
        assert report(book, "--out", box / f"{body}_提出.xlsx").exit_code == 0
    consolidated = tmp_path / "集約.xlsx"
    assert consolidate(box, consolidated, "--body-name", "架空県").exit_code == 0
    files = [work / "甲市.xlsx", box / "丙村_提出.xlsx", consolidated]
    out = tmp_path / "pdf"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr

    def text(name: str) -> str:
        pdf = out / f"{Path(name).stem}.pdf"
        assert pdf.exists(), (name, proc.stdout, proc.stderr)
        return subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout

    book = text("甲市.xlsx")
    # the workbook's pivot over 活動集計 was refreshed on open: its grand total is the count
    assert 40 in _grand_totals(book), _grand_totals(book)
    flat = book.replace(" ", "")
    assert "活動種別の活動回数" in flat  # the template chart's title
    assert "年度令和7年度" in flat  # the 集計 sheet's conditions table, written by report
    assert "活動回数ピボット" not in book  # names are not printed; the data is

    upward = text("丙村_提出.xlsx")  # counts only, small ones kept back
    assert re.search(r"活動延べ回数\s+秘匿", upward)  # too sparse to publish (#11)
    assert "秘匿" in upward and "具体的な様子" not in upward

    cons = text("集約.xlsx")
    # the pivot adds what was sent; 丙村 kept its total back (the tables say 秘匿を含む)
    assert SIZES["甲市"] + SIZES["乙町"] in _grand_totals(cons), _grand_totals(cons)
    assert "秘匿を含む（判明分" in cons
    assert "実施主体別の活動延べ回数" in cons.replace(" ", "")
    for body in SIZES:
        assert body in cons
