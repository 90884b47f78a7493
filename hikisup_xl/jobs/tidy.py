"""整える (#13): what clerks type in several ways, rewritten in place where the normal form is
beyond doubt (core/tidy.py), every change in 変更履歴; フリガナ left blank filled from the
reading the IME kept with the name (engine read_readings)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection

from ..core import schema
from ..core.schema import TableSpec
from ..core.table import RawTable
from ..core.tidy import TIDY_TABLES, Change, blank_rows, describe, fill_readings, tidy_table
from ..engine.protocol import Engine
from ..session import Session
from .result import Result

ACTION = "整える"
SHOWN = 30  # changes listed on screen (変更履歴 has them all)
# Tables whose 氏名 carries the IME's reading, and where its フリガナ goes.
READING_TABLES = ("register", "trainees")


def plan(
    read_table: Callable[[TableSpec], RawTable],
    read_readings: Callable[[RawTable, str, Collection[int] | None], dict[int, str]],
) -> list[Change]:
    """Every change 整える would make, table by table, without writing anything."""
    changes: list[Change] = []
    for key in TIDY_TABLES:
        raw = read_table(schema.BY_KEY[key])
        changes += tidy_table(raw)
        if key in READING_TABLES:
            blank = blank_rows(raw, "kana")  # only these can take a reading
            readings = read_readings(raw, "name", blank) if blank else {}
            changes += fill_readings(raw, "name", "kana", readings)
    # Row by row, as a clerk reads the sheets.
    order = {key: n for n, key in enumerate(TIDY_TABLES)}
    return sorted(
        changes,
        key=lambda c: (order[c.table], c.index, schema.BY_KEY[c.table].column_number(c.key)),
    )


def where(raw: RawTable, change: Change) -> str:
    """「登録名簿 5行目「電話」」: where a change is, as a clerk finds it."""
    header = raw.spec.col(change.key).header
    return f"{raw.spec.sheet} {raw.row_numbers[change.index]}行目「{header}」"


def _history_row(s: Session, c: Change, place: str, today: dt.date) -> tuple[object, ...]:
    """One 変更履歴 row: the supporter's number where the sheet names one, the column (with
    its sheet when not the register's), old and new, and where it was."""
    table = s.book[c.table]
    spec = table.spec
    numbered = any(col.key == "reg_no" for col in spec.columns)
    reg_no = table.texts("reg_no")[c.index] if numbered else None
    if c.key == "reg_no":
        reg_no = str(c.after)
    header = spec.col(c.key).header
    return schema.CHANGES.row(
        date=today,
        reg_no=reg_no,
        item=header if spec is schema.REGISTER else f"{spec.sheet}・{header}",
        before=describe(c.before),
        after=describe(c.after),
        reason=f"{ACTION}：{c.reason}（{place}）",
        by=s.user,
        source="自動検出",
    )


def tidy(engine: Engine, today: dt.date, dry_run: bool = False) -> Result:
    s = Session(engine, today, tables=TIDY_TABLES)  # never the history, results or settings
    changes = plan(lambda spec: s.book[spec.key].raw, engine.read_readings)
    lines: list[str] = []
    history: list[tuple[object, ...]] = []
    for c in changes:
        raw = s.book[c.table].raw
        place = where(raw, c)
        lines.append(f"  {place}：「{describe(c.before)}」→「{describe(c.after)}」（{c.reason}）")
        if dry_run:
            continue
        s.set(c.table, c.index, c.key, c.after, logged=True)
        history.append(_history_row(s, c, place, today))
    by_reason = Counter(c.reason for c in changes)
    summary = "、".join(f"{r}{n}件" for r, n in by_reason.most_common()) or "なし"
    shown = lines[:SHOWN] + ([f"  …ほか{len(lines) - SHOWN}件"] if len(lines) > SHOWN else [])
    counts = {"changes": len(changes)}
    if dry_run:
        head = f"整える（確認のみ・ブックは変更していません）：{len(changes)}件（{summary}）"
        return Result("tidy", [head, *shown], counts=counts)
    s.add_changes(history)
    s.finish(ACTION, f"{len(changes)}件（{summary}）", "完了" if changes else "整えるものなし")
    head = f"整えました：{len(changes)}件（{summary}）。変更前の値は「変更履歴」にあります。"
    if not changes:
        head = "整えるものはありませんでした（読み取れない値は「チェック」で確認してください）。"
    return Result("tidy", [head, *shown], counts=counts)
