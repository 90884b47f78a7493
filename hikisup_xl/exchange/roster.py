"""Which supporters go into a roster, and their rows: pure, from the register alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..core.schema import ENDED_STATES
from ..core.table import ParsedTable
from .allowlist import ROSTER_FIELDS, ROSTER_HEADERS


@dataclass(slots=True)
class RosterRows:
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        c = self.counts
        text = f"{len(self.rows)}人（うち辞退・取消{c['ended']}人）"
        left = []
        if c["no_consent"]:
            left.append(f"同意書受領日なし{c['no_consent']}人")
        if c["no_number"]:
            left.append(f"登録番号なし{c['no_number']}人")
        if c["duplicate"]:
            left.append(f"登録番号の重複{c['duplicate']}行")
        return text + ("、対象外：" + "、".join(left) if left else "")


def select_roster(register: ParsedTable, today: dt.date) -> RosterRows:
    """Registered supporters who consented to the hand-over, allowlisted fields only.

    Only people with a 登録番号 and a 同意書受領日 on or before `today` go. For those who
    withdrew or were revoked only the identifying fields, the state and the date go, so the
    receiver stops dispatching them. A 登録番号 that appears twice goes once (the first row;
    `hikisup check` reports the duplicate).
    """
    out = RosterRows(ROSTER_HEADERS, [])
    seen: set[str] = set()
    numbers = register.texts("reg_no")
    consents = register.dates("consent")
    states = register.texts("state")
    for i, no in enumerate(numbers):
        if no is None:
            if any(register[k][i] is not None for k in ("name", "kana")):
                out.counts["no_number"] += 1
            continue
        consent = consents[i]
        if consent is None or consent > today:
            out.counts["no_consent"] += 1
            continue
        if no in seen:
            out.counts["duplicate"] += 1
            continue
        seen.add(no)
        ended = states[i] in ENDED_STATES
        out.counts["ended" if ended else "active"] += 1
        out.rows.append(
            tuple(None if (ended and f.active_only) else register[f.key][i] for f in ROSTER_FIELDS)
        )
    return out
