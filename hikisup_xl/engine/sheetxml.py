"""One worksheet part edited in place: cells, rows, hyperlinks and the dimension.

Only what the engine writes changes. Rows and cells keep their order (new ones are inserted in
place), a changed cell keeps its other attributes, and every other element of the worksheet
(column widths, conditional formats, validations, drawings, extensions...) stays as it was.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Collection, Iterator
from typing import Literal

from lxml import etree  # type: ignore[import-untyped]

from ..core.grid import ORIGIN, col_index, col_letter
from ..core.grid import span as format_range
from .ooxml import (
    DOC_REL_NS,
    MAX_COL,
    XML_NS,
    Element,
    PackageError,
    local,
    parse_range,
    parse_ref,
    parse_xml,
    to_bytes,
)

# CT_Worksheet's sequence (ECMA-376 18.3.1.99): where a new child element goes.
WORKSHEET_ORDER = (
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
# Excel wraps oleObjects and controls in mc:AlternateContent; it stands where they would.
_ALTERNATE_RANK = WORKSHEET_ORDER.index("oleObjects")

# An A1 range inside a formula: groups are column and row of each end (with their $ signs).
_A1_RANGE = re.compile(r"(\$?[A-Z]{1,3}\$?)([0-9]+):(\$?[A-Z]{1,3}\$?)([0-9]+)")


def grow_ranges(formula: str, data_row: int, old_end: int, new_end: int) -> str:
    """The formula with each A1 range over rows data_row..old_end ending at new_end instead."""

    def grow(m: re.Match[str]) -> str:
        if int(m.group(2)) == data_row and int(m.group(4)) == old_end:
            return f"{m.group(1)}{m.group(2)}:{m.group(3)}{new_end}"
        return m.group(0)

    return _A1_RANGE.sub(grow, formula)


CellKind = Literal["n", "b", "s", ""]  # number, boolean, (inline) string, no value
CellValue = tuple[CellKind, str]


def _rank(element: Element) -> int | None:
    name = local(element.tag)
    if name in WORKSHEET_ORDER:
        return WORKSHEET_ORDER.index(name)
    if name == "AlternateContent":
        return _ALTERNATE_RANK
    return None


def needs_preserve(text: str) -> bool:
    """Whether Excel would trim this text without xml:space="preserve"."""
    return text != text.strip() or "\n" in text or "\t" in text or "  " in text


def cell_xml(row: int, col: int, value: CellValue, style: int | None) -> bytes:
    """A new cell as set_value writes it (lxml's serialisation, byte for byte)."""
    return inline_cell_xml(f"{col_letter(col)}{row}", value, style).encode()


def formula_xml(row: int, col: int, formula: str, style: int | None) -> bytes:
    """A new cell with a formula and no value, as set_formula writes it."""
    s = f' s="{style}"' if style else ""
    body = formula.translate(_TEXT_ESCAPES)
    return f'<c r="{col_letter(col)}{row}"{s}><f>{body}</f></c>'.encode()


# Splitting a worksheet part's <sheetData> into rows without parsing them (see from_bytes).
_SHEET_DATA_OPEN = re.compile(rb"<((?:\w+:)?)sheetData\b([^>]*?)(/?)>")
_ROW_OPEN = re.compile(rb"<((?:\w+:)?)row\b([^>]*?)(/?)>")
_ROW_NUMBER = re.compile(rb'\sr="([0-9]{1,7})"')
_CELL_COL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})[0-9]')
# Every cell tag of an unparsed row, and the column of its reference (when it has one).
_CELL_TAG = re.compile(rb"<(?:\w+:)?c(?=[\s/>])([^>]*)>")
_REF_COL = re.compile(rb'\sr="([A-Z]{1,3})[0-9]')
# What a text node escapes when lxml serialises it (the raw rows must read back the same).
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def split_rows(data: bytes) -> tuple[bytes, dict[int, bytes]] | None:
    """The part without its rows (an empty <sheetData>), and each row's XML by row number; None
    when the rows are not plainly laid out (no r=, out of order, comments, CDATA...), for the
    caller to parse the whole part instead."""
    opened = _SHEET_DATA_OPEN.search(data)
    if opened is None or opened.group(3) or b"xmlns" in opened.group(2):
        return None
    prefix = opened.group(1)
    close = data.find(b"</" + prefix + b"sheetData>", opened.end())
    if close < 0:
        return None
    body = data[opened.end() : close]
    if b"<!" in body or b"<?" in body:
        return None
    rows: dict[int, bytes] = {}
    pos, last = 0, 0
    end_tag = b"</" + prefix + b"row>"
    while True:
        row = _ROW_OPEN.search(body, pos)
        if row is None:
            if body[pos:].strip():
                return None
            break
        if body[pos : row.start()].strip() or row.group(1) != prefix:
            return None
        number = _ROW_NUMBER.search(row.group(2))
        if number is None or int(number.group(1)) <= last:
            return None
        last = int(number.group(1))
        if row.group(3):  # <row .../>
            stop = row.end()
        else:
            stop = body.find(end_tag, row.end())
            if stop < 0:
                return None
            stop += len(end_tag)
        rows[last] = body[row.start() : stop]
        pos = stop
    return data[: opened.end()] + data[close:], rows


