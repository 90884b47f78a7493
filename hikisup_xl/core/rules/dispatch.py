"""Rules on dispatches (派遣) and accidents (事故報告)."""

from __future__ import annotations

from collections.abc import Iterator

from ..book import Book, supporters, why_not_active
from ..issues import WARNING, Issue
from .consent import consents, why_no_consent

OPEN_STATES = ("調整中", "派遣中")


def dispatch_eligibility(book: Book) -> Iterator[Issue]:
    """Only a supporter able to act, and only with the 当事者's consent (第10–11条)."""
    d = book["dispatches"]
    people = supporters(book)
    consent = consents(book)
    reg = book["register"]
    reconfirm = dict(zip(reg.texts("reg_no"), reg.texts("reconfirm"), strict=True))
    for i, (state, reg_no, decided, requested) in enumerate(
        zip(
            d.texts("state"),
            d.texts("reg_no"),
            d.dates("decided"),
            d.dates("requested"),
            strict=True,
        )
    ):
        if state == "派遣中" and decided is None:
            yield d.issue(
                i, "decided", "dispatch.no_decision", "派遣中のときは決定日を入力してください"
            )
        if state == "派遣中" and reg_no is None:
            yield d.issue(
                i,
                "reg_no",
                "dispatch.no_supporter",
                "派遣中のときは派遣するサポーターの登録番号を入力してください",
            )
        day = decided or requested
        if day is None or state not in OPEN_STATES:
            continue
        if reg_no is not None and reg_no in people:
            why = why_not_active(people[reg_no], day)
            if why:
                yield d.issue(
                    i,
                    "reg_no",
                    "dispatch.ineligible",
                    f"このサポーターは {day:%Y/%m/%d} 時点で派遣できません：{why}",
                )
            elif state == "派遣中" and (late := why_not_active(people[reg_no], book.today)):
                yield d.issue(
                    i,
                    "reg_no",
                    "dispatch.lapsed",
                    f"派遣中ですが、このサポーターは現在活動できません：{late}",
                    WARNING,
                )
        if reg_no is not None and reg_no in people and reconfirm.get(reg_no) == "要確認":
            yield d.issue(
                i,
                "reg_no",
                "dispatch.not_reconfirmed",
                "このサポーターは名簿の提供を受けたあと、活動の意向をまだ確認していません（登録名簿「意向再確認」）",
                WARNING,
            )
        if state == "派遣中" and (why := why_no_consent(consent, d.texts("case_id")[i], day)):
            yield d.issue(i, "case_id", "dispatch.no_consent", f"派遣できません：{why}")


def missing_reports(book: Book) -> Iterator[Issue]:
    """A running dispatch with no activity report for weeks goes unnoticed otherwise."""
    d = book["dispatches"]
    r = book["reports"]
    last: dict[str, object] = {}
    for did, day in zip(r.texts("dispatch_id"), r.dates("date"), strict=True):
        if did and day and (did not in last or day > last[did]):  # type: ignore[operator]
            last[did] = day
    limit = book.settings.silence_days
    for i, (did, state, decided) in enumerate(
        zip(d.texts("dispatch_id"), d.texts("state"), d.dates("decided"), strict=True)
    ):
        if state != "派遣中" or did is None or decided is None:
            continue
        since = last.get(did, decided)
        days = (book.today - since).days  # type: ignore[operator]
        if days > limit:
            yield d.issue(
                i,
                "state",
                "dispatch.silent",
                f"派遣中ですが {days} 日間活動報告がありません（設定「未報告警告日数」：{limit}日）",
                WARNING,
            )


def accidents(book: Book) -> Iterator[Issue]:
    a = book["accidents"]
    for i, (day, reported) in enumerate(zip(a.dates("date"), a.dates("reported"), strict=True)):
        if day and reported and reported < day:
            yield a.issue(i, "reported", "accident.order", "報告日が発生日より前です")
        if day and day > book.today:
            yield a.issue(i, "date", "accident.future", "発生日が未来の日付です")
