"""Write form layouts into an openpyxl workbook: one worksheet per Sheet, print-ready on A4."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..core.grid import span
from .layout import (
    EXCEL_DIGIT_PX,
    FONT_NAMES,
    MM_PER_PT,
    NORMAL_FACE,
    NORMAL_SIZE,
    Block,
    Edge,
    Frame,
    Sheet,
    Style,
    break_lines,
)

MM_PER_INCH = 25.4
SCREEN_DPI = 96.0
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")

Sides = dict[str, Edge]


def column_width(mm: float) -> float:
    """Excel column width (in Normal-font digits) for `mm` millimetres."""
    return round(mm / MM_PER_INCH * SCREEN_DPI / EXCEL_DIGIT_PX, 4)


def row_height(mm: float) -> float:
    """Excel row height (points) for `mm` millimetres."""
    return round(mm / MM_PER_PT, 2)


def new_workbook() -> Workbook:
    """An empty workbook whose Normal font is set explicitly (column widths follow it)."""
    wb = Workbook()
    normal = Style(face=NORMAL_FACE, size=NORMAL_SIZE)
    wb._fonts[0] = _font(normal)  # type: ignore[attr-defined]
    wb.remove(wb.active)  # type: ignore[arg-type]
    return wb


def render(sheets: Iterable[Sheet], wb: Workbook | None = None) -> Workbook:
    """A workbook with one print-ready worksheet per Sheet (names made valid and unique)."""
    wb = wb or new_workbook()
    used = {name.casefold() for name in wb.sheetnames}
    for sheet in sheets:
        title = unique_title(sheet.name, used)
        used.add(title.casefold())
        write_sheet(wb.create_sheet(title), sheet)
    if wb.worksheets:
        wb.active = 0
    return wb


def unique_title(name: str, used: set[str]) -> str:
    """A valid worksheet name (no []:*?/\\', at most 31 characters) not yet in `used`."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip() or "帳票"
    title = base[:SHEET_NAME_MAX]
    n = 2
    while title.casefold() in used:
        suffix = f"({n})"
        title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return title


def write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    for i, mm in enumerate(sheet.col_mm, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column_width(mm)
    for i, mm in enumerate(sheet.row_mm, start=1):
        ws.row_dimensions[i].height = row_height(mm)
    for block in sheet.blocks:
        _write_block(ws, block, sum(sheet.col_mm[block.col : block.last_col + 1]))
    for (r, c), sides in _borders(sheet).items():
        ws.cell(row=r + 1, column=c + 1).border = _border(tuple(sorted(sides.items())))
    _print_setup(ws, sheet)


def _write_block(ws: Worksheet, block: Block, width_mm: float) -> None:
    cell = ws.cell(row=block.row + 1, column=block.col + 1)
    if block.text:
        style = block.style
        # We break wrapped text ourselves: Excel and LibreOffice know no 禁則.
        lines = break_lines(block.text, width_mm, style.size, style.indent) if style.wrap else ()
        cell.value = "\n".join(lines) if lines else block.text
    cell.font = _font(block.style)
    cell.alignment = _alignment(block.style)
    if block.rows > 1 or block.cols > 1:
        ws.merge_cells(
            start_row=block.row + 1,
            start_column=block.col + 1,
            end_row=block.last_row + 1,
            end_column=block.last_col + 1,
        )


def _borders(sheet: Sheet) -> dict[tuple[int, int], Sides]:
    """The border sides of every grid cell, from the blocks' frames and the page outline."""
    out: dict[tuple[int, int], Sides] = {}

    def add(r: int, c: int, side: str, edge: Edge | None) -> None:
        if edge is not None:
            out.setdefault((r, c), {})[side] = edge

    def frame(top: int, left: int, bottom: int, right: int, f: Frame) -> None:
        for c in range(left, right + 1):
            add(top, c, "top", f.top)
            add(bottom, c, "bottom", f.bottom)
        for r in range(top, bottom + 1):
            add(r, left, "left", f.left)
            add(r, right, "right", f.right)

    for b in sheet.blocks:
        if not b.frame.empty:
            frame(b.row, b.col, b.last_row, b.last_col, b.frame)
    for x in sheet.boxes:
        frame(x.row, x.col, x.row + x.rows - 1, x.col + x.cols - 1, x.frame)
    if sheet.setup.outline is not None:
        last_r, last_c = len(sheet.row_mm) - 1, len(sheet.col_mm) - 1
        frame(0, 0, last_r, last_c, Frame.box(sheet.setup.outline))
    return out


# What Excel itself writes for these fonts: Japanese charset, Roman (明朝) or Modern (ゴシック).
SHIFT_JIS_CHARSET = 128
FONT_FAMILY = {"mincho": 1, "gothic": 3}


@lru_cache(maxsize=256)
def _font(style: Style) -> Font:
    return Font(
        name=FONT_NAMES[style.face],
        size=style.size,
        bold=style.bold,
        underline="single" if style.underline else None,
        charset=SHIFT_JIS_CHARSET,
        family=FONT_FAMILY[style.face],
    )


@lru_cache(maxsize=256)
def _alignment(style: Style) -> Alignment:
    return Alignment(
        horizontal=style.h,
        vertical=style.v,
        wrap_text=style.wrap,
        shrink_to_fit=style.shrink,
        indent=style.indent,
    )


@lru_cache(maxsize=256)
def _border(sides: tuple[tuple[str, Edge], ...]) -> Border:
    edges = dict(sides)

    def side(name: str) -> Side | None:
        edge = edges.get(name)
        return Side(style=edge) if edge is not None else None

    return Border(left=side("left"), right=side("right"), top=side("top"), bottom=side("bottom"))


def _print_setup(ws: Worksheet, sheet: Sheet) -> None:
    setup = sheet.setup
    ws.print_area = span(1, 1, len(sheet.col_mm), len(sheet.row_mm))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    # Never shrink to fit the height: a form made tall by long text goes on to a second
    # page rather than printing its body below 10.5 pt (#11).
    ws.page_setup.fitToHeight = 0
    inch = 1 / MM_PER_INCH
    ws.page_margins = PageMargins(
        left=setup.left * inch,
        right=setup.right * inch,
        top=setup.top * inch,
        bottom=setup.bottom * inch,
        header=0,
        footer=0,
    )
    ws.print_options.horizontalCentered = setup.center_h
    ws.print_options.verticalCentered = setup.center_v
    ws.sheet_view.showGridLines = False
    ws.sheet_view.view = "pageBreakPreview"
    ws.sheet_view.zoomScale = 100
    ws.sheet_view.zoomScaleNormal = 100
    ws.sheet_view.zoomScaleSheetLayoutView = 100
