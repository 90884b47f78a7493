"""The consolidation workbook: per-municipality and total tables, charts and a pivot table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.grid import BELOW_HEADER
from ..core.schema import Column, TableSpec
from ..core.wareki import fiscal_year_range, to_wareki
from ..files import xlsxout
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
    checksum,
)
from .compute import HOURS, KIND_ITEMS, KINDS, MONTHS, SUMMARY, SUMMARY_ITEMS, month_label
from .consolidate import (
    DATA,
    DATA_SHEET,
    INCOMPLETE,
    OK,
    RECEIVED,
    RECEIVED_SHEET,
    SHEET,
    Consolidation,
)
from .pivots import PivotSpec, add_pivot
from .sheet import (
    CHART_COLUMN,
    format_numbers,
    heading,
    num_col,
    table_spec,
    text_col,
    write_header,
)
from .suppress import SUPPRESSED_TEXT


def _headers_unique(names: Sequence[str], taken: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen = set(taken)
    for name in names:
        candidate, n = name or "（名称なし）", 2
        while candidate in seen:
            candidate, n = f"{name}（{n}）", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def _spec(table: str, columns: Sequence[Column]) -> TableSpec:
    """A table of the 集約 sheet (the bodies' names are among its columns)."""
    return table_spec(table, SHEET, columns)


HIDDEN_BODIES = "秘匿した実施主体数"
CHART_SHEET = "グラフ用"


def _charts(wb: Workbook, ws: Worksheet, c: Consolidation, names: Sequence[str], top: int) -> None:
    """The three charts, drawn from a sheet of their own where an incomplete total is blank.

    A text cell would be drawn as 0 by Excel; a blank is a gap: a total with a suppressed
    contribution is left out of the chart rather than drawn too small.
    """
    data = wb.create_sheet(CHART_SHEET)
    note = f"グラフのもとになる値です。「{INCOMPLETE}」の合計は空欄にしてあり、グラフに描きません。"
    data.cell(row=1, column=1, value=note)
    # rows 3-: 活動種別 | 活動回数
    kinds_top = 3
    data.cell(row=kinds_top, column=1, value="活動種別")
    data.cell(row=kinds_top, column=2, value="活動回数")
    for i, k in enumerate(c.kinds, start=1):
        data.cell(row=kinds_top + i, column=1, value=k)
        data.cell(row=kinds_top + i, column=2, value=c.complete((KINDS, "活動回数", "", k)))
    # then: 月 | one column per 活動種別
    months_top = kinds_top + len(c.kinds) + 2
    data.cell(row=months_top, column=1, value="月")
    for j, k in enumerate(c.kinds, start=2):
        data.cell(row=months_top, column=j, value=k)
    for i, m in enumerate(c.months, start=1):
        data.cell(row=months_top + i, column=1, value=month_label(m))
        for j, k in enumerate(c.kinds, start=2):
            data.cell(row=months_top + i, column=j, value=c.complete((MONTHS, "活動回数", m, k)))
    # then: 実施主体 | 活動延べ回数 (a suppressed one is blank)
    bodies_top = months_top + len(c.months) + 2
    data.cell(row=bodies_top, column=1, value="実施主体")
    data.cell(row=bodies_top, column=2, value="活動延べ回数")
    for i, (name, b) in enumerate(zip(names, c.bodies, strict=True), start=1):
        value = c.of((SUMMARY, "活動延べ回数", "", ""), b)
        data.cell(row=bodies_top + i, column=1, value=name)
        data.cell(row=bodies_top + i, column=2, value=value if value != SUPPRESSED_TEXT else None)
    data.column_dimensions["A"].width = 20

    kinds = _bar("bar", f"{c.label} 活動種別の活動回数（合計）", "活動種別", 8, 16)
    kinds.legend = None
    kinds.add_data(
        Reference(data, min_col=2, min_row=kinds_top, max_row=kinds_top + len(c.kinds)),
        titles_from_data=True,
    )
    kinds.set_categories(
        Reference(data, min_col=1, min_row=kinds_top + 1, max_row=kinds_top + len(c.kinds))
    )
    ws.add_chart(kinds, ws.cell(row=top, column=CHART_COLUMN).coordinate)

    months = _bar("col", f"{c.label} 月別の活動回数（合計）", "月", 9, 20)
    months.grouping = "stacked"
    months.overlap = 100
    months.add_data(
        Reference(
            data,
            min_col=2,
            max_col=1 + len(c.kinds),
            min_row=months_top,
            max_row=months_top + len(c.months),
        ),
        titles_from_data=True,
    )
    months.set_categories(
        Reference(data, min_col=1, min_row=months_top + 1, max_row=months_top + len(c.months))
    )
    ws.add_chart(months, ws.cell(row=top + 18, column=CHART_COLUMN).coordinate)

    bodies = _bar("col", f"{c.label} 実施主体別の活動延べ回数", None, 8, 20)
    bodies.legend = None
    bodies.add_data(
        Reference(data, min_col=2, min_row=bodies_top, max_row=bodies_top + len(names)),
        titles_from_data=True,
    )
    bodies.set_categories(
        Reference(data, min_col=1, min_row=bodies_top + 1, max_row=bodies_top + len(names))
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


def build_workbook(c: Consolidation, body: str, created: dt.date) -> Workbook:
    title_body = body or "都道府県"
    wb = xlsxout.new_workbook(KIND_CONSOLIDATED, f"{title_body} {c.label} 集約", created)
    ws = wb.create_sheet(SHEET)
    ws.sheet_properties.tabColor = "00B050"
    xlsxout.print_landscape(ws)
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
    row = write_header(
        ws, f"{title_body}　{c.label} ひきこもりサポーター養成・派遣事業 集約", lines
    )
    names = _headers_unique(c.bodies, ("項目", "単位", "合計", HIDDEN_BODIES))

    # 概要: 項目 x 実施主体
    heading(ws, row, "概要（実施主体別）")
    top = row + 1
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
    columns = overview.columns
    rows: list[tuple[object, ...]] = []
    for item, unit, _note in SUMMARY_ITEMS:
        key = (SUMMARY, item, "", "")
        _total, hidden = c.total(key)
        by_body = {n: c.of(key, b) for n, b in zip(names, c.bodies, strict=True)}
        fixed = {"項目": item, "単位": unit, "合計": c.shown_total(key), HIDDEN_BODIES: hidden}
        rows.append(overview.row(**fixed, **by_body))
    xlsxout.add_table(ws, overview.table, columns, rows, top=top)
    format_numbers(ws, top, len(rows), columns)
    row = top + len(rows) + 2

    # 実施主体ごとの主な数（グラフ用）
    heading(ws, row, "実施主体ごとの主な数")
    bodies_top = row + 1
    main_items = ("活動延べ回数", "派遣依頼件数", "3月31日時点の登録者数")
    per_body = _spec(
        "tConsBodies", [text_col("実施主体", 26), *(num_col(i, 14) for i in main_items)]
    )
    body_columns = per_body.columns
    body_rows = [
        per_body.row(**{"実施主体": n}, **{i: c.of((SUMMARY, i, "", ""), b) for i in main_items})
        for n, b in zip(names, c.bodies, strict=True)
    ]
    xlsxout.add_table(ws, per_body.table, body_columns, body_rows, top=bodies_top)
    format_numbers(ws, bodies_top, len(body_rows), body_columns)
    row = bodies_top + len(body_rows) + 2

    # 活動種別
    heading(ws, row, "活動種別ごとの活動（全実施主体の合計）")
    kinds_top = row + 1
    kind_header = {item: item if unit != HOURS else "活動時間（時間）" for item, unit in KIND_ITEMS}
    per_kind = _spec(
        "tConsKinds",
        [
            text_col("活動種別", 26),
            *(num_col(kind_header[item]) for item, _u in KIND_ITEMS),
            num_col(HIDDEN_BODIES, 12),
        ],
    )
    kind_columns = per_kind.columns
    kind_rows = []
    for k in c.kinds:
        keys = {item: (KINDS, item, "", k) for item, _u in KIND_ITEMS}
        hidden = max(c.total(key)[1] for key in keys.values())
        shown = {kind_header[item]: c.shown_total(key) for item, key in keys.items()}
        kind_rows.append(per_kind.row(**{"活動種別": k, HIDDEN_BODIES: hidden}, **shown))
    xlsxout.add_table(ws, per_kind.table, kind_columns, kind_rows, top=kinds_top)
    format_numbers(ws, kinds_top, len(kind_rows), kind_columns)
    row = kinds_top + len(kind_rows) + 2

    # 月別
    heading(ws, row, "月別（全実施主体の合計）")
    months_top = row + 1
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
    month_columns = per_month.columns
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
    xlsxout.add_table(ws, per_month.table, month_columns, month_rows, top=months_top)
    format_numbers(ws, months_top, len(month_rows), month_columns)
    row = months_top + len(month_rows) + 2

    _charts(wb, ws, c, names, top)

    # 集約データ and the pivot over it
    data = wb.create_sheet(DATA_SHEET)
    data_rows: list[tuple[object, ...]] = []
    for name, b in zip(names, c.bodies, strict=True):
        for (section, item, month, kind), (unit, values) in sorted(c.table.items()):
            if b in values:
                value = values[b]
                mark = SUPPRESSED_TEXT if value is None else ""
                data_rows.append(
                    DATA.row(
                        body=name,
                        fy=c.label,
                        section=section,
                        item=item,
                        month=month,
                        kind=kind,
                        value=value,
                        unit=unit,
                        suppressed=mark,
                    )
                )
    xlsxout.add_table(data, DATA.table, DATA.columns, data_rows)
    data.freeze_panes = BELOW_HEADER

    heading(
        ws, row, "ピボットテーブル（項目を選ぶと実施主体別に表示します。自由に組み替えられます）"
    )
    items = [i for i, _u, _n in SUMMARY_ITEMS] + sorted(
        {k[1] for k in c.table} - {i for i, _u, _n in SUMMARY_ITEMS}
    )
    add_pivot(
        wb,
        ws,
        row + 1,
        1,
        PivotSpec(
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
    )

    rec = wb.create_sheet(RECEIVED_SHEET)
    xlsxout.add_table(rec, RECEIVED.table, RECEIVED.columns, [r.row() for r in c.received])
    start, end = fiscal_year_range(c.fy)
    data_headers = list(DATA.headers)
    xlsxout.add_manifest(
        wb,
        [
            (M_FORMAT, FORMAT_NAME),
            (M_VERSION, FORMAT_VERSION),
            (M_KIND, KIND_CONSOLIDATED),
            (M_BODY, body),
            (M_FY, str(c.fy)),
            (M_FY_LABEL, c.label),
            (M_PERIOD, f"{to_wareki(start)}〜{to_wareki(end)}"),
            (M_CREATED, created),
            ("集約した実施主体", "、".join(c.bodies)),
            (M_ROWS, str(len(data_rows))),
            (M_CHECKSUM, checksum(data_headers, data_rows)),
        ],
    )
    wb.active = 0
    return wb
