"""Renewal notice: a letter to a supporter whose 登録期間 ends soon (or has just ended).

第9条: the period is limited, re-registration is allowed. The letter asks for a new
登録申込書 and 同意書 (資料4・5) and says how to withdraw instead (第15条).
"""

from __future__ import annotations

from .layout import Grid, Sheet
from .letter import contact, head, notes, paragraph, title
from .parts import date_jp, text
from .records import Context, Supporter

NAME = "更新案内"
TITLE = "ひきこもりサポーター登録期間満了のお知らせ"
DOCUMENTS = "ひきこもりサポーター登録申込書、同意書"


def sheet(p: Supporter | None, ctx: Context) -> Sheet:
    g = Grid()
    head(g, ctx, p, blank=p is None)
    title(g, TITLE)
    end = p.period_end if p else None
    expired = end is not None and end < ctx.today
    paragraph(g, "　日頃より、ひきこもりサポーターとしてご協力いただき、誠にありがとうございます。")
    paragraph(
        g,
        f"　あなたのひきこもりサポーターとしての登録期間は、{date_jp(end)}で"
        + ("満了しました。" if expired else "満了します。")
        + "引き続きサポーターとして活動していただける場合は、下記の書類をご提出ください。"
        "再登録の手続きをいたします。",
    )
    paragraph(g, "　なお、活動を終了される場合は、お手数ですがその旨をご連絡ください。")
    period = f"{date_jp(p.period_start if p else None)}から{date_jp(end)}まで"
    deadline = "お早めにご提出ください" if expired else date_jp(end)
    notes(
        g,
        (
            ("登録番号", text(p.reg_no if p else None)),
            ("氏名", text(p.name if p else None)),
            ("登録期間", period),
            ("提出書類", DOCUMENTS),
            ("提出期限", deadline),
        ),
    )
    contact(g, ctx)
    name = f"{NAME}_{p.reg_no}" if p and p.reg_no else f"{NAME}_空欄"
    return g.sheet(name)