def _raw_extent(raw: bytes) -> tuple[int, int] | None:
    """First and last column of an unparsed row's cells (cells are in column order)."""
    first = _CELL_COL.search(raw)
    if first is None:
        return None
    last = None
    for tag in (b"<c ", b":c "):
        at = raw.rfind(tag)
        while at >= first.start() and last is None:
            last = _CELL_COL.match(raw, at if tag == b"<c " else raw.rfind(b"<", 0, at))
            at = raw.rfind(tag, 0, at)
        if last is not None:
            break
    end = last or first
    return col_index(first.group(1).decode()), col_index(end.group(1).decode())


_NEW_CELL_COL = re.compile(r'<c r="([A-Z]{1,3})[0-9]')


def _new_cells_extent(first: str, last: str) -> tuple[int, int]:
    """First and last column of a row this engine writes: its first and last cell's XML."""
    a, b = _NEW_CELL_COL.match(first), _NEW_CELL_COL.match(last)
    assert a is not None and b is not None, (first, last)
    return col_index(a.group(1)), col_index(b.group(1))


def _plain_within(raw: bytes, min_col: int, max_col: int) -> bool:
    """Whether an unparsed row holds no formula and only cells, each with its reference,
    within columns min_col..max_col: removing those cells then removes the whole row."""
    if b"<f" in raw or b":f" in raw:
        return False
    for attrs in _CELL_TAG.findall(raw):
        ref = _REF_COL.search(attrs)
        if ref is None or not min_col <= col_index(ref.group(1).decode()) <= max_col:
            return False
    return True


def inline_cell_xml(ref: str, value: CellValue, style: int | None) -> str:
    """A new cell as SheetEditor.set_value makes it and lxml writes it (inline strings)."""
    return f'<c r="{ref}"' + inline_cell_tail(value, style)


def inline_cell_tail(value: CellValue, style: int | None) -> str:
    """inline_cell_xml after the reference: the same for every row of a column and value."""
    kind, text = value
    s = f' s="{style}"' if style else ""
    if kind == "s":
        space = ' xml:space="preserve"' if needs_preserve(text) else ""
        body = text.translate(_TEXT_ESCAPES)
        return f'{s} t="inlineStr"><is><t{space}>{body}</t></is></c>'
    if kind == "n":
        return f"{s}><v>{text}</v></c>"
    if kind == "b":
        return f'{s} t="b"><v>{text}</v></c>'
    return f"{s}/>"


