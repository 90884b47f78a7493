"""The 要綱's gates through the actions on real .xlsx files (#11 items 1-4).

A clerk edits the saved workbook between runs (openpyxl stands in for Excel), typing dates
the way the README invites: 和暦 text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import TODAY, World, base_world, invoke, table_rows, world_rows, write_workbook
from openpyxl import load_workbook
from test_actions_file import _as_date, _fill

from hikisup_xl.core import schema
from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.files import FileEngine, save_atomic
from hikisup_xl.jobs import ledger as actions

D = dt.date
DAY = TODAY.isoformat()


def _periods(path: Path) -> list[tuple[object, ...]]:
    return [
        (p["reg_no"], p["kind"], _as_date(p["period_start"]), _as_date(p["period_end"]))
        for p in table_rows(path, schema.PERIODS)
    ]


def _codes(path: Path) -> list[tuple[str, str, int]]:
    return [
        (str(i["code"]), str(i["sheet"]), int(i["row"])) for i in table_rows(path, schema.ISSUES)
    ]  # type: ignore[call-overload]


def _book(tmp_path: Path, w: World | None = None, settings: Settings | None = None) -> Path:
    return write_workbook(tmp_path / "サポーター.xlsx", world_rows(w or base_world()), settings)


# ----------------------------------------------------------------------------- item 1


def test_a_corrected_period_replaces_the_wrong_one(tmp_path: Path) -> None:
    path = _book(tmp_path)
    assert invoke("check", path, "--today", DAY).exit_code == 0
    _fill(path, "登録名簿", 2, "登録期間終了", "R8.6.30")  # the clerk corrects a typo
    _fill(path, "派遣", 2, "決定日", "R8.7.15")
    _fill(path, "派遣", 2, "依頼日", "R8.7.10")
    result = invoke("expiries", path, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert table_rows(path, schema.REGISTER)[0]["state"] == "期限切れ"
    assert _periods(path) == [("001", "新規", D(2025, 8, 10), D(2026, 6, 30))]
    changes = [
        (c["item"], c["before"], c["after"], c["source"]) for c in table_rows(path, schema.CHANGES)
    ]
    assert (
        "登録期間の訂正",
        "2025/08/10〜2027/08/09",
        "2025/08/10〜2026/06/30",
        "自動検出",
    ) in changes
    assert invoke("check", path, "--today", DAY).exit_code == 1
    assert ("dispatch.ineligible", "派遣", 2) in _codes(path)


def test_a_real_re_registration_adds_a_period(tmp_path: Path) -> None:
    w = base_world()
    w["register"][0].update(period_end=D(2026, 8, 9))
    w["periods"][0].update(period_end=D(2026, 8, 9))
    path = _book(tmp_path, w)
    assert invoke("expiries", path, "--today", DAY).exit_code == 0
    _fill(path, "登録名簿", 2, "登録証交付日", "R8.11.20")  # a new card after the period ended
    result = invoke("number", path, "--today", DAY)
    assert result.exit_code == 0, result.output
    reg = table_rows(path, schema.REGISTER)[0]
    assert (_as_date(reg["period_start"]), _as_date(reg["period_end"])) == (
        D(2026, 11, 20),
        D(2028, 11, 19),
    )
    assert reg["state"] == "登録中"
    assert _periods(path) == [
        ("001", "新規", D(2025, 8, 10), D(2026, 8, 9)),
        ("001", "再登録", D(2026, 11, 20), D(2028, 11, 19)),
    ]
    assert "登録期間の訂正" not in [c["item"] for c in table_rows(path, schema.CHANGES)]


def test_a_duplicated_registration_number_makes_no_re_registration(tmp_path: Path) -> None:
    w = base_world()
    w["register"].append(
        {
            **w["register"][0],
            "name": "佐藤　花子",
            "kana": "さとう　はなこ",
            "period_end": D(2026, 9, 30),
        }
    )
    path = _book(tmp_path, w)
    assert invoke("check", path, "--today", DAY).exit_code == 1  # the duplicate is an error
    assert _periods(path) == [("001", "新規", D(2025, 8, 10), D(2027, 8, 9))]


# ----------------------------------------------------------------------------- item 2


def _without_period(w: World) -> World:
    w["register"][0].update(issued=None, period_start=None, period_end=None)
    w["periods"] = []
    return w


def test_a_card_typed_after_number_ran_gets_its_period(tmp_path: Path) -> None:
    path = _book(tmp_path, _without_period(base_world()))
    assert invoke("number", path, "--today", DAY).exit_code == 0
    assert invoke("check", path, "--today", DAY).exit_code == 1
    assert ("period.missing", "登録名簿", 2) in _codes(path)
    _fill(path, "登録名簿", 2, "登録証交付日", "R7.8.10")
    result = invoke("expiries", path, "--today", DAY)
    assert "登録期間を設定の決め方（交付日から年数）で1件入力しました" in result.stdout
    reg = table_rows(path, schema.REGISTER)[0]
    assert (_as_date(reg["period_start"]), _as_date(reg["period_end"])) == (
        D(2025, 8, 10),
        D(2027, 8, 9),
    )
    assert _periods(path) == [("001", "新規", D(2025, 8, 10), D(2027, 8, 9))]
    assert invoke("check", path, "--today", DAY).exit_code == 0


def test_number_fills_the_period_of_an_already_numbered_supporter(tmp_path: Path) -> None:
    w = _without_period(base_world())
    w["register"][0]["issued"] = "R7.8.10"
    path = _book(tmp_path, w)
    result = actions.number(FileEngine(path), TODAY)
    assert result.counts["reg_no"] == 0
    reg = table_rows(path, schema.REGISTER)[0]
    assert _as_date(reg["period_end"]) == D(2027, 8, 9)


def test_a_one_day_fiscal_year_period_is_warned(tmp_path: Path) -> None:
    w = _without_period(base_world())
    w["register"][0]["issued"] = "R8.3.31"
    w["dispatches"][0].update(state="終了", closed=D(2026, 2, 1))
    w["reports"] = []
    settings = Settings(period_rule="年度末まで", period_years=1)
    path = _book(tmp_path, w, settings)
    result = invoke("number", path, "--today", DAY)
    assert "[警告] 登録名簿 2行目「登録期間終了」: 登録期間が1日しかありません" in result.stdout
    assert "年度末" in result.stdout
    invoke("check", path, "--today", DAY)
    short = [i for i in table_rows(path, schema.ISSUES) if i["code"] == "period.short"]
    assert [(i["severity"], i["row"]) for i in short] == [("警告", 2)]


# ----------------------------------------------------------------------------- item 3


def test_number_refuses_a_completion_number_of_another_person(tmp_path: Path) -> None:
    w = base_world()
    w["register"].append(
        {
            "kana": "さとう　はなこ",
            "name": "佐藤　花子",
            "birth": "S50.2.3",
            "address": "架空市南町2",
            "mobile": "090-5555-6666",
            "cert_no": "001",  # 山田's
            "approved": "R8.11.1",
            "consent": "R8.10.20",
            "issued": "R8.11.10",
        }
    )
    path = _book(tmp_path, w)
    result = actions.number(FileEngine(path), TODAY)
    assert result.counts["reg_no"] == 0
    (held,) = result.issues
    assert held.code == "number.held_back"
    assert "別の人" in held.message and "2行目の人" in held.message
    assert [r["reg_no"] for r in table_rows(path, schema.REGISTER)] == ["001", None]


# ----------------------------------------------------------------------------- item 4


def test_a_deleted_register_row_is_recorded(tmp_path: Path) -> None:
    w = base_world()
    w["trainees"].append(
        {**w["trainees"][0], "name": "佐藤　花子", "kana": "さとう　はなこ", "cert_no": "002"}
    )
    w["register"].append(
        {
            **w["register"][0],
            "reg_no": "002",
            "name": "佐藤　花子",
            "kana": "さとう　はなこ",
            "cert_no": "002",
        }
    )
    w["periods"].append({**w["periods"][0], "reg_no": "002"})
    path = _book(tmp_path, w)
    assert invoke("check", path, "--today", DAY).exit_code == 0
    wb = load_workbook(path)
    wb["登録名簿"].delete_rows(3)
    save_atomic(wb, path, keep_backup=False)
    assert invoke("check", path, "--today", DAY).exit_code == 0
    deleted = [c for c in table_rows(path, schema.CHANGES) if c["item"] == "行の削除"]
    assert [(_as_date(c["date"]), c["reg_no"], c["before"], c["source"]) for c in deleted] == [
        (TODAY, "002", "佐藤　花子（さとう はなこ）", "自動検出")
    ]
    assert deleted[0]["by"]
    assert invoke("check", path, "--today", DAY).exit_code == 0
    # Once recorded, 002's history is no longer reported as pointing at nothing.
    assert not [i for i in table_rows(path, schema.ISSUES) if i["code"] == "unknown.reference"]
    assert len([c for c in table_rows(path, schema.CHANGES) if c["item"] == "行の削除"]) == 1


def test_a_registration_number_typed_over_is_not_called_a_deletion(tmp_path: Path) -> None:
    path = _book(tmp_path)
    assert invoke("check", path, "--today", DAY).exit_code == 0
    _fill(path, "登録名簿", 2, "登録番号", "009")
    invoke("check", path, "--today", DAY)
    (gone,) = [c for c in table_rows(path, schema.CHANGES) if c["item"] == "行の削除"]
    assert (gone["reg_no"], gone["after"]) == ("001", "009")
    assert "書き換えられました" in str(gone["reason"])
