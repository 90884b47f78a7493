"""Rules on dispatches and accidents (core/rules/dispatch.py) and consent (consent.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pytest
from conftest import World, book_of, world

from hikisup_xl.core import schema
from hikisup_xl.core.book import Book
from hikisup_xl.core.issues import ERROR, WARNING, Issue
from hikisup_xl.core.rules import dispatch
from hikisup_xl.core.rules.consent import why_no_consent
from hikisup_xl.core.settings import Settings

D = dt.date
Rule = Callable[[Book], Iterable[Issue]]


def _hits(rule: Rule, w: World, code: str, settings: Settings | None = None) -> list[Issue]:
    return [i for i in rule(book_of(w, settings=settings)) if i.code == code]


def _assert_rule(
    rule: Rule,
    table: str,
    key: str,
    code: str,
    bad: World,
    good: World,
    severity: str = ERROR,
    settings: Settings | None = None,
) -> None:
    spec = schema.BY_KEY[table]
    hits = _hits(rule, bad, code, settings)
    assert [(i.sheet, i.row, i.column, i.severity) for i in hits] == [
        (spec.sheet, 2, spec.col(key).header, severity)
    ], hits
    assert _hits(rule, good, code, settings) == []


def _period_ends(end: dt.date) -> World:
    """The register period and its 登録期間履歴 row both end on `end`."""
    return world(register={"period_end": end}, periods={"period_end": end})


def _no_history(w: World) -> World:
    w["periods"] = []
    return w


# Decided on 2026-01-20; the supporter's period is 2025-08-10 .. 2027-08-09.
ELIGIBILITY = [
    pytest.param(
        "decided",
        "dispatch.no_decision",
        world(dispatches={"decided": None}),
        world(dispatches={"decided": None, "state": "調整中"}),
        ERROR,
        id="running-without-decision",
    ),
    pytest.param(
        "reg_no",
        "dispatch.no_supporter",
        world(dispatches={"reg_no": None}),
        world(dispatches={"reg_no": None, "state": "調整中"}),
        ERROR,
        id="running-without-supporter",
    ),
    pytest.param(
        "reg_no",
        "dispatch.ineligible",
        world(register={"state": "辞退", "ended": D(2026, 1, 20), "ended_reason": "転居"}),
        world(register={"state": "辞退", "ended": D(2026, 1, 21), "ended_reason": "転居"}),
        ERROR,
        id="withdrawn-supporter",
    ),
    pytest.param(
        "reg_no",
        "dispatch.ineligible",
        world(register={"state": "取消"}),
        world(register={"state": "期限間近"}),
        ERROR,
        id="revoked-without-date",
    ),
    pytest.param(
        "reg_no",
        "dispatch.ineligible",
        _period_ends(D(2026, 1, 19)),
        _period_ends(D(2026, 1, 20)),
        ERROR,
        id="outside-period",
    ),
    pytest.param(
        "reg_no",
        "dispatch.ineligible",
        _no_history(world(register={"period_start": None, "period_end": None})),
        _no_history(world()),
        ERROR,
        id="no-period",
    ),
    pytest.param(
        "reg_no",
        "dispatch.lapsed",
        _period_ends(D(2026, 11, 25)),
        _period_ends(D(2026, 11, 26)),
        ERROR,  # #11: 派遣中 outside the valid periods is an error
        id="running-but-expired-since",
    ),
    pytest.param(
        "case_id",
        "dispatch.no_consent",
        world(cases={"consent": D(2026, 1, 21)}),
        world(cases={"consent": D(2026, 1, 20)}),
        ERROR,
        id="consent-after-decision",
    ),
    pytest.param(
        "case_id",
        "dispatch.no_consent",
        world(cases={"withdrawn": D(2026, 1, 20)}),
        world(cases={"withdrawn": D(2026, 1, 21)}),
        ERROR,
        id="consent-withdrawn",
    ),
    pytest.param(
        "case_id",
        "dispatch.no_consent",
        world(cases={"consent": None}),
        world(cases={"consent": None}, dispatches={"state": "調整中"}),
        ERROR,
        id="no-consent-on-file",
    ),
]


@pytest.mark.parametrize(("key", "code", "bad", "good", "severity"), ELIGIBILITY)
def test_dispatch_eligibility(key: str, code: str, bad: World, good: World, severity: str) -> None:
    _assert_rule(dispatch.dispatch_eligibility, "dispatches", key, code, bad, good, severity)


def test_ineligible_message_says_why() -> None:
    bad = world(register={"state": "辞退", "ended": D(2026, 1, 1), "ended_reason": "転居"})
    (hit,) = _hits(dispatch.dispatch_eligibility, bad, "dispatch.ineligible")
    assert "2026/01/20" in hit.message
    assert "2026/01/01" in hit.message


def test_a_past_period_on_record_still_counts() -> None:
    """登録期間履歴 keeps earlier periods: a dispatch inside one of them is eligible."""
    renewed = world(register={"period_start": D(2027, 8, 10), "period_end": D(2029, 8, 9)})
    renewed["register"][0]["issued"] = D(2027, 8, 10)
    assert _hits(dispatch.dispatch_eligibility, renewed, "dispatch.ineligible") == []
    renewed["periods"] = []
    assert len(_hits(dispatch.dispatch_eligibility, renewed, "dispatch.ineligible")) == 1


def test_closed_dispatch_is_checked_on_its_decision_day_only() -> None:
    """A supporter who withdrew after the dispatch ended leaves it alone; one decided after
    the withdrawal was decided wrongly, closed or not (#11)."""
    ended = {"state": "辞退", "ended": D(2026, 3, 2), "ended_reason": "転居"}
    closed = world(register=ended, dispatches={"state": "終了", "closed": D(2026, 3, 1)})
    assert list(dispatch.dispatch_eligibility(book_of(closed))) == []
    ended["ended"] = D(2026, 1, 1)
    late = world(register=ended, dispatches={"state": "終了", "closed": D(2026, 3, 1)})
    hits = list(dispatch.dispatch_eligibility(book_of(late)))
    assert [(i.code, i.row, i.column) for i in hits] == [("dispatch.ineligible", 2, "登録番号")]


# Last report: 2026-11-15; today 2026-11-26, i.e. 11 days of silence.
SILENCE = [
    pytest.param(
        world(reports={"date": D(2026, 10, 26), "reported": D(2026, 11, 1)}),
        world(reports={"date": D(2026, 10, 27), "reported": D(2026, 11, 1)}),
        None,
        id="31-vs-30-days",
    ),
    pytest.param(
        world(dispatches={"dispatch_id": "D00002"}),  # its reports name another dispatch
        world(dispatches={"dispatch_id": "D00002", "decided": D(2026, 10, 27)}),
        None,
        id="never-reported",
    ),
    pytest.param(world(), world(), "setting", id="setting-lowered"),
]


@pytest.mark.parametrize(("bad", "good", "variant"), SILENCE)
def test_missing_reports(bad: World, good: World, variant: str | None) -> None:
    strict = Settings(silence_days=10) if variant else None
    lax = Settings(silence_days=11) if variant else None
    hits = _hits(dispatch.missing_reports, bad, "dispatch.silent", strict)
    assert [(i.row, i.column, i.severity) for i in hits] == [(2, "状態", WARNING)]
    assert "未報告警告日数" in hits[0].message
    assert _hits(dispatch.missing_reports, good, "dispatch.silent", lax) == []


def test_finished_dispatch_is_never_silent() -> None:
    w = world(dispatches={"state": "終了", "closed": D(2026, 2, 1)}, reports={"dispatch_id": "X"})
    assert list(dispatch.missing_reports(book_of(w))) == []


@pytest.mark.parametrize(
    ("key", "code", "bad", "good"),
    [
        pytest.param(
            "reported",
            "accident.order",
            world(accidents={"reported": D(2026, 1, 31)}),
            world(accidents={"reported": D(2026, 2, 1)}),
            id="reported-before-accident",
        ),
        pytest.param(
            "date",
            "accident.future",
            world(accidents={"date": D(2026, 11, 27), "reported": None}),
            world(accidents={"date": D(2026, 11, 26), "reported": None}),
            id="future",
        ),
    ],
)
def test_accidents(key: str, code: str, bad: World, good: World) -> None:
    _assert_rule(dispatch.accidents, "accidents", key, code, bad, good)


@pytest.mark.parametrize(
    ("given", "withdrawn", "day", "expected"),
    [
        (D(2026, 1, 10), None, D(2026, 1, 10), None),
        (D(2026, 1, 10), None, D(2026, 1, 9), "より前"),
        (None, None, D(2026, 1, 10), "受領日"),
        (D(2026, 1, 10), D(2026, 2, 1), D(2026, 1, 31), None),
        (D(2026, 1, 10), D(2026, 2, 1), D(2026, 2, 1), "撤回"),
    ],
)
def test_why_no_consent(
    given: dt.date | None, withdrawn: dt.date | None, day: dt.date, expected: str | None
) -> None:
    why = why_no_consent({"C1": (given, withdrawn)}, "C1", day)
    if expected is None:
        assert why is None
    else:
        assert why is not None and expected in why


def test_why_no_consent_leaves_unknown_cases_to_the_reference_rule() -> None:
    assert why_no_consent({}, "C9", D(2026, 1, 1)) is None
    assert why_no_consent({"C1": (None, None)}, None, D(2026, 1, 1)) is None


def test_dispatching_someone_not_yet_reconfirmed_is_flagged() -> None:
    _assert_rule(
        dispatch.dispatch_eligibility,
        "dispatches",
        "reg_no",
        "dispatch.not_reconfirmed",
        world(register={"reconfirm": "要確認"}),
        world(register={"reconfirm": "確認済み"}),
        WARNING,
    )
