"""The forms action on real workbook files: selection, outputs, the one 操作履歴 row, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sheet_values, table_rows
from forms_helpers import TODAY, make_book
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.core.table import RawTable
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms.action import default_output, forms
from hikisup_xl.forms.select import Selection


def run(book: Path, kind: str, *ids: str, **options: object) -> tuple[list[str], list[str]]:
    """Run the action; return the output's sheet names and the result lines."""
    out = book.with_name(f"out_{kind}.xlsx")
    sel = Selection(ids, bool(options.pop("expiring", False)), bool(options.pop("blank", False)))
    result = forms(FileEngine(book), TODAY, kind, sel, out, False, **options)  # type: ignore[arg-type]
    names = load_workbook(out).sheetnames
    return names, result.lines


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return make_book(tmp_path)


def test_certificates_for_everyone_with_a_number(book: Path) -> None:
    names, lines = run(book, "修了証書")
    assert names == ["修了証書_001", "修了証書_002"]
    assert lines[0].startswith("修了証書を2枚作成しました")


def test_ids_choose_rows_in_the_order_given_and_bare_numbers_find_padded_ones(book: Path) -> None:
    names, _ = run(book, "certificate", "2", "００１")
    assert names == ["修了証書_002", "修了証書_001"]


def test_unknown_ids_are_named_and_nothing_is_written(book: Path) -> None:
    before = book.read_bytes()
    with pytest.raises(HikisupError, match="登録名簿シートにない登録番号です：999、X1"):
        run(book, "登録証", "001", "999", "X1")
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


def test_roster_lists_the_registered_but_not_the_withdrawn_or_pending(book: Path) -> None:
    out = book.with_name("roster.xlsx")
    forms(FileEngine(book), TODAY, "roster", Selection(), out, False)
    values = [v for row in load_workbook(out).active.iter_rows(values_only=True) for v in row]
    text = "".join(str(v) for v in values if v)
    assert "山田　太郎（男）" in text and "鈴木　花子（女）" in text
    assert "佐藤　次郎" not in text  # 辞退
    assert "高橋　美希" not in text  # no 登録番号 yet
    assert "甲府市　福祉保健部 障害福祉課" in text


def test_expiring_picks_those_in_the_warning_window(book: Path) -> None:
    assert run(book, "登録証", expiring=True)[0] == ["登録証_002"]
    assert run(book, "renewal")[0] == ["更新案内_002"]  # renewal notices default to it


def test_registration_and_consent_default_to_pending_applications(book: Path) -> None:
    assert run(book, "登録申込書")[0] == ["登録申込書_高橋　美希"]
    assert run(book, "consent", "001")[0] == ["同意書_001"]


def test_invitations_go_to_active_supporters_for_the_next_follow_up(book: Path) -> None:
    assert run(book, "研修案内")[0] == ["研修案内_F1_001", "研修案内_F1_002"]
    assert run(book, "invitation", "F1", "002")[0] == ["研修案内_F1_002"]
    assert run(book, "invitation", "F1", blank=True)[0] == ["研修案内_F1_空欄"]


def test_application_defaults_to_the_next_training(book: Path) -> None:
    assert run(book, "参加申込書")[0] == ["参加申込書_T9"]
    assert run(book, "application", blank=True)[0] == ["参加申込書_空欄"]


def test_reports_need_ids_and_print_the_case_id_and_supporter(book: Path) -> None:
    with pytest.raises(HikisupError, match="報告IDを指定してください"):
        run(book, "活動報告書")
    out = book.with_name("r.xlsx")
    forms(FileEngine(book), TODAY, "report", Selection(("R000001",)), out, False)
    text = "".join(str(v) for row in load_workbook(out).active.iter_rows(values_only=True)
                   for v in row if v)  # fmt: skip
    assert "C0001" in text and "山田　太郎" in text and "様子を見る" in text


class CountingEngine(FileEngine):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.read: list[str] = []

    def read_table(self, spec: TableSpec) -> RawTable:
        self.read.append(spec.sheet)
        return super().read_table(spec)


def test_a_blank_case_consent_form_reads_no_case_data(book: Path) -> None:
    engine = CountingEngine(book)
    forms(engine, TODAY, "当事者同意書", Selection(), book.with_name("c.xlsx"), False)
    assert "当事者" not in engine.read
    engine = CountingEngine(book)
    forms(engine, TODAY, "当事者同意書", Selection(("C0001",)), book.with_name("c.xlsx"), False)
    assert "当事者" in engine.read


