"""Reading: the patch engine hands the rules what the openpyxl engine does."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import base_world, invoke, world_rows
from openpyxl.workbook.workbook import Workbook
from python_calamine import CalamineWorkbook

from hikisup_xl.core import schema
from hikisup_xl.core.book import load_book
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.rules import run_rules
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine.cellread import from_serial
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.patch import PatchEngine, to_serial
from hikisup_xl.engine.protocol import Engine
from hikisup_xl.engine.safety import OLE_MAGIC
from hikisup_xl.session import read_settings

from .util import TODAY, build, excel_like

D = dt.date


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    return build(path, generate(TODAY), settings=DEMO_SETTINGS)


@pytest.fixture(scope="module")
def demo_excel(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workbook stored the way Excel stores it (shared strings, relative targets)."""
    path = tmp_path_factory.mktemp("excel") / "demo.xlsx"
    shutil.copyfile(demo, path)
    return excel_like(path)


def _issues(engine: Engine) -> list[object]:
    settings, _ = read_settings(engine)
    return list(run_rules(load_book(engine.read_table, settings, TODAY)))


def test_every_table_reads_as_through_openpyxl(demo: Path) -> None:
    file, patch = FileEngine(demo), PatchEngine(demo)
    for spec in schema.TABLES:
        a, b = file.read_table(spec), patch.read_table(spec)
        assert b.headers == a.headers, spec.key
        assert b.row_numbers == a.row_numbers, spec.key
        assert b.col_letters == a.col_letters, spec.key
        assert b.header_row == a.header_row
        # Same values and same types (datetime, time, int, str), cell for cell.
        for ra, rb in zip(a.rows, b.rows, strict=True):
            assert [(type(v), v) for v in rb] == [(type(v), v) for v in ra], spec.key
    assert patch.read_snapshot() == file.read_snapshot()


def test_rules_give_the_same_issues_through_either_engine(demo: Path) -> None:
    expected = _issues(FileEngine(demo))
    assert len(expected) > 5  # the demo plants mistakes
    assert _issues(PatchEngine(demo)) == expected


def _type_below(wb: Workbook) -> None:
    """A clerk's rows typed just below two tables (Excel did not take them in)."""
    for spec, values in (
        (schema.REGISTER, {"name": "下に入力", "kana": "yamada", "birth": "R1.13.1"}),
        (schema.REPORTS, {"report_id": "R-下", "date": dt.datetime(2026, 11, 1), "start": "朝"}),
    ):
        ws = wb[spec.sheet]
        last = ws.tables[spec.table].ref.split(":")[1]
        row = int("".join(ch for ch in last if ch.isdigit())) + 3
        for key, value in values.items():
            ws.cell(row=row, column=spec.columns.index(spec.col(key)) + 1, value=value)


def test_rows_typed_below_give_the_same_issues(tmp_path: Path) -> None:
    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS, edit=_type_below)
    expected = _issues(FileEngine(path))
    below = [i for i in expected if getattr(i, "value", "") in ("yamada", "R1.13.1", "朝")]
    assert len(below) >= 3  # the rows below were read and checked
    assert _issues(PatchEngine(path)) == expected


def test_a_workbook_stored_by_excel_reads_the_same(demo: Path, demo_excel: Path) -> None:
    file, patch = FileEngine(demo), PatchEngine(demo_excel)
    for spec in schema.TABLES:
        assert patch.read_table(spec).rows == file.read_table(spec).rows, spec.key
    assert _issues(patch) == _issues(file)


def _edit_trainings(wb: Workbook) -> None:
    ws = wb[schema.TRAININGS.sheet]
    cols = {c.key: i for i, c in enumerate(schema.TRAININGS.columns, start=1)}
    ws.cell(row=2, column=cols["title"], value=12.5)
    ws.cell(row=2, column=cols["venue"], value=7)
    ws.cell(row=2, column=cols["content"], value=True)
    ws.cell(row=2, column=cols["memo"], value="  前後に空白  ")


def test_each_format_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    """Wareki date, h:mm time, text (@), numbers, booleans: same value and type."""
    rows = world_rows(base_world())
    rows["trainings"][0] = (*rows["trainings"][0][:4], dt.time(9, 30), *rows["trainings"][0][5:])
    path = build(tmp_path / "f.xlsx", rows, edit=_edit_trainings)
    spec = schema.TRAININGS
    a, b = FileEngine(path).read_table(spec), PatchEngine(path).read_table(spec)
    row = dict(zip(spec.headers, b.rows[0], strict=False))
    assert row["研修ID"] == "T1"
    assert row["開催日"] == dt.datetime(2025, 7, 10)  # [$-411]ggge"年"m"月"d"日"
    assert row["開始時刻"] == dt.time(9, 30)  # h:mm
    assert row["名称"] == 12.5
    assert type(row["会場"]) is int
    assert row["内容"] is True
    assert row["備考"] == "  前後に空白  "
    assert [(type(v), v) for v in b.rows[0]] == [(type(v), v) for v in a.rows[0]]
    # calamine itself sees our date and time formats (so no styles.xml lookup is needed)
    book = CalamineWorkbook.from_path(str(path))
    raw = book.get_sheet_by_name(spec.sheet).to_python()[1]
    book.close()
    assert raw[3] == D(2025, 7, 10) and raw[4] == dt.time(9, 30)


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        ('[$-411]ggge"年"', dt.datetime(2025, 7, 10), dt.datetime(2025, 7, 10)),  # era year
        ("[$-411]aaa", dt.datetime(2026, 11, 26), dt.datetime(2026, 11, 26)),  # weekday (木)
        ('[$-411]ggge"年"', dt.datetime(2026, 11, 26, 18, 0), dt.datetime(2026, 11, 26, 18, 0)),
    ],
)
def test_a_date_format_calamine_misses_is_read_from_styles_xml(
    tmp_path: Path, fmt: str, value: dt.datetime, expected: object
) -> None:
    spec = schema.TRAININGS

    def edit(wb: Workbook) -> None:
        cell = wb[spec.sheet].cell(row=2, column=4)  # 開催日
        cell.value = value
        cell.number_format = fmt

    path = build(tmp_path / "h.xlsx", world_rows(base_world()), edit=edit)
    book = CalamineWorkbook.from_path(str(path))
    assert isinstance(book.get_sheet_by_name(spec.sheet).to_python()[1][3], float)  # premise
    book.close()
    assert PatchEngine(path).read_table(spec).rows[0][3] == expected


