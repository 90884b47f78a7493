"""Who a form prints by default (#11 items 8, 9): the base date decides, as a clerk expects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import World, world_rows, write_workbook
from forms_helpers import SETTINGS, TODAY, world_dicts
from openpyxl import load_workbook

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.select import Selection

D = dt.date


def expired_world() -> World:
    """The forms world plus 004: its state still 「登録中」 as typed, its period over on TODAY."""
    w = world_dicts()
    w["register"].append(
        {
            "reg_no": "004",
            "kana": "きげん　きれお",
            "name": "期限　切男",
            "sex": "男",
            "birth": D(1970, 1, 1),
            "address": "甲府市西町5-5",
            "issued": D(2024, 4, 1),
            "period_start": D(2024, 4, 1),
            "period_end": D(2026, 3, 31),
            "state": "登録中",  # the clerk never ran expiries
        }
    )
    return w


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "管理.xlsx", world_rows(expired_world()), SETTINGS)


def run(book: Path, kind: str, sel: Selection) -> tuple[list[str], str]:
    out = book.with_name(f"out_{kind}.xlsx")
    forms(FileEngine(book), TODAY, kind, sel, out, False)
    wb = load_workbook(out)
    text = "".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    return wb.sheetnames, text


def test_card_without_numbers_prints_only_those_within_their_period(book: Path) -> None:
    names, _ = run(book, "登録証", Selection())
    assert names == ["登録証_001", "登録証_002"]  # not 004 (period over), not 003 (辞退)


def test_roster_without_numbers_leaves_out_an_ended_period(book: Path) -> None:
    _, text = run(book, "登録名簿", Selection())
    assert "山田　太郎" in text and "鈴木　花子" in text
    assert "期限　切男" not in text


def test_a_period_not_yet_begun_is_outside_too(tmp_path: Path) -> None:
    w = expired_world()
    w["register"][0].update(period_start=D(2027, 1, 1), period_end=D(2028, 12, 31))
    book = write_workbook(tmp_path / "b.xlsx", world_rows(w), SETTINGS)
    names, _ = run(book, "登録証", Selection())
    assert names == ["登録証_002"]


def test_the_option_includes_the_others_marked(book: Path) -> None:
    names, text = run(book, "登録証", Selection(outside=True))
    assert names == ["登録証_001", "登録証_002", "登録証_004"]
    assert text.count("期間外") == 1
    _, text = run(book, "登録名簿", Selection(outside=True))
    assert "期限　切男" in text and text.count("期間外") == 1
    assert "佐藤　次郎" not in text  # 辞退 is not 期間外: never printed as registered


def test_a_number_asked_for_is_printed_and_marked_when_outside(book: Path) -> None:
    names, text = run(book, "登録証", Selection(("004",)))
    assert names == ["登録証_004"]
    assert "期間外" in text


def test_nobody_within_a_period_is_refused_in_japanese(tmp_path: Path) -> None:
    w = expired_world()
    for r in w["register"]:
        if r.get("reg_no") in ("001", "002"):
            r.update(period_end=D(2026, 1, 1))
    book = write_workbook(tmp_path / "b.xlsx", world_rows(w), SETTINGS)
    with pytest.raises(HikisupError, match=r"登録期間内の人がいません.*--outside"):
        run(book, "登録名簿", Selection())


# --------------------------------------------------------------------------- 研修案内 (item 9)


def test_invitation_for_a_training_already_held_is_refused(tmp_path: Path) -> None:
    w = expired_world()
    w["trainings"].append(
        {"training_id": "F0", "kind": "継続研修", "title": "秋の研修", "date": D(2026, 10, 1)}
    )
    book = write_workbook(tmp_path / "b.xlsx", world_rows(w), SETTINGS)
    before = book.read_bytes()
    for sel in (Selection(("F0",)), Selection(("F0", "001")), Selection(("F0",), blank=True)):
        with pytest.raises(HikisupError, match=r"研修F0.*令和8年10月1日.*終わっています"):
            run(book, "研修案内", sel)
    assert book.read_bytes() == before
    assert not book.with_name("out_研修案内.xlsx").exists()
    names, _ = run(book, "研修案内", Selection(("F1", "001")))  # the future one still works
    assert names == ["研修案内_F1_001"]


def test_invitation_on_the_training_day_itself_is_allowed(tmp_path: Path) -> None:
    w = expired_world()
    w["trainings"].append({"training_id": "F2", "kind": "交流会", "date": TODAY})
    book = write_workbook(tmp_path / "b.xlsx", world_rows(w), SETTINGS)
    assert run(book, "研修案内", Selection(("F2", "001")))[0] == ["研修案内_F2_001"]


def test_the_command_line_option_and_the_refusals_in_japanese(book: Path) -> None:
    from click.testing import CliRunner

    from hikisup_xl.forms.commands import forms_cmd

    def invoke(*args: object) -> tuple[int, str]:
        result = CliRunner().invoke(forms_cmd, [str(a) for a in args])
        assert "Traceback" not in result.output, result.output
        return result.exit_code, result.output

    out = book.with_name("cards.xlsx")
    code, _ = invoke("登録証", book, "--outside", "--out", out, "--today", TODAY.isoformat())
    assert code == 0
    assert load_workbook(out).sheetnames == ["登録証_001", "登録証_002", "登録証_004"]
    code, output = invoke("修了証書", book, "--outside", "--out", book.with_name("c.xlsx"))
    assert code != 0 and "--outside は使えません" in output