def test_the_workbook_only_gains_one_log_row(book: Path) -> None:
    before = sheet_values(book, skip=("操作履歴",))
    run(book, "登録証", "001")
    assert sheet_values(book, skip=("操作履歴",)) == before
    (log,) = table_rows(book, schema.LOG)
    assert log["action"] == "帳票作成"
    assert log["count"] == "登録証1枚（001）"
    assert log["result"] == "out_登録証.xlsx"


def test_without_record_the_workbook_is_untouched(book: Path) -> None:
    before = book.read_bytes()
    run(book, "登録証", "001", record=False)
    assert book.read_bytes() == before


def test_unreadable_cells_of_printed_rows_are_reported(tmp_path: Path) -> None:
    book = make_book(tmp_path)
    wb = load_workbook(book)
    ws = wb["登録名簿"]
    col = [c.value for c in ws[1]].index("電話") + 1
    ws.cell(row=2, column=col, value=552231234)  # the leading 0 lost in Excel
    wb.save(book)
    _, lines = run(book, "登録証", "001")
    assert any("読み取れない値が1件" in line for line in lines)
    assert any("登録名簿 2行目「電話」" in line for line in lines)


def test_pdf_without_libreoffice_is_refused_before_writing(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIKISUP_SOFFICE", str(book.parent / "no-soffice"))
    before = book.read_bytes()
    with pytest.raises(HikisupError, match="LibreOffice（soffice）が見つかりません"):
        forms(FileEngine(book), TODAY, "修了証書", Selection(), book.with_name("x.xlsx"), True)
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


def test_refusals(book: Path) -> None:
    with pytest.raises(HikisupError, match="帳票「表彰状」はありません"):
        run(book, "表彰状")
    with pytest.raises(HikisupError, match="--expiring は使えません"):
        run(book, "修了証書", expiring=True)
    with pytest.raises(HikisupError, match="一緒に指定できません"):
        run(book, "登録証", "001", blank=True)
    with pytest.raises(HikisupError, match="管理ブック自身"):
        forms(FileEngine(book), TODAY, "登録証", Selection(), book, False)
    with pytest.raises(HikisupError, match=r"\.xlsx で終わる"):
        forms(FileEngine(book), TODAY, "登録証", Selection(), book.with_name("a.pdf"), False)
    with pytest.raises(HikisupError, match=r"フォルダー.*がありません"):
        forms(FileEngine(book), TODAY, "登録証", Selection(), book.parent / "無い" / "a.xlsx")


def test_default_output_is_beside_the_workbook(book: Path) -> None:
    assert default_output(book, "card") == book.with_name("管理_登録証.xlsx")
    result = forms(FileEngine(book), TODAY, "card", Selection(("001",)))
    assert book.with_name("管理_登録証.xlsx").exists()
    assert result.counts == {"sheets": 1, "rows": 1}


def test_the_ribbon_path_reads_and_logs_through_the_live_engine(book: Path) -> None:
    from addin.fakexl import FakeBook

    from hikisup_xl.engine.live import LiveEngine

    fake = FakeBook.from_openpyxl(load_workbook(book), book.name)
    out = book.with_name("live.xlsx")
    result = forms(LiveEngine(fake), TODAY, "修了証書", Selection(("001",)), out)
    assert result.lines == [f"修了証書を1枚作成しました：{out}"]
    assert load_workbook(out).sheetnames == ["修了証書_001"]
    (log,) = fake.table_rows("操作履歴", "tLog")
    assert log[2:5] == ["帳票作成", "修了証書1枚（001）", "live.xlsx"]
    with pytest.raises(HikisupError, match="保存場所がわからない"):  # no fullname: unsaved book
        forms(LiveEngine(fake), TODAY, "修了証書")


def test_a_workbook_never_saved_has_no_folder_to_write_beside() -> None:
    from types import SimpleNamespace

    from hikisup_xl.forms.action import _workbook_path

    def live(fullname: str) -> object:
        return SimpleNamespace(book=SimpleNamespace(fullname=fullname))

    assert _workbook_path(live("Book1")) is None  # type: ignore[arg-type]
    assert _workbook_path(live("https://x.sharepoint.com/管理.xlsx")) is None  # type: ignore[arg-type]
    assert _workbook_path(live("/home/clerk/管理.xlsx")) == Path("/home/clerk/管理.xlsx")  # type: ignore[arg-type]
    assert _workbook_path(SimpleNamespace(path=Path("管理.xlsx"))) == Path("管理.xlsx")  # type: ignore[arg-type]
