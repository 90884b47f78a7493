"""What staff do to a workbook in Excel, stored as Excel stores it (#12 item 3): a filtered and
sorted register with hidden rows, shared formulas and a calculation chain, comments, a renamed
(custom) table style, frozen panes, furigana runs in the shared strings, a sheet of their own.

Every job must read such a workbook as it reads the plain one (same issues, same table values),
and the patch engine must keep every part of it: untouched parts byte for byte, and inside the
parts it rewrites, the elements staff made.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows
from lxml import etree  # type: ignore[import-untyped]

from hikisup_xl.core import schema
from hikisup_xl.core.grid import address, col_letter
from hikisup_xl.engine import patch
from hikisup_xl.jobs import ledger as actions

from .util import build, excel_like, members, rewrite, sheet_part

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN = f"{{{MAIN_NS}}}"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REG = schema.REGISTER
STYLE = "職員用の表"
MEMO_SHEET = "職員メモ"
COMMENT = "電話は夕方以降"
WIDTH = len(REG.columns)
SHARED = col_letter(WIDTH + 2)  # a clerk's formulas beside the table (one column gap)


def _world() -> dict[str, list[tuple[object, ...]]]:
    w = base_world()
    second = {**w["register"][0], "reg_no": "002", "name": "佐藤　花子", "kana": "さとう　はなこ"}
    w["register"].append(second)
    return world_rows(w)


def _comments_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<comments xmlns="{MAIN_NS}"><authors><author>職員</author></authors><commentList>'
        f'<comment ref="{address(3, 3)}" authorId="0"><text><r><t>{COMMENT}</t></r></text></comment>'
        "</commentList></comments>"
    ).encode()


VML = (
    b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    b' xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t202">'
    b'<x:ClientData ObjectType="Note"><x:Row>2</x:Row><x:Column>2</x:Column></x:ClientData>'
    b"</v:shape></xml>"
)


def _with_r_prefix(xml: str, root: str) -> str:
    start = re.search(rf"<{root}\b[^>]*>", xml)
    if start is not None and "xmlns:r=" in start.group(0):
        return xml
    return re.sub(rf"<{root}\b", f'<{root} xmlns:r="{REL}"', xml, count=1)


def add_habits(path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        sheet = sheet_part(parts, REG.sheet)
        xml = parts[sheet].decode()
        # Filtered (row 3 hidden by a filter on 氏名) and sorted (sortState) by the clerk.
        xml = xml.replace('<row r="3"', '<row r="3" hidden="1"', 1)
        # Shared formulas beside the table, as Excel writes a filled-down formula.
        for row in (2, 3):
            f = (
                f'<f t="shared" ref="{SHARED}2:{SHARED}3" si="0">LEN({address(2, 3)})</f>'
                if row == 2
                else '<f t="shared" si="0"/>'
            )
            cell = f'<c r="{SHARED}{row}">{f}<v>5</v></c>'
            xml = re.sub(rf'(<row r="{row}"[^>]*>.*?)</row>', rf"\1{cell}</row>", xml, count=1)
        # CT_Worksheet's order: legacyDrawing (the notes' VML) before tableParts and extLst.
        at = re.search(r"<tableParts[ >]|<extLst[ >]|</worksheet>", xml)
        assert at is not None
        xml = xml[: at.start()] + '<legacyDrawing r:id="rIdVml"/>' + xml[at.start() :]
        xml = _with_r_prefix(xml, "worksheet")
        parts[sheet] = xml.encode()
        rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdCm" Type="{REL}/comments" Target="../comments1.xml"/>'
            f'<Relationship Id="rIdVml" Type="{REL}/vmlDrawing" '
            'Target="../drawings/vmlDrawing1.vml"/></Relationships>'.encode(),
        )
        parts["xl/comments1.xml"] = _comments_xml()
        parts["xl/drawings/vmlDrawing1.vml"] = VML
        # The table: a filter on 氏名, a sort, and the clerk's own table style.
        tpart = next(n for n in parts if n.startswith("xl/tables/") and b'"tRegister"' in parts[n])
        table = parts[tpart].decode()
        auto = re.search(r"<autoFilter [^>]*?/>", table)
        assert auto is not None
        ref = re.search(r'ref="([^"]+)"', auto.group(0))
        assert ref is not None
        table = table.replace(
            auto.group(0),
            f'<autoFilter ref="{ref.group(1)}"><filterColumn colId="2"><filters>'
            '<filter val="山田　太郎"/></filters></filterColumn></autoFilter>'
            f'<sortState ref="{address(2, 1)}:{address(3, WIDTH)}"><sortCondition '
            f'ref="{address(2, 2)}:{address(3, 2)}"/></sortState>',
        )
        table = re.sub(r'tableStyleInfo name="[^"]*"', f'tableStyleInfo name="{STYLE}"', table)
        parts[tpart] = table.encode()
        styles = parts["xl/styles.xml"].decode()
        custom = (
            f'<tableStyles count="1"><tableStyle name="{STYLE}" pivot="0" count="0"/></tableStyles>'
        )
        styles = re.sub(r"<tableStyles[^>]*/>|<tableStyles.*?</tableStyles>", "", styles)
        at = re.search(r"<colors[ >]|<extLst[ >]|</styleSheet>", styles)  # CT_Stylesheet's order
        assert at is not None
        styles = styles[: at.start()] + custom + styles[at.start() :]
        parts["xl/styles.xml"] = styles.encode()
        # A calculation chain naming the formula cells, and a sheet of the clerk's own.
        parts["xl/calcChain.xml"] = (
            f'<calcChain xmlns="{MAIN_NS}"><c r="{SHARED}2" i="1"/><c r="{SHARED}3"/></calcChain>'
        ).encode()
        parts["xl/worksheets/sheetMemo.xml"] = (
            f'<worksheet xmlns="{MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '</sheetView></sheetViews><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            "引き継ぎ</t></is></c></row></sheetData></worksheet>"
        ).encode()
        wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = wb_rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdCalc" Type="{REL}/calcChain" Target="calcChain.xml"/>'
            f'<Relationship Id="rIdMemo" Type="{REL}/worksheet" Target="worksheets/sheetMemo.xml"/>'
            "</Relationships>",
        ).encode()
        workbook = parts["xl/workbook.xml"].decode()
        ids = [int(i) for i in re.findall(r'sheetId="(\d+)"', workbook)]
        memo = f'<sheet name="{MEMO_SHEET}" sheetId="{max(ids) + 1}" r:id="rIdMemo"/>'
        workbook = _with_r_prefix(workbook.replace("</sheets>", memo + "</sheets>"), "workbook")
        parts["xl/workbook.xml"] = workbook.encode()
        types = parts["[Content_Types].xml"].decode()
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts["[Content_Types].xml"] = types.replace(
            "</Types>",
            f'<Override PartName="/xl/comments1.xml" ContentType="{ct}.comments+xml"/>'
            f'<Override PartName="/xl/calcChain.xml" ContentType="{ct}.calcChain+xml"/>'
            f'<Override PartName="/xl/worksheets/sheetMemo.xml" ContentType="{ct}.worksheet+xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            "</Types>",
        ).encode()

    rewrite(path, edit)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    plain = excel_like(build(tmp_path_factory.mktemp("plain") / "名簿.xlsx", _world()))
    habits = tmp_path_factory.mktemp("habits") / "名簿.xlsx"
    habits.write_bytes(plain.read_bytes())
    add_habits(habits)
    return {"plain": plain, "habits": habits}


ADDED = ("xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/sheetMemo.xml")


@pytest.mark.parametrize("reader", ["calamine", "xml"])
@pytest.mark.parametrize("verb", ["check", "number", "expiries"])
def test_jobs_read_and_keep_what_staff_did(
    books: dict[str, Path], tmp_path: Path, verb: str, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if reader == "xml":  # the reader that takes over for far cells must read it alike
        monkeypatch.setattr(patch, "dense_enough", lambda data: False)
    results = {}
    tables = {}
    for kind, source in books.items():
        path = tmp_path / kind / "名簿.xlsx"
        path.parent.mkdir()
        path.write_bytes(source.read_bytes())
        results[kind] = actions.ACTIONS[verb](patch.PatchEngine(path), TODAY)
        engine = patch.PatchEngine(path)
        tables[kind] = {s.table: engine.read_table(s).rows for s in (REG, schema.TRAINEES)}
    assert results["habits"].issues == results["plain"].issues
    assert results["habits"].counts == results["plain"].counts
    assert tables["habits"] == tables["plain"]
    assert len(tables["habits"][REG.table]) == 2  # the hidden row is a person too

    before, after = members(books["habits"]), members(tmp_path / "habits" / "名簿.xlsx")
    for part in ADDED:
        assert after[part] == before[part], part
    if "xl/calcChain.xml" in after:  # kept only while its cells keep their formulas
        assert after["xl/calcChain.xml"] == before["xl/calcChain.xml"]
        assert b"calcChain" in after["xl/_rels/workbook.xml.rels"]
    sheet = etree.fromstring(after[sheet_part(after, REG.sheet)])
    rows = {r.get("r"): r for r in sheet.iter(f"{MAIN}row")}
    assert rows["3"].get("hidden") == "1"
    assert sheet.find(f".//{MAIN}pane").get("state") == "frozen"
    assert sheet.find(f"{MAIN}legacyDrawing") is not None
    shared = [c for c in sheet.iter(f"{MAIN}c") if c.get("r", "").startswith(SHARED)]
    assert [c.find(f"{MAIN}f").get("t") for c in shared] == ["shared", "shared"]
    tpart = next(n for n in after if n.startswith("xl/tables/") and b'"tRegister"' in after[n])
    table = etree.fromstring(after[tpart])
    assert table.find(f"{MAIN}tableStyleInfo").get("name") == STYLE
    assert table.find(f"{MAIN}autoFilter/{MAIN}filterColumn") is not None
    assert table.find(f"{MAIN}sortState") is not None
    assert f'name="{STYLE}"'.encode() in after["xl/styles.xml"]
    assert f'name="{MEMO_SHEET}"'.encode() in after["xl/workbook.xml"]
