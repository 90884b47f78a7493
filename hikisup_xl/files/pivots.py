"""Pivot tables over a workbook table, written with openpyxl for Excel and LibreOffice to draw.

The cache names its source by table name (so it follows the table as it grows) and is
refreshed when the file is opened; no records are stored. Axis fields list the items known
when the file is written, in the order they should appear, so the definition is consistent
even before the first refresh. Staff can drag fields around afterwards like any pivot table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from openpyxl.pivot.cache import (
    CacheDefinition,
    CacheField,
    CacheSource,
    SharedItems,
    WorksheetSource,
)
from openpyxl.pivot.fields import Index, Missing, Text
from openpyxl.pivot.table import (
    DataField,
    FieldItem,
    Location,
    PageField,
    PivotField,
    PivotTableStyle,
    RowColField,
    RowColItem,
)
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.pivotparts import EXCEL_VERSION, MIN_REFRESHABLE_VERSION, ExcelPivotTable


@dataclass(frozen=True, slots=True)
class PivotSpec:
    name: str
    source: str  # table name (displayName) of the source
    headers: Sequence[str]  # every column of the source table, in order
    rows: str
    data: str
    function: Literal["count", "sum"]
    caption: str
    cols: str | None = None
    page: str | None = None
    page_item: str | None = None
    items: dict[str, Sequence[str]] = field(default_factory=dict)  # axis field -> values


def next_cache_id(wb: Workbook) -> int:
    used: list[int] = [
        int(p.cacheId)
        for ws in wb.worksheets
        for p in ws._pivots  # type: ignore[attr-defined]  # not in the stubs
    ]
    return max([0, *used]) + 1


def _shared(values: Sequence[str]) -> SharedItems:
    if not values:
        return SharedItems(_fields=[Missing()], containsBlank=True)
    return SharedItems(_fields=[Text(v=v) for v in values])


def _axis_items(n: int) -> list[FieldItem]:
    return [FieldItem(x=i) for i in range(max(n, 1))] + [FieldItem(t="default")]


def _line_items(n: int) -> list[RowColItem]:
    """One line per item, then the grand total (what Excel writes for a single axis field)."""
    out = [RowColItem(x=[Index(v=i)]) for i in range(max(n, 1))]
    out.append(RowColItem(t="grand", x=[Index(v=0)]))
    return out


def add_pivot(wb: Workbook, ws: Worksheet, top: int, left: int, spec: PivotSpec) -> int:
    """Place a pivot at (top, left); returns the number of sheet rows it takes."""
    fields = list(spec.headers)
    n_rows = len(spec.items.get(spec.rows, ())) or 1
    n_cols = len(spec.items.get(spec.cols, ())) if spec.cols else 0
    page_rows = 2 if spec.page else 0
    first = top + page_rows
    height = (2 if spec.cols else 1) + n_rows + 1
    width = 1 + (max(n_cols, 1) + 1 if spec.cols else 1)
    ref = (
        f"{get_column_letter(left)}{first}:"
        f"{get_column_letter(left + width - 1)}{first + height - 1}"
    )
    cache = CacheDefinition(
        refreshOnLoad=True,
        saveData=False,
        createdVersion=EXCEL_VERSION,
        refreshedVersion=EXCEL_VERSION,
        minRefreshableVersion=MIN_REFRESHABLE_VERSION,
        cacheSource=CacheSource(
            type="worksheet", worksheetSource=WorksheetSource(name=spec.source)
        ),
        cacheFields=[
            CacheField(name=h, numFmtId=0, sharedItems=_shared(spec.items.get(h, ())))
            if h in (spec.rows, spec.cols, spec.page)
            else CacheField(name=h, numFmtId=0, sharedItems=SharedItems())
            for h in fields
        ],
    )
    pivot_fields = []
    for h in fields:
        n = len(spec.items.get(h, ()))
        if h == spec.rows:
            pivot_fields.append(PivotField(axis="axisRow", showAll=False, items=_axis_items(n)))
        elif h == spec.cols:
            pivot_fields.append(PivotField(axis="axisCol", showAll=False, items=_axis_items(n)))
        elif h == spec.page:
            pivot_fields.append(PivotField(axis="axisPage", showAll=False, items=_axis_items(n)))
        else:
            pivot_fields.append(PivotField(dataField=h == spec.data or None, showAll=False))
    page_fields = []
    if spec.page:
        values = list(spec.items.get(spec.page, ()))
        item = values.index(spec.page_item) if spec.page_item in values else None
        page_fields.append(PageField(fld=fields.index(spec.page), item=item, hier=-1))
    pivot = ExcelPivotTable(
        name=spec.name,
        cacheId=next_cache_id(wb),
        dataCaption="値",
        grandTotalCaption="総計",
        updatedVersion=EXCEL_VERSION,
        minRefreshableVersion=MIN_REFRESHABLE_VERSION,
        createdVersion=EXCEL_VERSION,
        useAutoFormatting=True,
        itemPrintTitles=True,
        indent=0,
        outline=True,
        outlineData=True,
        location=Location(
            ref=ref,
            firstHeaderRow=1 if spec.cols else 0,
            firstDataRow=2 if spec.cols else 1,
            firstDataCol=1,
            rowPageCount=1 if spec.page else None,
            colPageCount=1 if spec.page else None,
        ),
        pivotFields=pivot_fields,
        rowFields=[RowColField(x=fields.index(spec.rows))],
        rowItems=_line_items(n_rows),
        colFields=[RowColField(x=fields.index(spec.cols))] if spec.cols else [],
        colItems=_line_items(n_cols) if spec.cols else [RowColItem()],
        pageFields=page_fields,
        dataFields=[
            DataField(
                name=spec.caption,
                fld=fields.index(spec.data),
                subtotal=spec.function,
                baseField=0,
                baseItem=0,
            )
        ],
        pivotTableStyleInfo=PivotTableStyle(
            name="PivotStyleMedium9",
            showRowHeaders=True,
            showColHeaders=True,
            showRowStripes=False,
            showColStripes=False,
            showLastColumn=True,
        ),
    )
    cache.id = None
    pivot.cache = cache
    ws.add_pivot(pivot)
    return page_rows + height
