"""Tables with a Total Row, as Excel writes them (#12 item 3).

Staff turn on Table Design → Total Row: the table's ref then takes one more row, the table part
says totalsRowCount="1", its autoFilter stops one row above, and the row holds a label and
SUBTOTAL formulas over the column (structured references). Each job must read data rows only,
add rows above the Total Row (which moves down, its formulas kept) and leave the table's
totals and filter right, on both file engines. The workbooks are stored the way Excel stores
them (shared strings with furigana runs, spans, relative targets: util.excel_like).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from addin.fakexl import FakeBook
from conftest import TODAY, base_world, invoke, world_rows
from lxml import etree  # type: ignore[import-untyped]
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.grid import col_letter, parse_span
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.engine.protocol import Engine
from hikisup_xl.jobs import ledger as actions

from .util import build, excel_like, members, norm, rewrite, sheet_part

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
LABEL = "集計"
# (table, the column counted in its Total Row)
TOTALLED = (
    (schema.REGISTER, "name"),
    (schema.TRAINEES, "name"),
    (schema.LOG, None),
    (schema.ISSUES, None),
    (schema.EXPIRING, None),
)


def _table_part(parts: dict[str, bytes], spec: TableSpec) -> str:
    return next(
        n
        for n in parts
        if n.startswith("xl/tables/") and f'name="{spec.table}"'.encode() in parts[n]
    )


def add_total_row(path: Path, spec: TableSpec, counted: str | None) -> int:
    """Turn on the table's Total Row as Excel does; returns the Total Row's sheet row."""
    found: list[int] = []

    def edit(parts: dict[str, bytes]) -> None:
        tpart = _table_part(parts, spec)
        table = parts[tpart].decode()
        ref = re.search(r' ref="([A-Z]+\d+:[A-Z]+\d+)"', table)
        assert ref is not None
        min_col, min_row, max_col, max_row = parse_span(ref.group(1))
        total = max_row + 1
        found.append(total)
        new_ref = f"{col_letter(min_col)}{min_row}:{col_letter(max_col)}{total}"
        table = table.replace(f' ref="{ref.group(1)}"', f' ref="{new_ref}" totalsRowCount="1"', 1)
        first = spec.columns[0].header
        table = table.replace(f'name="{first}"/>', f'name="{first}" totalsRowLabel="{LABEL}"/>')
        cells = f'<c r="{col_letter(min_col)}{total}" t="inlineStr"><is><t>{LABEL}</t></is></c>'
        if counted is not None:
            header = spec.col(counted).header
            table = table.replace(
                f'name="{header}"/>', f'name="{header}" totalsRowFunction="count"/>'
            )
            col = col_letter(min_col + spec.columns.index(spec.col(counted)))
            cells += f'<c r="{col}{total}"><f>SUBTOTAL(103,{spec.table}[{header}])</f><v>1</v></c>'
        parts[tpart] = table.encode()
        sheet = sheet_part(parts, spec.sheet)
        xml = parts[sheet].decode()
        assert f'<row r="{total}"' not in xml
        parts[sheet] = xml.replace(
            "</sheetData>", f'<row r="{total}">{cells}</row></sheetData>'
        ).encode()

    rewrite(path, edit)
    return found[0]


@pytest.fixture(scope="module")
def totalled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build(tmp_path_factory.mktemp("totals") / "名簿.xlsx", world_rows(base_world()))
    for spec, counted in TOTALLED:
        add_total_row(path, spec, counted)
    return excel_like(path)


def _table(path: Path, spec: TableSpec) -> tuple[tuple[int, int, int, int], str, str | None]:
    parts = members(path)
    root = etree.fromstring(parts[_table_part(parts, spec)])
    auto = root.find(f"{MAIN}autoFilter")
    return (
        parse_span(root.get("ref")),
        root.get("totalsRowCount"),
        auto.get("ref") if auto is not None else None,
    )


def _assert_total_row_kept(path: Path, spec: TableSpec, counted: str | None) -> int:
    (min_col, min_row, max_col, max_row), totals, auto = _table(path, spec)
    assert totals == "1", spec.table
    assert auto == f"{col_letter(min_col)}{min_row}:{col_letter(max_col)}{max_row - 1}"
    wb = load_workbook(path)
    ws = wb[spec.sheet]
    assert ws.cell(max_row, min_col).value == LABEL, (spec.table, max_row)
    if counted is not None:
        col = min_col + spec.columns.index(spec.col(counted))
        assert (
            ws.cell(max_row, col).value
            == f"=SUBTOTAL(103,{spec.table}[{spec.col(counted).header}])"
        )
        others = [ws.cell(max_row, c).value for c in range(min_col + 1, max_col + 1) if c != col]
        assert others == [None] * len(others), (spec.table, others)
    wb.close()
    return max_row


@pytest.fixture(params=["patch", "openpyxl"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HIKISUP_ENGINE", str(request.param))
    return str(request.param)


def test_the_total_row_is_not_a_person(totalled: Path, tmp_path: Path, engine: str) -> None:
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(totalled.read_bytes())
    register_total = _table(path, schema.REGISTER)[0][3]
    result = invoke("check", path, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output  # base_world is clean: the totals add nothing
    assert f"{schema.REGISTER.sheet} {register_total}行目" not in result.output


@pytest.mark.parametrize("verb", ["check", "number", "expiries"])
def test_every_job_keeps_the_total_row_below_the_data(
    totalled: Path, tmp_path: Path, engine: str, verb: str
) -> None:
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(totalled.read_bytes())
    before = {spec.table: _table(path, spec)[0][3] for spec, _ in TOTALLED}
    log_rows = len(PatchEngine(path).read_table(schema.LOG).rows)
    result = invoke(verb, path, "--today", TODAY.isoformat())
    assert result.exit_code in (0, 1), result.output
    for spec, counted in TOTALLED:
        total = _assert_total_row_kept(path, spec, counted)
        if spec in (schema.REGISTER, schema.TRAINEES):  # data tables: no row added
            assert total == before[spec.table], (verb, spec.table)
    # The 操作履歴 line went above the Total Row, which moved down by one.
    log = PatchEngine(path).read_table(schema.LOG)
    assert len(log.rows) == log_rows + 1
    assert _table(path, schema.LOG)[0][3] == log.row_numbers[-1] + 1


def test_rows_added_above_a_total_row_grow_its_a1_ranges(tmp_path: Path, engine: str) -> None:
    path = build(tmp_path / "名簿.xlsx", world_rows(base_world()))
    total = add_total_row(path, schema.LOG, None)
    sheet_ref = f"A2:A{total - 1}"  # a clerk's own SUBTOTAL over the data rows, in A1 style

    def edit(parts: dict[str, bytes]) -> None:
        name = sheet_part(parts, schema.LOG.sheet)
        parts[name] = parts[name].replace(
            f'<row r="{total}">'.encode(),
            f'<row r="{total}"><c r="B{total}"><f>SUBTOTAL(103,{sheet_ref})</f></c>'.encode(),
        )

    rewrite(path, edit)
    excel_like(path)
    for _ in range(3):  # the first line may fill the template's blank row; the others add
        invoke("expiries", path, "--today", TODAY.isoformat())
    moved = _table(path, schema.LOG)[0][3]
    assert moved > total
    wb = load_workbook(path)
    assert wb[schema.LOG.sheet].cell(moved, 2).value == f"=SUBTOTAL(103,A2:A{moved - 1})"
    wb.close()


# -- the same cells in live Excel (#12 item 4) ---------------------------------------------------
def _live_table(book: FakeBook, spec: TableSpec) -> tuple[list[list[object]], int]:
    data = book.data[spec.sheet]
    top, left, bottom, right = data.tables[spec.table]
    rows = [[norm(data.get(r, c)) for c in range(left, right + 1)] for r in range(top, bottom)]
    return _trim(rows), bottom


def _file_table(path: Path, spec: TableSpec) -> tuple[list[list[object]], int]:
    (min_col, min_row, max_col, max_row), _, _ = _table(path, spec)
    wb = load_workbook(path)
    ws = wb[spec.sheet]
    rows = [
        [norm(v) for v in r]
        for r in ws.iter_rows(
            min_row=min_row, max_row=max_row - 1, min_col=min_col, max_col=max_col, values_only=True
        )
    ]
    wb.close()
    return _trim(rows), max_row


def _trim(rows: list[list[object]]) -> list[list[object]]:
    return [r for r in rows if any(v is not None for v in r)]


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "per-object"])
@pytest.mark.parametrize("verb", ["check", "number", "expiries"])
def test_live_excel_and_the_file_agree_on_a_total_row(
    totalled: Path, tmp_path: Path, verb: str, batch: bool
) -> None:
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(totalled.read_bytes())
    wb = load_workbook(path)
    book = FakeBook.from_openpyxl(wb, path.name)
    wb.close()
    for _ in range(2):  # the second run appends below the first one's 操作履歴 line
        on_file = actions.ACTIONS[verb](PatchEngine(path), TODAY)
        on_live = actions.ACTIONS[verb](LiveEngine(book, batch=batch), TODAY)
        assert on_live.issues == on_file.issues
    for spec, counted in TOTALLED:
        live, live_bottom = _live_table(book, spec)
        file, file_bottom = _file_table(path, spec)
        assert live_bottom == file_bottom, spec.table
        if spec is not schema.LOG:  # the log lines carry the time of each run
            assert live == file, spec.table
        else:
            assert len(live) == len(file)
        _, left, bottom, _ = book.data[spec.sheet].tables[spec.table]
        assert book.data[spec.sheet].get(bottom, left) == LABEL
        if counted is not None:
            col = left + spec.columns.index(spec.col(counted))
            assert book.data[spec.sheet].formulas[(bottom, col)].startswith("=SUBTOTAL(103,")


def _issue_rows(n: int) -> list[tuple[object, ...]]:
    width = len(schema.ISSUES.columns)
    return [tuple(f"行{i}-{c}" for c in range(width)) for i in range(n)]


@pytest.mark.parametrize("file_engine", [PatchEngine, FileEngine])
@pytest.mark.parametrize("sizes", [(3, 1), (1, 4), (5, 0)])
def test_replacing_rows_keeps_the_total_row_right_below_them(
    totalled: Path, tmp_path: Path, sizes: tuple[int, int], file_engine: type[Engine]
) -> None:
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(totalled.read_bytes())
    wb = load_workbook(path)
    book = FakeBook.from_openpyxl(wb, path.name)
    wb.close()
    spec = schema.ISSUES
    for n in sizes:
        for engine in (file_engine(path), LiveEngine(book)):  # type: ignore[call-arg]
            engine.replace_rows(spec, _issue_rows(n))
            engine.save()
        (_, min_row, _, max_row), totals, _ = _table(path, spec)
        assert totals == "1"
        assert max_row == min_row + max(1, n) + 1, n
        assert _assert_total_row_kept(path, spec, None) == max_row
        assert PatchEngine(path).read_table(spec).rows == _issue_rows(n)
        live = LiveEngine(book).read_table(spec).rows
        assert live == _issue_rows(n)
        top, left, bottom, _ = book.data[spec.sheet].tables[spec.table]
        assert book.data[spec.sheet].get(bottom, left) == LABEL
        assert bottom >= top + max(1, n) + 1
