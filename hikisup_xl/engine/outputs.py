"""Output sheets a job adds to a workbook the first time it needs them (移行確認), rather than
the template holding them: every workbook of the current template version can take them
without an upgrade."""

from __future__ import annotations

from ..core.errors import HikisupError
from ..core.schema import EXPIRING, SNAPSHOT_SHEET, TableSpec

# A new output sheet goes in front of the first of these the workbook has (after the review
# sheets, before the results), or at the end.
OUTPUT_BEFORE = (EXPIRING.sheet, SNAPSHOT_SHEET)


def refuse_sheet_without_table(spec: TableSpec, sheet_exists: bool) -> None:
    """A sheet of the output's name without its table is the clerk's: never overwrite it."""
    if sheet_exists:
        raise HikisupError(
            f"シート「{spec.sheet}」がありますが、その表（{spec.table}）がありません。"
            "シートの名前を変えるか削除してから、もう一度実行してください。"
        )
