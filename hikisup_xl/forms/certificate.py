"""資料3 ひきこもりサポーター養成研修 修了証書."""

from __future__ import annotations

from ..core.wareki import WarekiError, fiscal_year, fiscal_year_label
from .layout import Frame, Grid, PageSetup, Sheet, Style, height_for
from .parts import date_jp, seal_line, text
from .records import Context, Graduate

NAME = "修了証書"
BLANK_YEAR = "令和　　年度"
SENTENCE = "あなたは、{year}ひきこもりサポーター養成研修を受講し修了したことを証します"


def year_label(g: Graduate | None) -> str:
    """The 年度 of the training: from the 修了日, else the training's 開催日."""
    day = (g.completed or g.training_date) if g else None
    if day is None:
        return BLANK_YEAR
    try:
        return fiscal_year_label(fiscal_year(day))
    except WarekiError:
        return f"{fiscal_year(day)}年度"


def sheet(g: Graduate | None, ctx: Context) -> Sheet:
    grid = Grid()
    year = year_label(g)
    grid.gap(14)
    r = grid.row(11)
    grid.put(r, 3, year, cols=12, style=Style(size=16))
    grid.put(r, 20, "修了番号", cols=7, style=Style(size=14, h="right"))
    grid.put(
        r,
        27,
        text(g.cert_no if g else None),
        cols=6,
        style=Style(size=16, h="center"),
        frame=Frame(bottom="thin"),
    )
    grid.gap(26)
    grid.line(14, "ひきこもりサポーター養成研修", Style(size=20, h="center"))
    grid.gap(5)
    r = grid.row(24)
    grid.put(r, 9, "修了証書", cols=18, style=Style(size=40, h="distributed"))
    grid.gap(30)

    r = grid.row(16)
    grid.put(
        r,
        4,
        text(g.name if g else None),
        cols=21,
        style=Style(size=26, h="right"),
        frame=Frame(bottom="thin") if g is None else Frame(),
    )
    grid.put(r, 25, "様", cols=4, style=Style(size=22, h="center"))
    grid.gap(22)

    sentence = SENTENCE.format(year=year)
    body = Style(size=21, wrap=True, v="center")
    r = grid.row(height_for(sentence, grid.span_mm(4, 28), body.size, 30.0))
    grid.put(r, 4, sentence, cols=28, style=body)
    grid.gap(22)

    r = grid.row(12)
    grid.put(r, 6, date_jp(g.completed if g else None), cols=16, style=Style(size=18))
    grid.gap(18)
    seal_line(grid, ctx, size=20, right_col=33)
    grid.fill(262)
    name = f"{NAME}_{g.cert_no}" if g else f"{NAME}_空欄"
    return grid.sheet(name, PageSetup(outline="double"))
