"""The print copy of a forms workbook: runs of alike one-page sheets stacked on one worksheet.

LibreOffice spends about 10 ms on every worksheet it loads and prints, whatever the sheet
holds: 100 one-page certificates on 100 sheets cost it about four times what the same 100 pages
on one sheet, split by manual page breaks, do. The pages come out the same when each stacked
page is printed at the scale its own sheet had. A sheet fitted to one page is printed at the
largest scale (at most 100 %) at which both its width and its height fit; the stacked sheet is
fitted to the page width only. So only sheets whose height fits the page at 100 % are stacked
(their scale comes from the width alone), and only with neighbours of the same columns and
margins (the same width scale). Everything else is printed on a sheet of its own, as before.
The clerk's workbook keeps one sheet per form; only the copy handed to LibreOffice is stacked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .layout import Block, Box, Frame, Sheet

A4_MM = (210.0, 297.0)
# Row heights reach LibreOffice rounded to twips; a millimetre covers that for any form.
FIT_TOLERANCE_MM = 1.0

Stack = tuple[Sheet, tuple[int, ...]]  # a sheet and the rows after which a new page starts


def print_stacks(sheets: Sequence[Sheet]) -> list[Stack]:
    """The sheets in order, each run of stackable alike sheets joined into one (with breaks)."""
    out: list[Stack] = []
    run: list[Sheet] = []
    for sheet in sheets:
        if run and not (stackable(run[-1]) and stackable(sheet) and _alike(run[-1], sheet)):
            out.append(_stack(run))
            run = []
        run.append(sheet)
    if run:
        out.append(_stack(run))
    return out


def stackable(sheet: Sheet) -> bool:
    """Whether the sheet's height fits the printable height at 100 % (so width sets its scale)."""
    printable = A4_MM[1] - sheet.setup.top - sheet.setup.bottom
    return sheet.height_mm + FIT_TOLERANCE_MM <= printable


def _alike(a: Sheet, b: Sheet) -> bool:
    pa, pb = a.setup, b.setup
    return (
        a.col_mm == b.col_mm
        and (pa.top, pa.right, pa.bottom, pa.left)
        == (
            pb.top,
            pb.right,
            pb.bottom,
            pb.left,
        )
        and (pa.center_h, pa.center_v) == (pb.center_h, pb.center_v)
    )


def _stack(run: list[Sheet]) -> Stack:
    if len(run) == 1:
        return run[0], ()
    rows: list[float] = []
    blocks: list[Block] = []
    boxes: list[Box] = []
    breaks: list[int] = []
    for sheet in run:
        top = len(rows)
        rows.extend(sheet.row_mm)
        blocks.extend(replace(b, row=b.row + top) for b in sheet.blocks)
        boxes.extend(replace(x, row=x.row + top) for x in sheet.boxes)
        if sheet.setup.outline is not None:  # the page frame becomes a box around its rows
            boxes.append(
                Box(top, 0, len(sheet.row_mm), len(sheet.col_mm), Frame.box(sheet.setup.outline))
            )
        breaks.append(len(rows))
    first = run[0]
    joined = Sheet(
        first.name,
        first.col_mm,
        tuple(rows),
        tuple(blocks),
        replace(first.setup, outline=None),
        tuple(boxes),
    )
    return joined, tuple(breaks[:-1])
