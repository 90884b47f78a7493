"""Small cells sent upward are blanked, all alike, and cannot be narrowed down from the totals.

(tests/stats/test_stats_suppress_attack.py attacks whole upward files the same way.)"""

from __future__ import annotations

from hikisup_xl.stats.compute import HOURS, KINDS, MONTHS, PEOPLE, SUMMARY, TIMES, Figure
from hikisup_xl.stats.intervals import interval
from hikisup_xl.stats.suppress import groups_of, suppress, suppressed_count

KIND_NAMES = ("訪問", "面接", "外出同行")


def _figures(kinds: dict[str, int], *, people: int = 10, sessions: int = 1) -> list[Figure]:
    total = sum(kinds.values())
    out = [
        Figure(SUMMARY, "活動延べ回数", "", "", total, TIMES),
        Figure(SUMMARY, "活動時間", "", "", total * 1.5, HOURS),
        Figure(SUMMARY, "3月31日時点の登録者数", "", "", people, PEOPLE),
        Figure(SUMMARY, "事後研修 開催回数", "", "", sessions, TIMES),
    ]
    for k, n in kinds.items():
        out.append(Figure(KINDS, "活動回数", "", k, n, TIMES))
        out.append(Figure(KINDS, "活動時間", "", k, n * 1.5, HOURS))
    out.append(Figure(MONTHS, "活動回数", "2025年04月", "", total, TIMES))
    out.append(Figure(MONTHS, "活動時間", "2025年04月", "", total * 1.5, HOURS))
    for k, n in kinds.items():
        out.append(Figure(MONTHS, "活動回数", "2025年04月", k, n, TIMES))
    return out


def _by(figures: list[Figure]) -> dict[tuple[str, str, str, str], Figure]:
    return {f.key: f for f in figures}


def test_small_counts_are_blanked_and_marked_zero_is_kept() -> None:
    out = _by(suppress(_figures({"訪問": 10, "面接": 0, "外出同行": 5}, people=2)))
    people = out[(SUMMARY, "3月31日時点の登録者数", "", "")]
    assert people.value is None and people.suppressed == "秘匿"
    assert out[(KINDS, "活動回数", "", "面接")].value == 0
    assert out[(KINDS, "活動回数", "", "訪問")].value == 10
    # a count about no person stays
    assert out[(SUMMARY, "事後研修 開催回数", "", "")].value == 1


def _interval(figures: list[Figure], key: tuple[str, str, str, str]) -> tuple[float, float]:
    groups = groups_of(figures)
    cells = {k for t, members in groups for k in (t, *members)}
    values = {f.key: f.value for f in figures if f.key in cells}
    return interval(key, values, groups)  # type: ignore[arg-type]


def test_a_lone_small_cell_takes_others_with_it_until_it_cannot_be_narrowed() -> None:
    figures = suppress(_figures({"訪問": 10, "面接": 1, "外出同行": 5}))
    out = _by(figures)
    mensetsu = (KINDS, "活動回数", "", "面接")
    assert out[mensetsu].value is None and out[mensetsu].suppressed == "秘匿"
    # otherwise 面接 = 16 - 10 - 5; and a blank is known to be at least 1
    low, high = _interval(figures, mensetsu)
    assert high - low >= 3
    # every blank looks the same, and the grand total is kept: inner cells go first
    assert {f.suppressed for f in figures if f.value is None} == {"秘匿"}
    assert out[(SUMMARY, "活動延べ回数", "", "")].value == 16
    # hours follow their counts
    for k in KIND_NAMES:
        count, hours = out[(KINDS, "活動回数", "", k)], out[(KINDS, "活動時間", "", k)]
        assert (count.value is None) == (hours.value is None)
    # the same holds inside the month
    month = [out[(MONTHS, "活動回数", "2025年04月", k)] for k in KIND_NAMES]
    assert sum(1 for f in month if f.value is None) >= 2
    assert suppressed_count(figures) >= 6


def test_two_plus_two_is_not_given_back_by_its_total() -> None:
    """The issue's month: 2+2 under a published 4 pinned each to [1, 3]."""
    figures = suppress(_figures({"訪問": 2, "面接": 2, "外出同行": 9}))
    for k in ("訪問", "面接"):
        low, high = _interval(figures, (KINDS, "活動回数", "", k))
        assert high - low >= 3, (k, low, high)


def test_no_complement_is_needed_when_the_total_is_blank_too() -> None:
    out = _by(suppress(_figures({"訪問": 2, "面接": 0, "外出同行": 0})))
    assert out[(SUMMARY, "活動延べ回数", "", "")].value is None
    assert out[(KINDS, "活動回数", "", "面接")].value == 0


def test_threshold_one_or_zero_blanks_nothing() -> None:
    figures = _figures({"訪問": 1, "面接": 1, "外出同行": 1}, people=1)
    for threshold in (0, 1):
        out = suppress(figures, threshold)
        assert suppressed_count(out) == 0
        assert [f.value for f in out] == [f.value for f in figures]


def test_the_input_is_left_alone() -> None:
    figures = _figures({"訪問": 10, "面接": 1, "外出同行": 5})
    suppress(figures)
    assert all(f.value is not None and not f.suppressed for f in figures)


def test_threshold_five() -> None:
    out = _by(suppress(_figures({"訪問": 10, "面接": 4, "外出同行": 4}), 5))
    figures = suppress(_figures({"訪問": 10, "面接": 4, "外出同行": 4}), 5)
    for k in ("面接", "外出同行"):
        assert out[(KINDS, "活動回数", "", k)].suppressed == "秘匿"
        low, high = _interval(figures, (KINDS, "活動回数", "", k))
        assert high - low >= 5
