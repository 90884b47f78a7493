"""A small declarative model of a printed form: blocks of text on a grid over an A4 page.

A form is a `Sheet`: column widths and row heights in millimetres, and `Block`s placed by
(row, col) in that grid, each spanning some rows and columns, with a style and a frame.
Nothing here knows about openpyxl; `render.py` turns a Sheet into a worksheet. Form modules
build Sheets with a `Grid`, top to bottom, the way the seed's forms read.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

Face = Literal["mincho", "gothic"]
HAlign = Literal["left", "center", "right", "distributed"]
VAlign = Literal["top", "center", "bottom"]
Edge = Literal["thin", "medium", "thick", "double", "dotted", "hair"]

# Fonts Windows Excel has everywhere; our LibreOffice calls alias them to IPAex fonts.
FONT_NAMES: dict[Face, str] = {"mincho": "ＭＳ 明朝", "gothic": "ＭＳ ゴシック"}
# The output workbook's Normal font: column widths are measured in its digit width.
NORMAL_FACE: Face = "mincho"
NORMAL_SIZE = 11.0
# Excel's maximum digit width of ＭＳ 明朝 11pt at 96 dpi (its embedded bitmaps are 8 px wide
# for half-width glyphs; Japanese Excel's default column width 8.38 comes from the same 8 px).
EXCEL_DIGIT_PX = 8.0

MM_PER_PT = 25.4 / 72
# Excel refuses rows taller than 409 points.
MAX_ROW_MM = 409 * MM_PER_PT


class LayoutError(ValueError):
    """A form layout is inconsistent (a programming error, never a clerk's)."""


@dataclass(frozen=True, slots=True)
class Style:
    face: Face = "mincho"
    size: float = 10.5
    bold: bool = False
    underline: bool = False
    h: HAlign = "left"
    v: VAlign = "center"
    wrap: bool = False
    indent: int = 0
    shrink: bool = False

    def but(self, **changes: object) -> Style:
        """A copy with some attributes changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Frame:
    """The lines drawn around a block (None: no line on that side)."""

    top: Edge | None = None
    right: Edge | None = None
    bottom: Edge | None = None
    left: Edge | None = None

    @staticmethod
    def box(edge: Edge = "thin") -> Frame:
        return Frame(edge, edge, edge, edge)

    @property
    def empty(self) -> bool:
        return self.top is None and self.right is None and self.bottom is None and self.left is None


NO_FRAME = Frame()
BOX = Frame.box()


@dataclass(frozen=True, slots=True)
class Block:
    """Text in a rectangle of the grid: rows row..row+rows-1, columns col..col+cols-1."""

    row: int
    col: int
    text: str = ""
    rows: int = 1
    cols: int = 1
    style: Style = Style()
    frame: Frame = NO_FRAME

    @property
    def last_row(self) -> int:
        return self.row + self.rows - 1

    @property
    def last_col(self) -> int:
        return self.col + self.cols - 1


@dataclass(frozen=True, slots=True)
class Box:
    """Lines drawn around a rectangle of the grid, whatever blocks lie inside (table rules)."""

    row: int
    col: int
    rows: int
    cols: int
    frame: Frame = BOX


@dataclass(frozen=True, slots=True)
class PageSetup:
    """A4 portrait, fitted to one page; margins in millimetres."""

    top: float = 15.0
    right: float = 15.0
    bottom: float = 15.0
    left: float = 15.0
    center_h: bool = True
    center_v: bool = True
    outline: Edge | None = None  # a frame around the whole form (certificates)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One printed page: a titled grid of blocks with its print setup."""

    name: str
    col_mm: tuple[float, ...]
    row_mm: tuple[float, ...]
    blocks: tuple[Block, ...]
    setup: PageSetup = PageSetup()
    boxes: tuple[Box, ...] = ()

    def __post_init__(self) -> None:
        if any(not 0 < h <= MAX_ROW_MM for h in self.row_mm):
            raise LayoutError(f"{self.name}: a row height outside 0–409 pt")
        for x in self.boxes:
            if (
                min(x.row, x.col) < 0
                or x.row + x.rows > len(self.row_mm)
                or x.col + x.cols > len(self.col_mm)
            ):
                raise LayoutError(f"{self.name}: box outside the grid {x}")
        taken: dict[tuple[int, int], Block] = {}
        for b in self.blocks:
            if b.rows < 1 or b.cols < 1 or b.row < 0 or b.col < 0:
                raise LayoutError(f"{self.name}: bad span {b}")
            if b.last_row >= len(self.row_mm) or b.last_col >= len(self.col_mm):
                raise LayoutError(f"{self.name}: block outside the grid {b}")
            for r in range(b.row, b.last_row + 1):
                for c in range(b.col, b.last_col + 1):
                    if (r, c) in taken:
                        raise LayoutError(f"{self.name}: {b} overlaps {taken[r, c]}")
                    taken[r, c] = b

    @property
    def width_mm(self) -> float:
        return sum(self.col_mm)

    @property
    def height_mm(self) -> float:
        return sum(self.row_mm)

    def texts(self) -> list[str]:
        """Every block's text in reading order (top to bottom, left to right)."""
        return [b.text for b in sorted(self.blocks, key=lambda b: (b.row, b.col)) if b.text]


# --------------------------------------------------------------------------- measuring text


def text_units(text: str) -> float:
    """Width of `text` in ems: wide (全角) characters count 1, the rest 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


# 禁則 (JIS X 4051): characters that may not begin a line, and those that may not end one.
NO_LINE_START = frozenset(
    "、。，．,.）)」』】〕〉》］]｝}〙〗’”・：；:;！？!?‼⁇ゝゞヽヾー々〻…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ％%"
)
NO_LINE_END = frozenset("（(「『【〔〈《［[｛{〘〖‘“")
CELL_PADDING_MM = 2.0  # ~1 mm each side inside a cell
INDENT_MM = 4.0  # one indent level, rounded up (Excel and LibreOffice differ a little)
# A line is left one em short of the cell: proportional Latin letters (IPAex's 'm' is wider
# than half an em) must not make the application wrap our line again.
SLACK_EM = 1.0


def line_capacity(width_mm: float, size_pt: float, indent: int = 0) -> float:
    """How many ems we put on one line of a cell `width_mm` wide (half-ems count)."""
    em = size_pt * MM_PER_PT
    usable = width_mm - CELL_PADDING_MM - indent * INDENT_MM
    return max(1.0, math.floor(usable / em * 2) / 2 - SLACK_EM)


def _narrow(ch: str) -> bool:
    """A half-width letter, digit or sign: part of a word or number that is not split."""
    return not ch.isspace() and unicodedata.east_asian_width(ch) not in "WF"


def _breakable(text: str, i: int) -> bool:
    """A line may end before text[i] under 禁則 and without splitting a Latin word or number."""
    before, after = text[i - 1], text[i]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (_narrow(before) and _narrow(after))


def break_lines(text: str, width_mm: float, size_pt: float, indent: int = 0) -> list[str]:
    """`text` broken into lines that fit the cell, each paragraph ("\n") on its own lines.

    Excel and LibreOffice wrap CJK text anywhere, ignoring 禁則; a form that sets its own
    breaks (and leaves each line short enough not to be re-wrapped) never shows 、 or ） at a
    line start nor （ at a line end. When a line is full, the break moves back to the nearest
    place allowed (追い出し); a line too narrow for any is broken where it is full.
    """
    cap = line_capacity(width_mm, size_pt, indent)
    lines: list[str] = []
    for para in text.split("\n"):
        start = 0
        while True:
            width, end = 0.0, start
            while end < len(para) and width + text_units(para[end]) <= cap:
                width += text_units(para[end])
                end += 1
            if end >= len(para):
                lines.append(para[start:])
                break
            end = max(end, start + 1)
            legal = next((i for i in range(end, start, -1) if _breakable(para, i)), None)
            if legal is not None:
                end = legal
            lines.append(para[start:end])
            start = end
    return lines


def lines_needed(text: str, width_mm: float, size_pt: float, indent: int = 0) -> int:
    """How many lines `text` takes in a cell `width_mm` wide, broken as `break_lines` does."""
    return len(break_lines(text, width_mm, size_pt, indent))


def height_for(
    text: str, width_mm: float, size_pt: float, minimum_mm: float, indent: int = 0
) -> float:
    """A row height (mm) that shows all of `text` wrapped, never below `minimum_mm`.

    Capped at Excel's tallest row (409 pt): text longer than that is cut off in print.
    """
    line_mm = size_pt * MM_PER_PT * 1.5
    needed = lines_needed(text, width_mm, size_pt, indent) * line_mm + 2.0
    return min(MAX_ROW_MM, max(minimum_mm, needed))


# --------------------------------------------------------------------------- building


@dataclass
class Grid:
    """Builds a Sheet row by row: `row()` appends a row, `put()` places a block."""

    cols: int = 36
    width_mm: float = 180.0
    col_mm: tuple[float, ...] = ()
    row_mm: list[float] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.col_mm:
            self.col_mm = (self.width_mm / self.cols,) * self.cols
        self.cols = len(self.col_mm)

    def row(self, height_mm: float) -> int:
        """Append a row `height_mm` high; return its index."""
        self.row_mm.append(height_mm)
        return len(self.row_mm) - 1

    def rows(self, *heights_mm: float) -> range:
        """Append several rows; return their indexes."""
        first = len(self.row_mm)
        self.row_mm.extend(heights_mm)
        return range(first, len(self.row_mm))

    def gap(self, height_mm: float) -> None:
        self.row(height_mm)

    def fill(self, total_mm: float) -> None:
        """A last empty row that brings the grid to `total_mm` high (if it is shorter)."""
        rest = total_mm - sum(self.row_mm)
        if rest > 0.5:
            self.row(rest)

    def span_mm(self, col: int, cols: int) -> float:
        return sum(self.col_mm[col : col + cols])

    def put(
        self,
        row: int,
        col: int,
        text: str,
        *,
        cols: int = 1,
        rows: int = 1,
        style: Style | None = None,
        frame: Frame = NO_FRAME,
    ) -> Block:
        block = Block(row, col, text, rows, cols, style or Style(), frame)
        self.blocks.append(block)
        return block

    def box(self, row: int, col: int, rows: int, cols: int, frame: Frame = BOX) -> None:
        """Rule lines around rows row..row+rows-1 and columns col..col+cols-1."""
        self.boxes.append(Box(row, col, rows, cols, frame))

    def line(
        self,
        height_mm: float,
        text: str,
        style: Style | None = None,
        col: int = 0,
        cols: int | None = None,
    ) -> int:
        """A row holding one block across the whole width (or columns col..col+cols-1)."""
        r = self.row(height_mm)
        self.put(r, col, text, cols=self.cols - col if cols is None else cols, style=style)
        return r

    def sheet(self, name: str, setup: PageSetup | None = None) -> Sheet:
        return Sheet(
            name,
            self.col_mm,
            tuple(self.row_mm),
            tuple(self.blocks),
            setup or PageSetup(),
            tuple(self.boxes),
        )
