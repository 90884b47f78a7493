"""サポーター別 (#13): each supporter's dispatches, activities, hours, last activity and follow-up
training by 年度, in the workbook and never in the file sent upward."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from conftest import World, base_world, book_of, table_rows, world_rows, write_workbook
from openpyxl import load_workbook
from stats_helpers import report

from hikisup_xl.core import schema
from hikisup_xl.core.settings import Settings
from hikisup_xl.stats.history import supporter_years

D = dt.date
TODAY = D(2026, 5, 10)  # 令和7年度 (2025-04-01 – 2026-03-31) is over


def _person(no: str, name: str, start: D, **values: object) -> dict[str, object]:
    return {
        "reg_no": no,
        "kana": "かくう",
        "name": name,
        "birth": D(1970, 1, 1),
        "address": "架空市",
        "issued": start,
        "period_start": start,
        "period_end": start.replace(year=start.year + 2) - dt.timedelta(days=1),
        "state": "登録中",
        **values,
    }


def _report(n: int, did: str, no: str, day: D, start: dt.time, end: dt.time) -> dict[str, object]:
    return {
        "report_id": f"R{n:04d}",
        "dispatch_id": did,
        "reported": day,
        "reg_no": no,
        "date": day,
        "start": start,
        "end": end,
        "kind": "訪問",
    }


def _dispatch(did: str, no: str, decided: D) -> dict[str, object]:
    return {
        "dispatch_id": did,
        "requested": decided,
        "case_id": "C0001",
        "requester": "本人",
        "reg_no": no,
        "decided": decided,
        "state": "派遣中",
    }


def history_world() -> World:
    """Three supporters written as a clerk keeps them:

    001 acts in both 年度; 002 is registered in 令和7年度 but has done nothing yet; 003 acted
    only in 令和6年度 and is still registered.
    """
    w = base_world()
    w["register"] = [
        _person("001", "山田　太郎", D(2024, 4, 1)),
        _person("002", "鈴木　花子", D(2025, 10, 1)),
        _person("003", "佐藤　次郎", D(2024, 6, 1)),
    ]
    w["dispatches"] = [
        _dispatch("D1", "001", D(2025, 5, 1)),  # with reports in 令和7年度
        _dispatch("D2", "001", D(2025, 6, 1)),  # decided in 令和7年度, no report yet
        _dispatch("D3", "001", D(2025, 3, 1)),  # decided in 令和6年度, acted in both
        _dispatch("D4", "003", D(2024, 7, 1)),
    ]
    t10, t1130, t13, t14 = dt.time(10), dt.time(11, 30), dt.time(13), dt.time(14)
    w["reports"] = [
        _report(1, "D1", "001", D(2025, 5, 10), t10, t1130),
        _report(2, "D1", "001", D(2025, 9, 3), t13, t14),
        _report(3, "D3", "001", D(2025, 4, 2), t10, t1130),
        _report(4, "D3", "001", D(2025, 3, 20), t10, t14),  # 令和6年度
        _report(5, "D4", "003", D(2024, 8, 1), t13, t14),
        _report(6, "D4", "003", D(2025, 2, 14), t13, t14),
        _report(7, "D1", "001", D(2026, 4, 15), t10, t1130),  # 令和8年度: not in 7 nor 6
    ]
    w["trainings"] += [
        {"training_id": "F1", "kind": "継続研修", "date": D(2025, 11, 15)},
        {"training_id": "F2", "kind": "交流会", "date": D(2026, 2, 15)},
        {"training_id": "F0", "kind": "交流会", "date": D(2024, 11, 15)},
        {"training_id": "T2", "kind": "養成研修", "date": D(2025, 12, 1)},  # not follow-up
    ]
    w["followup"] = [
        {"training_id": "F2", "reg_no": "001", "attendance": "出席"},
        {"training_id": "F1", "reg_no": "001", "attendance": "出席"},
        {"training_id": "F1", "reg_no": "002", "attendance": "欠席"},  # absent: not counted
        {"training_id": "T2", "reg_no": "002", "attendance": "出席"},  # a training course
        {"training_id": "F0", "reg_no": "003", "attendance": "出席"},
    ]
    return w


HEADERS = [c.key for c in schema.SUPPORTER_YEARS.columns]


def _rows(fy: int = 2025) -> list[dict[str, object]]:
    rows = supporter_years(book_of(history_world(), TODAY), fy, TODAY)
    return [dict(zip(HEADERS, r, strict=True)) for r in rows]


def test_one_row_per_supporter_and_year_this_year_first() -> None:
    keys = [(r["fy"], r["reg_no"]) for r in _rows()]
    assert keys == [
        ("令和7年度", "001"),
        ("令和7年度", "002"),  # registered, nothing done: shown, with zeros
        ("令和7年度", "003"),  # still registered, idle this year
        ("令和6年度", "001"),
        ("令和6年度", "003"),
    ]


def test_the_figures_of_a_year() -> None:
    by = {(r["fy"], r["reg_no"]): r for r in _rows()}
    yamada = by["令和7年度", "001"]
    assert yamada["name"] == "山田　太郎" and yamada["state"] == "登録中"
    assert yamada["dispatches"] == 3  # D1, D2 (decided, no report yet), D3 (acted this year)
    assert yamada["activities"] == 3
    assert yamada["hours"] == 4.0  # 1.5 + 1 + 1.5
    assert yamada["last_activity"] == D(2025, 9, 3)  # not the 令和8年度 report
    assert yamada["followup"] == 2
    assert yamada["followup_ids"] == "F1、F2"  # in the order they were held
    idle = by["令和7年度", "002"]
    assert (idle["dispatches"], idle["activities"], idle["hours"], idle["followup"]) == (0, 0, 0, 0)
    assert idle["last_activity"] is None and idle["followup_ids"] == ""
    sato = by["令和7年度", "003"]
    assert sato["activities"] == 0 and sato["last_activity"] == D(2025, 2, 14)  # last ever
    before = by["令和6年度", "001"]
    assert (before["dispatches"], before["activities"], before["hours"]) == (1, 1, 4.0)
    assert by["令和6年度", "003"]["followup_ids"] == "F0"


def test_a_report_without_a_reg_no_or_a_date_is_nobodys_history() -> None:
    w = history_world()
    w["reports"].append(_report(8, "D1", "", D(2025, 6, 1), dt.time(10), dt.time(11)))
    w["reports"].append({**_report(9, "D1", "001", D(2025, 6, 2), dt.time(10), dt.time(11))})
    w["reports"][-1]["date"] = "いつか"
    rows = supporter_years(book_of(w, TODAY), 2025, TODAY)
    assert [r[5] for r in rows if r[:2] == ("令和7年度", "001")] == [3]


def test_an_empty_book_gives_an_empty_table() -> None:
    empty = {k: [] for k in ("register", "reports", "dispatches", "followup", "trainings")}
    assert supporter_years(book_of(empty, TODAY), 2025, TODAY) == []  # type: ignore[arg-type]


# -- through the report, into the workbook and never upward -------------------------------
@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    d = tmp_path_factory.mktemp("history")
    book = write_workbook(
        d / "架空市.xlsx", world_rows(history_world()), Settings(body_name="架空市")
    )
    out = d / "提出.xlsx"
    result = report(book, "--out", out, "--suppress", "0")
    assert result.exit_code == 0, result.output
    return book, out, result.stdout


def test_the_report_writes_the_table_into_the_workbook(reported: tuple[Path, Path, str]) -> None:
    book, _out, stdout = reported
    assert "「サポーター別」シートにサポーター3人の令和7年度の活動" in stdout
    rows = table_rows(book, schema.SUPPORTER_YEARS)
    assert [(r["fy"], r["reg_no"], r["activities"]) for r in rows] == [
        ("令和7年度", "001", 3),
        ("令和7年度", "002", 0),
        ("令和7年度", "003", 0),
        ("令和6年度", "001", 1),
        ("令和6年度", "003", 2),
    ]
    ws = load_workbook(book)[schema.SUPPORTER_YEARS.sheet]
    (pivot,) = ws._pivots  # type: ignore[attr-defined]
    assert pivot.cache.cacheSource.worksheetSource.name == schema.SUPPORTER_YEARS.table


def test_the_upward_file_holds_nothing_of_it(reported: tuple[Path, Path, str]) -> None:
    """Not the sheet, not the table, not a name, a 登録番号 or a follow-up ID: the names and
    numbers of every row of サポーター別 appear nowhere in any part of the file."""
    book, out, _ = reported
    with zipfile.ZipFile(out) as zf:
        text = "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    assert schema.SUPPORTER_YEARS.sheet not in load_workbook(out).sheetnames
    for words in (
        schema.SUPPORTER_YEARS.sheet,
        schema.SUPPORTER_YEARS.table,
        "最終活動日",
        "山田",
        "鈴木",
        "佐藤",
        "F1、F2",
        "出席した事後研修",
    ):
        assert words not in text, words
    numbers = [r["reg_no"] for r in table_rows(book, schema.SUPPORTER_YEARS)]
    for no in numbers:
        assert f">{no}<" not in text, no  # no cell holds a 登録番号
