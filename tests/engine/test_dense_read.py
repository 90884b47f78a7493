"""Tables read straight from calamine's rows (engine/calread.py DenseSheet, #14), and the guard
that decides when calamine may read a sheet at all.

The dense path must give exactly what the editable grid and the XML reader give, for every
table, with the odd values a clerk's workbook holds; and the guard must never let calamine
allocate a sheet's extent when a hostile part makes it huge (that aborts the process: a test
here that got it wrong would take pytest down with it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook

from hikisup_xl import session
from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.grid import col_index, col_letter
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine import calread, patch
from hikisup_xl.engine.calread import MAX_EXTENT, dense_enough, dense_rows, from_calamine

from .util import TODAY, build, excel_like, rewrite, sheet_part

Read = dict[str, tuple[list[str], list[tuple[object, ...]], list[int]]]


def _read_all(path: Path) -> Read:
    engine = patch.PatchEngine(path)
    return {
        spec.key: (raw.headers, raw.rows, raw.row_numbers)
        for spec in schema.ALL_TABLES
        for raw in [engine.read_table(spec)]
    }


def _three_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Read, Read, Read]:
    dense = _read_all(path)
    with monkeypatch.context() as m:  # calamine's rows through the editable grid
        m.setattr(patch.PatchEngine, "_read_only", lambda self, sheet: None)
        sparse = _read_all(path)
    with monkeypatch.context() as m:  # the XML reader
        m.setattr(patch, "dense_enough", lambda data: False)
        xml = _read_all(path)
    return dense, sparse, xml


def _odd_values(wb: Workbook) -> None:
    """What clerks leave in tables: numbers typed as text and as numbers, TRUE, whole and
    fractional numbers, dates with and without a time, times, blanks typed as '', and rows
    typed under a table without a Total Row (they belong to it)."""
    reg = wb[schema.REGISTER.sheet]
    first = reg.max_row + 1
    odd: list[object] = [
        "R7-001",
        1,
        1.5,
        True,
        False,
        dt.datetime(2025, 4, 1),
        dt.datetime(2025, 4, 1, 9, 30),
        dt.time(9, 30),
        "",
        " ",
        2**60,
        -0.0,
        "0552231234",
    ]
    width = len(schema.REGISTER.columns)
    for i, value in enumerate(odd):
        for col in range(1, width + 1):
            reg.cell(first + i, col, value if (col + i) % 3 else None)
    reg.cell(first + len(odd) + 10, 2, "表の下に書いた行")
    reports = wb[schema.REPORTS.sheet]
    for i, value in enumerate([True, 1.0, 1, "1", dt.date(2025, 5, 1)]):
        reports.cell(reports.max_row + 1, 3, value)
        reports.cell(reports.max_row, 1, f"A{i}")


@pytest.mark.parametrize("store", ["openpyxl", "excel"])
def test_every_table_reads_the_same_three_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    path = build(
        tmp_path / "d.xlsx",
        generate(TODAY, mistakes=True),
        settings=DEMO_SETTINGS,
        edit=_odd_values,
    )
    if store == "excel":
        excel_like(path)
    dense, sparse, xml = _three_ways(path, monkeypatch)
    assert dense.keys() == sparse.keys() == xml.keys()
    for key in dense:
        assert dense[key] == sparse[key], key
        # the XML reader rounds nothing and reads the same serials: the same values, typed alike
        assert [[(type(v), v) for v in r] for r in dense[key][1]] == [
            [(type(v), v) for v in r] for r in xml[key][1]
        ], key
        assert dense[key][0] == xml[key][0] and dense[key][2] == xml[key][2], key
    register = [v for r in dense[schema.REGISTER.key][1] for v in r]
    assert "表の下に書いた行" in register and True in register and 2**60 in register
    assert any(type(v) is float for v in register) and " " in register


def test_a_sheet_read_dense_and_then_written_keeps_its_values(tmp_path: Path) -> None:
    """A job reads a table (dense), then writes the same sheet: the grid made from the dense
    rows holds every value, and the write lands on it."""
    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS)
    engine = patch.PatchEngine(path)
    before = engine.read_table(schema.REGISTER)
    assert schema.REGISTER.sheet in engine._dense
    engine.write_cells(before, "memo", {0: "書いた"})
    after = engine.read_table(schema.REGISTER)
    assert schema.REGISTER.sheet not in engine._dense
    pos = after.position("memo")
    assert pos is not None
    assert after.rows[0][pos] == "書いた"
    assert after.rows[0][:pos] == before.rows[0][:pos]
    assert after.rows[1:] == before.rows[1:]


# -- converting a column at a time -------------------------------------------------------------
_CELLS = st.one_of(
    st.just(""),
    st.text(max_size=4),
    st.floats(allow_nan=False, width=64),
    st.integers(min_value=-(2**64), max_value=2**64).map(float),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)),
)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda w: st.lists(st.lists(_CELLS, min_size=w, max_size=w), max_size=12)
    ),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=0, max_value=4),
)
def test_columns_convert_as_each_value_would(grid: list[list[object]], lo: int, extra: int) -> None:
    """Whatever calamine hands over, a column converted in bulk equals from_calamine on every
    cell, type included (True beside 1.0, 2**60 beside 2.0**60, a date beside its datetime)."""
    width = len(grid[0]) if grid else 3
    hi = max(lo, width) + extra
    got = dense_rows(grid, lo, hi)
    want = [
        tuple(from_calamine(v) for v in line[lo - 1 : hi]) + (None,) * (hi - max(lo - 1, width))
        for line in grid
    ]
    want = [w[: hi - lo + 1] for w in want]
    assert [[(type(v), v) for v in r] for r in got] == [[(type(v), v) for v in r] for r in want]
    assert all(len(r) == hi - lo + 1 for r in got)


# -- the guard ---------------------------------------------------------------------------------
def _sheet(body: str, dimension: str | None = None, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return f"<{p}worksheet {ns}>{dim}<{p}sheetData>{body}</{p}sheetData></{p}worksheet>".encode()


def _row(r: int, cols: list[str], sep: str = " ") -> str:
    cells = "".join(f'<c{sep}r="{c}{r}"><v>1</v></c>' for c in cols)
    return f'<row{sep}r="{r}">{cells}</row>'


def test_cells_placed_by_position_alone_never_go_to_calamine() -> None:
    """16,384 cells without a reference make calamine's rows that wide: with one row at 99,999
    that is 1.6 billion cells. Before this change the guard saw only references (rows to
    99,999, columns to Z) and let it through."""
    wide = '<row r="1">' + "<c><v>1</v></c>" * 16_384 + "</row>"
    part = _sheet(wide + _row(99_999, ["A"]))
    assert not dense_enough(part)
    styled = '<row r="1">' + '<c s="0"><v>1</v></c>' * 20 + "</row>"  # first attribute not r
    assert not dense_enough(_sheet(styled))
    rows = "<row><c><v>1</v></c></row>" * 3  # rows numbered by position
    assert not dense_enough(_sheet(rows))
    prefixed = _sheet('<x:row r="1"><x:c><x:v>1</x:v></x:c></x:row>', prefix="x")
    assert not dense_enough(prefixed)
    # a prefixed part goes to the XML reader even when every cell states its reference
    assert not dense_enough(
        _sheet('<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>', prefix="x")
    )
    assert dense_enough(_sheet(_row(1, ["A", "B"]) + _row(2, ["A"])))
    empty = '<row r="1"><c r="A1"/><c/></row>'  # an empty <c/> moves calamine on too
    assert not dense_enough(_sheet(empty))


# One far cell in an otherwise plain sheet, spelt in ways python-calamine 0.9.1 reads (checked
# with a small reference: "d3", "D0003", 'D3', r = "D3", two spaces and r after s all land
# on D3; "AAAA3" makes 18,279 columns) and the old guard's scans did not see (all but the
# last two passed it). A character reference calamine refuses; it goes to the XML reader too.
FAR_SPELLINGS = [
    '<c r="xfd1048576">',  # lower case: calamine places "c3" at C3
    '<c r="xFd1048576">',
    '<c r="XFD20000000">',  # eight digits
    '<c r="XFD0001048576">',  # leading zeros: "A0000000005" is row 5
    '<c r="AAAA2">',  # four letters: 18,279 columns
    '<c r="ZZZZZZ2">',
    "<c r='XFD1048576'>",  # single quotes
    '<c r = "XFD1048576">',  # spaces around =
    '<c r="&#88;FD1048576">',  # a character reference
    '<c  r="XFD1048576">',  # two spaces
    '<c s="1" r="XFD1048576">',  # r not first
]


@pytest.mark.parametrize("cell", FAR_SPELLINGS)
def test_a_far_cell_however_spelt_never_goes_to_calamine(cell: str) -> None:
    plain = "".join(_row(r, ["A", "B"]) for r in range(1, 41))
    far = f'<row r="40">{cell}<v>1</v></c></row>'
    for dimension in (None, "A1:B40"):
        assert not dense_enough(_sheet(plain + far, dimension)), (cell, dimension)


@pytest.mark.parametrize(
    "declaration",
    [
        "xmlns:y='http://schemas.openxmlformats.org/spreadsheetml/2006/main'",
        'xmlns:y = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        'xmlns:y="urn:other"',
    ],
)
def test_prefixed_cells_go_to_the_xml_reader_however_the_prefix_is_bound(
    declaration: str,
) -> None:
    """calamine matches tags by their local name: a prefixed cell without a reference is
    placed by position, whatever namespace its prefix is bound to."""
    rows = "<y:row></y:row>" * 20 + "<y:row>" + "<y:c><y:v>1</y:v></y:c>" * 50 + "</y:row>"
    part = (
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f"{declaration}><sheetData>{rows}</sheetData></worksheet>"
    ).encode()
    assert not dense_enough(part)
    dashed = _sheet('<x-y:row r="1"><x-y:c r="A1"><x-y:v>1</x-y:v></x-y:c></x-y:row>', prefix="")
    assert not dense_enough(dashed)


def test_cell_like_text_cannot_pad_the_density_count() -> None:
    """Past MAX_EXTENT the guard allows 20 cells of extent per real cell: the count must count
    cells, not text that looks like one (a quote needs no escaping in text; a "<" does), nor
    cells inside a comment. 160,000 rows x 26 columns (one-letter columns count as 26) is just
    past MAX_EXTENT; 250,000 fake cells would have made it pass."""
    far = _row(1, ["A"]) + _row(160_000, ["N"])
    assert MAX_EXTENT < 160_000 * 26 <= 20 * 250_000
    text = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + 'c r="' * 250_000 + "</t></is></c></row>"
    assert not dense_enough(_sheet(far + text))
    comment = "<!--" + '<c r="A1"/>' * 250_000 + "-->"
    assert not dense_enough(_sheet(far + comment))
    real = '<row r="3">' + "".join(f'<c r="{col_letter(c)}3"/>' for c in range(1, 15)) + "</row>"
    assert not dense_enough(_sheet(far + real))  # 16 real cells are not enough
    letters = [col_letter(c) for c in range(1, 27)]
    many = "".join(_row(r, letters) for r in range(10, 8_110))  # 210,600 real cells are
    assert dense_enough(_sheet(_row(1, ["A"]) + many + _row(160_000, ["N"])))


def test_a_utf16_part_goes_to_the_xml_reader() -> None:
    far = _row(1, ["A"]) + _row(1_048_576, ["XFD"])
    assert not dense_enough(_sheet(far).decode().encode("utf-16"))
    assert not dense_enough(_sheet(far).decode().encode("utf-16-le"))


def test_a_reference_after_a_tab_or_a_line_break_is_still_seen() -> None:
    """XML allows any white space before an attribute; the guard looked only after a space."""
    for sep in ("\t", "\n", "\r\n"):
        far = _row(1, ["A"], sep) + _row(1_048_576, ["XFD"], sep)
        assert not dense_enough(_sheet(far)), repr(sep)
        assert not dense_enough(_sheet(far, "A1:A1")), repr(sep)


def test_a_claimed_dimension_is_believed_only_when_no_reference_lies_past_it() -> None:
    rows = "".join(_row(r, ["A", "B", "R"]) for r in (1, 2, 99_999, 100_040))
    assert dense_enough(_sheet(rows, "A1:R100040"))
    assert calread._claim_holds(_sheet(rows, "A1:R100040"))
    assert not calread._claim_holds(_sheet(rows, "A1:R100039"))  # one row past it
    assert not calread._claim_holds(_sheet(rows, "A1:Q100040"))  # one column past it
    assert not calread._claim_holds(_sheet(rows, "A1:XFD1048576"))  # too large to believe
    lying = rows + _row(1_048_576, ["XFD"])
    assert not calread._claim_holds(_sheet(lying, "A1:R100040"))
    assert not dense_enough(_sheet(lying, "A1:R100040"))
    zeros = _row(1, ["A"]) + '<row r="0999999"><c r="A0999999"><v>1</v></c></row>'
    assert not calread._claim_holds(_sheet(zeros, "A1:A9812"))


_REFS = st.lists(st.tuples(st.integers(1, 800), st.integers(1, 250_000)), min_size=1, max_size=30)


@settings(max_examples=400, deadline=None)
@given(_REFS, st.integers(1, 800), st.integers(1, 250_000))
def test_a_believed_claim_bounds_every_reference(
    refs: list[tuple[int, int]], claim_col: int, claim_row: int
) -> None:
    """The claim is believed only if every reference lies within it, and whenever every
    reference does and the claimed extent is small enough it is believed (so the one-scan
    path is really taken)."""
    body = "".join(f'<row r="{r}"><c r="{col_letter(c)}{r}"><v>1</v></c></row>' for c, r in refs)
    part = _sheet(body, f"A1:{col_letter(claim_col)}{claim_row}")
    within = all(c <= claim_col and r <= claim_row for c, r in refs)
    held = calread._claim_holds(part)
    if held:
        assert within
    if within and claim_col * claim_row <= MAX_EXTENT:
        assert held
    if held:  # and the guard agrees: what it lets through is within MAX_EXTENT
        assert max(c for c, _ in refs) * max(r for _, r in refs) <= MAX_EXTENT


def test_a_hostile_register_is_read_without_calamine(tmp_path: Path) -> None:
    """The attack above inside a real workbook: the register is read (by the XML reader) and
    the process survives; were the guard wrong, calamine would abort pytest here."""
    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS)
    expected = patch.PatchEngine(path).read_table(schema.REGISTER).rows

    def attack(parts: dict[str, bytes]) -> None:
        name = sheet_part(parts, schema.REGISTER.sheet)
        xml = parts[name].decode()
        wide = '<row r="99990">' + '<c s="0"><v>1</v></c>' * 16_384 + "</row>"
        parts[name] = re.sub("</sheetData>", wide + "</sheetData>", xml, count=1).encode()

    rewrite(path, attack)
    engine = patch.PatchEngine(path)
    assert engine.read_table(schema.REGISTER).rows == expected
    assert schema.REGISTER.sheet in engine._xml_only
    assert col_index("XFD") == 16_384


# -- the largest sheet read in a second thread (PatchEngine.prefetch) ------------------------
def _prefetched(path: Path) -> tuple[patch.PatchEngine, Read]:
    engine = patch.PatchEngine(path)
    engine.prefetch(schema.ALL_TABLES)
    return engine, {
        spec.key: (raw.headers, raw.rows, raw.row_numbers)
        for spec in schema.ALL_TABLES
        for raw in [engine.read_table(spec)]
    }


def test_the_sheet_read_in_a_second_thread_gives_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(tmp_path / "d.xlsx", generate(TODAY, mistakes=True), settings=DEMO_SETTINGS)
    alone = _read_all(path)
    monkeypatch.setattr(patch, "PARALLEL_FROM", 0)  # the demo's sheets are small
    started: list[str] = []
    real = patch._Background.__init__

    def spy(self: patch._Background, call: object) -> None:
        started.append("started")
        real(self, call)  # type: ignore[arg-type]

    monkeypatch.setattr(patch._Background, "__init__", spy)
    engine, together = _prefetched(path)
    assert started == ["started"] and not engine._background  # taken by its read_table
    assert together == alone


def test_a_damaged_sheet_read_in_a_second_thread_is_refused_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS)
    sizes = {}
    with zipfile.ZipFile(path) as z:
        sizes = {i.filename: i.file_size for i in z.infolist()}
    largest = max((n for n in sizes if n.startswith("xl/worksheets/")), key=sizes.__getitem__)
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(largest)
    # flip a byte inside the member's compressed data: its CRC no longer matches
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    path.write_bytes(raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :])
    monkeypatch.setattr(patch, "PARALLEL_FROM", 0)
    with pytest.raises(HikisupError) as sequential:
        _read_all(path)
    with pytest.raises(HikisupError) as threaded:
        _prefetched(path)
    assert str(threaded.value) == str(sequential.value)
    assert "読み取れません" in str(threaded.value) or "壊れ" in str(threaded.value)


def test_a_far_cell_in_the_sheet_read_in_a_second_thread_goes_to_the_xml_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def far(wb: Workbook) -> None:
        wb[schema.REPORTS.sheet].cell(1_048_576, 16_384, "遠いセル")

    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS, edit=far)
    alone = _read_all(path)
    monkeypatch.setattr(patch, "PARALLEL_FROM", 0)
    engine, together = _prefetched(path)
    assert together == alone
    assert schema.REPORTS.sheet in engine._xml_only


def test_stderr_is_put_back_however_two_readers_interleave() -> None:
    """Two threads quieting stderr for calamine: the first in redirects it, the last out puts
    it back, in either order."""
    before = os.fstat(2)
    first, second = calread._quiet_stderr(), calread._quiet_stderr()
    first.__enter__()
    second.__enter__()
    assert os.fstat(2).st_ino != before.st_ino  # /dev/null now
    first.__exit__(None, None, None)
    assert os.fstat(2).st_ino != before.st_ino  # the second reader is still inside
    second.__exit__(None, None, None)
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


def test_an_error_while_a_sheet_is_read_in_another_thread_still_reaches_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While calamine runs in the other thread stderr goes to /dev/null (its panics must not
    show). A job failing meanwhile (a broken 設定 sheet, Ctrl-C) must wait for that read before
    its message is printed, or the clerk would see nothing."""
    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS)
    monkeypatch.setattr(patch, "PARALLEL_FROM", 0)
    real_dense = calread.CalamineBook.dense

    def slow_in_the_other_thread(self: calread.CalamineBook, *args: object) -> object:
        if threading.current_thread().name == "hikisup-read":
            with calread._quiet_stderr():
                time.sleep(0.5)  # calamine's parse of a 100,000-row sheet takes ~1.3 s
        return real_dense(self, *args)  # type: ignore[arg-type]

    def broken(engine: object) -> object:
        raise HikisupError("設定シートが読めません")

    monkeypatch.setattr(calread.CalamineBook, "dense", slow_in_the_other_thread)
    monkeypatch.setattr(session, "read_settings", broken)
    before = os.fstat(2)
    with pytest.raises(HikisupError, match="設定シート"):
        session.Session(patch.PatchEngine(path), TODAY)
    after = os.fstat(2)  # the message is printed right after this: stderr must be back
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert not [t for t in threading.enumerate() if t.name == "hikisup-read"]


