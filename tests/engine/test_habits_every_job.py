"""What staff do in Excel survives every job, on both file engines (#12 items 1 and 3).

Four workbooks, each stored the way Japanese Excel stores text typed through the IME (every
string in the shared strings with the reading the IME kept, <phoneticPr> on the strings and
the sheets, the name cells showing their furigana: util.ime_typed), each with one more habit
(and the IME-typed workbook with none, run beside the fourth to compare):
- total-row: Table Design → Total Row on 登録名簿, 研修受講者, 操作履歴, チェック結果, 期限一覧;
- calculated: a calculated column in 登録名簿 and 操作履歴;
- habits: a filtered and sorted register with a hidden row, shared formulas and a calcChain,
  a note, a custom table style, frozen panes and a sheet of the clerk's own;
- added-column: a column the clerk inserted in the middle of the register table (right of
  氏名), its validations and conditional formats moved right as Excel moves them.

Each goes through every job that reads or writes the workbook (every_job.JOBS); after it, the
workbook and every other file the job wrote pass the OOXML validator with no finding, the
habit is still there and still right, and the patch engine keeps the readings.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, world_rows
from lxml import etree  # type: ignore[import-untyped]
from ooxml.every_job import ADDS_PEOPLE, JOBS, Run, prefecture_roster
from ooxml.schemas import require_schemas
from ooxml.validator import validate
from openpyxl import load_workbook
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.table import TableColumn

from hikisup_xl import registry
from hikisup_xl.core import schema
from hikisup_xl.core.grid import col_letter, parse_span
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.engine.ooxml import parse_ref
from hikisup_xl.engine.patch import PatchEngine

from .test_calculated_column import CALCULATED, _formula, add_calculated_column
from .test_excel_habits import ADDED, COMMENT, MEMO_SHEET, SHARED, STYLE, _world, add_habits
from .test_total_row import LABEL, TOTALLED, _table, add_total_row
from .util import build, ime_typed, members, sheet_part

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ENGINES = ("patch", "openpyxl")
HABITS = ("total-row", "calculated", "habits", "added-column")
CLERK_COLUMN = "呼び名"
CLERK_VALUE = "たろちゃん"
CLERK_AT = schema.REGISTER.column_number("name") + 1  # inserted right of 氏名


def _shift_range(ref: str) -> str:
    c1, r1, c2, r2 = range_boundaries(ref)
    c1 += c1 >= CLERK_AT
    c2 += c2 >= CLERK_AT
    return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


def _shift_formula(formula: str) -> str:
    def shift(m: re.Match[str]) -> str:
        col = column_index_from_string(m.group(1))
        return f"${get_column_letter(col + (col >= CLERK_AT))}"

    return re.sub(r"\$([A-Z]{1,3})(?=\d)", shift, formula)


def add_clerk_column(wb: Workbook) -> None:
    """Insert a column in the register table as Excel does (Home → Insert → Table Columns to
    the Left): the cells, the table's columns, its validations and conditional formats move."""
    ws = wb[schema.REGISTER.sheet]
    ws.insert_cols(CLERK_AT)
    table = ws.tables[schema.REGISTER.table]
    c1, r1, _, _ = range_boundaries(table.ref)
    table.ref = _shift_range(table.ref)
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    if table.tableColumns:  # else openpyxl names them from the header cells when saving
        next_id = max(c.id for c in table.tableColumns) + 1
        table.tableColumns.insert(CLERK_AT - c1, TableColumn(id=next_id, name=CLERK_COLUMN))
    ws.cell(r1, CLERK_AT, CLERK_COLUMN)
    ws.cell(r1 + 1, CLERK_AT, CLERK_VALUE)
    for dv in ws.data_validations.dataValidation:
        dv.sqref = MultiCellRange(" ".join(_shift_range(r) for r in str(dv.sqref).split()))
    moved = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            rule.formula = [_shift_formula(f) for f in rule.formula]
            moved.add(" ".join(_shift_range(r) for r in str(cf.sqref).split()), rule)
    ws.conditional_formatting = moved


def _habit_world() -> dict[str, list[tuple[object, ...]]]:
    """Two registered people (the second hidden by the habits' filter) and a dispatch waiting
    for a supporter (派遣候補 needs one)."""
    rows = world_rows(
        {
            "dispatches": [
                {
                    "dispatch_id": "D00002",
                    "requested": dt.date(2026, 11, 1),
                    "case_id": "C0001",
                    "requester": "本人",
                    "state": "調整中",
                }
            ]
        }
    )
    world = _world()
    world["dispatches"] = world["dispatches"] + rows["dispatches"]
    return world