class SheetEditor:
    """A worksheet part open for editing. Made with from_bytes, rows stay unparsed bytes until
    a change touches them and are written back as they were: editing 10 cells of a 10,000-row
    sheet parses 10 rows, not the sheet (lxml would take hundreds of MB for the whole)."""

    @classmethod
    def from_bytes(cls, data: bytes, part: str) -> SheetEditor:
        split = split_rows(data)
        if split is None:
            return cls(parse_xml(data, part), part)
        shell, rows = split
        editor = cls(parse_xml(shell, part), part)
        editor._raw = rows
        editor._order = sorted(rows)
        editor._lazy = True
        return editor

    def __init__(self, root: Element, part: str) -> None:
        if local(root.tag) != "worksheet":
            raise PackageError(f"{part}: not a worksheet")
        self.root = root
        self.part = part
        self._ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        data = root.find(self._q("sheetData"))
        if data is None:
            data = root.makeelement(self._q("sheetData"), {})
            self._insert(data)
        self.data = data
        self.dirty = False  # something changed: the part must be written
        self.formulas_removed = False  # the calculation chain must then be dropped
        self.removed_rel_ids: set[str] = set()  # of external hyperlinks removed
        self._orphans: set[str] = set()  # shared formulas whose master cell was overwritten
        self._rows: dict[int, Element] = {}
        self._order: list[int] = []
        self._cells: dict[int, tuple[list[int], dict[int, Element]]] = {}
        self._touched: set[int] = set()
        self._links: dict[tuple[int, int], list[Element]] | None = None
        self._col_styles: list[tuple[int, int, int]] | None = None
        self._raw: dict[int, bytes] = {}  # rows not parsed yet (from_bytes)
        # First and last column of the rows this editor added as bytes: known when they are
        # made, so finish() need not search tens of thousands of new rows for them.
        self._raw_extents: dict[int, tuple[int, int]] = {}
        self._lazy = False  # rows parsed on demand: finish() puts them back in order
        previous = 0
        for el in data:
            if local(el.tag) != "row":
                continue
            r = el.get("r")
            number = int(r) if r and r.isdigit() else previous + 1
            if not r:
                el.set("r", str(number))
            self._rows.setdefault(number, el)
            previous = number
        self._order = sorted(self._rows)

    def _q(self, name: str) -> str:
        return f"{{{self._ns}}}{name}" if self._ns else name

    def _insert(self, child: Element) -> None:
        rank = _rank(child)
        assert rank is not None
        for existing in self.root:
            other = _rank(existing)
            if other is not None and other > rank:
                existing.addprevious(child)
                return
        self.root.append(child)

    # -- rows and cells --------------------------------------------------------------------
    def _element(self, row: int) -> Element | None:
        """The row's element, parsed now if it was still bytes."""
        el = self._rows.get(row)
        if el is None and row in self._raw:
            el = self._parse_row(self._raw.pop(row))
            self.data.append(el)  # finish() puts the rows in order
            self._rows[row] = el
        return el

    def _parse_row(self, raw: bytes) -> Element:
        declared = b"".join(
            b' xmlns%s="%s"' % (b":" + k.encode() if k else b"", v.encode())
            for k, v in self.root.nsmap.items()
        )
        wrapper = parse_xml(b"<w" + declared + b">" + raw + b"</w>", self.part)
        return wrapper[0]

    def takes_raw_rows(self) -> bool:
        """Whether new rows can be added as bytes (add_raw_row): the rows are kept unparsed
        and the sheet's cells are in the default namespace, as Excel writes them."""
        return self._lazy and bool(self._ns) and self.root.nsmap.get(None) == self._ns

    def has_row(self, row: int) -> bool:
        return row in self._rows or row in self._raw

    def add_raw_row(self, row: int, cells: list[str]) -> None:
        """A new row (that has no element yet) from its cells' XML (inline_cell_xml, in column
        order): many fresh rows cost no lxml element each, and finish() writes them as given."""
        assert self.takes_raw_rows() and not self.has_row(row)
        self._raw[row] = f'<row r="{row}">{"".join(cells)}</row>'.encode()
        self._raw_extents[row] = _new_cells_extent(cells[0], cells[-1])
        if self._order and row > self._order[-1]:
            self._order.append(row)
        else:
            bisect.insort(self._order, row)
        self.dirty = True

    def delete_block(self, first: int, last: int, min_col: int, max_col: int) -> None:
        """delete_cells for each row first..last: a row still unparsed whose cells all lie in
        the block, with no formula, goes as bytes, without being parsed."""
        lo, hi = bisect.bisect_left(self._order, first), bisect.bisect_right(self._order, last)
        gone: set[int] = set()
        for row in self._order[lo:hi]:
            raw = self._raw.get(row)
            if raw is not None and _plain_within(raw, min_col, max_col):
                del self._raw[row]
                gone.add(row)
                self.dirty = True
            else:
                self.delete_cells(row, min_col, max_col)
        if gone:
            self._order = [r for r in self._order if r not in gone]

    def remove_links_at(self, rows: range, cols: Collection[int]) -> None:
        """remove_links for every cell of `rows` x `cols` (one look at the links, not one per
        cell)."""
        index = self._link_index()
        for row, col in [k for k in index if k[0] in rows and k[1] in cols]:
            self.remove_links(row, row, col, col)

    def _parse_all(self) -> None:
        for row in list(self._raw):
            self._element(row)

    def _row_cells(self, row: int) -> tuple[list[int], dict[int, Element]]:
        found = self._cells.get(row)
        if found is not None:
            return found
        cols: list[int] = []
        cells: dict[int, Element] = {}
        el = self._element(row)
        previous = 0
        for c in el if el is not None else ():
            if local(c.tag) != "c":
                continue
            ref = c.get("r")
            if ref:
                col = parse_ref(ref)[1]
            else:
                col = previous + 1
                c.set("r", f"{col_letter(col)}{row}")
            if col not in cells:
                cells[col] = c
                cols.append(col)
            previous = col
        cols.sort()
        self._cells[row] = (cols, cells)
        return cols, cells

    def _row(self, row: int, *, create: bool) -> Element | None:
        el = self._element(row)
        if el is None and create:
            el = self.data.makeelement(self._q("row"), {"r": str(row)})
            i = bisect.bisect_left(self._order, row)
            after = self._rows.get(self._order[i]) if i < len(self._order) else None
            if self._lazy or after is None:
                self.data.append(el)  # finish() puts lazily parsed rows in order
            else:
                after.addprevious(el)
            self._order.insert(i, row)
            self._rows[row] = el
            self._cells[row] = ([], {})
        return el

    def cell(self, row: int, col: int, *, create: bool) -> Element | None:
        row_el = self._row(row, create=create)
        if row_el is None:
            return None
        cols, cells = self._row_cells(row)
        c = cells.get(col)
        if c is None and create:
            c = row_el.makeelement(self._q("c"), {"r": f"{col_letter(col)}{row}"})
            i = bisect.bisect_left(cols, col)
            if i < len(cols):
                cells[cols[i]].addprevious(c)
            elif len(row_el) and local(row_el[-1].tag) == "extLst":
                row_el[-1].addprevious(c)
            else:
                row_el.append(c)
            cols.insert(i, col)
            cells[col] = c
            self._touched.add(row)
        return c

    def style_of(self, row: int, col: int) -> int | None:
        """The cell's `s` (0 when it has none), or None when there is no such cell."""
        c = self.cell(row, col, create=False)
        if c is None:
            return None
        s = c.get("s", "0")
        return int(s) if s.isdigit() else 0

    def styles(self) -> Iterator[tuple[int, int, int]]:
        """(row, column, style) of every cell that has a style."""
        for row in list(self._order):
            cols, cells = self._row_cells(row)
            for col in cols:
                s = cells[col].get("s")
                if s and s.isdigit() and s != "0":
                    yield row, col, int(s)

    def column_style(self, col: int) -> int | None:
        """The default style of a column (`<col style=...>`), if it has one."""
        if self._col_styles is None:
            self._col_styles = []
            cols = self.root.find(self._q("cols"))
            for el in cols if cols is not None else ():
                style, lo, hi = el.get("style"), el.get("min", ""), el.get("max", "")
                if style and style.isdigit() and lo.isdigit() and hi.isdigit():
                    self._col_styles.append((int(lo), int(hi), int(style)))
        for lo, hi, style in self._col_styles:
            if lo <= col <= hi:
                return style
        return None

    def set_value(self, row: int, col: int, value: CellValue, style: int | None) -> None:
        """Give the cell `value` (creating it in place), and `style` unless that is None."""
        kind, text = value
        c = self.cell(row, col, create=True)
        assert c is not None
        self.dirty = True
        self._clear(c)
        if style is not None and (style != 0 or c.get("s") is not None):
            c.set("s", str(style))
        if kind == "s":
            c.set("t", "inlineStr")
            holder = c.makeelement(self._q("is"), {})
            t = c.makeelement(self._q("t"), {})
            t.text = text
            if needs_preserve(text):
                t.set(f"{{{XML_NS}}}space", "preserve")
            holder.append(t)
            c.insert(0, holder)
        elif kind in ("n", "b"):
            if kind == "b":
                c.set("t", "b")
            v = c.makeelement(self._q("v"), {})
            v.text = text
            c.insert(0, v)

    def can_add_rows(self, first: int, last: int) -> bool:
        """Whether rows first..last can be added as bytes (add_rows): none of them exists, the
        rows are kept as bytes (from_bytes) and the cells' namespace is the default one."""
        if not self._lazy or self.root.prefix is not None:
            return False
        i = bisect.bisect_left(self._order, first)
        return i == len(self._order) or self._order[i] > last

    def add_rows(self, rows: dict[int, list[bytes]]) -> None:
        """New rows (can_add_rows), each given as its cells' XML (cell_xml) in column order:
        written as they are, never parsed (a fresh 登録期間履歴 or snapshot of 10,000 rows
        would otherwise be that many lxml rows)."""
        for row, cells in rows.items():
            self._raw[row] = b'<row r="%d">%s</row>' % (row, b"".join(cells))
            # the reference is ASCII at the start of a cell: latin-1 reads it whatever follows
            first, last = cells[0][:24].decode("latin-1"), cells[-1][:24].decode("latin-1")
            self._raw_extents[row] = _new_cells_extent(first, last)
            bisect.insort(self._order, row)
        self.dirty = True

    def has_formula(self, row: int, col: int) -> bool:
        c = self.cell(row, col, create=False)
        return c is not None and c.find(self._q("f")) is not None

    def set_formula(self, row: int, col: int, formula: str, style: int | None) -> None:
        """Give the cell a formula and no value: Excel computes it on opening."""
        c = self.cell(row, col, create=True)
        assert c is not None
        self.dirty = True
        self._clear(c)
        if style is not None and (style != 0 or c.get("s") is not None):
            c.set("s", str(style))
        f = c.makeelement(self._q("f"), {})
        f.text = formula
        c.insert(0, f)

    def clear(self, row: int, col: int) -> None:
        """Remove the cell's value (and formula); its style stays."""
        c = self.cell(row, col, create=False)
        if c is not None:
            self.dirty = True
            self._clear(c)

    def _clear(self, c: Element) -> None:
        for child in list(c):
            name = local(child.tag)
            if name == "f":
                self.formulas_removed = True
                if child.get("t") == "shared" and child.get("ref") is not None:
                    self._orphans.add(child.get("si", ""))
                c.remove(child)
            elif name in ("v", "is"):
                c.remove(child)
        for attr in ("t", "cm", "vm"):
            c.attrib.pop(attr, None)

    def delete_cells(self, row: int, min_col: int, max_col: int) -> None:
        """Remove the cells of columns min_col..max_col; a row left without cells goes too."""
        for c in self._detach(row, min_col, max_col):
            self._clear(c)

    def _detach(self, row: int, min_col: int, max_col: int) -> list[Element]:
        """Take the cells of columns min_col..max_col out of the row (which goes if empty)."""
        row_el = self._element(row)
        if row_el is None:
            return []
        cols, cells = self._row_cells(row)
        self.dirty = True
        out = []
        for col in [c for c in cols if min_col <= c <= max_col]:
            c = cells.pop(col)
            row_el.remove(c)
            cols.remove(col)
            out.append(c)
        self._touched.add(row)
        if not cols:
            self.data.remove(row_el)
            del self._rows[row]
            del self._cells[row]
            self._order.remove(row)
        return out

    def delete_rows_from(self, first: int) -> None:
        """Remove every row from `first` down (the snapshot sheet's data)."""
        for row in [r for r in self._order if r >= first]:
            raw = self._raw.get(row)
            if raw is not None and b"<f" not in raw and b":f" not in raw:
                del self._raw[row]  # no formula to account for: gone without parsing
                self._order.remove(row)
                self.dirty = True
                continue
            self.delete_cells(row, 1, MAX_COL)

    def rows(self) -> list[int]:
        """The sheet rows that have a <row> element, in order."""
        return list(self._order)

    def move_cells(self, row: int, to_row: int, min_col: int, max_col: int) -> None:
        """Move the cells of columns min_col..max_col from `row` to `to_row` (whose cells there
        go), formulas as they are: Excel's insertion of table rows above a Total Row."""
        self.delete_cells(to_row, min_col, max_col)
        for c in self._detach(row, min_col, max_col):
            col = parse_ref(c.get("r", ORIGIN))[1]
            target = self.cell(to_row, col, create=True)
            assert target is not None
            target.attrib.update(c.attrib)
            target.set("r", f"{col_letter(col)}{to_row}")
            for child in list(c):
                target.append(child)
                if local(child.tag) == "f":
                    self.formulas_removed = True  # the calculation chain names the old cells

    def grow_ranges(
        self, first: int, count: int, data_row: int, old_end: int, new_end: int
    ) -> None:
        """In the formulas of rows first..first+count-1 (a Total Row), ranges that spanned the
        data rows data_row..old_end now end at new_end (structured references need nothing)."""
        for row in range(first, first + count):
            _, cells = self._row_cells(row)
            for c in cells.values():
                f = c.find(self._q("f"))
                if f is not None and f.text:
                    text = grow_ranges(f.text, data_row, old_end, new_end)
                    if text != f.text:
                        f.text = text
                        self.dirty = True

    # -- hyperlinks ------------------------------------------------------------------------
    def _link_index(self) -> dict[tuple[int, int], list[Element]]:
        if self._links is None:
            self._links = {}
            holder = self.root.find(self._q("hyperlinks"))
            for el in holder if holder is not None else ():
                if local(el.tag) != "hyperlink":
                    continue
                try:
                    min_col, min_row, _, _ = parse_range(el.get("ref", ""))
                except PackageError:
                    continue
                self._links.setdefault((min_row, min_col), []).append(el)
        return self._links

    def set_link(self, row: int, col: int, location: str, display: str) -> None:
        """An internal hyperlink on the cell (replacing one it had)."""
        self.remove_links(row, row, col, col)
        self.dirty = True
        holder = self.root.find(self._q("hyperlinks"))
        if holder is None:
            holder = self.root.makeelement(self._q("hyperlinks"), {})
            self._insert(holder)
        el = holder.makeelement(
            self._q("hyperlink"),
            {"ref": f"{col_letter(col)}{row}", "location": location, "display": display},
        )
        holder.append(el)
        self._link_index().setdefault((row, col), []).append(el)

    def remove_links(self, min_row: int, max_row: int, min_col: int, max_col: int) -> None:
        """Remove the hyperlinks that start in the given block of cells."""
        index = self._link_index()
        if not index:
            return
        if min_row == max_row and min_col == max_col:
            keys = [(min_row, min_col)] if (min_row, min_col) in index else []
        else:
            keys = [(r, c) for r, c in index if min_row <= r <= max_row and min_col <= c <= max_col]
        for key in keys:
            self.dirty = True
            for el in index.pop(key):
                rid = el.get(f"{{{DOC_REL_NS}}}id")
                if rid:
                    self.removed_rel_ids.add(rid)
                el.getparent().remove(el)
        holder = self.root.find(self._q("hyperlinks"))
        if holder is not None and not any(local(el.tag) == "hyperlink" for el in holder):
            self.root.remove(holder)

    # -- output ----------------------------------------------------------------------------
    def _fix_orphans(self) -> None:
        """A shared formula's dependants cannot outlive its master: they keep their value."""
        if not self._orphans:
            return
        self._parse_all()
        for c in self.data.iter(self._q("c")):
            f = c.find(self._q("f"))
            if (
                f is not None
                and f.get("t") == "shared"
                and f.get("ref") is None
                and f.get("si") in self._orphans
            ):
                c.remove(f)
        self._orphans.clear()

    def _extent(self, row_el: Element) -> tuple[int, int] | None:
        """First and last column of a row's cells (cells are in column order)."""
        cells = [row_el[0]] if len(row_el) and local(row_el[0].tag) == "c" else []
        if not cells:
            cells = [c for c in row_el if local(c.tag) == "c"][:1]
        if not cells:
            return None
        last = row_el[-1]
        if local(last.tag) != "c":
            last = [c for c in row_el if local(c.tag) == "c"][-1]
        return parse_ref(cells[0].get("r", ORIGIN))[1], parse_ref(last.get("r", ORIGIN))[1]

    def finish(self) -> bytes:
        self._fix_orphans()
        for row in self._touched:
            row_el = self._rows.get(row)
            if row_el is not None and row_el.get("spans") is not None:
                extent = self._extent(row_el)
                if extent is None:
                    del row_el.attrib["spans"]
                else:
                    row_el.set("spans", f"{extent[0]}:{extent[1]}")
        bounds: list[int] | None = None
        for row in self._order:
            raw = self._raw.get(row)
            if raw is None:
                extent = self._extent(self._rows[row])
            else:
                extent = self._raw_extents.get(row) or _raw_extent(raw)
            if extent is None:
                continue
            if bounds is None:
                bounds = [extent[0], row, extent[1], row]
            else:
                bounds = [min(bounds[0], extent[0]), bounds[1], max(bounds[2], extent[1]), row]
        ref = format_range(*bounds) if bounds else ORIGIN
        dimension = self.root.find(self._q("dimension"))
        if dimension is None:
            dimension = self.root.makeelement(self._q("dimension"), {})
            self._insert(dimension)
        dimension.set("ref", ref)
        if not self._lazy:
            return to_bytes(self.root)
        return self._with_raw_rows()

    def _with_raw_rows(self) -> bytes:
        """The part with every row in order: parsed ones serialised, the others as read."""
        for el in list(self.data):
            self.data.remove(el)
        token = os.urandom(8).hex()  # secrets.token_hex(8), without its import
        chunks: list[bytes] = []
        run: list[bytes] = []
        for row in self._order:
            raw = self._raw.get(row)
            if raw is not None:
                run.append(raw)
                continue
            if run:
                self.data.append(etree.Comment(f"{token}-{len(chunks)}"))
                chunks.append(b"".join(run))
                run = []
            self.data.append(self._rows[row])
        if run:
            self.data.append(etree.Comment(f"{token}-{len(chunks)}"))
            chunks.append(b"".join(run))
        pieces = re.split(b"<!--" + token.encode() + b"-([0-9]+)-->", to_bytes(self.root))
        # pieces alternate: serialised XML, a chunk's number, serialised XML, ...
        for k in range(1, len(pieces), 2):
            pieces[k] = chunks[int(pieces[k])]
        return b"".join(pieces)