REAL = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real-files"


def _sheet_parts(path: Path) -> list[bytes]:
    if not zipfile.is_zipfile(path):  # the corpus keeps some broken on purpose
        return []
    with zipfile.ZipFile(path) as z:
        return [z.read(n) for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]


@pytest.mark.skipif(not REAL.is_dir(), reason="the real-file corpus is not beside this clone")
def test_files_excel_and_libreoffice_wrote_are_read_by_calamine_and_odd_ones_are_not() -> None:
    """LibreOffice writes a row's r last (`<row collapsed="false" ... r="1">`): such files must
    keep the fast reader. Files written otherwise (cells placed by position, a prefix, UTF-16,
    single quotes, r last in a cell) go to the XML reader."""
    made_by_libreoffice = sorted(REAL.glob("lo__*.xlsx"))
    assert len(made_by_libreoffice) >= 8
    for path in made_by_libreoffice:
        for part in _sheet_parts(path):
            assert calread._plainly_written(part), path.name
    odd = {
        "roo__implicit_coordinates.xlsx": "cells without r",
        "poi__54288.xlsx": "empty cells without r",
        "poi__style-alternate-content.xlsx": "x: prefix",
        "roo__Pfand_from_windows_phone.xlsx": "UTF-16",
        "sheetjs__xlsx-stream-d-date-cell.xlsx": "r='1'",
        "poi__bug66675.xlsx": "r last in a cell",
    }
    for name, why in odd.items():
        assert not all(calread._plainly_written(p) for p in _sheet_parts(REAL / name)), why
