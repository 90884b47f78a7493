"""Any value in any cell of any table: every job ends with exit 0 or 1 and a Japanese message,
the value reported as a cell issue if it is bad; never a traceback, an abort or exit 3 (#10).

The cell is written into the sheet XML directly (every type and style a part can hold, numbers
no date or int can take, shared-string indexes out of range), or placed far away. Every job
that reads the management workbook (registry.JOBS, checked below) is tried: a few examples per
job run in the default suite; `pytest -m fuzz_long` runs many more.

A job that works on one named row (candidates for a dispatch, a form for its people) may
instead refuse with a plain Japanese reason (exit 2) when the bad cell is the one it needs;
a refusal of the whole workbook by any other job is a failure, as is exit 3.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import TODAY, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hikisup_xl import registry
from hikisup_xl.core import schema
from hikisup_xl.core.grid import address

from .every_job import JOBS, MAY_REFUSE, NOT_ON_A_WORKBOOK, Beside, beside, every_job_world
from .util import build, excel_like, rewrite, sheet_part

TABLES = [t for t in schema.TABLES if not t.generated and t is not schema.SETTINGS]
_XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"),
    max_size=30,
).map(lambda s: re.sub("[\x01-\x08\x0b\x0c\x0e-\x1f]", "", s))
NUMBER_TEXT = st.one_of(
    st.floats().map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["-1e12", "1e9", "1e308", "-1e308", "INF", "NaN", "7" * 4301, "1.5e-320", ""]),
    _XML_TEXT,
)


@st.composite
def cells(draw: st.DrawFn) -> str:
    """The inside of one <c> element after its reference: attributes and content."""
    style = draw(st.one_of(st.none(), st.integers(0, 40), st.sampled_from([10**6, -1])))
    s = "" if style is None else f' s="{style}"'
    kind = draw(st.sampled_from(["n", "s", "str", "inlineStr", "b", "e", "d"]))
    if kind == "n":
        return f"{s}><v>{escape(draw(NUMBER_TEXT))}</v></c>"
    if kind == "s":
        return f'{s} t="s"><v>{draw(st.integers(-3, 10**7))}</v></c>'
    if kind == "inlineStr":
        return f'{s} t="inlineStr"><is><t>{escape(draw(_XML_TEXT))}</t></is></c>'
    if kind == "b":
        return f'{s} t="b"><v>{draw(st.sampled_from(["0", "1", "2", "x"]))}</v></c>'
    if kind == "e":
        return f'{s} t="e"><v>{draw(st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!"]))}</v></c>'
    text = draw(st.one_of(_XML_TEXT, st.datetimes().map(lambda d: d.isoformat())))
    return f'{s} t="{kind}"><v>{escape(text)}</v></c>'


PLACES = st.one_of(
    st.tuples(st.sampled_from(TABLES), st.integers(0, 40), st.just(2)),  # a table's first data row
    st.tuples(
        st.sampled_from(TABLES), st.integers(0, 16_383), st.integers(3, 1_048_576)
    ),  # anywhere below
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The workbook (stored as Excel stores it) and the files some jobs read beside it."""
    folder = tmp_path_factory.mktemp("any")
    path = excel_like(build(folder / "src.xlsx", every_job_world()))
    return (path, *beside(folder, path))


def test_every_job_on_a_workbook_is_tried() -> None:
    declared = {j.name for j in registry.JOBS}
    assert declared - NOT_ON_A_WORKBOOK == set(JOBS)
    assert all(not j.workbook for j in registry.JOBS if j.name in NOT_ON_A_WORKBOOK)


def _place(path: Path, spec: schema.TableSpec, col: int, row: int, body: str) -> None:
    """Put the cell into the table's first data row, or into a new row below every other."""

    def edit(parts: dict[str, bytes]) -> None:
        name = sheet_part(parts, spec.sheet)
        xml = parts[name].decode()
        if row == 2:
            ref = address(2, col % len(spec.columns) + 1)
            cell = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)')
            if cell.search(xml):
                xml = cell.sub(lambda _: f'<c r="{ref}"{body}', xml, count=1)
            else:  # a blank cell: a row of its own replaces nothing, so take row 2's place
                row2 = re.search(r'<row r="2"[^>]*>(.*?)</row>', xml)
                assert row2 is not None
                xml = xml.replace(row2.group(1), f'<c r="{ref}"{body}', 1)
        else:
            last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
            below = min(last + row - 2, 1_048_576)
            ref = address(below, col + 1)
            xml = xml.replace(
                "</sheetData>", f'<row r="{below}"><c r="{ref}"{body}</row></sheetData>'
            )
        parts[name] = xml.encode()

    rewrite(path, edit)


JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def _job_survives(
    job: str, source: tuple[Path, Path, Path], tmp: Path, place: tuple[object, ...], body: str
) -> None:
    spec, col, row = place
    assert isinstance(spec, schema.TableSpec) and isinstance(col, int) and isinstance(row, int)
    workbook, roster, legacy = source
    path = Path(shutil.copyfile(workbook, tmp / "管理.xlsx"))
    _place(path, spec, col, row, body)
    for args in JOBS[job](path, Beside(tmp, roster, legacy)):
        result = invoke(*args, "--today", TODAY.isoformat())
        said = (args[:2], result.exit_code, result.output[-600:])
        # an exception CliRunner caught (outside the job's own refusal funnel) is a crash
        assert result.exception is None or isinstance(result.exception, SystemExit), said
        if result.exit_code == 2 and job in MAY_REFUSE:
            assert result.stderr.startswith("エラー：") and "予期しない" not in result.stderr, said
            continue
        assert result.exit_code in (0, 1), said
        assert JAPANESE.search(result.stdout), said


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.parametrize("job", JOBS)
@given(place=PLACES, body=cells())
def test_any_cell_never_stops_a_job(
    job: str,
    source: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    place: tuple[object, ...],
    body: str,
) -> None:
    _job_survives(job, source, tmp_path_factory.mktemp("c"), place, body)


@pytest.mark.fuzz_long
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.parametrize("job", JOBS)
@given(place=PLACES, body=cells())
def test_any_cell_never_stops_a_job_long(
    job: str,
    source: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    place: tuple[object, ...],
    body: str,
) -> None:
    _job_survives(job, source, tmp_path_factory.mktemp("c"), place, body)
