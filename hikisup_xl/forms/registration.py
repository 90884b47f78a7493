"""資料4 ひきこもりサポーター登録申込書."""

from __future__ import annotations

from ..core.schema import SEXES
from .layout import Grid, Sheet, Style, height_for
from .parts import (
    BLANK_BIRTH,
    BODY,
    LABEL,
    RIGHT,
    TITLE,
    bracketed_choices,
    date_jp,
    label,
    labelled,
    postal_jp,
    text,
)
from .records import Context, Supporter

NAME = "登録申込書"
LABEL_COLS = 8
VALUE_COLS = 28
SEX_COLS = 11  # （, air, 男, ・, 女, air, ）
BLANK_PHONE = "（　　　　－　　　　－　　　　）"
BLANK_EMAIL = "　　　　　　　　＠　　　　　　　　　　"
NOTE = Style(size=10.5, wrap=True, v="top")


def sheet(p: Supporter | None, ctx: Context) -> Sheet:
    g = Grid()
    g.gap(4)
    g.line(14, "ひきこもりサポーター登録申込書", TITLE.but(size=18))
    g.gap(8)
    g.line(9, f"{ctx.settings.mayor_name}　様", Style(size=12), col=1, cols=24)
    g.gap(3)
    g.line(9, date_jp(p.applied if p else None), RIGHT, col=20, cols=16)
    g.gap(6)
    g.line(10, "下記のとおりひきこもりサポーターの登録を申し込みます。", BODY.but(indent=1))
    g.gap(4)
    _name_rows(g, p)
    labelled(g, g.row(11), "生年月日", date_jp(p.birth if p else None, BLANK_BIRTH))
    _address_rows(g, p)
    _contact_rows(g, p)
    labelled(g, g.row(10), "修了番号", text(p.cert_no if p else None))
    for words, value, style in (
        ("サポーターに\nなろうと思っ\nた動機・理由", p.motive if p else None, "center"),
        ("資格\n特技", p.skills if p else None, "distributed"),
    ):
        r = g.row(height_for(text(value), g.span_mm(LABEL_COLS, VALUE_COLS), NOTE.size, 38.0))
        labelled(
            g, r, words, text(value), label_style=LABEL.but(wrap=True, h=style), value_style=NOTE
        )
    name = f"{NAME}_{p.reg_no or p.name or ''}" if p else f"{NAME}_空欄"
    return g.sheet(name)


def _name_rows(g: Grid, p: Supporter | None) -> None:
    """ふりがな and 氏名 (with 印), and (男・女) beside both; the chosen sex is boxed."""
    kana_row, above, name_row, _below = g.rows(8, 4, 10, 4)
    value_cols = VALUE_COLS - SEX_COLS
    label(g, kana_row, 0, LABEL_COLS, "ふりがな")
    label(g, above, 0, LABEL_COLS, "氏名", rows=3)
    g.put(
        kana_row, LABEL_COLS, text(p.kana if p else None), cols=value_cols, style=BODY.but(indent=1)
    )
    g.put(
        above,
        LABEL_COLS,
        text(p.name if p else None),
        rows=3,
        cols=value_cols - 3,
        style=BODY.but(size=14, indent=1),
    )
    g.put(above, LABEL_COLS + value_cols - 3, "印", rows=3, cols=2, style=BODY.but(h="center"))
    g.box(kana_row, LABEL_COLS, 1, value_cols)
    g.box(above, LABEL_COLS, 3, value_cols)
    sex_col = g.cols - SEX_COLS
    bracketed_choices(g, name_row, sex_col, SEXES, p.sex if p else None)
    g.box(kana_row, sex_col, 4, SEX_COLS)


def _address_rows(g: Grid, p: Supporter | None) -> None:
    address = text(p.address if p else None)
    body = NOTE.but(indent=1)
    postal_row = g.row(8)
    g.row(height_for(address, g.span_mm(LABEL_COLS, VALUE_COLS), body.size, 16.0))
    label(g, postal_row, 0, LABEL_COLS, "住所", rows=2)
    g.put(
        postal_row,
        LABEL_COLS,
        postal_jp(p.postal if p else None),
        cols=VALUE_COLS,
        style=BODY.but(indent=1),
    )
    g.put(postal_row + 1, LABEL_COLS, address, cols=VALUE_COLS, style=body)
    g.box(postal_row, LABEL_COLS, 2, VALUE_COLS)


def _contact_rows(g: Grid, p: Supporter | None) -> None:
    rows = g.rows(8, 8, 8)
    label(g, rows[0], 0, LABEL_COLS, "連絡先", rows=3)
    lines = (
        ("電話", p.phone if p else None, BLANK_PHONE),
        ("電話（携帯）", p.mobile if p else None, BLANK_PHONE),
        ("E-Mail：", p.email if p else None, BLANK_EMAIL),
    )
    for row, (words, value, blank) in zip(rows, lines, strict=True):
        g.put(row, LABEL_COLS, words, cols=7, style=BODY.but(indent=1))
        g.put(row, LABEL_COLS + 7, value or blank, cols=VALUE_COLS - 7, style=BODY)
    g.box(rows[0], LABEL_COLS, 3, VALUE_COLS)
