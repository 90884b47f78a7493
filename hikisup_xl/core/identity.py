"""Is this workbook one of ours, and made by the current template? The same rule and words for
every engine."""

from __future__ import annotations

from .errors import HikisupError
from .schema import ALL_TABLES, SCHEMA_VERSION, TABLES

UPGRADE_HINT = (
    "「hikisup upgrade ブック.xlsx」（リボンでは「ブックの更新」）でブックを更新してください"
)


def schema_version(marker: str | None) -> int | None:
    """The template version a workbook says it follows (None: no readable marker)."""
    if marker is None or not marker.strip().isdigit():
        return None
    return int(marker)


def missing_tables(tables: set[str]) -> list[str]:
    """The sheets (names) whose declared table the workbook lacks, in template order."""
    return list(dict.fromkeys(t.sheet for t in ALL_TABLES if t.table not in tables))


def require_hikisup(
    marker: str | None, filename: str, tables: set[str], *, upgrading: bool = False
) -> None:
    """Refuse a workbook that is not one of ours, naming what is missing; and one made by an
    older template, pointing to the upgrade (unless `upgrading`, which is what it is for).

    `marker` is the hikisup_schema document property (None when absent); `tables` the names
    of the Excel tables the workbook holds.
    """
    if marker is None and not any(t.table in tables for t in TABLES):
        raise HikisupError(
            f"「{filename}」は hikisup のブックではありません。"
            "hikisup new で作ったブック（またはテンプレートから作ったブック）を指定してください。"
        )
    version = schema_version(marker)
    if version is not None and version > SCHEMA_VERSION:
        raise HikisupError(
            f"「{filename}」は新しい版の hikisup で作られています。hikisup を更新してください。"
        )
    if upgrading:
        return
    if version is not None and version < SCHEMA_VERSION:
        raise HikisupError(
            f"「{filename}」は以前の版のテンプレートで作られています。{UPGRADE_HINT}"
            "（入力した内容はそのまま残ります）。"
        )
    missing = missing_tables(tables)
    if missing:
        raise HikisupError(
            f"「{filename}」に必要なシートの表がありません：{'、'.join(missing)}。"
            "シート名や表（テーブル）を削除・改名していないか確認してください。"
            f"足りない表を作り直すには、{UPGRADE_HINT}。"
        )
