"""The print copy LibreOffice gets: alike one-page sheets stacked, each page as it was."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

from forms_helpers import SETTINGS, TODAY, make_book, need_pdf_tools
from openpyxl import load_workbook

from hikisup_xl.engine.choose import open_workbook
from hikisup_xl.forms import certificate, report
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.layout import Grid, Sheet
from hikisup_xl.forms.pdf import IPAEX_WIDTH_FACTOR, LibreOfficeConverter, _uses_fonts_conf
from hikisup_xl.forms.records import Context, Graduate
from hikisup_xl.forms.render import render
from hikisup_xl.forms.select import Selection
from hikisup_xl.forms.stacking import print_stacks, stackable

CTX = Context(SETTINGS, TODAY, seal_box=False)


def _cert(n: int) -> Sheet:
    return certificate.sheet(Graduate(f"{n:03d}", f"受講者{n}", dt.date(2025, 7, 10), None), CTX)


def _tall() -> Sheet:
    """A sheet taller than the printable height: fitted to one page by its height."""
    grid = Grid()
    grid.line(140, "長い様式")
    grid.line(140, "続き")
    return grid.sheet("長い様式")


def _narrow() -> Sheet:
    """A sheet with other columns: printed at another width scale."""
    grid = Grid(cols=20)
    grid.line(10, "細い様式")
    return grid.sheet("細い様式")


def test_alike_certificates_go_on_one_sheet_with_a_break_after_each() -> None:
    sheets = [_cert(n) for n in range(1, 6)]
    ((joined, breaks),) = print_stacks(sheets)
    rows = len(sheets[0].row_mm)
    assert breaks == (rows, 2 * rows, 3 * rows, 4 * rows)
    assert len(joined.row_mm) == 5 * rows
    assert joined.texts() == [t for s in sheets for t in s.texts()]  # same order, nothing lost
    # The double frame of each certificate page is kept, around that page's rows only.
    frames = [x for x in joined.boxes if x.frame.top == "double"]
    assert [(x.row, x.rows) for x in frames] == [(i * rows, rows) for i in range(5)]
    assert joined.setup.outline is None


def test_a_sheet_fitted_by_its_height_or_unlike_its_neighbours_stays_alone() -> None:
    tall, narrow = _tall(), _narrow()
    assert not stackable(tall) and stackable(_cert(1)) and stackable(narrow)
    sheets = [_cert(1), _cert(2), tall, _cert(3), narrow, _cert(4), report.sheet(None, CTX)]
    stacks = print_stacks(sheets)
    assert [(s.name, len(b)) for s, b in stacks] == [
        ("修了証書_001", 1),
        ("長い様式", 0),
        ("修了証書_003", 0),
        ("細い様式", 0),
        ("修了証書_004", 1),  # the report has the certificate's columns and margins
    ]
    assert stacks[1][0] is tall  # printed exactly as the clerk's sheet


def test_the_print_copy_breaks_pages_and_the_clerks_copy_keeps_a_sheet_each(
    tmp_path: Path,
) -> None:
    book = render([_cert(n) for n in range(1, 4)], title="修了証書（資料3）")
    book.save(tmp_path / "clerk.xlsx")
    book.save_for_print(tmp_path / "print.xlsx")
    clerk = load_workbook(tmp_path / "clerk.xlsx")
    assert clerk.sheetnames == ["修了証書_001", "修了証書_002", "修了証書_003"]
    (ws,) = load_workbook(tmp_path / "print.xlsx").worksheets
    assert [b.id for b in ws.row_breaks.brk] == [14, 28]
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area == f"'{ws.title}'!$A$1:$AJ$42"


def _narrowed_copy(source: Path, target: Path, factor: float) -> None:
    """`source` with every column width divided by `factor`, as the print copy has them."""

    def narrower(match: re.Match[bytes]) -> bytes:
        return b'width="%s"' % repr(round(float(match.group(1)) / factor, 4)).encode()

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'width="([0-9.]+)"', narrower, data)
            zout.writestr(item, data)


def _pixels(pdf: Path, prefix: Path) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(prefix)], check=True)
    return [p.read_bytes() for p in sorted(prefix.parent.glob(prefix.name + "-*.pgm"))]


def test_every_page_of_the_print_copy_is_the_page_of_its_own_sheet(tmp_path: Path) -> None:
    soffice = need_pdf_tools()
    book = make_book(tmp_path)
    out = tmp_path / "修了証書.xlsx"
    converter = LibreOfficeConverter(soffice)
    forms(
        open_workbook(book),
        TODAY,
        "修了証書",
        Selection(),
        out,
        True,
        record=False,
        converter=converter,
    )
    stacked = out.with_suffix(".pdf")  # made from the print copy
    one_by_one = tmp_path / "one_by_one.pdf"
    narrowed = tmp_path / "narrowed.xlsx"  # the clerk's workbook, a sheet per page, as printed
    _narrowed_copy(out, narrowed, IPAEX_WIDTH_FACTOR if _uses_fonts_conf() else 1.0)
    converter.convert([(narrowed, one_by_one)])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pages = _pixels(stacked, tmp_path / "a" / "p")
    assert len(pages) == len(load_workbook(out).sheetnames) >= 2
    assert pages == _pixels(one_by_one, tmp_path / "b" / "p")
