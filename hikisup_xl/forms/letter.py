"""The frame of a letter staff post to a supporter: date, address, sender, 記 … 以上, contact."""

from __future__ import annotations

from collections.abc import Sequence

from .layout import Grid, Style
from .parts import (
    BODY,
    LABEL,
    RIGHT,
    contact_box,
    date_jp,
    labelled,
    office,
    postal_jp,
    text,
    wrap_rows,
)
from .records import Context, Supporter

PARA = Style(size=11, wrap=True, v="top")


def head(g: Grid, ctx: Context, p: Supporter | None, blank: bool) -> None:
    """Date (today), the addressee as for a window envelope, and the sender."""
    g.gap(4)
    g.line(8, date_jp(None if blank else ctx.today), RIGHT.but(size=11), col=20, cols=16)
    g.gap(4)
    g.line(7, postal_jp(p.postal if p else None), BODY, col=1, cols=18)
    address = text(p.address if p else None)
    g.line(14, address, BODY.but(wrap=True, v="top"), col=1, cols=18)
    name = p.name if p and p.name else "　" * 8
    g.line(11, f"{name}　様", Style(size=14), col=1, cols=20)
    g.gap(4)
    g.line(8, ctx.settings.mayor_name, RIGHT.but(size=11), col=16, cols=20)
    g.gap(10)


def title(g: Grid, words: str) -> None:
    g.line(12, words, Style(size=14, bold=True, h="center"))
    g.gap(8)


def paragraph(g: Grid, words: str) -> None:
    r = wrap_rows(g, words, 0, g.cols, PARA, 8.0)
    g.put(r, 0, words, cols=g.cols, style=PARA)
    g.gap(2)


def notes(g: Grid, rows: Sequence[tuple[str, str]]) -> None:
    """記, a table of label and value, 以上."""
    g.gap(4)
    g.line(9, "記", Style(size=11, h="center"))
    g.gap(3)
    for label, value in rows:
        r = g.row(11)
        labelled(g, r, label, value, label_style=LABEL, value_style=BODY.but(size=11, shrink=True))
    g.gap(2)
    g.line(9, "以上", RIGHT.but(size=11), col=28, cols=8)


def contact(g: Grid, ctx: Context) -> None:
    s = ctx.settings
    g.gap(8)
    contact_box(
        g,
        "お問い合わせ先",
        18,
        (office(ctx), f"担当者：{s.staff}", f"電話：{s.phone}　FAX：{s.fax}"),
    )
