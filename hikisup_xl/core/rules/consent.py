"""第11条: a dispatch presupposes the 当事者's (or family's) consent, on file and not withdrawn."""

from __future__ import annotations

import datetime as dt

from ..book import Book

Consents = dict[str, tuple[dt.date | None, dt.date | None]]


def consents(book: Book) -> Consents:
    cases = book["cases"]
    return {
        cid: (given, withdrawn)
        for cid, given, withdrawn in zip(
            cases.texts("case_id"), cases.dates("consent"), cases.dates("withdrawn"), strict=True
        )
        if cid
    }


def why_no_consent(table: Consents, case_id: str | None, day: dt.date) -> str | None:
    """None when consent covers `day`; otherwise the reason (unknown case IDs are reported elsewhere)."""
    if case_id is None or case_id not in table:
        return None
    given, withdrawn = table[case_id]
    if given is None:
        return "当事者の同意書（資料8）の受領日が当事者シートに入力されていません"
    if given > day:
        return f"当事者の同意（{given:%Y/%m/%d} 受領）より前の日付です"
    if withdrawn is not None and withdrawn <= day:
        return f"当事者の同意は {withdrawn:%Y/%m/%d} に撤回されています"
    return None


def withdrawn_by(table: Consents, case_id: str | None, day: dt.date) -> dt.date | None:
    """The 同意撤回日 when the case's consent was withdrawn on or before `day`, else None."""
    if case_id is None or case_id not in table:
        return None
    withdrawn = table[case_id][1]
    return withdrawn if withdrawn is not None and withdrawn <= day else None
