"""Cell values of one worksheet part, read straight from its XML and bounded to some columns.

Why not a spreadsheet library: python-calamine allocates the sheet's whole extent (one value at
XFD1048576 asks for 512 GiB and aborts the process) and panics on serials outside its date
range (a Rust panic is a BaseException). This reader streams the XML (lxml iterparse, each
element freed once read) and keeps only the cells of the columns asked for, so memory follows
the data, not the extent. Values are typed as openpyxl hands them over: text, bool, int for a
whole number, float, and a datetime/time/timedelta where the cell's number format shows one
(styles.xml decides, Excel's way, eras and weekdays included). A serial no date can hold stays
the number it is, for the rules to report at its cell.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree  # type: ignore[import-untyped]

from .ooxml import MAIN_NS, Element, PackageError, iter_elements, parse_ref
from .xlstyles import DateKind, StyleBook

Rows = dict[int, dict[int, object]]  # sheet row -> sheet column -> value (only cells with one)

_C = f"{{{MAIN_NS}}}c"
_ROW = f"{{{MAIN_NS}}}row"
_V = f"{{{MAIN_NS}}}v"
_IS = f"{{{MAIN_NS}}}is"
_T = f"{{{MAIN_NS}}}t"
_R = f"{{{MAIN_NS}}}r"
_SI = f"{{{MAIN_NS}}}si"
_SAFE_INT = 2**53
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def run_text(holder: Element) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t>s; phonetic runs (rPh) left out."""
    parts: list[str] = []
    for child in holder:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


def shared_strings(data: bytes | None) -> list[str]:
    """The shared string table, in index order."""
    if not data:
        return []
    out: list[str] = []
    try:
        for _, si in iter_elements(data, (_SI,), remove_comments=True):
            out.append(run_text(si))
            si.clear()
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"sharedStrings: {exc}") from None
    return out


def from_serial(value: float, kind: DateKind, date1904: bool) -> object:
    """A serial shown in a date format, as openpyxl reads it (a time below 1, else a datetime);
    the number itself where no date or duration can hold it."""
    try:
        if kind == "duration":
            return dt.timedelta(days=value)
        day, fraction = divmod(value, 1)
        delta = dt.timedelta(milliseconds=round(fraction * 86_400_000))
        if 0 <= value < 1 and delta.days == 0:
            return (dt.datetime.min + delta).time()
        if not date1904 and 0 < value < 60:
            day += 1  # serials before the leap-year bug count from one day earlier
        return (_EPOCH_1904 if date1904 else _EPOCH_1900) + dt.timedelta(days=day) + delta
    except (OverflowError, ValueError):
        return value


def number(text: str) -> object:
    """A <v> number as openpyxl gives it: int when whole (and exact), else float."""
    try:
        value = float(text)
    except ValueError:
        return text.strip() or None  # not a number after all: the rules see the text
    if value.is_integer() and -_SAFE_INT < value < _SAFE_INT:
        return int(value)
    return value


class CellReader:
    """Reads worksheets of one package: shared strings and styles are parsed once."""

    def __init__(self, strings: list[str], styles: StyleBook, date1904: bool) -> None:
        self.strings = strings
        self.styles = styles
        self.date1904 = date1904
        self._kinds: dict[int, DateKind | None] = {}

    def _kind(self, style: int) -> DateKind | None:
        if style not in self._kinds:
            self._kinds[style] = self.styles.kind(style)
        return self._kinds[style]

    def value(self, c: Element) -> object:
        kind = c.get("t", "n")
        if kind == "inlineStr":
            holder = c.find(_IS)
            return (run_text(holder) or None) if holder is not None else None
        v = c.find(_V)
        text = v.text if v is not None else None
        if text is None:
            return None
        if kind == "s":
            index = int(text) if text.strip().isdigit() and len(text) < 12 else -1
            return (self.strings[index] or None) if 0 <= index < len(self.strings) else None
        if kind in ("str", "e"):
            return text or None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(text.strip())
            except ValueError:
                return text or None
        value = number(text)
        style = c.get("s")
        if style and style != "0" and isinstance(value, int | float):
            date_kind = self._kind(int(style) if style.isdigit() else 0)
            if date_kind is not None:
                return from_serial(float(value), date_kind, self.date1904)
        return value

    def read(self, data: bytes, min_col: int, max_col: int) -> Rows:
        """Every valued cell of columns min_col..max_col."""
        rows: Rows = {}
        row_number = 0
        col = 0
        current: Element | None = None
        try:
            for _, el in iter_elements(data, (_C, _ROW), remove_comments=True):
                if el.tag == _ROW:
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                    current = None
                    continue
                parent = el.getparent()
                if parent is not current:  # the first cell of a new row
                    current = parent
                    r = parent.get("r") if parent is not None else None
                    row_number = int(r) if r and r.isdigit() else row_number + 1
                    col = 0
                ref = el.get("r")
                if ref:
                    row_number, col = parse_ref(ref)
                else:
                    col += 1
                if min_col <= col <= max_col:
                    value = self.value(el)
                    if value is not None:
                        rows.setdefault(row_number, {})[col] = value
                el.clear()
        except etree.XMLSyntaxError as exc:
            raise PackageError(f"worksheet: {exc}") from None
        return rows
