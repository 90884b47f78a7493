"""Write form layouts as an .xlsx: one print-ready A4 worksheet per Sheet.

The parts are written directly (strings into a zip), not through openpyxl: a forms workbook is
small and fully known in advance (text cells, a few dozen styles, merges, print setup), and
building openpyxl objects for it cost more than the rest of a 100-certificate run before
LibreOffice. The output is what openpyxl wrote for the same layout, part for part in meaning:
the same fonts, alignments, borders, merges, widths, heights, print areas and page setup.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..core.grid import address, col_letter
from .layout import (
    EXCEL_DIGIT_PX,
    FONT_NAMES,
    MM_PER_PT,
    NORMAL_FACE,
    NORMAL_SIZE,
    Block,
    Edge,
    Frame,
    Sheet,
    Style,
    break_lines,
)
from .stacking import print_stacks

MM_PER_INCH = 25.4
SCREEN_DPI = 96.0
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
# Characters XML 1.0 cannot carry (a pasted control character must not break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Sides = dict[str, Edge]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
A4_PAPER = 9
MAX_COLUMN_INDEX = 16383  # a row break spans every column (0-based last column)
# What Excel itself writes for these fonts: Japanese charset, Roman (明朝) or Modern (ゴシック).
SHIFT_JIS_CHARSET = 128
FONT_FAMILY = {"mincho": 1, "gothic": 3}
_SIDES = ("left", "right", "top", "bottom")
# LibreOffice lays out rows the way Excel does only for files whose application starts with
# "Microsoft Excel" (without it every row prints a little taller); openpyxl wrote the same.
APP_PROPERTIES = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / hikisup_xl</Application></Properties>"
)


def column_width(mm: float) -> float:
    """Excel column width (in Normal-font digits) for `mm` millimetres."""
    return round(mm / MM_PER_INCH * SCREEN_DPI / EXCEL_DIGIT_PX, 4)


def row_height(mm: float) -> float:
    """Excel row height (points) for `mm` millimetres."""
    return round(mm / MM_PER_PT, 2)


def unique_title(name: str, used: set[str]) -> str:
    """A valid worksheet name (no []:*?/\\', at most 31 characters) not yet in `used`."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip() or "帳票"
    title = base[:SHEET_NAME_MAX]
    n = 2
    while title.casefold() in used:
        suffix = f"({n})"
        title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return title


@dataclass
class FormsBook:
    """The forms workbook to write: titled sheets and the document properties."""

    sheets: list[tuple[str, Sheet]]
    title: str = ""
    creator: str = "hikisup_xl"

    @property
    def sheetnames(self) -> list[str]:
        return [title for title, _sheet in self.sheets]

    def save(self, path: Path | str) -> None:
        """Write the .xlsx to `path` (callers make it atomic: see safety.save_beside)."""
        _write(path, [(title, sheet, ()) for title, sheet in self.sheets], self)

    def save_for_print(self, path: Path | str, width_factor: float = 1.0) -> None:
        """Write the copy LibreOffice prints: the same pages, alike sheets stacked (stacking.py),
        columns narrowed by `width_factor` (pdf.IPAEX_WIDTH_FACTOR)."""
        stacks = print_stacks([sheet for _title, sheet in self.sheets])
        sheets = [(f"p{i}", sheet, breaks) for i, (sheet, breaks) in enumerate(stacks)]
        _write(path, sheets, self, width_factor)


def _write(
    path: Path | str,
    sheets: list[tuple[str, Sheet, tuple[int, ...]]],
    book: FormsBook,
    width_factor: float = 1.0,
) -> None:
    styles, strings = _Styles(), _Strings()
    parts = [
        _sheet_xml(sheet, i == 0, styles, strings, breaks, width_factor)
        for i, (_title, sheet, breaks) in enumerate(sheets)
    ]
    titled = [(title, sheet) for title, sheet, _breaks in sheets]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _content_types(len(parts)))
        z.writestr("_rels/.rels", _root_rels())
        z.writestr("docProps/core.xml", _core(book.title, book.creator))
        z.writestr("docProps/app.xml", APP_PROPERTIES)
        z.writestr("xl/workbook.xml", _workbook(titled))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(parts)))
        z.writestr("xl/styles.xml", styles.xml())
        z.writestr("xl/sharedStrings.xml", strings.xml())
        for i, part in enumerate(parts, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", part)


def render(sheets: Iterable[Sheet], *, title: str = "") -> FormsBook:
    """A workbook with one print-ready worksheet per Sheet (names made valid and unique)."""
    used: set[str] = set()
    titled = []
    for sheet in sheets:
        name = unique_title(sheet.name, used)
        used.add(name.casefold())
        titled.append((name, sheet))
    return FormsBook(titled, title)


# --------------------------------------------------------------------------- styles


def _font_xml(style: Style) -> str:
    return (
        "<font>"
        + ("<b/>" if style.bold else "")
        + ('<u val="single"/>' if style.underline else "")
        + f'<sz val="{_num(style.size)}"/>'
        + f"<name val={quoteattr(FONT_NAMES[style.face])}/>"
        + f'<family val="{FONT_FAMILY[style.face]}"/>'
        + f'<charset val="{SHIFT_JIS_CHARSET}"/>'
        + "</font>"
    )


def _alignment_xml(style: Style) -> str:
    attrs = f'horizontal="{style.h}" vertical="{style.v}"'
    if style.wrap:
        attrs += ' wrapText="1"'
    if style.shrink:
        attrs += ' shrinkToFit="1"'
    if style.indent:
        attrs += f' indent="{style.indent}"'
    return f"<alignment {attrs}/>"


def _border_xml(sides: tuple[tuple[str, Edge], ...]) -> str:
    edges = dict(sides)
    inner = "".join(f'<{s} style="{edges[s]}"/>' if s in edges else f"<{s}/>" for s in _SIDES)
    return f"<border>{inner}<diagonal/></border>"


class _Styles:
    """Fonts, borders and cell formats, each added once; index 0 is the Normal format."""

    def __init__(self) -> None:
        self.fonts = [_font_xml(Style(face=NORMAL_FACE, size=NORMAL_SIZE))]
        self.borders = [_border_xml(())]
        self.xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self._font_ids: dict[str, int] = {self.fonts[0]: 0}
        self._border_ids: dict[tuple[tuple[str, Edge], ...], int] = {(): 0}
        self._xf_ids: dict[tuple[Style | None, tuple[tuple[str, Edge], ...]], int] = {(None, ()): 0}

    def xf(self, style: Style | None, sides: tuple[tuple[str, Edge], ...]) -> int:
        """The cell format for a block's style (None: an unstyled cell) with these borders."""
        key = (style, sides)
        found = self._xf_ids.get(key)
        if found is not None:
            return found
        font = 0 if style is None else self._font(style)
        border = self._border(sides)
        attrs = f'numFmtId="0" fontId="{font}" fillId="0" borderId="{border}" xfId="0"'
        if font:
            attrs += ' applyFont="1"'
        if border:
            attrs += ' applyBorder="1"'
        if style is None:
            xml = f"<xf {attrs}/>"
        else:
            xml = f'<xf {attrs} applyAlignment="1">{_alignment_xml(style)}</xf>'
        self.xfs.append(xml)
        self._xf_ids[key] = len(self.xfs) - 1
        return len(self.xfs) - 1

    def _font(self, style: Style) -> int:
        xml = _font_xml(style)
        if xml not in self._font_ids:
            self.fonts.append(xml)
            self._font_ids[xml] = len(self.fonts) - 1
        return self._font_ids[xml]

    def _border(self, sides: tuple[tuple[str, Edge], ...]) -> int:
        if sides not in self._border_ids:
            self.borders.append(_border_xml(sides))
            self._border_ids[sides] = len(self.borders) - 1
        return self._border_ids[sides]

    def xml(self) -> str:
        return (
            f'<styleSheet xmlns="{MAIN_NS}">'
            f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            f'<borders count="{len(self.borders)}">{"".join(self.borders)}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class _Strings:
    """The shared string table: each distinct text once."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, text: str) -> int:
        text = _NOT_XML.sub("", text)
        if text not in self.ids:
            self.ids[text] = len(self.ids)
        return self.ids[text]

    def xml(self) -> str:
        items = "".join(f"<si>{_t(text)}</si>" for text in self.ids)
        return f'<sst xmlns="{MAIN_NS}" count="{len(self.ids)}" uniqueCount="{len(self.ids)}">{items}</sst>'


def _t(text: str) -> str:
    """A <t> element; spaces at either end are kept only when marked (as Excel marks them)."""
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{escape(text)}</t>'
    return f"<t>{escape(text)}</t>"


# --------------------------------------------------------------------------- worksheets


def _broken(block: Block, sheet: Sheet) -> str:
    """A block's text, wrapped text broken into lines by us: Excel and LibreOffice know no 禁則."""
    style = block.style
    if not (block.text and style.wrap):
        return block.text
    width_mm = sum(sheet.col_mm[block.col : block.last_col + 1])
    lines = break_lines(block.text, width_mm, style.size, style.indent)
    return "\n".join(lines) if lines else block.text


def _sheet_xml(
    sheet: Sheet,
    first: bool,
    styles: _Styles,
    strings: _Strings,
    breaks: tuple[int, ...] = (),
    width_factor: float = 1.0,
) -> str:
    """A worksheet fitted to the page width; a form made tall by long text goes on to a second
    page rather than printing its body below 10.5 pt (#11), so the height is never fitted.
    `width_factor` narrows the columns of a print copy for a renderer that lays them wider."""
    n_rows, n_cols = len(sheet.row_mm), len(sheet.col_mm)
    cells: dict[tuple[int, int], tuple[Style | None, str]] = {}
    for block in sheet.blocks:
        cells[block.row, block.col] = (block.style, _broken(block, sheet))
    borders = _borders(sheet)
    for rc in borders:
        cells.setdefault(rc, (None, ""))

    rows: dict[int, list[str]] = {}
    for (r, c), (style, text) in sorted(cells.items()):
        sides = tuple(sorted(borders.get((r, c), {}).items()))
        s = styles.xf(style, sides)
        ref = address(r + 1, c + 1)
        if text:
            rows.setdefault(r, []).append(
                f'<c r="{ref}" s="{s}" t="s"><v>{strings.id(text)}</v></c>'
            )
        else:
            rows.setdefault(r, []).append(f'<c r="{ref}" s="{s}"/>')
    data = "".join(
        f'<row r="{r + 1}" ht="{_num(row_height(mm))}" customHeight="1">'
        + "".join(rows.get(r, ()))
        + "</row>"
        for r, mm in enumerate(sheet.row_mm)
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{_num(round(column_width(mm) / width_factor, 4))}" customWidth="1"/>'
        for i, mm in enumerate(sheet.col_mm, start=1)
    )
    merges = [
        f'<mergeCell ref="{address(b.row + 1, b.col + 1)}:{address(b.last_row + 1, b.last_col + 1)}"/>'
        for b in sheet.blocks
        if b.rows > 1 or b.cols > 1
    ]
    merged = f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else ""
    setup = sheet.setup
    inch = 1 / MM_PER_INCH
    centred = ""
    if setup.center_h:
        centred += ' horizontalCentered="1"'
    if setup.center_v:
        centred += ' verticalCentered="1"'
    return (
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="{address(1, 1)}:{address(n_rows, n_cols)}"/>'
        "<sheetViews><sheetView"
        + (' tabSelected="1"' if first else "")
        + ' showGridLines="0" view="pageBreakPreview" zoomScale="100" zoomScaleNormal="100"'
        ' zoomScaleSheetLayoutView="100" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{cols}</cols>"
        f"<sheetData>{data}</sheetData>"
        f"{merged}"
        + (f"<printOptions{centred}/>" if centred else "")
        + f'<pageMargins left="{_num(setup.left * inch)}" right="{_num(setup.right * inch)}"'
        f' top="{_num(setup.top * inch)}" bottom="{_num(setup.bottom * inch)}"'
        ' header="0" footer="0"/>'
        f'<pageSetup paperSize="{A4_PAPER}" orientation="portrait" fitToWidth="1"'
        ' fitToHeight="0"/>' + _row_breaks(breaks) + "</worksheet>"
    )


def _row_breaks(breaks: tuple[int, ...]) -> str:
    """Manual page breaks after these rows (1-based, as Excel counts them)."""
    if not breaks:
        return ""
    items = "".join(f'<brk id="{r}" max="{MAX_COLUMN_INDEX}" man="1"/>' for r in breaks)
    return f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">{items}</rowBreaks>'


def _borders(sheet: Sheet) -> dict[tuple[int, int], Sides]:
    """The border sides of every grid cell, from the blocks' frames and the page outline."""
    out: dict[tuple[int, int], Sides] = {}

    def add(r: int, c: int, side: str, edge: Edge | None) -> None:
        if edge is not None:
            out.setdefault((r, c), {})[side] = edge

    def frame(top: int, left: int, bottom: int, right: int, f: Frame) -> None:
        for c in range(left, right + 1):
            add(top, c, "top", f.top)
            add(bottom, c, "bottom", f.bottom)
        for r in range(top, bottom + 1):
            add(r, left, "left", f.left)
            add(r, right, "right", f.right)

    for b in sheet.blocks:
        if not b.frame.empty:
            frame(b.row, b.col, b.last_row, b.last_col, b.frame)
    for x in sheet.boxes:
        frame(x.row, x.col, x.row + x.rows - 1, x.col + x.cols - 1, x.frame)
    if sheet.setup.outline is not None:
        last_r, last_c = len(sheet.row_mm) - 1, len(sheet.col_mm) - 1
        frame(0, 0, last_r, last_c, Frame.box(sheet.setup.outline))
    return out


# --------------------------------------------------------------------------- package parts


def _num(value: float) -> str:
    """A number as XML writes it: 11 not 11.0."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _print_area(title: str, sheet: Sheet) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    last = f"${col_letter(len(sheet.col_mm))}${len(sheet.row_mm)}"
    return f"{quoted}!${col_letter(1)}$1:{last}"


def _workbook(sheets: list[tuple[str, Sheet]]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
        for i, (title, _sheet) in enumerate(sheets, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">'
        f"{escape(_print_area(title, sheet))}</definedName>"
        for i, (title, sheet) in enumerate(sheets)
    )
    return (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{entries}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(count: int) -> str:
    rels = [
        f'<Relationship Id="rId{i}" Type="{DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    ]
    rels.append(f'<Relationship Id="rId{count + 1}" Type="{DOC_REL}/styles" Target="styles.xml"/>')
    rels.append(
        f'<Relationship Id="rId{count + 2}" Type="{DOC_REL}/sharedStrings"'
        ' Target="sharedStrings.xml"/>'
    )
    return f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'


def _root_rels() -> str:
    return (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT_MAIN}.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT_MAIN}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT_MAIN}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT_MAIN}.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


def _core(title: str, creator: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = 'xsi:type="dcterms:W3CDTF"'
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + (f"<dc:title>{escape(_NOT_XML.sub('', title))}</dc:title>" if title else "")
        + f"<dc:creator>{escape(creator)}</dc:creator>"
        f"<dcterms:created {stamp}>{now}</dcterms:created>"
        f"<dcterms:modified {stamp}>{now}</dcterms:modified>"
        "</cp:coreProperties>"
    )
