"""The report action: the 集計 of a 年度 into the workbook, and optionally the upward file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core import schema
from ..core.errors import HikisupError
from ..core.wareki import to_wareki
from ..engine import safety
from ..engine.protocol import Engine
from ..jobs.result import Result
from ..session import Session
from .compute import SUMMARY, compute, tidy_rows
from .history import supporter_years
from .summary import summary_rows

# The data tables the 集計 and サポーター別 are made of (the session adds 登録期間履歴): a big
# workbook's other sheets (当事者, 変更履歴, 事故報告...) are never read.
REPORT_TABLES = (
    "trainings",
    "trainees",
    "register",
    "insurance",
    "dispatches",
    "reports",
    "followup",
)


def report(
    engine: Engine,
    today: dt.date,
    fy: int,
    *,
    out: Path | None = None,
    threshold: int | None = None,
    password: str | None = None,
) -> Result:
    """Write 集計, 集計データ, 活動集計 and サポーター別 into the workbook; with `out`, the upward
    file too (never サポーター別: it names people).

    Only table rows are written, through the Engine (a file or live Excel): the 集計 sheet's
    charts and pivot tables come with the template and follow the tables.
    """
    workbook = _workbook_path(engine)
    if out is not None:
        safety.refuse_existing_output(out)
        if workbook is not None:
            safety.refuse_if_open(workbook)  # checked before anything is written
    s = Session(engine, today, tables=REPORT_TABLES)
    if threshold is None:  # the 設定 sheet's 秘匿基準 unless the command says otherwise
        threshold = s.settings.suppress_below
    if threshold < 0:
        raise HikisupError("--suppress には0以上の数を指定してください。")
    stats = compute(s.book, fy, today)
    if stats.as_of < stats.start:
        raise HikisupError(
            f"{stats.label}はまだ始まっていません（{to_wareki(stats.start)}から）。--fy を確認してください。"
        )
    tables = summary_rows(stats, s.settings.body_name)
    settings = s.settings
    engine.replace_rows(schema.STATS, tidy_rows(stats.label, stats.figures))
    engine.replace_rows(schema.ACTIVITY, stats.activities)
    for spec in schema.SUMMARY_TABLES:  # the 集計 sheet: its charts and pivots are the template's
        engine.replace_rows(spec, tables[spec.key])
    engine.refresh_pivots(schema.STATS_SHEET)
    # サポーター別 names people: written here, never into the upward file below.
    history = supporter_years(s.book, fy, today)
    engine.replace_rows(schema.SUPPORTER_YEARS, history)
    engine.refresh_pivots(schema.SUPPORTER_YEARS.sheet)

    lines = [
        f"{stats.label}の集計を「{schema.STATS_SHEET}」シートに作りました（基準日 {to_wareki(stats.as_of)}）。"
    ]
    total = stats.value(SUMMARY, "活動延べ回数")
    lines.append(
        f"  活動延べ回数 {total}回、派遣依頼 {stats.value(SUMMARY, '派遣依頼件数')}件、"
        f"3月31日時点の登録者 {stats.value(SUMMARY, '3月31日時点の登録者数')}人"
    )
    fy_at = schema.SUPPORTER_YEARS.column_number("fy") - 1
    this_year = sum(1 for r in history if r[fy_at] == stats.label)
    lines.append(
        f"  「{schema.SUPPORTER_YEARS.sheet}」シートにサポーター{this_year}人の{stats.label}の活動"
        f"（と前の年度の活動）を書きました（{len(history)}行）。このシートは提出ファイルには入りません。"
    )
    for what, n in sorted(stats.left_out.items()):
        lines.append(f"  [注意] {what}：{n}件（hikisup check で確認してください）")
    result = "集計シートを作成"
    if out is not None:
        # Only the upward file needs openpyxl and the suppression's linear programs (scipy).
        from ..files import xlsxout
        from .suppress import suppress, suppressed_count
        from .upward import build_upward

        figures = suppress(stats.figures, threshold)
        upward = build_upward(
            stats,
            figures,
            threshold,
            body=settings.body_name,
            body_kind=settings.body_kind,
            department=settings.department,
            source=engine.name,
            created=today,
        )
        hidden = suppressed_count(figures)
        locked = "（パスワードで暗号化）" if password else ""
        lines.append(f"  提出用ファイルを書き出しました：{out}{locked}（秘匿したセル {hidden}個）")
        result += f"、提出用 {out.name}{locked}（秘匿{hidden}）"
        # The upward file exists only once 操作履歴 records it (safety.staged_output).
        with safety.staged_output(out, workbook=workbook) as staged:
            xlsxout.save_exchange(upward, staged, today, password)
            s.finish("年度集計", f"{stats.label}（活動{total}回）", result)
    else:
        s.finish("年度集計", f"{stats.label}（活動{total}回）", result)
    return Result("report", lines, [], {"activities": int(total or 0)})


def _workbook_path(engine: Engine) -> Path | None:
    """The file a file engine saves to (None in live Excel, where Excel owns the workbook)."""
    output = getattr(engine, "output", None)
    return output if isinstance(output, Path) else None
