"""ボランティア活動保険 per 年度 (#13): check on the 年度 boundary, the 期限一覧 window around
4/1, and the count in the 年度集計. Rows are typed as a clerk types them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import (
    World,
    base_world,
    book_of,
    codes,
    invoke,
    table_rows,
    world_rows,
    write_workbook,
)

from hikisup_xl.core import schema
from hikisup_xl.core.rules import run_rules
from hikisup_xl.core.rules.insurance import insured_activity
from hikisup_xl.stats.compute import SUMMARY, compute

D = dt.date


def _insured(*years: object) -> World:
    """base_world with 001 insured for exactly `years` (as typed in the 年度 cell)."""
    w = base_world()
    w["insurance"] = [{"reg_no": "001", "fy": y} for y in years]
    return w


def _found(w: World, code: str) -> list[tuple[str, int | None, str, str]]:
    return [
        (i.sheet, i.row, i.column, i.severity)
        for i in insured_activity(book_of(w))
        if i.code == code
    ]


def test_the_base_world_is_insured_and_passes() -> None:
    assert run_rules(book_of(base_world())) == []


@pytest.mark.parametrize("typed", ["令和8年度", "R8", "２０２６", 2026, "2026年度", "令和８"])
def test_the_nendo_is_read_as_clerks_type_it(typed: object) -> None:
    w = _insured("令和7年度", typed)
    assert list(insured_activity(book_of(w))) == []


def test_an_unreadable_nendo_is_an_error_at_its_cell() -> None:
    w = _insured("令和7年度", "来年度")
    (issue,) = [i for i in run_rules(book_of(w)) if i.code == "insurance.fy"]
    assert (issue.sheet, issue.row, issue.column, issue.severity) == (
        "保険加入",
        3,
        "年度",
        "エラー",
    )
    assert "2025、令和7年度、R7" in issue.message


def test_an_insurance_row_for_an_unknown_supporter_is_reported() -> None:
    w = base_world()
    w["insurance"].append({"reg_no": "099", "fy": "令和8年度"})
    assert ("保険加入", 4) in [
        (i.sheet, i.row) for i in run_rules(book_of(w)) if i.code == "unknown.reference"
    ]


@pytest.mark.parametrize(
    ("decided", "flagged"),
    [(D(2026, 3, 31), False), (D(2026, 4, 1), True)],
    ids=["3/31 is last year's", "4/1 is the new year's"],
)
def test_a_dispatch_decided_on_either_side_of_april_first(decided: dt.date, flagged: bool) -> None:
    w = _insured("令和7年度")  # R7 only: 2025/4/1 - 2026/3/31
    w["dispatches"][0]["decided"] = decided
    w["reports"] = []
    found = _found(w, "insurance.dispatch")
    assert found == ([("派遣", 2, "決定日", "警告")] if flagged else [])


@pytest.mark.parametrize(
    ("day", "flagged"),
    [(D(2026, 3, 31), True), (D(2026, 4, 1), False)],
    ids=["3/31 is last year's", "4/1 is the new year's"],
)
def test_an_activity_on_either_side_of_april_first(day: dt.date, flagged: bool) -> None:
    w = _insured("令和8年度")  # R8 only: from 2026/4/1
    w["dispatches"][0]["decided"] = D(2026, 4, 1)
    w["reports"][0]["date"] = day
    found = _found(w, "insurance.activity")
    assert found == ([("活動報告", 2, "活動日", "警告")] if flagged else [])


def test_many_uninsured_activities_are_one_issue_per_supporter_and_nendo() -> None:
    w = _insured("令和7年度")
    first = w["reports"][0]
    w["reports"] += [{**first, "report_id": f"R00000{n}", "date": D(2026, 11, n)} for n in (2, 3)]
    (issue,) = [i for i in insured_activity(book_of(w)) if i.code == "insurance.activity"]
    assert issue.row == 2
    assert "令和8年度のボランティア活動保険" in issue.message
    assert "この年度の活動報告 3件" in issue.message


def test_another_supporters_insurance_does_not_count() -> None:
    w = _insured("令和7年度")
    w["insurance"].append({"reg_no": "002", "fy": "令和8年度"})
    assert "insurance.activity" in codes(insured_activity(book_of(w)))


# ----------------------------------------------------------------- 期限一覧 around 4/1
@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (D(2027, 2, 28), False),
        (D(2027, 3, 1), True),
        (D(2027, 4, 30), True),
        (D(2027, 5, 1), False),
    ],
)
def test_expiries_lists_the_uninsured_from_march_first_to_april_30(
    tmp_path: Path, today: dt.date, listed: bool
) -> None:
    path = write_workbook(tmp_path / "ブック.xlsx", world_rows(base_world()))  # R7, R8 only
    result = invoke("expiries", path, "--today", today.isoformat())
    assert result.exit_code == 0, result.output
    rows = table_rows(path, schema.EXPIRING)
    expected = [("001", "令和9年度のボランティア活動保険に未加入")] if listed else []
    assert [(r["reg_no"], r["note"]) for r in rows] == expected
    assert ("令和9年度の保険に未加入1人" in result.stdout) is listed


def test_expiries_leaves_out_the_insured_and_the_withdrawn(tmp_path: Path) -> None:
    w = base_world()
    w["insurance"].append({"reg_no": "001", "fy": "令和9年度"})
    first = w["register"][0]
    w["register"].append({**first, "reg_no": "002", "name": "辞退　花子", "state": "辞退",
                          "ended": D(2027, 1, 31), "cert_no": None})  # fmt: skip
    path = write_workbook(tmp_path / "ブック.xlsx", world_rows(w))
    assert invoke("expiries", path, "--today", "2027-03-15").exit_code == 0
    assert table_rows(path, schema.EXPIRING) == []


def test_an_expiring_supporter_carries_the_insurance_note_on_the_same_row(tmp_path: Path) -> None:
    w = base_world()
    w["register"][0]["period_end"] = D(2027, 4, 20)
    path = write_workbook(tmp_path / "ブック.xlsx", world_rows(w))
    assert invoke("expiries", path, "--today", "2027-04-01").exit_code == 0
    (row,) = table_rows(path, schema.EXPIRING)
    assert (row["days_left"], row["note"]) == (19, "令和9年度のボランティア活動保険に未加入")


# ----------------------------------------------------------------------- 年度集計
def test_the_report_counts_insured_supporters_of_the_register_only() -> None:
    w = base_world()
    w["insurance"].append({"reg_no": "099", "fy": "令和8年度"})  # nobody in the register
    book = book_of(w)
    assert compute(book, 2026, D(2026, 11, 26)).value(SUMMARY, "保険加入者数") == 1
    assert compute(book, 2024, D(2026, 11, 26)).value(SUMMARY, "保険加入者数") == 0


def test_the_count_reaches_the_sheet_and_the_upward_file(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "ブック.xlsx", world_rows(base_world()))
    out = tmp_path / "提出.xlsx"
    result = invoke(
        "report", path, "--fy", "2026", "--out", out, "--suppress", "0", "--today", "2026-11-26"
    )
    assert result.exit_code == 0, result.output
    overview = {r["item"]: r["value"] for r in table_rows(path, schema.SUM_OVERVIEW)}
    assert overview["保険加入者数"] == 1
    upward = {
        r["item"]: r["value"] for r in table_rows(out, schema.STATS) if r["section"] == "概要"
    }
    assert upward["保険加入者数"] == 1
