"""New rows written as bytes (#14): a generated table's rows (活動集計, サポーター別, 登録期間履歴...)
are laid out as cell XML directly instead of one lxml element per cell. What the file says must
be exactly what the element-by-element path wrote: same cells, styles, values, order."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import make_book
from lxml import etree

from hikisup_xl import demo
from hikisup_xl.core import schema
from hikisup_xl.core.grid import col_letter
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine import sheetxml
from hikisup_xl.engine.choose import open_workbook
from hikisup_xl.engine.files import save_atomic
from hikisup_xl.engine.ooxml import DOC_REL_NS, parse_xml
from hikisup_xl.engine.sheetxml import SheetEditor, inline_cell_xml
from hikisup_xl.jobs import ledger, stats
from hikisup_xl.stats.compute import compute
from hikisup_xl.template import build_workbook

from .test_lazy_rows import ROWS, canonical, sheet

TODAY = dt.date(2026, 11, 26)
TEXTS = [
    "氏名",
    "a & b < c > d",
    "行1\r\n行2",
    " 前後の空白 ",
    "two  spaces",
    "tab\there",
    '"引用"',
]
VALUES: list[tuple[sheetxml.CellValue, int | None]] = [
    *((("s", t), 3) for t in TEXTS),
    (("n", "42"), None),
    (("n", "45000.5"), 7),
    (("b", "1"), 0),
    (("", ""), 5),
    (("", ""), 0),
    (("", ""), None),
]


@pytest.mark.parametrize("rows", [ROWS, '<row r="1"><c r="A1"><v>1</v></c></row>'])
def test_a_raw_row_is_what_set_value_writes(rows: str) -> None:
    lazy = SheetEditor.from_bytes(sheet(rows), "s.xml")
    eager = SheetEditor(parse_xml(sheet(rows), "s.xml"), "s.xml")
    assert lazy.takes_raw_rows() and not eager.takes_raw_rows()
    for row in (5, 9, 2):  # between, after and before the rows read
        cells = []
        for col, (value, style) in enumerate(VALUES, start=1):
            cells.append(inline_cell_xml(f"{col_letter(col)}{row}", value, style))
            eager.set_value(row, col, value, style)
        lazy.add_raw_row(row, cells)
    a, b = lazy.finish(), eager.finish()
    assert canonical(a) == canonical(b)
    if rows != ROWS:  # ROWS holds a character reference that lxml rewrites when it parses
        assert a == b  # byte for byte, as lxml serialises the cells


def test_a_prefixed_sheet_takes_no_raw_rows() -> None:
    rows = ROWS.replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ")
    rows = rows.replace("</c>", "</x:c>").replace("<v>", "<x:v>").replace("</v>", "</x:v>")
    rows = rows.replace("<is>", "<x:is>").replace("</is>", "</x:is>")
    rows = rows.replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    assert not SheetEditor.from_bytes(sheet(rows, "x"), "s.xml").takes_raw_rows()


BLOCK_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>見出し</t></is></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="3"/></row>'  # all in the block: goes
    '<row r="3"><c r="A3"><v>1</v></c><c r="E3"><v>9</v></c></row>'  # E3 stays
    '<row r="4"><c r="A4"><f>1+1</f><v>2</v></c></row>'  # a formula: parsed, chain dropped
    '<row r="5" ht="30" customHeight="1"/>'  # no cells: goes, as delete_cells does
    '<row r="6"><c><v>1</v></c></row>'  # a cell without its reference: parsed
    '<row r="8"><c r="B8" t="inlineStr"><is><t>x</t></is></c></row>'  # past the block
)


def test_delete_block_is_delete_cells_row_by_row() -> None:
    lazy = SheetEditor.from_bytes(sheet(BLOCK_ROWS), "s.xml")
    eager = SheetEditor(parse_xml(sheet(BLOCK_ROWS), "s.xml"), "s.xml")
    lazy.delete_block(2, 7, 1, 3)
    for row in range(2, 8):
        eager.delete_cells(row, 1, 3)
    assert canonical(lazy.finish()) == canonical(eager.finish())
    assert lazy.formulas_removed and eager.formulas_removed
    assert lazy.rows() == eager.rows() == [1, 3, 8]


def _workbook(path: Path, scale: demo.Scale) -> Path:
    save_atomic(build_workbook(DEMO_SETTINGS, generate(TODAY, scale)), path, keep_backup=False)
    return path


def _report_twice(path: Path) -> dict[str, bytes]:
    """年度集計 for 令和7年度, then 令和6年度 over it (every generated row replaced)."""
    for fy in (2025, 2024):
        stats.report(open_workbook(path), TODAY, fy)
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("scale", [demo.DEMO, demo.MUNICIPAL], ids=["demo", "municipal"])
def test_the_report_writes_the_same_file_either_way(
    tmp_path: Path, scale: demo.Scale, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _workbook(tmp_path / "source.xlsx", scale)
    (tmp_path / "fast").mkdir()
    (tmp_path / "slow").mkdir()
    fast = _report_twice(shutil.copy(source, tmp_path / "fast" / "管理.xlsx"))
    monkeypatch.setattr(SheetEditor, "takes_raw_rows", lambda self: False)
    monkeypatch.setattr(SheetEditor, "can_add_rows", lambda self, first, last: False)
    monkeypatch.setattr(sheetxml, "_plain_within", lambda raw, lo, hi: False)
    slow = _report_twice(shutil.copy(source, tmp_path / "slow" / "管理.xlsx"))
    assert fast.keys() == slow.keys()
    log = _part_of(fast, schema.LOG.sheet)
    differ = sorted(n for n in fast if fast[n] != slow[n])
    assert differ in ([], [log])  # 操作履歴 holds the time of each run, to the second
    generated = [_part_of(fast, s.sheet) for s in (schema.ACTIVITY, schema.SUPPORTER_YEARS)]
    assert all(fast[p].count(b"<row ") > 2 for p in generated), [
        fast[p].count(b"<row ") for p in generated
    ]


def _part_of(parts: dict[str, bytes], sheet_name: str) -> str:
    """The worksheet part of a sheet, by the workbook's own names and relationships."""
    root = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    rid = next(s.get(f"{{{DOC_REL_NS}}}id") for s in root.iter() if s.get("name") == sheet_name)
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/xl/") else f"xl/{target}"


