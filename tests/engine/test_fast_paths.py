"""The patch engine's fast paths write and read exactly what the slow ones do: new rows built
as bytes (SheetEditor.add_rows) are the bytes lxml would serialise, and the readings found by
reference are the readings a full parse of the sheet finds."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

import pytest

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import phonetic
from hikisup_xl.engine.ooxml import parse_xml
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.engine.protocol import Link
from hikisup_xl.engine.sheetxml import CellValue, SheetEditor, cell_xml, formula_xml

from .util import build

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}">'
    '<dimension ref="A1"/><sheetData><row r="1"><c r="A1" s="1"><v>1</v></c></row>'
    "</sheetData></worksheet>"
).encode()

CELLS: list[tuple[int, CellValue, int | None]] = [
    (1, ("s", "a & b < c > d\r\ne\tf"), 3),
    (2, ("s", " leading space"), None),
    (3, ("s", "二重  空白"), 0),
    (4, ("n", "45987"), 7),
    (5, ("n", "-1.25"), 0),
    (6, ("b", "1"), 2),
    (7, ("", ""), 5),
    (8, ("", ""), None),
    (9, ("s", "_x005F_x0041_"), 1),
]


def test_cells_as_bytes_are_what_set_value_writes() -> None:
    slow = SheetEditor.from_bytes(SHEET, "s.xml")
    fast = SheetEditor.from_bytes(SHEET, "s.xml")
    built: dict[int, list[bytes]] = {}
    for row in (2, 3, 5):
        assert fast.can_add_rows(row, row)
        for col, value, style in CELLS:
            slow.set_value(row, col, value, style)
        slow.set_formula(row, 12, 'IF([@x]="","",A2&"<様>")', 4)
        built[row] = [cell_xml(row, col, value, style) for col, value, style in CELLS]
        built[row].append(formula_xml(row, 12, 'IF([@x]="","",A2&"<様>")', 4))
    fast.add_rows(built)
    assert fast.finish() == slow.finish()


def test_rows_as_bytes_only_where_no_row_is() -> None:
    editor = SheetEditor.from_bytes(SHEET, "s.xml")
    assert not editor.can_add_rows(1, 1)
    assert editor.can_add_rows(2, 100)
    editor.add_rows({4: [cell_xml(4, 1, ("n", "4"), None)]})
    assert not editor.can_add_rows(2, 4)
    assert editor.can_add_rows(5, 5)
    assert editor.style_of(4, 1) == 0  # a row added as bytes is parsed when read
    eager = SheetEditor(parse_xml(SHEET, "s.xml"), "s.xml")
    assert not eager.can_add_rows(2, 2)  # a fully parsed part takes elements only


def _saved_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("xl/") and "docProps" not in n}


def _edit(path: Path) -> None:
    engine = PatchEngine(path)
    today = dt.date(2026, 11, 26)
    changes = [
        schema.CHANGES.row(
            date=today,
            reg_no=f"R-{i:04d}",
            item="住所",
            before="甲府市 & <旧>",
            after=" 新しい住所" if i % 2 else None,
            reason="チェック",
            by="tester",
            source="自動検出",
        )
        for i in range(40)
    ]
    engine.append_rows(schema.CHANGES, changes)
    issues = [
        schema.ISSUES.row(
            severity="エラー",
            sheet="登録名簿",
            row=i + 2,
            column="氏名",
            value="x",
            message="入力してください",
            code="required",
            link=Link(f"登録名簿!B{i + 2}", f"'登録名簿'!B{i + 2}"),
        )
        for i in range(30)
    ]
    engine.replace_rows(schema.ISSUES, issues)
    engine.write_snapshot([("R-0001", "山田", dt.date(2026, 4, 1), 3), ("R-0002", None, "", 1.5)])
    engine.save()


def test_appended_rows_are_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = build(tmp_path / "fast.xlsx"), build(tmp_path / "slow.xlsx")
    added: list[int] = []
    add_rows, add_raw_row = SheetEditor.add_rows, SheetEditor.add_raw_row
    monkeypatch.setattr(
        SheetEditor, "add_rows", lambda self, rows: (added.extend(rows), add_rows(self, rows))
    )
    monkeypatch.setattr(  # plain-valued rows take the per-value cached writer
        SheetEditor,
        "add_raw_row",
        lambda self, row, cells: (added.append(row), add_raw_row(self, row, cells)),
    )
    _edit(fast)
    assert len(added) >= 39 + 29 + 1  # all but each table's pre-formatted first row
    monkeypatch.setattr(SheetEditor, "can_add_rows", lambda self, first, last: False)
    monkeypatch.setattr(SheetEditor, "takes_raw_rows", lambda self: False)
    _edit(slow)
    fast_parts, slow_parts = _saved_parts(fast), _saved_parts(slow)
    assert fast_parts.keys() == slow_parts.keys()
    for name, data in slow_parts.items():
        assert fast_parts[name] == data, name


READING_SHEET = (
    f'<?xml version="1.0"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>'
    '<row r="3"><c r="B3" t="inlineStr"><is><t>田中</t><rPh sb="0" eb="2"><t>タナカ</t></rPh>'
    "</is></c></row>"
    '<row r="4"><c r="B4" t="s"><v> 1 </v></c><c r="BB4" t="s"><v>1</v></c></row>'
    '<row r="5"><c r="b5" t="s"><v>&#50;</v></c></row>'
    '<row r="6"><c r="B6" s="3"/><c r="B6" t="s"><v>2</v></c></row>'
    '<row r="7"><c r="B7" t="n"><v>2</v></c><c r="C7" t="s"><v>2</v></c></row>'
    '<row r="8"><c r="B8" t="inlineStr"><is><t>無</t></is></c></row>'
    "</sheetData></worksheet>"
).encode()
STRINGS = {1: "ヤマダ", 2: "スズキ"}


@pytest.mark.parametrize(
    "data",
    [
        READING_SHEET,
        READING_SHEET.replace(b'<c r="B3"', b'<c\n r="B3"'),  # not plain: parsed
        READING_SHEET.replace(b"<worksheet xmlns", b"<worksheet xmlns:x"),  # prefixed: parsed
    ],
)
def test_readings_by_reference_are_the_parsed_ones(data: bytes) -> None:
    rows = {1, 2, 3, 4, 5, 6, 7, 8}
    parsed = phonetic._parse_column(data, 2, rows, STRINGS)
    assert phonetic.column_readings_of(data, 2, rows, STRINGS) == parsed
    if data == READING_SHEET:
        assert phonetic._scan_column(data, 2, rows, STRINGS) == parsed
        assert parsed == {2: "スズキ", 3: "タナカ", 4: "ヤマダ", 5: "スズキ", 6: "スズキ"}
        assert phonetic._scan_column(data, 2, {2, 3}, STRINGS) == {2: "スズキ", 3: "タナカ"}
    else:
        assert phonetic._scan_column(data, 2, rows, STRINGS) is None


def test_no_run_anywhere_reads_nothing() -> None:
    plain = READING_SHEET.replace(b"<rPh", b"<x").replace(b"</rPh>", b"</x>")
    assert phonetic.column_readings_of(plain, 2, {1, 2, 3}, {}) == {}
    assert phonetic.shared_readings(b"<sst><si><t>a</t></si></sst>") == {}


def _with_bad_crc(path: Path, member: str) -> None:
    """Give `member` a CRC its bytes do not have, in its local header and central record."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    wrong = struct.pack("<L", info.CRC ^ 0xFFFF)
    data[info.header_offset + 14 : info.header_offset + 18] = wrong
    record = data.rfind(b"PK\x01\x02", 0, data.rfind(member.encode()))
    assert data[record + 46 : record + 46 + len(member)] == member.encode()
    data[record + 16 : record + 20] = wrong
    path.write_bytes(bytes(data))


