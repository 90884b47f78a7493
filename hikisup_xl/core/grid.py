"""A1 addresses, computed: the one place that knows how Excel names cells and columns.

Every table of ours starts at the top-left cell with its header row, so code names positions
as (row, column) numbers from a table's spec and turns them into addresses here; no module
writes a literal cell address.
"""

from __future__ import annotations

import re
from functools import lru_cache

HEADER_ROW = 1
FIRST_DATA_ROW = HEADER_ROW + 1
FIRST_COLUMN = 1

_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$")


@lru_cache(maxsize=1024)
def col_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=1024)
def col_index(letters: str) -> int:
    """A → 1, AA → 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def address(row: int, col: int) -> str:
    """(3, 2) → 'B3'."""
    return f"{col_letter(col)}{row}"


def span(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    """'A1:C5', or one address when the range is a single cell."""
    first, last = address(min_row, min_col), address(max_row, max_col)
    return first if first == last else f"{first}:{last}"


def absolute_span(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    """The range as Excel's Range.Address gives it: '$A$1:$C$5'."""
    first = f"${col_letter(min_col)}${min_row}"
    return f"{first}:${col_letter(max_col)}${max_row}"


def parse_span(text: str) -> tuple[int, int, int, int]:
    """'$A$1:$C$5', 'Sheet!B2' or 'b2' → (min_col, min_row, max_col, max_row); ValueError if not."""
    m = _ADDRESS.match(text.split("!")[-1].strip())
    if m is None:
        raise ValueError(f"not an A1 address: {text!r}")
    c1, r1 = col_index(m.group(1)), int(m.group(2))
    c2 = col_index(m.group(3)) if m.group(3) else c1
    r2 = int(m.group(4)) if m.group(4) else r1
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


ORIGIN = address(HEADER_ROW, FIRST_COLUMN)
# Freezing panes at the first data cell keeps the header row in view.
BELOW_HEADER = address(FIRST_DATA_ROW, FIRST_COLUMN)
