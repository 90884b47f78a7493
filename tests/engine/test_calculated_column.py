"""A calculated column a clerk added inside a table, as Excel writes it (#12 items 3 and 4).

The clerk types =[@氏名]&"様" into a new column at the right of the table; Excel stores the
formula on the table column (calculatedColumnFormula) and in every data row, and a blank row
of the table shows 「様」. That row is not a person; every new row gets the formula; the
patch engine, the openpyxl engine and live Excel agree.
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
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.jobs import ledger as actions

from .util import build, excel_like, members, rewrite, sheet_part

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEADER = "敬称付き"
# (table, the column the formula refers to)
CALCULATED = ((schema.REGISTER, "name"), (schema.LOG, "action"))


def _formula(spec: TableSpec, key: str) -> str:
    return f'{spec.table}[[#This Row],[{spec.col(key).header}]]&"様"'


def add_calculated_column(path: Path, spec: TableSpec, key: str) -> tuple[int, int]:
    """A calculated column at the table's right, and one more (blank) row in the table, as
    Excel stores them; returns (the column, the blank row)."""
    found: list[tuple[int, int]] = []

    def edit(parts: dict[str, bytes]) -> None:
        tpart = next(
            n
            for n in parts
            if n.startswith("xl/tables/") and f'name="{spec.table}"'.encode() in parts[n]
        )
        table = parts[tpart].decode()
        ref = re.search(r' ref="([A-Z]+\d+:[A-Z]+\d+)"', table)
        assert ref is not None
        min_col, min_row, max_col, max_row = parse_span(ref.group(1))
        col, blank = max_col + 1, max_row + 1
        found.append((col, blank))
        new_ref = f"{col_letter(min_col)}{min_row}:{col_letter(col)}{blank}"
        table = table.replace(f'ref="{ref.group(1)}"', f'ref="{new_ref}"')
        count = re.search(r'<tableColumns count="(\d+)"', table)
        assert count is not None
        n = int(count.group(1)) + 1
        table = table.replace(count.group(0), f'<tableColumns count="{n}"')
        formula = _formula(spec, key).replace("&", "&amp;").replace('"', "&quot;")
        table = table.replace(
            "</tableColumns>",
            f'<tableColumn id="{n}" name="{HEADER}"><calculatedColumnFormula>'
            f"{formula}</calculatedColumnFormula></tableColumn></tableColumns>",
        )
        parts[tpart] = table.encode()
        sheet = sheet_part(parts, spec.sheet)
        xml = parts[sheet].decode()
        letter = col_letter(col)
        cell_formula = _formula(spec, key).replace("&", "&amp;")
        for row in range(min_row, blank + 1):
            if row == min_row:
                cell = f'<c r="{letter}{row}" t="inlineStr"><is><t>{HEADER}</t></is></c>'
            else:
                cell = f'<c r="{letter}{row}" t="str"><f>{cell_formula}</f><v>様</v></c>'
            match = re.search(rf'<row r="{row}"[^>]*>.*?</row>', xml)
            if match is None:
                xml = xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')
            else:
                xml = xml.replace(
                    match.group(0), match.group(0)[: -len("</row>")] + cell + "</row>"
                )
        parts[sheet] = xml.encode()

    rewrite(path, edit)
    return found[0]


@pytest.fixture(scope="module")
def calculated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, int]]]:
    path = build(tmp_path_factory.mktemp("calc") / "名簿.xlsx", world_rows(base_world()))
    where = {spec.table: add_calculated_column(path, spec, key) for spec, key in CALCULATED}
    return excel_like(path), where


@pytest.fixture(params=["patch", "openpyxl"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HIKISUP_ENGINE", str(request.param))
    return str(request.param)


@pytest.mark.parametrize("verb", ["check", "number", "expiries"])
def test_a_row_showing_only_a_calculated_column_is_not_data(
    calculated: tuple[Path, dict[str, tuple[int, int]]], tmp_path: Path, engine: str, verb: str
) -> None:
    source, where = calculated
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(source.read_bytes())
    _, blank = where[schema.REGISTER.table]
    result = invoke(verb, path, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output  # base_world is clean: the blank row adds nothing
    wb = load_workbook(path)
    ws = wb[schema.REGISTER.sheet]
    width = len(schema.REGISTER.columns)
    assert [ws.cell(blank, c).value for c in range(1, width + 1)] == [None] * width
    # The 操作履歴 line went into the log's blank row or below; every log row has the formula.
    col, _ = where[schema.LOG.table]
    log = wb[schema.LOG.sheet]
    ((_, min_row, max_col, max_row),) = [
        parse_span(etree.fromstring(v).get("ref"))
        for n, v in members(path).items()
        if n.startswith("xl/tables/") and f'name="{schema.LOG.table}"'.encode() in v
    ]
    assert max_col == col
    for row in range(min_row + 1, max_row + 1):
        assert log.cell(row, col).value == "=" + _formula(schema.LOG, "action"), row
    assert any(log.cell(row, 1).value for row in range(min_row + 1, max_row + 1))
    wb.close()


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "per-object"])
@pytest.mark.parametrize("verb", ["check", "number", "expiries"])
def test_live_excel_and_the_file_agree_on_a_calculated_column(
    calculated: tuple[Path, dict[str, tuple[int, int]]], tmp_path: Path, verb: str, batch: bool
) -> None:
    source, _ = calculated
    path = tmp_path / "名簿.xlsx"
    path.write_bytes(source.read_bytes())
    wb = load_workbook(path)
    book = FakeBook.from_openpyxl(wb, path.name)
    wb.close()
    for _ in range(3):  # later runs add rows to the log (its blank row is used once)
        on_file = actions.ACTIONS[verb](PatchEngine(path), TODAY)
        on_live = actions.ACTIONS[verb](LiveEngine(book, batch=batch), TODAY)
        assert on_live.issues == on_file.issues
        assert len(PatchEngine(path).read_table(schema.LOG).rows) == len(
            LiveEngine(book, batch=batch).read_table(schema.LOG).rows
        )
    for spec, key in CALCULATED:
        data = book.data[spec.sheet]
        top, _, bottom, right = data.tables[spec.table]
        formulas = [data.formulas.get((r, right)) for r in range(top + 1, bottom + 1)]
        assert formulas == ["=" + _formula(spec, key)] * (bottom - top), spec.table
