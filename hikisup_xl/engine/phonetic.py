"""The reading Japanese Excel keeps with typed text: the phonetic runs of a string.

When a clerk types 山田 through the IME, Excel stores the keys typed with it:
`<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>` (in the
shared strings, or in an inline string). calamine and openpyxl hand over the base text only;
this module reads the runs, as `=PHONETIC()` shows them: each run's text in place of the
characters it covers (sb..eb), the other characters as they are. A string without a run has
no reading (its text was pasted or written by a program, not typed).

The file engines use it on the package they read; the live engine asks Excel
(`Range.Phonetic`), one call per cell.
"""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]

from ..core.grid import col_letter
from .cellread import run_text
from .ooxml import MAIN_NS, Element, Package, WorkbookInfo, iter_elements, parse_ref

_SI = f"{{{MAIN_NS}}}si"
_C = f"{{{MAIN_NS}}}c"
_T = f"{{{MAIN_NS}}}t"
_RPH = f"{{{MAIN_NS}}}rPh"
_V = f"{{{MAIN_NS}}}v"
_IS = f"{{{MAIN_NS}}}is"


def reading_of(string: Element) -> str | None:
    """The reading of one <si> or <is>: None when it has no phonetic run."""
    base = run_text(string)
    runs: list[tuple[int, int, str]] = []
    for rph in string.iter(_RPH):
        try:
            sb, eb = int(rph.get("sb", "")), int(rph.get("eb", ""))
        except ValueError:
            continue
        runs.append((sb, eb, "".join(t.text or "" for t in rph.iter(_T))))
    if not runs:
        return None
    out, at = [], 0
    for sb, eb, reading in sorted(runs):
        if sb < at or eb < sb or eb > len(base):
            continue  # an overlapping or out-of-range run: skip it, as Excel shows it
        out.append(base[at:sb])
        out.append(reading)
        at = eb
    out.append(base[at:])
    return "".join(out)


def shared_readings(data: bytes | None) -> dict[int, str]:
    """Reading of each shared string that has one, by its index."""
    if data is None or b"rPh" not in data:
        return {}  # no run anywhere (a file written by a program): nothing to parse
    out: dict[int, str] = {}
    for index, (_, si) in enumerate(iter_elements(data, _SI)):
        reading = reading_of(si)
        if reading is not None:
            out[index] = reading
        si.clear()
    return out


def column_readings(
    pkg: Package,
    wb: WorkbookInfo,
    sheet: str,
    column: int,
    rows: set[int],
    strings: dict[int, str] | None = None,
) -> dict[int, str]:
    """Sheet row -> reading for the cells of `column` (1-based) in `rows` that have one.
    `strings`: shared_readings of the package, when the caller keeps them."""
    info = wb.sheets.get(sheet)
    if info is None or not rows:
        return {}
    if strings is None:
        strings = shared_readings(pkg.read(wb.strings_part) if wb.strings_part else None)
    return column_readings_of(pkg.read(info.part), column, rows, strings)


def column_readings_of(
    data: bytes, column: int, rows: set[int], strings: dict[int, str]
) -> dict[int, str]:
    """column_readings on a worksheet part's bytes."""
    if not strings and b"rPh" not in data:
        return {}  # no shared string has a run, nor any inline string here
    found = _scan_column(data, column, rows, strings)
    return found if found is not None else _parse_column(data, column, rows, strings)


def _parse_column(
    data: bytes, column: int, rows: set[int], strings: dict[int, str]
) -> dict[int, str]:
    """column_readings by parsing every cell of the part (any layout XML allows)."""
    out: dict[int, str] = {}
    for _, c in iter_elements(data, _C):
        ref = c.get("r")
        if ref:
            row, col = parse_ref(ref)
            if col == column and row in rows:
                reading = _cell_reading(c, strings)
                if reading is not None:
                    out[row] = reading
        c.clear()
    return out


# The fast path of column_readings: the column's cells found by their reference, when every
# cell of the part is written the usual way (`<c r="B2"...`, default namespace); the rest of
# the sheet (every other column) is never parsed.
_ANY_CELL = re.compile(rb"<c[\s/>]")
_PLAIN_CELL = b'<c r="'
_CELL_TYPE = re.compile(rb'\st="([^"]*)"')
_SHARED_INDEX = re.compile(rb"<v>([0-9]{1,11})</v>")
_DEFAULT_NS = re.compile(rb"<worksheet\b[^>]*?\sxmlns=\"([^\"]*)\"")


def _scan_column(
    data: bytes, column: int, rows: set[int], strings: dict[int, str]
) -> dict[int, str] | None:
    """column_readings by references; None when the part is not laid out plainly (a prefixed
    or other namespace, a cell without r= or with r= not first, an entity in r=)."""
    ns = _DEFAULT_NS.search(data)
    if ns is None or ns.group(1) != MAIN_NS.encode() or b'<c r="&' in data:
        return None
    if len(_ANY_CELL.findall(data)) != data.count(_PLAIN_CELL):
        return None
    letters = col_letter(column).encode()
    pattern = re.compile(
        rb'<c r="\$?(?i:' + letters + rb')\$?([0-9]{1,7})"([^>]*?)(?:/>|>(.*?)</c>)', re.S
    )
    out: dict[int, str] = {}
    for m in pattern.finditer(data):
        row = int(m.group(1))
        body = m.group(3)
        if row not in rows or not body:
            continue
        kind = _CELL_TYPE.search(m.group(2))
        reading: str | None = None
        if kind is not None and kind.group(1) == b"s":
            index = _SHARED_INDEX.fullmatch(body.strip())
            if index is not None:
                reading = strings.get(int(index.group(1)))
            elif b"<v" in body:  # spaces or an entity in <v>: let lxml read it
                reading = _fragment_reading(m.group(0), strings)
        elif kind is not None and kind.group(1) == b"inlineStr" and b"rPh" in body:
            reading = _fragment_reading(m.group(0), strings)
        if reading is not None:
            out[row] = reading
    return out


def _fragment_reading(cell: bytes, strings: dict[int, str]) -> str | None:
    wrapped = b'<w xmlns="' + MAIN_NS.encode() + b'">' + cell + b"</w>"
    try:
        root = etree.fromstring(wrapped, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    return _cell_reading(root[0], strings)


def _cell_reading(c: Element, strings: dict[int, str]) -> str | None:
    kind = c.get("t")
    if kind == "s":
        v = c.find(_V)
        try:
            return strings.get(int((v.text or "").strip())) if v is not None else None
        except ValueError:
            return None
    if kind == "inlineStr":
        string = c.find(_IS)
        return reading_of(string) if string is not None else None
    return None
