"""The 登録証 and 登録名簿 buttons print whom their tooltips say (#11): pressed away from the
register, the supporters registered and within their 登録期間 today (not 辞退・取消, not
expired); a 登録証 for a selected row outside its period is made, marked （期間外）."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows
from openpyxl import load_workbook

from addin.fakexl import FakeBook
from hikisup_xl import excel
from hikisup_xl.core.settings import Settings
from hikisup_xl.registry import BY_ID
from hikisup_xl.template import build_workbook

D = dt.date


@pytest.fixture
def book(tmp_path: Path) -> FakeBook:
    """登録名簿 rows 2 = 001 (in period), 3 = 002 (expired before TODAY), 4 = 003 (辞退)."""
    w = base_world()
    first = w["register"][0]
    w["register"] += [
        {**first, "reg_no": "002", "name": "期限　切子", "kana": "きげん　きりこ",
         "period_start": D(2023, 4, 1), "period_end": D(2026, 3, 31), "state": "期限切れ"},
        {**first, "reg_no": "003", "name": "辞退　一郎", "kana": "じたい　いちろう",
         "state": "辞退", "ended": D(2026, 6, 1)},
    ]  # fmt: skip
    fake = FakeBook.from_openpyxl(build_workbook(Settings(), world_rows(w)), "管理.xlsx")
    fake.path = str(tmp_path / "管理.xlsx")
    fake.select("設定", "$B$2")
    return fake


def _printed(book: FakeBook, button: str, form: str) -> tuple[list[str], str]:
    excel.dispatch(button, book=book, today=TODAY)
    assert book._app.alerts[-1][2] == "info", book._app.alerts[-1]
    wb = load_workbook(Path(str(book.path)).with_name(f"管理_{form}.xlsx"))
    text = "".join(
        str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v
    )
    return wb.sheetnames, text


def test_the_card_button_prints_those_within_their_period_as_its_tooltip_says(
    book: FakeBook,
) -> None:
    tip = BY_ID["hikisupFormsCard"].supertip
    assert "今日が登録期間内" in tip and "辞退・取消でない" in tip
    assert "登録番号のある全員" not in tip  # the old rule
    sheets, text = _printed(book, "hikisupFormsCard", "登録証")
    assert len(sheets) == 1 and "山田" in text and "期限" not in text and "辞退" not in text


def test_a_selected_card_outside_its_period_is_made_and_marked_as_the_tooltip_says(
    book: FakeBook,
) -> None:
    assert "（期間外）" in BY_ID["hikisupFormsCard"].supertip
    book.select("登録名簿", "$A$3")
    _sheets, text = _printed(book, "hikisupFormsCard", "登録証")
    assert "期限　切子" in text and "（期間外）" in text


def test_the_roster_button_lists_those_within_their_period_as_its_tooltip_says(
    book: FakeBook,
) -> None:
    tip = BY_ID["hikisupFormsRoster"].supertip
    assert "今日が登録期間内" in tip and "登録期間の外の人は載りません" in tip
    book.select("登録名簿", "$A$3")  # whatever row is selected
    _sheets, text = _printed(book, "hikisupFormsRoster", "登録名簿")
    assert "山田" in text and "期限　切子" not in text and "辞退　一郎" not in text
