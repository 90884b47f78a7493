"""帳票 and 名簿の書き出し on the ribbon show their steps in Excel's status bar, which is given
back to Excel (StatusBar = False) when they end, also when they fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows

from addin.fakexl import FakeBook
from hikisup_xl import excel
from hikisup_xl.core.settings import Settings
from hikisup_xl.template import build_workbook


@pytest.fixture(autouse=True)
def every_step_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The status bar is written at most once a second: a clock moving 2 s a step shows all."""
    ticks = iter(range(10_000))
    monkeypatch.setattr(excel, "_clock", lambda: next(ticks) * 2.0)


def _book(tmp_path: Path) -> FakeBook:
    fake = FakeBook.from_openpyxl(build_workbook(Settings(), world_rows(base_world())), "管理.xlsx")
    fake.path = str(tmp_path / "管理.xlsx")
    fake.select("設定", "$B$2")
    return fake


def _steps(book: FakeBook, label: str) -> list[str]:
    shown = book._app.status_bars
    assert shown and shown[-1] is False, shown  # given back to Excel
    assert all(isinstance(s, str) and s.startswith(f"{label}：") for s in shown[:-1]), shown
    return [str(s) for s in shown[:-1]]


def test_a_form_and_its_pdf_show_their_steps(tmp_path: Path) -> None:
    book = _book(tmp_path)
    excel.dispatch("hikisupBlankCard", book=book, today=TODAY)
    assert book._app.alerts[-1][2] == "info"
    steps = _steps(book, "登録証（資料6）")
    assert any("PDFを作っています" in s for s in steps), steps
    assert steps[-1].endswith("完了（5/5）"), steps  # read, lay out, save, PDF, 操作履歴


def test_the_status_bar_is_given_back_when_the_pdf_fails(tmp_path: Path) -> None:
    book = _book(tmp_path)
    book._app.fail_export = OSError("COM: ExportAsFixedFormat failed")
    excel.dispatch("hikisupBlankCard", book=book, today=TODAY)
    assert book._app.alerts[-1][2] == "critical"
    steps = _steps(book, "登録証（資料6）")
    assert "PDFを作っています" in steps[-1]  # where it stopped


def test_the_roster_export_shows_its_steps(tmp_path: Path) -> None:
    book = _book(tmp_path)
    book._app.answers = [str(tmp_path / "渡す.xlsx"), ""]  # no password
    excel.dispatch("hikisupExportRoster", book=book, today=TODAY)
    assert book._app.alerts[-1][2] == "info", book._app.alerts
    steps = _steps(book, "名簿の書き出し")
    assert [s.split("：", 1)[1] for s in steps] == [
        "ブックを読み込んでいます（0/4）",
        "名簿を作っています（1/4）",
        "名簿を保存しています（2/4）",
        "操作履歴に記録しています（3/4）",
        "完了（4/4）",
    ]
