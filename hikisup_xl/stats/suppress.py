"""Small-cell suppression for figures sent upward, so a small town's people stay anonymous.

Primary: a count (人・件・回) from 1 to N-1 is blanked. Zero is kept: it identifies nobody, and
so are counts about no person (事後研修 開催回数).
Complementary: where some cells add up to a figure that is published, one blanked cell among
them could be recovered by subtraction, so the smallest other non-zero cell of that group is
blanked too (repeated until no group has exactly one blanked cell). Hours (時間) are blanked
wherever the matching count is, since an hour total of a single activity says as much.
A blanked figure keeps its row and says why in 秘匿.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from .compute import COUNT_UNITS, KINDS, MONTHS, NOT_PERSONAL, SUMMARY, Figure, Key

PRIMARY = "秘匿（{n}未満）"
SECONDARY = "秘匿（逆算防止）"
FOLLOWS = "秘匿（回数に連動）"
DEFAULT_THRESHOLD = 3
SUPPRESSED_TEXT = "秘匿"  # what a table shows instead of a suppressed figure


def _groups(figures: Sequence[Figure]) -> list[tuple[Key, list[Key]]]:
    """(published total, members adding up to it)."""
    months = sorted({f.month for f in figures if f.section == MONTHS and f.month})
    kinds = [f.kind for f in figures if f.section == KINDS and f.item == "活動回数"]
    total = (SUMMARY, "活動延べ回数", "", "")
    groups: list[tuple[Key, list[Key]]] = [
        (total, [(KINDS, "活動回数", "", k) for k in kinds]),
        (total, [(MONTHS, "活動回数", m, "") for m in months]),
        ((SUMMARY, "派遣依頼件数", "", ""), [(MONTHS, "派遣依頼件数", m, "") for m in months]),
        ((SUMMARY, "派遣決定件数", "", ""), [(MONTHS, "派遣決定件数", m, "") for m in months]),
    ]
    for m in months:
        groups.append(((MONTHS, "活動回数", m, ""), [(MONTHS, "活動回数", m, k) for k in kinds]))
    for k in kinds:
        groups.append(((KINDS, "活動回数", "", k), [(MONTHS, "活動回数", m, k) for m in months]))
    return groups


def _hours_of(key: Key) -> Key | None:
    """The hours figure that goes with a count figure, if any."""
    section, item, month, kind = key
    if key == (SUMMARY, "活動延べ回数", "", ""):
        return (SUMMARY, "活動時間", "", "")
    if section == KINDS and item == "活動回数":
        return (KINDS, "活動時間", "", kind)
    if section == MONTHS and item == "活動回数" and not kind:
        return (MONTHS, "活動時間", month, "")
    return None


def suppress(figures: Iterable[Figure], threshold: int = DEFAULT_THRESHOLD) -> list[Figure]:
    """A copy of `figures` with small counts blanked and marked; threshold <= 1 blanks nothing."""
    out = [dataclasses.replace(f) for f in figures]
    if threshold <= 1:
        return out
    by_key = {f.key: f for f in out}

    def blank(f: Figure, why: str) -> None:
        f.value = None
        f.suppressed = why

    for f in out:
        if f.item in NOT_PERSONAL or f.unit not in COUNT_UNITS:
            continue
        if isinstance(f.value, int | float) and 0 < f.value < threshold:
            blank(f, PRIMARY.format(n=threshold))
    groups = _groups(out)
    changed = True
    while changed:
        changed = False
        for total_key, member_keys in groups:
            total = by_key.get(total_key)
            if total is None or total.value is None:
                continue
            members = [by_key[k] for k in member_keys if k in by_key]
            hidden = [m for m in members if m.value is None]
            if len(hidden) != 1:
                continue
            visible = [m for m in members if m.value]
            if not visible:
                continue
            smallest = min(visible, key=lambda m: (m.value or 0, m.key))
            blank(smallest, SECONDARY)
            changed = True
    for f in out:
        hours = _hours_of(f.key)
        if f.value is None and hours is not None and hours in by_key:
            target = by_key[hours]
            if target.value is not None:
                blank(target, FOLLOWS)
    return out


def suppressed_count(figures: Sequence[Figure]) -> int:
    return sum(1 for f in figures if f.suppressed)
