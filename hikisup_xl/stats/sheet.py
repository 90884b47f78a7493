"""The 集計 sheet: summary, 活動種別 and month tables, native charts, and pivot tables.

The same drawing serves the workbook's own 集計 (with pivot tables over its tables) and the
file sent upward (suppressed figures, no pivot tables, nothing but counts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

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
    Column,
    Kind,
    TableSpec,
)
from ..core.wareki import to_wareki
from ..files.xlsxout import HEADER_FONT, NORMAL_FONT, TITLE_FONT, add_table, print_landscape
from .compute import (
    KIND_ITEMS,
    KINDS,
    MONTHS,
    SUMMARY,
    SUMMARY_ITEMS,
    Figure,
    Key,
    month_label,
)
from .pivots import PivotSpec, add_pivot
from .summary import (
    SECTION_TITLES,
    TEMPLATE_NOTE,
    TEMPLATE_TITLE,
    chart_row,
    pivot_row,
    placeholder_rows,
    summary_layout,
)
from .suppress import SUPPRESSED_TEXT

COUNT_FORMAT = "#,##0"
HOURS_FORMAT = "#,##0.0"
CHART_COLUMN = 13  # charts stand right of the widest table (column M)


@dataclass(slots=True)
class View:
    """What one 集計 sheet shows."""

    body: str
    label: str  # 令和7年度
    start: dt.date
    end: dt.date
    as_of: dt.date
    months: Sequence[str]
    kinds: Sequence[str]
    figures: Sequence[Figure]
    threshold: int | None = None  # suppression threshold, when applied

    def value(self, key: Key) -> float | int | str | None:
        for f in self.figures:
            if f.key == key:
                return SUPPRESSED_TEXT if f.suppressed else f.value
        return None


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


def period_line(view: View) -> str:
    line = (
        f"集計期間：{to_wareki(view.start)}〜{to_wareki(view.end)}　基準日：{to_wareki(view.as_of)}"
    )
    if view.as_of < view.end:
        line += "（年度途中の集計です）"
    return line


def write_stats_sheet(
    wb: Workbook, view: View, *, index: int | None = None, prefix: str = "tSum"
) -> tuple[Worksheet, int]:
    """Draw the 集計 sheet (replacing an old one); returns it and its first free row."""
    if STATS_SHEET in wb.sheetnames:  # drawn again in the same place
        index = wb.sheetnames.index(STATS_SHEET)
        wb.remove(wb[STATS_SHEET])
    ws: Worksheet = wb.create_sheet(STATS_SHEET, index)
    ws.sheet_properties.tabColor = "00B050"
    print_landscape(ws)
    lines = [period_line(view)]
    if view.threshold and view.threshold > 1:
        lines.append(
            f"個人が特定されないよう、{view.threshold}未満の件数・人数は「{SUPPRESSED_TEXT}」としています"
            "（合計などから逆算できるセルも秘匿しています）。"
        )
    row = write_header(
        ws, f"{view.body}　{view.label} ひきこもりサポーター養成・派遣事業 集計", lines
    )

    # 概要
    heading(ws, row, "概要")
    top = row + 1
    overview = table_spec(
        f"{prefix}Overview",
        STATS_SHEET,
        [text_col("項目", 26), num_col("値"), text_col("単位", 6), text_col("説明", 40)],
    )
    columns = overview.columns
    rows = [
        overview.row(
            **{"項目": item, "値": view.value((SUMMARY, item, "", "")), "単位": unit, "説明": note}
        )
        for item, unit, note in SUMMARY_ITEMS
    ]
    add_table(ws, overview.table, columns, rows, top=top)
    format_numbers(ws, top, len(rows), columns)
    row = top + len(rows) + 2

    # 活動種別
    heading(ws, row, "活動種別ごとの活動")
    kinds_top = row + 1
    kind_header = {
        item: item if unit != "時間" else "活動時間（時間）" for item, unit in KIND_ITEMS
    }
    per_kind = table_spec(
        f"{prefix}Kinds",
        STATS_SHEET,
        [text_col("活動種別", 26), *(num_col(kind_header[item]) for item, _u in KIND_ITEMS)],
    )
    kind_columns = per_kind.columns
    kind_rows: list[tuple[object, ...]] = [
        per_kind.row(
            **{"活動種別": k},
            **{kind_header[item]: view.value((KINDS, item, "", k)) for item, _u in KIND_ITEMS},
        )
        for k in view.kinds
    ]
    kind_rows.append(
        per_kind.row(
            **{
                "活動種別": "合計",
                kind_header["活動回数"]: view.value((SUMMARY, "活動延べ回数", "", "")),
                kind_header["派遣実件数"]: view.value((SUMMARY, "派遣実件数", "", "")),
                kind_header["当事者実人数"]: view.value(
                    (SUMMARY, "支援した当事者の実人数", "", "")
                ),
                kind_header["活動時間"]: view.value((SUMMARY, "活動時間", "", "")),
            }
        )
    )
    add_table(ws, per_kind.table, kind_columns, kind_rows, top=kinds_top)
    format_numbers(ws, kinds_top, len(kind_rows), kind_columns)
    row = kinds_top + len(kind_rows) + 2

    # 月別
    heading(ws, row, "月別")
    months_top = row + 1
    per_month = table_spec(
        f"{prefix}Months",
        STATS_SHEET,
        [
            text_col("月", 26),
            num_col("派遣依頼件数"),
            num_col("派遣決定件数"),
            *(num_col(k) for k in view.kinds),
            num_col("活動回数計"),
            num_col("活動時間（時間）"),
        ],
    )
    month_columns = per_month.columns

    def month_row(label: str, keys: dict[str, Key]) -> tuple[object, ...]:
        return per_month.row(**{"月": label}, **{h: view.value(k) for h, k in keys.items()})

    month_rows: list[tuple[object, ...]] = [
        month_row(
            month_label(m),
            {
                "派遣依頼件数": (MONTHS, "派遣依頼件数", m, ""),
                "派遣決定件数": (MONTHS, "派遣決定件数", m, ""),
                **{k: (MONTHS, "活動回数", m, k) for k in view.kinds},
                "活動回数計": (MONTHS, "活動回数", m, ""),
                "活動時間（時間）": (MONTHS, "活動時間", m, ""),
            },
        )
        for m in view.months
    ]
    month_rows.append(
        month_row(
            "合計",
            {
                "派遣依頼件数": (SUMMARY, "派遣依頼件数", "", ""),
                "派遣決定件数": (SUMMARY, "派遣決定件数", "", ""),
                **{k: (KINDS, "活動回数", "", k) for k in view.kinds},
                "活動回数計": (SUMMARY, "活動延べ回数", "", ""),
                "活動時間（時間）": (SUMMARY, "活動時間", "", ""),
            },
        )
    )
    add_table(ws, per_month.table, month_columns, month_rows, top=months_top)
    format_numbers(ws, months_top, len(month_rows), month_columns)
    row = months_top + len(month_rows) + 2

    kinds_chart(ws, kinds_top, len(view.kinds), f"{view.label} 活動種別の活動回数", anchor_row=top)
    months_chart(
        ws,
        months_top,
        len(view.months),
        first_col=4,
        n_series=len(view.kinds),
        title=f"{view.label} 月別の活動回数（活動種別ごと）",
        anchor_row=top + 18,
    )
    return ws, row


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


# -- the workbook's own 集計 sheet, built once into the template ---------------------------


def add_summary_sheet(wb: Workbook, index: int) -> Worksheet:
    """The 集計 sheet of the template: fixed-size tables, two charts, two pivot tables."""
    ws: Worksheet = wb.create_sheet(STATS_SHEET, index)
    ws.sheet_properties.tabColor = "00B050"
    print_landscape(ws)
    write_header(ws, TEMPLATE_TITLE, [TEMPLATE_NOTE])
    places, rows = summary_layout(), placeholder_rows()
    for spec in SUMMARY_TABLES:
        top, left = places[spec.key]
        ws.cell(row=top - 1, column=left, value=SECTION_TITLES[spec.key]).font = Font(
            name=NORMAL_FONT, size=12, bold=True
        )
        add_table(ws, spec.table, spec.columns, rows[spec.key], top=top, left=left)
        if spec is not SUM_OVERVIEW:  # its 値 holds counts and hours: General shows both
            format_numbers(ws, top, len(rows[spec.key]), spec.columns, left=left)
    kinds_top, kinds_left = places[SUM_KINDS.key]
    months_top, months_left = places[SUM_MONTHS.key]
    kinds_chart(
        ws,
        kinds_top,
        len(SUMMARY_KINDS),
        "活動種別の活動回数",
        anchor_row=chart_row(),
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
        anchor_row=chart_row(),
        left=months_left,
        anchor_col=places[SUM_KINDS.key][1],
    )
    add_report_pivots(wb, ws, pivot_row())
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
