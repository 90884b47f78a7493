"""登録期間 → 状態 as of a date, and the worklist of who expires soon."""

from __future__ import annotations

import datetime as dt

from .schema import ENDED_STATES


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
