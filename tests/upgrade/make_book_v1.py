"""Make the committed "older workbook": a demo workbook from the template of schema version 1
(hikisup demo and hikisup report --fy 2025 at commit 12e29db), with what staff add in Excel: a column of their own inside the
register table, a comment, a shape and a picture, and an x14 validation.

Run once when the file was committed; kept to show how it was made, never rerun by the tests
(the point of the file is that it does NOT follow later templates):

    .venv/bin/python -m tests.upgrade.make_book_v1
"""

from __future__ import annotations

import re
import sys
import tempfile
import warnings
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.table import TableColumn

from hikisup_xl.demo import run_demo
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.stats.report import report

OUT = Path(__file__).parent / "data" / "book_schema1.xlsx"
STAFF_COLUMN = "担当メモ"  # a column a clerk added at the right end of the register table
COMMENT = "電話は平日の午後のみ"


def make(out: Path = OUT) -> Path:
    import datetime as dt

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from engine.util import add_extras, rewrite

    def free_drawing_name(parts: dict[str, bytes]) -> None:
        # add_extras names its drawing drawing1.xml, which the 集計 charts already use.
        for old, new in (
            ("xl/drawings/drawing1.xml", "xl/drawings/drawing50.xml"),
            ("xl/drawings/_rels/drawing1.xml.rels", "xl/drawings/_rels/drawing50.xml.rels"),
        ):
            parts[new] = parts.pop(old)
        for name in list(parts):
            if name.endswith(".rels") or name == "[Content_Types].xml":
                parts[name] = parts[name].replace(
                    b"drawings/drawing1.xml", b"drawings/drawing50.xml"
                )

    def drawing_before_comments(parts: dict[str, bytes]) -> None:
        # CT_Worksheet's order is drawing, then legacyDrawing (the comments' VML), as Excel writes.
        for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
            parts[name] = re.sub(
                rb"(<legacyDrawing [^>]*/>)(<drawing [^>]*/>)", rb"\2\1", parts[name]
            )

    with tempfile.TemporaryDirectory() as tmp:
        today = dt.date(2026, 3, 31)
        run_demo(Path(tmp), today)
        path = Path(tmp) / "サポーター管理_デモ.xlsx"
        report(FileEngine(path), today, 2025)  # the 集計 sheet and its pivot tables
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path)
        ws = wb["登録名簿"]
        table = ws.tables["tRegister"]
        ref = table.ref
        first, last = ref.split(":")
        col = ws[last].column + 1
        row_top, row_end = ws[first].row, ws[last].row
        ws.cell(row=row_top, column=col, value=STAFF_COLUMN)
        ws.cell(row=row_top + 1, column=col, value="要フォロー")
        letter = ws.cell(row=row_top, column=col).column_letter
        table.ref = f"{first}:{letter}{row_end}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
        table._initialise_columns()
        names = [c.name for c in table.tableColumns]
        if STAFF_COLUMN not in names:
            table.tableColumns.append(TableColumn(id=len(names) + 1, name=STAFF_COLUMN))
        ws.cell(row=row_top + 1, column=3).comment = Comment(COMMENT, "担当者")
        wb.save(path)
        rewrite(path, free_drawing_name)
        add_extras(path, ["登録名簿"], ["活動報告"])
        rewrite(path, drawing_before_comments)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(path.read_bytes())
    return out


if __name__ == "__main__":
    print(make())
