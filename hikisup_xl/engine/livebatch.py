"""The live engine's batched round trips: three VBA functions of the add-in (macros/hikisup.bas)
called through xlwings, each one Application.Run whatever the number of tables or rows.

- HikisupTables lists every worksheet and table (sheet, name, range, Total Row) and the
  workbook's marker property: what locating ~25 tables one COM object at a time cost ~50 calls;
- HikisupRead reads several ranges (values, formulas, a used range) as one stacked 2-D array;
- HikisupWrite applies every buffered write of an action (number formats, value blocks that
  keep a clerk's formulas, rows added above a Total Row, resizes, pivot refreshes) with screen
  updating, calculation and events suspended and restored inside Excel.

How the values cross (what this layout relies on):
- xlwings' `App.macro(name)(*args)` is `Application.Run(name, *args)` with the arguments and
  the result passed as they are, without xlwings' own converters (xlwings/_xlwindows.py
  `App.run`: `self.xl.Run(macro, *args)`; on a Mac `run_VB_macro`). Excel's documentation of
  Application.Run: arguments are passed by position, objects are converted to their values
  (so the workbook is named, not passed), and Run returns whatever the function returns.
- pywin32 turns a rectangular list of lists into a 2-D SAFEARRAY of VARIANTs and a returned
  2-D SAFEARRAY into a tuple of row tuples (first index outer), which is why every argument
  and result here is one flat 2-D array of scalars: nested arrays of arrays marshal less
  reliably. Python None may arrive as VT_NULL: the VBA treats Null as an empty cell. COM has
  no date-only type: dates go as datetimes marked UTC, as xlwings sends them (`to_com`); a
  returned date carries a tzinfo (pywin32's TimeType), which `_plain` drops, as xlwings does
  for Range.value.
- Error values (#N/A...) are read as empty cells by the VBA, as xlwings reads them.

None of this has run in real Excel on the machine it was written on (Linux, no Excel): the
fake in tests/addin/fakexl.py implements the same three functions in Python, and the smoke
test (python -m hikisup_xl.smoke, Windows) calls them on a real workbook.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

ADDIN = "hikisup.xlam"  # the add-in's file name (addin/install.py installs it under this name)
TABLES = "HikisupTables"
READ = "HikisupRead"
WRITE = "HikisupWrite"
TAG = "hikisup-tables"
LAYOUT = 1  # HikisupTables' row 0 says which layout it returns
OP_WIDTH = 7  # an op's first row: code, sheet and up to five arguments


def qualified(name: str) -> str:
    """The add-in's function as Application.Run finds it, whatever workbook is active."""
    return f"'{ADDIN}'!{name}"


@dataclass(frozen=True)
class Located:
    """One table as HikisupTables lists it."""

    sheet: str
    name: str
    address: str
    totals: bool


@dataclass
class Listing:
    """What one HikisupTables call tells about the workbook."""

    name: str
    fullname: str
    marker: str | None
    sheets: list[str] = field(default_factory=list)
    tables: dict[str, Located] = field(default_factory=dict)


def _plain(value: object) -> object:
    """A COM date (possibly time-zone aware) as the naive datetime xlwings would give."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _rows(result: Any) -> list[Sequence[Any]]:
    if not isinstance(result, list | tuple) or not result:
        raise ValueError("not a 2-D array")
    if not all(isinstance(r, list | tuple) for r in result):
        raise ValueError("not a 2-D array")
    return list(result)


def parse_listing(result: Any) -> Listing:
    """HikisupTables' array as a Listing; ValueError when it is not that layout."""
    rows = _rows(result)
    head = rows[0]
    if len(head) < 5 or head[0] != TAG or int(head[1]) != LAYOUT:
        raise ValueError("not the hikisup table listing")
    marker = head[4] if head[4] not in (None, "") else None
    listing = Listing(str(head[2]), str(head[3] or ""), None if marker is None else str(marker))
    for row in rows[1:]:
        if row[0] == "sheet":
            listing.sheets.append(str(row[1]))
        elif row[0] == "table":
            listing.tables[str(row[2])] = Located(
                str(row[1]), str(row[2]), str(row[3]), bool(row[4])
            )
        else:
            raise ValueError(f"unknown row {row[0]!r}")
    return listing


