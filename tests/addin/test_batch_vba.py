"""The add-in's batch functions (macros/hikisup.bas) as far as Linux can check VBA: they are in
the built add-in's VBA project under the names Python runs, and the array layouts the VBA
writes and walks are the ones livebatch.py and the fake Excel of the tests use. (No VBA runs
here: the smoke test on Windows calls them in Excel.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from addin.fakexl import ADDIN, BATCH_FUNCTIONS, hikisup_read, hikisup_tables
from addin.quiet_oletools import VBA_Parser
from hikisup_xl.addin import build
from hikisup_xl.addin.install import ADDIN_NAME
from hikisup_xl.engine import livebatch

ROOT = Path(__file__).resolve().parents[2]
BAS = (build.macros_dir() / "hikisup.bas").read_text("ascii")
NAMES = (livebatch.TABLES, livebatch.READ, livebatch.WRITE)


def _function(name: str) -> str:
    """The source of one VBA function, from its Public Function line to End Function."""
    found = re.search(rf"^Public Function {name}\(.*?^End Function", BAS, re.S | re.M)
    assert found, name
    return found.group(0)


@pytest.fixture(scope="module")
def committed_vba() -> str:
    parser = VBA_Parser(str(ROOT / "workbook" / "hikisup.xlam"), relaxed=False)
    try:
        return "\n".join(code for _, _, _, code in parser.extract_macros())
    finally:
        parser.close()


def test_python_runs_the_functions_the_addin_holds(committed_vba: str) -> None:
    assert livebatch.ADDIN == ADDIN_NAME  # the file name Application.Run qualifies them with
    assert (
        livebatch.qualified(livebatch.READ)
        == f"'{ADDIN_NAME}'!HikisupRead"
        == ADDIN + "HikisupRead"
    )
    assert set(BATCH_FUNCTIONS) == set(NAMES)  # the fake implements exactly these
    for name in NAMES:
        assert f"Public Function {name}(bookName As String, " in committed_vba, name


def test_the_listing_layout_matches(committed_vba: str) -> None:
    vba = _function(livebatch.TABLES)
    assert f'out(0, 0) = "{livebatch.TAG}"' in vba
    assert f"out(0, 1) = {livebatch.LAYOUT}" in vba
    assert "ReDim out(0 To n - 1, 0 To 4)" in vba  # five columns
    assert re.findall(r'out\(r, 0\) = "(\w+)"', vba) == ["sheet", "table"]
    # table rows: sheet, name, address, Total Row in columns 1..4, as parse_listing reads them
    assert [c for c, _ in re.findall(r"out\(r, (\d)\) = (lo\.\w+(?:\.\w+)?|ws\.Name)", vba)] == [
        "1",
        "1",
        "2",
        "3",
        "4",
    ]
    assert "lo.Range.Address" in vba and "lo.ShowTotals" in vba


def test_the_fake_listing_is_what_the_engine_parses() -> None:
    from addin.fakexl import FakeBook
    from hikisup_xl.core.schema import MARKER_PROPERTY
    from hikisup_xl.core.settings import Settings
    from hikisup_xl.template import build_workbook

    book = FakeBook.from_openpyxl(build_workbook(Settings(), {}), "a.xlsx")
    rows = hikisup_tables(book, MARKER_PROPERTY)
    assert {len(r) for r in rows} == {5}
    listing = livebatch.parse_listing(rows)
    assert listing.name == "a.xlsx" and listing.marker == str(book.properties[MARKER_PROPERTY])
    assert listing.tables["tRegister"].address.startswith("$A$1:$")
    with pytest.raises(ValueError):
        livebatch.parse_listing((("something else", 1, "a", "a", None),))


def test_the_read_layout_matches() -> None:
    vba = _function(livebatch.READ)
    request = livebatch.Request("s", 1, 2, 3, 4, "F").row()
    used = [int(n) for n in re.findall(r"requests\(i, k \+ (\d)\)", vba)]
    assert max(used) == len(request) - 1  # sheet, top, left, bottom, right, kind
    assert 'requests(i, k + 5) = "U"' in vba and 'requests(i, k + 5) = "F"' in vba
    assert 'out(at, 0) = "#"' in vba and "out(at, 1) = heights(i)" in vba
    assert "out(at, 2) = widths(i)" in vba and "width = 3" in vba
    assert "If IsError(v) Then" in vba  # #N/A reads as an empty cell


def test_the_fake_read_is_what_the_engine_parses() -> None:
    from addin.fakexl import FakeBook
    from hikisup_xl.core.settings import Settings
    from hikisup_xl.template import build_workbook

    book = FakeBook.from_openpyxl(build_workbook(Settings(), {}), "a.xlsx")
    requests = [
        livebatch.Request("登録名簿", 1, 1, 3, 2),
        livebatch.Request("設定", kind="U"),
        livebatch.Request("登録名簿", 1, 1, 1, 1, "F"),
    ]
    result = hikisup_read(book, [r.row() for r in requests])
    assert len({len(r) for r in result}) == 1  # one rectangular array
    blocks = livebatch.parse_blocks(result, 3)
    assert [len(b) for b in blocks] == [3, book.data["設定"].used()[0], 1]
    assert blocks[0][0] == ["登録番号", "ふりがな"] and blocks[2] == [["登録番号"]]
    with pytest.raises(ValueError):
        livebatch.parse_blocks(result, 2)


def test_the_write_program_matches() -> None:
    vba = _function(livebatch.WRITE)
    program = livebatch.Program()
    program.number_format("s", 1, 1, 2, 2, "@")
    program.write("s", 1, 1, [[1, None], [2, 3]], [[False, True], [True, False]])
    program.write("s", 5, 1, [["x"]])
    program.add_rows("s", "t", 2)
    program.resize("s", "t", 1, 1, 9, 2)
    program.refresh_pivots("s")
    array = program.array()
    codes = [r[0] for r in array if r[0] in ("F", "W", "A", "R", "P")]
    assert set(re.findall(r'Case "(\w)"', vba)) == set(codes)
    used = [int(n) for n in re.findall(r"ops\(i, k \+ (\d)\)", vba)]
    assert max(used) < livebatch.OP_WIDTH <= len(array[0])
    assert len({len(r) for r in array}) == 1  # one rectangular array
    # a masked W op: values rows, then as many rows of flags the VBA reads after them
    assert "ops(i + nRows + r, k + c - 1) = 1" in vba and "i = i + 1 + 2 * nRows" in vba
    assert [head[0] for head, _ in livebatch.ops_of(array)] == ["F", "W", "W", "A", "R", "P"]
    # suspended and given back, also after an error
    for line in (
        "Application.ScreenUpdating = False",
        "Application.Calculation = xlCalculationManual",
        "Application.EnableEvents = False",
        "Application.ScreenUpdating = screen",
        "Application.Calculation = calc",
        "Application.EnableEvents = events",
        "Resume Done",
    ):
        assert line in vba, line
