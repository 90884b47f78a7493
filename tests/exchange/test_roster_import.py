"""import-roster: every category, no silent overwrite, decisions applied on the second run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import sheet_values
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
from hikisup_xl.exchange.matching import Person, plan_import

ROSTER_DAY = TODAY


def _prefecture() -> list[dict[str, object]]:
    return [
        supporter("P001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1)),
        supporter(
            "P002", "佐藤　花子", "さとう　はなこ", dt.date(1975, 1, 2), mobile="080-1111-2222"
        ),
        supporter("P003", "鈴木　一郎", "すずき　いちろう", dt.date(1970, 3, 3)),
        supporter("P004", "高橋　健", "たかはし　けん", dt.date(1985, 4, 4)),
        supporter("P005", "田中　誠", "たなか　まこと", dt.date(1990, 6, 6)),
        supporter(
            "P006",
            "伊藤　翔",
            "いとう　しょう",
            dt.date(1992, 2, 2),
            state="辞退",
            ended=dt.date(2026, 6, 1),
        ),
        supporter("P007", "伊藤　恵子", "いとう　けいこ", dt.date(1990, 7, 7)),
        supporter("P008", "小林　由美", "こばやし　ゆみ", dt.date(1988, 8, 8)),
    ]


def _received(their_no: str) -> dict[str, object]:
    """A row received earlier on the prefecture's roster (and re-confirmed since)."""
    return {
        "source_no": their_no,
        "roster_source": "架空県",
        "roster_date": ROSTER_DAY,
        "reconfirm": "確認済み",
        "reconfirmed": ROSTER_DAY,
    }


def _city() -> list[dict[str, object]]:
    return [
        # received before, written differently here: no space, katakana ふりがな
        supporter(
            None,
            "山田太郎",
            "ヤマダ　タロウ",
            dt.date(1980, 5, 1),
            cert_no="CP001",
            **_received("P001"),
        ),
        # received before and registered here since (002); a changed mobile on the other side
        supporter(
            "002",
            "佐藤　花子",
            "さとう　はなこ",
            dt.date(1975, 1, 2),
            cert_no="CP002",
            **_received("P002"),
        ),
        # the same person, trained and registered here under the city's own numbers
        supporter("001", "鈴木　一郎", "すずき　いちろう", dt.date(1970, 3, 3), cert_no="C9"),
        # same name, another birth date, no number: maybe the same person
        supporter(
            None, "高橋　健", "たかはし　けん", dt.date(1985, 4, 5), state="申込中", cert_no=None
        ),
        # the prefecture's P007 was received before, for somebody else
        supporter(
            None,
            "渡辺　修",
            "わたなべ　おさむ",
            dt.date(1960, 1, 1),
            cert_no="C7",
            **_received("P007"),
        ),
        # an applicant typed in half-width katakana, name in kana: matched across script/width
        supporter(
            None,
            "コバヤシ　ユミ",
            "ｺﾊﾞﾔｼ ﾕﾐ",
            dt.date(1988, 8, 8),
            state="申込中",
            cert_no=None,
            mobile="070-3333-4444",
        ),
    ]


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, Path]:
    pref = workbook(tmp_path / "pref.xlsx", _prefecture(), PREFECTURE)
    city = workbook(tmp_path / "city.xlsx", _city(), CITY)
    roster = tmp_path / "roster.xlsx"
    assert export(pref, roster).exit_code == 0
    return city, roster


def _reg(city: Path) -> dict[str, dict[str, object]]:
    return {str(r["name"]): r for r in rows_of(city, schema.REGISTER)}


