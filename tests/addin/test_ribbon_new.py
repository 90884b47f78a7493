"""The ribbon's 新しい管理ブック on (the fake) Excel: Excel's own dialogs ask where and for the
two names, cancelling does nothing, an existing file is never overwritten, and the new
workbook is opened in Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hikisup_xl import excel
from hikisup_xl.core import schema
from hikisup_xl.engine import safety

from .fakexl import FakeBook, SheetData

DAY = dt.date(2026, 4, 1)


def _any_book(tmp_path: Path) -> FakeBook:
    """A workbook that is not hikisup's (Book1, just saved): `new` neither reads nor needs it."""
    book = FakeBook("Book1.xlsx", [SheetData("Sheet1", [["メモ"]])], {})
    book.path = str(tmp_path / "Book1.xlsx")
    return book


def _settings(path: Path) -> dict[str, object]:
    wb = load_workbook(path, read_only=True)
    try:
        rows = list(wb[schema.SETTINGS.sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    return {r[0]: r[1] for r in rows[1:] if r and r[0]}


def test_the_new_workbook_is_made_from_the_answers_and_opened(tmp_path: Path) -> None:
    book = _any_book(tmp_path)
    target = tmp_path / "甲府市_サポーター管理.xlsx"
    book.app.answers = [str(target), "甲府市", "甲府市長　山田太郎"]
    excel.dispatch("hikisupNew", book, DAY)

    dialogs = [(method, kw.get("Prompt") or kw.get("Title")) for method, kw in book.app.dialogs]
    assert [m for m, _ in dialogs] == ["GetSaveAsFilename", "InputBox", "InputBox"]
    assert "実施主体名" in str(dialogs[1][1]) and "市町村長名" in str(dialogs[2][1])
    save_as = book.app.dialogs[0][1]
    assert save_as["InitialFileName"] == str(tmp_path / "サポーター管理.xlsx")  # beside Book1
    settings = _settings(target)
    assert settings["実施主体名"] == "甲府市"
    assert settings["市町村長名"] == "甲府市長　山田太郎"
    # Opened in Excel, and the clerk is told where it is.
    assert [b.path for b in book.app.reopened] == [str(target)]
    assert book.app.reopened[0].data[schema.SETTINGS.sheet]
    prompt, _title, mode = book.app.alerts[-1]
    assert mode == "info" and str(target) in prompt
    # Its 操作履歴 starts with the line that made it; the open workbook was not touched.
    log = book.app.reopened[0].table_rows(schema.LOG.sheet, schema.LOG.table)
    assert [r[2] for r in log] == ["新しい管理ブック"]
    assert book.events == [] and book.data["Sheet1"].cells == [["メモ"]]
    assert book.app.status_bars and book.app.status_bars[-1] is False  # shown, then restored


def test_blank_names_keep_the_template_values(tmp_path: Path) -> None:
    book = _any_book(tmp_path)
    target = tmp_path / "新規"  # the dialog may return a name without .xlsx
    book.app.answers = [str(target), "", "  "]
    excel.dispatch("hikisupNew", book, DAY)
    made = target.with_name("新規.xlsx")
    assert _settings(made)["実施主体名"] == _settings_of_template()["実施主体名"]
    assert [b.path for b in book.app.reopened] == [str(made)]


def _settings_of_template() -> dict[str, object]:
    from hikisup_xl.template import TEMPLATE_PATH

    return _settings(Path(__file__).resolve().parents[2] / TEMPLATE_PATH)


def test_cancelling_any_dialog_does_nothing(tmp_path: Path) -> None:
    for answers in (
        [False],
        [str(tmp_path / "a.xlsx"), False],
        [str(tmp_path / "a.xlsx"), "市", False],
    ):
        book = _any_book(tmp_path)
        book.app.answers = list(answers)
        excel.dispatch("hikisupNew", book, DAY)
        assert book.app.answers == [] and book.app.alerts == [], answers
        assert sorted(p.name for p in tmp_path.iterdir()) == [], answers
        assert book.app.reopened == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "サポーター管理.xlsx"
    existing.write_bytes(b"the clerk's own file")
    book = _any_book(tmp_path)
    book.app.answers = [str(existing), "甲府市", "甲府市長"]
    excel.dispatch("hikisupNew", book, DAY)
    assert existing.read_bytes() == b"the clerk's own file"
    prompt, _title, mode = book.app.alerts[-1]
    assert mode == "critical" and "すでにあります" in prompt and "上書きしない" in prompt
    assert book.app.reopened == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["サポーター管理.xlsx"]


def test_a_file_that_appears_while_the_book_is_made_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check at the start is not the only guard: the finished file is linked into place,
    which fails rather than replace a file someone saved meanwhile."""
    target = tmp_path / "後から.xlsx"
    checked = safety.refuse_if_open

    def saved_meanwhile(path: Path) -> None:  # the last check before the file is put in place
        checked(path)
        target.write_bytes(b"saved meanwhile")

    monkeypatch.setattr(safety, "refuse_if_open", saved_meanwhile)
    book = _any_book(tmp_path)
    book.app.answers = [str(target), "", ""]
    excel.dispatch("hikisupNew", book, DAY)
    assert target.read_bytes() == b"saved meanwhile"
    prompt, _title, mode = book.app.alerts[-1]
    assert mode == "critical" and "上書きせずに中止しました" in prompt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["後から.xlsx"]
    assert book.app.reopened == []


def test_excel_that_cannot_open_it_says_where_it_is(tmp_path: Path) -> None:
    book = _any_book(tmp_path)
    book.app.fail_reopen = OSError("busy")
    target = tmp_path / "作った.xlsx"
    book.app.answers = [str(target), "甲府市", ""]
    excel.dispatch("hikisupNew", book, DAY)
    assert target.exists()
    prompt = book.app.alerts[-1][0]
    assert "開けませんでした" in prompt and str(target) in prompt
