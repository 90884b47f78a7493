"""ボランティア活動保険: bought per 年度 (4/1-3/31); a supporter acts only in a 年度 they are
insured for. Read from the 保険加入 table; used by check, 派遣候補, 期限確認 and 年度集計."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .book import Book
from .wareki import WarekiError, fiscal_year, fiscal_year_label, parse_fy

# 期限確認 lists who is not yet insured for the new 年度 from 3/1 until 4/30.
WINDOW_FIRST = (3, 1)
WINDOW_LAST = (4, 30)


@dataclass(slots=True)
class Insurance:
    """Who is insured for which 年度, and the 保険加入 rows whose 年度 could not be read."""

    years: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    unreadable: dict[int, str] = field(default_factory=dict)  # row index -> message

    def covers(self, reg_no: str | None, day: dt.date) -> bool:
        return reg_no is not None and fiscal_year(day) in self.years.get(reg_no, set())

    def insured(self, fy: int) -> set[str]:
        """登録番号 insured for `fy`."""
        return {no for no, years in self.years.items() if fy in years}


def insurance(book: Book) -> Insurance:
    """Every 保険加入 row, by 登録番号. A workbook without the table (read for a job that did
    not ask for it) insures nobody."""
    out = Insurance()
    if "insurance" not in book.tables:
        return out
    table = book["insurance"]
    for i, (no, fy) in enumerate(zip(table.texts("reg_no"), table["fy"], strict=True)):
        if fy is None:
            continue
        try:
            year = parse_fy(fy)
        except WarekiError as exc:
            out.unreadable[i] = str(exc)
            continue
        if no is not None:
            out.years[no].add(year)
    return out


def uninsured(day: dt.date) -> str:
    """Why a supporter may not act on `day` for want of insurance, in the clerk's words."""
    return f"{fiscal_year_label(fiscal_year(day))}のボランティア活動保険の加入が「保険加入」シートにありません"


def renewal_year(today: dt.date) -> int | None:
    """The new 年度 whose insurance 期限確認 asks about on `today` (3/1-4/30), else None."""
    if WINDOW_FIRST <= (today.month, today.day) <= WINDOW_LAST:
        return today.year  # March: the 年度 starting next month; April: the one just started
    return None
