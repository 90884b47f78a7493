"""The fast path for reading a sheet: python-calamine, where it is safe to use.

calamine reads a sheet five times faster than the XML reader (engine/cellread.py) but sizes
its memory by the sheet's extent, not its data (one value at XFD1048576 makes it ask for
512 GiB and abort the process), and a serial outside its date range makes it panic (a Rust
panic is a BaseException) or overflow. So a sheet goes to calamine only when the cells it
holds fill a reasonable share of their extent, and any failure there sends the sheet to the
XML reader instead: a bad cell then becomes a cell issue, never a crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import re
import threading
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import Any

from ..core.grid import col_index
from .cellread import Rows

# A reference far enough to need counting: row 100000 on, column AAA on, or a two-letter column
# at row 10000 on. Without one the extent is at most 702 x 9,999 cells (about 170 MB).
_FAR_REF = re.compile(rb'r="(?:[A-Z]{1,3}[0-9]{6}|[A-Z]{3}[0-9]|[A-Z]{2}[0-9]{5})')
_ROW_REF_FAR = re.compile(rb'r="[0-9]{5}')
# calamine allocates the extent: allow it this many cells (about 100 MB) or 20 per real one.
MAX_EXTENT = 4_000_000
_SAFE_INT = 2**53


# Row numbers in cell references (r="AB12") and row elements (r="12"), by digit count: the
# largest row has the most digits, so one scan for the longest present is enough (at 100,001
# rows it collects two rows' references, not every cell's).
_ROWS_6_7 = re.compile(rb'r="[A-Z]{0,3}([0-9]{6,7})"')
_ROWS = {n: re.compile(rb'r="[A-Z]{0,3}([0-9]{%d})"' % n) for n in range(5, 0, -1)}
_WIDE_COLS = re.compile(rb'r="([A-Z]{2,3})[0-9]')
# The bottom-right corner a sheet claims for itself, near the top of the part.
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\sref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"'
)
_DIMENSION_WITHIN = 1 << 16
# A cell tag not opened exactly as `<c r="AB12"` (Excel, LibreOffice and openpyxl all put r
# first); a row tag with no r, or with an r not written `r="12"` (LibreOffice puts r last in a
# row, so a row's r may stand anywhere; calamine takes the first, and every one is checked).
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}")(?=[\s>/])')
_ROW_NOT_R_FIRST = re.compile(rb'<row(?! r="[1-9][0-9]{0,6}")(?=[\s>/])')  # quick: Excel's way
_ROW_WITHOUT_R = re.compile(rb"<row(?=[\s>/])(?![^>]*\sr=)")
_ROW_ODD_R = re.compile(rb'<row(?=[^>]*\sr=(?!"[1-9][0-9]{0,6}"))')
_PREFIXED_TAG = re.compile(rb":(?:c|row)[\s>/]")  # its name ends so; text rarely does


def _largest_row(data: bytes) -> int:
    for pattern in (_ROWS_6_7, *_ROWS.values()):
        found = pattern.findall(data)
        if found:
            return max(map(int, found))
    return 0


def _largest_col(data: bytes) -> int:
    wide = set(_WIDE_COLS.findall(data))
    return max((col_index(c.decode()) for c in wide), default=26)


@functools.lru_cache(maxsize=64)
def _beyond(col: str, row: str) -> re.Pattern[bytes]:
    """References to check against a claimed corner, each kind captured in its group: a
    column after `col` (more letters, or as many and later ones: "R" -> two letters or S..Z);
    a row number that may exceed `row` (as many digits or more; with a first digit no smaller
    when that is not 1: for "9812" the rows from 9000, not every row from 1000). Any `r="`
    counts, whatever stands before it (a `header="0.3"` only makes the check fail safe)."""
    later = [
        f"{col[:i]}[{chr(ord(c) + 1)}-Z][A-Z]{{{len(col) - i - 1}}}"
        for i, c in enumerate(col)
        if c != "Z"
    ]
    columns = "|".join([f"[A-Z]{{{len(col) + 1}}}", *later])
    digits = len(row)
    rows = f"[0-9]{{{digits},}}"
    if row[0] > "1":  # one simple branch is the fast one; narrow only where it pays
        rows = f"[0-9]{{{digits + 1},}}|(?=[{row[0]}-9])[0-9]{{{digits}}}"
    return re.compile(f'r="(?:({columns})|[A-Z]{{0,3}}({rows}))'.encode())


def _claim_holds(data: bytes) -> bool:
    """Whether the sheet's own <dimension> (Excel and this engine keep it) is small enough and
    no cell or row reference lies beyond it: one scan instead of the three below."""
    claim = _DIMENSION.search(data, 0, _DIMENSION_WITHIN)
    if claim is None:
        return False
    col, row = claim.group(1).decode(), claim.group(2).decode()
    if row.startswith("0") or col_index(col) * int(row) > MAX_EXTENT:
        return False
    found = _beyond(col, row).findall(data)
    if any(wide for wide, _ in found):
        return False
    return max((int(number) for _, number in found), default=0) <= int(row)


def _plainly_written(data: bytes) -> bool:
    """Whether the part is written the way Excel, LibreOffice and openpyxl write it, so that
    the scans below see every position calamine will use: UTF-8; every cell starting
    `<c r="AB12"` (upper-case letters, 1-7 digits, no leading zero, double quotes, one space)
    and every row holding `r="12"`; no element under a prefix. calamine takes the first r of a
    tag, places a cell or row without one after the previous, reads lower-case letters, leading
    zeros and any number of digits, and matches tags by local name: any of those could hide an
    extent from the scans, so such a part goes to the XML reader instead."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:512]:
        return False  # UTF-16: no scan of UTF-8 bytes would see a reference
    if _ODD_CELL.search(data):
        return False
    if _ROW_NOT_R_FIRST.search(data) and (_ROW_WITHOUT_R.search(data) or _ROW_ODD_R.search(data)):
        return False
    return _PREFIXED_TAG.search(data) is None


