"""派遣候補 (#13): who is left out and why, how the eligible are ordered, and the job on a real
workbook from the command line and the ribbon. Rows are typed as a clerk types them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from addin.fakexl import FakeBook
from conftest import (
    TODAY,
    World,
    base_world,
    book_of,
    invoke,
    table_rows,
    world_rows,
    write_workbook,
)

from hikisup_xl import excel
from hikisup_xl.core import schema
from hikisup_xl.core.candidates import Candidate, municipality, rank, request_of
from hikisup_xl.core.settings import Settings
from hikisup_xl.template import build_workbook

D = dt.date
WAITING = "D00002"  # the request being arranged (調整中), 派遣 sheet row 3


def _world() -> World:
    """base_world (001 山田太郎: 派遣中 for C0001, insured R7 and R8) and a request still being
    arranged for the same case: a woman wanted, 架空市北町, someone who knows nursing."""
    w = base_world()
    w["dispatches"].append(
        {"dispatch_id": WAITING, "requested": D(2026, 11, 20), "case_id": "C0001",
         "requester": "家族", "purpose": "外出同行。看護師など医療の知識がある方を希望",
         "state": "調整中", "wanted_sex": "女性", "area": "架空市北町"}
    )  # fmt: skip
    return w


def _add(w: World, no: str, name: str, kana: str, **register: object) -> None:
    """A supporter as the office enters one: trained (受講者), registered, insured for R8."""
    cert = f"1{no}"
    birth = D(1970 + int(no), 1, 15)
    w["trainees"].append(
        {"training_id": "T1", "name": name, "kana": kana, "birth": birth,
         "attendance": "出席", "completed": D(2025, 7, 10), "cert_no": cert}
    )  # fmt: skip
    row = {**w["register"][0], "reg_no": no, "name": name, "kana": kana, "birth": birth,
           "cert_no": cert, "address": "山梨県架空市北町二丁目3-4", "sex": "女"}  # fmt: skip
    row.update(register)
    w["register"].append(row)
    w["insurance"].append({"reg_no": no, "fy": "令和8年度", "joined": D(2026, 4, 1)})


def _ranked(w: World, today: dt.date = TODAY) -> list[Candidate]:
    book = book_of(w, today)
    index = book["dispatches"].texts("dispatch_id").index(WAITING)
    return rank(book, request_of(book, index), today)


def _by_no(w: World) -> dict[str, Candidate]:
    return {c.reg_no: c for c in _ranked(w)}


def _order(w: World, *numbers: str) -> list[str]:
    """The eligible among `numbers`, best first."""
    return [c.reg_no for c in _ranked(w) if c.rank is not None and c.reg_no in numbers]


def _pair(**difference: object) -> World:
    """Two supporters alike in everything but `difference` (given to 003)."""
    w = _world()
    _add(w, "002", "佐藤　花子", "さとう　はなこ")
    _add(w, "003", "鈴木　恵子", "すずき　けいこ", **difference)
    return w


# ---------------------------------------------------------------------------- excluded
@pytest.mark.parametrize(
    ("register", "reason"),
    [
        ({"period_end": D(2026, 10, 31)}, "登録期間外です"),
        ({"period_start": D(2026, 12, 1), "issued": D(2026, 12, 1)}, "登録期間外です"),
        ({"state": "辞退", "ended": D(2026, 10, 1)}, "2026/10/01 に辞退・取消されています"),
        ({"state": "取消"}, "状態が「取消」です"),
        ({"consent": None}, "同意書受領日がありません（資料5の同意書が必要です）"),
        ({"reconfirm": "要確認"}, "意向再確認が「要確認」です"),
    ],
    ids=["period ended", "period not begun", "withdrew", "revoked", "no 同意書", "要確認"],
)
def test_each_reason_leaves_the_supporter_out_and_says_why(
    register: dict[str, object], reason: str
) -> None:
    w = _pair(**register)
    found = _by_no(w)
    assert found["003"].rank is None
    assert any(reason in r for r in found["003"].excluded), found["003"].excluded
    assert found["002"].rank is not None  # the control stays eligible


def test_a_withdrawal_dated_after_the_day_does_not_yet_exclude() -> None:
    found = _by_no(_pair(state="辞退", ended=D(2026, 12, 31)))
    assert found["003"].rank is not None


def test_a_supporter_not_insured_for_this_nendo_is_left_out() -> None:
    w = _pair()
    w["insurance"] = [
        r for r in w["insurance"] if not (r["reg_no"] == "003" and r["fy"] == "令和8年度")
    ]
    w["insurance"].append({"reg_no": "003", "fy": "令和7年度"})  # last year's only
    found = _by_no(w)
    assert found["003"].excluded == [
        "令和8年度のボランティア活動保険の加入が「保険加入」シートにありません"
    ]


def test_insurance_follows_the_nendo_of_the_day_on_the_boundary() -> None:
    w = _pair()
    w["insurance"].append({"reg_no": "002", "fy": "R7"})  # 002: both years; 003: R8 only
    on_march_31 = {c.reg_no: c for c in _ranked(w, D(2026, 3, 31))}
    on_april_1 = {c.reg_no: c for c in _ranked(w, D(2026, 4, 1))}
    assert on_march_31["003"].rank is None and on_march_31["002"].rank is not None
    assert on_april_1["003"].rank is not None


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ({"consent": None}, "当事者の同意書（資料8）の受領日が当事者シートに入力されていません"),
        ({"withdrawn": D(2026, 11, 1)}, "当事者の同意は 2026/11/01 に撤回されています"),
        ({"case_id": "C0099"}, "ケースID「C0001」が当事者シートにありません"),
    ],
    ids=["no consent", "withdrawn", "unknown case"],
)
def test_without_the_cases_consent_everyone_is_left_out(
    case: dict[str, object], reason: str
) -> None:
    w = _pair()
    w["cases"][0].update(case)
    ranked = _ranked(w)
    assert all(c.rank is None for c in ranked)
    assert all(any(reason in r for r in c.excluded) for c in ranked)


# ------------------------------------------------------------------------------ ranked
def test_the_requested_gender_comes_first_and_an_unknown_one_before_the_other() -> None:
    w = _pair(sex="男")
    _add(w, "004", "高橋　修", "たかはし　おさむ", sex=None)
    assert _order(w, "002", "003", "004") == ["002", "004", "003"]
    assert "希望する性別（女性）と異なる" in _by_no(w)["003"].reasons
    w["dispatches"][1]["wanted_sex"] = "どちらでも"
    assert _order(w, "002", "003", "004") == ["002", "003", "004"]  # by 登録番号


def test_the_area_typed_in_katsudo_chiiki_then_the_address_town() -> None:
    w = _pair(area="南新町")  # says where: not 北町
    _add(w, "004", "高橋　花子", "たかはし　はなこ", area="北町、中央")
    _add(w, "005", "伊藤　花子", "いとう　はなこ", address="山梨県甲府市丸の内1-1")
    # 002 and 004 fit (架空市 from the address, 北町 typed); 003 and 005 do not.
    assert _order(w, "002", "003", "004", "005") == ["002", "004", "003", "005"]
    found = _by_no(w)
    assert "地域が合う（架空市）" in found["002"].reasons
    assert "地域が合う（北町）" in found["004"].reasons
    assert "地域が異なる" in found["005"].reasons and found["005"].area == "甲府市"


def test_skills_named_in_the_purpose_rank_higher() -> None:
    w = _pair(skills="保育士")
    w["register"][-2]["skills"] = "元看護師、傾聴ボランティア"
    assert _order(w, "002", "003") == ["002", "003"]
    w["register"][-2]["skills"] = "保育士"
    w["register"][-1]["skills"] = "看護師"
    assert _order(w, "002", "003") == ["003", "002"]
    assert "資格・特技が目的に合う（看護師）" in _by_no(w)["003"].reasons


def test_fewer_running_dispatches_rank_higher() -> None:
    w = _pair()
    w["cases"].append({"case_id": "C0002", "consenter": "本人", "consent": D(2026, 1, 10)})
    w["dispatches"].append(
        {"dispatch_id": "D00003", "requested": D(2026, 9, 1), "case_id": "C0002",
         "requester": "本人", "reg_no": "002", "decided": D(2026, 9, 5), "state": "派遣中"}
    )  # fmt: skip
    assert _order(w, "002", "003") == ["003", "002"]
    assert "派遣中 1件" in _by_no(w)["002"].reasons


def test_longer_since_the_last_activity_ranks_higher() -> None:
    w = _pair()
    w["cases"].append({"case_id": "C0002", "consenter": "本人", "consent": D(2026, 1, 10)})
    for no, did, day in (("002", "D00003", D(2026, 11, 20)), ("003", "D00004", D(2026, 6, 1))):
        w["dispatches"].append(
            {"dispatch_id": did, "requested": D(2026, 5, 1), "case_id": "C0002",
             "requester": "本人", "reg_no": no, "decided": D(2026, 5, 10), "state": "終了",
             "closed": day}
        )  # fmt: skip
        w["reports"].append({**w["reports"][0], "report_id": f"R{did}", "dispatch_id": did,
                             "reg_no": no, "case_id": "C0002", "date": day, "reported": day})  # fmt: skip
    assert _order(w, "002", "003") == ["003", "002"]
    assert "最後の活動から6日" in _by_no(w)["002"].reasons
    assert _by_no(w)["002"].last == D(2026, 11, 20)


def test_a_supporter_who_already_knows_the_case_ranks_higher() -> None:
    w = _pair()
    w["dispatches"].append(
        {"dispatch_id": "D00003", "requested": D(2026, 2, 1), "case_id": "C0001",
         "requester": "本人", "reg_no": "003", "decided": D(2026, 2, 5), "state": "中断"}
    )  # fmt: skip
    assert _order(w, "002", "003") == ["003", "002"]
    assert "このケースの派遣・活動の経験あり" in _by_no(w)["003"].reasons


def test_ranks_are_one_to_n_and_the_left_out_follow_by_number() -> None:
    w = _pair(consent=None)
    _add(w, "004", "高橋　花子", "たかはし　はなこ")
    ranked = _ranked(w)
    assert [c.rank for c in ranked] == [1, 2, 3, None]
    assert ranked[-1].reg_no == "003"


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("山梨県甲府市丸の内1-6-1", "甲府市"),
        ("長野県大町市大町3887", "大町市"),
        ("東京都町田市森野2-2-22", "町田市"),
        ("東京都港区芝公園4-2-8", "港区"),
        ("山梨県南巨摩郡身延町切石350", "南巨摩郡身延町"),
        ("架空市中央一丁目1-1", "架空市"),
        ("", None),
    ],
)
def test_the_town_of_an_address(address: str, town: str | None) -> None:
    assert municipality(address) == town


# ------------------------------------------------------------------------ the job, CLI
def _book(tmp_path: Path, w: World | None = None) -> Path:
    w = w or _pair()
    w["cases"][0]["scope"] = "氏名、年齢、家族構成"  # what must never reach 派遣候補
    w["cases"][0]["memo"] = "母親から相談"
    return write_workbook(tmp_path / "サポーター.xlsx", world_rows(w))


def test_the_command_writes_every_supporter_and_never_the_dispatch(tmp_path: Path) -> None:
    path = _book(tmp_path)
    result = invoke("candidates", path, "Ｄ００００２", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert "派遣候補（派遣ID D00002、基準日 2026/11/26）：候補3人、対象外0人" in result.stdout
    rows = table_rows(path, schema.CANDIDATES)
    assert [(r["rank"], r["reg_no"], r["verdict"]) for r in rows] == [
        (1, "002", "候補"), (2, "003", "候補"), (3, "001", "候補"),
    ]  # fmt: skip
    assert {r["case_id"] for r in rows} == {"C0001"} and {r["dispatch_id"] for r in rows} == {
        WAITING
    }
    waiting = [r for r in table_rows(path, schema.DISPATCHES) if r["dispatch_id"] == WAITING]
    assert waiting[0]["reg_no"] is None and waiting[0]["state"] == "調整中"
    shown = " ".join(str(v) for r in rows for v in r.values())
    for secret in ("家族構成", "母親から相談", "医療の知識", "家族"):
        assert secret not in shown
    assert table_rows(path, schema.LOG)[-1]["action"] == "派遣候補"


@pytest.mark.parametrize(
    ("dispatch_id", "message"),
    [
        ("D99999", "「派遣」シートに派遣ID「D99999」の行がありません"),
        ("D00001", "派遣ID「D00001」（「派遣」シート 2行目）の状態は「派遣中」です"),
    ],
)
def test_a_missing_or_running_dispatch_is_refused_plainly(
    tmp_path: Path, dispatch_id: str, message: str
) -> None:
    path = _book(tmp_path)
    before = path.read_bytes()
    result = invoke("candidates", path, dispatch_id, "--today", "2026-11-26")
    assert result.exit_code != 0
    assert message in result.output
    assert path.read_bytes() == before


def test_running_it_again_replaces_the_list(tmp_path: Path) -> None:
    w = _pair()
    w["cases"].append({"case_id": "C0002", "consenter": "本人", "consent": D(2026, 1, 10)})
    w["dispatches"].append({**w["dispatches"][1], "dispatch_id": "D00003", "case_id": "C0002"})
    path = _book(tmp_path, w)
    assert invoke("candidates", path, WAITING, "--today", "2026-11-26").exit_code == 0
    assert invoke("candidates", path, "D00003", "--today", "2026-11-26").exit_code == 0
    rows = table_rows(path, schema.CANDIDATES)
    assert len(rows) == 3 and {r["dispatch_id"] for r in rows} == {"D00003"}


# --------------------------------------------------------------------- the job, ribbon
@pytest.fixture
def ribbon_book() -> FakeBook:
    return FakeBook.from_openpyxl(
        build_workbook(Settings(), world_rows(_pair())), "サポーター.xlsx"
    )


def _press(book: FakeBook) -> tuple[str, str]:
    book._app.alerts.clear()
    excel.dispatch("hikisupCandidates", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    return prompt, mode


def test_the_button_uses_the_selected_dispatch_row(ribbon_book: FakeBook) -> None:
    ribbon_book.select("派遣", "$E$3")
    prompt, mode = _press(ribbon_book)
    assert mode == "info" and prompt.startswith("派遣候補（派遣ID D00002")
    rows = [r for r in ribbon_book.table_rows("派遣候補", "tCandidates") if any(r)]
    assert len(rows) == 3
    log = [r for r in ribbon_book.table_rows("操作履歴", "tLog") if any(r)]
    assert log[-1][2] == "派遣候補"


@pytest.mark.parametrize(
    ("sheet", "address", "message"),
    [
        ("登録名簿", "$A$2", "「派遣」シートで、候補を探す派遣"),
        ("派遣", "$A$2:$A$3", "派遣候補は1件ずつ作ります"),
        ("派遣", "$A$2", "状態は「派遣中」です"),
        ("派遣", "$A$9", "「派遣」シートで、候補を探す派遣"),
    ],
    ids=["another sheet", "two rows", "a running dispatch", "a blank row"],
)
def test_the_button_refuses_without_one_arranged_dispatch_selected(
    ribbon_book: FakeBook, sheet: str, address: str, message: str
) -> None:
    ribbon_book.select(sheet, address)
    prompt, mode = _press(ribbon_book)
    assert mode == "critical" and message in prompt
    assert not any(any(r) for r in ribbon_book.table_rows("派遣候補", "tCandidates"))
