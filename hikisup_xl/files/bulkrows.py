"""A large table written as raw sheet XML, streamed: no openpyxl cell per value.

A national 集約 has ~250,000 data rows (1,741 municipalities x ~146 figures). As openpyxl
cells they would cost minutes and over a gigabyte; here openpyxl writes the table with its
header and ONE row (the template: its cells carry each column's style index), and when the
file is saved (xlsxout.save_exchange) the sheet's rows are replaced by the real ones, drawn
from an iterator as the zip entry is written. Strings are inline (`t="inlineStr"`), as the
patch engine writes them, so no shared-string table has to be held or rewritten.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core.grid import span
from ..core.schema import Column

_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_CELL_STYLE = re.compile(rb'<c r="([A-Z]+)\d+"(?: s="(\d+)")?')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
# Characters XML 1.0 cannot hold; Excel writes them as _xHHHH_.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(slots=True)
class StreamedTable:
    """A table whose rows are written at save time; `rows()` yields exactly `count` rows."""

    ws: Worksheet
    name: str
    columns: Sequence[Column]
    rows: Callable[[], Iterable[Sequence[object]]]
    count: int
    top: int = 1
    left: int = 1

    def part(self) -> str:
        """The sheet's part in the package (known once openpyxl has saved the workbook)."""
        return str(self.ws.path).lstrip("/")


def add_streamed_table(
    ws: Worksheet,
    name: str,
    columns: Sequence[Column],
    rows: Callable[[], Iterable[Sequence[object]]],
    count: int,
    first: Sequence[object],
) -> StreamedTable:
    """Declare a table of `count` rows at A1 of `ws`; `first` is its first row (the template
    openpyxl writes). The table's range, filter and column names cover every row now, so the
    writer never walks the range (which would create every cell)."""
    from .xlsxout import add_table

    add_table(ws, name, columns, [first])
    table = ws.tables[name]
    table.ref = span(1, 1, len(columns), 1 + max(1, count))
    table._initialise_columns()
    for col, spec in zip(table.tableColumns, columns, strict=True):
        col.name = spec.header
    return StreamedTable(ws, name, columns, rows, count)


def _text(value: str) -> str:
    value = _ILLEGAL.sub(lambda m: f"_x{ord(m[0]):04X}_", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _cell_tail(style: str, value: object) -> str | None:
    """A cell's XML after `<c r="A1`, or None for a cell not written (blank, unstyled)."""
    if value is None or value == "":
        return f'"{style}/>' if style else None
    if isinstance(value, bool):
        return f'"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return f'"{style}><v>{value!r}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'"{style} t="inlineStr"><is><t{space}>{_text(text)}</t></is></c>'


class _Cells:
    """Each column's rendered tails by value: a table repeats the same few strings (names,
    sections, items, units) hundreds of thousands of times, so each is escaped once."""

    LIMIT = 200_000  # distinct values kept per column (numbers can be many)

    def __init__(self, letters: Sequence[str], styles: Sequence[str]) -> None:
        self.columns: list[tuple[str, str, dict[object, str | None]]] = [
            (f'<c r="{letter}', style, {}) for letter, style in zip(letters, styles, strict=True)
        ]

    def row(self, n: int, values: Sequence[object]) -> str:
        number = str(n)
        out = [f'<row r="{number}">']
        if len(values) != len(self.columns):
            raise ValueError(f"row {n}: {len(values)} values for {len(self.columns)} columns")
        for (start, style, cache), value in zip(self.columns, values, strict=True):
            key = value if type(value) is str else (type(value), value)
            if key in cache:
                tail = cache[key]
            else:
                if len(cache) >= self.LIMIT:
                    cache.clear()
                tail = cache[key] = _cell_tail(style, value)
            if tail is not None:
                out.append(start + number + tail)
        out.append("</row>")
        return "".join(out)


def _template_styles(template: bytes, letters: Sequence[str]) -> list[str]:
    """Each column's ` s="N"` (or "") as openpyxl wrote the template row."""
    found = {m[1].decode(): m[2] for m in _CELL_STYLE.finditer(template)}
    return [f' s="{found[letter].decode()}"' if found.get(letter) else "" for letter in letters]


def write_part(part: bytes, table: StreamedTable, out: IO[bytes]) -> None:
    """Write the sheet `part` (openpyxl's, with the header and template row) to `out` with
    the template row replaced by every row of `table`, streamed in blocks."""
    rows = list(_ROW.finditer(part))
    template = next(m for m in rows if int(m[1]) == table.top + 1)
    letters = [get_column_letter(table.left + j) for j in range(len(table.columns))]
    cells = _Cells(letters, _template_styles(template[0], letters))
    last = table.top + max(1, table.count)
    head = part[: template.start()]
    head = _DIMENSION.sub(
        f'<dimension ref="{span(table.left, 1, table.left + len(letters) - 1, last)}"/>'.encode(),
        head,
        count=1,
    )
    out.write(head)
    block: list[str] = []
    n = table.top
    for n, values in enumerate(table.rows(), start=table.top + 1):
        block.append(cells.row(n, values))
        if len(block) >= 2000:
            out.write("".join(block).encode("utf-8"))
            block.clear()
    out.write("".join(block).encode("utf-8"))
    if n - table.top != table.count:
        raise ValueError(f"{table.name}: {n - table.top} rows written, {table.count} declared")
    out.write(part[template.end() :])