def dense_enough(data: bytes) -> bool:
    """Whether calamine's allocation for this worksheet part stays within bounds. Each scan
    looks only at the references that can be the largest: no list of every cell is built.
    A part not plainly written (above) goes to the XML reader."""
    if not _plainly_written(data):
        return False
    if _claim_holds(data):
        return True
    if _FAR_REF.search(data) is None and _ROW_REF_FAR.search(data) is None:
        return True
    extent = _largest_row(data) * _largest_col(data)
    if extent <= MAX_EXTENT:
        return True
    if b"<!" in data:  # a comment or CDATA could hold cell-like text to pad the count
        return False
    cells = data.count(b'<c r="')  # every cell is written so (checked above); text has no "<"
    return extent <= 20 * cells


def from_calamine(value: object) -> object:
    """A value as openpyxl would read it: '' is None, 3.0 is 3, a date is a datetime."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        number: float = value  # type: ignore[assignment]
        return int(number) if number.is_integer() and -_SAFE_INT < number < _SAFE_INT else number
    if kind is dt.date:
        day: dt.date = value  # type: ignore[assignment]
        return dt.datetime(day.year, day.month, day.day)
    return value


_QUIET = threading.Lock()  # one redirection of stderr at a time, however many readers
_quiet: list[int] = []  # [saved stderr, readers inside] while it is redirected


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Rust prints a panic (and its backtrace) straight to file descriptor 2: a clerk must not
    see it, and the XML reader takes over anyway. Two threads may read with calamine at once
    (PatchEngine.prefetch): the first one in redirects, the last one out puts stderr back."""
    with _QUIET:
        if not _quiet:
            try:
                saved = os.dup(2)
            except OSError:  # no stderr at all (the ribbon's pythonw)
                saved = -1
            if saved >= 0:
                with Path(os.devnull).open("wb") as sink:
                    os.dup2(sink.fileno(), 2)
            _quiet.extend((saved, 0))
        _quiet[1] += 1
    try:
        yield
    finally:
        with _QUIET:
            _quiet[1] -= 1
            if not _quiet[1]:
                saved = _quiet.pop(0)
                _quiet.clear()
                if saved >= 0:
                    os.dup2(saved, 2)
                    os.close(saved)


