"""資料6 ひきこもりサポーター登録証."""

from __future__ import annotations

from ..core.schema import SEXES
from .layout import Frame, Grid, Sheet, Style, height_for
from .parts import (
    BLANK_BIRTH,
    LABEL,
    RIGHT,
    TITLE,
    bracketed_choices,
    date_jp,
    label,
    labelled,
    postal_jp,
    seal_line,
    text,
)
from .records import Context, Supporter

NAME = "登録証"
OUTSIDE = "（期間外）"  # printed after the period when the base date is outside it
LABEL_COLS = 8
VALUE_COLS = 28
BLANK_PHONE = "　　　　（　　　　）"
VALUE = Style(size=12, indent=1)
CARD_LABEL = LABEL.but(size=11.5)


def phone_line(p: Supporter | None) -> str:
    numbers = [n for n in ((p.phone, p.mobile) if p else ()) if n]
    return "電話番号　" + ("　／　".join(numbers) if numbers else BLANK_PHONE)


def sheet(p: Supporter | None, ctx: Context) -> Sheet:
    g = Grid()
    g.gap(6)
    g.line(18, "ひきこもりサポーター登録証", TITLE.but(size=22))
    g.gap(16)
    r = g.row(14)
    g.put(
        r,
        2,
        text(p.name if p else None),
        cols=16,
        style=Style(size=18, h="center"),
        frame=Frame(bottom="thin"),
    )
    g.put(r, 18, "様", cols=2, style=Style(size=16, h="center"))
    g.gap(12)
    g.line(10, "ひきこもりサポーターとして下記のとおり登録します。", Style(size=12, indent=1))
    g.gap(6)
    labelled(
        g, g.row(14), "登録番号", text(p.reg_no if p else None), value_style=VALUE.but(size=14)
    )
    start, end = g.rows(10, 10)
    label(g, start, 0, LABEL_COLS, "登録期間", rows=2, style=CARD_LABEL)
    g.put(
        start,
        LABEL_COLS,
        date_jp(p.period_start if p else None) + "から",
        cols=VALUE_COLS,
        style=VALUE,
    )
    until = date_jp(p.period_end if p else None) + "まで" + (OUTSIDE if p and p.outside else "")
    g.put(end, LABEL_COLS, until, cols=VALUE_COLS, style=VALUE)
    g.box(start, LABEL_COLS, 2, VALUE_COLS)
    _person_rows(g, p)
    _address_rows(g, p)
    memo = text(p.card_memo if p else None)  # never p.memo: that one is internal
    memo_style = VALUE.but(wrap=True, v="top")
    r = g.row(height_for(memo, g.span_mm(LABEL_COLS, VALUE_COLS), memo_style.size, 32.0))
    labelled(g, r, "備考", memo, label_style=CARD_LABEL, value_style=memo_style)
    g.gap(16)
    g.line(10, date_jp(p.issued if p else None), RIGHT.but(size=13), col=14, cols=18)
    g.gap(8)
    seal_line(g, ctx, size=15, right_col=34)
    name = f"{NAME}_{p.reg_no}" if p and p.reg_no else f"{NAME}_空欄"
    return g.sheet(name)


def _person_rows(g: Grid, p: Supporter | None) -> None:
    """ふりがな / 氏名 / （生年月日） in one framed group, as the seed draws them."""
    kana, above, name, _below, birth = g.rows(9, 4, 10, 4, 10)
    label(g, kana, 0, LABEL_COLS, "ふりがな", style=CARD_LABEL, framed=False)
    label(g, above, 0, LABEL_COLS, "氏名", rows=3, style=CARD_LABEL, framed=False)
    label(g, birth, 0, LABEL_COLS, "（生年月日）", style=CARD_LABEL.but(h="center"), framed=False)
    g.box(kana, 0, 5, LABEL_COLS)
    g.put(kana, LABEL_COLS, text(p.kana if p else None), cols=VALUE_COLS, style=VALUE.but(size=11))
    g.put(above, LABEL_COLS, text(p.name if p else None), rows=3, cols=16, style=VALUE.but(size=16))
    bracketed_choices(
        g, name, LABEL_COLS + 16, SEXES, p.sex if p else None, style=VALUE.but(indent=0)
    )
    born = date_jp(p.birth if p else None, BLANK_BIRTH)
    g.put(birth, LABEL_COLS, f"（{born}生）", cols=VALUE_COLS, style=VALUE)
    g.box(kana, LABEL_COLS, 5, VALUE_COLS)


def _address_rows(g: Grid, p: Supporter | None) -> None:
    """住所 / 連絡先 in one framed group."""
    address = text(p.address if p else None)
    body = VALUE.but(wrap=True, v="top")
    postal = g.row(9)
    g.row(height_for(address, g.span_mm(LABEL_COLS, VALUE_COLS), body.size, 15.0))
    phone = g.row(10)
    label(g, postal, 0, LABEL_COLS, "住所", rows=2, style=CARD_LABEL, framed=False)
    label(g, phone, 0, LABEL_COLS, "連絡先", style=CARD_LABEL, framed=False)
    g.box(postal, 0, 3, LABEL_COLS)
    g.put(postal, LABEL_COLS, postal_jp(p.postal if p else None), cols=VALUE_COLS, style=VALUE)
    g.put(postal + 1, LABEL_COLS, address, cols=VALUE_COLS, style=body)
    g.put(phone, LABEL_COLS, phone_line(p), cols=VALUE_COLS, style=VALUE)
    g.box(postal, LABEL_COLS, 3, VALUE_COLS)
