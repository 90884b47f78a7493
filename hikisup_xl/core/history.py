"""Nothing about a supporter changes without a trace (第14–16条).

The register as last seen is kept in a hidden sheet; each action compares the register with
it and records what staff changed by hand in 変更履歴. Every 登録期間 ever given is kept in
登録期間履歴, so a re-registration never erases the previous period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from .book import Book
from .schema import CHANGES, PERIODS, REGISTER, TRACKED_FIELDS, Kind
from .table import PARSERS, as_text

Overrides = Mapping[tuple[int, str], object]

# Tracked fields the snapshot keeps as the cell's text, not typed. Typing a phone number takes
# phonenumbers (its import and its patterns: about a quarter of the calamine floor for a municipal
# job, which every job paid here), and its typed value follows from that text alone: two equal
# texts type the same, so only a text that differs from the snapshot's is typed, to decide
# whether the change is real and to word it. A snapshot written before keeps the typed value;
# typing that value gives it back (tests/test_history_as_typed.py), so it compares the same.
AS_TYPED: frozenset[str] = frozenset(
    key for key in TRACKED_FIELDS if REGISTER.col(key).kind is Kind.PHONE
)


def cell_text(cell: object) -> str:
    """What the snapshot keeps of an AS_TYPED cell: its text as the parser reads it; "" for a
    blank cell or a number (a phone number stored as a number lost its leading 0: it types as
    nothing, whatever its digits)."""
    if isinstance(cell, int | float):
        return ""
    return as_text(cell) or ""


def typed_text(key: str, kept: str) -> str:
    """The typed value, as text, of an AS_TYPED field the snapshot kept as `kept`."""
    if not kept:
        return ""
    col = REGISTER.col(key)
    try:
        value = PARSERS[col.kind](col, kept)[0]
    except Exception:  # as the column's own typing: a parser bug reads as no value
        value = None
    return _text(value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def current_values(book: Book, overrides: Overrides) -> dict[str, dict[str, str]]:
    """Tracked fields by 登録番号, with the action's own writes (`overrides`) applied."""
    reg = book["register"]
    out: dict[str, dict[str, str]] = {}
    numbers = reg.texts("reg_no")
    typed = [key for key in TRACKED_FIELDS if key not in AS_TYPED]
    as_typed = {key: reg.raw.column(key) for key in TRACKED_FIELDS if key in AS_TYPED}
    for i in range(len(reg)):
        no = overrides.get((i, "reg_no"), numbers[i])
        if not no or no in out:
            continue
        fields = {key: _text(overrides.get((i, key), reg[key][i])) for key in typed}
        for key, cells in as_typed.items():
            fields[key] = cell_text(overrides.get((i, key), cells[i]))
        out[str(no)] = fields  # every tracked field (snapshot_rows sorts the keys)
    return out


def _differ(key: str, before: str, now: str) -> tuple[str, str] | None:
    """The field's typed values before and now when they differ, else None."""
    if before == now:
        return None
    if key in AS_TYPED:
        before, now = typed_text(key, before), typed_text(key, now)
        if before == now:
            return None
    return before, now


def snapshot_rows(values: Mapping[str, Mapping[str, str]]) -> list[tuple[str, str]]:
    return [
        (no, json.dumps(fields, ensure_ascii=False, sort_keys=True))
        for no, fields in values.items()
    ]


