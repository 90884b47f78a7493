"""The whole workbook as typed data, and the facts several rules and actions need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from . import schema
from .issues import Issue
from .schema import ENDED_STATES, TableSpec
from .settings import Settings
from .table import ParsedTable, RawTable, parse_table
from .wareki import add_years, fiscal_year_end

Period = tuple[dt.date, dt.date]


@dataclass(slots=True)
class Book:
    settings: Settings
    tables: dict[str, ParsedTable]
    today: dt.date

    def __getitem__(self, key: str) -> ParsedTable:
        try:
            return self.tables[key]
        except KeyError:  # a programming error: the job did not declare the table
            raise KeyError(f"table {key!r} was not read: add it to the job's tables") from None

    @property
    def parse_issues(self) -> list[Issue]:
        """Every bad cell of the tables read (types every column not yet typed)."""
        return [i for table in self.tables.values() for i in table.parse_issues()]


DATA_TABLES: tuple[TableSpec, ...] = tuple(
    t for t in schema.TABLES if not t.generated and t is not schema.SETTINGS
)


def load_book(
    read: Callable[[TableSpec], RawTable],
    settings: Settings,
    today: dt.date,
    specs: tuple[TableSpec, ...] | None = None,
) -> Book:
    """Read every data table (or `specs`); columns are typed on first use, and bad cells
    become Book.parse_issues."""
    tables = {spec.key: parse_table(read(spec)) for spec in specs or DATA_TABLES}
    return Book(settings, tables, today)


@dataclass(slots=True)
class Supporter:
    reg_no: str
    index: int  # row index in the register
    periods: list[Period]
    ended: dt.date | None  # 辞退・取消日
    state: str | None


def supporters(book: Book) -> dict[str, Supporter]:
    """Registered supporters by 登録番号, with every period on record (current and past)."""
    reg = book["register"]
    out: dict[str, Supporter] = {}
    for i, no in enumerate(reg.texts("reg_no")):
        if no is None or no in out:
            continue
        start, end = reg.dates("period_start")[i], reg.dates("period_end")[i]
        periods = [(start, end)] if start and end else []
        state = reg.texts("state")[i]
        out[no] = Supporter(no, i, periods, reg.dates("ended")[i], state)
    if "periods" in book.tables:
        hist = book["periods"]
        issued = reg.dates("issued")
        for no, card, start, end in zip(
            hist.texts("reg_no"),
            hist.dates("issued"),
            hist.dates("period_start"),
            hist.dates("period_end"),
            strict=True,
        ):
            s = out.get(no) if no else None
            if s is None or start is None or end is None:
                continue
            earlier = earlier_part((card, start, end), issued[s.index], s.periods[:1])
            if earlier is not None and earlier not in s.periods:
                s.periods.append(earlier)
    return out


def earlier_part(
    recorded: tuple[dt.date | None, dt.date, dt.date],
    issued: dt.date | None,
    current: list[Period],
) -> Period | None:
    """What a 登録期間履歴 row still proves once the register shows the current period.

    The register's period is the truth from its start on. A recorded period with the same
    登録証交付日 is an earlier version of the current one (a correction replaces it); one that
    started earlier counts only up to the day before the current period starts.
    """
    card, start, end = recorded
    if not current:
        return start, end
    now_start = current[0][0]
    if (card is not None and card == issued) or start >= now_start:
        return None
    return start, min(end, now_start - dt.timedelta(days=1))


def why_not_active(s: Supporter | None, day: dt.date) -> str | None:
    """None when the supporter may act on `day`, else the reason in Japanese."""
    if s is None:
        return "登録名簿にない登録番号です"
    if s.ended is not None and s.ended <= day:
        return f"{s.ended:%Y/%m/%d} に辞退・取消されています"
    if s.ended is None and s.state in ENDED_STATES:
        return f"状態が「{s.state}」です"
    if not s.periods:
        return "登録期間が入力されていません"
    if not any(start <= day <= end for start, end in s.periods):
        return "登録期間外です"
    return None


def default_period(settings: Settings, issued: dt.date) -> Period:
    """The 登録期間 the rule in 設定 gives a 登録証 issued on `issued`."""
    if settings.period_rule == "年度末まで":
        return issued, fiscal_year_end(add_years(issued, settings.period_years - 1))
    if settings.period_rule == "指定日まで" and settings.period_fixed_end is not None:
        return issued, settings.period_fixed_end
    return issued, add_years(issued, settings.period_years) - dt.timedelta(days=1)


def longest_end(settings: Settings, issued: dt.date) -> dt.date:
    """第9条: a period may not run N years or more from the 交付日."""
    return add_years(issued, settings.period_years) - dt.timedelta(days=1)