def test_the_save_still_finds_a_broken_member_the_action_never_read(tmp_path: Path) -> None:
    book = build(tmp_path / "book.xlsx")
    _with_bad_crc(book, "xl/theme/theme1.xml")
    before = book.read_bytes()
    engine = PatchEngine(book)
    engine.write_snapshot([("R-0001", "山田")])
    with pytest.raises(HikisupError, match="検証に失敗しました"):
        engine.save()
    assert book.read_bytes() == before


def test_members_read_whole_are_compared_not_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = build(tmp_path / "book.xlsx")
    engine = PatchEngine(book)
    engine.write_snapshot([("R-0001", "山田")])
    inflated: list[str] = []
    testzip = zipfile.ZipFile.testzip

    def spy(self: zipfile.ZipFile) -> str | None:
        inflated.extend(i.filename for i in self.filelist)
        return testzip(self)

    monkeypatch.setattr(zipfile.ZipFile, "testzip", spy)
    engine.save()
    snapshot = engine._wb.sheets["_前回値"].part
    assert snapshot in inflated  # written anew: inflated and checked
    read = [n for n in engine._pkg.verified if n != snapshot]
    assert read and not set(read) & set(inflated)  # read whole before: compared byte for byte
    with zipfile.ZipFile(book) as zf:
        assert zf.testzip() is None
