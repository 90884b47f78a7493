"""Invitation to follow-up training (第13条: 継続的な研修会及びサポーター同士の交流会)."""

from __future__ import annotations

from .layout import Grid, Sheet
from .letter import contact, head, notes, paragraph, title
from .parts import date_with_weekday, office, text, time_range
from .records import Context, Supporter, Training

NAME = "研修案内"


def event(t: Training | None) -> str:
    """What the training is called in the letter: its 名称, else 'ひきこもりサポーター' + 種別."""
    if t is None:
        return "ひきこもりサポーター研修会"
    return text(t.title) or f"ひきこもりサポーター{t.kind or '研修会'}"


def sheet(p: Supporter | None, t: Training | None, ctx: Context) -> Sheet:
    g = Grid()
    head(g, ctx, p, blank=p is None)
    what = event(t)
    title(g, f"{what}のご案内")
    paragraph(g, "　日頃より、ひきこもりサポーターとしてご協力いただき、誠にありがとうございます。")
    paragraph(
        g,
        "　サポーターの皆さまの知識・技能の向上と情報交換のため、下記のとおり"
        f"{what}を開催します。ご多用のところ恐縮ですが、ぜひご参加ください。",
    )
    when = date_with_weekday(t.date if t else None)
    if t is not None and (t.start or t.end):
        when += "　" + time_range(t.start, t.end)
    rows = [
        ("名称", what),
        ("日時", when),
        ("会場", text(t.venue if t else None)),
        ("内容", text(t.content if t else None)),
    ]
    if t is None or t.deadline is not None:
        rows.append(("申込〆切日", date_with_weekday(t.deadline if t else None)))
    rows.append(("申込先", office(ctx)))
    notes(g, rows)
    contact(g, ctx)
    who = p.reg_no if p and p.reg_no else "空欄"
    name = f"{NAME}_{t.training_id}_{who}" if t else f"{NAME}_{who}"
    return g.sheet(name)
