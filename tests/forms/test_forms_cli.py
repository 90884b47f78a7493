"""`hikisup forms` through click (the command object; cli.py registers it on the main group)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from conftest import table_rows
from forms_helpers import make_book
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.engine.safety import lock_file
from hikisup_xl.forms.commands import forms_cmd

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def invoke(*args: object) -> Result:
    result = CliRunner().invoke(forms_cmd, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def test_help_and_every_option_are_in_japanese() -> None:
    assert forms_cmd.help and JAPANESE.search(forms_cmd.help)
    for param in forms_cmd.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help and JAPANESE.search(param.help), param.name
    result = invoke("--help")
    assert result.exit_code == 0
    assert "この説明を表示して終了します" in result.stdout
    for word in ("修了証書", "certificate", "--expiring", "--blank", "--pdf"):
        assert word in result.stdout


def test_writes_beside_the_workbook_and_logs(tmp_path: Path, _hikisup_home: Path) -> None:
    book = make_book(tmp_path)
    result = invoke("登録証", book, "1、", "", "２", "--today", "R8.11.26")
    assert result.exit_code == 0, result.output
    out = tmp_path / "管理_登録証.xlsx"
    assert f"登録証を2枚作成しました：{out}" in result.stdout
    assert load_workbook(out).sheetnames == ["登録証_001", "登録証_002"]
    assert [r["action"] for r in table_rows(book, schema.LOG)] == ["帳票作成"]
    log = (_hikisup_home / "hikisup.log").read_text(encoding="utf-8")
    assert "\tforms\t" in log and "\t成功\t" in log


def test_out_option_and_blank(tmp_path: Path) -> None:
    book = make_book(tmp_path)
    target = tmp_path / "配布用.xlsx"
    result = invoke("consent", book, "--blank", "--out", target)
    assert result.exit_code == 0, result.output
    assert load_workbook(target).sheetnames == ["同意書_空欄"]


def test_errors_are_japanese_with_exit_code_2_and_write_nothing(tmp_path: Path) -> None:
    book = make_book(tmp_path)
    result = invoke("修了証書", book, "777")
    assert result.exit_code == 2
    assert "受講者シートにない修了番号です：777" in result.stderr
    result = invoke("賞状", book)
    assert result.exit_code == 2 and "帳票「賞状」はありません" in result.stderr
    result = invoke("修了証書", tmp_path / "ない.xlsx")
    assert result.exit_code == 2 and "見つかりません" in result.stderr
    result = invoke("修了証書", book, "--today", "令和7年2月30日")
    assert result.exit_code == 2 and "存在しない日付" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["管理.xlsx"]


def test_a_workbook_open_in_excel_still_prints_but_is_not_touched(tmp_path: Path) -> None:
    book = make_book(tmp_path)
    lock_file(book).write_bytes(b"")
    before = book.read_bytes()
    result = invoke("登録名簿", book, "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert "操作履歴シートには記録していません" in result.stdout
    assert book.read_bytes() == before
    assert (tmp_path / "管理_登録名簿.xlsx").exists()


@pytest.mark.parametrize("kind", ["application", "case-consent", "report"])
def test_blank_forms_of_kinds_without_people(tmp_path: Path, kind: str) -> None:
    book = make_book(tmp_path)
    result = invoke(kind, book, "--blank")
    assert result.exit_code == 0, result.output
