"""The template workbook: reproducible, complete, and readable by other spreadsheet tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from python_calamine import CalamineWorkbook

from hikisup_xl.core import schema
from hikisup_xl.core.schema import Kind
from hikisup_xl.demo import run_demo
from hikisup_xl.template import build_template

COMMITTED = Path(__file__).resolve().parent.parent / "workbook" / "hikisup_template.xlsx"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "t.xlsx")


@pytest.fixture(scope="module")
def wb(template: Path) -> Workbook:
    return load_workbook(template)


def test_two_builds_give_identical_bytes(template: Path, tmp_path: Path) -> None:
    again = build_template(tmp_path / "again.xlsx")
    assert again.read_bytes() == template.read_bytes()


def test_committed_template_is_a_fresh_build(template: Path) -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing: run `hikisup template build`"
    assert COMMITTED.read_bytes() == template.read_bytes(), "rebuild: hikisup template build"


def test_sheets_in_schema_order(wb: Workbook) -> None:
    assert wb.sheetnames == [*schema.SHEETS, schema.SNAPSHOT_SHEET]


def test_snapshot_sheet_is_there_from_the_start_and_very_hidden(wb: Workbook) -> None:
    ws = wb[schema.SNAPSHOT_SHEET]
    assert ws.sheet_state == "veryHidden"
    assert [c.value for c in ws[1]] == list(schema.SNAPSHOT_HEADERS)


@pytest.mark.parametrize("spec", schema.TABLES, ids=lambda s: s.key)
def test_each_sheet_has_its_table_and_headers(wb: Workbook, spec: schema.TableSpec) -> None:
    ws = wb[spec.sheet]
    assert list(ws.tables) == [spec.table]
    last = get_column_letter(len(spec.columns))
    assert ws.tables[spec.table].ref.startswith("A1:" + last)
    assert [c.value for c in ws[1]] == list(spec.headers)
    assert ws.freeze_panes == "A2"


def _validations(ws: object) -> list[object]:
    return list(ws.data_validations.dataValidation)  # type: ignore[attr-defined]


CHOICE_COLUMNS = [
    (spec, col) for spec in schema.TABLES for col in spec.columns if col.kind is Kind.CHOICE
]


@pytest.mark.parametrize(
    ("spec", "col"), CHOICE_COLUMNS, ids=[f"{s.key}.{c.key}" for s, c in CHOICE_COLUMNS]
)
def test_choice_columns_have_list_validation(
    wb: Workbook, spec: schema.TableSpec, col: schema.Column
) -> None:
    letter = get_column_letter(spec.columns.index(col) + 1)
    lists = [
        dv
        for dv in _validations(wb[spec.sheet])
        if dv.type == "list" and f"{letter}2" in dv.sqref  # type: ignore[attr-defined]
    ]
    assert len(lists) == 1
    assert lists[0].formula1 == '"' + ",".join(col.choices) + '"'  # type: ignore[attr-defined]


DATE_COLUMNS = [
    (spec, col) for spec in schema.TABLES for col in spec.columns if col.kind is Kind.DATE
]


@pytest.mark.parametrize(
    ("spec", "col"), DATE_COLUMNS, ids=[f"{s.key}.{c.key}" for s, c in DATE_COLUMNS]
)
def test_date_columns_show_the_japanese_era(
    wb: Workbook, spec: schema.TableSpec, col: schema.Column
) -> None:
    letter = get_column_letter(spec.columns.index(col) + 1)
    assert wb[spec.sheet][f"{letter}2"].number_format.startswith("[$-411]")


def test_sensitive_sheet_is_marked(wb: Workbook) -> None:
    cases = wb["当事者"]
    assert cases.sheet_properties.tabColor.rgb.endswith("C00000")
    prompts = [dv.prompt or "" for dv in _validations(cases)]  # type: ignore[attr-defined]
    assert any("要配慮個人情報" in p for p in prompts)
    others = [wb[t.sheet] for t in schema.TABLES if not t.sensitive]
    assert all(
        ws.sheet_properties.tabColor is None
        or not ws.sheet_properties.tabColor.rgb.endswith("C00000")
        for ws in others
    )


def test_marker_property(wb: Workbook) -> None:
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[schema.MARKER_PROPERTY] == str(schema.SCHEMA_VERSION)


def test_settings_sheet_lists_every_setting(wb: Workbook) -> None:
    from hikisup_xl.core.settings import SETTING_ITEMS

    labels = [r[0] for r in wb["設定"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert labels == [i.label for i in SETTING_ITEMS]


def test_calamine_reads_the_headers(template: Path) -> None:
    book = CalamineWorkbook.from_path(str(template))
    assert book.sheet_names == [*schema.SHEETS, schema.SNAPSHOT_SHEET]
    for spec in schema.TABLES:
        rows = book.get_sheet_by_name(spec.sheet).to_python()
        assert rows[0] == list(spec.headers)


def test_libreoffice_opens_the_demo_workbook(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required on CI but is not on PATH")
        pytest.skip("LibreOffice (soffice) is not installed; install it to run this check")
    import datetime as dt

    run_demo(tmp_path / "demo", dt.date(2026, 11, 26))
    demo = tmp_path / "demo" / "サポーター管理_デモ.xlsx"  # beside it: the demo's training flyer
    out = tmp_path / "out"
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(demo),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (csv,) = out.glob("*.csv")
    first_line = csv.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.split(",")[:3] == ["登録番号", "ふりがな", "氏名"]


# -- the 集計 sheet: tables that report fills, charts and pivot tables over them (#9) ----------
def test_the_summary_sheet_holds_its_tables_charts_and_pivots(wb: Workbook) -> None:
    from openpyxl.utils import range_boundaries

    from hikisup_xl.engine.safety import TRAILING_SCAN
    from hikisup_xl.stats.summary import summary_layout, summary_sizes

    ws = wb[schema.STATS_SHEET]
    assert set(ws.tables) == {t.table for t in schema.SUMMARY_TABLES}
    sizes, places = summary_sizes(), summary_layout()
    spans = []
    for spec in schema.SUMMARY_TABLES:
        c1, r1, c2, r2 = range_boundaries(ws.tables[spec.table].ref)
        assert (r1, c1) == places[spec.key] and r2 - r1 == sizes[spec.key]
        assert [ws.cell(row=r1, column=c).value for c in range(c1, c2 + 1)] == list(spec.headers)
        spans.append((c1, c2, r2))
    # no table stands above another, and nothing with a value is below any table for more
    # than TRAILING_SCAN rows (every engine would read it as rows typed below the table)
    for c1, c2, r2 in spans:
        below = [
            cell.coordinate
            for row in ws.iter_rows(min_row=r2 + 1, max_row=r2 + TRAILING_SCAN + 1)
            for cell in row[c1 - 1 : c2]
            if cell.value is not None
        ]
        assert below == []
    assert len(ws._charts) == 2  # type: ignore[attr-defined]
    pivots = ws._pivots  # type: ignore[attr-defined]
    assert sorted(p.name for p in pivots) == ["活動回数ピボット", "登録状態ピボット"]
    assert {p.cache.cacheSource.worksheetSource.name for p in pivots} == {"tActivity", "tRegister"}


def test_pivot_parts_are_written_as_excel_writes_them(template: Path) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(template) as zf:
        parts = {n: zf.read(n).decode() for n in zf.namelist()}
    caches = [n for n in parts if re.fullmatch(r"xl/pivotCache/pivotCacheDefinition\d+\.xml", n)]
    tables = [n for n in parts if re.fullmatch(r"xl/pivotTables/pivotTable\d+\.xml", n)]
    assert len(caches) == len(tables) == 3  # 集計 (2) and サポーター別 (1)
    for n in caches:
        xml = parts[n]
        for attr in ('createdVersion="6"', 'refreshedVersion="6"', 'minRefreshableVersion="3"'):
            assert attr in xml, (n, attr)
        assert 'refreshOnLoad="1"' in xml and "r:id=" not in xml  # no records part to point at
    for n in tables:
        head = re.match(r"<pivotTableDefinition [^>]*>", parts[n])
        assert head is not None and "r:id=" not in head.group(0)
        assert 'updatedVersion="6"' in head.group(0)
