"""The upgrade job: a workbook made by an earlier template brought up to the current one, in place.

What the current template has and the workbook lacks is added — a sheet with its table (and,
for 集計, its charts and pivot tables), a column at a table's right end with its input rule, a
row of 設定 — and the workbook is marked with the current template version. Nothing staff
typed or drew is touched: values, extra columns, comments, shapes and pictures stay as they
are. The one thing replaced is a 集計 sheet drawn by an older 年度集計: it is the tool's own
output, and the next 年度集計 fills the new one. What was done is recorded in 操作履歴; on a
current workbook the job changes nothing and does not save.
"""

from __future__ import annotations

import datetime as dt

from .core import schema
from .core.errors import HikisupError
from .core.identity import missing_tables, schema_version
from .core.settings import Settings, settings_to_rows
from .engine.protocol import Engine
from .engine.upgrading import Upgradable
from .jobs.result import Result
from .session import record

ACTION = "ブックの更新"


def upgrade(engine: Upgradable, today: dt.date) -> Result:
    """Add what the current template has and the workbook lacks; record it; save."""
    before = schema_version(engine.marker)
    done: list[str] = []
    added_sheets = _add_missing_sheets(engine, done)
    added_columns = _add_missing_columns(engine, added_sheets, done)
    added_settings = _add_missing_settings(engine, done)
    if before != schema.SCHEMA_VERSION:
        engine.set_marker(schema.SCHEMA_VERSION)
    if not done and before == schema.SCHEMA_VERSION:
        return Result(
            "upgrade",
            [f"「{engine.name}」は最新の形式です。変更はありません。"],
            [],
            {"changes": 0},
        )
    old = f"版{before}" if before is not None else "版の記録なし"
    lines = [
        f"「{engine.name}」を最新の形式（版{schema.SCHEMA_VERSION}）に更新しました（{old}から）。",
        *(f"  {line}" for line in done),
        "  入力済みの内容、追加した列、コメント・図形・画像はそのまま残しています。",
    ]
    counts = f"シート{len(added_sheets)}、列{added_columns}、設定{added_settings}"
    record(
        engine,
        ACTION,
        counts,
        f"{old}→版{schema.SCHEMA_VERSION}：" + "、".join(done or ["版の記録を更新"]),
    )
    engine.save()
    return Result("upgrade", lines, [], {"changes": len(done) or 1})


def _add_missing_sheets(engine: Upgradable, done: list[str]) -> list[str]:
    missing = list(
        dict.fromkeys(t.sheet for t in schema.ALL_TABLES if engine.table_headers(t) is None)
    )
    present = engine.sheet_names()
    for sheet in missing:
        if sheet in present:
            if sheet != schema.STATS_SHEET:
                table = next(t.table for t in schema.ALL_TABLES if t.sheet == sheet)
                raise HikisupError(
                    f"シート「{sheet}」はありますが、表（テーブル「{table}」）がありません。"
                    "表を削除・改名していないか確認し、元に戻してから更新してください"
                    "（シート名を変えると、テンプレートのシートを新しく追加します）。"
                )
            engine.remove_sheet(sheet)  # drawn by an older 年度集計: the tool's own output
            done.append(
                f"「{sheet}」シートを新しい形式で作り直しました"
                "（年度集計をもう一度実行すると、表・グラフ・ピボットテーブルが入ります）"
            )
        else:
            done.append(f"「{sheet}」シートを追加しました")
        engine.add_template_sheet(sheet)
    return missing


def _add_missing_columns(engine: Upgradable, new_sheets: list[str], done: list[str]) -> int:
    n = 0
    for spec in schema.ALL_TABLES:
        if spec.sheet in new_sheets:
            continue
        headers = engine.table_headers(spec) or []
        missing = [c for c in spec.columns if c.header not in headers]
        if missing:
            engine.add_columns(spec, missing)
            names = "」「".join(c.header for c in missing)
            done.append(f"「{spec.sheet}」の表の右端に列「{names}」を追加しました")
            n += len(missing)
    return n


def missing_settings(engine: Engine) -> list[tuple[object, ...]]:
    """The 設定 rows of the current template the workbook lacks (with their defaults)."""
    raw = engine.read_table(schema.SETTINGS)
    item = raw.position("item")
    assert item is not None  # read_table refuses a table missing a declared column
    have = {str(r[item]).strip() for r in raw.rows if r[item] is not None}
    return [
        schema.SETTINGS.row(item=label, value=value, note=note)
        for label, value, note in settings_to_rows(Settings())
        if label not in have
    ]


def is_current(engine: Engine, marker: str | None, tables: set[str]) -> bool:
    """True when an upgrade would change nothing: the current version's mark, every table
    with every column, every 設定 row (what the ribbon checks before closing the workbook)."""
    if schema_version(marker) != schema.SCHEMA_VERSION or missing_tables(tables):
        return False
    try:
        for spec in schema.ALL_TABLES:
            engine.read_table(spec)  # refuses a table that lacks a declared column
        return not missing_settings(engine)
    except HikisupError:
        return False


def _add_missing_settings(engine: Upgradable, done: list[str]) -> int:
    rows = missing_settings(engine)
    item = schema.SETTINGS.columns.index(schema.SETTINGS.col("item"))
    if rows:
        engine.append_rows(schema.SETTINGS, rows)
        done.append(f"「設定」に「{'」「'.join(str(r[item]) for r in rows)}」の行を追加しました")
    return len(rows)
