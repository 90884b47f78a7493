"""Rules on activity reports (活動報告, 資料9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..book import Book, supporters, why_not_active
from ..issues import WARNING, Issue
from .consent import consents, why_no_consent


def report_times(book: Book) -> Iterator[Issue]:
    r = book["reports"]
    for i, (start, end) in enumerate(zip(r["start"], r["end"], strict=True)):
        if isinstance(start, dt.time) and isinstance(end, dt.time) and end <= start:
            yield r.issue(
                i, "end", "report.time_order", "終了時刻が開始時刻より前（または同じ）です"
            )


def report_eligibility(book: Book) -> Iterator[Issue]:
    """The activity matches its dispatch, by an active supporter, with the 当事者's consent."""
    r = book["reports"]
    d = book["dispatches"]
    dispatch = {
        did: (reg, case, decided)
        for did, reg, case, decided in zip(
            d.texts("dispatch_id"),
            d.texts("reg_no"),
            d.texts("case_id"),
            d.dates("decided"),
            strict=True,
        )
        if did
    }
    people = supporters(book)
    consent = consents(book)
    for i, (did, reg_no, case_id, day, reported) in enumerate(
        zip(
            r.texts("dispatch_id"),
            r.texts("reg_no"),
            r.texts("case_id"),
            r.dates("date"),
            r.dates("reported"),
            strict=True,
        )
    ):
        if day is None:
            continue
        if day > book.today:
            yield r.issue(i, "date", "report.future", "活動日が未来の日付です")
        if reported is not None and reported < day:
            yield r.issue(i, "reported", "report.before_activity", "報告日が活動日より前です")
        link = dispatch.get(did) if did else None
        if link is not None:
            d_reg, d_case, decided = link
            if reg_no and d_reg and reg_no != d_reg:
                yield r.issue(
                    i,
                    "reg_no",
                    "report.other_supporter",
                    f"派遣シートで派遣したサポーター（{d_reg}）と違う登録番号です",
                )
            if case_id and d_case and case_id != d_case:
                yield r.issue(
                    i, "case_id", "report.other_case", f"派遣シートのケースID（{d_case}）と違います"
                )
            if decided and day < decided:
                yield r.issue(
                    i,
                    "date",
                    "report.before_dispatch",
                    f"派遣の決定日（{decided:%Y/%m/%d}）より前の活動です",
                    WARNING,
                )
            case_id = case_id or d_case
        if reg_no and reg_no in people and (why := why_not_active(people[reg_no], day)):
            yield r.issue(
                i, "date", "report.ineligible", f"活動日にこのサポーターは活動できません：{why}"
            )
        if why := why_no_consent(consent, case_id, day):
            yield r.issue(i, "date", "report.no_consent", why)


def report_deadline(book: Book) -> Iterator[Issue]:
    r = book["reports"]
    limit = book.settings.report_deadline_days
    for i, (day, reported) in enumerate(zip(r.dates("date"), r.dates("reported"), strict=True)):
        if day and reported and (late := (reported - day).days) > limit:
            yield r.issue(
                i,
                "reported",
                "report.late",
                f"活動日から {late} 日後の報告です（報告期限：{limit}日以内）",
                WARNING,
            )


def other_details(book: Book) -> Iterator[Issue]:
    """「その他」is chosen with its details written, as the form's その他（　　）asks."""
    r = book["reports"]
    for key, detail, label in (
        ("kind", "kind_other", "活動種別"),
        ("policy", "policy_other", "今後の方針"),
    ):
        for i, (choice, text) in enumerate(zip(r.texts(key), r.texts(detail), strict=True)):
            if choice == "その他" and text is None:
                yield r.issue(
                    i,
                    detail,
                    "report.other_blank",
                    f"{label}が「その他」のときは内容を記入してください",
                    WARNING,
                )
