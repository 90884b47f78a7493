"""Japanese era dates (和暦), fiscal years (年度) and lenient date/time parsing.

Everything here is pure Python with no third-party dependency.  The parsers
accept the forms municipal staff actually type into spreadsheets (ISO dates,
``2025/4/1``, ``令和7年4月1日``, ``R7.4.1``, full-width digits, a trailing
weekday such as ``（火）``, Excel serial numbers ...) and reject anything
ambiguous or impossible with a :class:`WarekiError` whose message is Japanese,
quotes the input and says what to type instead.

The parsers run over large sheets, so regular expressions are compiled once
and plain ``date`` objects and ISO strings take a fast path.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Final, NamedTuple, TypeGuard

__all__ = [
    "ERAS",
    "Era",
    "WarekiError",
    "add_years",
    "era_of",
    "fiscal_year",
    "fiscal_year_end",
    "fiscal_year_label",
    "fiscal_year_range",
    "parse_date",
    "parse_date_or_none",
    "parse_fy",
    "parse_time",
    "parse_time_or_none",
    "to_wareki",
    "to_wareki_short",
]


class WarekiError(ValueError):
    """A date or time could not be read or converted (message in Japanese)."""


class Era(NamedTuple):
    name: str
    abbr: str
    start: date


# Start dates as used by this project (明治 from the 改元の詔, 1868-10-23).
ERAS: Final[tuple[Era, ...]] = (
    Era("明治", "M", date(1868, 10, 23)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)
_ERA_INDEX: Final[dict[str, int]] = {
    key: i for i, era in enumerate(ERAS) for key in (era.name, era.abbr)
}

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is the
# non-existent 1900-02-29 (a Lotus 1-2-3 compatibility bug).
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_EXCEL_EPOCH_BEFORE_BUG: Final = date(1899, 12, 31)
_EXCEL_MAX_SERIAL: Final = 2958465  # 9999-12-31

_MAX_INPUT_LEN: Final = 64
_WEEKDAYS: Final = "月火水木金土日"  # index == date.weekday()

_DATE_HINT: Final = (
    "「2025-04-01」「2025/4/1」「令和7年4月1日」「R7.4.1」のように入力してください。"
)
_TIME_HINT: Final = "「9:30」「14時」「午後2時」のように入力してください。"

_TAIL: Final = (
    r"(?:年(?P<m1>[0-9]{1,2})月(?P<d1>[0-9]{1,2})日?"
    r"|(?P<sep>[-/.])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2}))"
)
_WESTERN_RE: Final = re.compile(r"(?P<y>[0-9]{4})" + _TAIL)
_COMPACT_RE: Final = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_WAREKI_RE: Final = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])(?P<y>[0-9]{1,2}|元)" + _TAIL
)
_WEEKDAY_RE: Final = re.compile(r"\((?P<w>[日月火水木金土])(?:曜日?)?\)$")
# "2025-04-01 00:00:00" / "2025-04-01T09:30": what str(datetime) and CSV exports produce.
_DATETIME_RE: Final = re.compile(
    r"([0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2})"
    r"[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
)
_TIME_COLON_RE: Final = re.compile(
    r"(?P<ampm>午前|午後)?(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?"
)
_TIME_KANJI_RE: Final = re.compile(
    r"(?P<ampm>午前|午後)?(?P<h>[0-9]{1,2})時(?:(?P<m>[0-9]{1,2})分?|(?P<half>半))?"
)


# --------------------------------------------------------------------------- helpers


def _quote(text: str) -> str:
    """Quote user input for an error message, shortened if very long."""
    text = text.strip()
    if len(text) > 30:
        text = text[:30] + "…"
    return f"「{text}」"


def _jp(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _plain_date(d: date) -> date:
    """Return ``d`` as a plain ``date`` (drops the time of a ``datetime``)."""
    return d if type(d) is date else date(d.year, d.month, d.day)


def _is_number(value: object) -> TypeGuard[numbers.Real]:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _number_text(value: numbers.Real) -> str:
    """str() of a number for messages; never raises (huge ints, odd subclasses)."""
    try:
        text = str(value)
    except Exception:
        return "（数値）"
    return text if len(text) <= 30 else text[:30] + "…"


def _is_blank(value: object) -> bool:
    """None, whitespace-only text, NaN and pandas' NaT count as an empty cell."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NaT is a datetime subclass that is unequal to itself.
    return isinstance(value, datetime) and value != value


