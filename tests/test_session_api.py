"""What a job touches: rows by column key, the one 操作履歴 line, the workbook's location."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import table_rows, write_workbook

from hikisup_xl.core import schema
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.session import Session, record

TODAY = dt.date(2026, 11, 26)


def test_a_row_by_key_lands_in_column_order_whatever_the_key_order() -> None:
    a = schema.SETTINGS.row(note="説明", item="項目名", value=3)
    assert a == ("項目名", 3, "説明")
    assert schema.SETTINGS.row(item="x") == ("x", None, None)


def test_a_row_with_a_key_the_table_lacks_is_refused() -> None:
    with pytest.raises(KeyError, match="nmae"):
        schema.EXPIRING.row(reg_no="001", nmae="山田")


def test_record_writes_one_history_line_by_key(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {})
    engine = FileEngine(path)
    record(engine, "集約", "令和7年度 3実施主体", "集約.xlsx", "tanaka")
    engine.save()
    (row,) = [r for r in table_rows(path, schema.LOG) if any(v is not None for v in r.values())]
    assert (row["user"], row["action"], row["count"], row["result"], row["file"]) == (
        "tanaka",
        "集約",
        "令和7年度 3実施主体",
        "集約.xlsx",
        "a.xlsx",
    )
    assert isinstance(row["at"], dt.datetime)


def test_the_session_knows_where_the_workbook_is(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {})
    assert Session(FileEngine(path), TODAY).location == path