def test_each_category(offices: tuple[Path, Path]) -> None:
    city, roster = offices
    before = _reg(city)
    result = import_(city, roster)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "新規 1人" in out and "変更なし 1人" in out
    assert "変更 3人、競合 1人、重複の可能性 1人" in out
    assert "名簿の7行目（「辞退」の人で、こちらの名簿にいません）" in out

    reg = _reg(city)
    # 新規: added with the sender's number beside 名簿提供元, marked for 意向再確認
    new = reg["田中　誠"]
    assert new["reg_no"] is None and new["source_no"] == "P005" and new["state"] == "登録中"
    assert new["reconfirm"] == "要確認"
    assert new["roster_date"] == dt.datetime(2026, 11, 26) and new["roster_source"] == "架空県"
    assert "伊藤　翔" not in reg  # withdrawn and unknown here: not added
    # no local 登録番号 yet, so no local 登録期間履歴 either
    assert [r["reg_no"] for r in rows_of(city, schema.PERIODS)] == ["002", "001"]

    # nothing here was overwritten
    for name, row in before.items():
        assert reg[name] == row, name

    review = rows_of(city, schema.IMPORT_REVIEW)
    by = {(r["their_no"], r["item"]): r for r in review}
    mobile = by[("P002", "携帯電話")]
    assert (mobile["category"], mobile["ours"], mobile["theirs"]) == (
        "変更",
        "090-1234-5678",
        "080-1111-2222",
    )
    number = by[("P003", "提供元の登録番号")]
    assert number["category"] == "変更" and (number["ours"], number["theirs"]) == (
        "（空欄）",
        "P003",
    )
    assert ("P003", "修了番号") not in by  # our 修了番号 C9 is from our own training
    assert by[("P007", "（行全体）")]["category"] == "競合"
    assert "氏名も生年月日も違う" in str(by[("P007", "（行全体）")]["note"])
    dup = by[("P004", "（行全体）")]
    assert dup["category"] == "重複の可能性"
    assert "昭和60年4月5日生" in str(dup["ours"]) and "昭和60年4月4日生" in str(dup["theirs"])
    kobayashi = {r["item"]: r for r in review if r["their_no"] == "P008"}
    assert kobayashi["提供元の登録番号"]["category"] == "変更"  # filled in, not replaced
    assert "登録番号" not in kobayashi and "修了番号" not in kobayashi
    assert kobayashi["氏名"]["ours"] == "コバヤシ　ユミ"
    assert "ふりがな" not in kobayashi  # ｺﾊﾞﾔｼ ﾕﾐ is こばやし　ゆみ
    assert all(r["decision"] is None and r["applied"] is None for r in review)
    assert all(r["found"] == dt.datetime(2026, 11, 26) for r in review)
    log = rows_of(city, schema.LOG)[-1]
    assert log["action"] == "名簿取込" and "新規1人" in str(log["count"])


def test_importing_the_same_roster_twice_changes_nothing(offices: tuple[Path, Path]) -> None:
    city, roster = offices
    assert import_(city, roster).exit_code == 0
    first = sheet_values(city, skip=(schema.LOG.sheet,))
    again = import_(city, roster, today=TODAY + dt.timedelta(days=3))
    assert again.exit_code == 0, again.output
    assert "新規 0人" in again.stdout and "変更なし 2人" in again.stdout
    assert sheet_values(city, skip=(schema.LOG.sheet,)) == first


def test_decisions_are_applied_on_the_second_run(offices: tuple[Path, Path]) -> None:
    city, roster = offices
    assert import_(city, roster).exit_code == 0

    def choose(r: dict[str, object]) -> str | None:
        if r["their_no"] == "P002":
            return "採用"
        if r["their_no"] == "P008" and r["item"] in ("提供元の登録番号", "氏名"):
            return "採用"
        if r["their_no"] == "P004":
            return "別人として追加"
        if r["their_no"] == "P003":
            return "不採用"
        if r["their_no"] == "P007":
            return "採用"  # not something an import can do
        return None

    assert set_decisions(city, choose) >= 5
    result = import_(city, roster, today=TODAY + dt.timedelta(days=1))
    assert result.exit_code == 0, result.output
    assert "反映しました" in result.stdout

    reg = _reg(city)
    assert reg["佐藤　花子"]["mobile"] == "080-1111-2222"
    assert (reg["小林　由美"]["reg_no"], reg["小林　由美"]["source_no"]) == (None, "P008")
    assert reg["小林　由美"]["mobile"] == "070-3333-4444"  # not chosen: unchanged
    assert (reg["鈴木　一郎"]["reg_no"], reg["鈴木　一郎"]["source_no"]) == ("001", None)
    assert [r["birth"] for r in rows_of(city, schema.REGISTER) if r["name"] == "高橋　健"] == [
        dt.datetime(1985, 4, 5),
        dt.datetime(1985, 4, 4),
    ]
    review = rows_of(city, schema.IMPORT_REVIEW)
    results = {(r["their_no"], r["item"]): r for r in review}
    assert results[("P002", "携帯電話")]["applied"] == dt.datetime(2026, 11, 27)
    assert results[("P003", "提供元の登録番号")]["result"] == "こちらの値のままにしました"
    refused = results[("P007", "（行全体）")]
    assert refused["applied"] is None and "反映できません" in str(refused["result"])
    assert results[("P008", "携帯電話")]["applied"] is None  # still waiting for a decision

    history = rows_of(city, schema.CHANGES)
    assert any(
        h["reg_no"] == "002" and h["item"] == "携帯電話" and h["after"] == "080-1111-2222"
        for h in history
    )

    # a third run has nothing left to do
    settled = sheet_values(city, skip=(schema.LOG.sheet,))
    assert import_(city, roster, today=TODAY + dt.timedelta(days=2)).exit_code == 0
    assert sheet_values(city, skip=(schema.LOG.sheet,)) == settled


