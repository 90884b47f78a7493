"""Pivot tables Excel treats as its own (#12): no stray r:id, Excel's versions, refresh on open.

Compared with what Excel itself saves (pivotCacheDefinition: r:id only when records are kept,
refreshOnLoad, refreshedBy, refreshedDate, createdVersion, refreshedVersion,
minRefreshableVersion, recordCount; pivotTableDefinition: createdVersion, updatedVersion,
minRefreshableVersion), on every path that writes pivots: report, consolidate, and a workbook
with pivots read back and saved again by the openpyxl engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import invoke
from lxml import etree
from openpyxl import load_workbook

from hikisup_xl.engine import pivotparts

from .package import R_NS, Package
from .written import FY, TODAY, WRITERS, build_demo

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def pivot_parts(path: Path) -> tuple[list[etree._Element], list[etree._Element]]:
    pkg = Package.read(path)
    tables = [pkg.xml(n) for n in sorted(pkg.parts) if n.startswith("xl/pivotTables/pivotTable")]
    caches = [pkg.xml(n) for n in sorted(pkg.parts) if "pivotCacheDefinition" in n]
    return tables, caches


def source_rows(path: Path, table_name: str) -> int:
    wb = load_workbook(path)
    try:
        for ws in wb.worksheets:
            for table in ws.tables.values():
                if table.displayName == table_name:
                    rows = ws[table.ref]
                    return len(rows) - 1 - (table.totalsRowCount or 0)
    finally:
        wb.close()
    raise AssertionError(table_name)


def assert_excel_pivots(path: Path, expected_pivots: int) -> None:
    tables, caches = pivot_parts(path)
    assert len(tables) == expected_pivots and caches
    for pivot in tables:
        assert f"{{{R_NS}}}id" not in pivot.attrib
        assert (pivot.get("createdVersion"), pivot.get("updatedVersion")) == ("6", "6")
        assert pivot.get("minRefreshableVersion") == "3"
    for cache in caches:
        assert f"{{{R_NS}}}id" not in cache.attrib  # no records part is written
        assert cache.get("saveData") == "0" and cache.get("refreshOnLoad") == "1"
        assert (cache.get("createdVersion"), cache.get("refreshedVersion")) == ("6", "6")
        assert cache.get("minRefreshableVersion") == "3"
        assert cache.get("refreshedBy") == pivotparts.REFRESHED_BY
        assert 45000 < float(cache.get("refreshedDate", "0")) < 60000  # an Excel date serial
        source = cache.find(f"{S}cacheSource/{S}worksheetSource")
        assert source is not None
        assert int(cache.get("recordCount", "-1")) == source_rows(path, source.get("name", ""))


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = build_demo(tmp_path_factory.mktemp("pivots") / "管理.xlsx")
    assert invoke("report", book, "--fy", FY, "--today", TODAY).exit_code == 0
    return book


def test_report_pivots_are_excel_pivots(reported: Path) -> None:
    assert_excel_pivots(reported, expected_pivots=3)  # 集計 2, サポーター別 1


def test_pivots_read_back_and_saved_by_openpyxl_stay_excel_pivots(
    reported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "再保存.xlsx"
    shutil.copyfile(reported, book)
    monkeypatch.setenv("HIKISUP_ENGINE", "openpyxl")
    assert invoke("check", book, "--today", TODAY).exit_code in (0, 1)
    assert_excel_pivots(book, expected_pivots=3)


def test_consolidated_pivot_is_an_excel_pivot(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo.xlsx")
    [out] = WRITERS["consolidated"](tmp_path, demo)
    assert_excel_pivots(out, expected_pivots=1)


def test_record_count_leaves_out_header_and_totals_row() -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.add_table(Table(displayName="tData", ref="A1:B6", totalsRowCount=1))
    assert pivotparts._table_rows(wb, "tdata") == 4
    assert pivotparts._table_rows(wb, "tMissing") == 0