def test_serials_convert_as_excel_counts_them() -> None:
    for day in (D(1900, 1, 1), D(1900, 2, 28), D(1900, 3, 1), D(2026, 11, 26), D(9999, 12, 31)):
        serial = to_serial(day, date1904=False)
        assert from_serial(serial, "date", date1904=False) == dt.datetime.combine(day, dt.time())
    assert to_serial(D(1900, 3, 1), date1904=False) == 61  # after Excel's 29 February 1900
    assert to_serial(D(1904, 1, 2), date1904=True) == 1
    assert to_serial(dt.time(12, 0), date1904=False) == 0.5
    assert from_serial(0.75, "time", date1904=False) == dt.time(18, 0)
    assert from_serial(1.5, "duration", date1904=False) == dt.timedelta(hours=36)


def test_rows_typed_below_the_table_are_read_and_far_ones_are_not(tmp_path: Path) -> None:
    spec = schema.REGISTER
    name = spec.columns.index(spec.col("name")) + 1

    def edit(wb: Workbook) -> None:
        ws = wb[spec.sheet]
        ws.cell(row=5, column=name, value="下に入力")
        ws.cell(row=5 + 51, column=name, value="まだ届く")  # 50 blank rows apart
        ws.cell(row=5 + 51 + 52, column=name, value="離れすぎ")  # 51 blank rows apart
        ws.cell(row=7, column=len(spec.columns) + 2, value="表の外の列")  # not the table's

    path = build(tmp_path / "b.xlsx", world_rows(base_world()), edit=edit)
    raw = PatchEngine(path).read_table(spec)
    assert raw.row_numbers == FileEngine(path).read_table(spec).row_numbers == [2, 5, 56]


def test_a_formula_reads_as_its_value(tmp_path: Path) -> None:
    """openpyxl hands the rules the formula text; calamine the value Excel last computed."""
    spec = schema.REGISTER

    def edit(wb: Workbook) -> None:
        wb[spec.sheet].cell(row=2, column=spec.columns.index(spec.col("memo")) + 1, value="=1+1")

    path = build(tmp_path / "f.xlsx", world_rows(base_world()), edit=edit)
    memo = spec.columns.index(spec.col("memo"))
    assert FileEngine(path).read_table(spec).rows[0][memo] == "=1+1"
    assert PatchEngine(path).read_table(spec).rows[0][memo] is None  # never computed yet


# ------------------------------------------------------------------------------- refusals
def test_missing_column_is_refused_in_japanese(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb[schema.REGISTER.sheet].cell(row=1, column=3, value="名前")

    engine = PatchEngine(build(tmp_path / "c.xlsx", world_rows(base_world()), edit=edit))
    with pytest.raises(HikisupError, match="列「氏名」がありません"):
        engine.read_table(schema.REGISTER)


def test_a_workbook_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        for ws in wb.worksheets:
            for name in list(ws.tables):
                del ws.tables[name]
        wb.custom_doc_props.props.clear()  # type: ignore[attr-defined]

    with pytest.raises(HikisupError, match="hikisup のブックではありません"):
        PatchEngine(build(tmp_path / "n.xlsx", edit=edit))


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        del wb[schema.ACCIDENTS.sheet].tables[schema.ACCIDENTS.table]

    with pytest.raises(HikisupError, match="必要なシートの表がありません：事故報告"):
        PatchEngine(build(tmp_path / "t.xlsx", edit=edit))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("暗号化.xlsx", OLE_MAGIC + b"\0" * 504, "パスワード"),
        ("メモ.xlsx", "氏名,電話\n".encode(), "Excelファイルではありません"),
        ("古い.xls", b"", ".xlsx ファイルではありません"),
    ],
)
def test_files_that_are_no_workbook_are_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(HikisupError, match=message):
        PatchEngine(path)


def test_a_damaged_part_is_refused_in_japanese(tmp_path: Path) -> None:
    from .util import rewrite

    path = build(tmp_path / "d.xlsx")

    def damage(parts: dict[str, bytes]) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"][:-20]

    rewrite(path, damage)
    with pytest.raises(HikisupError, match="読み込めません"):
        PatchEngine(path)


def test_cli_refusal_reads_the_same(tmp_path: Path) -> None:
    """The CLI still refuses through the file engine: the same words as the patch engine."""
    path = tmp_path / "普通.xlsx"
    Workbook().save(path)
    result = invoke("check", path, "--today", "2026-11-26")
    with pytest.raises(HikisupError) as refused:
        PatchEngine(path)
    assert str(refused.value) in result.stderr
