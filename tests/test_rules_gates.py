"""The 要綱's gates (#11): consent, eligibility, periods and plain mistakes, typed as a clerk would.

Dates are typed the way the README invites (和暦 text) wherever a clerk would type them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import World, base_world, book_of, world

from hikisup_xl.core.book import supporters, why_not_active
from hikisup_xl.core.issues import ERROR, WARNING, Issue
from hikisup_xl.core.rules import run_rules
from hikisup_xl.core.settings import Settings

D = dt.date


def _found(w: World, code: str, settings: Settings | None = None) -> list[Issue]:
    return [i for i in run_rules(book_of(w, settings=settings)) if i.code == code]


def _where(issues: list[Issue]) -> list[tuple[str, int | None, str, str]]:
    return [(i.sheet, i.row, i.column, i.severity) for i in issues]


# ----------------------------------------------------------------------------- item 7


@pytest.mark.parametrize("typed", ["S55.5.1", "昭和55年5月1日", "1980/5/1", "１９８０年５月１日"])
def test_a_date_typed_as_text_that_parses_is_not_a_mistake(typed: str) -> None:
    w = world(register={"birth": typed})
    book = book_of(w)
    assert book["register"].dates("birth")[0] == D(1980, 5, 1)
    assert run_rules(book) == []


def test_text_that_is_not_a_date_is_still_reported() -> None:
    hits = [i for i in run_rules(book_of(world(register={"birth": "S55.2.30"})))]
    assert [(i.code, i.column) for i in hits] == [("format.date", "生年月日")]


# ----------------------------------------------------------------------------- item 6


@pytest.mark.parametrize("table", ["register", "trainees"])
def test_a_birth_date_in_the_future(table: str) -> None:
    sheet = {"register": "登録名簿", "trainees": "受講者"}[table]
    bad = world(**{table: {"birth": "R8.11.27"}})  # the day after TODAY
    assert _where(_found(bad, "birth.future")) == [(sheet, 2, "生年月日", ERROR)]
    good = world(**{table: {"birth": "R8.11.26"}})
    assert _found(good, "birth.future") == []


def test_a_finished_dispatch_with_no_report_at_all() -> None:
    finished = {"state": "終了", "closed": "R8.11.20"}
    bad = world(dispatches=finished, reports={"dispatch_id": "D00002"})
    bad["dispatches"].append({**bad["dispatches"][0], "dispatch_id": "D00002"})
    hits = _found(bad, "dispatch.no_reports")
    assert _where(hits) == [("派遣", 2, "状態", WARNING)]
    assert _found(world(dispatches=finished), "dispatch.no_reports") == []


def test_a_decision_before_the_request() -> None:
    bad = world(dispatches={"requested": "R8.1.21", "decided": "R8.1.20"})
    assert _where(_found(bad, "dispatch.decided_early")) == [("派遣", 2, "決定日", ERROR)]
    good = world(dispatches={"requested": "R8.1.20", "decided": "R8.1.20"})
    assert _found(good, "dispatch.decided_early") == []


# ----------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("state", ["調整中", "派遣中"])
def test_an_open_dispatch_after_consent_was_withdrawn(state: str) -> None:
    # Decided 2026-01-20 with consent; the 当事者 withdrew on 2026-06-01 and it is still open.
    bad = world(cases={"withdrawn": "R8.6.1"}, dispatches={"state": state})
    hits = _found(bad, "dispatch.consent_withdrawn")
    assert _where(hits) == [("派遣", 2, "ケースID", ERROR)]
    assert "2026/06/01" in hits[0].message
    closed = {"state": "終了", "closed": "R8.5.31"}
    assert (
        _found(
            world(cases={"withdrawn": "R8.6.1"}, dispatches=closed),
            code := "dispatch.consent_withdrawn",
        )
        == []
    )
    assert _found(world(cases={"withdrawn": "R8.11.27"}, dispatches={"state": state}), code) == []


@pytest.mark.parametrize("state", ["調整中", "中断", "終了"])
def test_a_dispatch_decided_before_consent_was_received(state: str) -> None:
    extra = {"closed": "R8.3.1"} if state == "終了" else {}
    bad = world(cases={"consent": "R8.1.21"}, dispatches={"state": state, **extra})
    assert _where(_found(bad, "dispatch.no_consent")) == [("派遣", 2, "ケースID", ERROR)]
    good = world(cases={"consent": "R8.1.20"}, dispatches={"state": state, **extra})
    assert _found(good, "dispatch.no_consent") == []


def test_arranging_before_consent_arrives_is_allowed() -> None:
    """調整中 without a 決定日 is the normal wait for the 同意書."""
    w = world(cases={"consent": None}, dispatches={"state": "調整中", "decided": None})
    assert _found(w, "dispatch.no_consent") == []


# ----------------------------------------------------------------------------- item 3

TRAINEE_2 = {
    "training_id": "T1",
    "name": "佐藤　花子",
    "kana": "さとう　はなこ",
    "birth": D(1975, 2, 3),
    "attendance": "出席",
    "completed": D(2025, 7, 10),
    "cert_no": "002",
}
REGISTRANT_2 = {
    "reg_no": "002",
    "kana": "さとう　はなこ",
    "name": "佐藤　花子",
    "birth": D(1975, 2, 3),
    "address": "架空市南町2",
    "mobile": "090-5555-6666",
    "cert_no": "002",
    "approved": D(2025, 8, 1),
    "consent": D(2025, 7, 20),
    "issued": D(2025, 8, 10),
    "period_start": D(2025, 8, 10),
    "period_end": D(2027, 8, 9),
    "state": "登録中",
}


def _two_registrants() -> World:
    w = world(extra={"trainees": [TRAINEE_2], "register": [REGISTRANT_2]})
    w["periods"].append({**w["periods"][0], "reg_no": "002"})
    return w


def test_two_registered_supporters_are_clean() -> None:
    assert run_rules(book_of(_two_registrants())) == []


def test_two_registrants_cannot_share_a_completion_number() -> None:
    w = _two_registrants()
    w["register"][1]["cert_no"] = "００１"  # typed in full width, still 001
    hits = _found(w, "register.cert_taken")
    assert _where(hits) == [("登録名簿", 3, "修了番号", ERROR)]
    assert "2行目" in hits[0].message


def test_a_completion_number_of_a_differently_named_trainee_is_refused() -> None:
    w = _two_registrants()
    w["trainees"][1]["name"] = "佐藤　花江"
    w["trainees"][1]["kana"] = "さとう　はなえ"
    hits = _found(w, "register.cert_other_person")
    assert _where(hits) == [("登録名簿", 3, "修了番号", ERROR)]


def test_a_completion_number_of_a_trainee_born_another_day_is_refused() -> None:
    w = _two_registrants()
    w["trainees"][1]["birth"] = D(1975, 2, 4)
    assert _where(_found(w, "register.cert_other_person")) == [("登録名簿", 3, "修了番号", ERROR)]


@pytest.mark.parametrize(
    ("name", "kana"),
    [
        ("佐藤 花子", None),
        ("佐藤花子", "サトウ　ハナコ"),
        ("ｻﾄｳ ﾊﾅｺ", None),
        ("佐藤　花江", "サトウハナコ"),
    ],
)
def test_the_same_trainee_typed_differently_is_accepted(name: str, kana: str | None) -> None:
    w = _two_registrants()
    w["trainees"][1]["name"] = name
    w["trainees"][1]["kana"] = kana
    assert _found(w, "register.cert_other_person") == []


# ----------------------------------------------------------------------------- items 1, 2


def test_a_shortened_period_makes_a_later_dispatch_an_error() -> None:
    """The clerk corrects 登録期間終了 to 2026-06-30; 登録期間履歴 still has the wrong period."""
    w = world(
        register={"period_end": "R8.6.30"},
        dispatches={"requested": "R8.7.10", "decided": "R8.7.15"},
        cases={"consent": "R8.7.1"},
        accidents={"date": "R8.7.20", "reported": "R8.7.20"},
        reports={"date": "R8.11.15"},
    )
    hits = _found(w, "dispatch.ineligible")
    assert _where(hits) == [("派遣", 2, "登録番号", ERROR)]
    assert "登録期間外" in hits[0].message


def test_an_earlier_period_still_counts_after_a_real_re_registration() -> None:
    """A new 交付日 with a new period: days in the earlier recorded period stay valid."""
    w = world(register={"issued": "R9.8.20", "period_start": "R9.8.20", "period_end": "R11.8.19"})
    s = supporters(book_of(w))["001"]
    assert why_not_active(s, D(2026, 1, 20)) is None
    assert why_not_active(s, D(2027, 8, 15)) == "登録期間外です"


def test_an_early_renewal_does_not_extend_the_old_period_past_the_new_start() -> None:
    w = world(register={"issued": "R9.7.1", "period_start": "R9.7.1", "period_end": "R11.6.30"})
    s = supporters(book_of(w))["001"]
    assert why_not_active(s, D(2027, 6, 30)) is None
    assert why_not_active(s, D(2027, 7, 1)) is None


def test_a_registered_supporter_without_a_period_is_flagged() -> None:
    w = world(register={"period_start": None, "period_end": None})
    hits = _found(w, "period.missing")
    assert _where(hits) == [("登録名簿", 2, "登録期間開始", ERROR)]
    assert _found(world(), "period.missing") == []


def test_a_one_day_period_from_the_fiscal_year_end_rule_is_warned() -> None:
    rule = Settings(period_rule="年度末まで", period_years=1)
    w = world(register={"issued": "R8.3.31", "period_start": "R8.3.31", "period_end": "R8.3.31"})
    w["periods"] = []
    w["dispatches"][0]["state"] = "終了"
    w["dispatches"][0]["closed"] = D(2026, 2, 1)
    hits = _found(w, "period.short", rule)
    assert _where(hits) == [("登録名簿", 2, "登録期間終了", WARNING)]
    assert "年度末" in hits[0].message
    w["register"][0].update(issued=D(2026, 4, 1), period_start=D(2026, 4, 1))
    w["register"][0]["period_end"] = D(2027, 3, 31)
    assert _found(w, "period.short", rule) == []


def test_the_base_world_is_still_clean() -> None:
    assert run_rules(book_of(base_world())) == []


def test_a_withdrawn_supporter_without_a_period_is_not_asked_for_one() -> None:
    ended = {"state": "辞退", "ended": "R8.1.1", "ended_reason": "転居"}
    w = world(register={"period_start": None, "period_end": None, **ended})
    assert _found(w, "period.missing") == []


def test_a_completion_number_from_another_bodys_roster_is_not_ours() -> None:
    """Every body numbers its trainees from 001: a received supporter's 001 is not 山田's."""
    w = world(register={"reg_no": "002"})
    for key in ("dispatches", "reports", "followup", "periods", "changes"):
        w[key][0]["reg_no"] = "002"
    received = {
        **REGISTRANT_2,
        "reg_no": "001",
        "cert_no": "001",
        "roster_source": "架空県",
        "source_no": "001",
        "reconfirm": "確認済み",
    }
    w["register"].insert(0, received)
    w["periods"].append({**w["periods"][0], "reg_no": "001"})
    assert [i for i in run_rules(book_of(w)) if i.code.startswith("register.")] == []
