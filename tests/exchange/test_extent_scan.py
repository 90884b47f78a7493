"""The sheet-extent check of safe_read (#14): its byte scans agree with a real XML parser.

A national 集約 pays this check 1,741 times, so it scans bytes instead of building elements.
Every way of writing a far cell must still be seen: r not first, a '>' inside a quoted value,
a namespace prefix, single quotes, an entity in r, cells without r, a part read in chunks.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.files import safe_read

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows: str, root_attrs: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}{root_attrs}>'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


GOOD = _sheet(
    "".join(
        f'<row r="{n}"><c r="A{n}" t="n"><v>{n}</v></c><c r="B{n}"><v>1</v></c></row>'
        for n in range(1, 50)
    )
)
FAR = {
    "plain": _sheet('<row r="1"><c r="XFD1048576"><v>1</v></c></row>'),
    "r_not_first": _sheet('<row r="1"><c s="0" r="XFD1"><v>1</v></c></row>'),
    "gt_in_value": _sheet('<row r="1"><c x="a>b" r="XFD1"><v>1</v></c></row>'),
    "single_quotes": _sheet("<row r='1'><c r='XFD1'><v>1</v></c></row>"),
    "prefixed": _sheet('<row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></row>', ' xmlns:x="urn:x"'),
    "entity_in_r": _sheet('<row r="1"><c r="&#88;FD1"><v>1</v></c></row>'),
    "far_row": _sheet('<row r="1048576"><c><v>1</v></c></row>'),
    "many_cells_without_r": _sheet(
        "<row>" + "<c><v>1</v></c>" * (safe_read.MAX_COLS + 1) + "</row>"
    ),
    "many_rows_without_r": _sheet("<row/>" * (safe_read.MAX_ROWS + 1)),
}


def _zip(sheet: bytes) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


PATHS = ("whole", "chunked", "tree")


def _check(sheet: bytes, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if path == "chunked":  # the scan of a large part: force it, in small chunks
        monkeypatch.setattr(safe_read, "WHOLE_PART_BYTES", 0)
        monkeypatch.setattr(safe_read, "_CHUNK", 7)
    if path == "tree":  # the element-by-element path (a UTF-16 part takes it)
        monkeypatch.setattr(safe_read, "_ascii_compatible", lambda zf, name: False)
    safe_read._check_extent(Path("x.xlsx"), _zip(sheet), "xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("path", PATHS)
def test_an_ordinary_sheet_passes_every_path(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(GOOD, path, monkeypatch)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", sorted(FAR))
def test_a_far_cell_is_seen_however_it_is_written(
    case: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case == "many_rows_without_r" and path == "chunked":
        monkeypatch.setattr(safe_read, "_CHUNK", 1 << 16)  # 7-byte chunks would take minutes
        monkeypatch.setattr(safe_read, "WHOLE_PART_BYTES", 0)
        path = "whole-sized chunks"
    with pytest.raises(HikisupError, match="シートが大きすぎます"):
        _check(FAR[case], path, monkeypatch)


@pytest.mark.parametrize("path", PATHS)
def test_broken_xml_is_refused_on_every_path(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(HikisupError, match="シートのXMLが壊れています"):
        _check(GOOD.replace(b"</sheetData>", b"</sheetDat>"), path, monkeypatch)


def test_a_utf16_sheet_is_read_by_the_parser_not_the_byte_scan() -> None:
    text = FAR["plain"].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    zf = _zip(text.encode("utf-16"))
    assert not safe_read._ascii_compatible(zf, "xl/worksheets/sheet1.xml")
    with pytest.raises(HikisupError, match="シートが大きすぎます"):
        safe_read._check_extent(Path("x.xlsx"), zf, "xl/worksheets/sheet1.xml")
