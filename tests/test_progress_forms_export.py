"""`forms` (with --pdf) and `export-roster` show progress like the other jobs: a bar on a
terminal's stderr from the command line (stdout keeps the result), nothing when stderr is not
a terminal."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from conftest import base_world, invoke, world_rows, write_workbook

from hikisup_xl.cli import main

TODAY = "2026-11-26"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(args: list[object], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """The command as from a terminal: its exit code and what it wrote on stderr."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = 0
    try:
        main.main([str(a) for a in args], standalone_mode=False)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, terminal.getvalue()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "管理.xlsx", world_rows(base_world()))


def test_forms_with_pdf_shows_each_step_on_a_terminal(
    book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = _run(["forms", "登録証", book, "--blank", "--pdf", "--today", TODAY], monkeypatch)
    assert code == 0, shown
    for step in ("ブックを読み込んでいます", "PDFを作っています", "完了", "100%"):
        assert step in shown, step
    out = capsys.readouterr().out
    assert "登録証を1枚作成しました" in out and "PDF" in out
    assert "PDFを作っています" not in out  # the bar is on stderr only
    assert book.with_name("管理_登録証.pdf").exists()


def test_export_roster_shows_each_step_on_a_terminal(
    book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = book.with_name("渡す.xlsx")
    code, shown = _run(["export-roster", book, out_file, "--today", TODAY], monkeypatch)
    assert code == 0, shown
    for step in ("名簿を作っています", "名簿を保存しています", "操作履歴に記録しています", "100%"):
        assert step in shown, step
    assert "名簿を書き出しました" in capsys.readouterr().out
    assert out_file.exists()


def test_no_bar_when_stderr_is_not_a_terminal(book: Path) -> None:
    result = invoke("forms", "登録証", book, "--blank", "--today", TODAY)
    assert result.exit_code == 0 and result.stderr == ""
    result = invoke("export-roster", book, book.with_name("渡す.xlsx"), "--today", TODAY)
    assert result.exit_code == 0 and result.stderr == ""
