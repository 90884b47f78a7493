"""The 集計 sheet drawn with openpyxl: in the file sent upward (the figures `stats/` computed,
tables and charts, no pivot tables), and once into the template (fixed-size tables the report
fills through the Engine, charts and pivot tables over them), with the サポーター別 pivot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.grid import BELOW_HEADER
from ..core.schema import (
    ACTIVITY,
    REG_STATES,
    REGISTER,
    STATS_SHEET,
    SUM_KINDS,
    SUM_MONTHS,
    SUM_OVERVIEW,
    SUMMARY_KINDS,
    SUMMARY_TABLES,
    SUPPORTER_YEARS,
    TableSpec,
)
from . import xlsxout
from .fileformat import KIND_STATS
from .pivots import PivotSpec, add_pivot
from .reportsheet import (
    Row,
    Section,
    draw_sections,
    format_numbers,
    heading,
    kinds_chart,
    months_chart,
    write_header,
)
from .xlsxout import HEADER_FONT, NORMAL_FONT, add_table, print_landscape


@dataclass(frozen=True, slots=True)
class StatsDrawing:
    """What one 集計 sheet of a 年度 file shows, computed by stats/sheet.py."""

    title: str
    lines: Sequence[str]  # under the title: the period, the suppression
    overview: Section
    kinds: Section  # one row per 活動種別, then the total
    months: Section  # one row per month, then the total
    n_kinds: int
    n_months: int
    kinds_series_col: int  # the months table's first 活動種別 column (the stacked series)
    kinds_chart: str  # the charts' titles
    months_chart: str


def draw_stats_sheet(wb: Workbook, d: StatsDrawing, *, index: int | None = None) -> Worksheet:
    """Draw the 集計 sheet (replacing an old one in the same place)."""
    if STATS_SHEET in wb.sheetnames:
        index = wb.sheetnames.index(STATS_SHEET)
        wb.remove(wb[STATS_SHEET])
    ws: Worksheet = wb.create_sheet(STATS_SHEET, index)
    ws.sheet_properties.tabColor = "00B050"
    print_landscape(ws)
    row = write_header(ws, d.title, d.lines)
    (top, kinds_top, months_top), _row = draw_sections(ws, row, [d.overview, d.kinds, d.months])
    kinds_chart(ws, kinds_top, d.n_kinds, d.kinds_chart, anchor_row=top)
    months_chart(
        ws,
        months_top,
        d.n_months,
        first_col=d.kinds_series_col,
        n_series=d.n_kinds,
        title=d.months_chart,
        anchor_row=top + 18,
    )
    return ws


def build_stats_file(
    title: str,
    created: dt.date,
    d: StatsDrawing,
    data: TableSpec,
    rows: Sequence[Sequence[object]],
    manifest: Sequence[tuple[str, object]],
) -> Workbook:
    """The 年度 file sent upward: its 集計 sheet, the data table the prefecture sums, and the
    manifest."""
    wb = xlsxout.new_workbook(KIND_STATS, title, created)
    draw_stats_sheet(wb, d, index=0)
    ws = wb.create_sheet(data.sheet)
    xlsxout.add_table(ws, data.table, data.columns, rows)
    ws.freeze_panes = BELOW_HEADER
    xlsxout.add_manifest(wb, manifest)
    wb.active = 0
    return wb


# -- the workbook's own 集計 sheet, built once into the template ---------------------------


@dataclass(frozen=True, slots=True)
class SummaryDrawing:
    """The template's 集計 sheet as stats/summary.py lays it out."""

    title: str
    note: str
    places: Mapping[str, tuple[int, int]]  # table key -> (header row, left column)
    rows: Mapping[str, Sequence[Row]]  # table key -> its placeholder rows
    titles: Mapping[str, str]  # table key -> the heading above it
    chart_row: int
    pivot_row: int


