"""Pivot tables written the way Excel writes them, whoever made them.

openpyxl writes an `r:id` attribute on pivotTableDefinition that the schema does not allow,
and writes caches without the version attributes, so Excel takes them for an old version's
pivots and limits what staff can do with them. `adopt(wb)` runs just before any save: it makes
every pivot of the workbook (built here, or read back from a file) serialise as Excel 2016+
does: versions 6/6/3, refreshedBy/refreshedDate/recordCount on the cache, refresh on open kept.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.pivot.cache import CacheDefinition
from openpyxl.pivot.table import TableDefinition
from openpyxl.utils import range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.workbook import Workbook

EXCEL_VERSION = 6  # Excel 2016 and later
MIN_REFRESHABLE_VERSION = 3  # Excel 2007: the oldest that may refresh these caches
REFRESHED_BY = "hikisup_xl"


class ExcelPivotTable(TableDefinition):
    """A pivot table definition without the `r:id` openpyxl adds to its root: the cache is
    named by cacheId, its relationship lives in the part's .rels only."""

    # openpyxl's metaclass builds these from the class body: carry the parent's, minus `id`.
    __attrs__ = tuple(a for a in TableDefinition.__attrs__ if a != "id")
    __elements__ = TableDefinition.__elements__
    __nested__ = TableDefinition.__nested__


def adopt(wb: Workbook) -> None:
    """Give every pivot table of `wb` and its cache Excel's own attributes (before saving)."""
    refreshed = wb.properties.modified or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for ws in wb.worksheets:
        for pivot in ws._pivots:  # type: ignore[attr-defined]  # not in the stubs
            if type(pivot) is TableDefinition:
                pivot.__class__ = ExcelPivotTable
            pivot.createdVersion = pivot.createdVersion or EXCEL_VERSION
            pivot.updatedVersion = EXCEL_VERSION
            pivot.minRefreshableVersion = MIN_REFRESHABLE_VERSION
            if pivot.cache is not None:
                _excel_cache(wb, pivot.cache, refreshed)


def _excel_cache(wb: Workbook, cache: CacheDefinition, refreshed: dt.datetime) -> None:
    cache.createdVersion = cache.createdVersion or EXCEL_VERSION
    cache.refreshedVersion = EXCEL_VERSION
    cache.minRefreshableVersion = MIN_REFRESHABLE_VERSION
    cache.refreshedBy = REFRESHED_BY
    cache.refreshedDate = to_excel(refreshed)  # type: ignore[no-untyped-call]
    source = cache.cacheSource.worksheetSource if cache.cacheSource else None
    if source is not None and source.name:
        cache.recordCount = _table_rows(wb, source.name)
    if not cache.saveData:
        cache.refreshOnLoad = True  # no records stored: Excel must build them on open


def _table_rows(wb: Workbook, name: str) -> int:
    """Data rows of the table `name` (what Excel counts as the cache's records)."""
    for ws in wb.worksheets:
        for table in ws.tables.values():
            if table.displayName.lower() == name.lower() or table.name.lower() == name.lower():
                _l, top, _r, bottom = range_boundaries(table.ref)
                height = (bottom or 0) - (top or 0) + 1
                return max(0, height - (table.headerRowCount or 0) - (table.totalsRowCount or 0))
    return 0
