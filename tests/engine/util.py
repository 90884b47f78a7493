"""Helpers for the patch engine's tests: workbooks on disk, read back by openpyxl and calamine,
and the things Excel puts in a workbook that openpyxl would drop."""

from __future__ import annotations

import datetime as dt
import html
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from conftest import TODAY, Rows
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from python_calamine import CalamineWorkbook

from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.files import save_atomic
from hikisup_xl.template import build_workbook

__all__ = ["TODAY"]

Grid = list[tuple[object, ...]]


def build(
    path: Path,
    rows: dict[str, Rows] | None = None,
    *,
    settings: Settings | None = None,
    edit: Callable[[Workbook], None] | None = None,
) -> Path:
    """A hikisup workbook from the template builder, optionally edited with openpyxl first."""
    wb = build_workbook(settings or Settings(), rows or {})
    if edit is not None:
        edit(wb)
    save_atomic(wb, path, keep_backup=False)
    return path


def norm(value: object) -> object:
    """One spelling for what openpyxl and calamine hand back for the same cell."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        if value.date() == dt.date(1899, 12, 30):
            return value.time()
        if value.time() == dt.time(0):
            return value.date()
    if value == "":
        return None
    return value


def _trim(rows: Iterable[Iterable[object]]) -> Grid:
    out = [tuple(norm(v) for v in r) for r in rows]
    out = [tuple(_rstrip(r)) for r in out]
    while out and not out[-1]:
        out.pop()
    return out


def _rstrip(row: tuple[object, ...]) -> list[object]:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


def openpyxl_values(path: Path, skip: tuple[str, ...] = ()) -> dict[str, Grid]:
    """Every sheet's values from A1, normalised, trailing blanks trimmed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns (in English) about parts it drops
        wb = load_workbook(path)
    try:
        return {
            ws.title: _trim(ws.iter_rows(values_only=True))
            for ws in wb.worksheets
            if ws.title not in skip
        }
    finally:
        wb.close()


