"""hikisup_xl.excel.dispatch: what a click does, on a fake Excel; and the live engine's
Excel-specific behaviour (suspended screen updating, formulas kept, refusals touch nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows
from test_actions_file import numbering_world

from addin.fakexl import FakeBook
from hikisup_xl import excel, registry
from hikisup_xl.applog import log_path
from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.jobs import ledger as actions
from hikisup_xl.template import build_workbook

NAME = "サポーター.xlsx"


def _book(rows: dict[str, list[tuple[object, ...]]] | None = None) -> FakeBook:
    return FakeBook.from_openpyxl(build_workbook(Settings(), rows or {}), NAME)


def _log_rows(book: FakeBook) -> list[list[object]]:
    return [r for r in book.table_rows("操作履歴", "tLog") if any(v is not None for v in r)]


def _log_file() -> str:
    return log_path().read_text(encoding="utf-8") if log_path().exists() else ""


def test_a_click_runs_the_action_and_reports_in_japanese() -> None:
    book = _book(world_rows(numbering_world()))
    excel.dispatch("hikisupNumber", book=book, today=TODAY)
    ((prompt, title, mode),) = book._app.alerts
    assert (title, mode) == (registry.TITLE, "info")
    assert prompt.startswith("採番完了：修了番号2件、登録番号1件")
    assert "[保留] 登録名簿 4行目「登録決定日」" in prompt  # where the held-back row is
    reg = book.table_rows("登録名簿", "tRegister")
    assert [r[0] for r in reg] == ["001", "002", None]
    assert _log_rows(book)[-1][2] == "採番"
    assert "\tnumber\tサポーター.xlsx\t成功\t" in _log_file()


def test_writes_happen_with_screen_updating_calculation_and_events_off() -> None:
    book = _book(world_rows(numbering_world()))
    app = book._app
    excel.dispatch("hikisupNumber", book=book, today=TODAY)
    assert app.states_seen
    assert all(
        s == {"screen_updating": False, "calculation": "manual", "enable_events": False}
        for s in app.states_seen
    )
    assert (app.screen_updating, app.calculation, app.enable_events) == (True, "automatic", True)


def test_a_workbook_that_is_not_ours_is_refused_and_not_touched() -> None:
    wb = build_workbook(Settings(), {})
    for ws in wb.worksheets:
        for name in list(ws.tables):
            del ws.tables[name]
    wb.custom_doc_props.props.clear()  # type: ignore[attr-defined]
    book = FakeBook.from_openpyxl(wb, "家計簿.xlsx")
    excel.dispatch("hikisupCheck", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical"
    assert "「家計簿.xlsx」は hikisup のブックではありません" in prompt
    assert book.calls.writes == 0
    assert "\tcheck\t家計簿.xlsx\t拒否\t" in _log_file()


def test_a_newer_schema_is_refused() -> None:
    book = _book()
    book.properties[schema.MARKER_PROPERTY] = str(schema.SCHEMA_VERSION + 1)
    excel.dispatch("hikisupCheck", book=book, today=TODAY)
    assert "新しい版の hikisup" in book._app.alerts[0][0]
    assert book.calls.writes == 0


def test_an_unknown_button_is_refused_without_touching_the_workbook() -> None:
    book = _book()
    excel.dispatch("hikisupNoSuchButton", book=book, today=TODAY)
    assert "ボタン「hikisupNoSuchButton」に対応する操作がありません" in book._app.alerts[0][0]
    assert book.calls.writes == 0


def test_an_unexpected_error_is_short_japanese_logged_and_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(engine: object, today: dt.date) -> actions.Result:
        raise ZeroDivisionError("deep inside")

    monkeypatch.setattr(actions, "check", broken)
    book = _book(world_rows(base_world()))
    excel.dispatch("hikisupCheck", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical"
    assert "予期しない問題が発生したため、操作を中止しました（ZeroDivisionError）" in prompt
    assert "ブックのデータは変更していません" in prompt  # it failed before writing anything
    assert "Traceback" not in prompt and "deep inside" not in prompt
    assert "Traceback" in _log_file() and "deep inside" in _log_file()
    (row,) = _log_rows(book)
    assert (row[2], row[4]) == ("チェック", "失敗（ZeroDivisionError）")


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "per-object"])
def test_a_failure_while_writing_says_how_to_undo(
    batch: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per object, the first table's cells are in the workbook when the second one fails;
    batched, the writes of the failing save had not been sent: nothing was changed."""
    book = _book(world_rows(numbering_world()))
    book._app.addin = batch
    before = {name: [row[:] for row in data.cells] for name, data in book.data.items()}
    calls = 0
    real = LiveEngine._apply

    def flaky(self: LiveEngine, *args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("COM: the sheet is protected")
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(LiveEngine, "_apply", flaky)
    excel.dispatch("hikisupNumber", book=book, today=TODAY)
    prompt = book._app.alerts[0][0]
    if batch:
        assert "ブックのデータは変更していません" in prompt
        changed = [name for name, data in book.data.items() if data.cells != before[name]]
        assert changed == ["操作履歴"]  # only the row recording the failure
    else:
        assert "途中まで書き込まれた可能性があります。保存せずに閉じれば" in prompt
    assert book._app.screen_updating is True  # restored even so


def test_a_refusal_inside_our_workbook_is_recorded_in_its_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(engine: object, today: dt.date) -> actions.Result:
        raise HikisupError("設定シートの値が正しくありません。")

    monkeypatch.setattr(actions, "expiries", refuse)
    book = _book()
    excel.dispatch("hikisupExpiries", book=book, today=TODAY)
    assert book._app.alerts[0][0] == "設定シートの値が正しくありません。"
    (row,) = _log_rows(book)
    assert row[4] == "拒否：設定シートの値が正しくありません。"


def test_nothing_escapes_when_there_is_no_excel_at_all() -> None:
    """Called outside Excel (no caller book): no exception, no exit code, a line in the log."""
    excel.dispatch("hikisupCheck")
    assert "\tcheck\t\t失敗\t" in _log_file()


def test_fixed_parameters_of_a_button_reach_the_action(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def action(engine: object, today: dt.date, **kwargs: object) -> actions.Result:
        seen.update(kwargs)
        return actions.Result("forms", ["作成しました"])

    button = registry.Button(
        "hikisupFormsCard",
        "登録証",
        "登録証",
        "登録証を作ります。",
        "帳票",
        "OnFormsCard",
        "forms",
        params=(("kind", "card"),),
    )
    monkeypatch.setitem(registry.BY_ID, button.id, button)
    monkeypatch.setattr("hikisup_xl.forms.action.forms", action)
    book = _book()
    excel.dispatch(button.id, book=book, today=TODAY)
    assert seen == {"kind": "card"}
    assert book._app.alerts[0][0] == "作成しました"


# ------------------------------------------------------------------ Excel-only behaviour
def test_a_formula_in_a_row_the_action_leaves_alone_survives() -> None:
    """Rows 3 and 5 get numbers and periods; the held-back row 4 between them is inside the
    column segment the engine rewrites, and keeps the clerk's formula."""
    w = numbering_world()
    jiro = {"name": "高橋　次郎", "kana": "たかはし　じろう", "birth": dt.date(1991, 1, 1)}
    w["trainees"].append({**w["trainees"][1], **jiro})  # numbered 004 by this run
    w["register"].append({**w["register"][1], **jiro, "cert_no": "004"})
    book = _book(world_rows(w))
    reg = book.data["登録名簿"]
    col = schema.REGISTER.columns.index(schema.REGISTER.col("period_end")) + 1
    reg.write(4, col, "=EDATE(S4,24)-1")
    actions.number(LiveEngine(book), TODAY)
    assert reg.formulas[(4, col)] == "=EDATE(S4,24)-1"
    assert reg.get(3, col) == reg.get(5, col) == dt.datetime(2028, 11, 9)


def test_numbers_written_as_text_stay_text_below_the_formatted_rows() -> None:
    book = _book(world_rows(numbering_world()))
    data = book.data["受講者"]
    col = schema.TRAINEES.columns.index(schema.TRAINEES.col("cert_no")) + 1
    bottom = data.tables["tTrainees"][2]
    assert data.formats.get((bottom + 1, col)) is None  # nothing formatted below the table
    actions.number(LiveEngine(book), TODAY)
    assert [r[col - 1] for r in book.table_rows("受講者", "tTrainees")][:3] == ["001", "002", "003"]


def test_a_missing_snapshot_sheet_is_added_very_hidden_and_the_clerk_stays_put() -> None:
    """Workbooks made before the template carried the snapshot sheet get one on first use."""
    book = _book(world_rows(numbering_world()))
    del book.data[schema.SNAPSHOT_SHEET]
    book.active = "派遣"
    actions.number(LiveEngine(book), TODAY)
    snapshot = book.data[schema.SNAPSHOT_SHEET]
    assert snapshot.state == "veryHidden"
    assert [snapshot.get(1, 1), snapshot.get(1, 2)] == list(schema.SNAPSHOT_HEADERS)
    assert [snapshot.get(r, 1) for r in (2, 3, 4)] == ["001", "002", None]
    assert book.active == "派遣"


def test_save_does_not_save_the_file() -> None:
    """Excel owns the open workbook: the engine writes cells, the clerk saves (or not)."""
    book = _book(world_rows(numbering_world()))
    engine = LiveEngine(book)
    actions.number(engine, TODAY)
    assert engine.name == NAME
    assert book.events == []  # neither Book.save nor Book.close (the fake records both)
    assert book.calls.writes > 0  # the job did write its cells


def test_time_cells_read_as_times(tmp_path: Path) -> None:
    book = _book(world_rows(base_world()))
    raw = LiveEngine(book).read_table(schema.REPORTS)
    start = raw.rows[0][schema.REPORTS.columns.index(schema.REPORTS.col("start"))]
    assert start == dt.time(10, 0)


def test_a_corrected_period_replaces_the_recorded_one_in_excel() -> None:
    """#11: the correction reaches 登録期間履歴 through the live engine too."""
    book = _book(world_rows(base_world()))
    actions.check(LiveEngine(book), TODAY)
    reg = book.data["登録名簿"]
    col = schema.REGISTER.column_number("period_end")
    reg.write(2, col, dt.datetime(2026, 6, 30))
    actions.expiries(LiveEngine(book), TODAY)
    periods = book.table_rows("登録期間履歴", "tPeriods")
    end = schema.PERIODS.column_number("period_end") - 1
    assert [r[end] for r in periods] == [dt.datetime(2026, 6, 30)]


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "per-object"])
def test_one_engine_saving_twice_writes_the_second_rows_below_the_first(batch: bool) -> None:
    """As dispatch does when it records a failure after a save: the engine knows where its
    first save left each table (batched, from the writes it sent, not from a new listing)."""
    book = _book()
    book._app.addin = batch
    engine = LiveEngine(book)
    rows = [
        schema.LOG.row(at=dt.datetime(2026, 11, 26, 9, 0), user="職員", action=f"操作{i}")
        for i in range(3)
    ]
    engine.append_rows(schema.LOG, rows[:2])  # the table grows from its one blank row
    engine.save()
    engine.append_rows(schema.LOG, rows[2:])
    engine.save()
    assert [r[2] for r in _log_rows(book)] == ["操作0", "操作1", "操作2"]
    top, _, bottom, _ = book.data["操作履歴"].tables["tLog"]
    assert (top, bottom) == (1, 4)
    if batch:
        assert book.calls.by_kind["macro.HikisupTables"] == 1  # listed once, kept up to date
