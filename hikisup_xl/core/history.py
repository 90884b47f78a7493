"""Nothing about a supporter changes without a trace (第14–16条).

The register as last seen is kept in a hidden sheet; each action compares the register with
it and records what staff changed by hand in 変更履歴. Every 登録期間 ever given is kept in
登録期間履歴, so a re-registration never erases the previous period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from .book import Book
from .schema import TRACKED_FIELDS

Overrides = Mapping[tuple[int, str], object]


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
    for i in range(len(reg)):
        no = overrides.get((i, "reg_no"), numbers[i])
        if not no or no in out:
            continue
        out[str(no)] = {key: _text(overrides.get((i, key), reg[key][i])) for key in TRACKED_FIELDS}
    return out


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
            if old.get(key, "") != fields.get(key, ""):
                rows.append(
                    (
                        book.today,
                        no,
                        headers[key],
                        old.get(key, ""),
                        fields.get(key, ""),
                        None,
                        user,
                        "自動検出",
                    )
                )
    return rows


def new_periods(book: Book, overrides: Overrides) -> list[tuple[object, ...]]:
    """登録期間履歴 rows for register periods not yet on record (新規 or 再登録)."""
    reg = book["register"]
    hist = book["periods"]
    known: dict[str, set[tuple[dt.date, dt.date]]] = {}
    for no, start, end in zip(
        hist.texts("reg_no"), hist.dates("period_start"), hist.dates("period_end"), strict=True
    ):
        if no and start and end:
            known.setdefault(no, set()).add((start, end))
    rows: list[tuple[object, ...]] = []
    for i in range(len(reg)):
        reg_no = overrides.get((i, "reg_no"), reg["reg_no"][i])
        first = overrides.get((i, "period_start"), reg["period_start"][i])
        last = overrides.get((i, "period_end"), reg["period_end"][i])
        if not reg_no or not isinstance(first, dt.date) or not isinstance(last, dt.date):
            continue
        periods = known.setdefault(str(reg_no), set())
        start, end = first, last
        if (start, end) in periods:
            continue
        kind = "再登録" if periods else "新規"
        periods.add((start, end))
        rows.append((reg_no, kind, reg["issued"][i], start, end, book.today))
    return rows
