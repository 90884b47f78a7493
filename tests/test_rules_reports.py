"""Rules on activity reports (hikisup_xl/core/rules/reports.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pytest
from conftest import World, book_of, world

from hikisup_xl.core.book import Book
from hikisup_xl.core.issues import ERROR, WARNING, Issue
from hikisup_xl.core.rules import reports, run_rules
from hikisup_xl.core.settings import Settings

D = dt.date
T = dt.time
Rule = Callable[[Book], Iterable[Issue]]

HEADERS = {
    "end": "終了時刻",
    "date": "活動日",
    "reported": "報告日",
    "reg_no": "登録番号",
    "case_id": "ケースID",
    "kind_other": "活動種別（その他）",
    "policy_other": "今後の方針（その他）",
}


def _hits(rule: Rule, w: World, code: str, settings: Settings | None = None) -> list[Issue]:
    return [i for i in rule(book_of(w, settings=settings)) if i.code == code]


def _assert_rule(
    rule: Rule, key: str, code: str, bad: World, good: World, severity: str = ERROR
) -> Issue:
    hits = _hits(rule, bad, code)
    assert [(i.sheet, i.row, i.column, i.severity) for i in hits] == [
        ("活動報告", 2, HEADERS[key], severity)
    ], hits
    assert _hits(rule, good, code) == []
    return hits[0]


@pytest.mark.parametrize(
    ("bad_end", "good_end"),
    [(T(10, 0), T(10, 1)), (T(9, 0), T(23, 59))],
    ids=["same-time", "end-before-start"],
)
def test_report_times(bad_end: dt.time, good_end: dt.time) -> None:
    _assert_rule(
        reports.report_times,
        "end",
        "report.time_order",
        world(reports={"end": bad_end}),
        world(reports={"end": good_end}),
    )


def _ended(day: dt.date) -> World:
    return world(register={"state": "辞退", "ended": day, "ended_reason": "転居"})


def _period_ends(end: dt.date) -> World:
    return world(register={"period_end": end}, periods={"period_end": end})


# The activity was on 2026-11-15, reported 2026-11-20, dispatch decided 2026-01-20.
ELIGIBILITY = [
    pytest.param(
        "date",
        "report.future",
        world(reports={"date": D(2026, 11, 27), "reported": D(2026, 11, 27)}),
        world(reports={"date": D(2026, 11, 26), "reported": D(2026, 11, 26)}),
        ERROR,
        id="future",
    ),
    pytest.param(
        "reported",
        "report.before_activity",
        world(reports={"reported": D(2026, 11, 14)}),
        world(reports={"reported": D(2026, 11, 15)}),
        ERROR,
        id="reported-before-activity",
    ),
    pytest.param(
        "reg_no",
        "report.other_supporter",
        world(reports={"reg_no": "002"}),
        world(reports={"reg_no": "001"}),
        ERROR,
        id="other-supporter",
    ),
    pytest.param(
        "case_id",
        "report.other_case",
        world(reports={"case_id": "C0002"}),
        world(reports={"case_id": None}),
        ERROR,
        id="other-case",
    ),
    pytest.param(
        "date",
        "report.before_dispatch",
        world(reports={"date": D(2026, 1, 19)}),
        world(reports={"date": D(2026, 1, 20)}),
        WARNING,
        id="before-dispatch-decision",
    ),
    pytest.param(
        "date",
        "report.ineligible",
        _period_ends(D(2026, 11, 14)),
        _period_ends(D(2026, 11, 15)),
        ERROR,
        id="outside-registration-period",
    ),
    pytest.param(
        "date",
        "report.ineligible",
        _ended(D(2026, 11, 15)),
        _ended(D(2026, 11, 16)),
        ERROR,
        id="on-or-after-withdrawal",
    ),
    pytest.param(
        "date",
        "report.no_consent",
        world(cases={"consent": D(2026, 11, 16)}),
        world(cases={"consent": D(2026, 11, 15)}),
        ERROR,
        id="consent-after-activity",
    ),
    pytest.param(
        "date",
        "report.no_consent",
        world(cases={"withdrawn": D(2026, 11, 15)}),
        world(cases={"withdrawn": D(2026, 11, 16)}),
        ERROR,
        id="consent-withdrawn",
    ),
    pytest.param(
        "date",
        "report.no_consent",
        world(cases={"withdrawn": D(2026, 11, 15)}, reports={"case_id": None}),
        world(cases={"withdrawn": D(2026, 11, 16)}, reports={"case_id": None}),
        ERROR,
        id="case-taken-from-dispatch",
    ),
]


@pytest.mark.parametrize(("key", "code", "bad", "good", "severity"), ELIGIBILITY)
def test_report_eligibility(key: str, code: str, bad: World, good: World, severity: str) -> None:
    _assert_rule(reports.report_eligibility, key, code, bad, good, severity)


def test_withdrawn_supporter_message_names_the_date() -> None:
    hit = _hits(reports.report_eligibility, _ended(D(2026, 11, 1)), "report.ineligible")[0]
    assert "2026/11/01" in hit.message


def test_report_deadline() -> None:
    hit = _assert_rule(
        reports.report_deadline,
        "reported",
        "report.late",
        world(reports={"reported": D(2026, 11, 15) + dt.timedelta(days=15)}),
        world(reports={"reported": D(2026, 11, 15) + dt.timedelta(days=14)}),
        WARNING,
    )
    assert "15 日後" in hit.message


def test_report_deadline_follows_the_setting() -> None:
    w = world()  # reported 5 days after the activity
    assert (
        len(_hits(reports.report_deadline, w, "report.late", Settings(report_deadline_days=4))) == 1
    )
    assert _hits(reports.report_deadline, w, "report.late", Settings(report_deadline_days=5)) == []


@pytest.mark.parametrize(
    ("choice", "detail"),
    [("kind", "kind_other"), ("policy", "policy_other")],
)
def test_other_without_detail(choice: str, detail: str) -> None:
    _assert_rule(
        reports.other_details,
        detail,
        "report.other_blank",
        world(reports={choice: "その他"}),
        world(reports={choice: "その他", detail: "電話での相談"}),
        WARNING,
    )


def test_missing_dispatch_id_is_required() -> None:
    hits = [
        i for i in run_rules(book_of(world(reports={"dispatch_id": None}))) if i.code == "required"
    ]
    assert [(i.sheet, i.row, i.column, i.cell) for i in hits] == [("活動報告", 2, "派遣ID", "B2")]
    assert not [i for i in run_rules(book_of(world())) if i.code == "required"]
