"""資料5 同意書 (the supporter's consent, submitted with the 登録申込書)."""

from __future__ import annotations

from .layout import Frame, Grid, Sheet, Style
from .parts import BODY, RIGHT, date_jp, numbered, wrap_rows
from .records import Context, Supporter

NAME = "同意書"
INTRO = "　私は、{body}認定のひきこもりサポーターとして活動を行うに当たり、下記の事項に同意します。"
ITEMS = (
    "名簿への登録のため、私の氏名、性別、生年月日、住所、連絡先等の個人情報を名簿に登載し、"
    "ひきこもり派遣事業を実施に供用することを承諾します。",
    "ひきこもりサポーター派遣事業の実施機関の指示のもとに活動します。\n"
    "また、活動における約束、時間等を遵守します。",
    "活動において知り得た個人情報等について、外部に漏らしません。\n"
    "また、ひきこもりサポーターを辞めた後も同様に、活動において知り得た個人情報等について、"
    "外部に漏らしません。",
    "ひきこもりサポーターの信用を失墜する行為をしません。",
    "ひきこもりサポーターの活動の知識・技能のステップアップのための研修等に積極的に参加します。",
)
MARKS = "１２３４５"


def sheet(p: Supporter | None, ctx: Context) -> Sheet:
    g = Grid()
    g.gap(10)
    r = g.row(16)
    g.put(r, 12, "同意書", cols=12, style=Style(size=20, bold=True, h="distributed"))
    g.gap(14)
    intro = INTRO.format(body=ctx.settings.body_name)
    para = Style(size=11, wrap=True, v="top")
    r = wrap_rows(g, intro, 0, g.cols, para, 8.0)
    g.put(r, 0, intro, cols=g.cols, style=para)
    g.gap(8)
    g.line(10, "記", Style(size=11, h="center"))
    g.gap(6)
    for mark, item in zip(MARKS, ITEMS, strict=True):
        numbered(g, mark, item, size=11, mark_cols=2)
        g.gap(5)
    g.gap(22)
    g.line(10, date_jp(p.consent if p else None), RIGHT.but(size=11), col=18, cols=16)
    g.gap(10)
    r = g.row(12)
    g.put(r, 12, "本人署名", cols=6, style=BODY.but(size=11, h="distributed"))
    g.put(r, 19, "", cols=15, frame=Frame(bottom="thin"))
    if p is not None:
        g.gap(30)
        ref = f"（事務処理欄）登録番号：{p.reg_no or '未登録'}　氏名：{p.name or ''}"
        g.line(7, ref, BODY, col=0, cols=g.cols)
    name = f"{NAME}_{p.reg_no or p.name or ''}" if p else f"{NAME}_空欄"
    return g.sheet(name)
