"""`new`: a management workbook made from the template, its 設定 filled from the options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core import schema
from ..engine import safety
from ..session import log_row
from .result import Result


def new(
    engine: None,
    today: dt.date,
    book: Path,
    body_name: str | None = None,
    mayor_name: str | None = None,
    department: str | None = None,
    phone: str | None = None,
    fax: str | None = None,
    body_kind: str | None = None,
) -> Result:
    """Write a new workbook to `book`, which must not exist (it is never replaced). Blank
    options keep the template's values; its 操作履歴 starts with this line."""
    from ..core.settings import Settings
    from ..engine.files import save_atomic
    from ..progress import report
    from ..template import build_workbook

    safety.refuse_existing_output(book)
    given = {
        "body_name": body_name,
        "mayor_name": mayor_name,
        "department": department,
        "phone": phone,
        "fax": fax,
        "body_kind": body_kind,
    }
    settings = Settings.validate({k: v.strip() for k, v in given.items() if v and v.strip()})
    report(0, 2, "管理ブックを作っています")
    first = log_row("新しい管理ブック", "", "成功", book.name)
    wb = build_workbook(settings, {schema.LOG.key: [first]})
    report(1, 2, "保存しています")
    save_atomic(wb, book, keep_backup=False, replace=False)
    report(2, 2, "完了")
    return Result("new", [f"新しい管理ブックを作りました：{book}"], created=book)
