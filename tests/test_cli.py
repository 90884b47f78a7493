"""The `hikisup` command line: help texts, demo, new."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner as CliRunnerWithInput
from conftest import invoke, sheet_values, table_rows, write_workbook

from hikisup_xl.cli import main
from hikisup_xl.core import schema
from hikisup_xl.demo import DEMO_SETTINGS, generate

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append((*prefix, name))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
    return out


COMMANDS = _commands(main)


def _lookup(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = main
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    return cmd


def test_the_expected_commands_exist() -> None:
    assert set(COMMANDS) >= {
        ("new",),
        ("check",),
        ("number",),
        ("expiries",),
        ("demo",),
        ("template",),
        ("template", "build"),
        ("forms",),
        ("addin",),
        ("export-roster",),
        ("import-roster",),
        ("report",),
        ("consolidate",),
        ("addin", "build"),
        ("addin", "install"),
    }


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "hikisup")
def test_every_command_has_japanese_help(path: tuple[str, ...]) -> None:
    cmd = _lookup(path)
    assert cmd.help and JAPANESE.search(cmd.help), f"{path} has no Japanese help"
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            assert param.help and JAPANESE.search(param.help), f"{path} {param.name}"
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    assert JAPANESE.search(result.stdout)


# What demo.py plants (_plant_mistakes, _forget_insurance, _plant_silent_dispatch), as check
# finds it on the demo of 2026-11-26 after `number`: (code, sheet, row).
PLANTED = [
    ("format.phone", "登録名簿", 10),  # leading zero lost
    ("notation.phone", "登録名簿", 4),  # 全角 digits
    ("format.postal", "登録名簿", 5),  # six digits
    ("notation.email", "登録名簿", 6),  # 全角 @
    ("format.kana", "登録名簿", 8),  # kanji in ふりがな
    ("format.date", "登録名簿", 11),  # 平成31年5月1日
    ("duplicate.person", "登録名簿", 34),  # the same person twice...
    ("notation.kana", "登録名簿", 34),  # ...with 半角カナ
    ("report.time_order", "活動報告", 2),
    ("report.other_blank", "活動報告", 3),
    ("format.choice", "活動報告", 4),
    ("report.late", "活動報告", 5),
    ("unknown.reference", "活動報告", 6),
    ("dispatch.no_decision", "派遣", 2),
    # one supporter's insurance not renewed this 年度: their first report and each dispatch
    ("insurance.activity", "活動報告", 2),
    ("insurance.dispatch", "派遣", 41),
    ("insurance.dispatch", "派遣", 51),
    ("insurance.dispatch", "派遣", 53),
    ("dispatch.silent", "派遣", 55),  # 派遣中 for 45 days without a report
]


def test_demo_runs_and_its_checks_find_the_planted_mistakes(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    result = invoke("demo", directory, "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert "デモ用のブックを作りました" in result.stdout
    assert "採番完了" in result.stdout
    assert "期限確認" in result.stdout
    assert "チェック完了" in result.stdout
    books = sorted(p.name for p in directory.glob("*.xlsx") if not p.name.endswith(".bak.xlsx"))
    assert books == [
        "サポーター管理_デモ.xlsx",
        "サポーター管理_デモ_研修チラシ.xlsx",
    ]  # and its flyer
    assert "「サポーター別」シートにサポーター" in result.stdout  # the 年度 report ran (#13)
    assert "研修チラシを2枚作成しました" in result.stdout
    issues = table_rows(directory / books[0], schema.ISSUES)
    # Exactly the slips demo.py plants (#11): a finding on any other row is a rule misfiring
    # on correct data.
    assert sorted((i["code"], i["sheet"], i["row"]) for i in issues) == sorted(PLANTED)
    # Row 3's 生年月日 is typed as 和暦 text: accepted input, so nothing is said about that row.
    assert [i for i in issues if (i["sheet"], i["row"]) == ("登録名簿", 3)] == []
    log = [r["action"] for r in table_rows(directory / books[0], schema.LOG)]
    assert log == ["採番", "期限確認", "チェック", "派遣候補", "年度集計", "帳票作成"]
    assert "派遣候補（派遣ID D00061" in result.stdout
    candidates = table_rows(directory / books[0], schema.CANDIDATES)
    assert {r["verdict"] for r in candidates} == {"候補", "対象外"}


@pytest.mark.parametrize("day", ["2026-11-26", "2027-03-31", "2027-04-02"])
def test_the_demo_without_its_slips_checks_clean(day: str, tmp_path: Path) -> None:
    """The demo's correct rows draw nothing from check, on any day (#11): a finding here is a
    rule misfiring on correct data, or the generator making a slip it does not mean to."""
    today = dt.date.fromisoformat(day)
    path = write_workbook(tmp_path / "demo.xlsx", generate(today, mistakes=False), DEMO_SETTINGS)
    assert invoke("number", path, "--today", day).exit_code == 0  # the waiting registrations
    result = invoke("check", path, "--today", day, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_demo_is_reproducible(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert invoke("demo", tmp_path / name, "--today", "2026-11-26").exit_code == 0
    skip = ("操作履歴",)  # holds the clock time of each action
    for name in ("サポーター管理_デモ.xlsx", "サポーター管理_デモ_研修チラシ.xlsx"):
        a, b = tmp_path / "a" / name, tmp_path / "b" / name
        assert sheet_values(a, skip) == sheet_values(b, skip)


def test_new_fills_settings_from_options(tmp_path: Path) -> None:
    path = tmp_path / "甲府.xlsx"
    result = invoke(
        "new",
        path,
        "--body-name",
        "甲府市",
        "--mayor-name",
        "甲府市長　山田太郎",
        "--department",
        "福祉保健部",
        "--phone",
        "055-237-1161",
        "--fax",
        "055-237-0000",
        "--body-kind",
        "市町村",
    )
    assert result.exit_code == 0, result.output
    assert path.name in result.stdout
    settings = {r[0]: r[1] for r in sheet_values(path)["設定"][1:] if r[0]}
    assert settings["実施主体名"] == "甲府市"
    assert settings["市町村長名"] == "甲府市長　山田太郎"
    assert settings["担当部署"] == "福祉保健部"
    assert settings["電話"] == "055-237-1161"
    assert settings["FAX"] == "055-237-0000"
    assert settings["実施主体の種別"] == "市町村"
    assert invoke("check", path).exit_code == 0  # a new book is clean


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "既存.xlsx"
    assert invoke("new", path).exit_code == 0
    before = path.read_bytes(), path.stat().st_mtime_ns
    result = invoke("new", path, "--body-name", "別の市")
    assert result.exit_code == 2
    assert "すでにあります" in result.stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["既存.xlsx"]


def test_a_choice_not_offered_is_refused_in_japanese_and_nothing_is_made(tmp_path: Path) -> None:
    path = tmp_path / "新.xlsx"
    result = invoke("new", path, "--body-kind", "区")
    assert result.exit_code == 2
    assert "--body-kind：「区」は指定できません。「市町村」、「都道府県」のどれか" in result.stderr
    assert "Invalid value" not in result.output + result.stderr
    assert not path.exists()


def test_new_refuses_a_name_that_is_not_xlsx(tmp_path: Path) -> None:
    result = invoke("new", tmp_path / "名簿.xls")
    assert result.exit_code == 2
    assert ".xlsx" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_today_is_a_usage_error_in_japanese(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    assert invoke("new", path).exit_code == 0
    result = invoke("check", path, "--today", "令和7年2月30日")
    assert result.exit_code == 2
    assert "存在しない日付" in result.stderr


def test_today_accepts_wareki(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    assert invoke("new", path).exit_code == 0
    result = invoke("expiries", path, "--today", "R8.11.26")
    assert result.exit_code == 0, result.output
    assert "基準日 2026/11/26" in result.stdout


def _last_log_line() -> list[str]:
    from hikisup_xl.applog import log_path

    return log_path().read_text(encoding="utf-8").splitlines()[-1].split("\t")


def test_the_log_names_the_file_of_a_job_without_a_workbook_whatever_comes_first(
    tmp_path: Path,
) -> None:
    """Options typed before the file name once put an option's value in the log's file column
    (`new --body-name 甲府市 x.xlsx` logged 「甲府市」)."""
    path = tmp_path / "甲府.xlsx"
    assert invoke("new", "--body-name", "甲府市", path).exit_code == 0
    assert _last_log_line()[3:5] == [str(path), "成功"]
    refused = invoke("new", "--body-kind", "県", tmp_path / "県.xlsx")
    assert refused.exit_code == 2
    assert _last_log_line()[3:5] == [str(tmp_path / "県.xlsx"), "拒否"]
    folder = tmp_path / "届いたファイル"
    folder.mkdir()
    refused = invoke("consolidate", "--fy", "来年", folder, tmp_path / "集約.xlsx")
    assert refused.exit_code == 2
    assert _last_log_line()[3:5] == [str(folder), "拒否"]


def test_a_password_prompt_left_without_an_answer_is_refused_in_japanese(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "管理.xlsx", {})
    out = tmp_path / "名簿.xlsx"
    result = CliRunnerWithInput().invoke(
        main, ["export-roster", str(book), str(out), "--password", "-"], input=""
    )
    assert result.exit_code == 2, result.output
    assert "パスワードの入力が取り消されました" in result.stderr
    assert "予期しない" not in result.stderr and "Abort" not in result.output + result.stderr
    assert not out.exists()


def test_demo_refuses_a_wrong_date_in_japanese(tmp_path: Path) -> None:
    result = invoke("demo", tmp_path / "d", "--today", "あした")
    assert result.exit_code == 2
    assert "--today：「あした」は日付として読み取れません" in result.stderr
    assert "Invalid value" not in result.output + result.stderr
    assert not (tmp_path / "d").exists()
