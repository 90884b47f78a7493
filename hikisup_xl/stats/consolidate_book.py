"""What the consolidation workbook shows: per-municipality and total tables, the values its
charts draw, the pivot table over the data and the manifest. Every value and row is computed
here, by column key; files/consolidation.py draws the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core.schema import Column, TableSpec
from ..core.wareki import fiscal_year_range, to_wareki
from ..files.consolidation import ChartBlock, Consolidated, build_consolidation
from ..files.fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    KIND_CONSOLIDATED,
    M_BODY,
    M_CHECKSUM,
    M_CREATED,
    M_FORMAT,
    M_FY,
    M_FY_LABEL,
    M_KIND,
    M_PERIOD,
    M_ROWS,
    M_VERSION,
)
from ..files.pivots import PivotSpec
from ..files.reportsheet import Row, Section, num_col, table_spec, text_col
from .compute import HOURS, KIND_ITEMS, KINDS, MONTHS, SUMMARY, SUMMARY_ITEMS, month_label
from .consolidate import (
    DATA,
    DATA_SHEET,
    HIDDEN_BODIES,
    INCOMPLETE,
    OK,
    RECEIVED,
    RECEIVED_SHEET,
    SHEET,
    Consolidation,
)
from .suppress import SUPPRESSED_TEXT

if TYPE_CHECKING:  # what the files layer returns; no openpyxl at run time
    from openpyxl.workbook.workbook import Workbook

    from ..files.bulkrows import StreamedTable


def _spec(table: str, columns: Sequence[Column]) -> TableSpec:
    """A table of the 集約 sheet (the bodies' names are among its columns)."""
    return table_spec(table, SHEET, columns)


def _chart_values(c: Consolidation, names: Sequence[str]) -> tuple[ChartBlock, ...]:
    """What the three charts draw; an incomplete total (or a suppressed body) is blank."""
    kinds = ChartBlock(
        ("活動種別", "活動回数"), [(k, c.complete((KINDS, "活動回数", "", k))) for k in c.kinds]
    )
    months = ChartBlock(
        ("月", *c.kinds),
        [
            (month_label(m), *(c.complete((MONTHS, "活動回数", m, k)) for k in c.kinds))
            for m in c.months
        ],
    )
    bodies = []
    for name, b in zip(names, c.bodies, strict=True):
        value = c.of((SUMMARY, "活動延べ回数", "", ""), b)
        bodies.append((name, value if value != SUPPRESSED_TEXT else None))
    return kinds, months, ChartBlock(("実施主体", "活動延べ回数"), bodies)


def build_workbook(
    c: Consolidation, body: str, created: dt.date
) -> tuple[Workbook, list[StreamedTable]]:
    """The workbook, and its 集約データ table whose rows are written as the file is saved
    (xlsxout.save_exchange(wb, ..., streamed=...)): ~250,000 rows at national scale."""
    title_body = body or "都道府県"
    bad = [r for r in c.received if r.status != OK]
    lines = [
        f"集約した実施主体：{len(c.bodies)}（{'、'.join(c.bodies)}）　作成日：{to_wareki(created)}",
        f"秘匿した値は0として足しません。秘匿した実施主体がある合計は「{INCOMPLETE}」と表示し、"
        "秘匿されていない値だけの計を（判明分）として添えます。グラフにはその合計を描きません。",
    ]
    if bad:
        lines.append(
            f"集約しなかったファイル：{len(bad)}件（「{RECEIVED_SHEET}」シートに理由があります）"
        )
    names = c.names

    # 概要: 項目 x 実施主体
    overview = _spec(
        "tConsOverview",
        [
            text_col("項目", 26),
            text_col("単位", 6),
            num_col("合計", 22),
            num_col(HIDDEN_BODIES, 12),
            *(num_col(n) for n in names),
        ],
    )
    rows: list[Row] = []
    for item, unit, _note in SUMMARY_ITEMS:
        key = (SUMMARY, item, "", "")
        _total, hidden = c.total(key)
        by_body = {n: c.of(key, b) for n, b in zip(names, c.bodies, strict=True)}
        fixed = {"項目": item, "単位": unit, "合計": c.shown_total(key), HIDDEN_BODIES: hidden}
        rows.append(overview.row(**fixed, **by_body))

    # 実施主体ごとの主な数（グラフ用）
    main_items = ("活動延べ回数", "派遣依頼件数", "3月31日時点の登録者数")
    per_body = _spec(
        "tConsBodies", [text_col("実施主体", 26), *(num_col(i, 14) for i in main_items)]
    )
    body_rows = [
        per_body.row(**{"実施主体": n}, **{i: c.of((SUMMARY, i, "", ""), b) for i in main_items})
        for n, b in zip(names, c.bodies, strict=True)
    ]

    # 活動種別
    kind_header = {item: item if unit != HOURS else "活動時間（時間）" for item, unit in KIND_ITEMS}
    per_kind = _spec(
        "tConsKinds",
        [
            text_col("活動種別", 26),
            *(num_col(kind_header[item]) for item, _u in KIND_ITEMS),
            num_col(HIDDEN_BODIES, 12),
        ],
    )
    kind_rows = []
    for k in c.kinds:
        keys = {item: (KINDS, item, "", k) for item, _u in KIND_ITEMS}
        hidden = max(c.total(key)[1] for key in keys.values())
        shown = {kind_header[item]: c.shown_total(key) for item, key in keys.items()}
        kind_rows.append(per_kind.row(**{"活動種別": k, HIDDEN_BODIES: hidden}, **shown))

    # 月別
    per_month = _spec(
        "tConsMonths",
        [
            text_col("月", 26),
            num_col("派遣依頼件数"),
            num_col("派遣決定件数"),
            *(num_col(k) for k in c.kinds),
            num_col("活動回数計"),
            num_col("活動時間（時間）"),
            num_col(HIDDEN_BODIES, 12),
        ],
    )
    month_rows = []
    for m in c.months:
        keys = {
            "派遣依頼件数": (MONTHS, "派遣依頼件数", m, ""),
            "派遣決定件数": (MONTHS, "派遣決定件数", m, ""),
            **{k: (MONTHS, "活動回数", m, k) for k in c.kinds},
            "活動回数計": (MONTHS, "活動回数", m, ""),
            "活動時間（時間）": (MONTHS, "活動時間", m, ""),
        }
        hidden = max(c.total(key)[1] for key in keys.values())
        shown = {header: c.shown_total(key) for header, key in keys.items()}
        month_rows.append(per_month.row(**{"月": month_label(m), HIDDEN_BODIES: hidden}, **shown))

    items = [i for i, _u, _n in SUMMARY_ITEMS] + sorted(
        {k[1] for k in c.table} - {i for i, _u, _n in SUMMARY_ITEMS}
    )
    kinds, months, bodies = _chart_values(c, names)
    start, end = fiscal_year_range(c.fy)
    return build_consolidation(
        Consolidated(
            title=f"{title_body} {c.label} 集約",
            created=created,
            sheet=SHEET,
            heading=f"{title_body}　{c.label} ひきこもりサポーター養成・派遣事業 集約",
            lines=lines,
            sections=[
                Section("概要（実施主体別）", overview, rows),
                Section("実施主体ごとの主な数", per_body, body_rows),
                Section("活動種別ごとの活動（全実施主体の合計）", per_kind, kind_rows),
                Section("月別（全実施主体の合計）", per_month, month_rows),
            ],
            chart_note=f"グラフのもとになる値です。「{INCOMPLETE}」の合計は空欄にしてあり、"
            "グラフに描きません。",
            kinds=kinds,
            months=months,
            bodies=bodies,
            chart_titles=(
                f"{c.label} 活動種別の活動回数（合計）",
                f"{c.label} 月別の活動回数（合計）",
                f"{c.label} 実施主体別の活動延べ回数",
            ),
            data_sheet=DATA_SHEET,
            data=DATA,
            data_rows=c.data_rows,
            data_count=c.data_count,
            pivot_heading="ピボットテーブル（項目を選ぶと実施主体別に表示します。"
            "自由に組み替えられます）",
            pivot=PivotSpec(
                name="集約ピボット",
                source=DATA.table,
                headers=list(DATA.headers),
                rows="実施主体",
                page="項目",
                page_item="活動延べ回数",
                data="値",
                function="sum",
                caption="合計 / 値",
                items={"実施主体": sorted(names), "項目": items},
            ),
            received_sheet=RECEIVED_SHEET,
            received=RECEIVED,
            received_rows=[r.row() for r in c.received],
            manifest=[
                (M_FORMAT, FORMAT_NAME),
                (M_VERSION, FORMAT_VERSION),
                (M_KIND, KIND_CONSOLIDATED),
                (M_BODY, body),
                (M_FY, str(c.fy)),
                (M_FY_LABEL, c.label),
                (M_PERIOD, f"{to_wareki(start)}〜{to_wareki(end)}"),
                (M_CREATED, created),
                ("集約した実施主体", "、".join(c.bodies)),
                (M_ROWS, str(c.data_count)),
                (M_CHECKSUM, c.data_checksum),
            ],
        )
    )