def _days_in_month(y: int, m: int) -> int:
    """calendar.monthrange(y, m)[1] without importing calendar (and locale) on every click."""
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _build_date(y: int, m: int, d: int, raw: str) -> date:
    if y == 0:
        raise WarekiError(f"{_quote(raw)}の0年はありません。{_DATE_HINT}")
    if not 1 <= m <= 12:
        raise WarekiError(
            f"{_quote(raw)}の月（{m}月）が正しくありません。月は1〜12で入力してください。"
        )
    last = _days_in_month(y, m)
    if not 1 <= d <= last:
        raise WarekiError(
            f"{_quote(raw)}は存在しない日付です（{y}年{m}月は{last}日まで）。日付を確認してください。"
        )
    return date(y, m, d)


def _era_end(index: int) -> date | None:
    if index + 1 < len(ERAS):
        return ERAS[index + 1].start - timedelta(days=1)
    return None


def _check_in_era(index: int, d: date, raw: str) -> None:
    era = ERAS[index]
    end = _era_end(index)
    if era.start <= d and (end is None or d <= end):
        return
    if d < era.start:
        bounds = f"{era.name}は{_jp(era.start)}から"
    else:
        nxt = ERAS[index + 1]
        bounds = f"{nxt.name}は{_jp(nxt.start)}から"
    if d >= ERAS[0].start:
        advice = f"正しくは「{to_wareki(d)}」です。"
    else:
        advice = "明治より前の日付は西暦（例: 1868-01-01）で入力してください。"
    raise WarekiError(f"{_quote(raw)}は{era.name}の期間外です（{bounds}）。{advice}")


def _from_excel_serial(value: numbers.Real) -> date:
    try:
        serial = math.floor(float(value))
    except (TypeError, ValueError, OverflowError):  # NaN, inf, huge ints
        raise WarekiError(
            f"数値「{_number_text(value)}」は日付として読み取れません。{_DATE_HINT}"
        ) from None
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise WarekiError(
            f"数値「{_number_text(value)}」はExcelの日付"
            f"（シリアル値 1〜{_EXCEL_MAX_SERIAL}）の範囲外です。{_DATE_HINT}"
        )
    if serial == 60:
        raise WarekiError(
            "Excelのシリアル値60は存在しない日付（1900年2月29日）です。"
            "1900年2月28日または1900年3月1日を入力してください。"
        )
    base = _EXCEL_EPOCH if serial > 60 else _EXCEL_EPOCH_BEFORE_BUG
    return base + timedelta(days=serial)


def _parse_date_text(raw: str) -> date:
    s = raw.strip()
    # Fast path: ISO "2025-04-01" (checked by hand so fromisoformat's
    # extended formats such as "2025W01" never sneak in).
    if len(s) == 10 and s[4] == "-" and s[7] == "-" and s.isascii():
        try:
            return date.fromisoformat(s)
        except ValueError:
            pass  # fall through for a precise error message
    if not s:
        raise WarekiError(f"日付が空です。{_DATE_HINT}")
    if len(s) > _MAX_INPUT_LEN:
        raise WarekiError(f"{_quote(s)}は日付として長すぎます。{_DATE_HINT}")

    s = unicodedata.normalize("NFKC", s).strip()
    dt = _DATETIME_RE.fullmatch(s)
    if dt:
        s = dt.group(1)
    s = "".join(s.split()).upper()

    weekday: str | None = None
    wm = _WEEKDAY_RE.search(s)
    if wm:
        weekday = wm.group("w")
        s = s[: wm.start()]

    result = _match_date(s, raw)
    if weekday is not None and _WEEKDAYS[result.weekday()] != weekday:
        actual = _WEEKDAYS[result.weekday()]
        raise WarekiError(
            f"{_quote(raw)}の曜日が合いません（{_jp(result)}は{actual}曜日です）。"
            "日付と曜日を確認してください。"
        )
    return result


