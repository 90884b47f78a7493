"""A column typed by its distinct values (core/table.py _parse_column, #14) gives exactly what
typing it cell by cell gives: the same typed values, types included, and the same issues in the
same order, whatever mix of values the column holds."""

from __future__ import annotations

import datetime as dt

from conftest import raw_table
from hypothesis import given, settings
from hypothesis import strategies as st

from hikisup_xl.core import schema
from hikisup_xl.core.issues import Issue
from hikisup_xl.core.table import ParsedTable, _parse_cells, _parse_column

SPEC = schema.REGISTER
# One column of each kind the register has, required and optional.
COLUMNS = sorted({c.kind: c for c in SPEC.columns}.values(), key=lambda c: c.key) + [
    c for c in SPEC.columns if c.required
]

SAMPLES: list[object] = [
    *("", " ", "　", "R7.4.1", "2025-04-01", "令和7年4月1日", "090-1234-5678", "0552231234"),
    *("４００-００３１", "やまだ たろう", "ﾔﾏﾀﾞ", "山田", "a@b.jp", "ａ@ｂ.jp", "登録", "辞退"),
    *("1", "１", "-3", "10:30", "a@example.jp", "ｙａｍａｄａ@example.jp", "やまだ　ﾀﾛｳ"),
    *("090-１２３４-5678", dt.datetime(2025, 4, 1), dt.time(9, 30), None),
]
NUMBERS: list[object] = [3, 3.5, True, 0, 55_223_1234]
_VALUES = st.one_of(
    st.sampled_from(SAMPLES + NUMBERS),
    st.text(max_size=6),
    st.integers(-5, 50_000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.booleans(),
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2300, 1, 1)).map(
        lambda d: dt.datetime(d.year, d.month, d.day)
    ),
    st.times(),
)


def _both(values: list[object], col) -> None:  # type: ignore[no-untyped-def]
    pos = [c.key for c in SPEC.columns].index(col.key)
    rows = [tuple(v if i == pos else None for i in range(len(SPEC.columns))) for v in values]
    table = ParsedTable(raw_table(SPEC, rows))
    bulk: list[Issue] = []
    each: list[Issue] = []
    got = _parse_column(table, col, bulk)
    want = _parse_cells(table, col, table.raw.column(col.key), each)
    assert [(type(v), v) for v in got] == [(type(v), v) for v in want]
    assert _issues(bulk) == _issues(each)


def test_every_sample_in_every_kind_of_column() -> None:
    warned = 0
    for col in COLUMNS:
        _both(SAMPLES * 2, col)  # typed by distinct values
        _both(SAMPLES + NUMBERS, col)  # equal values of unlike types: cell by cell
        for number in NUMBERS:
            _both([*SAMPLES, number, number], col)
        bulk: list[Issue] = []
        pos = [c.key for c in SPEC.columns].index(col.key)
        rows = [tuple(v if i == pos else None for i in range(len(SPEC.columns))) for v in SAMPLES]
        _parse_column(ParsedTable(raw_table(SPEC, rows)), col, bulk)
        warned += sum(i.code.startswith("notation.") for i in bulk)
    assert warned >= 3  # the samples do reach the warnings, not only errors


def _issues(found: list[Issue]) -> list[tuple[object, ...]]:
    return [(i.code, i.row, i.column, i.message, i.severity) for i in found]


@settings(max_examples=250, deadline=None)
@given(st.lists(_VALUES, max_size=25), st.sampled_from(COLUMNS))
def test_typing_by_distinct_values_equals_typing_each_cell(values: list[object], col) -> None:  # type: ignore[no-untyped-def]
    _both(values, col)


def test_a_column_mixing_true_one_and_one_point_zero_keeps_them_apart() -> None:
    col = next(c for c in SPEC.columns if c.key == "memo")
    pos = [c.key for c in SPEC.columns].index("memo")
    values: list[object] = [True, 1, 1.0, "1", None]
    rows = [tuple(v if i == pos else None for i in range(len(SPEC.columns))) for v in values]
    table = ParsedTable(raw_table(SPEC, rows))
    got = _parse_column(table, col, [])
    assert [type(v) for v in got] == [str, str, str, str, type(None)]
    assert got == ["True", "1", "1", "1", None]