def test_the_book_reads_back_what_report_computed(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "管理.xlsx", demo.DEMO)
    stats.report(open_workbook(path), TODAY, 2025)
    engine = open_workbook(path)
    activity = engine.read_table(schema.ACTIVITY)
    rows = generate(TODAY, demo.DEMO)
    book = make_book(TODAY, DEMO_SETTINGS, **{k: v for k, v in rows.items() if k != "settings"})
    expected = compute(book, 2025, TODAY).activities
    read = [tuple(v.date() if isinstance(v, dt.datetime) else v for v in r) for r in activity.rows]
    assert read == [tuple(v for v in r) for r in expected]


def test_rows_with_links_and_the_first_job_write_the_same_file_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check: チェック結果 rows carry links (the old path), 登録期間履歴 and the snapshot are new
    # rows on the first job (bytes); number then writes cells into existing rows.
    source = _workbook(tmp_path / "source.xlsx", demo.DEMO)

    def run(folder: str) -> dict[str, bytes]:
        (tmp_path / folder).mkdir()
        path = shutil.copy(source, tmp_path / folder / "管理.xlsx")
        ledger.check(open_workbook(path), TODAY)
        ledger.number(open_workbook(path), TODAY)
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist()}

    fast = run("fast")
    monkeypatch.setattr(SheetEditor, "takes_raw_rows", lambda self: False)
    monkeypatch.setattr(SheetEditor, "can_add_rows", lambda self, first, last: False)
    monkeypatch.setattr(sheetxml, "_plain_within", lambda raw, lo, hi: False)
    slow = run("slow")
    assert fast.keys() == slow.keys()
    issues = _part_of(fast, schema.ISSUES.sheet)
    assert b"<hyperlink " in fast[issues]
    differ = sorted(n for n in fast if fast[n] != slow[n])
    assert differ in ([], [_part_of(fast, schema.LOG.sheet)])
