"""hikisup report: the 集計 sheet in the workbook, and the file sent upward."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from conftest import sheet_values, table_rows
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from stats_helpers import FREE_TEXT, TODAY, municipality, report, run

from hikisup_xl.core import schema
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.files.fileformat import MANIFEST_SHEET
from hikisup_xl.jobs.ledger import check

ACTIVITIES = 40  # every 9 days from 2025-04-03: all inside 令和7年度


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    d = tmp_path_factory.mktemp("report")
    book = municipality(d / "架空町.xlsx", "架空町", ACTIVITIES)
    out = d / "提出_令和7年度.xlsx"
    result = report(book, "--out", out)
    assert result.exit_code == 0, result.output
    return book, out, result.stdout


def test_report_writes_the_sheets_into_the_workbook(reported: tuple[Path, Path, str]) -> None:
    book, _out, stdout = reported
    assert "令和7年度の集計を「集計」シートに作りました" in stdout
    assert f"活動延べ回数 {ACTIVITIES}回" in stdout
    wb = load_workbook(book)
    names = wb.sheetnames
    assert names.index("集計") == names.index("集計データ") - 1
    ws = wb["集計"]
    assert set(ws.tables) == {t.table for t in schema.SUMMARY_TABLES}
    assert len(ws._charts) == 2  # type: ignore[attr-defined]
    pivots = ws._pivots  # type: ignore[attr-defined]
    assert sorted(p.name for p in pivots) == ["活動回数ピボット", "登録状態ピボット"]
    sources = {p.cache.cacheSource.worksheetSource.name for p in pivots}
    assert sources == {"tActivity", "tRegister"}
    assert all(p.cache.refreshOnLoad for p in pivots)
    activity = table_rows(book, schema.ACTIVITY)
    assert len(activity) == ACTIVITIES
    assert {r["fy"] for r in activity} == {"令和7年度"}
    stats = {
        (r["section"], r["item"], r["month"], r["kind"]): r["value"]
        for r in table_rows(book, schema.STATS)
    }
    assert stats[("概要", "活動延べ回数", None, None)] == ACTIVITIES
    assert stats[("概要", "活動時間", None, None)] == ACTIVITIES * 1.5
    log = table_rows(book, schema.LOG)[-1]
    assert log["action"] == "年度集計" and "提出用" in str(log["result"])
    # the 集計 sheet's tables, written through the engine, agree with 集計データ
    overview = {r["item"]: r["value"] for r in table_rows(book, schema.SUM_OVERVIEW)}
    assert overview["活動延べ回数"] == ACTIVITIES and overview["活動時間"] == ACTIVITIES * 1.5
    kinds = table_rows(book, schema.SUM_KINDS)
    assert [r["kind"] for r in kinds] == [*schema.SUMMARY_KINDS, "合計"]
    assert sum(r["count"] for r in kinds[:-1]) == kinds[-1]["count"] == ACTIVITIES
    months = table_rows(book, schema.SUM_MONTHS)
    assert len(months) == 13 and months[0]["month"] == "令和7年4月"
    assert sum(r["count"] for r in months[:-1]) == months[-1]["count"] == ACTIVITIES
    info = {r["item"]: r["value"] for r in table_rows(book, schema.SUM_INFO)}
    assert info["実施主体"] == "架空町" and info["年度"] == "令和7年度"


def test_report_rewrites_only_the_tables_and_keeps_the_templates_charts_and_pivots(
    tmp_path: Path,
) -> None:
    """The charts and pivot tables are the template's, byte for byte, and so are the pivot
    caches but for their recordCount, which follows the rows written to their source table
    (the caches refresh on open): report (on the default patch engine) writes table cells and
    nothing else on the 集計 sheet."""
    import zipfile

    from lxml import etree

    book = municipality(tmp_path / "町.xlsx", "町", 12)
    with zipfile.ZipFile(book) as zf:
        before = {n: zf.read(n) for n in zf.namelist()}
    assert report(book).exit_code == 0
    with zipfile.ZipFile(book) as zf:
        after = {n: zf.read(n) for n in zf.namelist()}
    kept = [n for n in before if n.startswith(("xl/charts/", "xl/drawings/", "xl/pivot"))]
    caches = [n for n in kept if n.startswith("xl/pivotCache/pivotCacheDefinition")]
    # 集計's two and サポーター別's one (#13)
    assert len([n for n in kept if n.startswith("xl/pivotTables/pivotTable")]) == 3
    assert len([n for n in kept if n.startswith("xl/charts/chart")]) == 2
    assert len(caches) == 3
    assert all(after[n] == before[n] for n in kept if n not in caches)

    def without_count(data: bytes) -> tuple[bytes, str | None]:
        root = etree.fromstring(data)
        count = root.attrib.pop("recordCount", None)
        return etree.tostring(root, method="c14n"), count

    sources = {
        "tActivity": 12,
        "tRegister": len(table_rows(book, schema.REGISTER)),
        "tSupporterYears": len(table_rows(book, schema.SUPPORTER_YEARS)),
    }
    for name in caches:
        (old, _), (new, count) = without_count(before[name]), without_count(after[name])
        assert new == old  # nothing but recordCount changed
        source = etree.fromstring(after[name]).find(".//{*}worksheetSource").get("name")
        assert count == str(sources[source])
        assert b'refreshOnLoad="1"' in after[name]


def test_running_again_replaces_the_sheet(reported: tuple[Path, Path, str], tmp_path: Path) -> None:
    book = tmp_path / "again.xlsx"
    book.write_bytes(reported[0].read_bytes())
    first = sheet_values(book, skip=(schema.LOG.sheet,))
    assert report(book).exit_code == 0
    wb = load_workbook(book)
    assert wb.sheetnames.count("集計") == 1
    assert len(wb["集計"]._pivots) == 2  # type: ignore[attr-defined]
    assert sheet_values(book, skip=(schema.LOG.sheet,)) == first


def test_other_actions_keep_the_charts_and_pivots(
    reported: tuple[Path, Path, str], tmp_path: Path
) -> None:
    book = tmp_path / "checked.xlsx"
    book.write_bytes(reported[0].read_bytes())
    check(FileEngine(book), TODAY)
    ws = load_workbook(book)["集計"]
    assert len(ws._charts) == 2 and len(ws._pivots) == 2  # type: ignore[attr-defined]


def _texts(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join(
            html.unescape(zf.read(n).decode("utf-8", "replace")) for n in zf.namelist()
        )


def test_the_upward_file_holds_counts_only(reported: tuple[Path, Path, str]) -> None:
    _book, out, stdout = reported
    assert "提出用ファイルを書き出しました" in stdout
    text = _texts(out.read_bytes())
    for private in (FREE_TEXT, "山田", "C0001", "D00001", "R0001", "090-1234-5678"):
        assert private not in text, private
    wb = CalamineWorkbook.from_filelike(io.BytesIO(out.read_bytes()))
    assert wb.sheet_names == ["集計", "集計データ", MANIFEST_SHEET]
    manifest = dict(r[:2] for r in wb.get_sheet_by_name(MANIFEST_SHEET).to_python()[1:])
    assert manifest["実施主体"] == "架空町" and manifest["年度"] == "2025"
    assert manifest["秘匿基準"] == "3未満を秘匿"
    rows = wb.get_sheet_by_name("集計データ").to_python()[1:]
    hidden = [r for r in rows if r[7]]
    assert hidden and all(r[5] == "" for r in hidden)
    assert int(manifest["秘匿したセル数"]) == len(hidden)
    visible = {r[2]: r[5] for r in rows if r[1] == "概要"}
    assert visible["活動延べ回数"] == ACTIVITIES
    # one supporter, one case: the small counts are kept back
    people = {r[2]: r[7] for r in rows if r[1] == "概要"}
    assert people["活動したサポーター実人数"] == "秘匿"  # every blank looks the same


def test_the_upward_file_is_reproducible(reported: tuple[Path, Path, str], tmp_path: Path) -> None:
    book = tmp_path / reported[0].name  # the manifest names the source file
    book.write_bytes(reported[0].read_bytes())
    out = tmp_path / "again.xlsx"
    assert report(book, "--out", out).exit_code == 0
    assert out.read_bytes() == reported[1].read_bytes()


def test_suppress_zero_sends_every_count(reported: tuple[Path, Path, str], tmp_path: Path) -> None:
    book = tmp_path / "copy.xlsx"
    book.write_bytes(reported[0].read_bytes())
    out = tmp_path / "all.xlsx"
    assert report(book, "--out", out, "--suppress", "0").exit_code == 0
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("集計データ").to_python()[1:]
    assert not any(r[7] for r in rows)


def test_bad_fiscal_year_and_future_year_are_refused(reported: tuple[Path, Path, str]) -> None:
    from hikisup_xl.cli import main

    report_cmd = main.commands["report"]

    book = reported[0]
    bad = run(report_cmd, book, "--fy", "来年", "--today", TODAY.isoformat())
    assert bad.exit_code == 2 and "--fy" in bad.stderr
    future = run(report_cmd, book, "--fy", "R9", "--today", TODAY.isoformat())
    assert future.exit_code == 2 and "まだ始まっていません" in future.stderr


def test_the_settings_threshold_is_the_default(
    reported: tuple[Path, Path, str], tmp_path: Path
) -> None:
    base = CalamineWorkbook.from_path(str(reported[1])).get_sheet_by_name("集計データ")
    assert any(r[7] for r in base.to_python()[1:]), "the default (3) keeps some counts back"
    book = tmp_path / "copy.xlsx"
    book.write_bytes(reported[0].read_bytes())
    wb = load_workbook(book)
    ws = wb["設定"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "秘匿基準")
    row[1].value = 0
    wb.save(book)
    out = tmp_path / "setting.xlsx"
    assert report(book, "--out", out).exit_code == 0
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("集計データ").to_python()[1:]
    assert not any(r[7] for r in rows)