class DenseSheet:
    """A sheet as calamine read it, rows 1.. in columns lo..hi, each row a tuple with None for a
    blank cell: read straight into the row tuples a table is made of. Converting a column at a
    time lets C loops do the work (a column's distinct values are converted once each), so a
    read-only sheet never becomes one dict per row."""

    __slots__ = ("hi", "lo", "rows")

    def __init__(self, lo: int, hi: int, rows: list[tuple[object, ...]]) -> None:
        self.lo, self.hi, self.rows = lo, hi, rows

    def sparse(self) -> Rows:
        """The engine's editable grid: only the cells that hold something."""
        columns = range(self.lo, self.hi + 1)
        out: Rows = {}
        for r, line in enumerate(self.rows, start=1):
            values = {c: v for c, v in zip(columns, line, strict=True) if v is not None}
            if values:
                out[r] = values
        return out

    def cells(self, row: int, min_col: int, max_col: int) -> tuple[object, ...]:
        """Columns min_col..max_col (within lo..hi) of one sheet row; blanks past the end."""
        if not 1 <= row <= len(self.rows):
            return (None,) * (max_col - min_col + 1)
        return self.rows[row - 1][min_col - self.lo : max_col - self.lo + 1]


_BLANK_TEXT: dict[object, object] = {"": None}
# Kinds whose equal values convert alike (no bool beside 1.0, no int beside a float past 2**53).
_CONVERTED_IN_BULK = frozenset((str, float, dt.date, dt.datetime, dt.time, dt.timedelta))


def _converted(column: tuple[object, ...]) -> Iterable[object]:
    """One column's values as from_calamine gives them, converted per distinct value."""
    kinds = set(map(type, column))
    if kinds <= {str}:
        return map(_BLANK_TEXT.get, column, column)
    if not kinds <= _CONVERTED_IN_BULK:  # a value-keyed map would mix True, 1 and 1.0
        return map(from_calamine, column)
    answers = {value: from_calamine(value) for value in set(column)}
    return map(answers.__getitem__, column)


def dense_rows(grid: list[list[object]], lo: int, hi: int) -> list[tuple[object, ...]]:
    """calamine's rows cut to columns lo..hi and converted; every tuple is hi - lo + 1 wide."""
    if not grid:
        return []
    width = hi - lo + 1
    cut = grid if lo == 1 and len(grid[0]) <= hi else [line[lo - 1 : hi] for line in grid]
    columns: list[Iterable[object]] = [_converted(c) for c in zip(*cut, strict=True)]
    if len(columns) < width:  # the sheet ends before the tables' last column
        columns += [repeat(None, len(cut)) for _ in range(width - len(columns))]
    return list(zip(*columns, strict=True))


class CalamineBook:
    """The package opened by calamine once, on the first sheet that needs it."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._book: Any = None

    def twin(self) -> CalamineBook:
        """Another reader of the same package, for a second thread (one calamine workbook
        must not be used by two threads at once)."""
        return CalamineBook(self._data)

    def dense(self, sheet: str, min_col: int, max_col: int) -> DenseSheet | None:
        """The sheet's values in columns min_col..max_col; None when calamine fails."""
        try:
            with _quiet_stderr():
                if self._book is None:
                    from python_calamine import CalamineWorkbook

                    self._book = CalamineWorkbook.from_filelike(io.BytesIO(self._data))
                grid = self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            return None
        if len(set(map(len, grid))) > 1:  # calamine's rows are one width; never guess otherwise
            return None
        return DenseSheet(min_col, max_col, dense_rows(grid, min_col, max_col))
