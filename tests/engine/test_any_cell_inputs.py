"""Any value in any cell of the other files a job reads (#10): a roster from another body
(import-roster) and an office's own list (migrate, both steps). Either the job ends with exit
0/1 and Japanese output, the value reported at its row and column, or the file is refused with
a plain Japanese reason (exit 2); never a traceback, an abort or exit 3, and a refused file
leaves the workbook as it was.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TODAY, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hikisup_xl.core.grid import address

from .every_job import beside, every_job_world
from .test_any_cell import JAPANESE, cells
from .util import build, rewrite

# (sheet part, columns, first data row) of each input file's tables
ROSTER_SHEETS = (("xl/worksheets/sheet1.xml", 18, 2), ("xl/worksheets/sheet2.xml", 2, 2))
LIST_SHEETS = (("xl/worksheets/sheet1.xml", 6, 2),)


def _place(path: Path, part: str, col: int, row: int, body: str) -> None:
    """Put the cell over an existing one, or into a row of its own below every other."""

    def edit(parts: dict[str, bytes]) -> None:
        xml = parts[part].decode()
        ref = address(row, col)
        cell = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)')
        if cell.search(xml):
            xml = cell.sub(lambda _: f'<c r="{ref}"{body}', xml, count=1)
        else:
            last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
            below = max(row, last + 1)
            xml = xml.replace(
                "</sheetData>",
                f'<row r="{below}"><c r="{address(below, col)}"{body}</row></sheetData>',
            )
        parts[part] = xml.encode()

    rewrite(path, edit)


@st.composite
def places(draw: st.DrawFn, sheets: tuple[tuple[str, int, int], ...]) -> tuple[str, int, int]:
    part, columns, first = draw(st.sampled_from(sheets))
    col = draw(st.one_of(st.integers(1, columns), st.integers(1, 16_384)))
    row = draw(st.one_of(st.integers(first, first + 2), st.integers(first, 1_048_576)))
    return part, col, row


def _office_list(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["氏名", "ふりがな", "生年月日", "住所", "電話", "登録日"])
    ws.append(
        ["佐藤　花子", "さとう　はなこ", "S45.1.2", "架空市中央一丁目", "055-223-1234", 45000]
    )
    ws.append(
        ["新井　一郎", "あらい　いちろう", "1975/2/3", "架空市北町", "090-1111-2222", "R2.4.1"]
    )
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    workbook = build(folder / "管理.xlsx", every_job_world())
    roster, _ = beside(folder, workbook)
    return workbook, roster, _office_list(folder / "list.xlsx")


def _survives(args: list[object], workbook: Path) -> None:
    before = workbook.read_bytes()
    result = invoke(*args, "--today", TODAY.isoformat())
    said = (args[0], result.exit_code, result.output[-600:])
    assert result.exception is None or isinstance(result.exception, SystemExit), said
    if result.exit_code == 2:  # the whole file refused: plainly, and nothing changed
        assert result.stderr.startswith("エラー：") and "予期しない" not in result.stderr, said
        assert workbook.read_bytes() == before, said
        return
    assert result.exit_code in (0, 1), said
    assert JAPANESE.search(result.stdout), said


def _import(inputs: tuple[Path, Path, Path], tmp: Path, place: tuple[str, int, int], body: str):
    workbook, roster, _ = inputs
    book = Path(shutil.copyfile(workbook, tmp / "管理.xlsx"))
    bad = Path(shutil.copyfile(roster, tmp / "名簿.xlsx"))
    _place(bad, *place, body)
    _survives(["import-roster", book, bad], book)
    _survives(["import-roster", book, bad], book)  # the second time applies the decisions


def _migrate(inputs: tuple[Path, Path, Path], tmp: Path, place: tuple[str, int, int], body: str):
    workbook, _, office = inputs
    book = Path(shutil.copyfile(workbook, tmp / "管理.xlsx"))
    bad = Path(shutil.copyfile(office, tmp / "これまでの名簿.xlsx"))
    _place(bad, *place, body)
    _survives(["migrate", book, bad], book)
    _survives(["migrate", book, bad, "--apply"], book)


SHORT = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG = settings(SHORT, max_examples=200)


@SHORT
@given(place=places(ROSTER_SHEETS), body=cells())
def test_any_cell_of_a_roster_never_stops_import(
    inputs: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    place: tuple[str, int, int],
    body: str,
) -> None:
    _import(inputs, tmp_path_factory.mktemp("r"), place, body)


@SHORT
@given(place=places(LIST_SHEETS), body=cells())
def test_any_cell_of_an_office_list_never_stops_migrate(
    inputs: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    place: tuple[str, int, int],
    body: str,
) -> None:
    _migrate(inputs, tmp_path_factory.mktemp("m"), place, body)


@pytest.mark.fuzz_long
@LONG
@given(place=places(ROSTER_SHEETS), body=cells())
def test_any_cell_of_a_roster_never_stops_import_long(
    inputs: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    place: tuple[str, int, int],
    body: str,
) -> None:
    _import(inputs, tmp_path_factory.mktemp("r"), place, body)


@pytest.mark.fuzz_long
@LONG
@given(place=places(LIST_SHEETS), body=cells())
def test_any_cell_of_an_office_list_never_stops_migrate_long(
    inputs: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    place: tuple[str, int, int],
    body: str,
) -> None:
    _migrate(inputs, tmp_path_factory.mktemp("m"), place, body)
