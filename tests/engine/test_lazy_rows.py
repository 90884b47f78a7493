"""A sheet opened for editing parses only the rows a change touches; the rest is written back
byte for byte, in row order, and the part says the same as if every row had been parsed."""

from __future__ import annotations

from lxml import etree

from hikisup_xl.engine.ooxml import parse_xml
from hikisup_xl.engine.sheetxml import SheetEditor, split_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def sheet(rows: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}worksheet {ns} xmlns:x14ac="{X14AC}">'
        f'<{p}dimension ref="A1"/><{p}sheetData>{rows}</{p}sheetData></{p}worksheet>'
    ).encode()


ROWS = (
    '<row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr"><is><t>氏名</t></is>'
    '</c><c r="B1"><v>1</v></c></row>'
    '<row r="3"><c r="B3" s="2"><v>3</v></c></row>'
    '<row r="4"/>'
    '<row r="7"><c r="C7" t="inlineStr"><is><t>a &amp; &#x6C0F;</t></is></c></row>'
)


def both(data: bytes, edit: object) -> tuple[bytes, bytes]:
    lazy = SheetEditor.from_bytes(data, "s.xml")
    eager = SheetEditor(parse_xml(data, "s.xml"), "s.xml")
    for editor in (lazy, eager):
        edit(editor)  # type: ignore[operator]
    return lazy.finish(), eager.finish()


def canonical(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")  # type: ignore[no-any-return]


def test_rows_are_split_with_their_numbers() -> None:
    split = split_rows(sheet(ROWS))
    assert split is not None
    shell, rows = split
    assert sorted(rows) == [1, 3, 4, 7]
    assert rows[4] == b'<row r="4"/>'
    assert b"<row" not in shell


def test_an_edit_between_unparsed_rows_lands_in_order() -> None:
    def edit(e: SheetEditor) -> None:
        e.set_value(5, 2, ("n", "5"), None)  # a new row between two unparsed ones
        e.set_value(3, 2, ("s", "x"), 2)  # a change in an unparsed row
        e.set_value(9, 1, ("n", "9"), None)  # a new last row

    lazy, eager = both(sheet(ROWS), edit)
    assert canonical(lazy) == canonical(eager)
    rows = [int(r) for r in etree.fromstring(lazy).xpath("//*[local-name()='row']/@r")]
    assert rows == [1, 3, 4, 5, 7, 9]
    # untouched rows are the bytes read, character references and all
    assert b'<row r="7"><c r="C7" t="inlineStr"><is><t>a &amp; &#x6C0F;</t></is></c></row>' in lazy
    assert b'x14ac:dyDescent="0.25"' in lazy
    assert b'<dimension ref="A1:C9"/>' in lazy


def test_a_prefixed_sheet_is_split_too() -> None:
    rows = ROWS.replace("<row", "<x:row").replace("</row", "</x:row")
    rows = rows.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    rows = rows.replace("<v>", "<x:v>").replace("</v>", "</x:v>")
    rows = rows.replace("<is>", "<x:is>").replace("</is>", "</x:is>")
    rows = rows.replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    data = sheet(rows, "x")
    assert split_rows(data) is not None

    def edit(e: SheetEditor) -> None:
        e.set_value(3, 1, ("n", "8"), None)

    lazy, eager = both(data, edit)
    assert canonical(lazy) == canonical(eager)


def test_rows_it_cannot_lay_out_plainly_are_parsed_whole() -> None:
    unnumbered = '<row><c r="A1"><v>1</v></c></row>'
    backwards = '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
    commented = '<row r="1"><c r="A1"><v>1</v></c></row><!-- <row r="9"/> -->'
    cdata = '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[</row>]]></t></is></c></row>'
    for rows in (unnumbered, backwards, commented, cdata):
        assert split_rows(sheet(rows)) is None
        # and the editor still works, the old way
        editor = SheetEditor.from_bytes(sheet(rows), "s.xml")
        editor.set_value(1, 2, ("n", "2"), None)
        assert etree.fromstring(editor.finish()) is not None


def test_deleting_the_tail_drops_unparsed_rows_without_parsing() -> None:
    def edit(e: SheetEditor) -> None:
        e.delete_rows_from(3)

    lazy, eager = both(sheet(ROWS), edit)
    assert canonical(lazy) == canonical(eager)
    assert b'r="7"' not in lazy


def test_a_formula_in_a_dropped_row_is_still_accounted_for() -> None:
    rows = ROWS + '<row r="8"><c r="A8"><f>SUM(B1:B3)</f><v>4</v></c></row>'
    editor = SheetEditor.from_bytes(sheet(rows), "s.xml")
    editor.delete_rows_from(8)
    assert editor.formulas_removed  # the calculation chain must go
