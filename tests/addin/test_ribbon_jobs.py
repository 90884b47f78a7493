"""The jobs that ask the clerk: Excel's dialogs on the fake Excel (answers given in order,
False = the clerk cancelled), the password kept out of every record, the status bar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msoffcrypto
import pytest
from conftest import TODAY, base_world, world_rows
from exchange.roster_helpers import CITY, PREFECTURE, supporter, workbook
from openpyxl import load_workbook

from addin.fakexl import FakeBook
from hikisup_xl import excel
from hikisup_xl.applog import log_path
from hikisup_xl.core.settings import Settings
from hikisup_xl.jobs import ledger as actions
from hikisup_xl.template import build_workbook

SECRET = "kagi-7249"


def _live(path: Path, name: str = "管理.xlsx") -> FakeBook:
    """The workbook at `path` open in the fake Excel, saved in path's folder."""
    book = FakeBook.from_openpyxl(load_workbook(path), name)
    book.path = str(path.with_name(name))
    return book


def _log_rows(book: FakeBook) -> list[list[object]]:
    return [r for r in book.table_rows("操作履歴", "tLog") if any(v is not None for v in r)]


def _log_file() -> str:
    return log_path().read_text(encoding="utf-8") if log_path().exists() else ""


def _city(tmp_path: Path) -> FakeBook:
    src = workbook(
        tmp_path / "src.xlsx",
        [supporter("001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1))],
        CITY,
    )
    return _live(src)


# --------------------------------------------------------------------------- 名簿の書き出し
def test_export_asks_where_and_a_password_and_keeps_it_out_of_every_record(
    tmp_path: Path,
) -> None:
    book = _city(tmp_path)
    out = tmp_path / "渡す名簿.xlsx"
    book._app.answers = [str(out), SECRET, SECRET]
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    methods = [m for m, _ in book._app.dialogs]
    assert methods == ["GetSaveAsFilename", "InputBox", "InputBox"]
    save_args = book._app.dialogs[0][1]
    assert str(save_args["InitialFileName"]).endswith(".xlsx") and "*.xlsx" in str(
        save_args["FileFilter"]
    )
    assert out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # encrypted (an OLE container)
    with out.open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password=SECRET, verify_password=True)  # the clerk's password opens it
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "info" and "名簿を書き出しました" in prompt
    (row,) = _log_rows(book)
    assert row[2] == "名簿書き出し"
    everything = [_log_file(), prompt, repr(_log_rows(book)), out.name]
    assert not any(SECRET in text for text in everything)


def test_cancelling_the_save_dialog_does_nothing_and_records_nothing(tmp_path: Path) -> None:
    book = _city(tmp_path)
    before = book.clone().data
    log_before = _log_file()
    book._app.answers = [False]
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    assert book._app.alerts == []
    assert {n: d.cells for n, d in book.data.items()} == {n: d.cells for n, d in before.items()}
    assert _log_file() == log_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src.xlsx"]


def test_cancelling_the_password_box_writes_no_file(tmp_path: Path) -> None:
    book = _city(tmp_path)
    out = tmp_path / "渡す名簿.xlsx"
    book._app.answers = [str(out), False]
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    assert not out.exists() and book._app.alerts == [] and _log_rows(book) == []


def test_two_different_passwords_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    book = _city(tmp_path)
    out = tmp_path / "渡す名簿.xlsx"
    book._app.answers = [str(out), SECRET, SECRET + "x"]
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical" and "一致しません" in prompt
    assert not out.exists()
    assert SECRET not in _log_file() and SECRET not in repr(_log_rows(book))


def test_a_save_name_without_xlsx_gets_it(tmp_path: Path) -> None:
    book = _city(tmp_path)
    book._app.answers = [str(tmp_path / "名簿"), ""]
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    assert (tmp_path / "名簿.xlsx").is_file()


# --------------------------------------------------------------------------- 名簿の取り込み
def test_import_opens_the_chosen_roster_and_takes_it_in(tmp_path: Path) -> None:
    pref = _city(tmp_path)
    roster = tmp_path / "受け取った名簿.xlsx"
    pref._app.answers = [str(roster), ""]
    excel.dispatch("hikisupExportRoster", book=pref, today=TODAY)
    target = workbook(tmp_path / "pref.xlsx", [], PREFECTURE)
    book = _live(target, "県.xlsx")
    book._app.answers = [str(roster), ""]
    excel.dispatch("hikisupImportRoster", book=book, today=TODAY)
    assert [m for m, _ in book._app.dialogs] == ["GetOpenFilename", "InputBox"]
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "info", prompt
    names = [r[2] for r in book.table_rows("登録名簿", "tRegister") if r[2]]
    assert names == ["山田　太郎"]


def test_import_of_a_file_that_is_not_a_roster_is_refused_in_japanese(tmp_path: Path) -> None:
    book = _live(workbook(tmp_path / "pref.xlsx", [], PREFECTURE), "県.xlsx")
    note = tmp_path / "メモ.xlsx"
    note.write_bytes(b"not a workbook")
    book._app.answers = [str(note), ""]
    excel.dispatch("hikisupImportRoster", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical" and "予期しない" not in prompt


# --------------------------------------------------------------------------- 年度集計・集約
def test_report_refuses_a_year_it_cannot_read_and_cancel_does_nothing() -> None:
    book = FakeBook.from_openpyxl(build_workbook(Settings(), {}), "管理.xlsx")
    book._app.answers = ["来年"]
    excel.dispatch("hikisupReport", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical" and "年度「来年」を読み取れません" in prompt
    book._app.alerts.clear()
    book._app.answers = [False]
    excel.dispatch("hikisupReport", book=book, today=TODAY)
    assert book._app.alerts == []


def test_report_on_the_ribbon_writes_the_tables_through_the_engine_as_in_a_file(
    tmp_path: Path,
) -> None:
    """年度集計 in live Excel: the 集計 tables, 集計データ and 活動集計 are written through the
    engine, both pivot tables are refreshed after the writes, and every table ends up as the
    same job leaves it in a file."""
    from test_engine_contract import LiveHarness, PatchHarness

    from hikisup_xl.core import schema
    from hikisup_xl.demo import DEMO_SETTINGS, generate
    from hikisup_xl.stats.report import report

    day = dt.date(2026, 3, 31)
    wb = build_workbook(DEMO_SETTINGS, generate(day))
    file, live = PatchHarness(wb, tmp_path), LiveHarness(wb, tmp_path)
    written = (*schema.SUMMARY_TABLES, schema.STATS, schema.ACTIVITY)
    before = {spec.key: live.rows(spec) for spec in written}
    live.book._app.answers = ["R7", "no"]
    excel.dispatch("hikisupReport", book=live.book, today=day)
    on_file = report(file.engine(), day, 2025)

    question, (prompt, _, mode) = live.book._app.alerts  # the yes/no question, then the answer
    assert "提出するファイル" in question[0]
    assert mode == "info" and prompt == "\n".join(on_file.lines)
    assert "活動延べ回数" in prompt
    for spec in written:
        assert live.rows(spec) == file.rows(spec), spec.key
        assert live.rows(spec) != before[spec.key], spec.key  # really written
    sheet = live.book.data[schema.STATS_SHEET]
    assert [name for name, _ in sheet.refreshed] == ["活動回数ピボット", "登録状態ピボット"]
    assert all(writes == live.book.calls.writes for _, writes in sheet.refreshed)  # after them
    (row,) = _log_rows(live.book)
    assert row[2] == "年度集計"
    shown = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert shown == ["サポーター.bak.xlsx", "サポーター.xlsx"]  # the file side's; no submission


def test_report_asks_for_the_submission_file_only_after_a_yes() -> None:
    from hikisup_xl.addin.dialogs import ask_all
    from hikisup_xl.registry import BY_ID

    book = FakeBook.from_openpyxl(build_workbook(Settings(), {}), "管理.xlsx")
    book._app.answers = ["R7", "no"]
    asked = ask_all(book._app, BY_ID["hikisupReport"], None, TODAY)
    assert asked == {"fy": 2025, "submit": False}
    book._app.answers = ["", "yes", "/tmp/提出.xlsx", ""]
    asked = ask_all(book._app, BY_ID["hikisupReport"], None, TODAY)
    assert asked == {"fy": None, "submit": True, "out": Path("/tmp/提出.xlsx"), "password": None}


def test_consolidate_picks_a_folder_and_a_file_and_records_in_the_prefecture_book(
    tmp_path: Path,
) -> None:
    from stats.stats_helpers import municipality, report

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    city = municipality(tmp_path / "甲市.xlsx", "甲市", 3)
    assert report(city, "--out", inbox / "甲市_R7.xlsx").exit_code == 0
    book = _live(workbook(tmp_path / "pref.xlsx", [], PREFECTURE), "県.xlsx")
    out = tmp_path / "集約.xlsx"
    book._app.answers = [str(inbox), str(out), ""]
    excel.dispatch("hikisupConsolidate", book=book, today=TODAY)
    assert [m for m, _ in book._app.dialogs] == ["FileDialog", "GetSaveAsFilename", "InputBox"]
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "info" and "集約を書き出しました" in prompt, prompt
    assert load_workbook(out).properties.title == "架空県 令和7年度 集約"  # the book's 実施主体名
    (row,) = _log_rows(book)
    assert row[2] == "集約" and row[4] == out.name


# --------------------------------------------------------------------------- the status bar
@pytest.mark.parametrize("step", [0.0, 0.6, 2.0])
def test_the_status_bar_shows_progress_and_is_given_back_to_excel(
    step: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first message at once, then at most one a second (each is a call into Excel):
    a clock that does not move shows one, one moving 2 s a step shows every step."""
    ticks = iter(range(1000))
    monkeypatch.setattr(excel, "_clock", lambda: next(ticks) * step)
    book = FakeBook.from_openpyxl(build_workbook(Settings(), world_rows(base_world())), "a.xlsx")
    excel.dispatch("hikisupCheck", book=book, today=TODAY)
    shown = book._app.status_bars
    assert all(isinstance(s, str) and "チェック" in s for s in shown[:-1])
    assert shown[0] == "チェック：ブックを読み込んでいます（0/3）"
    assert shown[-1] is False
    # Session reports 0/3..3/3: four messages, shown when a second has passed since the last
    assert len(shown) - 1 == {0.0: 1, 0.6: 2, 2.0: 4}[step]


def test_the_status_bar_is_given_back_even_when_the_job_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(engine: object, today: dt.date) -> actions.Result:
        from hikisup_xl.progress import report

        report(1, 2, "途中")
        raise ZeroDivisionError("deep inside")

    monkeypatch.setattr(actions, "check", broken)
    book = FakeBook.from_openpyxl(build_workbook(Settings(), {}), "a.xlsx")
    excel.dispatch("hikisupCheck", book=book, today=TODAY)
    assert book._app.status_bars == ["チェック：途中（1/2）", False]
    assert book._app.alerts[0][2] == "critical"


def test_a_dialog_excel_cannot_show_is_a_plain_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _city(tmp_path)

    def no_dialog(**kwargs: object) -> object:
        raise AttributeError("GetSaveAsFilename")  # e.g. Excel for Mac through appscript

    monkeypatch.setattr(book._app.api, "GetSaveAsFilename", no_dialog, raising=False)
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical" and "hikisup export-roster" in prompt and "予期しない" not in prompt
