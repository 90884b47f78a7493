"""#14 target 4 (and the live half of 5): a click in live Excel makes at most 15 calls into
Excel, on the demo workbook and on a municipal one (3,000 activity reports), whatever the rows:
one listing of every table, one read of the tables the job needs, one read of the tables it
writes, one write of everything (screen updating and pivot refreshes inside it), the status
bar set and given back, the message box, and what dispatch asks of the workbook (its Excel,
name and file). Counted on the fake Excel, whose batch functions do what the add-in's VBA does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from addin.fakexl import BATCH_FUNCTIONS, FakeBook
from hikisup_xl import excel
from hikisup_xl.core import schema
from hikisup_xl.demo import DEMO, DEMO_SETTINGS, MUNICIPAL, generate
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.template import build_workbook

BUDGET = 15  # calls into Excel per click (#14 target 4)
DAY = dt.date(2026, 3, 31)
NAME = "サポーター.xlsx"
JOBS = ("hikisupCheck", "hikisupNumber", "hikisupExpiries")


@pytest.fixture(scope="module")
def books() -> dict[str, FakeBook]:
    return {
        label: FakeBook.from_openpyxl(build_workbook(DEMO_SETTINGS, generate(DAY, scale)), NAME)
        for label, scale in (("demo", DEMO), ("3000", MUNICIPAL))
    }


def _tables(book: FakeBook) -> dict[str, list[list[object]]]:
    out = {s.key: book.table_rows(s.sheet, s.table) for s in schema.ALL_TABLES}
    out["log"] = [r[1:] for r in out["log"]]  # 日時 is the time the job ran
    return out


def _click(book: FakeBook, button: str) -> dict[str, int]:
    book.calls.by_kind.clear()
    if button == "hikisupReport":
        book._app.answers = ["R7", "no"]  # 令和7年度, no submission file
    excel.dispatch(button, book=book, today=DAY)
    assert book._app.alerts[-1][2] == "info", book._app.alerts[-1][0]  # the job ran
    return dict(book.calls.by_kind)


@pytest.mark.parametrize("scale", ["demo", "3000"])
@pytest.mark.parametrize("button", [*JOBS, "hikisupReport"])
def test_a_click_stays_within_the_call_budget(
    button: str, scale: str, books: dict[str, FakeBook]
) -> None:
    """First and second click (the second compares with the snapshot the first left); the
    real clock runs, so a slow machine's extra status bar messages count too."""
    book = books[scale].clone()
    for _ in range(2):
        calls = _click(book, button)
        assert sum(calls.values()) <= BUDGET, calls
        assert calls["macro.HikisupTables"] == 1  # every table located by one call
        assert calls["macro.HikisupRead"] <= 2  # what the job reads, what it writes
        assert calls["macro.HikisupWrite"] == 1  # every write, pivot refreshes included
    if button == "hikisupReport":  # 集計's two pivot tables and サポーター別's, refreshed
        refreshed = [name for sheet in book.data.values() for name, _ in sheet.refreshed]
        assert sorted(refreshed) == sorted(
            ["サポーター別ピボット", "活動回数ピボット", "登録状態ピボット"] * 2
        )


@pytest.mark.parametrize("button", [*JOBS, "hikisupReport"])
def test_the_batch_and_the_per_object_path_leave_the_same_cells(
    button: str, books: dict[str, FakeBook]
) -> None:
    """The 3,000-report workbook through the add-in's batch functions and through an older
    add-in without them (one call per object): the same tables, cell for cell, on two runs."""
    batch, single = books["3000"].clone(), books["3000"].clone()
    single._app.addin = False
    for _ in range(2):
        many = _click(single, button)
        few = _click(batch, button)
        assert _tables(batch) == _tables(single)
        assert batch._app.alerts[-1][0] == single._app.alerts[-1][0]
        assert "macro.HikisupWrite" not in many and sum(many.values()) > 3 * sum(few.values())
    for name, data in batch.data.items():
        assert data.formats == single.data[name].formats, name
        assert data.tables == single.data[name].tables, name


def test_an_excel_that_cannot_pass_arrays_falls_back_before_writing(
    books: dict[str, FakeBook], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing answers but the read cannot cross (e.g. an Excel whose Run does not take
    an array): the engine reads and writes one object at a time, and nothing is lost."""
    expected = books["demo"].clone()
    _click(expected, "hikisupNumber")

    def refuse(*args: object) -> object:
        raise RuntimeError("Type mismatch")

    monkeypatch.setitem(BATCH_FUNCTIONS, "HikisupRead", refuse)
    book = books["demo"].clone()
    calls = _click(book, "hikisupNumber")
    assert calls["macro.HikisupRead"] == 1 and "macro.HikisupWrite" not in calls
    assert _tables(book) == _tables(expected)


def test_the_engine_says_which_path_it_takes(books: dict[str, FakeBook]) -> None:
    book = books["demo"].clone()
    assert LiveEngine(book).batched
    book._app.addin = False
    engine = LiveEngine(book)
    assert not engine.batched
    assert engine.table_names == LiveEngine(books["demo"].clone()).table_names
