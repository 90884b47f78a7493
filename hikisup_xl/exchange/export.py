"""The export-roster action: a roster for the other office, built from the allowlist only.

Only the 登録名簿 table and the 設定 are read; 当事者, 派遣 and 活動報告 are never touched. The
export is recorded in 操作履歴 of the source workbook.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import schema
from ..core.grid import BELOW_HEADER
from ..core.table import parse_table
from ..core.wareki import to_wareki
from ..engine import safety
from ..engine.protocol import Engine
from ..files import xlsxout
from ..files.fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    KIND_ROSTER,
    M_BODY,
    M_BODY_KIND,
    M_CHECKSUM,
    M_COLUMNS,
    M_CREATED,
    M_DEPARTMENT,
    M_FORMAT,
    M_KIND,
    M_ROWS,
    M_SOURCE,
    M_VERSION,
    ROSTER_SHEET,
    ROSTER_TABLE,
    checksum,
)
from ..jobs.result import Result
from ..progress import report
from ..session import read_settings, record
from .allowlist import ROSTER_KEYS
from .roster import RosterRows, select_roster

if TYPE_CHECKING:  # the workbook a files-layer writer saves; no openpyxl at run time
    from openpyxl import Workbook


def build_roster_workbook(
    roster: RosterRows, body: str, body_kind: str, department: str, source: str, today: dt.date
) -> Workbook:
    """The export as an openpyxl Workbook (nothing but the roster and its manifest)."""
    wb = xlsxout.new_workbook(KIND_ROSTER, f"{body} ひきこもりサポーター名簿", today)
    ws = wb.create_sheet(ROSTER_SHEET)
    columns = [schema.REGISTER.col(k) for k in ROSTER_KEYS]
    xlsxout.add_table(ws, ROSTER_TABLE, columns, roster.rows)
    ws.freeze_panes = BELOW_HEADER
    xlsxout.print_landscape(ws)
    xlsxout.add_manifest(
        wb,
        [
            (M_FORMAT, FORMAT_NAME),
            (M_VERSION, FORMAT_VERSION),
            (M_KIND, KIND_ROSTER),
            (M_BODY, body),
            (M_BODY_KIND, body_kind),
            (M_DEPARTMENT, department),
            (M_CREATED, today),
            (M_SOURCE, source),
            (M_ROWS, str(len(roster.rows))),
            ("件数", roster.summary()),
            (M_COLUMNS, "、".join(roster.headers)),
            (M_CHECKSUM, checksum(roster.headers, roster.rows)),
            (
                "注意",
                "サポーター本人が同意書（資料5）で提供に同意した項目だけを載せています。"
                "受け取った実施主体は、名簿に載った人の活動の意向を再確認してください"
                "（ひきこもり対策推進事業実施要領 4(4)ウ(ア)）。",
            ),
        ],
    )
    wb.active = 0
    return wb


def export_roster(engine: Engine, today: dt.date, out: Path, password: str | None = None) -> Result:
    xlsxout.refuse_existing(out)
    report(0, 4, "ブックを読み込んでいます")
    settings, _ = read_settings(engine)
    register = parse_table(engine.read_table(schema.REGISTER))
    report(1, 4, "名簿を作っています")
    roster = select_roster(register, today)
    wb = build_roster_workbook(
        roster, settings.body_name, settings.body_kind, settings.department, engine.name, today
    )
    locked = "（パスワードで暗号化）" if password else ""
    # The roster exists only once the workbook's 操作履歴 records it (safety.staged_output).
    with safety.staged_output(out, workbook=getattr(engine, "output", None)) as staged:
        report(2, 4, "名簿を保存しています" + ("（暗号化）" if password else ""))
        xlsxout.save_exchange(wb, staged, today, password)
        report(3, 4, "操作履歴に記録しています")
        record(engine, "名簿書き出し", roster.summary(), f"{out.name}{locked}")
        engine.save()
    report(4, 4, "完了")
    lines = [
        f"名簿を書き出しました：{out}{locked}",
        f"  {roster.summary()}（作成日 {to_wareki(today)}）",
        "  載せた項目：" + "、".join(roster.headers),
    ]
    if password:
        lines.append("  パスワードは、ファイルとは別の方法（電話など）で相手に伝えてください。")
    return Result("export-roster", lines, [], dict(roster.counts))
