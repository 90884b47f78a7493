"""年度集計 and 集約 in the declared shape."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.errors import HikisupError
from ..core.wareki import fiscal_year
from ..engine.protocol import Engine
from ..progress import report as report_progress
from ..session import read_settings, record
from .result import Result


def report(
    engine: Engine,
    today: dt.date,
    fy: int | None = None,
    submit: bool = False,
    out: Path | None = None,
    threshold: int | None = None,
    password: str | None = None,
) -> Result:
    """The 集計 of `fy` (default: the 年度 of `today`); with `out`, the 提出ファイル too.
    `submit` is the ribbon's yes to "make the 提出ファイル?": its dialog gave `out`."""
    from ..stats.report import report as _report

    if submit and out is None:
        raise HikisupError("提出ファイルの保存先が指定されていません。")
    year = fiscal_year(today) if fy is None else fy
    return _report(
        engine,
        today,
        year,
        out=out,
        threshold=threshold,
        password=password or None,
    )


def consolidate(
    engine: Engine | None,
    today: dt.date,
    directory: Path,
    out: Path,
    fy: int | None = None,
    body_name: str = "",
    password: str | None = None,
) -> Result:
    """The prefecture's 集約 of the municipalities' 提出ファイル in `directory`, written to `out`
    (a new file). From the ribbon `engine` is the prefecture's own workbook: its 設定 gives the
    title's name and its 操作履歴 gets the line."""
    from ..files import xlsxout
    from ..stats.consolidate import OK, has_errors, summary_lines
    from ..stats.consolidate import consolidate as _consolidate
    from ..stats.consolidate_book import build_workbook

    xlsxout.refuse_existing(out)
    if engine is not None and not body_name:
        body_name = read_settings(engine)[0].body_name
    steps = [0]  # total = the files + writing; known once the folder is listed

    def on_file(done: int, total: int) -> None:
        steps[0] = total + 1
        # every file on a terminal is cheap; Excel's status bar gets ~100 updates at most
        if done == total or done % max(1, total // 100) == 0:
            report_progress(done, total + 1, f"提出ファイルを読み込んでいます（{done}/{total}件）")

    report_progress(0, 1, "提出ファイルを探しています")
    result = _consolidate(directory, password or None, fy, skip=[out], on_file=on_file)
    try:
        total = max(steps[0], 1)
        report_progress(total - 1, total, "集約を書き出しています")
        wb, streamed = build_workbook(result, body_name, today)
        xlsxout.save_exchange(wb, out, today, None, streamed)
        del wb, streamed
        report_progress(total, total, "完了")
    finally:
        result.close()
    lines = summary_lines(result, out)
    if engine is not None:
        bad = sum(1 for r in result.received if r.status != OK)
        record(
            engine,
            "集約",
            f"{result.label} {len(result.bodies)}実施主体",
            out.name + (f"（対象外・エラー{bad}件）" if bad else ""),
        )
        engine.save()
    return Result(
        "consolidate", lines, [], {"bodies": len(result.bodies)}, failed=has_errors(result)
    )