def _match_date(s: str, raw: str) -> date:
    m = _WESTERN_RE.fullmatch(s)
    if m:
        month, day = (m["m1"], m["d1"]) if m["m1"] else (m["m2"], m["d2"])
        return _build_date(int(m["y"]), int(month), int(day), raw)
    m = _WAREKI_RE.fullmatch(s)
    if m:
        index = _ERA_INDEX[m["era"]]
        era_year = 1 if m["y"] == "元" else int(m["y"])
        if era_year == 0:
            raise WarekiError(
                f"{_quote(raw)}の0年はありません。最初の年は「元年」または「1年」と入力してください。"
            )
        month, day = (m["m1"], m["d1"]) if m["m1"] else (m["m2"], m["d2"])
        result = _build_date(ERAS[index].start.year + era_year - 1, int(month), int(day), raw)
        _check_in_era(index, result, raw)
        return result
    m = _COMPACT_RE.fullmatch(s)
    if m:
        return _build_date(int(m[1]), int(m[2]), int(m[3]), raw)
    raise WarekiError(f"{_quote(raw)}は日付として読み取れません。{_DATE_HINT}")


# --------------------------------------------------------------------------- dates


def parse_date(value: object) -> date:
    """Read a date from a cell value; raise :class:`WarekiError` otherwise.

    Accepts ``date``/``datetime`` objects, Excel serial numbers (1900 date
    system, fractional part ignored) and text in Western or era notation.
    """
    if type(value) is date:
        return value
    if isinstance(value, str):
        return _parse_date_text(value)
    if isinstance(value, date):  # datetime, pandas.Timestamp, other subclasses
        try:
            return date(value.year, value.month, value.day)
        except (TypeError, ValueError):  # e.g. pandas.NaT
            raise WarekiError(f"日付が空です。{_DATE_HINT}") from None
    if _is_number(value):
        return _from_excel_serial(value)
    if value is None:
        raise WarekiError(f"日付が空です。{_DATE_HINT}")
    raise WarekiError(f"この値（{type(value).__name__}型）は日付として読み取れません。{_DATE_HINT}")


def parse_date_or_none(value: object) -> date | None:
    """Like :func:`parse_date`, but an empty cell gives ``None``."""
    if _is_blank(value):
        return None
    return parse_date(value)


def era_of(d: date) -> tuple[str, int]:
    """Return the era name and era year of ``d``, e.g. ``('令和', 7)``."""
    d = _plain_date(d)
    for era in reversed(ERAS):
        if d >= era.start:
            return era.name, d.year - era.start.year + 1
    raise WarekiError(
        f"{_jp(d)}は明治（{_jp(ERAS[0].start)}から）より前のため和暦にできません。"
        "西暦で入力してください。"
    )


def to_wareki(d: date, *, gannen: bool = True) -> str:
    """Format ``d`` as ``'令和7年4月1日'`` (year 1 as ``元年`` unless ``gannen=False``)."""
    name, year = era_of(d)
    year_text = "元" if year == 1 and gannen else str(year)
    return f"{name}{year_text}年{d.month}月{d.day}日"


def to_wareki_short(d: date) -> str:
    """Format ``d`` as ``'R7.4.1'``."""
    name, year = era_of(d)
    return f"{ERAS[_ERA_INDEX[name]].abbr}{year}.{d.month}.{d.day}"


def fiscal_year(d: date) -> int:
    """Japanese fiscal year (April–March), labelled by the year it starts in."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: (fy-04-01, (fy+1)-03-31)."""
    if not 1 <= fy <= 9998:
        raise WarekiError(f"年度「{fy}」は範囲外です。西暦の年（例: 2025）で指定してください。")
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_year_end(d: date) -> date:
    """31 March that closes the fiscal year containing ``d``."""
    year = fiscal_year(d) + 1
    if year > 9999:
        raise WarekiError(f"{_jp(d)}の年度末は扱える範囲（9999年まで）を超えます。")
    return date(year, 3, 31)


def fiscal_year_label(fy: int) -> str:
    """Name fiscal year ``fy`` in era form, e.g. 2025 -> ``'令和7年度'``.

    The era whose start *year* is the latest one not after ``fy`` names it
    (so 2019 is 令和元年度 and 1989 is 平成元年度).
    """
    for era in reversed(ERAS):
        if fy >= era.start.year:
            year = fy - era.start.year + 1
            return f"{era.name}{'元' if year == 1 else year}年度"
    raise WarekiError(
        f"年度「{fy}」は明治より前のため和暦にできません。{ERAS[0].start.year}年以降を指定してください。"
    )


_FY_WESTERN = re.compile(r"(\d{4})(?:年度?)?")
_FY_ERA = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR])(\d{1,2}|元)(?:年度?)?")


