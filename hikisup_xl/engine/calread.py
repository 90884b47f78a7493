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
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.grid import col_index
from .cellread import Rows

# A reference far enough to need counting: row 100000 on, column AAA on, or a two-letter column
# at row 10000 on. Without one the extent is at most 702 x 9,999 cells (about 170 MB).
_FAR_REF = re.compile(rb' r="(?:[A-Z]{1,3}[0-9]{6}|[A-Z]{3}[0-9]|[A-Z]{2}[0-9]{5})')
_ROW_REF_FAR = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="[0-9]{5}')
# calamine allocates the extent: allow it this many cells (about 100 MB) or 20 per real one.
MAX_EXTENT = 4_000_000
_SAFE_INT = 2**53


# Row numbers in cell references (r="AB12") and row elements (r="12"), by digit count: the
# largest row has the most digits, so one scan for the longest present is enough (at 100,001
# rows it collects two rows' references, not every cell's).
_ROWS_6_7 = re.compile(rb' r="[A-Z]{0,3}([0-9]{6,7})"')
_ROWS = {n: re.compile(rb' r="[A-Z]{0,3}([0-9]{%d})"' % n) for n in range(5, 0, -1)}
_WIDE_COLS = re.compile(rb' r="([A-Z]{2,3})[0-9]')


def _largest_row(data: bytes) -> int:
    for pattern in (_ROWS_6_7, *_ROWS.values()):
        found = pattern.findall(data)
        if found:
            return max(map(int, found))
    return 0


def _largest_col(data: bytes) -> int:
    wide = set(_WIDE_COLS.findall(data))
    return max((col_index(c.decode()) for c in wide), default=26)


def dense_enough(data: bytes) -> bool:
    """Whether calamine's allocation for this worksheet part stays within bounds. Each scan
    looks only at the references that can be the largest: no list of every cell is built."""
    if _FAR_REF.search(data) is None and _ROW_REF_FAR.search(data) is None:
        return True
    extent = _largest_row(data) * _largest_col(data)
    if extent <= MAX_EXTENT:
        return True
    cells = data.count(b"<c ")  # a prefixed <x:c goes uncounted: a tighter bound, never looser
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


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Rust prints a panic (and its backtrace) straight to file descriptor 2: a clerk must not
    see it, and the XML reader takes over anyway."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all (the ribbon's pythonw)
        yield
        return
    try:
        with Path(os.devnull).open("wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class CalamineBook:
    """The package opened by calamine once, on the first sheet that needs it."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._book: Any = None

    def rows(self, sheet: str, min_col: int, max_col: int) -> Rows | None:
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
        out: Rows = {}
        for r, line in enumerate(grid, start=1):
            values: dict[int, object] = {}
            for c, v in enumerate(line[min_col - 1 : max_col], min_col):
                kind = type(v)  # from_calamine inlined for the two common kinds: it is hot
                if kind is str:
                    if v:
                        values[c] = v
                elif kind is float:
                    whole = v.is_integer() and -_SAFE_INT < v < _SAFE_INT
                    values[c] = int(v) if whole else v
                else:
                    value = from_calamine(v)
                    if value is not None:
                        values[c] = value
            if values:
                out[r] = values
        return out
