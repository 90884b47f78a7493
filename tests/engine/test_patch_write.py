"""Writing: the same cells as the openpyxl engine, read back by openpyxl and by calamine; and
the XML the patch engine leaves behind (inline strings, styles, links, ranges, formulas)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import base_world, world_rows
from lxml import etree  # type: ignore[import-untyped]
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from hikisup_xl.core import schema
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.engine.protocol import Engine, Link
from hikisup_xl.engine.sheetxml import WORKSHEET_ORDER

from .util import (
    build,
    calamine_values,
    drop_snapshot_sheet,
    members,
    openpyxl_values,
    rewrite,
    sheet_part,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
Scenario = Callable[[Engine], None]

LINK = Link("登録名簿!F2", "'登録名簿'!F2")
ISSUES = [
    ("エラー", "登録名簿", 2, "郵便番号", "400-003", "誤り", "format.postal", LINK),
    ("警告", "研修", 3, "名称", "", "注意", "notation", None),
    ("エラー", "受講者", 4, "氏名", "", "必須", "required", Link("受講者!C4", "'受講者'!C4")),
]
CHANGES = [
    (dt.date(2026, 11, 1), "001", "電話", "", "055-000-0000", "", "記録者", "手入力"),
    (dt.date(2026, 11, 2), "001", "住所", "A", "B", "", "記録者", "自動検出"),
]


def _register_world_with_rows_below(wb: Workbook) -> None:
    spec = schema.REGISTER
    ws = wb[spec.sheet]
    for key, value in {"name": "下に入力", "kana": "したに", "approved": "R8.1.5"}.items():
        ws.cell(row=4, column=spec.columns.index(spec.col(key)) + 1, value=value)


def write_register(engine: Engine) -> None:
    raw = engine.read_table(schema.REGISTER)
    engine.write_cells(raw, "reg_no", {0: "007", 1: "008"})  # 008 is the row typed below
    engine.write_cells(raw, "period_end", {0: dt.date(2030, 1, 31), 1: dt.date(2031, 3, 31)})
    engine.write_cells(raw, "state", {0: "期限間近", 1: None})
    engine.write_cells(raw, "memo", {0: None})


def replace_issues(engine: Engine) -> None:
    engine.replace_rows(schema.ISSUES, ISSUES)


def replace_then_shrink(engine: Engine) -> None:
    engine.replace_rows(schema.ISSUES, ISSUES)
    engine.replace_rows(schema.ISSUES, ISSUES[1:2])


def append_changes(engine: Engine) -> None:
    engine.append_rows(schema.CHANGES, CHANGES[:1])
    engine.append_rows(schema.CHANGES, CHANGES[1:])
    engine.append_rows(
        schema.LOG, [(dt.datetime(2026, 11, 26, 9, 30, 5), "職員", "採番", "0件", "完了", "x")]
    )


def snapshot(engine: Engine) -> None:
    engine.write_snapshot([("001", '{"name": "山田"}'), ("002", '{"name": "佐藤"}')])


SCENARIOS: dict[str, Scenario] = {
    "write_cells": write_register,
    "replace_rows": replace_issues,
    "replace_rows_shrinking": replace_then_shrink,
    "append_rows": append_changes,
    "write_snapshot": snapshot,
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "名簿.xlsx"
    w = base_world()
    w["register"].append({**w["register"][0], "reg_no": "002", "name": "佐藤　花子"})
    w["changes"].append(dict(w["changes"][0]))
    return build(path, world_rows(w), edit=_register_world_with_rows_below)


def _run(
    source: Path, folder: Path, make: type[FileEngine] | type[PatchEngine], how: Scenario
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / source.name
    shutil.copyfile(source, path)
    engine = make(path)
    how(engine)
    engine.save()
    return path


def _tables(path: Path) -> dict[str, str]:
    wb = load_workbook(path)
    refs = {name: ws.tables[name].ref for ws in wb.worksheets for name in ws.tables}
    wb.close()
    return refs


def _links(path: Path, sheet: str) -> dict[str, str | None]:
    wb = load_workbook(path)
    ws = wb[sheet]
    out = {c.coordinate: c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}
    wb.close()
    return out


CASES = [*sorted(SCENARIOS), "write_snapshot (no sheet yet)"]


@pytest.mark.parametrize("name", CASES)
def test_the_same_cells_as_the_openpyxl_engine(base: Path, tmp_path: Path, name: str) -> None:
    if name.endswith("(no sheet yet)"):  # a workbook made before the template carried it
        base = drop_snapshot_sheet(shutil.copyfile(base, tmp_path / base.name))
    how = SCENARIOS[name.split()[0]]
    by_file = _run(base, tmp_path / "file", FileEngine, how)
    by_patch = _run(base, tmp_path / "patch", PatchEngine, how)
    expected = openpyxl_values(by_file)
    assert openpyxl_values(by_patch) == expected
    assert calamine_values(by_patch) == expected
    assert _tables(by_patch) == _tables(by_file)
    assert _links(by_patch, schema.ISSUES.sheet) == _links(by_file, schema.ISSUES.sheet)
    assert PatchEngine(by_patch).read_snapshot() == FileEngine(by_file).read_snapshot()


def test_a_new_snapshot_sheet_is_very_hidden_and_registered(base: Path, tmp_path: Path) -> None:
    path = drop_snapshot_sheet(shutil.copyfile(base, tmp_path / "old.xlsx"))
    _run(path, tmp_path / "out", PatchEngine, snapshot)
    out = tmp_path / "out" / "old.xlsx"
    wb = load_workbook(out)
    assert wb[schema.SNAPSHOT_SHEET].sheet_state == "veryHidden"
    assert wb.sheetnames[-1] == schema.SNAPSHOT_SHEET
    parts = members(out)
    part = sheet_part(parts, schema.SNAPSHOT_SHEET)
    assert f'PartName="/{part}"'.encode() in parts["[Content_Types].xml"]
    assert PatchEngine(out).read_snapshot() == [
        ("001", '{"name": "山田"}'),
        ("002", '{"name": "佐藤"}'),
    ]


# ------------------------------------------------------------------------------ the XML
def _sheet_xml(path: Path, sheet: str) -> etree._Element:
    parts = members(path)
    return etree.fromstring(parts[sheet_part(parts, sheet)])


def _cell(root: etree._Element, ref: str) -> etree._Element:
    (c,) = [c for c in root.iter(f"{MAIN}c") if c.get("r") == ref]
    return c


def _table_xml(path: Path, name: str) -> etree._Element:
    parts = members(path)
    (table,) = [
        etree.fromstring(data)
        for part, data in parts.items()
        if part.startswith("xl/tables/") and f'name="{name}"'.encode() in data
    ]
    return table


def _write(path: Path, how: Scenario) -> Path:
    engine = PatchEngine(path)
    how(engine)
    engine.save()
    return path


def test_strings_are_inline_and_shared_strings_are_left_alone(tmp_path: Path) -> None:
    from .util import excel_like

    path = build(
        tmp_path / "s.xlsx", world_rows(base_world()), edit=_register_world_with_rows_below
    )
    path = excel_like(path)
    before = members(path)["xl/sharedStrings.xml"]
    _write(path, write_register)
    assert members(path)["xl/sharedStrings.xml"] == before
    c = _cell(_sheet_xml(path, schema.REGISTER.sheet), "A2")
    assert c.get("t") == "inlineStr"
    assert c.find(f"{MAIN}is/{MAIN}t").text == "007"


def test_spaces_escapes_and_illegal_characters(tmp_path: Path) -> None:
    spec = schema.REGISTER
    path = build(tmp_path / "x.xlsx", world_rows(base_world()))
    texts = {
        "memo": "  前後に空白  ",
        "address": "貼り付け\x07\x00\x1b文字\ufffe",
        "motive": "_x0041_ は文字どおり",
        "skills": "a < b & \"c\" 'd'\r\n次の行",
        "name": '=HYPERLINK("http://example.com")',  # stays text: never a formula
    }

    def how(engine: Engine) -> None:
        raw = engine.read_table(spec)
        for key, text in texts.items():
            engine.write_cells(raw, key, {0: text})

    _write(path, how)
    root = _sheet_xml(path, spec.sheet)
    memo = _cell(root, "Y2").find(f"{MAIN}is/{MAIN}t")
    assert memo.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert _cell(root, "C2").find(f"{MAIN}f") is None
    expected = {spec.col(k).header: v for k, v in {**texts, "address": "貼り付け文字"}.items()}
    by_calamine = dict(zip(spec.headers, calamine_values(path)[spec.sheet][1], strict=False))
    assert {h: by_calamine[h] for h in expected} == expected
    # openpyxl does not undo Excel's _xHHHH_ escape (Excel and calamine do); the rest it reads
    expected["動機・理由"] = "_x005F_x0041_ は文字どおり"
    by_openpyxl = dict(zip(spec.headers, openpyxl_values(path)[spec.sheet][1], strict=False))
    assert {h: by_openpyxl[h] for h in expected} == expected


def test_none_clears_the_value_but_keeps_the_style(tmp_path: Path) -> None:
    path = build(tmp_path / "n.xlsx", world_rows(base_world()))
    before = _cell(_sheet_xml(path, schema.REGISTER.sheet), "T2")  # 登録期間終了, a date
    _write(path, lambda e: e.write_cells(e.read_table(schema.REGISTER), "period_end", {0: None}))
    after = _cell(_sheet_xml(path, schema.REGISTER.sheet), "T2")
    assert after.get("s") == before.get("s") != "0"
    assert after.find(f"{MAIN}v") is None and after.get("t") is None


def test_new_cells_take_the_first_data_rows_style(tmp_path: Path) -> None:
    from openpyxl.styles import PatternFill

    def fill(wb: Workbook) -> None:  # a clerk colours the 記録者 column's first row
        wb[schema.CHANGES.sheet]["G2"].fill = PatternFill("solid", fgColor="FFFF00")

    path = build(tmp_path / "t.xlsx", world_rows(base_world()), edit=fill)
    _write(path, append_changes)
    root = _sheet_xml(path, schema.CHANGES.sheet)
    for col in "ABCDEFGH":
        assert _cell(root, f"{col}3").get("s") == _cell(root, f"{col}2").get("s"), col
    wb = load_workbook(path)
    ws = wb[schema.CHANGES.sheet]
    assert ws["G4"].fill.fgColor.rgb == "00FFFF00"
    assert ws["A4"].number_format == '[$-411]ggge"年"m"月"d"日"'


def test_a_date_written_into_a_general_cell_gets_a_date_format(tmp_path: Path) -> None:
    """A clerk typed a row below with no formats; its new dates must not show as serials."""
    spec = schema.REGISTER
    path = build(
        tmp_path / "g.xlsx", world_rows(base_world()), edit=_register_world_with_rows_below
    )
    col = spec.columns.index(spec.col("approved")) + 1

    def how(engine: Engine) -> None:
        raw = engine.read_table(spec)
        engine.write_cells(raw, "approved", {1: dt.date(2026, 1, 5)})
        engine.write_cells(raw, "memo", {1: dt.datetime(2026, 1, 5, 10, 30)})
        engine.write_cells(raw, "skills", {1: dt.time(10, 30)})

    _write(path, how)
    wb = load_workbook(path)
    ws = wb[spec.sheet]
    assert ws.cell(row=4, column=col).value == dt.datetime(2026, 1, 5)
    assert ws.cell(row=4, column=col).number_format == '[$-411]ggge"年"m"月"d"日"'
    assert ws["Y4"].value == dt.datetime(2026, 1, 5, 10, 30)
    assert ws["M4"].value == dt.time(10, 30)
    last = get_column_letter(len(spec.columns))
    assert wb[spec.sheet].tables[spec.table].ref == f"A1:{last}4"  # grew to the row typed below


def test_links_are_internal_hyperlinks_with_the_hyperlink_style(tmp_path: Path) -> None:
    path = build(tmp_path / "l.xlsx", world_rows(base_world()))
    _write(path, replace_issues)
    wb = load_workbook(path)
    ws = wb[schema.ISSUES.sheet]
    assert ws["H2"].hyperlink.location == "'登録名簿'!F2"
    assert ws["H2"].hyperlink.display == "登録名簿!F2"
    assert ws["H2"].style == "Hyperlink" and ws["H2"].font.u == "single"
    assert ws["H3"].hyperlink is None and ws["H3"].style == "Normal"
    assert ws["H2"].number_format == "@"  # the column's text format stays
    wb.close()
    # A second run with no link in the first row: the link, and its look, go.
    _write(path, lambda e: e.replace_rows(schema.ISSUES, ISSUES[1:2]))
    wb = load_workbook(path)
    ws = wb[schema.ISSUES.sheet]
    assert ws["H2"].hyperlink is None and ws["H2"].style == "Normal"
    assert not ws._hyperlinks and len(ws.tables[schema.ISSUES.table].ref) > 0
    wb.close()
    root = _sheet_xml(path, schema.ISSUES.sheet)
    assert root.find(f"{MAIN}hyperlinks") is None


def test_table_and_sheet_ranges_follow_the_rows(tmp_path: Path) -> None:
    path = build(tmp_path / "r.xlsx", world_rows(base_world()))
    _write(path, replace_issues)
    assert _sheet_xml(path, schema.ISSUES.sheet).find(f"{MAIN}dimension").get("ref") == "A1:H4"
    table = _table_xml(path, schema.ISSUES.table)
    assert table.get("ref") == "A1:H4"
    assert table.find(f"{MAIN}autoFilter").get("ref") == "A1:H4"
    _write(path, lambda e: e.replace_rows(schema.ISSUES, []))
    assert _table_xml(path, schema.ISSUES.table).get("ref") == "A1:H2"  # one blank row stays
    assert _sheet_xml(path, schema.ISSUES.sheet).find(f"{MAIN}dimension").get("ref") == "A1:H2"


def test_every_rewritten_sheet_keeps_the_schema_order(tmp_path: Path) -> None:
    from hikisup_xl import actions

    from .test_patch_actions import mistakes_world

    path = build(tmp_path / "o.xlsx", world_rows(mistakes_world()))
    actions.check(PatchEngine(path), dt.date(2026, 11, 26))
    parts = members(path)
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            names = [etree.QName(el).localname for el in etree.fromstring(data)]
            ranks = [WORKSHEET_ORDER.index(n) for n in names]
            assert ranks == sorted(ranks), (name, names)
            rows = [int(r.get("r")) for r in etree.fromstring(data).iter(f"{MAIN}row")]
            assert rows == sorted(rows), name


def test_an_overwritten_formula_leaves_no_orphans_and_no_calc_chain(tmp_path: Path) -> None:
    """A shared formula's master cell overwritten: its dependants keep their values, and the
    calculation chain that lists the old formula cells goes (Excel rebuilds it)."""
    spec = schema.REGISTER
    path = build(tmp_path / "f.xlsx", world_rows(base_world()))
    part = sheet_part(members(path), spec.sheet)

    def formulas(parts: dict[str, bytes]) -> None:
        xml = parts[part].decode()
        xml = xml.replace(
            '<c r="A2" s="2" t="inlineStr"><is><t>001</t></is></c>',
            '<c r="A2" s="2" t="str"><f t="shared" ref="A2:A3" si="0">"00"&amp;"1"</f><v>001</v></c>',
        )
        xml = xml.replace(
            "</sheetData>",
            '<row r="3"><c r="A3" t="str"><f t="shared" si="0"/><v>001</v></c></row></sheetData>',
        )
        parts[part] = xml.encode()
        parts["xl/calcChain.xml"] = (
            b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<c r="A2" i="1"/><c r="A3"/></calcChain>'
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/calcChain" Target="calcChain.xml" Id="rIdCc"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
        )

    rewrite(path, formulas)
    _write(path, lambda e: e.write_cells(e.read_table(spec), "reg_no", {0: "009"}))
    parts = members(path)
    xml = parts[part].decode()
    assert "<f>" not in xml and "<f " not in xml  # A3 keeps its value, not an orphan formula
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in parts["[Content_Types].xml"]
    assert calamine_values(path)[spec.sheet][1][0] == "009"
    assert calamine_values(path)[spec.sheet][2][0] == "001"


def test_an_external_link_replaced_takes_its_relationship_along(tmp_path: Path) -> None:
    path = build(tmp_path / "e.xlsx", world_rows(base_world()))
    part = sheet_part(members(path), schema.ISSUES.sheet)
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"

    def external(parts: dict[str, bytes]) -> None:
        parts[part] = parts[part].replace(
            b"<pageMargins",
            b'<hyperlinks><hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships" ref="H2" r:id="rIdX"/></hyperlinks><pageMargins',
        )
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/hyperlink" Target="https://example.jp/" TargetMode="External" '
            b'Id="rIdX"/></Relationships>',
        )

    rewrite(path, external)
    _write(path, replace_issues)
    parts = members(path)
    assert b"example.jp" not in parts[rels]
    assert b"rIdX" not in parts[part]
    assert _links(path, schema.ISSUES.sheet) == {"H2": "'登録名簿'!F2", "H4": "'受講者'!C4"}


def test_the_1904_date_system_is_respected(tmp_path: Path) -> None:
    path = build(tmp_path / "m.xlsx", world_rows(base_world()))

    def mac(parts: dict[str, bytes]) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"<workbookPr/>", b'<workbookPr date1904="1"/>'
        )

    rewrite(path, mac)
    _write(path, append_changes)
    spec = schema.CHANGES
    rows = PatchEngine(path).read_table(spec).rows
    assert [r[0] for r in rows[-2:]] == [dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 2)]
    wb = load_workbook(path)
    assert wb[spec.sheet]["A4"].value == dt.datetime(2026, 11, 2)
    assert re.search(rb"<v>\d+</v>", members(path)[sheet_part(members(path), spec.sheet)])


def test_untouched_members_are_copied_raw_with_their_zip_entries(tmp_path: Path) -> None:
    from .util import raw_members

    path = build(tmp_path / "z.xlsx", world_rows(base_world()))
    before_raw = raw_members(path)
    with zipfile.ZipFile(path) as zf:
        before = {i.filename: i for i in zf.infolist()}
    _write(path, lambda e: e.append_rows(schema.CHANGES, CHANGES[:1]))
    after_raw = raw_members(path)
    with zipfile.ZipFile(path) as zf:
        after = {i.filename: i for i in zf.infolist()}
    changed = {n for n in before if before_raw[n] != after_raw.get(n)}
    parts = members(path)
    tables = [n for n, d in parts.items() if n.startswith("xl/tables/") and b'"tChanges"' in d]
    assert changed == {sheet_part(parts, schema.CHANGES.sheet), *tables}
    assert list(after) == list(before)  # same members, same order
    for name in set(before) - changed:
        a, b = before[name], after[name]
        assert (a.date_time, a.compress_type, a.external_attr, a.create_system) == (
            b.date_time,
            b.compress_type,
            b.external_attr,
            b.create_system,
        ), name