def parse_fy(text: object) -> int:
    """A 年度 as typed: 2025, 2025年度, 令和7年度, 令和7, R7, 令和元年度 (a number cell too)."""
    if _is_number(text) and float(text).is_integer():  # a cell holding the number 2026
        text = str(int(float(text)))
    s = unicodedata.normalize("NFKC", str(text)).strip().upper().replace(" ", "")
    m = _FY_WESTERN.fullmatch(s)
    if m:
        fy = int(m[1])
    else:
        m = _FY_ERA.fullmatch(s)
        if not m:
            raise WarekiError(
                f"年度「{text}」を読み取れません。2025、令和7年度、R7 のように指定してください。"
            )
        era = next(e for e in ERAS if m[1] in (e.name, e.abbr))
        fy = era.start.year + (1 if m[2] == "元" else int(m[2])) - 1
    fiscal_year_range(fy)  # range check with its own message
    return fy


def add_years(d: date, n: int) -> date:
    """Same month and day ``n`` years later (29 Feb becomes 28 Feb if needed)."""
    year = d.year + n
    if not 1 <= year <= 9999:
        raise WarekiError(f"{_jp(d)}の{n}年後は扱える範囲（1〜9999年）を超えます。")
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=year, day=28)


# --------------------------------------------------------------------------- times


def _build_time(ampm: str | None, h: int, m: int, s: int, raw: str) -> time:
    if ampm is not None:
        if h == 12:
            raise WarekiError(
                f"{_quote(raw)}は正午か深夜0時かがあいまいです。"
                "24時間制（正午は「12:00」、深夜0時は「0:00」）で入力してください。"
            )
        if h > 12:
            raise WarekiError(
                f"{_quote(raw)}は時刻の範囲外です。{ampm}をつける場合は0〜11時で、"
                "または24時間制（例: 「14:00」）で入力してください。"
            )
        if ampm == "午後":
            h += 12
    if h > 23 or m > 59 or s > 59:
        raise WarekiError(
            f"{_quote(raw)}は時刻の範囲外です。0:00〜23:59の範囲で入力してください"
            "（深夜0時は「0:00」）。"
        )
    return time(h, m, s)


def _parse_time_text(raw: str) -> time:
    s = raw.strip()
    if not s:
        raise WarekiError(f"時刻が空です。{_TIME_HINT}")
    if len(s) > _MAX_INPUT_LEN:
        raise WarekiError(f"{_quote(s)}は時刻として長すぎます。{_TIME_HINT}")
    s = "".join(unicodedata.normalize("NFKC", s).split())
    m = _TIME_COLON_RE.fullmatch(s)
    if m:
        return _build_time(m["ampm"], int(m["h"]), int(m["m"]), int(m["s"] or 0), raw)
    m = _TIME_KANJI_RE.fullmatch(s)
    if m:
        minute = 30 if m["half"] else int(m["m"] or 0)
        return _build_time(m["ampm"], int(m["h"]), minute, 0, raw)
    raise WarekiError(f"{_quote(raw)}は時刻として読み取れません。{_TIME_HINT}")


def parse_time(value: object) -> time:
    """Read a time of day from a cell value; raise :class:`WarekiError` otherwise.

    Accepts ``time``, ``datetime`` (its time), Excel day fractions
    (0 <= x < 1, rounded to the minute) and text such as ``9:30``,
    ``09:30:00``, ``9時30分``, ``午後2時`` or ``午前9時半``.
    """
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        return _parse_time_text(value)
    if isinstance(value, datetime):
        try:
            return time(value.hour, value.minute, value.second, value.microsecond)
        except (TypeError, ValueError):  # e.g. pandas.NaT
            raise WarekiError(f"時刻が空です。{_TIME_HINT}") from None
    if _is_number(value):
        try:
            fraction = float(value)
        except (TypeError, ValueError, OverflowError):
            fraction = math.nan
        if not 0 <= fraction < 1:  # also rejects NaN
            raise WarekiError(
                f"数値「{_number_text(value)}」は時刻として読み取れません（Excelの時刻は0以上1未満）。{_TIME_HINT}"
            )
        minutes = min(round(fraction * 1440), 1439)
        return time(minutes // 60, minutes % 60)
    if value is None:
        raise WarekiError(f"時刻が空です。{_TIME_HINT}")
    raise WarekiError(f"この値（{type(value).__name__}型）は時刻として読み取れません。{_TIME_HINT}")


def parse_time_or_none(value: object) -> time | None:
    """Like :func:`parse_time`, but an empty cell gives ``None``."""
    if _is_blank(value):
        return None
    return parse_time(value)
