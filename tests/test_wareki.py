"""Tests for hikisup_xl.core.wareki (和暦, 年度, date/time parsing)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hikisup_xl.core.wareki import (
    WarekiError,
    add_years,
    era_of,
    fiscal_year,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_range,
    parse_date,
    parse_date_or_none,
    parse_time,
    parse_time_or_none,
    to_wareki,
    to_wareki_short,
)

MEIJI_START = date(1868, 10, 23)

# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Western
        ("2025-04-01", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025/04/01", date(2025, 4, 1)),
        ("2025.4.1", date(2025, 4, 1)),
        ("2025-4-1", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("2025年4月1", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("2025-04-01 00:00:00", date(2025, 4, 1)),
        ("2025-04-01T09:30:00", date(2025, 4, 1)),
        ("2025/4/1 9:30", date(2025, 4, 1)),
        # 和暦
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("R7/4/1", date(2025, 4, 1)),
        ("R7-4-1", date(2025, 4, 1)),
        ("r7.4.1", date(2025, 4, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("R7年4月1日", date(2025, 4, 1)),
        ("令和7.4.1", date(2025, 4, 1)),
        ("S55.3.1", date(1980, 3, 1)),
        ("昭和55年3月1日", date(1980, 3, 1)),
        ("平成 2年 3月 1日", date(1990, 3, 1)),
        ("H2.3.1", date(1990, 3, 1)),
        ("T15.12.24", date(1926, 12, 24)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("明治元年10月23日", date(1868, 10, 23)),
        ("M1.10.23", date(1868, 10, 23)),
        # era boundaries, inside
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("大正15年12月24日", date(1926, 12, 24)),
        # 全角, spaces, weekday
        ("２０２５年４月１日", date(2025, 4, 1)),
        ("２０２５－０４－０１", date(2025, 4, 1)),
        ("２０２５／４／１", date(2025, 4, 1)),
        ("令和７年４月１日", date(2025, 4, 1)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("ｒ７．４．１", date(2025, 4, 1)),
        ("　令和　７年　４月　１日　", date(2025, 4, 1)),
        ("  2025/4/1  ", date(2025, 4, 1)),
        ("2025年4月1日（火）", date(2025, 4, 1)),
        ("2025年4月1日(火)", date(2025, 4, 1)),
        ("2025/4/1 (火曜日)", date(2025, 4, 1)),
        ("令和7年4月1日（火曜）", date(2025, 4, 1)),
        ("R7.4.1(火)", date(2025, 4, 1)),
        # leap years
        ("2024/2/29", date(2024, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),
        ("令和6年2月29日", date(2024, 2, 29)),
        ("平成12年2月29日", date(2000, 2, 29)),
    ],
)
def test_parse_date_text(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # impossible days and months
        "2025年2月30日",
        "2025/2/29",
        "1900-02-29",
        "2100/2/29",
        "令和7年2月29日",
        "2025-04-31",
        "2025-13-01",
        "2025/0/1",
        "2025/4/0",
        "20251301",
        # outside the era
        "平成31年5月1日",
        "H31.5.1",
        "昭和64年1月8日",
        "令和元年4月30日",
        "R1.4.30",
        "大正15年12月25日",
        "昭和元年12月24日",
        "明治元年1月1日",
        "明治46年1月1日",
        "平成99年1月1日",
        # year 0
        "0000-01-01",
        "令和0年5月1日",
        "R0.5.1",
        # not dates
        "",
        "   ",
        "\u3000",
        "abc",
        "2025",
        "25/4/1",
        "4/1",
        "2025/4-1",
        "2025-04-01x",
        "令和七年四月一日",
        "X7.4.1",
        "令和7年4月",
        "2025-W01-1",
        "2025W011",
        "+2025-04-01",
        "2025-04-01 25:00",
        "٢٠٢٥-٠٤-٠١",  # Arabic-Indic digits are not accepted
        # wrong weekday
        "2025年4月1日（水）",
        "R7.4.1(日)",
        "2025" * 40,
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(WarekiError):
        parse_date(text)


def test_parse_date_error_message_era_boundary() -> None:
    with pytest.raises(WarekiError) as info:
        parse_date("平成31年5月1日")
    message = str(info.value)
    assert "「平成31年5月1日」は平成の期間外です（令和は2019年5月1日から）" in message
    assert "令和元年5月1日" in message


def test_parse_date_error_message_before_era() -> None:
    with pytest.raises(WarekiError) as info:
        parse_date("令和元年4月30日")
    assert "令和は2019年5月1日から" in str(info.value)
    assert "平成31年4月30日" in str(info.value)


def test_parse_date_error_message_invalid_day() -> None:
    with pytest.raises(WarekiError) as info:
        parse_date("2025年2月30日")
    assert "「2025年2月30日」" in str(info.value)
    assert "28日まで" in str(info.value)


def test_parse_date_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="令和7年4月1日"):
        parse_date("hello")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 4, 1), date(2025, 4, 1)),
        (datetime(2025, 4, 1, 23, 59), date(2025, 4, 1)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (45748, date(2025, 4, 1)),
        (45748.0, date(2025, 4, 1)),
        (45748.99, date(2025, 4, 1)),
        (43586, date(2019, 5, 1)),
        (2958465, date(9999, 12, 31)),
        (2958465.5, date(9999, 12, 31)),
        (Fraction(45748), date(2025, 4, 1)),
    ],
)
def test_parse_date_objects(value: object, expected: date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is date


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        0.5,
        -1,
        60,  # Excel's non-existent 1900-02-29
        2958466,
        float("nan"),
        float("inf"),
        float("-inf"),
        pytest.param(10**5000, id="huge-int"),
        Decimal("45748"),
        b"2025-04-01",
        [2025, 4, 1],
        (2025, 4, 1),
        {"y": 2025},
        object(),
        time(9, 30),
    ],
)
def test_parse_date_rejects_objects(value: object) -> None:
    with pytest.raises(WarekiError):
        parse_date(value)


def test_parse_date_serial_60_message() -> None:
    with pytest.raises(WarekiError, match="1900年2月29日"):
        parse_date(60)


def test_parse_date_object_with_broken_str() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("boom")

        __repr__ = __str__

    with pytest.raises(WarekiError):
        parse_date(Broken())


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", " \u3000\t", float("nan")])
def test_parse_date_or_none_blank(value: object) -> None:
    assert parse_date_or_none(value) is None


def test_parse_date_or_none_value() -> None:
    assert parse_date_or_none(" R7.4.1 ") == date(2025, 4, 1)
    with pytest.raises(WarekiError):
        parse_date_or_none("平成31年5月1日")
    with pytest.raises(WarekiError):
        parse_date_or_none(False)


# --------------------------------------------------------------------------- eras


@pytest.mark.parametrize(
    ("d", "era", "wareki", "short"),
    [
        (date(2025, 4, 1), ("令和", 7), "令和7年4月1日", "R7.4.1"),
        (date(2019, 5, 1), ("令和", 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 4, 30), ("平成", 31), "平成31年4月30日", "H31.4.30"),
        (date(1989, 1, 8), ("平成", 1), "平成元年1月8日", "H1.1.8"),
        (date(1989, 1, 7), ("昭和", 64), "昭和64年1月7日", "S64.1.7"),
        (date(1980, 3, 1), ("昭和", 55), "昭和55年3月1日", "S55.3.1"),
        (date(1926, 12, 25), ("昭和", 1), "昭和元年12月25日", "S1.12.25"),
        (date(1926, 12, 24), ("大正", 15), "大正15年12月24日", "T15.12.24"),
        (date(1912, 7, 30), ("大正", 1), "大正元年7月30日", "T1.7.30"),
        (date(1912, 7, 29), ("明治", 45), "明治45年7月29日", "M45.7.29"),
        (date(1868, 10, 23), ("明治", 1), "明治元年10月23日", "M1.10.23"),
    ],
)
def test_era_formatting(d: date, era: tuple[str, int], wareki: str, short: str) -> None:
    assert era_of(d) == era
    assert to_wareki(d) == wareki
    assert to_wareki_short(d) == short
    assert parse_date(wareki) == d
    assert parse_date(short) == d


def test_to_wareki_gannen_flag() -> None:
    assert to_wareki(date(2019, 5, 1), gannen=False) == "令和1年5月1日"
    assert to_wareki(date(2020, 5, 1), gannen=False) == "令和2年5月1日"


def test_era_of_datetime() -> None:
    assert era_of(datetime(2019, 5, 1, 0, 0)) == ("令和", 1)
    assert to_wareki(datetime(2019, 4, 30, 23, 59)) == "平成31年4月30日"


@pytest.mark.parametrize("d", [date(1868, 10, 22), date(1868, 1, 1), date(1, 1, 1)])
def test_era_of_before_meiji(d: date) -> None:
    with pytest.raises(WarekiError):
        era_of(d)
    with pytest.raises(WarekiError):
        to_wareki(d)
    with pytest.raises(WarekiError):
        to_wareki_short(d)


def test_round_trip_every_date() -> None:
    d = MEIJI_START
    step = timedelta(days=1)
    while d <= date(2100, 12, 31):
        assert parse_date(to_wareki(d)) == d, d
        d += step


# --------------------------------------------------------------------------- 年度


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 4, 1), 2025),
        (date(2025, 1, 1), 2024),
        (date(2025, 12, 31), 2025),
        (datetime(2026, 3, 31, 23, 59), 2025),
    ],
)
def test_fiscal_year(d: date, fy: int) -> None:
    assert fiscal_year(d) == fy
    start, end = fiscal_year_range(fy)
    assert start <= (d if type(d) is date else d.date()) <= end
    assert fiscal_year_end(d) == date(fy + 1, 3, 31)


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert fiscal_year_range(2023) == (date(2023, 4, 1), date(2024, 3, 31))
    with pytest.raises(WarekiError):
        fiscal_year_range(9999)
    with pytest.raises(WarekiError):
        fiscal_year_range(0)
    with pytest.raises(WarekiError):
        fiscal_year_end(date(9999, 4, 1))
    assert fiscal_year_end(date(9999, 3, 31)) == date(9999, 3, 31)
    assert fiscal_year_end(date(1, 1, 1)) == date(1, 3, 31)


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1990, "平成2年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
        (1925, "大正14年度"),
        (1912, "大正元年度"),
        (1911, "明治44年度"),
        (1868, "明治元年度"),
    ],
)
def test_fiscal_year_label(fy: int, label: str) -> None:
    assert fiscal_year_label(fy) == label


def test_fiscal_year_label_before_meiji() -> None:
    with pytest.raises(WarekiError):
        fiscal_year_label(1867)


# --------------------------------------------------------------------------- add_years


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2025, 4, 1), 1, date(2026, 4, 1)),
        (date(2025, 4, 1), -3, date(2022, 4, 1)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2000, 2, 29), 100, date(2100, 2, 28)),
        (date(2025, 2, 28), -1, date(2024, 2, 28)),
        (date(2025, 12, 31), 0, date(2025, 12, 31)),
    ],
)
def test_add_years(d: date, n: int, expected: date) -> None:
    assert add_years(d, n) == expected


def test_add_years_keeps_datetime_and_checks_range() -> None:
    assert add_years(datetime(2024, 2, 29, 9, 30), 1) == datetime(2025, 2, 28, 9, 30)
    with pytest.raises(WarekiError):
        add_years(date(9999, 1, 1), 1)
    with pytest.raises(WarekiError):
        add_years(date(1, 1, 1), -1)


# --------------------------------------------------------------------------- parse_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("09:30:00", time(9, 30)),
        ("9:30:15", time(9, 30, 15)),
        ("０９：３０", time(9, 30)),
        ("９：３０", time(9, 30)),
        (" 9:30 ", time(9, 30)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("9時30分", time(9, 30)),
        ("9時30", time(9, 30)),
        ("９時３０分", time(9, 30)),
        ("14時", time(14, 0)),
        ("14時00分", time(14, 0)),
        ("9時5分", time(9, 5)),
        ("午後2時", time(14, 0)),
        ("午後2時30分", time(14, 30)),
        ("午後 2時", time(14, 0)),
        ("午前9時半", time(9, 30)),
        ("午前9時", time(9, 0)),
        ("午前0時", time(0, 0)),
        ("午後0時", time(12, 0)),
        ("午後11時59分", time(23, 59)),
        ("午後1:30", time(13, 30)),
        (time(9, 30), time(9, 30)),
        (datetime(2025, 4, 1, 9, 30), time(9, 30)),
        (0.5, time(12, 0)),
        (0.375, time(9, 0)),
        (0.0, time(0, 0)),
        (0, time(0, 0)),
        (0.999999, time(23, 59)),
        (0.4, time(9, 36)),
        (9.5 / 24 + 20 / 86400, time(9, 30)),  # 9:30:20 rounds to 9:30
        (9.5 / 24 + 40 / 86400, time(9, 31)),  # 9:30:40 rounds to 9:31
    ],
)
def test_parse_time(value: object, expected: time) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "14.30",
        "24:00",
        "25:00",
        "9:60",
        "9:30:60",
        "9:5",
        "930",
        "24時",
        "9時60分",
        "午後12時",
        "午前12時",
        "午後13時",
        "午後",
        "",
        "  ",
        "abc",
        "9時半30分",
        None,
        True,
        1,
        1.0,
        9,
        -0.1,
        float("nan"),
        float("inf"),
        date(2025, 4, 1),
        [9, 30],
        object(),
    ],
)
def test_parse_time_rejects(value: object) -> None:
    with pytest.raises(WarekiError):
        parse_time(value)


def test_parse_time_or_none() -> None:
    assert parse_time_or_none(None) is None
    assert parse_time_or_none("") is None
    assert parse_time_or_none(" \u3000 ") is None
    assert parse_time_or_none("9:30") == time(9, 30)
    with pytest.raises(WarekiError):
        parse_time_or_none("24:00")


def test_parse_time_message_is_japanese() -> None:
    with pytest.raises(WarekiError, match="「24:00」は時刻の範囲外です"):
        parse_time("24:00")


# --------------------------------------------------------------------------- properties

_DATE_ALPHABET = (
    "0123456789０１２３４５６７８９年月日元明治大正昭和平成令和MTSHRmtshr-/.:() （）火水曜\u3000"
)

_objects = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.fractions(),
    st.decimals(),
    st.binary(max_size=10),
    st.text(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet=_DATE_ALPHABET, max_size=16)))
def test_parse_date_only_raises_wareki_error_on_text(text: str) -> None:
    try:
        result = parse_date(text)
    except WarekiError:
        return
    assert type(result) is date


@settings(max_examples=300)
@given(_objects)
def test_parse_date_only_raises_wareki_error_on_objects(value: object) -> None:
    try:
        result = parse_date(value)
    except WarekiError:
        return
    assert type(result) is date


@settings(max_examples=300)
@given(st.one_of(_objects, st.text(alphabet="0123456789:：時分半午前後 ", max_size=10)))
def test_parse_time_only_raises_wareki_error(value: object) -> None:
    try:
        result = parse_time(value)
    except WarekiError:
        return
    assert isinstance(result, time)


@settings(max_examples=300)
@given(st.dates(min_value=MEIJI_START, max_value=date(2100, 12, 31)))
def test_wareki_round_trip(d: date) -> None:
    assert parse_date(to_wareki(d)) == d
    assert parse_date(to_wareki(d, gannen=False)) == d
    assert parse_date(to_wareki_short(d)) == d
    assert era_of(d)[1] >= 1


@settings(max_examples=300)
@given(st.dates(min_value=date(1, 4, 1), max_value=date(9999, 3, 31)))
def test_fiscal_year_properties(d: date) -> None:
    fy = fiscal_year(d)
    start, end = fiscal_year_range(fy)
    assert start <= d <= end
    assert fiscal_year_end(d) == end
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.year:04d}/{d.month}/{d.day}") == d


@settings(max_examples=300)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31)), st.integers(-999, 999))
def test_add_years_properties(d: date, n: int) -> None:
    result = add_years(d, n)
    assert result.year == d.year + n
    assert result.month == d.month
    assert result.day == d.day or (d.month, d.day, result.day) == (2, 29, 28)


def test_pandas_missing_values() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(WarekiError):
        parse_date(pd.NaT)
    with pytest.raises(WarekiError):
        parse_time(pd.NaT)
    assert parse_date_or_none(pd.NaT) is None
    assert parse_time_or_none(pd.NaT) is None
    assert parse_date(pd.Timestamp("2025-04-01 10:00")) == date(2025, 4, 1)
    assert parse_time(pd.Timestamp("2025-04-01 10:00")) == time(10, 0)
