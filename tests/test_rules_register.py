"""Rules on the register (hikisup_xl/core/rules/people.py): each triggers, its twin does not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pytest
from conftest import World, base_world, book_of, codes, world

from hikisup_xl.core import schema
from hikisup_xl.core.book import Book
from hikisup_xl.core.issues import Issue
from hikisup_xl.core.rules import people, run_rules
from hikisup_xl.core.settings import Settings

Rule = Callable[[Book], Iterable[Issue]]
D = dt.date

YAMADA = {
    "name": "山田　太郎",
    "kana": "やまだ　たろう",
    "birth": D(1980, 5, 1),
    "address": "架空市北町1",
    "mobile": "090-2222-3333",
}


def test_the_base_world_is_clean() -> None:
    """Every control below relies on this: the unchanged fixture raises nothing at all."""
    assert run_rules(book_of(base_world())) == []


def _found(rule: Rule, w: World, code: str, settings: Settings | None = None) -> list[Issue]:
    return [i for i in rule(book_of(w, settings=settings)) if i.code == code]


def _assert_rule(
    rule: Rule,
    table: str,
    key: str,
    code: str,
    bad: World,
    good: World,
    *,
    row: int = 2,
    settings: Settings | None = None,
) -> None:
    hits = _found(rule, bad, code, settings)
    header = schema.BY_KEY[table].col(key).header
    assert [(i.sheet, i.row, i.column) for i in hits] == [
        (schema.BY_KEY[table].sheet, row, header)
    ], hits
    assert hits[0].message
    assert _found(rule, good, code, settings) == []


# ----------------------------------------------------------------------------- duplicates

SECOND_ENTRIES = [
    pytest.param({"name": "山田 太郎", "kana": "ﾔﾏﾀﾞ ﾀﾛｳ"}, id="halfwidth-kana-ascii-space"),
    pytest.param({"name": "山田太郎", "kana": "ヤマダタロウ"}, id="katakana-no-space"),
    pytest.param({"name": "やまだたろう", "kana": "やまだ たろう"}, id="name-typed-in-kana"),
    pytest.param({"name": "ﾔﾏﾀﾞ ﾀﾛｳ", "kana": "かな ちがい"}, id="name-matches-other-kana"),
]


@pytest.mark.parametrize("second", SECOND_ENTRIES)
def test_duplicate_person_blind_to_script_width_and_spaces(second: dict[str, object]) -> None:
    entry = {**YAMADA, **second}
    bad = world(extra={"register": [entry]})
    good = world(extra={"register": [{**entry, "birth": D(1980, 5, 2)}]})
    _assert_rule(people.duplicate_people, "register", "name", "duplicate.person", bad, good, row=3)
    (hit,) = _found(people.duplicate_people, bad, "duplicate.person")
    assert "2行目" in hit.message


def test_different_person_same_birthday_is_not_a_duplicate() -> None:
    other = {**YAMADA, "name": "山田　次郎", "kana": "やまだ　じろう"}
    assert (
        _found(people.duplicate_people, world(extra={"register": [other]}), "duplicate.person")
        == []
    )


def test_duplicate_trainee_only_within_the_same_training() -> None:
    trainee = dict(base_world()["trainees"][0], cert_no=None, name="山田太郎", kana="ﾔﾏﾀﾞﾀﾛｳ")
    t2 = {"training_id": "T2", "kind": "継続研修", "date": D(2026, 7, 10)}
    bad = world(extra={"trainees": [trainee]})
    good = world(extra={"trainings": [t2], "trainees": [{**trainee, "training_id": "T2"}]})
    _assert_rule(people.duplicate_people, "trainees", "name", "duplicate.person", bad, good, row=3)


# ----------------------------------------------------------------------- registration rules

APPLICANT = {**YAMADA, "name": "佐藤　花子", "kana": "さとう　はなこ", "state": "申込中"}

PREREQUISITES = [
    pytest.param(
        "cert_no",
        "register.no_completion",
        world(register={"cert_no": None}),
        world(extra={"register": [APPLICANT]}),  # no 登録番号 yet: nothing is required
        id="no-cert",
    ),
    pytest.param(
        "cert_no",
        "register.not_completed",
        world(trainees={"completed": None}),
        world(trainees={"completed": D(2025, 7, 10)}),
        id="cert-not-completed",
    ),
    pytest.param(
        "consent",
        "register.no_consent",
        world(register={"consent": None}),
        world(extra={"register": [{**APPLICANT, "consent": None}]}),
        id="no-consent",
    ),
    pytest.param(
        "issued",
        "register.no_card",
        world(register={"issued": None}),
        world(extra={"register": [{**APPLICANT, "issued": None}]}),
        id="no-card",
    ),
]


@pytest.mark.parametrize(("key", "code", "bad", "good"), PREREQUISITES)
def test_registration_prerequisites(key: str, code: str, bad: World, good: World) -> None:
    _assert_rule(people.registration_prerequisites, "register", key, code, bad, good)


PERIODS = [
    pytest.param(
        "period_end",
        "period.incomplete",
        world(register={"period_end": None}),
        world(register={"period_start": None, "period_end": None}),
        id="only-start",
    ),
    pytest.param(
        "period_end",
        "period.reversed",
        world(register={"period_end": D(2025, 8, 9)}),
        world(register={"period_end": D(2025, 8, 10)}),
        id="reversed",
    ),
    pytest.param(
        "period_start",
        "period.before_card",
        world(register={"period_start": D(2025, 8, 9)}),
        world(register={"period_start": D(2025, 8, 10)}),
        id="before-card",
    ),
    pytest.param(
        "period_end",
        "period.too_long",
        world(register={"period_end": D(2027, 8, 10)}),
        world(register={"period_end": D(2027, 8, 9)}),
        id="two-years-and-a-day",
    ),
]


@pytest.mark.parametrize(("key", "code", "bad", "good"), PERIODS)
def test_registration_periods(key: str, code: str, bad: World, good: World) -> None:
    _assert_rule(people.registration_periods, "register", key, code, bad, good)


def test_period_longer_than_the_settings_allow() -> None:
    w = base_world()  # 2025-08-10 .. 2027-08-09: two years
    one_year = Settings(period_years=1)
    (hit,) = _found(people.registration_periods, w, "period.too_long", one_year)
    assert "2026/08/09" in hit.message
    assert "1年" in hit.message
    assert _found(people.registration_periods, w, "period.too_long", Settings(period_years=2)) == []


def test_reversed_period_is_not_also_reported_as_too_long() -> None:
    bad = world(register={"period_start": D(2030, 1, 1), "period_end": D(2025, 8, 20)})
    assert codes(people.registration_periods(book_of(bad))) == ["period.reversed"]


# ------------------------------------------------------------------------------ withdrawal

WITHDRAWN = {"state": "辞退", "ended": D(2026, 3, 31), "ended_reason": "転居のため"}

WITHDRAWALS = [
    pytest.param(
        "ended",
        "withdrawal.no_date",
        world(register={**WITHDRAWN, "ended": None}),
        world(register=WITHDRAWN),
        id="no-date",
    ),
    pytest.param(
        "ended_reason",
        "withdrawal.no_reason",
        world(register={**WITHDRAWN, "ended_reason": None}),
        world(register=WITHDRAWN),
        id="no-reason",
    ),
    pytest.param(
        "state",
        "withdrawal.state",
        world(register={**WITHDRAWN, "state": "登録中"}),
        world(register=WITHDRAWN),
        id="date-but-active",
    ),
]


@pytest.mark.parametrize(("key", "code", "bad", "good"), WITHDRAWALS)
def test_withdrawal_consistency(key: str, code: str, bad: World, good: World) -> None:
    _assert_rule(people.withdrawal_consistency, "register", key, code, bad, good)


def test_revocation_without_date_is_an_error_naming_the_state() -> None:
    bad = world(register={"state": "取消", "ended_reason": "第16条"})
    (hit,) = _found(people.withdrawal_consistency, bad, "withdrawal.no_date")
    assert hit.severity == "エラー"
    assert "取消" in hit.message


# ------------------------------------------------------------------------- contact, changes


def test_contact_present() -> None:
    bad = world(register={"mobile": None})
    good = world(register={"mobile": None, "email": "taro@example.jp"})
    _assert_rule(people.contact_present, "register", "phone", "contact.missing", bad, good)


def test_contact_not_required_before_registration() -> None:
    applicant = {**APPLICANT, "mobile": None}
    assert (
        _found(people.contact_present, world(extra={"register": [applicant]}), "contact.missing")
        == []
    )


def test_change_to_withdrawn_needs_a_reason() -> None:
    change = {"item": "状態", "before": "登録中", "after": "辞退"}
    bad = world(changes={**change, "reason": None})
    good = world(changes={**change, "reason": "本人の申出"})
    _assert_rule(people.change_reasons, "changes", "reason", "change.no_reason", bad, good)
    other = world(changes={"reason": None})  # a change of 住所 needs no reason
    assert _found(people.change_reasons, other, "change.no_reason") == []
