"""No cell content makes `check` crash: every value becomes issues, never an exception."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from conftest import TODAY, World, base_world, book_of, world_rows, write_workbook
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from hikisup_xl.core import schema
from hikisup_xl.core.issues import Issue
from hikisup_xl.core.rules import run_rules
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.jobs import ledger as actions

pytestmark = pytest.mark.usefixtures("collect_garbage")

# The tables a clerk types into (the generated ones are rewritten by the tool).
DATA_TABLES = [t for t in schema.TABLES if not t.generated and t is not schema.SETTINGS]

WEIRD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\u3000",
        "令和元年13月1日",
        "R7.2.29",
        "明治1年1月1日",
        "0",
        "-1",
        "９９９９９",
        "2025-04-01T25:00",
        "＠",
        "ｶﾞｷﾞｸﾞ",
        "その他",
        "辞退",
        "派遣中",
        "\ufeff001",
        "𠮷野家",
        "e\u0301",
        "1e309",
        "=1+1",
        "\u202e001",
    ]
)
TEXT = st.one_of(st.text(max_size=40), WEIRD_TEXT)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.datetimes(),
    st.dates(),
    st.times(),
)
# Values a real .xlsx can hold (openpyxl refuses control characters, Excel dates start 1900).
FILE_CELL = st.one_of(
    st.none(),
    TEXT.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
)


@st.composite
def mangled(draw: st.DrawFn, cell: st.SearchStrategy[object]) -> World:
    """The consistent base world with a handful of cells replaced by arbitrary values."""
    w = base_world()
    for _ in range(draw(st.integers(1, 12))):
        spec = draw(st.sampled_from(DATA_TABLES))
        rows = w.setdefault(spec.key, [])
        index = draw(st.integers(0, len(rows)))
        if index == len(rows):
            rows.append({})
        key = draw(st.sampled_from([c.key for c in spec.columns]))
        rows[index][key] = draw(cell)
    return w


def _assert_issues(issues: list[Issue]) -> None:
    for issue in issues:
        assert issue.sheet in schema.BY_SHEET
        assert issue.row is None or issue.row >= 2
        assert issue.severity in ("エラー", "警告")
        assert issue.message


@settings(max_examples=100, deadline=None)
@given(w=mangled(CELL), today=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_rules_never_raise(w: World, today: dt.date) -> None:
    issues = run_rules(book_of(w, today=today))
    assert isinstance(issues, list)
    _assert_issues(issues)


@settings(
    max_examples=8,
    deadline=None,
    # Each example writes a workbook (~0.5 s): shrinking a failure would take minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(w=mangled(FILE_CELL))
def test_check_through_the_file_engine_never_raises(w: World) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "fuzz.xlsx", world_rows(w))
        result = actions.check(FileEngine(path), TODAY)
        _assert_issues(result.issues)
        assert result.exit_code in (0, 1)
        # Reading back what check wrote (チェック結果, 操作履歴, snapshot) works too.
        _assert_issues(actions.check(FileEngine(path), TODAY).issues)


def test_negative_number_in_a_date_cell_is_reported(tmp_path: Path) -> None:
    """Found by fuzzing: Excel shows ##### for a negative date; openpyxl reads 1899-12-25."""
    w = base_world()
    w["trainees"][0]["applied"] = -5
    path = write_workbook(tmp_path / "neg.xlsx", world_rows(w))
    issues = actions.check(FileEngine(path), TODAY).issues
    assert [(i.code, i.sheet, i.cell) for i in issues] == [("format.date", "受講者", "B2")]


def test_a_row_of_nothing_but_garbage_gives_issues_not_errors() -> None:
    w = base_world()
    w["reports"].append({c.key: "\u0000?" for c in schema.REPORTS.columns})
    issues = run_rules(book_of(w))
    assert {i.code for i in issues if i.row == 3} >= {"format.date", "format.time", "format.choice"}


@pytest.mark.parametrize(
    "changes",
    [
        {"period_end": dt.date(9999, 12, 31)},  # the "no end" sentinel some systems use
        {
            "issued": None,
            "period_start": dt.date(9999, 12, 31),
            "period_end": dt.date(9999, 12, 31),
        },
        {
            "issued": dt.date(9999, 12, 31),
            "period_start": dt.date(9999, 12, 31),
            "period_end": dt.date(9999, 12, 31),
        },
    ],
    ids=["end", "start-without-card", "card-and-start"],
)
def test_dates_at_the_end_of_the_calendar_give_issues_not_crashes(
    changes: dict[str, object],
) -> None:
    w = base_world()
    w["register"][0].update(changes)
    _assert_issues(run_rules(book_of(w)))