def add_summary_sheet(wb: Workbook, index: int, d: SummaryDrawing) -> Worksheet:
    """The 集計 sheet of the template: fixed-size tables, two charts, two pivot tables."""
    ws: Worksheet = wb.create_sheet(STATS_SHEET, index)
    ws.sheet_properties.tabColor = "00B050"
    print_landscape(ws)
    write_header(ws, d.title, [d.note])
    for spec in SUMMARY_TABLES:
        top, left = d.places[spec.key]
        ws.cell(row=top - 1, column=left, value=d.titles[spec.key]).font = Font(
            name=NORMAL_FONT, size=12, bold=True
        )
        add_table(ws, spec.table, spec.columns, d.rows[spec.key], top=top, left=left)
        if spec is not SUM_OVERVIEW:  # its 値 holds counts and hours: General shows both
            format_numbers(ws, top, len(d.rows[spec.key]), spec.columns, left=left)
    kinds_top, kinds_left = d.places[SUM_KINDS.key]
    months_top, months_left = d.places[SUM_MONTHS.key]
    kinds_chart(
        ws,
        kinds_top,
        len(SUMMARY_KINDS),
        "活動種別の活動回数",
        anchor_row=d.chart_row,
        col=kinds_left + 1,
        left=kinds_left,
        anchor_col=1,
    )
    months_chart(
        ws,
        months_top,
        12,
        first_col=months_left + SUM_MONTHS.column_number("kind1") - 1,
        n_series=len(SUMMARY_KINDS),
        title="月別の活動回数（活動種別ごと）",
        anchor_row=d.chart_row,
        left=months_left,
        anchor_col=d.places[SUM_KINDS.key][1],
    )
    add_report_pivots(wb, ws, d.pivot_row)
    return ws


def add_report_pivots(wb: Workbook, ws: Worksheet, top: int) -> None:
    """Two pivot tables side by side (so that neither grows into the other when refreshed):
    activities by 種別 x 月 over 活動集計, and the register by 状態."""
    heading(
        ws,
        top,
        "ピボットテーブル（ファイルを開いたとき・年度集計のあとに最新の表から作り直されます。"
        "項目は自由に組み替えられます）",
    )
    ws.cell(
        row=top + 1, column=1, value="活動集計シートの活動回数（活動種別 × 年月）"
    ).font = HEADER_FONT
    add_pivot(
        wb,
        ws,
        top + 2,
        1,
        PivotSpec(
            name="活動回数ピボット",
            source=ACTIVITY.table,
            headers=list(ACTIVITY.headers),
            rows=ACTIVITY.col("kind").header,
            cols=ACTIVITY.col("month").header,
            data=ACTIVITY.col("date").header,
            function="count",
            caption="活動回数",
            items={ACTIVITY.col("kind").header: list(SUMMARY_KINDS)},
        ),
    )
    # Right of the widest the first can grow to: 種別, 12 months and the total.
    left = 1 + 1 + 12 + 1 + 2
    ws.cell(row=top + 1, column=left, value="登録名簿の状態別の人数（現在）").font = HEADER_FONT
    add_pivot(
        wb,
        ws,
        top + 2,
        left,
        PivotSpec(
            name="登録状態ピボット",
            source=REGISTER.table,
            headers=list(REGISTER.headers),
            rows=REGISTER.col("state").header,
            data=REGISTER.col("reg_no").header,
            function="count",
            caption="登録者数",
            items={REGISTER.col("state").header: list(REG_STATES)},
        ),
    )


# -- the サポーター別 sheet's pivot table (#13) ---------------------------------------------
SUPPORTER_PIVOT = "サポーター別ピボット"


def add_supporter_pivot(wb: Workbook, ws: Worksheet) -> None:
    """A pivot table right of the サポーター別 table (one blank column apart, so that neither
    grows into the other): activities per supporter (rows) and 年度 (columns)."""
    left = len(SUPPORTER_YEARS.columns) + 2
    # No caption cell: row 1 is the table's header row and a sheet's cells are its table's
    # (readers take the sheet's extent); the pivot's own data caption names what it counts.
    add_pivot(
        wb,
        ws,
        3,
        left,
        PivotSpec(
            name=SUPPORTER_PIVOT,
            source=SUPPORTER_YEARS.table,
            headers=list(SUPPORTER_YEARS.headers),
            rows=SUPPORTER_YEARS.col("reg_no").header,
            cols=SUPPORTER_YEARS.col("fy").header,
            data=SUPPORTER_YEARS.col("activities").header,
            function="sum",
            caption="活動回数（登録番号×年度）",
        ),
    )
