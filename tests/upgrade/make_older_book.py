"""Make the committed "older workbooks": a demo workbook from the template of an earlier schema
version (hikisup demo and hikisup report --fy 2025, run by the code of the commit that had that
version), with what staff add in Excel: a column of their own inside the register table, a
comment, a shape and a picture, and an x14 validation.

Run once when a schema version is left behind; never rerun by the tests (the point of the
files is that they do NOT follow later templates):

    .venv/bin/python -m tests.upgrade.make_older_book 1 2

Each version's code is taken from git (`git archive COMMIT`) into a temporary folder and this
script runs again there (`--inside`), so the workbook is what that template wrote.

The first book of schema 1 (commit fa13127) was malformed: its register table declared 58
columns for a 29-column range, because openpyxl's `Table._initialise_columns()` APPENDS
Column1..ColumnN to the columns a loaded table already has. The staff column is now added as
Excel adds it when a clerk types beside a table: one more tableColumn with the next id, the
table's ref and autoFilter one column wider.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
# Schema version -> the last commit whose template wrote it.
COMMITS = {1: "12e29db", 2: "1eb0496"}
STAFF_COLUMN = "担当メモ"  # a column a clerk added at the right end of the register table
COMMENT = "電話は平日の午後のみ"
TODAY = dt.date(2026, 3, 31)


def out_path(version: int) -> Path:
    return DATA / f"book_schema{version}.xlsx"


def make(version: int) -> Path:
    """The book of `version`, made by that version's code (this script rerun inside it)."""
    out = out_path(version)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", COMMITS[version], "hikisup_xl", "tests"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": tmp, "PYTHONDONTWRITEBYTECODE": "1"}
        subprocess.run(
            [sys.executable, __file__, "--inside", str(version), str(out)],
            cwd=tmp,
            env=env,
            check=True,
        )
    return out


def _inside(version: int, out: Path) -> None:
    """Runs with the old commit's hikisup_xl and tests/ first on the path."""
    import hikisup_xl
    from hikisup_xl.core.schema import SCHEMA_VERSION

    here = Path.cwd().resolve()
    assert Path(hikisup_xl.__file__).resolve().is_relative_to(here), hikisup_xl.__file__
    assert version == SCHEMA_VERSION, (version, SCHEMA_VERSION)
    sys.path.insert(0, str(here / "tests"))
    from engine.util import add_extras, rewrite  # type: ignore[import-not-found]
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.worksheet.table import TableColumn

    from hikisup_xl.demo import run_demo
    from hikisup_xl.engine.files import FileEngine
    from hikisup_xl.stats.report import report

    def free_drawing_name(parts: dict[str, bytes]) -> None:
        # add_extras names its drawing drawing1.xml, which the 集計 charts already use.
        for old, new in (
            ("xl/drawings/drawing1.xml", "xl/drawings/drawing50.xml"),
            ("xl/drawings/_rels/drawing1.xml.rels", "xl/drawings/_rels/drawing50.xml.rels"),
        ):
            if old in parts:
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
        run_demo(Path(tmp), TODAY)
        path = Path(tmp) / "サポーター管理_デモ.xlsx"
        report(FileEngine(path), TODAY, 2025)  # the 集計 sheet and its pivot tables
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path)
        ws = wb["登録名簿"]
        table = ws.tables["tRegister"]
        first, last = table.ref.split(":")
        col = ws[last].column + 1
        row_top, row_end = ws[first].row, ws[last].row
        ws.cell(row=row_top, column=col, value=STAFF_COLUMN)
        ws.cell(row=row_top + 1, column=col, value="要フォロー")
        letter = ws.cell(row=row_top, column=col).column_letter
        table.ref = f"{first}:{letter}{row_end}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
        # One more column with the next id, as Excel adds it (not _initialise_columns(), which
        # appends a Column1..N for every column of the range to the ones already there).
        next_id = max(c.id for c in table.tableColumns) + 1
        table.tableColumns.append(TableColumn(id=next_id, name=STAFF_COLUMN))
        assert len(table.tableColumns) == col - ws[first].column + 1
        ws.cell(row=row_top + 1, column=3).comment = Comment(COMMENT, "担当者")
        wb.save(path)
        rewrite(path, free_drawing_name)
        add_extras(path, ["登録名簿"], ["活動報告"])
        rewrite(path, drawing_before_comments)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(path.read_bytes())


if __name__ == "__main__":
    if sys.argv[1] == "--inside":
        _inside(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        for arg in sys.argv[1:]:
            print(make(int(arg)))