def test_a_newer_roster_asks_for_reconfirmation_again(tmp_path: Path) -> None:
    pref = workbook(tmp_path / "pref.xlsx", _prefecture()[:1], PREFECTURE)
    city = workbook(tmp_path / "city.xlsx", [], CITY)
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    assert export(pref, old).exit_code == 0
    assert import_(city, old).exit_code == 0
    # staff confirmed the will to act after receiving the roster
    from openpyxl import load_workbook

    wb = load_workbook(city)
    ws = wb[schema.REGISTER.sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("意向再確認") + 1, value="確認済み")
    ws.cell(row=2, column=headers.index("意向確認日") + 1, value=dt.date(2026, 11, 30))
    wb.save(city)
    assert import_(city, old, today=dt.date(2026, 12, 1)).exit_code == 0
    assert _reg(city)["山田　太郎"]["reconfirm"] == "確認済み"
    from roster_helpers import export_roster_cmd, run

    assert run(export_roster_cmd, pref, new, "--today", "2027-04-10").exit_code == 0
    result = import_(city, new, today=dt.date(2027, 4, 12))
    assert "意向再確認を「要確認」にした人：1人" in result.stdout
    assert _reg(city)["山田　太郎"]["reconfirm"] == "要確認"
    assert _reg(city)["山田　太郎"]["roster_date"] == dt.datetime(2027, 4, 10)


def _p(i: int, **values: object) -> Person:
    return Person(i, i + 2, values)


def test_two_roster_rows_for_one_person_are_a_conflict() -> None:
    birth = dt.date(1980, 5, 1)
    incoming = [
        _p(0, reg_no="P1", name="山田　太郎", kana="やまだ たろう", birth=birth),
        _p(1, reg_no="P9", name="ﾔﾏﾀﾞ ﾀﾛｳ", birth=birth),
        _p(2, reg_no="P1", name="別人", birth=dt.date(1990, 1, 1)),
    ]
    plan = plan_import([], incoming, "県", ROSTER_DAY)
    assert plan.outcome == ["競合", "競合", "競合"]
    assert plan.new == []


def test_a_blank_on_the_other_side_never_erases() -> None:
    local = [
        _p(
            0,
            source_no="P1",
            roster_source="県",
            name="山田　太郎",
            birth=dt.date(1980, 5, 1),
            email="a@b.jp",
        )
    ]
    incoming = [_p(0, reg_no="P1", name="山田 太郎", birth=dt.date(1980, 5, 1), email=None)]
    plan = plan_import(local, incoming, "県", ROSTER_DAY)
    assert plan.outcome == ["変更なし"] and plan.review == []


def test_withdrawal_states_are_compared_but_derived_states_are_not() -> None:
    base = {"reg_no": "P1", "name": "山田　太郎", "birth": dt.date(1980, 5, 1)}
    here = {"source_no": "P1", "roster_source": "県", "name": "山田　太郎", "birth": base["birth"]}
    local = [
        _p(0, **here, state="期限切れ"),
        _p(1, **{**here, "source_no": "P2", "name": "佐藤"}, state="辞退"),
    ]
    incoming = [
        _p(0, **base, state="登録中"),
        _p(1, **{**base, "reg_no": "P2", "name": "佐藤"}, state="登録中"),
    ]
    plan = plan_import(local, incoming, "県", ROSTER_DAY)
    assert plan.outcome == ["変更なし", "競合"]
    assert "こちらでは「辞退」" in plan.review[0].note
