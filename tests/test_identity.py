"""One rule, one set of words, for whether a workbook is ours (both engines call it)."""

from __future__ import annotations

import pytest

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.identity import require_hikisup

ALL = {t.table for t in schema.ALL_TABLES}


@pytest.mark.parametrize(
    ("marker", "tables", "words"),
    [
        (None, set(), "hikisup のブックではありません"),
        (str(schema.SCHEMA_VERSION + 1), ALL, "新しい版の hikisup"),
        (
            str(schema.SCHEMA_VERSION),
            ALL - {schema.REGISTER.table},
            "必要なシートの表がありません：登録名簿",
        ),
        (None, ALL - {schema.LOG.table}, "操作履歴"),
        # made by an older template: every job points to the upgrade
        (
            str(schema.SCHEMA_VERSION - 1),
            ALL,
            "以前の版のテンプレート.*hikisup upgrade.*ブックの更新",
        ),
        ("1", ALL - {schema.SUM_INFO.table}, "以前の版のテンプレート"),
        (None, ALL - {schema.SUM_MONTHS.table}, "表がありません：集計.*hikisup upgrade"),
    ],
)
def test_refusals_name_the_reason(marker: str | None, tables: set[str], words: str) -> None:
    with pytest.raises(HikisupError, match=words):
        require_hikisup(marker, "x.xlsx", tables)


@pytest.mark.parametrize("marker", [None, str(schema.SCHEMA_VERSION), "garbage"])
def test_a_complete_workbook_passes(marker: str | None) -> None:
    require_hikisup(marker, "x.xlsx", ALL)


def test_the_upgrade_itself_opens_an_older_workbook() -> None:
    require_hikisup("1", "x.xlsx", ALL - {schema.SUM_INFO.table}, upgrading=True)
    with pytest.raises(HikisupError, match="新しい版"):
        require_hikisup(str(schema.SCHEMA_VERSION + 1), "x.xlsx", ALL, upgrading=True)
    with pytest.raises(HikisupError, match="ではありません"):
        require_hikisup(None, "x.xlsx", set(), upgrading=True)
