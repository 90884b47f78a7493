"""整える and 名簿の移行 on the ribbon (the fake Excel): the count first and a yes/no, the
open-file dialog with .xlsx and .csv, the 移行確認 sheet added in the open workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import TODAY, row, write_workbook
from openpyxl import Workbook, load_workbook

from addin.fakexl import FakeBook
from hikisup_xl import excel
from hikisup_xl.core import schema

REG = schema.REGISTER


def _live(tmp_path: Path) -> FakeBook:
    register = [
        row(REG, reg_no="001", name="山田　太郎", kana=None, birth="昭和45年1月2日", address="甲府市",
            phone="０５５ー２２３ー１２３４"),
        row(REG, reg_no="002", name="佐藤　花子", kana="さとう　はなこ", birth=dt.date(1980, 5, 6),
            address="甲府市"),
    ]  # fmt: skip
    path = write_workbook(tmp_path / "管理.xlsx", {"register": register})
    book = FakeBook.from_openpyxl(load_workbook(path), "管理.xlsx")
    book.path = str(path)
    return book


def _old_list(tmp_path: Path) -> Path:
    """A municipality's former roster (CP932 CSV, as Excel saves it) with one new person."""
    listing = tmp_path / "旧名簿.csv"
    listing.write_bytes(
        "氏名,ふりがな,生年月日,住所\r\n鈴木　一郎,すずき　いちろう,S50.2.3,笛吹市\r\n".encode(
            "cp932"
        )
    )
    return listing


def _log(book: FakeBook) -> list[list[object]]:
    return [r for r in book.table_rows("操作履歴", "tLog") if any(v is not None for v in r)]


def test_tidy_shows_the_count_first_and_no_changes_nothing(tmp_path: Path) -> None:
    book = _live(tmp_path)
    book._app.readings[("登録名簿", "C2")] = "ヤマダ　タロウ"
    before = book.clone().data["登録名簿"].cells
    book._app.answers = ["no"]
    excel.dispatch("hikisupTidy", book=book, today=TODAY)
    (question, _, _), *rest = book._app.alerts
    assert question.startswith("3か所を整えます。")
    assert "ふりがなを入力時の読みから補完：1件" in question
    assert rest == []  # "no": no message after, nothing recorded
    assert book.data["登録名簿"].cells == before
    assert _log(book) == []


def test_tidy_on_yes_rewrites_in_the_open_workbook(tmp_path: Path) -> None:
    book = _live(tmp_path)
    book._app.readings[("登録名簿", "C2")] = "ヤマダ　タロウ"
    book._app.answers = ["yes"]
    excel.dispatch("hikisupTidy", book=book, today=TODAY)
    first = book.table_rows("登録名簿", "tRegister")[0]
    headers = list(REG.headers)
    assert first[headers.index("ふりがな")] == "やまだ　たろう"  # the column's hiragana
    assert first[headers.index("電話")] == "055-223-1234"
    assert first[headers.index("生年月日")] == dt.datetime(1970, 1, 2)
    changes = [r for r in book.table_rows("変更履歴", "tChanges") if any(r)]
    assert len(changes) == 3
    assert _log(book)[-1][2] == "整える"
    assert "整えました：3件" in book._app.alerts[-1][0]


def test_migrate_asks_for_an_xlsx_or_csv_and_adds_the_review_sheet(tmp_path: Path) -> None:
    book = _live(tmp_path)
    listing = _old_list(tmp_path)
    book._app.answers = [str(listing), "no"]
    excel.dispatch("hikisupMigrate", book=book, today=TODAY)
    (method, args), (method2, _) = book._app.dialogs
    assert method == "GetOpenFilename" and "*.csv" in str(args["FileFilter"])
    assert method2 == "alert"
    assert "移行確認" in book.data
    review = [r for r in book.table_rows("移行確認", "tMigration") if any(v is not None for v in r)]
    assert [r[0] for r in review][:2] == ["ファイル", "列の対応"]
    assert len([r for r in book.table_rows("登録名簿", "tRegister") if r[2]]) == 2

    book._app.answers = [str(listing), "yes"]
    excel.dispatch("hikisupMigrate", book=book, today=TODAY)
    names = [r[2] for r in book.table_rows("登録名簿", "tRegister") if r[2]]
    assert names == ["山田　太郎", "佐藤　花子", "鈴木　一郎"]
    assert "1人を追加しました" in book._app.alerts[-1][0]


def test_cancelling_the_file_dialog_does_nothing(tmp_path: Path) -> None:
    book = _live(tmp_path)
    book._app.answers = [False]
    excel.dispatch("hikisupMigrate", book=book, today=TODAY)
    assert "移行確認" not in book.data and _log(book) == []


def test_a_workbook_with_a_sheet_of_that_name_is_never_overwritten(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "移行確認"
    wb.active["A1"] = "職員のメモ"
    book = _live(tmp_path)
    book.data["移行確認"] = FakeBook.from_openpyxl(wb, "x.xlsx").data["移行確認"]
    listing = tmp_path / "旧名簿.csv"
    listing.write_text("氏名,生年月日\n鈴木　一郎,S50.2.3\n", encoding="utf-8")
    book._app.answers = [str(listing), "no"]
    excel.dispatch("hikisupMigrate", book=book, today=TODAY)
    assert "シートの名前を変えるか削除" in book._app.alerts[-1][0]
    assert book.data["移行確認"].get(1, 1) == "職員のメモ"


def test_migrating_twice_in_the_open_workbook_adds_no_one_twice(tmp_path: Path) -> None:
    """The review sheet exists after the first run: what the later runs write to it must reach
    it (the live engine once wrote only template tables and sheets it added itself), or the
    second 追加 would not know who was added already."""
    book = _live(tmp_path)
    listing = _old_list(tmp_path)
    book._app.answers = [str(listing), "no"]
    excel.dispatch("hikisupMigrate", book=book, today=TODAY)
    before = book.table_rows("移行確認", "tMigration")
    for _ in range(2):
        book._app.answers = [str(listing), "yes"]
        excel.dispatch("hikisupMigrate", book=book, today=TODAY)
    assert book.table_rows("移行確認", "tMigration") != before  # the results were written
    names = [r[2] for r in book.table_rows("登録名簿", "tRegister") if r[2]]
    assert names == ["山田　太郎", "佐藤　花子", "鈴木　一郎"]