def parse_snapshot(rows: list[tuple[object, ...]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        if len(row) < 2 or not row[0] or not isinstance(row[1], str):
            continue
        try:
            fields = json.loads(row[1])
        except ValueError:
            continue  # a damaged row only costs one comparison, never the action
        if isinstance(fields, dict):
            out[str(row[0])] = {str(k): str(v) for k, v in fields.items()}
    return out


def hand_changes(
    book: Book,
    before: Mapping[str, Mapping[str, str]],
    now: Mapping[str, Mapping[str, str]],
    user: str,
) -> list[tuple[object, ...]]:
    """変更履歴 rows for every tracked field that differs from the snapshot."""
    headers = {key: book["register"].spec.col(key).header for key in TRACKED_FIELDS}
    rows: list[tuple[object, ...]] = []
    for no, fields in now.items():
        old = before.get(no)
        if old is None:
            continue  # a new registration is recorded by 登録期間履歴 and 操作履歴
        for key in TRACKED_FIELDS:
            differ = _differ(key, old.get(key, ""), fields.get(key, ""))
            if differ is not None:
                rows.append(
                    CHANGES.row(
                        date=book.today,
                        reg_no=no,
                        item=headers[key],
                        before=differ[0],
                        after=differ[1],
                        by=user,
                        source="自動検出",
                    )
                )
    return rows


# 変更履歴「項目」for the records the tool writes itself (not a register column).
PERIOD_CORRECTION = "登録期間の訂正"
ROW_DELETED = "行の削除"


@dataclass
class PeriodRecords:
    """What an action adds to or corrects in 登録期間履歴, and the 変更履歴 rows that say so."""

    appended: list[tuple[object, ...]] = field(default_factory=list)  # PERIODS.row(...)
    corrected: dict[int, tuple[dt.date | None, dt.date, dt.date]] = field(default_factory=dict)
    changes: list[tuple[object, ...]] = field(default_factory=list)


@dataclass
class _Recorded:
    index: int | None  # row in 登録期間履歴; None for a row appended by this action
    issued: dt.date | None
    start: dt.date
    end: dt.date


def is_re_registration(recorded: _Recorded, issued: dt.date | None, start: dt.date) -> bool:
    """A new 登録証 (another 交付日) or a period starting after the recorded one ended.

    Anything else — the same 交付日 with the start or end of the period changed — is a
    correction of the current period (README「登録期間の訂正と再登録」).
    """
    new_card = issued is not None and recorded.issued is not None and issued != recorded.issued
    return new_card or start > recorded.end


def period_records(book: Book, overrides: Overrides, user: str) -> PeriodRecords:
    """新規 and 再登録 periods to append; corrections replace the recorded period in place."""
    reg = book["register"]
    hist = book["periods"]
    known: dict[str, list[_Recorded]] = {}
    for j, (no, card, first, last) in enumerate(
        zip(
            hist.texts("reg_no"),
            hist.dates("issued"),
            hist.dates("period_start"),
            hist.dates("period_end"),
            strict=True,
        )
    ):
        if no and first and last:
            known.setdefault(no, []).append(_Recorded(j, card, first, last))
    out = PeriodRecords()
    seen: set[str] = set()
    for i in range(len(reg)):
        reg_no = overrides.get((i, "reg_no"), reg["reg_no"][i])
        issued = overrides.get((i, "issued"), reg["issued"][i])
        start = overrides.get((i, "period_start"), reg["period_start"][i])
        end = overrides.get((i, "period_end"), reg["period_end"][i])
        if not reg_no or not isinstance(start, dt.date) or not isinstance(end, dt.date):
            continue
        no = str(reg_no)
        if no in seen:
            continue  # a duplicated 登録番号 is reported by check, never recorded as 再登録
        seen.add(no)
        card = issued if isinstance(issued, dt.date) else None
        periods = known.setdefault(no, [])
        if any((p.start, p.end) == (start, end) for p in periods):
            continue
        latest = max(periods, key=lambda p: p.start, default=None)
        if latest is None or is_re_registration(latest, card, start):
            kind = "再登録" if latest is not None else "新規"
            periods.append(_Recorded(None, card, start, end))
            out.appended.append(
                PERIODS.row(
                    reg_no=no,
                    kind=kind,
                    issued=issued,
                    period_start=start,
                    period_end=end,
                    recorded=book.today,
                )
            )
            continue
        if latest.index is not None:
            out.corrected[latest.index] = (card or latest.issued, start, end)
        out.changes.append(
            CHANGES.row(
                date=book.today,
                reg_no=no,
                item=PERIOD_CORRECTION,
                before=f"{latest.start:%Y/%m/%d}〜{latest.end:%Y/%m/%d}",
                after=f"{start:%Y/%m/%d}〜{end:%Y/%m/%d}",
                reason="登録期間を訂正しました（登録期間履歴の期間を置き換えました）",
                by=user,
                source="自動検出",
            )
        )
        latest.start, latest.end = start, end
    return out


def deleted_rows(
    book: Book,
    before: Mapping[str, Mapping[str, str]],
    now: Mapping[str, Mapping[str, str]],
    user: str,
) -> list[tuple[object, ...]]:
    """変更履歴 rows for registered supporters whose register row is gone since the last action.

    A row still there under a number typed over the old one says so: 登録番号 never change.
    """
    appeared = {
        (fields.get("name"), fields.get("birth")): no
        for no, fields in now.items()
        if no not in before
    }
    rows: list[tuple[object, ...]] = []
    for no, fields in before.items():
        if no in now:
            continue
        who = fields.get("name", "")
        if fields.get("kana"):
            who += f"（{fields['kana']}）"
        renumbered = appeared.get((fields.get("name"), fields.get("birth")))
        reason = (
            f"登録番号が「{renumbered}」に書き換えられました。登録番号は変えないでください"
            if renumbered
            else "登録名簿から行が削除されました（登録番号は再利用しません）"
        )
        rows.append(
            CHANGES.row(
                date=book.today,
                reg_no=no,
                item=ROW_DELETED,
                before=who,
                after=renumbered or "",
                reason=reason,
                by=user,
                source="自動検出",
            )
        )
    return rows
