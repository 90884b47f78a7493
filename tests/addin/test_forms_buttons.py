"""The 帳票 buttons through hikisup_xl.excel.dispatch on the fake Excel: the selected rows' IDs
or the form's default rows, the form workbook beside the managed workbook, the PDF through
Excel (a stub exporter), and the refusals (no rows for 活動報告書, a workbook not on this PC)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows
from openpyxl import load_workbook

from addin.fakexl import FakeBook
from hikisup_xl import excel, registry
from hikisup_xl.addin import arguments
from hikisup_xl.addin.arguments import NOT_SAVED_LOCALLY, SOURCES, selected_rows
from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.kinds import find_kind
from hikisup_xl.template import build_workbook

NAME = "サポーター.xlsx"
D = dt.date
FILLED = [b for b in registry.BUTTONS if b.arguments == "form"]
BLANK = [b for b in registry.BUTTONS if b.arguments == "blank_form"]


def _world() -> dict[str, list[tuple[object, ...]]]:
    """Sheet rows: 受講者 2 = 修了番号 001, 3 = 002, 4 = none; 登録名簿 2 = 001, 3 = 002
    (expiring on TODAY), 4 = 003; 活動報告 2..4 = R000001..R000003."""
    w = base_world()
    w["trainees"] += [
        {"training_id": "T1", "name": "令和　元子", "attendance": "出席",
         "completed": D(2025, 7, 10), "cert_no": "002"},
        {"training_id": "T1", "name": "欠席　次郎", "attendance": "欠席"},
    ]  # fmt: skip
    first = w["register"][0]
    w["register"] += [
        {**first, "reg_no": "002", "name": "鈴木　花子", "kana": "すずき　はなこ",
         "period_end": D(2027, 1, 9), "state": "期限間近"},
        {**first, "reg_no": "003", "name": "佐藤　次郎", "kana": "さとう　じろう",
         "period_end": D(2027, 7, 31)},
    ]  # fmt: skip
    w["reports"] += [
        {**w["reports"][0], "report_id": "R000002", "date": D(2026, 11, 16)},
        {**w["reports"][0], "report_id": "R000003", "date": D(2026, 11, 17)},
    ]
    return world_rows(w)


@pytest.fixture
def book(tmp_path: Path) -> FakeBook:
    fake = FakeBook.from_openpyxl(build_workbook(Settings(), _world()), NAME)
    fake.path = str(tmp_path / NAME)  # saved on this PC
    fake.select("設定", "$B$2")  # a sheet holding no form's IDs
    return fake


def _press(book: FakeBook, button_id: str) -> str:
    book._app.alerts.clear()
    excel.dispatch(button_id, book=book, today=TODAY)
    ((prompt, _, _),) = book._app.alerts
    return prompt


def _out(book: FakeBook, name: str) -> Path:
    return Path(str(book.path)).with_name(f"{Path(str(book.path)).stem}_{name}.xlsx")


def _sheets(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return wb.sheetnames
    finally:
        wb.close()


def _text(path: Path) -> str:
    wb = load_workbook(path)
    return "".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)
                   for v in r if v is not None)  # fmt: skip


def _log(book: FakeBook) -> list[list[object]]:
    return [r for r in book.table_rows("操作履歴", "tLog") if any(v is not None for v in r)]


def _outputs(book: FakeBook) -> list[str]:
    return sorted(p.name for p in Path(str(book.path)).parent.iterdir())


# ------------------------------------------------------------------------ the rows printed
def test_selected_rows_print_those_ids(book: FakeBook) -> None:
    book.select("受講者", "$B$3")
    prompt = _press(book, "hikisupFormsCertificate")
    assert _sheets(_out(book, "修了証書")) == ["修了証書_002"]
    assert prompt.startswith(f"修了証書を1枚作成しました：{_out(book, '修了証書')}")
    assert "対象：「受講者」シートで選んだ行（修了番号 002）" in prompt


def test_several_areas_of_a_selection_count_with_their_rows_in_sheet_order(
    book: FakeBook,
) -> None:
    book.select("登録名簿", "$E$4,$A$2:$C$2")
    _press(book, "hikisupFormsCard")
    assert _sheets(_out(book, "登録証")) == ["登録証_001", "登録証_003"]


def test_whole_rows_selected_in_the_reports_sheet_print_those_reports(book: FakeBook) -> None:
    book.select("活動報告", "$3:$4")
    prompt = _press(book, "hikisupFormsReport")
    assert _sheets(_out(book, "活動報告書")) == ["活動報告書_R000002", "活動報告書_R000003"]
    assert "報告ID R000002、R000003" in prompt


def test_a_selected_row_on_the_register_gives_its_renewal_notice(book: FakeBook) -> None:
    book.select("登録名簿", "$A$4")  # 003: not expiring, asked for anyway
    _press(book, "hikisupFormsRenewal")
    assert _sheets(_out(book, "更新案内")) == ["更新案内_003"]


@pytest.mark.parametrize(
    ("sheet", "address"),
    [("設定", "$B$2"), ("受講者", "$A$1"), ("受講者", "$A$40"), ("受講者", None)],
    ids=["another sheet", "header row", "below the data", "a shape, not cells"],
)
def test_without_selected_data_rows_the_form_prints_its_default_rows(
    book: FakeBook, sheet: str, address: str | None
) -> None:
    book.select(sheet, address)
    prompt = _press(book, "hikisupFormsCertificate")
    assert _sheets(_out(book, "修了証書")) == ["修了証書_001", "修了証書_002"]
    assert "対象：修了番号のある全員（「受講者」シートで行を選んでから押すと" in prompt


def test_renewal_notices_default_to_those_expiring(book: FakeBook) -> None:
    _press(book, "hikisupFormsRenewal")
    assert _sheets(_out(book, "更新案内")) == ["更新案内_002"]


def test_the_roster_is_everyone_registered_whatever_row_is_selected(book: FakeBook) -> None:
    book.select("登録名簿", "$A$3")
    _press(book, "hikisupFormsRoster")
    text = _text(_out(book, "登録名簿"))
    assert all(name in text for name in ("山田　太郎", "鈴木　花子", "佐藤　次郎"))


def test_a_report_without_selected_rows_asks_for_them_and_writes_nothing(
    book: FakeBook,
) -> None:
    prompt = _press(book, "hikisupFormsReport")
    assert prompt.startswith("活動報告書は、「活動報告」シートで印刷する行を選んでから押して")
    assert "何も作成していません" in prompt
    assert _outputs(book) == []
    assert book._app.exported == []
    assert _log(book)[-1][2:5] == ["活動報告書", None, f"拒否：{prompt}"]


def test_selected_rows_without_an_id_are_named(book: FakeBook) -> None:
    book.select("受講者", "$A$3:$A$4")
    prompt = _press(book, "hikisupFormsCertificate")
    assert _sheets(_out(book, "修了証書")) == ["修了証書_002"]
    assert "「受講者」シートの4行目は修了番号が空欄のため作っていません" in prompt

    book.select("受講者", "$A$4")
    prompt = _press(book, "hikisupFormsCertificate")
    assert prompt.startswith("選んだ行（「受講者」シートの4行目）には修了番号がありません")


# ------------------------------------------------------------------- where the output goes
@pytest.mark.parametrize(
    "fullname",
    [
        "https://d.docs.live.net/1a2b3c/Documents/サポーター.xlsx",
        "https://contoso-my.sharepoint.com/personal/staff/Documents/サポーター.xlsx",
        "サポーター.xlsx",  # a new workbook, never saved: FullName is just its name
        "",
        None,  # no fullname at all
    ],
    ids=["OneDrive", "OneDrive for Business", "never saved", "empty", "none"],
)
def test_a_workbook_not_saved_on_this_pc_gets_the_forms_action_message(
    book: FakeBook, fullname: str | None
) -> None:
    folder = Path(str(book.path)).parent
    book.path = fullname
    prompt = _press(book, "hikisupFormsCertificate")
    assert prompt == NOT_SAVED_LOCALLY
    assert list(folder.iterdir()) == []
    assert book._app.exported == []


def test_the_message_is_the_forms_action_own(book: FakeBook) -> None:
    book.path = "https://d.docs.live.net/1a2b3c/Documents/サポーター.xlsx"
    with pytest.raises(HikisupError) as raised:
        forms(LiveEngine(book), TODAY, "certificate")
    assert str(raised.value) == NOT_SAVED_LOCALLY


def test_a_onedrive_file_xlwings_cannot_map_gets_the_same_message(
    book: FakeBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unmappable(self: FakeBook) -> str:
        raise RuntimeError("Couldn't find your local OneDrive file, see: xlwings.org/error")

    monkeypatch.setattr(FakeBook, "fullname", property(unmappable))
    assert _press(book, "hikisupFormsCard") == NOT_SAVED_LOCALLY


def test_the_form_workbook_and_its_pdf_from_excel_go_beside_the_workbook(
    book: FakeBook,
) -> None:
    prompt = _press(book, "hikisupFormsCard")
    xlsx, pdf = _out(book, "登録証"), _out(book, "登録証").with_suffix(".pdf")
    assert _outputs(book) == sorted([xlsx.name, pdf.name])
    assert book._app.exported[0][0] == str(xlsx)
    (opened,) = book._app.opened
    assert opened.read_only and opened.closed
    assert pdf.read_bytes() == b"%PDF-1.4 stub\n" + "\n".join(_sheets(xlsx)).encode()
    assert f"PDF（Excelで作成）：{pdf}" in prompt
    (row,) = _log(book)
    assert row[2:6] == [
        "帳票作成",
        "登録証3枚（対象の全員）",
        f"{xlsx.name}、{pdf.name}",
        NAME,
    ]


def test_a_failing_export_says_the_workbook_was_not_changed(book: FakeBook) -> None:
    book._app.fail_export = OSError("COM: ExportAsFixedFormat failed")
    prompt = _press(book, "hikisupFormsCard")
    assert "予期しない問題が発生したため、操作を中止しました（OSError）" in prompt
    assert "ブックのデータは変更していません" in prompt
    assert _log(book)[-1][4] == "失敗（OSError）"


@pytest.mark.parametrize("button", BLANK, ids=lambda b: b.id)
def test_every_blank_form_is_written_with_its_pdf_beside_the_workbook(
    book: FakeBook, button: registry.Button
) -> None:
    book.select("受講者", "$A$2")  # a selection does not matter to a blank form
    name = find_kind(dict(button.params)["kind"]).name
    prompt = _press(book, button.id)
    xlsx = _out(book, f"{name}_空欄")
    # the flyer is both sides of 資料2: its front, then the 参加申込書 on the back
    sheets = [f"{name}_空欄"] + (["参加申込書_空欄"] if name == "研修チラシ" else [])
    assert _sheets(xlsx) == sheets
    assert _outputs(book) == sorted([xlsx.name, xlsx.with_suffix(".pdf").name])
    assert prompt.startswith(f"{name}を{len(sheets)}枚作成しました：{xlsx}")
    assert _log(book)[-1][3] == f"{name}{len(sheets)}枚（空欄）"


# -------------------------------------------------------------------- what it costs Excel
def test_reading_the_selection_costs_the_same_whatever_is_selected(book: FakeBook) -> None:
    """The selection is one address (all its rows) and its sheet's name; the IDs come from the
    table the action reads anyway, so selecting rows adds no read of its own."""
    totals = []
    for sheet, address in [("設定", "$A$1"), ("受講者", "$A$2"), ("受講者", "$2:$3,$A$9")]:
        fresh = book.clone()
        fresh.select(sheet, address)
        excel.dispatch("hikisupFormsCertificate", book=fresh, today=TODAY)
        assert fresh.calls.by_kind["book.selection"] == 1
        assert fresh.calls.by_kind["range.sheet"] == 1
        totals.append(fresh.calls.by_kind)
        for p in Path(str(book.path)).parent.iterdir():
            p.unlink()
    assert totals[0] == totals[1] == totals[2]


# ------------------------------------------------------------------------ the pieces
@pytest.mark.parametrize(
    ("address", "spans"),
    [
        ("$B$3", [(3, 3)]),
        ("$A$3:$C$5", [(3, 5)]),
        ("$C$5:$A$3", [(3, 5)]),
        ("$A$3:$C$5,$A$8", [(3, 5), (8, 8)]),
        ("$3:$5", [(3, 5)]),
        ("$A:$C", [(1, arguments.EXCEL_ROWS)]),
        ("B3", [(3, 3)]),
        ("受講者!$B$3:$B$4", [(3, 4)]),
    ],
)
def test_selected_rows_of_an_address(address: str, spans: list[tuple[int, int]]) -> None:
    assert selected_rows(address) == spans


@pytest.mark.parametrize("address", ["", "$A$1:$B$2:$C$3", "R1C1", "名前"])
def test_an_address_we_do_not_know_is_refused(address: str, book: FakeBook) -> None:
    with pytest.raises(ValueError):
        selected_rows(address)
    book.select("受講者", address)
    assert _press(book, "hikisupFormsCertificate").startswith(
        "選択しているセルを読み取れませんでした"
    )


def test_every_source_sheet_and_column_is_where_the_form_finds_its_ids() -> None:
    """The column a button reads the IDs from is the one the forms action looks them up in."""
    assert {k: (s.spec.sheet, s.header) for k, s in SOURCES.items()} == {
        "certificate": ("受講者", "修了番号"),
        "card": ("登録名簿", "登録番号"),
        "renewal": ("登録名簿", "登録番号"),
        "report": ("活動報告", "報告ID"),
        "flyer": ("研修", "研修ID"),
    }
    for kind, source in SOURCES.items():
        form = find_kind(kind)
        assert form.ids == source.header and source.spec in form.tables


def test_every_form_button_names_a_form_and_lists_its_sheet_in_its_tooltip() -> None:
    for b in FILLED + BLANK:
        kind = dict(b.params)["kind"]
        assert find_kind(kind).key == kind, b.id
    for b in FILLED:
        source = SOURCES.get(dict(b.params)["kind"])
        if source is not None:
            assert f"「{source.spec.sheet}」シートで" in b.supertip, b.id
    assert {dict(b.params)["kind"] for b in FILLED} == {
        "certificate", "card", "roster", "report", "renewal", "flyer", "invitation"
    }  # fmt: skip


def test_the_log_sheet_is_written_only_with_the_forms_row(book: FakeBook) -> None:
    before = {n: d.cells for n, d in book.clone().data.items() if n != schema.LOG.sheet}
    book.select("受講者", "$A$2")
    _press(book, "hikisupFormsCertificate")
    after = {n: d.cells for n, d in book.data.items() if n != schema.LOG.sheet}
    assert after == before