@dataclass(frozen=True)
class Request:
    """One range HikisupRead reads: kind "V" values, "F" formulas, "U" the used range."""

    sheet: str
    top: int = 1
    left: int = 1
    bottom: int = 1
    right: int = 1
    kind: str = "V"

    def row(self) -> list[object]:
        return [self.sheet, self.top, self.left, self.bottom, self.right, self.kind]


def parse_blocks(result: Any, count: int) -> list[list[list[object]]]:
    """HikisupRead's stacked array as one grid per request (cells as Excel gave them)."""
    rows = _rows(result)
    out: list[list[list[object]]] = []
    at = 0
    while at < len(rows):
        head = rows[at]
        if head[0] != "#":
            raise ValueError("not a HikisupRead block")
        height, width = int(head[1]), int(head[2])
        block = rows[at + 1 : at + 1 + height]
        if len(block) != height:
            raise ValueError("a HikisupRead block is cut short")
        out.append([[_plain(v) for v in r[:width]] for r in block])
        at += 1 + height
    if len(out) != count:
        raise ValueError(f"{len(out)} blocks for {count} requests")
    return out


def _utc() -> dt.tzinfo:
    """The UTC xlwings gives pywin32 (win32timezone's on Windows)."""
    try:
        module = importlib.import_module("win32timezone")
    except ImportError:  # not Windows: the standard library's UTC
        return dt.UTC
    utc: dt.tzinfo = module.TimeZoneInfo.utc()
    return utc


def to_com(value: object) -> object:
    """A cell value as it crosses COM. A date or datetime goes as xlwings sends one (its
    `_datetime_to_com_time`): pywin32 wants a time zone and would shift a naive datetime,
    so the wall-clock time is marked UTC, which Excel's VT_DATE takes unshifted."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=_utc())
    return value


class Program:
    """HikisupWrite's ops, built in the order they must run (one call applies them all)."""

    def __init__(self) -> None:
        self.ops: list[list[object]] = []  # each op's rows, the first one padded later
        self.count = 0

    def _op(self, *head: object) -> None:
        self.ops.append(list(head))
        self.count += 1

    def number_format(
        self, sheet: str, top: int, left: int, bottom: int, right: int, fmt: str
    ) -> None:
        self._op("F", sheet, top, left, bottom, right, fmt)

    def write(
        self,
        sheet: str,
        top: int,
        left: int,
        block: Sequence[Sequence[object]],
        keep: Sequence[Sequence[bool]] | None = None,
    ) -> None:
        width = max((len(r) for r in block), default=0)
        if not block or not width:
            return
        self._op("W", sheet, top, left, len(block), width, 1 if keep is not None else 0)
        self.ops += [[to_com(v) for v in r] for r in block]
        if keep is not None:
            self.ops += [[1 if k else 0 for k in r] for r in keep]

    def add_rows(self, sheet: str, table: str, n: int) -> None:
        if n > 0:
            self._op("A", sheet, table, n)

    def resize(self, sheet: str, table: str, top: int, left: int, bottom: int, right: int) -> None:
        self._op("R", sheet, table, top, left, bottom, right)

    def refresh_pivots(self, sheet: str) -> None:
        self._op("P", sheet)

    def array(self) -> list[list[object]]:
        """The ops as one rectangular 2-D array (short rows padded with empty cells)."""
        width = max([OP_WIDTH, *(len(r) for r in self.ops)])
        return [[*r, *([None] * (width - len(r)))] for r in self.ops]


def ops_of(array: Sequence[Sequence[object]]) -> Iterator[tuple[list[object], list[list[object]]]]:
    """Each op of a HikisupWrite array: its first row and the rows that belong to it (what the
    VBA walks; the fake Excel of the tests walks it the same way)."""
    i = 0
    while i < len(array):
        head = list(array[i])
        size = 0
        if head[0] == "W":
            size = int(head[4]) * (2 if int(head[6]) == 1 else 1)  # type: ignore[call-overload]
        yield head, [list(r) for r in array[i + 1 : i + 1 + size]]
        i += 1 + size
