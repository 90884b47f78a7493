"""Report sheets drawn with openpyxl into a new workbook: titled tables, number formats and
native bar charts. `stats/` computes what they show (the rows, built by column key) and hands
them over as `Section`s; this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..core.schema import Column, Kind, TableSpec
from .fileformat import SUPPRESSED_TEXT
from .xlsxout import NORMAL_FONT, TITLE_FONT, add_table

COUNT_FORMAT = "#,##0"
HOURS_FORMAT = "#,##0.0"
CHART_COLUMN = 13  # charts stand right of the widest table (column M)

Row = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """One titled table of a report sheet: the heading above it, its columns, its rows (each
    built by key, `spec.row(...)`)."""

    title: str
    spec: TableSpec
    rows: Sequence[Row]


def text_col(header: str, width: float = 12) -> Column:
    return Column(header, header, Kind.TEXT, width=width)


def num_col(header: str, width: float = 11) -> Column:
    return Column(header, header, Kind.INT, width=width)


def table_spec(table: str, sheet: str, columns: Sequence[Column]) -> TableSpec:
    """A table laid out by a writer, its columns keyed by header (text_col, num_col): its
    rows are built by header, `spec.row(**{"項目": ...})`, never by position."""
    spec = TableSpec(table, sheet, table, tuple(columns))
    assert len({c.key for c in spec.columns}) == len(spec.columns), spec.headers
    return spec


def heading(ws: Worksheet, row: int, text: str) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=NORMAL_FONT, size=12, bold=True)


def format_numbers(
    ws: Worksheet, top: int, n_rows: int, columns: Sequence[Column], *, left: int = 1
) -> None:
    for j, col in enumerate(columns, start=left):
        if col.kind is not Kind.INT:
            continue
        fmt = HOURS_FORMAT if "時間" in col.header else COUNT_FORMAT
        for r in range(top + 1, top + 1 + n_rows):
            cell: Any = ws.cell(row=r, column=j)
            cell.number_format = fmt
            if cell.value == SUPPRESSED_TEXT:
                cell.alignment = Alignment(horizontal="right")


def write_header(ws: Worksheet, title: str, lines: Sequence[str]) -> int:
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    for i, line in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=line).font = Font(name=NORMAL_FONT, size=10)
    return 2 + len(lines) + 1


def draw_sections(ws: Worksheet, row: int, sections: Sequence[Section]) -> tuple[list[int], int]:
    """Each section from `row` down, one blank row apart: its heading, then its table with
    the number formats. Returns each table's header row and the first free row after them."""
    tops = []
    for section in sections:
        heading(ws, row, section.title)
        top = row + 1
        add_table(ws, section.spec.table, section.spec.columns, section.rows, top=top)
        format_numbers(ws, top, len(section.rows), section.spec.columns)
        tops.append(top)
        row = top + len(section.rows) + 2
    return tops, row


def kinds_chart(
    ws: Worksheet,
    top: int,
    n: int,
    title: str,
    *,
    anchor_row: int,
    col: int = 2,
    left: int = 1,
    anchor_col: int = CHART_COLUMN,
) -> None:
    """活動回数 per 活動種別: horizontal bars over the `n` rows below the header at `top`."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.y_axis.title = "回数"
    chart.x_axis.title = "活動種別"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=col, min_row=top, max_row=top + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=left, min_row=top + 1, max_row=top + n))
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, ws.cell(row=anchor_row, column=anchor_col).coordinate)


def months_chart(
    ws: Worksheet,
    top: int,
    n: int,
    *,
    first_col: int,
    n_series: int,
    title: str,
    anchor_row: int,
    left: int = 1,
    anchor_col: int = CHART_COLUMN,
) -> None:
    """活動回数 per month, stacked by 活動種別 (the `n_series` columns from `first_col`)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    chart.y_axis.title = "回数"
    chart.x_axis.title = "月"
    chart.add_data(
        Reference(
            ws, min_col=first_col, max_col=first_col + n_series - 1, min_row=top, max_row=top + n
        ),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=left, min_row=top + 1, max_row=top + n))
    chart.height, chart.width = 9, 20
    ws.add_chart(chart, ws.cell(row=anchor_row, column=anchor_col).coordinate)
