"""Rules on the register (登録名簿) and the people in it."""

from __future__ import annotations

from collections.abc import Iterator

from ..book import Book, longest_end
from ..eligibility import RegistrationGate
from ..expiry import is_short, short_period_message
from ..issues import WARNING, Issue
from ..schema import ENDED_STATES
from ..table import ParsedTable
from ..text import name_key


def _duplicates(table: ParsedTable, *, scope_key: str | None = None) -> Iterator[Issue]:
    """Same person twice: name or ふりがな plus birth date, blind to kana script, width, spaces.

    Names and ふりがな share one key space, so a name typed in kana matches another row's ふりがな.
    """
    seen: dict[tuple[object, ...], int] = {}
    names, kanas, births = table.texts("name"), table.texts("kana"), table.dates("birth")
    scopes = table.texts(scope_key) if scope_key else [None] * len(table)
    for i, birth in enumerate(births):
        if birth is None:
            continue
        keys = {(scopes[i], name_key(x), birth) for x in (names[i], kanas[i]) if x}
        match = next((seen[k] for k in keys if k in seen), None)
        if match is not None:
            row = table.raw.row_numbers[match]
            yield table.issue(
                i,
                "name",
                "duplicate.person",
                f"{row}行目と同じ人（氏名またはふりがなと生年月日が一致）が重複しています",
            )
            continue
        for k in keys:
            seen[k] = i


def duplicate_people(book: Book) -> Iterator[Issue]:
    yield from _duplicates(book["register"])
    yield from _duplicates(book["trainees"], scope_key="training_id")


def births_in_the_past(book: Book) -> Iterator[Issue]:
    """A 生年月日 after today is a typing slip (often the wrong 元号)."""
    for key in ("register", "trainees"):
        table = book[key]
        for i, birth in enumerate(table.dates("birth")):
            if birth is not None and birth > book.today:
                yield table.issue(
                    i,
                    "birth",
                    "birth.future",
                    f"生年月日が未来の日付です（{birth:%Y/%m/%d}）。元号や年を確認してください",
                )


def registration_prerequisites(book: Book) -> Iterator[Issue]:
    """第7条: registered only after completing training, consenting, with a 登録証 issued."""
    reg = book["register"]
    gate = RegistrationGate(book)
    for i, no in enumerate(reg.texts("reg_no")):
        if no is None:
            continue
        for refusal in gate.refusals(i):
            yield reg.issue(i, refusal.column, refusal.code, refusal.message)
        if reg.dates("issued")[i] is None:
            yield reg.issue(
                i, "issued", "register.no_card", "登録番号があるのに登録証交付日がありません"
            )


def registration_periods(book: Book) -> Iterator[Issue]:
    """第9条: a period starts no earlier than the 交付日 and stays within N years of it."""
    reg = book["register"]
    settings = book.settings
    for i, (issued, start, end) in enumerate(
        zip(reg.dates("issued"), reg.dates("period_start"), reg.dates("period_end"), strict=True)
    ):
        if reg.texts("reg_no")[i] is None:
            continue
        if (start is None) != (end is None):
            missing = "period_end" if end is None else "period_start"
            yield reg.issue(
                i, missing, "period.incomplete", "登録期間の開始と終了を両方入力してください"
            )
            continue
        if start is None or end is None:
            if reg.texts("state")[i] in ENDED_STATES:
                continue  # withdrawn or revoked: no period is needed any more
            yield reg.issue(
                i,
                "period_start",
                "period.missing",
                "登録番号があるのに登録期間がありません（期間がないと期限切れになりません）。"
                "登録証交付日を入力して「採番」か「期限確認」を実行すると、設定の決め方で入ります",
            )
            continue
        if end < start:
            yield reg.issue(i, "period_end", "period.reversed", "登録期間の終了が開始より前です")
            continue
        if is_short(start, end):
            yield reg.issue(
                i,
                "period_end",
                "period.short",
                short_period_message(start, end, settings),
                WARNING,
            )
        if issued is not None and start < issued:
            yield reg.issue(
                i, "period_start", "period.before_card", "登録期間の開始が登録証交付日より前です"
            )
        base = issued or start
        limit = longest_end(settings, base)
        if end > limit:
            yield reg.issue(
                i,
                "period_end",
                "period.too_long",
                f"登録期間が長すぎます。交付日から{settings.period_years}年を超えない"
                f"{limit:%Y/%m/%d}までにしてください（第9条・設定「登録期間の年数」）",
            )


def withdrawal_consistency(book: Book) -> Iterator[Issue]:
    """第15–16条: a withdrawal or revocation has its date and reason on record."""
    reg = book["register"]
    for i, (state, ended) in enumerate(zip(reg.texts("state"), reg.dates("ended"), strict=True)):
        if state in ENDED_STATES and ended is None:
            yield reg.issue(
                i,
                "ended",
                "withdrawal.no_date",
                f"状態が「{state}」のときは辞退・取消日を入力してください",
            )
        if state in ENDED_STATES and reg.texts("ended_reason")[i] is None:
            yield reg.issue(
                i,
                "ended_reason",
                "withdrawal.no_reason",
                "辞退・取消の理由を記録してください（第15条・第16条）",
                WARNING,
            )
        if ended is not None and state not in ENDED_STATES:
            yield reg.issue(
                i,
                "state",
                "withdrawal.state",
                "辞退・取消日があるのに状態が「辞退」「取消」ではありません",
            )


def contact_present(book: Book) -> Iterator[Issue]:
    reg = book["register"]
    for i, values in enumerate(
        zip(reg.raw.column("phone"), reg.raw.column("mobile"), reg.raw.column("email"), strict=True)
    ):
        if reg.texts("reg_no")[i] and all(v is None or str(v).strip() == "" for v in values):
            yield reg.issue(
                i,
                "phone",
                "contact.missing",
                "連絡先（電話・携帯電話・E-mail）がひとつもありません",
                WARNING,
            )


def change_reasons(book: Book) -> Iterator[Issue]:
    """Every recorded withdrawal or revocation says why (第15条 requires the reason)."""
    changes = book["changes"]
    for i, (item, after, reason) in enumerate(
        zip(changes.texts("item"), changes.texts("after"), changes.texts("reason"), strict=True)
    ):
        if item == "状態" and after in ENDED_STATES and reason is None:
            yield changes.issue(
                i,
                "reason",
                "change.no_reason",
                f"「{after}」への変更の理由を記入してください",
                WARNING,
            )