def _names(world: dict[str, list[tuple[object, ...]]]) -> dict[str, str]:
    """氏名 → ふりがな of everyone typed in: the readings the IME kept."""
    out = {}
    for key in ("register", "trainees"):
        spec = schema.BY_KEY[key]
        name, kana = spec.columns.index(spec.col("name")), spec.columns.index(spec.col("kana"))
        out |= {str(r[name]): str(r[kana]) for r in world.get(key, []) if r[name] and r[kana]}
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_schemas()
    world = _habit_world()
    names = _names(world)
    out = {}
    for habit in (*HABITS, "plain"):
        edit = add_clerk_column if habit == "added-column" else None
        path = build(tmp_path_factory.mktemp(habit) / "名簿.xlsx", world, edit=edit)
        if habit == "total-row":
            for spec, counted in TOTALLED:
                add_total_row(path, spec, counted)
        elif habit == "calculated":
            for spec, key in CALCULATED:
                add_calculated_column(path, spec, key)
        ime_typed(path, names)
        if habit == "habits":
            add_habits(path)
        assert validate(path) == [], habit  # Excel would open each without a word
        out[habit] = path
    return out


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prefecture_roster(tmp_path_factory.mktemp("prefecture"), TODAY)


def test_every_job_is_here() -> None:
    assert set(JOBS) == {j.name for j in registry.JOBS if j.workbook}


def _readings(path: Path) -> dict[str, str]:
    engine = PatchEngine(path)
    raw = engine.read_table(schema.REGISTER)
    name = raw.position("name")
    assert name is not None
    return {str(raw.rows[i][name]): r for i, r in engine.read_readings(raw, "name").items()}


# -- each habit, still right -------------------------------------------------------------------
def _total_rows_kept(path: Path, job: str) -> None:
    """test_total_row's checks, on one load of the workbook: totals row count, the filter
    above it, its label and SUBTOTAL kept, and right below the data (never among it)."""
    wb = load_workbook(path)
    try:
        for spec, counted in TOTALLED:
            (min_col, min_row, max_col, bottom), totals, auto = _table(path, spec)
            assert totals == "1", (job, spec.table)
            assert auto == f"{col_letter(min_col)}{min_row}:{col_letter(max_col)}{bottom - 1}"
            ws = wb[spec.sheet]
            assert ws.cell(bottom, min_col).value == LABEL, (job, spec.table)
            if counted is not None:
                header = spec.col(counted).header
                col = min_col + spec.columns.index(spec.col(counted))
                formula = f"=SUBTOTAL(103,{spec.table}[{header}])"
                assert ws.cell(bottom, col).value == formula, (job, spec.table)
            data = PatchEngine(path).read_table(spec)
            # the table's one blank row when it has no data
            assert bottom == max([min_row + 1, *data.row_numbers]) + 1, (job, spec.table)
    finally:
        wb.close()


def _table_root(path: Path, spec: TableSpec) -> etree._Element:
    parts = members(path)
    name = next(
        n
        for n in parts
        if n.startswith("xl/tables/") and f'name="{spec.table}"'.encode() in parts[n]
    )
    return etree.fromstring(parts[name])


def _formulas(path: Path, sheet: str, column: int) -> dict[int, str]:
    """Row → the formula of the cell in `column`, from the sheet's XML (no workbook load)."""
    parts = members(path)
    out = {}
    for cell in etree.fromstring(parts[sheet_part(parts, sheet)]).iter(f"{MAIN}c"):
        row, col = parse_ref(cell.get("r"))
        f = cell.find(f"{MAIN}f")
        if col == column and f is not None:
            out[row] = "=" + (f.text or "")
    return out


def _calculated_kept(path: Path, job: str) -> None:
    for spec, key in CALCULATED:
        table = _table_root(path, spec)
        column = table.findall(f"{MAIN}tableColumns/{MAIN}tableColumn")[-1]
        kept = column.findtext(f"{MAIN}calculatedColumnFormula")
        assert kept == _formula(spec, key), (job, spec.table)
        _, min_row, max_col, max_row = parse_span(table.get("ref"))
        formulas = _formulas(path, spec.sheet, max_col)
        rows = range(min_row + 1, max_row + 1)
        assert [formulas.get(r) for r in rows] == ["=" + _formula(spec, key)] * len(rows), (
            job,
            spec.table,
        )
        # every person (those a job added too) is a data row of the table
        for r in PatchEngine(path).read_table(spec).row_numbers:
            assert min_row < r <= max_row, (job, spec.table, r)