def calamine_values(path: Path, skip: tuple[str, ...] = ()) -> dict[str, Grid]:
    book = CalamineWorkbook.from_path(str(path))
    try:
        return {
            name: _trim(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in book.sheet_names
            if name not in skip
        }
    finally:
        book.close()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def raw_members(path: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """Each member as stored: (method, CRC, size, compressed bytes)."""
    data = path.read_bytes()
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name_len, extra_len = struct.unpack_from("<2H", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            out[info.filename] = (
                info.compress_type,
                info.CRC,
                info.file_size,
                data[start : start + info.compress_size],
            )
    return out


def rewrite(path: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """Change the package's members (name → bytes) in place, as another program would."""
    parts = members(path)
    edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The worksheet part of a sheet, by its name."""
    workbook = parts["xl/workbook.xml"].decode()
    rid = re.search(rf'name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', workbook)
    assert rid is not None, sheet
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    for rel in re.findall(r"<Relationship [^>]*>", rels):
        if f'Id="{rid.group(1)}"' in rel:
            target = re.search(r'Target="([^"]+)"', rel)
            assert target is not None
            name = target.group(1)
            return name[1:] if name.startswith("/") else "xl/" + name
    raise AssertionError(rels)


# -- what Excel adds and openpyxl drops --------------------------------------------------------
def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _anchor(col: int, row: int, body: str) -> str:
    return (
        f"<xdr:twoCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to>"
        f"<xdr:col>{col + 2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + 3}</xdr:row>"
        f"<xdr:rowOff>0</xdr:rowOff></xdr:to>{body}<xdr:clientData/></xdr:twoCellAnchor>"
    )


def drawing_xml(with_picture: bool) -> bytes:
    shape = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="メモ"/><xdr:cNvSpPr/>'
        '</xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="571500"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody>'
        "<a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>手書きのメモ</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
    )
    picture = (
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="印影"/><xdr:cNvPicPr/></xdr:nvPicPr>'
        '<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
    )
    anchors = _anchor(30, 2, shape) + (_anchor(30, 8, picture) if with_picture else "")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}" xmlns:r="{R}">{anchors}</xdr:wsDr>'
    ).encode()


X14_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1"><x14:formula1>'
    "<xm:f>設定!$A$2:$A$5</xm:f></x14:formula1><xm:sqref>AE2:AE100</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)
CUSTOM_ITEM = b'<?xml version="1.0" encoding="UTF-8"?><hikisup xmlns="urn:example:city">\xe6\x9e\xb6\xe7\xa9\xba\xe5\xb8\x82</hikisup>'
CUSTOM_PROPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
    b'<ds:datastoreItem ds:itemID="{6E1A7A60-3B5A-4C0E-9E2A-1D5B2C3A4B5C}" '
    b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
    b"<ds:schemaRefs/></ds:datastoreItem>"
)

# The members add_extras puts in (drawings per sheet, image, custom XML).
EXTRA_MEMBERS = (
    "xl/media/image1.png",
    "customXml/item1.xml",
    "customXml/itemProps1.xml",
    "customXml/_rels/item1.xml.rels",
)


def add_extras(path: Path, sheets: Iterable[str], ext_only: Iterable[str] = ()) -> list[str]:
    """Give each of `sheets` a drawing (a shape; the first one a picture too) and an x14
    extension, give `ext_only` sheets the extension alone, and add a custom XML part.
    Returns the names of every member added or changed on the way."""
    touched: list[str] = list(EXTRA_MEMBERS)

    def edit(parts: dict[str, bytes]) -> None:
        types = parts["[Content_Types].xml"].decode()
        overrides = ['<Default Extension="png" ContentType="image/png"/>']
        for n, sheet in enumerate(sheets, start=1):
            part = sheet_part(parts, sheet)
            drawing = f"xl/drawings/drawing{n}.xml"
            parts[drawing] = drawing_xml(with_picture=n == 1)
            touched.append(drawing)
            overrides.append(
                f'<Override PartName="/{drawing}" '
                'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
            )
            if n == 1:
                rels = f"xl/drawings/_rels/drawing{n}.xml.rels"
                parts[rels] = (
                    f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{REL}/image" Target="../media/image1.png"/>'
                    "</Relationships>"
                ).encode()
                touched.append(rels)
            sheet_rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            parts[sheet_rels] = parts[sheet_rels].replace(
                b"</Relationships>",
                f'<Relationship Type="{REL}/drawing" Target="/{drawing}" Id="rIdDr"/>'
                "</Relationships>".encode(),
            )
            touched.append(sheet_rels)
            xml = parts[part].decode()
            xml = xml.replace("<tableParts", f'<drawing xmlns:r="{R}" r:id="rIdDr"/><tableParts')
            parts[part] = xml.replace("</worksheet>", X14_EXT + "</worksheet>").encode()
        for sheet in ext_only:
            part = sheet_part(parts, sheet)
            xml = parts[part].decode()
            parts[part] = xml.replace("</worksheet>", X14_EXT + "</worksheet>").encode()
            touched.append(part)
        parts["xl/media/image1.png"] = tiny_png()
        parts["customXml/item1.xml"] = CUSTOM_ITEM
        parts["customXml/itemProps1.xml"] = CUSTOM_PROPS
        parts["customXml/_rels/item1.xml.rels"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/customXmlProps" Target="itemProps1.xml"/></Relationships>'
        )
        overrides.append(
            '<Override PartName="/customXml/itemProps1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>'
        )
        parts["[Content_Types].xml"] = types.replace(
            "</Types>", "".join(overrides) + "</Types>"
        ).encode()
        wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = wb_rels.replace(
            "</Relationships>",
            f'<Relationship Type="{REL}/customXml" Target="../customXml/item1.xml" Id="rIdCx"/>'
            "</Relationships>",
        ).encode()

    rewrite(path, edit)
    return touched


def excel_like(path: Path) -> Path:
    """Store the package as Excel does: strings in sharedStrings.xml (with a furigana run, as
    Japanese Excel adds), rows with spans, relative relationship targets, XML declarations."""
    cell = re.compile(r'<c r="([A-Z]+\d+)"([^>]*) t="inlineStr"><is><t([^>]*)>(.*?)</t></is></c>')

    def edit(parts: dict[str, bytes]) -> None:
        strings: dict[str, int] = {}

        def shared(m: re.Match[str]) -> str:
            text = m.group(4)
            index = strings.setdefault(text, len(strings))
            return f'<c r="{m.group(1)}"{m.group(2)} t="s"><v>{index}</v></c>'

        for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
            xml = cell.sub(shared, parts[name].decode())
            xml = re.sub(r'<row r="(\d+)"', r'<row r="\1" spans="1:40"', xml)
            parts[name] = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + xml
            ).encode()
        items = "".join(
            f'<si><t xml:space="preserve">{text}</t><rPh sb="0" eb="1"><t>ヨミ</t></rPh>'
            '<phoneticPr fontId="1"/></si>'
            for text in strings
        )
        parts["xl/sharedStrings.xml"] = (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
        ).encode()
        _link_shared_strings(parts)

    return rewrite(path, edit)


def drop_snapshot_sheet(path: Path) -> Path:
    """A workbook made before the template carried the hidden snapshot sheet."""
    wb = load_workbook(path)
    del wb["_前回値"]
    save_atomic(wb, path, keep_backup=False)
    return path


# -- text typed through the Japanese IME, as Excel stores it -----------------------------------
_KANJI = re.compile(r"[\u3400-\u9fff々〆ヶ]+")
# CT_Worksheet's children after <phoneticPr>: it goes before the first of them.
_AFTER_PHONETIC = (
    "conditionalFormatting|dataValidations|hyperlinks|printOptions|pageMargins|pageSetup|"
    "headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|smartTags|"
    "drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
    "webPublishItems|tableParts|extLst"
)


def katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def phonetic_runs(text: str, kana: str | None) -> list[tuple[int, int, str]]:
    """The runs Excel keeps for `text` typed through the IME: a name typed word by word with
    its ふりがな gives one run per word (山田　太郎 → (0,2,ヤマダ), (3,5,タロウ)); other text one
    run over each group of kanji (a placeholder reading: the tests never read it)."""
    if kana and text.count("　") == kana.count("　"):
        runs, at = [], 0
        for word, reading in zip(text.split("　"), kana.split("　"), strict=True):
            runs.append((at, at + len(word), katakana(reading)))
            at += len(word) + 1
        return runs
    return [(m.start(), m.end(), "ヨミ") for m in _KANJI.finditer(text)]


def ime_string(text: str, kana: str | None, *, preserve: bool = False) -> str:
    """One <si> as Japanese Excel writes a typed string: the text, its phonetic runs, and
    the phonetic properties (a name column set to show ひらがな; text without kanji kept
    as typed)."""
    plain = html.unescape(text)
    runs = phonetic_runs(plain, kana)
    space = ' xml:space="preserve"' if preserve else ""
    body = "".join(
        f'<rPh sb="{sb}" eb="{eb}"><t>{html.escape(reading, quote=False)}</t></rPh>'
        for sb, eb, reading in runs
    )
    kind = ' type="Hiragana"' if kana else "" if runs else ' type="noConversion"'
    text = html.escape(plain, quote=False)  # Excel writes the characters, not &#NNNN;
    return f'<si><t{space}>{text}</t>{body}<phoneticPr fontId="1"{kind}/></si>'


def ime_typed(path: Path, names: dict[str, str]) -> Path:
    """Store the package as Japanese Excel stores text typed through the IME: every string
    in sharedStrings.xml with its phonetic runs and <phoneticPr> (`names`: 氏名 → ふりがな,
    the readings the IME kept for each name; the name cells show their furigana, ph="1"),
    and a <phoneticPr> on every sheet. Otherwise as excel_like."""
    cell = re.compile(r'<c r="([A-Z]+\d+)"([^>]*) t="inlineStr"><is><t([^>]*)>(.*?)</t></is></c>')

    def edit(parts: dict[str, bytes]) -> None:
        strings: dict[str, int] = {}
        preserve: set[str] = set()

        def shared(m: re.Match[str]) -> str:
            text = m.group(4)
            index = strings.setdefault(text, len(strings))
            if "preserve" in m.group(3):
                preserve.add(text)
            ph = ' ph="1"' if html.unescape(text) in names else ""
            return f'<c r="{m.group(1)}"{m.group(2)} t="s"{ph}><v>{index}</v></c>'

        for name in [n for n in parts if re.fullmatch(r"xl/worksheets/sheet[^/]*\.xml", n)]:
            xml = cell.sub(shared, parts[name].decode())
            xml = re.sub(r'<row r="(\d+)"', r'<row r="\1" spans="1:40"', xml)
            if "<phoneticPr" not in xml:
                after = re.search(rf"<({_AFTER_PHONETIC})[ >/]", xml)
                at = after.start() if after else xml.index("</worksheet>")
                xml = xml[:at] + '<phoneticPr fontId="1"/>' + xml[at:]
            parts[name] = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + xml
            ).encode()
        items = "".join(
            ime_string(text, names.get(html.unescape(text)), preserve=text in preserve)
            for text in strings
        )
        parts["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
        ).encode()
        _link_shared_strings(parts)

    return rewrite(path, edit)


def _link_shared_strings(parts: dict[str, bytes]) -> None:
    """Declare xl/sharedStrings.xml (content type, workbook relationship) and write the
    relationships relative, as Excel does."""
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace('Target="/xl/', 'Target="')
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Type="{REL}/sharedStrings" Target="sharedStrings.xml" Id="rIdSS"/>'
        "</Relationships>",
    ).encode()
    for name in [n for n in parts if n.startswith("xl/worksheets/_rels/")]:
        parts[name] = parts[name].replace(b'Target="/xl/tables/', b'Target="../tables/')
