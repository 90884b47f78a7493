"""Layouts written into a real .xlsx: print setup, fonts, heights, widths, merges, rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from forms_helpers import SETTINGS, TODAY
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from hikisup_xl.forms import certificate, report
from hikisup_xl.forms.layout import FONT_NAMES
from hikisup_xl.forms.records import Context, Graduate
from hikisup_xl.forms.render import column_width, render, row_height, unique_title

D = dt.date
CTX = Context(SETTINGS, TODAY, seal_box=True)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    sheets = [
        certificate.sheet(Graduate("001", "山田　太郎", D(2025, 7, 10), None), CTX),
        report.sheet(None, CTX),
    ]
    path = tmp_path / "forms.xlsx"
    render(sheets).save(path)
    return path


def _sheets(path: Path) -> list[Worksheet]:
    return load_workbook(path).worksheets


def test_every_sheet_is_a4_portrait_one_page_wide(book: Path) -> None:
    for ws in _sheets(book):
        setup = ws.page_setup
        assert int(setup.paperSize) == 9  # A4
        assert setup.orientation == "portrait"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # one page wide, as tall as needed: never shrunk below 10.5 pt for height (#11)
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)
        assert ws.print_options.horizontalCentered
        margins = ws.page_margins
        assert margins.left == margins.right == pytest.approx(15 / 25.4)
        assert ws.print_area == f"'{ws.title}'!$A$1:$AJ${ws.max_row}"


def test_every_row_height_and_column_width_is_set(book: Path) -> None:
    for ws in _sheets(book):
        assert ws.max_column == 36
        for r in range(1, ws.max_row + 1):
            assert ws.row_dimensions[r].height, f"{ws.title} row {r}"
            assert ws.row_dimensions[r].customHeight
        for c in range(1, 37):
            letter = ws.cell(row=1, column=c).column_letter
            assert ws.column_dimensions[letter].width == pytest.approx(column_width(5.0))


def test_the_normal_font_is_set_and_certificates_are_in_mincho(book: Path) -> None:
    wb = load_workbook(book)
    assert wb._fonts[0].name == FONT_NAMES["mincho"] == "ＭＳ 明朝"  # type: ignore[attr-defined]
    cert = wb.worksheets[0]
    used = {c.font.name for row in cert.iter_rows() for c in row if c.value}
    assert used == {"ＭＳ 明朝"}


def test_blocks_are_merged_and_boxes_ruled(book: Path) -> None:
    cert, rep = _sheets(book)
    texts = {c.value: c for row in cert.iter_rows() for c in row if c.value}
    title = texts["修了証書"]
    assert any(title.coordinate in rng for rng in cert.merged_cells.ranges)
    seal = texts["印"]
    assert seal.border.left.style == "thin" and seal.border.top.style == "thin"  # --seal-box
    assert cert["A1"].border.top.style == "double"  # the certificate's frame
    label = next(c for row in rep.iter_rows() for c in row if c.value == "活動場所")
    assert label.alignment.horizontal == "distributed"
    left_of_label = rep.cell(row=label.row, column=1)
    assert left_of_label.border.left.style == "thin"


def test_heights_and_widths_convert_from_millimetres() -> None:
    assert row_height(25.4) == 72.0
    # 8 px per digit at 96 dpi: 25.4 mm = 96 px = 12 digits
    assert column_width(25.4) == 12.0


def test_sheet_titles_are_valid_and_unique() -> None:
    used: set[str] = set()
    first = unique_title("登録証_A/B:C", used)
    used.add(first.casefold())
    second = unique_title("登録証_A/B:C", used)
    assert first == "登録証_A_B_C" and second == "登録証_A_B_C(2)"
    assert len(unique_title("長" * 40, set())) == 31