def _habits_kept(path: Path, job: str, source: Path, engine: str) -> None:
    before, after = members(source), members(path)
    if engine == "patch":
        for part in ADDED:  # the note, its VML, the clerk's sheet: copied as they were
            assert after[part] == before[part], (job, part)
    else:  # openpyxl writes every part anew: the note and the clerk's sheet, as values
        wb = load_workbook(path)
        comment = wb[schema.REGISTER.sheet]["C3"].comment
        assert comment is not None and COMMENT in comment.text, job
        assert wb[MEMO_SHEET]["A1"].value == "引き継ぎ", job
        wb.close()
    sheet = etree.fromstring(after[sheet_part(after, schema.REGISTER.sheet)])
    assert {r.get("r"): r.get("hidden") for r in sheet.iter(f"{MAIN}row")}["3"] == "1", job
    assert sheet.find(f".//{MAIN}pane").get("state") == "frozen", job
    if engine == "patch":
        shared = [f.get("t") for f in sheet.iter(f"{MAIN}f") if f.get("si") == "0"]
        assert shared == ["shared", "shared"], job
    else:  # openpyxl writes a shared formula out into each cell: the same formulas
        wb = load_workbook(path)
        ws = wb[schema.REGISTER.sheet]
        assert [ws[f"{SHARED}{r}"].value for r in (2, 3)] == ["=LEN(C2)", "=LEN(C3)"], job
        wb.close()
    table = _table_root(path, schema.REGISTER)
    assert table.find(f"{MAIN}tableStyleInfo").get("name") == STYLE, job
    assert table.find(f"{MAIN}autoFilter/{MAIN}filterColumn") is not None, job
    assert f'name="{MEMO_SHEET}"'.encode() in after["xl/workbook.xml"], job


def _by_key(path: Path, spec: TableSpec) -> dict[str, list[object]]:
    raw = PatchEngine(path).read_table(spec)
    return {c.key: raw.column(c.key) for c in spec.columns}


def _clerk_column_kept(path: Path, job: str, plain: Path) -> None:
    table = _table_root(path, schema.REGISTER)
    c1, r1, c2, _ = parse_span(table.get("ref"))
    names = [c.get("name") for c in table.iter(f"{MAIN}tableColumn")]
    assert names[CLERK_AT - c1] == CLERK_COLUMN and len(names) == c2 - c1 + 1, job
    wb = load_workbook(path)
    ws = wb[schema.REGISTER.sheet]
    assert [ws.cell(r1 + i, CLERK_AT).value for i in (0, 1, 2)] == [CLERK_COLUMN, CLERK_VALUE, None]
    wb.close()
    # The job wrote every column by its header, as on the workbook without the clerk's column.
    for spec in (schema.REGISTER, schema.TRAINEES):
        assert _by_key(path, spec) == _by_key(plain, spec), (job, spec.table)


CHECKS: dict[str, Callable[[Path, str, Path, str], None]] = {
    "total-row": lambda path, job, source, engine: _total_rows_kept(path, job),
    "calculated": lambda path, job, source, engine: _calculated_kept(path, job),
    "habits": _habits_kept,
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("job", sorted(JOBS))
@pytest.mark.parametrize("habit", HABITS)
def test_every_job_keeps_what_staff_did_and_writes_valid_files(
    books: dict[str, Path],
    roster: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    habit: str,
    job: str,
    engine: str,
) -> None:
    monkeypatch.setenv("HIKISUP_ENGINE", engine)
    source = books[habit]
    path = tmp_path / "名簿.xlsx"
    shutil.copyfile(source, path)
    readings = _readings(source)
    assert readings == {"山田　太郎": "ヤマダ\u3000タロウ", "佐藤　花子": "サトウ\u3000ハナコ"}
    people = len(PatchEngine(source).read_table(schema.REGISTER).rows)

    outputs = JOBS[job](Run(path, tmp_path, TODAY, 2026, roster))

    for out in (path, *outputs):
        assert validate(out) == [], (habit, job, engine, out.name)
    if habit == "added-column":  # the same job on the workbook without the clerk's column
        plain = tmp_path / "plain" / "名簿.xlsx"
        plain.parent.mkdir()
        shutil.copyfile(books["plain"], plain)
        plain_outputs = JOBS[job](Run(plain, plain.parent, TODAY, 2026, roster))
        for out in (plain, *plain_outputs):  # the workbook with IME-typed text alone
            assert validate(out) == [], ("plain", job, engine, out.name)
        if engine == "patch":
            assert _readings(plain) == readings, ("plain", job)
        _clerk_column_kept(path, job, plain)
    else:
        CHECKS[habit](path, job, source, engine)
    after = PatchEngine(path).read_table(schema.REGISTER)
    assert len(after.rows) == people + (2 if job in ADDS_PEOPLE else 0)
    if engine == "patch":  # the openpyxl fallback drops every reading (openpyxl cannot keep them)
        assert _readings(path) == readings, (habit, job)
