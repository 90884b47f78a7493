"""Generated rows are built by column key (TableSpec.row), never by position.

The proof: every table declaration's columns are put in reverse order while the jobs run on a
workbook laid out by the real template (the engines place a row's values by header). A row built
by key follows the declaration and lands under the right header; a row built as a positional
tuple puts its values under the wrong headers. Each job's tables, read back by header, must be
the same as without the reversal: the workbook's own tables (年度集計, チェック, 期限確認, 採番,
操作履歴), the file sent upward and the prefecture's consolidation.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.jobs import ledger
from hikisup_xl.jobs.stats import consolidate
from hikisup_xl.stats import consolidate as consolidation
from hikisup_xl.stats.report import report
from hikisup_xl.template import build_workbook

DAY = dt.date(2026, 3, 31)
FY = 2025
SPECS: tuple[TableSpec, ...] = (
    *schema.ALL_TABLES,
    consolidation.DATA,
    consolidation.RECEIVED,
)

Table = list[dict[str, object]]


@contextmanager
def reversed_columns(specs: tuple[TableSpec, ...] = SPECS) -> Iterator[None]:
    """The declared tables' columns in reverse order (the declarations are frozen: this is
    the one place that bends that, and it puts them back)."""
    kept = {spec: spec.columns for spec in specs}
    try:
        for spec, columns in kept.items():
            object.__setattr__(spec, "columns", tuple(reversed(columns)))
        yield
    finally:
        for spec, columns in kept.items():
            object.__setattr__(spec, "columns", columns)


def tables_by_header(path: Path, skip: tuple[str, ...] = ()) -> dict[str, Table]:
    """Every Excel table of a file: its data rows as header -> value."""
    wb = load_workbook(path)
    out: dict[str, Table] = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            name = table.name
            if name in skip:
                continue
            grid = [list(r) for r in ws[table.ref]]
            headers = [c.value for c in grid[0]]
            rows = [{str(h): c.value for h, c in zip(headers, r, strict=True)} for r in grid[1:]]
            out[name] = [r for r in rows if any(v is not None for v in r.values())]
    return out


def _without_time(tables: dict[str, Table]) -> dict[str, Table]:
    """操作履歴's 日時 is when a job ran."""
    log = [{k: v for k, v in r.items() if k != "日時"} for r in tables[schema.LOG.table]]
    return {**tables, schema.LOG.table: log}


def _run_jobs(book: Path, out: Path) -> None:
    for verb in ("check", "expiries", "number"):
        ledger.ACTIONS[verb](PatchEngine(book), DAY)
    report(PatchEngine(book), DAY, FY, out=out, threshold=0)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The same jobs on the same workbook: as declared, and with every declaration reversed
    (the exchange format's 集計データ order is fixed: the consolidation reads files sent by
    other versions, so its own tables are reversed there, not the ones it reads)."""
    folder = tmp_path_factory.mktemp("rows")
    source = folder / "source.xlsx"
    build_workbook(DEMO_SETTINGS, generate(DAY)).save(source)
    done = {}
    for kind in ("declared", "reversed"):
        (folder / kind).mkdir()
        book = folder / kind / "市.xlsx"
        shutil.copyfile(source, book)
        out = folder / kind / "提出.xlsx"
        if kind == "reversed":
            with reversed_columns():
                _run_jobs(book, out)
        else:
            _run_jobs(book, out)
        done[kind] = (book, out)
    return done


def test_the_reversal_really_reorders_what_a_positional_row_would_follow() -> None:
    with reversed_columns():
        assert (
            schema.STATS.headers[0] == "秘匿" and schema.SUM_MONTHS.headers[0] == "活動時間（時間）"
        )
        row = schema.ACTIVITY.row(fy="令和7年度", minutes=90)
        assert row[0] == 90 and row[-1] == "令和7年度"
    assert schema.STATS.headers[0] == "年度"  # put back


def test_the_workbooks_tables_are_the_same_whatever_the_declared_order(
    runs: dict[str, tuple[Path, Path]],
) -> None:
    declared = _without_time(tables_by_header(runs["declared"][0]))
    turned = _without_time(tables_by_header(runs["reversed"][0]))
    generated = [*schema.SUMMARY_TABLES, schema.STATS, schema.ACTIVITY, schema.ISSUES]
    generated += [schema.EXPIRING, schema.LOG, schema.SETTINGS, schema.REGISTER]
    for spec in generated:
        assert turned[spec.table] == declared[spec.table], spec.table
    activity = declared[schema.ACTIVITY.table]
    assert activity and all(isinstance(r["活動時間（分）"], int) for r in activity)  # not empty
    assert turned == declared


def test_the_file_sent_upward_is_the_same_whatever_the_declared_order(
    runs: dict[str, tuple[Path, Path]],
) -> None:
    # The manifest's checksum is over the file's own column order (the exchange format's):
    # it differs by design; everything else is the same.
    declared = tables_by_header(runs["declared"][1], skip=("tManifest",))
    assert declared[schema.STATS.table]
    assert tables_by_header(runs["reversed"][1], skip=("tManifest",)) == declared


def test_the_consolidation_is_the_same_whatever_the_declared_order(
    runs: dict[str, tuple[Path, Path]], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(runs["declared"][1], inbox / "甲市.xlsx")
    (inbox / "メモ.txt").write_text("集約しないファイル", encoding="utf-8")  # a 受領ファイル row
    results = {}
    for kind in ("declared", "reversed"):
        out = tmp_path / f"{kind}.xlsx"
        if kind == "reversed":
            with reversed_columns((consolidation.DATA, consolidation.RECEIVED)):
                consolidate(None, DAY, inbox, out)
        else:
            consolidate(None, DAY, inbox, out)
        results[kind] = tables_by_header(out, skip=("tManifest",))  # its checksum: as above
    assert results["declared"][consolidation.DATA.table]
    assert len(results["declared"][consolidation.RECEIVED.table]) == 2
    assert results["reversed"] == results["declared"]
