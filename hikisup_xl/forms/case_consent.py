"""資料8 ○○市町村ひきこもりサポーターによる支援への同意について (the supported person's consent).

It prints the body text and blanks for the date and signature. 当事者 data is 要配慮個人情報:
the only thing ever printed from the workbook is the ケースID, so that the signed form can be
filed; a blank form is the normal case.
"""

from __future__ import annotations

from .layout import Frame, Grid, Sheet, Style
from .parts import BLANK_DATE, BODY, RIGHT, contact_box, numbered, office, wrap_rows
from .records import Context

NAME = "当事者同意書"
TITLE = "{body}ひきこもりサポーターによる支援への同意について"
INTRO = "　私は、{body}認定のひきこもりサポーターによる支援を受けるにあたり、次の事項に同意します。"
ITEMS = (
    "私の氏名、性別、生年月日、住所、連絡先、相談内容、生活歴、既往歴等の個人情報のうち、"
    "支援に必要と市町村が認める情報をひきこもりサポーターに提供されることに承諾します。",
    "支援内容や支援方針等に関する私の意見や希望等は、市町村担当者やひきこもりサポーター等に"
    "伝えるよう努力し、そこに変更が生じた場合にも同様に対応します。",
    "私への支援にあたり、支援内容や支援方針等を検討するための会議が開催されることを承諾し、"
    "要請があれば参加もしくは私の意見、希望等を市町村担当者やひきこもりサポーター等に"
    "伝えるよう努力します。",
    "私が支援を受ける際の約束や支援内容等は市町村担当者やひきこもりサポーターとよく話し合い、"
    "共有し、皆で決めたことは守ります。",
    "私が支援を受ける際、その支援内容により発生する実費は自己負担します。",
)


def sheet(case_id: str | None, ctx: Context) -> Sheet:
    s = ctx.settings
    g = Grid()
    r = g.row(7)
    if case_id:
        g.put(r, 22, f"ケースID：{case_id}", cols=14, style=BODY.but(h="right"))
    g.gap(6)
    title = TITLE.format(body=s.body_name)
    g.line(12, title, Style(size=14, bold=True, h="center"))
    g.gap(10)
    g.line(9, f"{s.mayor_name}　殿", Style(size=11), col=2, cols=26)
    g.gap(8)
    intro = INTRO.format(body=s.body_name)
    para = Style(size=10.5, wrap=True, v="top")
    r = wrap_rows(g, intro, 0, g.cols, para, 8.0)
    g.put(r, 0, intro, cols=g.cols, style=para)
    g.gap(5)
    for item in ITEMS:
        numbered(g, "○", item, mark_cols=2)
        g.gap(3)
    g.gap(10)
    g.line(9, BLANK_DATE, RIGHT, col=4, cols=12)
    g.gap(8)
    r = g.row(12)
    g.put(r, 12, "本人署名", cols=6, style=BODY.but(h="distributed"))
    g.put(r, 19, "", cols=15, frame=Frame(bottom="thin"))
    g.gap(20)
    contact_box(
        g,
        "お問い合わせ先",
        18,
        (
            office(ctx),
            f"担当者：{s.staff}",
            f"連絡先：（ＴＥＬ）{s.phone}",
            f"　　　　（ＦＡＸ）{s.fax}",
        ),
    )
    name = f"{NAME}_{case_id}" if case_id else f"{NAME}_空欄"
    return g.sheet(name)
