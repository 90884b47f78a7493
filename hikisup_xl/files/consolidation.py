"""The prefecture's consolidation workbook drawn with openpyxl: the 集約 sheet's tables, the
charts over a sheet of their own, the 集約データ table streamed into the save, the pivot table
over it, the 受領ファイル table and the manifest. stats/consolidate_book.py computes every
value and row; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.grid import BELOW_HEADER
from ..core.schema import TableSpec
from . import bulkrows, xlsxout
from .fileformat import KIND_CONSOLIDATED
from .pivots import PivotSpec, add_pivot
from .reportsheet import CHART_COLUMN, Row, Section, draw_sections, heading, write_header

CHART_SHEET = "グラフ用"


@dataclass(frozen=True, slots=True)
class ChartBlock:
    """The values one chart draws: a header row, then one row per category (a blank value
    is a gap in the chart, never a 0)."""

    header: Row
    rows: Sequence[Row]


@dataclass(frozen=True, slots=True)
class Consolidated:
    """Everything the consolidation workbook shows, computed by stats/."""

    title: str  # the workbook's title property
    created: dt.date
    sheet: str  # the 集約 sheet
    heading: str  # the sheet's title line
    lines: Sequence[str]
    sections: Sequence[Section]  # 概要, per body, per 活動種別, per month
    chart_note: str
    kinds: ChartBlock  # 活動種別 | 活動回数
    months: ChartBlock  # 月 | one column per 活動種別
    bodies: ChartBlock  # 実施主体 | 活動延べ回数
    chart_titles: tuple[str, str, str]  # kinds, months, bodies
    data_sheet: str
    data: TableSpec
    data_rows: Callable[[], Iterable[Sequence[object]]]  # every row, streamed into the save
    data_count: int
    pivot_heading: str
    pivot: PivotSpec
    received_sheet: str
    received: TableSpec
    received_rows: Sequence[Sequence[object]]
    manifest: Sequence[tuple[str, object]]


def build_consolidation(c: Consolidated) -> tuple[Workbook, list[bulkrows.StreamedTable]]:
    """The workbook, and its data table whose rows are written as the file is saved
    (xlsxout.save_exchange(wb, ..., streamed=...)): ~250,000 rows at national scale."""
    wb = xlsxout.new_workbook(KIND_CONSOLIDATED, c.title, c.created)
    ws = wb.create_sheet(c.sheet)
    ws.sheet_properties.tabColor = "00B050"
    xlsxout.print_landscape(ws)
    row = write_header(ws, c.heading, c.lines)
    (top, *_tops), row = draw_sections(ws, row, c.sections)
    _charts(wb, ws, c, top)

    data = wb.create_sheet(c.data_sheet)
    streamed: list[bulkrows.StreamedTable] = []
    first = next(iter(c.data_rows()), None)
    if first is None:
        xlsxout.add_table(data, c.data.table, c.data.columns, [])
    else:
        streamed.append(
            bulkrows.add_streamed_table(
                data, c.data.table, c.data.columns, c.data_rows, c.data_count, first
            )
        )
    data.freeze_panes = BELOW_HEADER

    heading(ws, row, c.pivot_heading)
    add_pivot(wb, ws, row + 1, 1, c.pivot)

    rec = wb.create_sheet(c.received_sheet)
    xlsxout.add_table(rec, c.received.table, c.received.columns, c.received_rows)
    xlsxout.add_manifest(wb, c.manifest)
    wb.active = 0
    return wb, streamed


def _block(ws: Worksheet, top: int, block: ChartBlock) -> int:
    """Write a chart's values from row `top`; returns the row the next block starts on."""
    for i, values in enumerate([block.header, *block.rows]):
        for j, value in enumerate(values, start=1):
            cell: Any = ws.cell(row=top + i, column=j)
            cell.value = value
    return top + len(block.rows) + 2


def _charts(wb: Workbook, ws: Worksheet, c: Consolidated, top: int) -> None:
    """The three charts, drawn from a sheet of their own where an incomplete total is blank.

    A text cell would be drawn as 0 by Excel; a blank is a gap: a total with a suppressed
    contribution is left out of the chart rather than drawn too small.
    """
    data = wb.create_sheet(CHART_SHEET)
    data.cell(row=1, column=1, value=c.chart_note)
    kinds_top = 3
    months_top = _block(data, kinds_top, c.kinds)
    bodies_top = _block(data, months_top, c.months)
    _block(data, bodies_top, c.bodies)
    data.column_dimensions["A"].width = 20
    n_kinds, n_months, n_bodies = len(c.kinds.rows), len(c.months.rows), len(c.bodies.rows)
    kinds_title, months_title, bodies_title = c.chart_titles

    kinds = _bar("bar", kinds_title, "活動種別", 8, 16)
    kinds.legend = None
    kinds.add_data(
        Reference(data, min_col=2, min_row=kinds_top, max_row=kinds_top + n_kinds),
        titles_from_data=True,
    )
    kinds.set_categories(
        Reference(data, min_col=1, min_row=kinds_top + 1, max_row=kinds_top + n_kinds)
    )
    ws.add_chart(kinds, ws.cell(row=top, column=CHART_COLUMN).coordinate)

    months = _bar("col", months_title, "月", 9, 20)
    months.grouping = "stacked"
    months.overlap = 100
    months.add_data(
        Reference(
            data,
            min_col=2,
            max_col=len(c.months.header),
            min_row=months_top,
            max_row=months_top + n_months,
        ),
        titles_from_data=True,
    )
    months.set_categories(
        Reference(data, min_col=1, min_row=months_top + 1, max_row=months_top + n_months)
    )
    ws.add_chart(months, ws.cell(row=top + 18, column=CHART_COLUMN).coordinate)

    bodies = _bar("col", bodies_title, None, 8, 20)
    bodies.legend = None
    bodies.add_data(
        Reference(data, min_col=2, min_row=bodies_top, max_row=bodies_top + n_bodies),
        titles_from_data=True,
    )
    bodies.set_categories(
        Reference(data, min_col=1, min_row=bodies_top + 1, max_row=bodies_top + n_bodies)
    )
    ws.add_chart(bodies, ws.cell(row=top + 38, column=CHART_COLUMN).coordinate)


def _bar(direction: str, title: str, categories: str | None, height: int, width: int) -> BarChart:
    chart = BarChart()
    chart.type = direction
    chart.title = title
    chart.y_axis.title = "回数"
    if categories:
        chart.x_axis.title = categories
    chart.display_blanks = "gap"  # a blank (a total with a suppressed part) is not drawn as 0
    chart.height, chart.width = height, width
    return chart
