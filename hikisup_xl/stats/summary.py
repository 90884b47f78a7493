"""The workbook's 集計 sheet as data: where the template puts its tables, and the rows a 年度's
statistics give them. No openpyxl here: report writes these rows through the Engine, in a file
or in live Excel, and the template builder (stats/sheet.py) lays the sheet out from the same
sizes.
"""

from __future__ import annotations

from ..core.schema import (
    SUM_INFO,
    SUM_INFO_ITEMS,
    SUM_KINDS,
    SUM_MONTHS,
    SUM_OVERVIEW,
    SUMMARY_KINDS,
    SUMMARY_TABLES,
    TOTAL_LABEL,
)
from ..core.wareki import to_wareki
from ..engine.safety import TRAILING_SCAN
from .compute import KIND_ITEMS, KINDS, MONTHS, SUMMARY, SUMMARY_ITEMS, FyStats, Key, month_label

TEMPLATE_TITLE = "ひきこもりサポーター養成・派遣事業 年度集計"
TEMPLATE_NOTE = (
    "「年度集計」（hikisup report）を実行すると、下の表が作り直され、"
    "グラフとピボットテーブルが最新の表に合わせて更新されます。"
)
SECTION_TITLES = {
    "sum_info": "集計の条件",
    "sum_overview": "概要",
    "sum_kinds": "活動種別ごとの活動",
    "sum_months": "月別",
}
HEADER_ROW = 5  # every 集計 table's header row; its heading is the row above


def summary_sizes() -> dict[str, int]:
    """The fixed number of data rows of each 集計 table (report always writes that many)."""
    return {
        SUM_INFO.key: len(SUM_INFO_ITEMS),
        SUM_OVERVIEW.key: len(SUMMARY_ITEMS),
        SUM_KINDS.key: len(SUMMARY_KINDS) + 1,  # and the 合計 row
        SUM_MONTHS.key: 12 + 1,
    }


def summary_layout() -> dict[str, tuple[int, int]]:
    """(header row, first column) of each 集計 table. The tables stand side by side, one
    blank column apart, with nothing below them for more than TRAILING_SCAN rows: every
    engine reads rows typed just below a table as the table's own, so a table above another
    (or above a pivot table) would take the next one's cells for its rows."""
    out: dict[str, tuple[int, int]] = {}
    left = 1
    for spec in SUMMARY_TABLES:
        out[spec.key] = (HEADER_ROW, left)
        left += len(spec.columns) + 1
    return out


def last_table_row() -> int:
    return HEADER_ROW + max(summary_sizes().values())


def chart_row() -> int:
    """Where the charts stand: under the tables (drawings hold no cells)."""
    return last_table_row() + 3


def pivot_row() -> int:
    """The pivot tables' heading row: far enough below the tables that no engine reads a
    refreshed pivot table's cells as rows typed below a table."""
    return last_table_row() + TRAILING_SCAN + 5


# SUM_KINDS' columns (by key) for each item of KIND_ITEMS, in its order.
KIND_COLUMNS = {
    "活動回数": "count",
    "派遣実件数": "dispatches",
    "当事者実人数": "cases",
    "活動時間": "hours",
}


def kind_column(i: int) -> str:
    """SUM_MONTHS' column (key) of the i-th 活動種別 of SUMMARY_KINDS (0-based)."""
    return f"kind{i + 1}"


def placeholder_rows() -> dict[str, list[tuple[object, ...]]]:
    """What the template's tables hold before the first report: the labels, no figures."""
    months = [f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)] + [TOTAL_LABEL]
    return {
        SUM_INFO.key: [SUM_INFO.row(item=item) for item in SUM_INFO_ITEMS],
        SUM_OVERVIEW.key: [
            SUM_OVERVIEW.row(item=item, unit=unit, note=note) for item, unit, note in SUMMARY_ITEMS
        ],
        SUM_KINDS.key: [SUM_KINDS.row(kind=k) for k in (*SUMMARY_KINDS, TOTAL_LABEL)],
        SUM_MONTHS.key: [SUM_MONTHS.row(month=m) for m in months],
    }


Rows = list[tuple[object, ...]]


def summary_rows(stats: FyStats, body: str) -> dict[str, Rows]:
    """Each 集計 table's rows (by table key), exactly summary_sizes() of them."""
    figures: dict[Key, float | int | None] = {f.key: f.value for f in stats.figures}

    def value(section: str, item: str, month: str = "", kind: str = "") -> float | int:
        # A kind the 年度 did not meet (種別不明 without such a report) is zero, not blank.
        found = figures.get((section, item, month, kind))
        return 0 if found is None else found

    period = f"{to_wareki(stats.start)}〜{to_wareki(stats.end)}"
    info: Rows = [
        SUM_INFO.row(item="実施主体", value=body),
        SUM_INFO.row(item="年度", value=stats.label),
        SUM_INFO.row(item="集計期間", value=period),
        SUM_INFO.row(item="基準日", value=to_wareki(stats.as_of)),
        SUM_INFO.row(item="注記", value="年度途中の集計です" if stats.as_of < stats.end else ""),
    ]
    overview: Rows = [
        SUM_OVERVIEW.row(item=item, value=value(SUMMARY, item), unit=unit, note=note)
        for item, unit, note in SUMMARY_ITEMS
    ]
    kinds: Rows = [
        SUM_KINDS.row(
            kind=k, **{KIND_COLUMNS[item]: value(KINDS, item, "", k) for item, _unit in KIND_ITEMS}
        )
        for k in SUMMARY_KINDS
    ]
    kinds.append(
        SUM_KINDS.row(
            kind=TOTAL_LABEL,
            count=value(SUMMARY, "活動延べ回数"),
            dispatches=value(SUMMARY, "派遣実件数"),
            cases=value(SUMMARY, "支援した当事者の実人数"),
            hours=value(SUMMARY, "活動時間"),
        )
    )
    months: Rows = [
        SUM_MONTHS.row(
            month=month_label(m),
            requested=value(MONTHS, "派遣依頼件数", m),
            decided=value(MONTHS, "派遣決定件数", m),
            **{
                kind_column(i): value(MONTHS, "活動回数", m, k) for i, k in enumerate(SUMMARY_KINDS)
            },
            count=value(MONTHS, "活動回数", m),
            hours=value(MONTHS, "活動時間", m),
        )
        for m in stats.months
    ]
    months.append(
        SUM_MONTHS.row(
            month=TOTAL_LABEL,
            requested=value(SUMMARY, "派遣依頼件数"),
            decided=value(SUMMARY, "派遣決定件数"),
            **{
                kind_column(i): value(KINDS, "活動回数", "", k) for i, k in enumerate(SUMMARY_KINDS)
            },
            count=value(SUMMARY, "活動延べ回数"),
            hours=value(SUMMARY, "活動時間"),
        )
    )
    out = {
        SUM_INFO.key: info,
        SUM_OVERVIEW.key: overview,
        SUM_KINDS.key: kinds,
        SUM_MONTHS.key: months,
    }
    assert {k: len(v) for k, v in out.items()} == summary_sizes()  # the layout is fixed
    return out
