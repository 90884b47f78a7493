"""資料7 ひきこもりサポーター登録名簿, for printing: as many pages as needed, header on each."""

from __future__ import annotations

from collections.abc import Sequence

from .layout import Grid, Sheet, Style, height_for
from .parts import date_jp, office, postal_jp, text
from .records import Context, Supporter

NAME = "登録名簿"
PER_PAGE = 10  # at most; fewer when tall rows would not fit the page at 100 %
# 登録番号 | 登録期間 | 氏名（性別）（生年月日） | 住所 連絡先 | 備考
COL_MM = (16.0, 44.0, 44.0, 50.0, 26.0)
HEADERS = ("登録\n番号", "登録期間", "氏名（性別）\n（生年月日）", "住所\n連絡先", "備考")
CELL = Style(size=10.5, wrap=True)
HEADER = Style(size=10.5, bold=True, h="center", wrap=True)
ROW_MM = 21.0
HEADER_MM = 13.0
# Title, office line, gaps, header row and page number: the rows around the entries.
FRAME_MM = 2 + 12 + 8 + 2 + HEADER_MM + 2 + 7
PAGE_MM = 297.0 - 15.0 - 15.0  # A4 less the margins: fit-to-page never has to shrink
OUTSIDE = "（期間外）"  # between the period's two lines when the base date is outside it
# The seed's narrow '年 月 日' blanks, with the era this register's periods are in.
BLANK_PERIOD = "令和　年　月　日"
BLANK_BIRTHDAY = "　　年　月　日"


def sheets(people: Sequence[Supporter], ctx: Context) -> list[Sheet]:
    """As many pages as the people need (at most PER_PAGE each); no people: one blank page."""
    chunks: list[list[Supporter]] = []
    used = PAGE_MM
    for p in people:
        height = entry_height(entry_texts(p))
        if used + height > PAGE_MM or len(chunks[-1]) >= PER_PAGE:
            chunks.append([])
            used = FRAME_MM
        chunks[-1].append(p)
        used += height
    if not chunks:
        return [page([None] * PER_PAGE, 1, 1, ctx, blank=True)]
    return [page(chunk, n, len(chunks), ctx) for n, chunk in enumerate(chunks, start=1)]


def entry_height(values: Sequence[str]) -> float:
    return max(height_for(v, COL_MM[c], CELL.size, ROW_MM) for c, v in enumerate(values))


def entry_texts(p: Supporter | None) -> tuple[str, str, str, str, str]:
    if p is None:
        return (
            "",
            f"{BLANK_PERIOD}から\n\n{BLANK_PERIOD}まで",
            f"（男・女）\n\n（{BLANK_BIRTHDAY}）",
            f"{postal_jp(None)}\n\n",
            "",
        )
    sex = f"（{p.sex}）" if p.sex else ""
    contact = "　".join(n for n in (p.phone, p.mobile) if n)
    middle = OUTSIDE if p.outside else ""
    start, end = date_jp(p.period_start, BLANK_PERIOD), date_jp(p.period_end, BLANK_PERIOD)
    return (
        text(p.reg_no),
        f"{start}から\n{middle}\n{end}まで",
        f"{text(p.name)}{sex}\n\n（{date_jp(p.birth, BLANK_BIRTHDAY)}）",
        f"{postal_jp(p.postal)}\n{text(p.address)}\n{contact}",
        text(p.memo),
    )


def page(
    entries: Sequence[Supporter | None], number: int, total: int, ctx: Context, blank: bool = False
) -> Sheet:
    g = Grid(col_mm=COL_MM)
    g.gap(2)
    g.line(12, "ひきこもりサポーター登録名簿", Style(size=16, bold=True, h="center"))
    g.line(8, office(ctx), Style(size=10.5, h="right"), col=2, cols=3)
    g.gap(2)
    r = g.row(HEADER_MM)
    for c, header in enumerate(HEADERS):
        g.put(r, c, header, style=HEADER)
        g.box(r, c, 1, 1)
    for p in entries:
        values = entry_texts(p)
        r = g.row(entry_height(values))
        for c, value in enumerate(values):
            # no indent: a period (令和10年12月31日から) fits its column on one line at 10.5 pt
            g.put(r, c, value, style=CELL.but(h="center") if c == 0 else CELL)
            g.box(r, c, 1, 1)
    g.gap(2)
    g.line(7, f"{number}／{total}", Style(size=10.5, h="right"), col=3, cols=2)
    suffix = "空欄" if blank else str(number)
    return g.sheet(f"{NAME}_{suffix}")
