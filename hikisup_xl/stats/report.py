"""The report action: the 集計 of a 年度 into the workbook, and optionally the upward file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..actions import Result
from ..core import schema
from ..core.errors import HikisupError
from ..core.wareki import to_wareki
from ..engine import safety
from ..engine.files import FileEngine
from ..exchange import xlsxout
from ..session import Session
from .compute import SUMMARY, compute, tidy_rows
from .sheet import View, add_report_pivots, write_stats_sheet
from .suppress import suppress, suppressed_count
from .upward import build_upward


def report(
    engine: FileEngine,
    today: dt.date,
    fy: int,
    *,
    out: Path | None = None,
    threshold: int | None = None,
    password: str | None = None,
) -> Result:
    """Write 集計, 集計データ and 活動集計 into the workbook; with `out`, the upward file too."""
    if out is not None:
        xlsxout.refuse_existing(out)
        safety.refuse_if_open(engine.output)  # checked before anything is written
    s = Session(engine, today)
    if threshold is None:  # the 設定 sheet's 秘匿基準 unless the command says otherwise
        threshold = s.settings.suppress_below
    if threshold < 0:
        raise HikisupError("--suppress には0以上の数を指定してください。")
    stats = compute(s.book, fy, today)
    if stats.as_of < stats.start:
        raise HikisupError(
            f"{stats.label}はまだ始まっていません（{to_wareki(stats.start)}から）。--fy を確認してください。"
        )
    settings = s.settings
    engine.replace_rows(schema.STATS, tidy_rows(stats.label, stats.figures))
    engine.replace_rows(schema.ACTIVITY, stats.activities)
    wb = engine.wb
    index = wb.sheetnames.index(schema.STATS.sheet)
    view = View(
        settings.body_name,
        stats.label,
        stats.start,
        stats.end,
        stats.as_of,
        stats.months,
        stats.kinds,
        stats.figures,
    )
    ws, free = write_stats_sheet(wb, view, index=index)
    states = [v for v in s.book["register"].texts("state") if v]
    kinds_seen = [k for k in stats.kinds if any(r[3] == k for r in stats.activities)]
    months_seen = sorted({str(r[1]) for r in stats.activities})
    add_report_pivots(wb, ws, free, kinds_seen, months_seen, states)

    lines = [
        f"{stats.label}の集計を「{schema.STATS_SHEET}」シートに作りました（基準日 {to_wareki(stats.as_of)}）。"
    ]
    total = stats.value(SUMMARY, "活動延べ回数")
    lines.append(
        f"  活動延べ回数 {total}回、派遣依頼 {stats.value(SUMMARY, '派遣依頼件数')}件、"
        f"3月31日時点の登録者 {stats.value(SUMMARY, '3月31日時点の登録者数')}人"
    )
    for what, n in sorted(stats.left_out.items()):
        lines.append(f"  [注意] {what}：{n}件（hikisup check で確認してください）")
    result = "集計シートを作成"
    if out is not None:
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
        with safety.staged_output(out, workbook=engine.output) as staged:
            xlsxout.save_exchange(upward, staged, today, password)
            s.finish("年度集計", f"{stats.label}（活動{total}回）", result)
    else:
        s.finish("年度集計", f"{stats.label}（活動{total}回）", result)
    return Result("report", lines, [], {"activities": int(total or 0)})
