"""Small cells sent upward are blanked and marked, and cannot be recovered by subtraction."""

from __future__ import annotations

from hikisup_xl.stats.compute import HOURS, KINDS, MONTHS, PEOPLE, SUMMARY, TIMES, Figure
from hikisup_xl.stats.suppress import suppress, suppressed_count

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
    assert people.value is None and people.suppressed == "秘匿（3未満）"
    assert out[(KINDS, "活動回数", "", "面接")].value == 0
    assert out[(KINDS, "活動回数", "", "訪問")].value == 10
    # a count about no person stays
    assert out[(SUMMARY, "事後研修 開催回数", "", "")].value == 1


def test_a_lone_small_cell_takes_a_second_one_with_it() -> None:
    figures = suppress(_figures({"訪問": 10, "面接": 1, "外出同行": 5}))
    out = _by(figures)
    assert out[(KINDS, "活動回数", "", "面接")].suppressed == "秘匿（3未満）"
    # otherwise 面接 = 16 - 10 - 5: the smallest other non-zero cell goes too
    second = out[(KINDS, "活動回数", "", "外出同行")]
    assert second.value is None and second.suppressed == "秘匿（逆算防止）"
    assert out[(KINDS, "活動回数", "", "訪問")].value == 10
    # hours follow their counts
    assert out[(KINDS, "活動時間", "", "面接")].value is None
    assert out[(KINDS, "活動時間", "", "外出同行")].suppressed == "秘匿（回数に連動）"
    assert out[(KINDS, "活動時間", "", "訪問")].value == 15.0
    # the same rule holds inside the month: no group has exactly one blank
    month = [out[(MONTHS, "活動回数", "2025年04月", k)] for k in KIND_NAMES]
    assert sum(1 for f in month if f.value is None) != 1
    assert suppressed_count(figures) >= 6


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
    assert out[(KINDS, "活動回数", "", "面接")].suppressed == "秘匿（5未満）"
    assert out[(KINDS, "活動回数", "", "外出同行")].suppressed == "秘匿（5未満）"
    assert out[(KINDS, "活動回数", "", "訪問")].value == 10
