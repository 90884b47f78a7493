"""Pieces several forms share: 和暦 text, styles, marked choices, the 印 line, contact boxes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from ..core.wareki import WarekiError, to_wareki
from .layout import BOX, MM_PER_PT, Frame, Grid, Style, height_for, text_units
from .records import Context

# What a blank form prints where the seed prints '平成  年  月  日' or '年 月 日'.
BLANK_DATE = "令和　　年　　月　　日"
# Birth dates are in any era, so their blank has none.
BLANK_BIRTH = "　　　　年　　月　　日"
BLANK_WEEKDAY = "（　）"
WEEKDAYS = "月火水木金土日"

BODY = Style(size=10.5)
TITLE = Style(size=16, bold=True, h="center")
LABEL = Style(size=10.5, h="distributed")
CENTER = Style(size=10.5, h="center")
RIGHT = Style(size=10.5, h="right")
# No smaller size: body text on A4 is 10.5 pt or more (#11), notes included.
MIN_BODY_PT = 10.5


# --------------------------------------------------------------------------- text


def date_jp(d: dt.date | None, blank: str = BLANK_DATE) -> str:
    """令和7年4月1日 (元年 for the first year); the blank when there is no date."""
    if d is None:
        return blank
    try:
        return to_wareki(d)
    except WarekiError:  # before 明治: print it as typed rather than fail the whole run
        return f"{d.year}年{d.month}月{d.day}日"


def weekday_jp(d: dt.date | None) -> str:
    return f"（{WEEKDAYS[d.weekday()]}）" if d is not None else BLANK_WEEKDAY


def date_with_weekday(d: dt.date | None) -> str:
    return date_jp(d) + weekday_jp(d)


def time_jp(t: dt.time | None) -> str:
    return f"{t.hour}時{t.minute:02d}分" if t is not None else "　　時　　分"


def time_range(start: dt.time | None, end: dt.time | None) -> str:
    return f"{time_jp(start)}～{time_jp(end)}"


def postal_jp(postal: str | None) -> str:
    return f"〒{postal}" if postal else "〒　　　－"


def text(value: str | None) -> str:
    return value or ""


# --------------------------------------------------------------------------- geometry


def cols_for(grid: Grid, label: str, size: float, start: int = 0) -> int:
    """Columns from `start` wide enough for `label` on one line at `size` pt."""
    need = text_units(label) * size * MM_PER_PT + 2.0
    cols, width = 0, 0.0
    while width < need and start + cols < grid.cols:
        width += grid.col_mm[start + cols]
        cols += 1
    return max(1, cols)


def choices(
    grid: Grid,
    row: int,
    col: int,
    options: Sequence[str],
    chosen: str | None,
    style: Style = CENTER,
    sep: str = "・",
    rows: int = 1,
) -> int:
    """Print the options in the seed's words, 'A ・ B ・ C', with the chosen one boxed and bold.

    Returns the first free column after them.
    """
    for i, option in enumerate(options):
        if i:
            grid.put(row, col, sep, rows=rows, style=style.but(h="center"))
            col += 1
        width = cols_for(grid, option, style.size, col) + 1
        marked = option == chosen
        grid.put(
            row,
            col,
            option,
            cols=width,
            rows=rows,
            style=style.but(h="center", bold=marked),
            frame=BOX if marked else Frame(),
        )
        col += width
    return col


def bracketed_choices(
    grid: Grid,
    row: int,
    col: int,
    options: Sequence[str],
    chosen: str | None,
    style: Style = CENTER,
) -> int:
    """'（ 男 ・ 女 ）' with an empty column inside each bracket: a bracket's ink sits on its
    inner side, so a box drawn around the chosen option right next to it would touch it.
    Returns the column after the closing bracket."""
    bracket = style.but(h="center", indent=0, bold=False)
    grid.put(row, col, "（", style=bracket)
    end = choices(grid, row, col + 2, options, chosen, style=style)
    grid.put(row, end + 1, "）", style=bracket)
    return end + 2


def seal_line(grid: Grid, ctx: Context, size: float = 14.0, right_col: int | None = None) -> int:
    """The issuer line '〇〇市町村長名　印', right-aligned; the 印 boxed if asked."""
    height = max(12.0, size * MM_PER_PT * 2.0)
    r = grid.row(height)
    end = grid.cols if right_col is None else right_col
    seal_cols = max(2, math.ceil(height / grid.col_mm[0]))
    name_cols = min(end - seal_cols - 1, cols_for(grid, ctx.settings.mayor_name, size) + 1)
    grid.put(
        r,
        end - seal_cols - 1 - name_cols,
        ctx.settings.mayor_name,
        cols=name_cols,
        style=Style(size=size, h="right"),
    )
    grid.put(
        r,
        end - seal_cols,
        "印",
        cols=seal_cols,
        style=Style(size=size, h="center"),
        frame=BOX if ctx.seal_box else Frame(),
    )
    return r


def contact_box(grid: Grid, heading: str, col: int, lines: Sequence[str]) -> None:
    """A framed box: a heading line and contact lines, from `col` to the right edge."""
    cols = grid.cols - col
    rows = [heading, *lines]
    for i, line in enumerate(rows):
        r = grid.row(6.5)
        frame = Frame(
            top="thin" if i == 0 else None,
            bottom="thin" if i == len(rows) - 1 else None,
            left="thin",
            right="thin",
        )
        style = Style(size=10.5, bold=i == 0, indent=1)
        grid.put(r, col, line, cols=cols, style=style, frame=frame)


def office(ctx: Context) -> str:
    """'〇〇市　〇〇課': the body and its department, as the seed's 市町村担当部署名."""
    s = ctx.settings
    return f"{s.body_name}　{s.department}".strip()


def wrap_rows(grid: Grid, text_value: str, col: int, cols: int, style: Style, min_mm: float) -> int:
    """A row tall enough for `text_value` wrapped in columns col..col+cols-1; returns it."""
    return grid.row(height_for(text_value, grid.span_mm(col, cols), style.size, min_mm))


def numbered(
    grid: Grid, mark: str, body: str, *, size: float = 10.5, mark_cols: int = 2, col: int = 0
) -> None:
    """A paragraph with a hanging mark ('１', '○'): mark in its own column, text wrapped."""
    style = Style(size=size, wrap=True, v="top")
    start = col + mark_cols
    r = wrap_rows(grid, body, start, grid.cols - start, style, 7.0)
    grid.put(r, col, mark, cols=mark_cols, style=Style(size=size, v="top", h="right"))
    grid.put(r, start, body, cols=grid.cols - start, style=style)


def label(
    grid: Grid,
    row: int,
    col: int,
    cols: int,
    words: str,
    *,
    rows: int = 1,
    style: Style = LABEL,
    framed: bool = True,
) -> None:
    """A label cell; the words keep a column of air on each side (均等割付 looks right)."""
    inner = 1 if cols >= 4 else 0
    grid.put(row, col + inner, words, rows=rows, cols=cols - 2 * inner, style=style)
    if framed:
        grid.box(row, col, rows, cols)


def labelled(
    grid: Grid,
    row: int,
    words: str,
    value: str,
    *,
    rows: int = 1,
    label_cols: int = 8,
    label_style: Style = LABEL,
    value_style: Style = BODY,
) -> None:
    """A table row: a framed label cell and a framed value cell to its right."""
    cols = grid.cols - label_cols
    label(grid, row, 0, label_cols, words, rows=rows, style=label_style)
    grid.put(row, label_cols, value, rows=rows, cols=cols, style=value_style.but(indent=1))
    grid.box(row, label_cols, rows, cols)
