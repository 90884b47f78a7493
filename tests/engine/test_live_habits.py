"""The same answer in live Excel and in a file, on the workbooks staff make (#12 item 4).

The workbooks of test_habits_every_job, each stored as Japanese Excel stores text typed
through the IME ("phonetic" has nothing more), with one habit more: a Total Row; a calculated
column; a filtered and sorted register (rows hidden by the filter, shared formulas and a
calcChain beside it, a note, frozen panes); a column inserted in the middle of the register;
and tables with a Total Row filtered so that one of their old rows is hidden, which the jobs
write over or add rows to (ListRows.Add in Excel). The people the filter hides have work for
each job (a number to give, a period running out).

Each job runs twice on each, once in the file (the patch engine) and once in the fake of live
Excel (addin/fakexl.py), through the add-in's batch functions and through one call per
object. Afterwards both give the same issues and counts, every table holds the same cells by
column key, the tables stand at the same place, and the same rows are hidden under the same
filters (Excel re-filters nothing when cells change: see the notes in fakexl.py).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pytest
from addin.fakexl import FakeBook
from conftest import TODAY, base_world, world_rows
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from hikisup_xl.core import schema
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.jobs import ledger as actions

from .test_calculated_column import CALCULATED, add_calculated_column
from .test_excel_habits import add_habits
from .test_habits_every_job import _names, add_clerk_column
from .test_total_row import TOTALLED, add_total_row
from .util import build, ime_typed, norm, rewrite, sheet_part

HABITS = ("total-row", "calculated", "filtered", "filtered-total-row", "phonetic", "added-column")
COMPARED = (schema.REGISTER, schema.TRAINEES, schema.ISSUES, schema.EXPIRING, schema.LOG)
REG = schema.REGISTER
# add_habits filters the register on 氏名 = 山田　太郎 (row 2): the people below it are hidden.
HIDDEN = {3: "鈴木　一郎", 4: "佐藤　花子"}
# filtered-total-row: tables the jobs write, with a Total Row and a filter that hid the first
# of their old rows (its criteria do not matter: nothing applies the filter again). チェック結果 is written over (its old rows
# with it), 操作履歴 gets ListRows.Add below its filtered rows, 期限一覧 is written over.
OLD_ROWS = {
    schema.ISSUES: [
        {"severity": "警告", "sheet": "前回", "message": f"古い結果{i}"} for i in (1, 2, 3)
    ],
    schema.LOG: [
        {"user": "職員", "action": "前回の操作", "result": f"古い履歴{i}"} for i in (1, 2)
    ],
    schema.EXPIRING: [{"reg_no": "999", "name": f"前回の人{i}"} for i in (1, 2)],
}
FILTER_HIDES = 2  # the sheet row the filter hides in each of them (the first data row)


def _world() -> dict[str, list[tuple[object, ...]]]:
    """Three people, and work for each job in the rows the filter hides: 鈴木 (row 3) is
    approved without a 登録番号 (採番 gives one, once his 修了番号 is given in 受講者);
    佐藤 (row 4) ends her period within the warning days (期限確認 marks her 期限間近 and lists
    her)."""
    w = base_world()
    yamada = w["register"][0]
    suzuki = {"name": "鈴木　一郎", "kana": "すずき　いちろう", "birth": dt.date(1985, 1, 1)}
    w["trainees"].append({**w["trainees"][0], **suzuki, "cert_no": None})
    w["register"].append(
        {
            **yamada,
            **suzuki,
            "reg_no": None,
            "cert_no": "002",
            "issued": None,
            "period_start": None,
            "period_end": None,
            "state": None,
        }
    )
    sato = {"name": "佐藤　花子", "kana": "さとう　はなこ", "reg_no": "005"}
    w["register"].append({**yamada, **sato, "period_end": TODAY + dt.timedelta(days=20)})
    return world_rows(w)


def _hide_row_4(path: Path) -> None:
    """add_habits hides row 3; the filter hides every row but 山田's."""

    def edit(parts: dict[str, bytes]) -> None:
        sheet = sheet_part(parts, REG.sheet)
        xml = parts[sheet].decode()
        assert '<row r="4"' in xml
        parts[sheet] = xml.replace('<row r="4"', '<row r="4" hidden="1"', 1).encode()

    rewrite(path, edit)


def _filter_first_row(path: Path, spec: TableSpec) -> None:
    """A filter on the table's first column that hides its first data row, as Excel stores
    it: criteria in the table's autoFilter, the row hidden in the sheet."""

    def edit(parts: dict[str, bytes]) -> None:
        tpart = next(
            n
            for n in parts
            if n.startswith("xl/tables/") and f'name="{spec.table}"'.encode() in parts[n]
        )
        table = parts[tpart].decode()
        auto = re.search(r'<autoFilter ref="([^"]+)"\s*/>', table)
        assert auto is not None, spec.table
        parts[tpart] = table.replace(
            auto.group(0),
            f'<autoFilter ref="{auto.group(1)}"><filterColumn colId="0"><filters blank="1">'
            "</filters></filterColumn></autoFilter>",
        ).encode()
        sheet = sheet_part(parts, spec.sheet)
        xml = parts[sheet].decode()
        row = f'<row r="{FILTER_HIDES}"'
        assert row in xml, spec.table
        parts[sheet] = xml.replace(row, row + ' hidden="1"', 1).encode()

    rewrite(path, edit)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    world = _world()
    names = _names(world)
    out = {}
    for habit in HABITS:
        edit = add_clerk_column if habit == "added-column" else None
        rows = world
        if habit == "filtered-total-row":
            rows = {**world, **world_rows({s.key: r for s, r in OLD_ROWS.items()})}
        path = build(tmp_path_factory.mktemp(habit) / "名簿.xlsx", rows, edit=edit)
        if habit in ("total-row", "filtered-total-row"):
            for spec, counted in TOTALLED:
                add_total_row(path, spec, counted)
        if habit == "filtered-total-row":
            for spec in OLD_ROWS:
                _filter_first_row(path, spec)
        elif habit == "calculated":
            for spec, key in CALCULATED:
                add_calculated_column(path, spec, key)
        ime_typed(path, names)
        if habit == "filtered":
            add_habits(path)
            _hide_row_4(path)
        out[habit] = path
    return out


