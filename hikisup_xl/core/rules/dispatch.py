"""Rules on dispatches (派遣) and accidents (事故報告)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..book import Book, supporters, why_not_active
from ..issues import WARNING, Issue
from .consent import Consents, consents, why_no_consent, withdrawn_by

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
        if day is None:
            continue
        is_open = state in OPEN_STATES
        # A decision stays wrong whatever became of the dispatch since (#11); an open one
        # without a 決定日 is checked on its 依頼日.
        checked = day if is_open else decided
        if checked is not None and reg_no is not None and reg_no in people:
            why = why_not_active(people[reg_no], checked)
            if why:
                yield d.issue(
                    i,
                    "reg_no",
                    "dispatch.ineligible",
                    f"このサポーターは {checked:%Y/%m/%d} 時点で派遣できません：{why}",
                )
            elif state == "派遣中" and (late := why_not_active(people[reg_no], book.today)):
                yield d.issue(
                    i,
                    "reg_no",
                    "dispatch.lapsed",
                    f"派遣中ですが、このサポーターは現在活動できません：{late}。"
                    "再登録するか、派遣を「中断」「終了」にしてください",
                )
        if (
            is_open
            and reg_no is not None
            and reg_no in people
            and reconfirm.get(reg_no) == "要確認"
        ):
            yield d.issue(
                i,
                "reg_no",
                "dispatch.not_reconfirmed",
                "このサポーターは名簿の提供を受けたあと、活動の意向をまだ確認していません（登録名簿「意向再確認」）",
                WARNING,
            )
        yield from _consent_gate(book, consent, i, state, decided, day)


def _consent_gate(
    book: Book, consent: Consents, i: int, state: str | None, decided: dt.date | None, day: dt.date
) -> Iterator[Issue]:
    """第11条: decided only with consent on file; never kept open once consent is withdrawn."""
    d = book["dispatches"]
    case_id = d.texts("case_id")[i]
    # A running dispatch needs consent on file on its first day (even without a typed 決定日,
    # reported as dispatch.no_decision). Any other decided dispatch needs the consent received
    # by its 決定日; one still waiting for the 同意書 to arrive is left alone.
    if state == "派遣中":
        checked: dt.date | None = day
    elif decided is not None and consent.get(case_id or "", (None, None))[0] is not None:
        checked = decided
    else:
        checked = None
    if checked is not None and (why := why_no_consent(consent, case_id, checked)):
        yield d.issue(i, "case_id", "dispatch.no_consent", f"派遣できません：{why}")
        return
    if state in OPEN_STATES and (withdrawn := withdrawn_by(consent, case_id, book.today)):
        yield d.issue(
            i,
            "case_id",
            "dispatch.consent_withdrawn",
            f"当事者の同意が {withdrawn:%Y/%m/%d} に撤回されています。"
            "派遣を「中断」または「終了」にしてください（第11条）",
        )


def decision_order(book: Book) -> Iterator[Issue]:
    """A dispatch is decided on or after the day it was requested."""
    d = book["dispatches"]
    for i, (requested, decided) in enumerate(
        zip(d.dates("requested"), d.dates("decided"), strict=True)
    ):
        if requested and decided and decided < requested:
            yield d.issue(i, "decided", "dispatch.decided_early", "決定日が依頼日より前です")


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


def finished_without_reports(book: Book) -> Iterator[Issue]:
    """A dispatch marked 終了 with not one 活動報告 was never carried out (or its reports are lost)."""
    d = book["dispatches"]
    reported = {did for did in book["reports"].texts("dispatch_id") if did}
    for i, (did, state) in enumerate(zip(d.texts("dispatch_id"), d.texts("state"), strict=True)):
        if state == "終了" and did is not None and did not in reported:
            yield d.issue(
                i,
                "state",
                "dispatch.no_reports",
                "終了した派遣ですが活動報告が1件もありません。"
                "活動しないまま終えた派遣なら「中断」にしてください",
                WARNING,
            )


def accidents(book: Book) -> Iterator[Issue]:
    a = book["accidents"]
    for i, (day, reported) in enumerate(zip(a.dates("date"), a.dates("reported"), strict=True)):
        if day and reported and reported < day:
            yield a.issue(i, "reported", "accident.order", "報告日が発生日より前です")
        if day and day > book.today:
            yield a.issue(i, "date", "accident.future", "発生日が未来の日付です")
