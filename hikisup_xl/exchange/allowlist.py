"""The supporter fields that may leave the office in a roster, each with the reason it may.

A roster is built from this list, never by removing columns from a copy of the workbook: a
column added to the register later stays at home until someone adds it here with a reason
(a test fails until every register column is either listed here or in EXCLUDED).

The supporter consented to hand these over (資料5 item 1: 氏名、性別、生年月日、住所、連絡先等
for the 名簿 and the dispatch work; 実施要領 3(4)ア/ウ: the data goes to the municipalities that
dispatch). Only what the receiving office needs to re-confirm, choose and contact a supporter
goes; nothing about the supported people is ever read by the exporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.schema import REGISTER


@dataclass(frozen=True, slots=True)
class RosterField:
    key: str  # column key in the register (登録名簿)
    reason: str
    # Left blank for supporters who withdrew or were revoked: the receiver must know they may
    # no longer be dispatched, not how to reach them.
    active_only: bool = False
    # Compared with the local register on import (False: the sender's own record, kept as is).
    compare: bool = True


ROSTER_FIELDS: tuple[RosterField, ...] = (
    RosterField("reg_no", "identifies the registration; the first key when rosters are merged"),
    RosterField("cert_no", "shows the training was completed (第7条); the second merge key"),
    RosterField("kana", "the 名簿 and 登録証 show it; matches kana against kanji names"),
    RosterField("name", "who the supporter is (資料7 名簿)"),
    RosterField("sex", "in the 名簿 and 登録証 (資料6/7); used when choosing a supporter"),
    RosterField("birth", "in the 名簿; with the name it finds the same person twice"),
    RosterField("postal", "資料7 lists the address: where the supporter can act", active_only=True),
    RosterField(
        "address", "資料7 lists the address: where the supporter can act", active_only=True
    ),
    RosterField("phone", "連絡先: the receiver must contact the supporter", active_only=True),
    RosterField("mobile", "連絡先: the receiver must contact the supporter", active_only=True),
    RosterField("email", "連絡先: the receiver must contact the supporter", active_only=True),
    RosterField(
        "skills",
        "資格・特技: used to choose the supporter that fits a case (実施要領 4(3)ウ 選定)",
        active_only=True,
    ),
    RosterField(
        "consent",
        "the 同意書 (資料5) that allows this hand-over; kept as the sender's record",
        compare=False,
    ),
    RosterField("issued", "登録証交付日: the registration period counts from it (第9条)"),
    RosterField("period_start", "the period in which the supporter may be dispatched"),
    RosterField("period_end", "the period in which the supporter may be dispatched"),
    RosterField("state", "whether the supporter may still act (登録中・期限切れ・辞退・取消)"),
    RosterField("ended", "辞退・取消日: the receiver must stop dispatching from that day"),
)

# Register columns that never leave, and why.
EXCLUDED: dict[str, str] = {
    "motive": "動機・理由 is a personal account (資料4), not needed to dispatch",
    "applied": "the sender's own procedure (申込日)",
    "interview": "the sender's own procedure (講義・面談日)",
    "approved": "the sender's own procedure (登録決定日)",
    "ended_reason": "a revocation reason may describe an investigation (第16条)",
    "reconfirmed": "the receiver re-confirms the will to act itself (実施要領 4(4)ウ(ア))",
    "memo": "free text: it may hold anything, including details of supported people",
    "card_memo": "the sender's own 登録証 text; the receiver issues its own card",
    "reconfirm": "the sender's own follow-up of a roster it received",
    "roster_date": "the sender's own follow-up of a roster it received",
    "roster_source": "the sender's own follow-up of a roster it received",
    "source_no": "the number a third body gave: the roster carries the sender's own 登録番号",
    "area": "活動地域 names this office's own 地区 for 派遣候補; the receiver asks and sets its own",
}

ROSTER_KEYS: tuple[str, ...] = tuple(f.key for f in ROSTER_FIELDS)
ROSTER_HEADERS: tuple[str, ...] = tuple(REGISTER.col(k).header for k in ROSTER_KEYS)
BY_HEADER: dict[str, RosterField] = {REGISTER.col(f.key).header: f for f in ROSTER_FIELDS}
