"""What the 集計 sheet shows: the summary, 活動種別 and month tables of a 年度 file (the rows,
by column key) and the template's layout of the workbook's own 集計 sheet. The drawing is
the files layer's (files/statsheet.py); nothing here touches a workbook's cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.schema import STATS_SHEET
from ..core.wareki import to_wareki
from ..files.reportsheet import Row, Section, num_col, table_spec, text_col
from ..files.statsheet import StatsDrawing, SummaryDrawing
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


def period_line(view: View) -> str:
    line = (
        f"集計期間：{to_wareki(view.start)}〜{to_wareki(view.end)}　基準日：{to_wareki(view.as_of)}"
    )
    if view.as_of < view.end:
        line += "（年度途中の集計です）"
    return line


def stats_drawing(view: View, prefix: str = "tSum") -> StatsDrawing:
    """The 集計 sheet of a 年度 file: its title, notes, and the three tables' rows."""
    lines = [period_line(view)]
    if view.threshold and view.threshold > 1:
        lines.append(
            f"個人が特定されないよう、{view.threshold}未満の件数・人数は「{SUPPRESSED_TEXT}」としています"
            "（合計などから逆算できるセルも秘匿しています）。"
        )

    # 概要
    overview = table_spec(
        f"{prefix}Overview",
        STATS_SHEET,
        [text_col("項目", 26), num_col("値"), text_col("単位", 6), text_col("説明", 40)],
    )
    rows = [
        overview.row(
            **{"項目": item, "値": view.value((SUMMARY, item, "", "")), "単位": unit, "説明": note}
        )
        for item, unit, note in SUMMARY_ITEMS
    ]

    # 活動種別
    kind_header = {
        item: item if unit != "時間" else "活動時間（時間）" for item, unit in KIND_ITEMS
    }
    per_kind = table_spec(
        f"{prefix}Kinds",
        STATS_SHEET,
        [text_col("活動種別", 26), *(num_col(kind_header[item]) for item, _u in KIND_ITEMS)],
    )
    kind_rows: list[Row] = [
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

    # 月別
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

    def month_row(label: str, keys: dict[str, Key]) -> Row:
        return per_month.row(**{"月": label}, **{h: view.value(k) for h, k in keys.items()})

    month_rows: list[Row] = [
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
    return StatsDrawing(
        title=f"{view.body}　{view.label} ひきこもりサポーター養成・派遣事業 集計",
        lines=lines,
        overview=Section("概要", overview, rows),
        kinds=Section("活動種別ごとの活動", per_kind, kind_rows),
        months=Section("月別", per_month, month_rows),
        n_kinds=len(view.kinds),
        n_months=len(view.months),
        kinds_series_col=per_month.column_number("派遣決定件数") + 1,
        kinds_chart=f"{view.label} 活動種別の活動回数",
        months_chart=f"{view.label} 月別の活動回数（活動種別ごと）",
    )


def summary_drawing() -> SummaryDrawing:
    """The template's 集計 sheet: where each fixed-size table stands, its placeholder rows,
    and the rows of the charts and pivot tables below them (stats/summary.py)."""
    return SummaryDrawing(
        title=TEMPLATE_TITLE,
        note=TEMPLATE_NOTE,
        places=summary_layout(),
        rows=placeholder_rows(),
        titles=SECTION_TITLES,
        chart_row=chart_row(),
        pivot_row=pivot_row(),
    )
