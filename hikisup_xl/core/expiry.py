"""登録期間 → 状態 as of a date, and the worklist of who expires soon."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .book import Book, Period, default_period
from .schema import ENDED_STATES
from .settings import Settings


def registration_state(
    reg_no: str | None,
    period_end: dt.date | None,
    current: str | None,
    as_of: dt.date,
    warn_days: int,
) -> str | None:
    """The 状態 a register row should show on `as_of`.

    辞退 and 取消 are decisions staff record; they are never overwritten. Without an end date
    the current state is kept (check reports the missing period).
    """
    if current in ENDED_STATES:
        return current
    if reg_no is None:
        return "申込中"
    if period_end is None:
        return current or "登録中"
    days_left = (period_end - as_of).days
    if days_left < 0:
        return "期限切れ"
    if days_left <= warn_days:
        return "期限間近"
    return "登録中"


def in_worklist(
    period_end: dt.date | None, state: str | None, as_of: dt.date, warn_days: int
) -> bool:
    """Expiring within the window, or expired within the last window (still to be renewed)."""
    if period_end is None or state in ENDED_STATES:
        return False
    return -warn_days <= (period_end - as_of).days <= warn_days


# A period shorter than this is almost always the 年度末 rule meeting a card issued in March.
SHORT_PERIOD_DAYS = 31


def period_due(
    settings: Settings,
    issued: dt.date | None,
    start: dt.date | None,
    end: dt.date | None,
) -> Period | None:
    """The period the 設定's rule gives a registered row that needs one, else None.

    A row needs one when it has a 登録証交付日 and no period yet, or when a new 登録証 was
    issued after its period ended (a re-registration). A half-typed period is the clerk's to
    finish (check reports it).
    """
    if issued is None:
        return None
    if (start is None and end is None) or (start and end and issued > end):
        return default_period(settings, issued)
    return None


def periods_due(book: Book, numbers: Mapping[int, str]) -> dict[int, Period]:
    """period_due for every active register row with a 登録番号 (`numbers`: ones issued now)."""
    reg = book["register"]
    out: dict[int, Period] = {}
    for i, (no, state) in enumerate(zip(reg.texts("reg_no"), reg.texts("state"), strict=True)):
        if (no is None and i not in numbers) or state in ENDED_STATES:
            continue  # a withdrawn or revoked supporter is given no new period
        due = period_due(
            book.settings,
            reg.dates("issued")[i],
            reg.dates("period_start")[i],
            reg.dates("period_end")[i],
        )
        if due is not None:
            out[i] = due
    return out


def is_short(start: dt.date, end: dt.date) -> bool:
    return (end - start).days + 1 < SHORT_PERIOD_DAYS


def short_period_message(start: dt.date, end: dt.date, settings: Settings) -> str:
    days = (end - start).days + 1
    why = (
        "設定「登録期間の決め方」が「年度末まで」のため、年度末の近くに交付すると短くなります。"
        "「登録期間の年数」を見直すか、登録期間を手で入力してください"
        if settings.period_rule == "年度末まで"
        else "登録期間を確認してください"
    )
    return f"登録期間が{days}日しかありません（{start:%Y/%m/%d}〜{end:%Y/%m/%d}）。{why}"