def _live_book(path: Path) -> FakeBook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns (in English) about parts it drops
        wb = load_workbook(path)
    try:
        return FakeBook.from_openpyxl(wb, path.name)
    finally:
        wb.close()


def _in_file(path: Path) -> tuple[dict[str, set[int]], dict[str, list[int]], set[str]]:
    """Each sheet's hidden rows, each table's bounds [top, left, bottom, right] and the
    tables filtered, as the file holds them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    try:
        hidden = {
            ws.title: {int(r) for r, d in ws.row_dimensions.items() if d.hidden}
            for ws in wb.worksheets
        }
        bounds: dict[str, list[int]] = {}
        filtered: set[str] = set()
        for ws in wb.worksheets:
            for table in ws.tables.values():
                left, top, right, bottom = range_boundaries(table.ref)
                bounds[table.name] = [int(v or 0) for v in (top, left, bottom, right)]
                if table.autoFilter is not None and table.autoFilter.filterColumn:
                    filtered.add(table.name)
        return hidden, bounds, filtered
    finally:
        wb.close()


def _by_key(
    rows: list[tuple[object, ...]], spec: TableSpec, headers: list[str]
) -> dict[str, list[object]]:
    """Each schema column's cells, wherever the column stands in the table."""
    out = {}
    for col in spec.columns:
        if spec is schema.LOG and col.key == "at":  # each run's own time
            continue
        at = headers.index(col.header)
        out[col.key] = [norm(r[at]) if at < len(r) else None for r in rows]
    return out


def _cells(engine: PatchEngine | LiveEngine, spec: TableSpec) -> dict[str, list[object]]:
    raw = engine.read_table(spec)
    return _by_key(list(raw.rows), spec, [str(h).strip() for h in raw.headers])


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "per-object"])
@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
@pytest.mark.parametrize("habit", HABITS)
def test_live_excel_and_the_file_agree_on_what_staff_did(
    books: dict[str, Path], tmp_path: Path, habit: str, verb: str, batch: bool
) -> None:
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(books[habit].read_bytes())
    book = _live_book(path)
    register = book.data[REG.sheet]
    filtered = habit == "filtered"
    name_col = 1 + REG.columns.index(REG.col("name"))
    if filtered:  # the fake took the filter and its hidden rows from the file
        assert register.hidden == set(HIDDEN) and register.filtered == {REG.table}
        assert {r: register.get(r, name_col) for r in HIDDEN} == HIDDEN

    hidden_before, _, filtered_before = _in_file(path)
    assert {n: d.hidden for n, d in book.data.items()} == hidden_before
    assert set().union(*(d.filtered for d in book.data.values())) == filtered_before
    if habit == "filtered-total-row":
        for spec in OLD_ROWS:
            assert book.data[spec.sheet].hidden == {FILTER_HIDES}, spec.table

    for _ in range(2):  # the second run writes over the first one's rows and logs below it
        on_file = actions.ACTIONS[verb](PatchEngine(path), TODAY)
        on_live = actions.ACTIONS[verb](LiveEngine(book, batch=batch), TODAY)
        assert on_live.issues == on_file.issues
        assert on_live.counts == on_file.counts

    file_engine, live_engine = PatchEngine(path), LiveEngine(book, batch=batch)
    for spec in COMPARED:
        assert _cells(live_engine, spec) == _cells(file_engine, spec), (habit, verb, spec.table)
    assert len(live_engine.read_table(REG).rows) == 3  # the hidden people are people too
    # The jobs did their work in the hidden rows, in Excel as in the file.
    written = _cells(live_engine, REG)
    if verb == "number":
        assert written["reg_no"][1] is not None  # 鈴木 got his number
    if verb == "expiries":
        assert written["state"][2] == "期限間近"  # 佐藤
        assert "佐藤　花子" in _cells(live_engine, schema.EXPIRING)["name"]

    # Both keep the same rows hidden, the same filters, the tables at the same places (a
    # Total Row moved down by ListRows.Add as in the file, never over a hidden row).
    hidden, bounds, filtered_tables = _in_file(path)
    assert {n: d.hidden for n, d in book.data.items()} == hidden == hidden_before
    assert set().union(*(d.filtered for d in book.data.values())) == filtered_tables
    assert filtered_tables == filtered_before
    for data in book.data.values():
        for table, (top, left, bottom, right) in data.tables.items():
            f_top, f_left, f_bottom, f_right = bounds[table]
            assert (top, left, right) == (f_top, f_left, f_right), table
            if bottom == f_bottom:
                continue
            # Known difference: written over with fewer rows, a table with a Total Row keeps
            # its height in Excel (the live engine blanks the rows it does not need rather
            # than deleting them); the file's table shrinks. The extra rows are blank.
            assert data.totals.get(table) and bottom > f_bottom, table
            extra = range(f_bottom, bottom)  # the rows above the live Total Row
            assert all(data.get(r, c) is None for r in extra for c in range(left, right + 1))
    if filtered:  # Excel re-filters nothing on a write: the same rows hidden, the filter kept
        assert register.hidden == set(HIDDEN)
        assert register.filtered == {REG.table}
        assert {r: register.get(r, name_col) for r in HIDDEN} == HIDDEN
