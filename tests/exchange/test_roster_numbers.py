"""Every body numbers its supporters from 001: an imported number never collides with ours (#11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import invoke, table_rows
from openpyxl import load_workbook
from roster_helpers import (
    CITY,
    PREFECTURE,
    TODAY,
    export,
    import_,
    rows_of,
    set_decisions,
    supporter,
    workbook,
)

from hikisup_xl.core import schema
from hikisup_xl.engine.files import save_atomic


def _next_reg_no(path: Path) -> object:
    return next(
        r["value"] for r in table_rows(path, schema.SETTINGS) if r["item"] == "次の登録番号"
    )


def _city(tmp_path: Path) -> Path:
    ours = supporter("001", "中村　一子", "なかむら　かずこ", dt.date(1966, 6, 6), cert_no="001")
    trainee = {
        "training_id": "T1",
        "name": "中村　一子",
        "kana": "なかむら　かずこ",
        "birth": dt.date(1966, 6, 6),
        "attendance": "出席",
        "completed": dt.date(2025, 7, 10),
        "cert_no": "001",
    }
    training = {"training_id": "T1", "kind": "養成研修", "date": dt.date(2025, 7, 10)}
    path = workbook(tmp_path / "city.xlsx", [ours], CITY, trainees=[trainee], trainings=[training])
    assert invoke("number", path, "--today", TODAY.isoformat()).exit_code == 0
    return path


def _roster(tmp_path: Path, name: str, people: list[dict[str, object]]) -> Path:
    pref = workbook(tmp_path / f"{name}.xlsx", people, PREFECTURE)
    out = tmp_path / f"{name}_roster.xlsx"
    assert export(pref, out).exit_code == 0
    return out


YAMADA = supporter("001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1))
SATO = supporter("002", "佐藤　花子", "さとう　はなこ", dt.date(1975, 1, 2))


def test_the_senders_numbers_go_beside_the_source_and_never_move_our_counter(
    tmp_path: Path,
) -> None:
    city = _city(tmp_path)
    assert _next_reg_no(city) == 2
    result = import_(city, _roster(tmp_path, "pref", [YAMADA, SATO]))
    assert result.exit_code == 0, result.output
    assert "新規 2人" in result.stdout and "競合 0人" in result.stdout
    reg = {r["name"]: r for r in rows_of(city, schema.REGISTER)}
    assert reg["中村　一子"]["reg_no"] == "001" and reg["中村　一子"]["source_no"] is None
    assert (reg["山田　太郎"]["reg_no"], reg["山田　太郎"]["source_no"]) == (None, "001")
    assert (reg["佐藤　花子"]["reg_no"], reg["佐藤　花子"]["source_no"]) == (None, "002")
    assert reg["山田　太郎"]["roster_source"] == "架空県"
    assert _next_reg_no(city) == 2
    # check finds nothing wrong with two people both numbered 001 by their own body
    assert invoke("check", city, "--today", TODAY.isoformat()).exit_code == 0

    # 山田 registers here: the local number continues our own counter
    wb = load_workbook(city)
    ws = wb[schema.REGISTER.sheet]
    headers = [c.value for c in ws[1]]
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(row=r, column=headers.index("氏名") + 1).value == "山田　太郎"
    )
    ws.cell(row=row, column=headers.index("登録決定日") + 1).value = "R8.11.26"
    save_atomic(wb, city, keep_backup=False)
    assert invoke("number", city, "--today", TODAY.isoformat()).exit_code == 0
    reg = {r["name"]: r for r in rows_of(city, schema.REGISTER)}
    assert (reg["山田　太郎"]["reg_no"], reg["山田　太郎"]["source_no"]) == ("002", "001")
    assert reg["佐藤　花子"]["reg_no"] is None
    assert _next_reg_no(city) == 3


def test_add_as_another_person_always_works(tmp_path: Path) -> None:
    city = _city(tmp_path)
    assert import_(city, _roster(tmp_path, "old", [YAMADA])).exit_code == 0
    # The sender later gives 001 to somebody else (or renumbered): the match is doubtful.
    kimura = supporter("001", "木村　次郎", "きむら　じろう", dt.date(1999, 9, 9))
    roster = _roster(tmp_path, "new", [kimura])
    first = import_(city, roster, today=TODAY + dt.timedelta(days=1))
    assert "競合 1人" in first.stdout
    assert (
        set_decisions(city, lambda r: "別人として追加" if r["name"] == "木村　次郎" else None) == 1
    )
    again = import_(city, roster, today=TODAY + dt.timedelta(days=2))
    assert again.exit_code == 0, again.output
    reg = {r["name"]: r for r in rows_of(city, schema.REGISTER)}
    assert (reg["木村　次郎"]["reg_no"], reg["木村　次郎"]["source_no"]) == (None, "001")
    assert (reg["山田　太郎"]["reg_no"], reg["山田　太郎"]["source_no"]) == (None, "001")
    review = rows_of(city, schema.IMPORT_REVIEW)
    assert [r["result"] for r in review] == ["別人として登録名簿に追加しました"]
    assert _next_reg_no(city) == 2
