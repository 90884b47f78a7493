"""National consolidation (#14 item 6): files read in a process pool, the same result as one
process, bad files reported by name among good ones, the big table streamed into a valid file."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from stats_helpers import TODAY, consolidate, municipality, report

from hikisup_xl.files import xlsxout
from hikisup_xl.files.fileformat import checksum
from hikisup_xl.progress import showing
from hikisup_xl.stats import receive as receive_module
from hikisup_xl.stats.consolidate import Consolidation
from hikisup_xl.stats.consolidate import consolidate as consolidate_folder
from hikisup_xl.stats.consolidate_book import build_workbook
from hikisup_xl.stats.receive import ERROR, OK, receive_all

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ooxml.validator import validate

ACTIVITIES = {"甲市": 40, "乙町": 25, "丙村": 12}
COPIES = 6  # renamed copies: enough files for the pool to share out


def _charrefs(text: str) -> bytes:
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()


def renamed(source: Path, target: Path, old: str, new: str) -> Path:
    """An upward file of another body: only the manifest's 実施主体 and the title change (the
    checksum covers the data rows, which stay), as bench/consolidate_bench.py makes them."""
    pairs = [(old.encode(), new.encode()), (_charrefs(old), _charrefs(new))]
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            for a, b in pairs:
                part = part.replace(a, b)
            dst.writestr(info, part, compress_type=zipfile.ZIP_DEFLATED)
    return target


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("national_books")
    box = tmp_path_factory.mktemp("national_inbox")
    for body, n in ACTIVITIES.items():
        book = municipality(work / f"{body}.xlsx", body, n)
        assert report(book, "--out", box / f"{body}.xlsx").exit_code == 0
    for i in range(COPIES):
        body = ("甲市", "乙町", "丙村")[i % 3]
        renamed(box / f"{body}.xlsx", box / f"写{i}.xlsx", body, f"{body}写{i}")
    return box


def _run(folder: Path, workers: int) -> Consolidation:
    return consolidate_folder(folder, None, None, workers=workers)


def _written(c: Consolidation, out: Path) -> bytes:
    try:
        wb, streamed = build_workbook(c, "架空県", TODAY)
        xlsxout.save_exchange(wb, out, TODAY, None, streamed)
    finally:
        c.close()
    return out.read_bytes()


def test_parallel_result_is_the_serial_result_byte_for_byte(inbox: Path, tmp_path: Path) -> None:
    serial = _run(inbox, workers=1)
    parallel = _run(inbox, workers=2)
    assert [r.row() for r in parallel.received] == [r.row() for r in serial.received]
    assert parallel.bodies == serial.bodies and len(serial.bodies) == 3 + COPIES
    assert parallel.data_checksum == serial.data_checksum
    assert list(parallel.data_rows()) == list(serial.data_rows())
    # the files are reproducible (fixed timestamps): the same figures give the same bytes
    assert _written(parallel, tmp_path / "p.xlsx") == _written(serial, tmp_path / "s.xlsx")


def test_the_pool_keeps_the_order_it_was_given(inbox: Path) -> None:
    files = sorted(inbox.glob("*.xlsx"), reverse=True)
    got = [r.file for r in receive_all(files, None, workers=2)]
    assert got == [p.name for p in files]


def test_files_named_out_of_body_order_give_the_same_workbook(inbox: Path, tmp_path: Path) -> None:
    """The folder's order is not the bodies' order: 集約データ and the totals follow bodies."""
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for n, path in enumerate(sorted(inbox.glob("*.xlsx"), reverse=True)):
        (shuffled / f"{n:02d}.xlsx").write_bytes(path.read_bytes())
    a, b = _run(inbox, workers=2), _run(shuffled, workers=2)
    try:
        assert a.bodies == b.bodies
        assert list(a.data_rows()) == list(b.data_rows())
        assert {k: (f.total, f.hidden) for k, f in a.table.items()} == {
            k: (f.total, f.hidden) for k, f in b.table.items()
        }
        assert a.data_checksum == b.data_checksum
    finally:
        a.close()
        b.close()


def _hostile(box: Path, good: Path) -> dict[str, str]:
    """Bad files beside the good ones; each with what its reason must say."""
    (box / "壊れた.xlsx").write_bytes(b"PK\x03\x04 not a zip at all")
    data = good.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    sheet = next(n for n, p in parts.items() if n.startswith("xl/worksheets/") and b"<c " in p)

    def variant(name: str, edit: bytes) -> None:
        with zipfile.ZipFile(box / name, "w", zipfile.ZIP_DEFLATED) as dst:
            for part, content in parts.items():
                dst.writestr(part, edit if part == sheet else content)

    original = parts[sheet]
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    variant("遠いセル.xlsx", original.replace(b"</sheetData>", far))
    # the far cell hidden from a naive scan: r not first, and a '>' inside a quoted value
    sneaky = b'<row r="9"><c s="0" t="n" x="a>b" r="XFD9"><v>1</v></c></row></sheetData>'
    variant("隠れたセル.xlsx", original.replace(b"</sheetData>", sneaky))
    prefixed = original.replace(b"<worksheet ", b'<worksheet xmlns:x="urn:x" ', 1)
    prefixed = prefixed.replace(
        b"</sheetData>", b'<row r="9"><x:c r="XFD9"><x:v>1</x:v></x:c></row></sheetData>'
    )
    variant("接頭辞.xlsx", prefixed)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    variant("DTD.xlsx", bomb + original.split(b"?>", 1)[-1])
    variant("壊れたXML.xlsx", original.replace(b"</sheetData>", b"</sheetDat>"))
    return {
        "壊れた.xlsx": "Excelブック（.xlsx）ではありません",
        "遠いセル.xlsx": "シートが大きすぎます",
        "隠れたセル.xlsx": "シートが大きすぎます",
        "接頭辞.xlsx": "シートが大きすぎます",
        "DTD.xlsx": "文書型宣言",
        "壊れたXML.xlsx": "シートのXMLが壊れています",
    }


def test_a_bad_file_among_good_ones_is_named_with_its_reason(inbox: Path, tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.mkdir()
    for path in inbox.glob("*.xlsx"):
        (box / path.name).write_bytes(path.read_bytes())
    expected = _hostile(box, inbox / "甲市.xlsx")
    c = _run(box, workers=2)
    try:
        received = {r.file: r for r in c.received}
        for name, reason in expected.items():
            assert received[name].status == ERROR, name
            assert reason in received[name].reason, (name, received[name].reason)
        assert sum(r.status == OK for r in c.received) == 3 + COPIES  # the rest went on
        assert len(c.bodies) == 3 + COPIES
    finally:
        c.close()
    # and through the command: exit 1 (errors listed), the workbook still written
    out = tmp_path / "集約.xlsx"
    result = consolidate(box, out)
    assert result.exit_code == 1, result.output
    for name in expected:
        assert f"[エラー] {name}：" in result.stdout


def test_a_fault_of_the_reader_is_the_file_s_reason_not_the_end(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, password: str | None) -> object:
        raise RuntimeError("reader bug")

    monkeypatch.setattr(receive_module, "receive", broken)
    (r,) = list(receive_all([inbox / "甲市.xlsx"], None, workers=1))
    assert r.status == ERROR and "予期しない問題" in r.reason and "RuntimeError" in r.reason


def test_the_written_workbook_is_valid_and_its_streamed_rows_match_the_manifest(
    inbox: Path, tmp_path: Path
) -> None:
    out = tmp_path / "集約.xlsx"
    _written(_run(inbox, workers=2), out)
    assert validate(out) == []
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_name("集約データ").to_python()
    manifest = {r[0]: r[1] for r in book.get_sheet_by_name("提供情報").to_python()}
    assert manifest["行数"] == str(len(rows) - 1)
    assert manifest["チェックサム（SHA-256）"] == checksum(rows[0], rows[1:])
    bodies = [r[0] for r in rows[1:]]
    assert bodies == sorted(bodies) and len(set(bodies)) == 3 + COPIES
    wb = load_workbook(out)
    ws = wb["集約データ"]
    assert ws.tables["tConsolidated"].ref == f"A1:I{len(rows)}"
    opened = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert len(opened) == len(rows)
    assert [v if v is not None else "" for v in opened[1]] == rows[1]
    value_style = ws.cell(row=2, column=7).number_format  # the template row's style, every row
    assert all(ws.cell(row=n, column=7).number_format == value_style for n in (3, len(rows)))


def test_the_job_reports_progress_file_by_file(inbox: Path, tmp_path: Path) -> None:
    from hikisup_xl.jobs.stats import consolidate as job

    seen: list[tuple[int, int, str]] = []
    with showing(lambda done, total, text: seen.append((done, total, text))):
        job(None, TODAY, inbox, tmp_path / "集約.xlsx", body_name="架空県")
    files = len(list(inbox.glob("*.xlsx")))
    reading = [s for s in seen if "読み込んでいます" in s[2]]
    assert [s[0] for s in reading] == list(range(1, files + 1))
    assert all(total == files + 1 for _, total, _ in reading)
    assert seen[-1][:2] == (files + 1, files + 1) and seen[-1][2] == "完了"


def test_a_consolidation_spools_figures_not_workbooks(inbox: Path) -> None:
    """What the parent keeps of each file is its summary; the figures wait on disk."""
    c = _run(inbox, workers=2)
    try:
        assert all(r.values == {} and r.lines == b"" for r in c.received)
        assert c.data_count == sum(1 for _ in c.data_rows()) > 0
    finally:
        c.close()


@pytest.mark.parametrize(
    ("value", "xml"),
    [
        ("a<b&c>", "a&lt;b&amp;c&gt;"),
        ("bell\x07", "bell_x0007_"),
        (" 前後 ", '<t xml:space="preserve"> 前後 </t>'),
        (12, "<v>12</v>"),
        (1.25, "<v>1.25</v>"),
    ],
)
def test_bulk_rows_escape_what_xml_cannot_hold(value: object, xml: str) -> None:
    from hikisup_xl.files.bulkrows import _cell_tail

    tail = _cell_tail("", value)
    assert tail is not None and xml in tail


def test_bulk_rows_refuse_a_number_excel_cannot_store() -> None:
    from hikisup_xl.files.bulkrows import _cell_tail

    with pytest.raises(ValueError):
        _cell_tail("", float("nan"))


def test_a_figure_that_is_not_a_finite_number_is_refused() -> None:
    """A hostile file can hold NaN or inf where a count goes (with a checksum to match):
    never summed, never written."""
    for bad in (float("nan"), float("inf"), True, "3"):
        with pytest.raises(ValueError):
            receive_module._number(bad)
    assert receive_module._number(3.0) == 3 and receive_module._number(None) is None
