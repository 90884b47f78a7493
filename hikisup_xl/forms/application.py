"""資料2 ひきこもりサポーター養成研修 参加申込書 (the back of the training flyer).

Filled from a 研修 row: the deadline and the training's name, date and venue; the six
applicant rows stay empty for the applicants to write in.
"""

from __future__ import annotations

from .layout import Grid, Sheet, Style
from .parts import BODY, TITLE, contact_box, date_with_weekday, office, text
from .records import Context, Training

NAME = "参加申込書"
ROWS = 6
BLANK_DEADLINE = "　　月　　日（　）"
# No. | 氏名 | 住所または所属 | 連絡先
COLUMNS = ((0, 2, ""), (2, 9, "氏名"), (11, 15, "住所または所属"), (26, 10, "連絡先"))


def subtitle(t: Training) -> str:
    parts = [text(t.title) or "ひきこもりサポーター養成研修"]
    if t.date is not None:
        parts.append(date_with_weekday(t.date))
    if t.venue:
        parts.append(t.venue)
    return "（" + "　".join(parts) + "）"


def sheet(t: Training | None, ctx: Context) -> Sheet:
    s = ctx.settings
    g = Grid()
    g.gap(8)
    g.line(14, "ひきこもりサポーター養成研修　参加申込書", TITLE.but(size=18))
    r = g.row(9)
    if t is not None:
        g.put(r, 0, subtitle(t), cols=g.cols, style=BODY.but(h="center", shrink=True))
    g.gap(10)
    contact_box(g, "申込・問い合わせ", 16, (office(ctx), f"FAX　{s.fax}"))
    g.gap(12)
    deadline = date_with_weekday(t.deadline) if t and t.deadline else BLANK_DEADLINE
    g.line(12, f"申込〆切日：{deadline}", Style(size=14, bold=True), col=2, cols=34)
    g.gap(8)
    r = g.row(12)
    for col, cols, header in COLUMNS:
        g.put(r, col, header, cols=cols, style=Style(size=11, h="center"))
        g.box(r, col, 1, cols)
    for n in range(1, ROWS + 1):
        r = g.row(24)
        for col, cols, _header in COLUMNS:
            g.put(r, col, str(n) if col == 0 else "", cols=cols, style=Style(size=11, h="center"))
            g.box(r, col, 1, cols)
    name = f"{NAME}_{t.training_id}" if t else f"{NAME}_空欄"
    return g.sheet(name)
