"""資料2 ひきこもりサポーター養成研修チラシ, the front (its back is the 参加申込書).

Filled from a 研修 row (年度, 名称, 日時 with the weekday, 受付開始時刻, 会場, 対象者, 申込〆切日),
its 研修内容 rows (the 内容 timetable) and 設定 (部署名, 電話 and 内線, FAX). The wording is the
seed's; a blank flyer keeps the seed's blanks for handwriting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..core.wareki import fiscal_year, fiscal_year_label
from .layout import Grid, Sheet, Style, height_for
from .parts import contact_box, date_with_weekday, office, text, time_range, weekday_jp
from .records import Context, ProgramItem, Training

NAME = "研修チラシ"
DEFAULT_TITLE = "ひきこもりサポーター養成研修"
INVITATION = (
    "　ひきこもりについての理解を深め、ひきこもり状態にあるご本人やご家族に寄り添い、"
    "ひきこもり支援の取組みに協力していただけるひきこもりサポーターの養成研修を開催します。\n"
    "　関心のある方は、ぜひご参加ください。"
)
# The seed's two examples of 対象者, printed when the 研修 row leaves 対象者 blank.
DEFAULT_AUDIENCE = ("ひきこもり本人や家族等に対する支援に関心のある方", "民生・児童委員")
CERTIFICATE_NOTE = "（※研修修了者には修了証を発行いたします。）"
BLANK_YEAR = "令和　　年度"
BLANK_DEADLINE = "　　月　　日（　）"
BLANK_PROGRAM_ROWS = 5

LABEL_COLS = 7
TIME_COLS = 11
VALUE = Style(size=12, wrap=True)
LABEL = Style(size=12, bold=True, h="distributed")
CELL = Style(size=11, wrap=True)


def fiscal_label(t: Training | None) -> str:
    """○○年度: the 年度 of the training's date."""
    if t is None or t.date is None:
        return BLANK_YEAR
    return fiscal_year_label(fiscal_year(t.date))


def reception_jp(t: dt.time | None) -> str:
    """受付：13時～ (the seed's ○○時～), with the minutes when they are not on the hour."""
    if t is None:
        return "受付：　　時～"
    return f"受付：{t.hour}時～" if t.minute == 0 else f"受付：{t.hour}時{t.minute:02d}分～"


def when(t: Training | None) -> str:
    """日時: the date with its weekday, then the times and 受付 on a second line."""
    day = date_with_weekday(t.date if t else None)
    times = time_range(t.start if t else None, t.end if t else None)
    return f"{day}\n{times}（{reception_jp(t.reception if t else None)}）"


def deadline_jp(d: dt.date | None) -> str:
    """The seed's ○○月○○日（○）."""
    return f"{d.month}月{d.day}日{weekday_jp(d)}" if d is not None else BLANK_DEADLINE


def audience(t: Training | None) -> str:
    lines = [ln.strip() for ln in text(t.audience if t else None).splitlines() if ln.strip()]
    return "\n".join(f"・{ln}" for ln in (lines or DEFAULT_AUDIENCE))


def phone_line(ctx: Context) -> str:
    s = ctx.settings
    extension = f"（内線 {s.extension}）" if s.extension else ""
    return f"電話　{s.phone}{extension}"


def _item(g: Grid, label: str, value: str) -> None:
    """A row of the 日時/会場/対象者 list: the label, then the value wrapped (禁則)."""
    width = g.span_mm(LABEL_COLS, g.cols - LABEL_COLS)
    r = g.row(height_for(value, width, VALUE.size, 10.0, indent=1))
    g.put(r, 0, label, cols=LABEL_COLS - 1, style=LABEL.but(v="top"))
    g.put(r, LABEL_COLS, value, cols=g.cols - LABEL_COLS, style=VALUE.but(v="top", indent=1))
    g.gap(2)


def _timetable(g: Grid, items: Sequence[ProgramItem], fallback: str) -> None:
    """内容: a 時間 | 内容 table from 研修内容; the 研修's own 内容 in one row when there is no
    timetable; empty ruled rows when there is neither."""
    first = g.row(9)
    g.put(first, 0, "内容", cols=LABEL_COLS - 1, style=LABEL)
    body = LABEL_COLS + TIME_COLS
    head = Style(size=11, h="center", bold=True)
    g.put(first, LABEL_COLS, "時間", cols=TIME_COLS, style=head)
    g.put(first, body, "内容", cols=g.cols - body, style=head)
    g.box(first, LABEL_COLS, 1, TIME_COLS)
    g.box(first, body, 1, g.cols - body)
    lines = [(time_range(i.start, i.end) if i.start or i.end else "", i.content) for i in items]
    if not lines and fallback:
        lines = [("", fallback)]
    if not lines:
        lines = [("", "")] * BLANK_PROGRAM_ROWS
    for when_text, what in lines:
        height = height_for(what, g.span_mm(body, g.cols - body), CELL.size, 9.0, indent=1)
        r = g.row(height)
        g.put(r, LABEL_COLS, when_text, cols=TIME_COLS, style=CELL.but(h="center", wrap=False))
        g.put(r, body, what, cols=g.cols - body, style=CELL.but(indent=1))
        g.box(r, LABEL_COLS, 1, TIME_COLS)
        g.box(r, body, 1, g.cols - body)


def sheet(t: Training | None, items: Sequence[ProgramItem], ctx: Context) -> Sheet:
    g = Grid()
    g.line(9, fiscal_label(t), Style(size=14, bold=True), cols=14)
    g.gap(2)
    g.line(16, text(t.title if t else None) or DEFAULT_TITLE, Style(size=20, bold=True, h="center"))
    g.gap(5)
    paragraph = Style(size=12, wrap=True, v="top")
    r = g.row(height_for(INVITATION, g.span_mm(0, g.cols), paragraph.size, 10.0))
    g.put(r, 0, INVITATION, cols=g.cols, style=paragraph)
    g.gap(6)
    _item(g, "日時", when(t))
    _item(g, "会場", text(t.venue if t else None))
    _item(g, "対象者", audience(t))
    _timetable(g, items, text(t.content if t else None))
    g.gap(3)
    g.line(8, CERTIFICATE_NOTE, Style(size=11), col=LABEL_COLS)
    g.gap(6)
    apply = (
        f"＊参加希望の方は、{deadline_jp(t.deadline if t else None)}までに"
        "FAXまたは郵送（裏面申込書）でお申し込みください。"
    )
    style = Style(size=12, bold=True, wrap=True, v="top")
    r = g.row(height_for(apply, g.span_mm(0, g.cols), style.size, 9.0))
    g.put(r, 0, apply, cols=g.cols, style=style)
    g.gap(8)
    contact_box(
        g,
        "◇ 申込・問い合わせ ◇",
        14,
        (office(ctx), phone_line(ctx), f"FAX　{ctx.settings.fax}"),
    )
    name = f"{NAME}_{t.training_id}" if t else f"{NAME}_空欄"
    return g.sheet(name)
