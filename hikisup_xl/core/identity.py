"""Is this workbook one of ours? The same rule and words for every engine."""

from __future__ import annotations

from .errors import HikisupError
from .schema import SCHEMA_VERSION, TABLES


def require_hikisup(marker: str | None, filename: str, tables: set[str]) -> None:
    """Refuse a workbook that is not one of ours, naming what is missing.

    `marker` is the hikisup_schema document property (None when absent); `tables` the names
    of the Excel tables the workbook holds.
    """
    missing = [t.sheet for t in TABLES if t.table not in tables]
    if marker is None and len(missing) == len(TABLES):
        raise HikisupError(
            f"「{filename}」は hikisup のブックではありません。"
            "hikisup new で作ったブック（またはテンプレートから作ったブック）を指定してください。"
        )
    if marker is not None and marker.strip().isdigit() and int(marker) > SCHEMA_VERSION:
        raise HikisupError(
            f"「{filename}」は新しい版の hikisup で作られています。hikisup を更新してください。"
        )
    if missing:
        raise HikisupError(
            f"「{filename}」に必要なシートの表がありません：{'、'.join(missing)}。"
            "シート名や表（テーブル）を削除・改名していないか確認してください。"
        )
