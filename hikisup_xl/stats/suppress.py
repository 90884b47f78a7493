"""Small-cell suppression for figures sent upward, so a small town's people stay anonymous.

Primary: a count (人・件・回) from 1 to N-1 is blanked. Zero is kept and shown: it identifies
nobody, and a table keeps its shape (so a reader also knows a blank is at least 1; the check
below assumes they do). Counts about no person (事後研修 開催回数) are never blanked.
Complementary: the published totals (概要 = 種別の合計 = 月の合計, 月 = その月の種別の合計,
依頼・決定 = 月の合計) let a reader bound a blank by linear programming. Cells are blanked
until every primary cell's feasible interval, so computed, is at least N wide (see
intervals.py); each step blanks the smallest non-zero cell that widens a too-narrow interval,
inner cells before totals.
Hours (時間) are blanked wherever the matching count is.
Every blank looks the same (「秘匿」): telling primary from complementary cells would say
which ones are below N.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from .compute import COUNT_UNITS, KINDS, MONTHS, NOT_PERSONAL, SUMMARY, Figure, Key
from .intervals import Group, width
from .sections import SUPPRESSED_TEXT as SUPPRESSED_TEXT  # re-exported

DEFAULT_THRESHOLD = 3


def groups_of(figures: Sequence[Figure]) -> list[tuple[Key, list[Key]]]:
    """(published total, members adding up to it), for the counts of `figures`."""
    present = {f.key for f in figures}
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
    return [
        (t, [m for m in members if m in present])
        for t, members in groups
        if t in present and any(m in present for m in members)
    ]


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
    primary = [
        f.key
        for f in out
        if f.item not in NOT_PERSONAL
        and f.unit in COUNT_UNITS
        and isinstance(f.value, int | float)
        and 0 < f.value < threshold
    ]
    hidden = set(primary)
    groups = groups_of(out)
    _protect(by_key, groups, primary, hidden, threshold)
    for key in list(hidden):
        hours = _hours_of(key)
        if hours is not None and hours in by_key:
            hidden.add(hours)
    for key in hidden:
        by_key[key].value = None
        by_key[key].suppressed = SUPPRESSED_TEXT
    return out


def _protect(
    by_key: dict[Key, Figure],
    groups: Sequence[tuple[Key, list[Key]]],
    primary: Sequence[Key],
    hidden: set[Key],
    threshold: int,
) -> None:
    """Add to `hidden` until no primary cell in a group can be pinned within `threshold`."""
    cells = {k for t, members in groups for k in (t, *members)}
    lp_groups: list[Group] = [(t, members) for t, members in groups]
    # A total is blanked last: the grand total over month or kind totals over inner cells.
    level = {k: sum(1 for t, _ in groups if t == k) for k in cells}

    def values() -> dict[object, float | None]:
        return {k: None if k in hidden else float(by_key[k].value or 0) for k in cells}

    def visible_nonzero(keys: Iterable[Key]) -> list[Key]:
        return sorted(
            (k for k in set(keys) if k not in hidden and by_key[k].value),
            key=lambda k: (level[k], by_key[k].value or 0, k),
        )

    weak = [k for k in primary if k in cells]
    while weak:
        cell = weak[0]
        now = width(cell, values(), lp_groups)
        if now >= threshold:
            weak.pop(0)
            continue
        near = [k for t, members in groups if cell in (t, *members) for k in (t, *members)]
        chosen = None
        for pool in (visible_nonzero(near), visible_nonzero(cells)):
            for candidate in pool:
                hidden.add(candidate)
                wider = width(cell, values(), lp_groups) > now
                hidden.discard(candidate)
                if wider:
                    chosen = candidate
                    break
            if chosen is not None:
                break
        if chosen is None:  # nothing widens it: blank the smallest left, or give up if none
            rest = visible_nonzero(cells)
            if not rest:
                return
            chosen = rest[0]
        hidden.add(chosen)


def suppressed_count(figures: Sequence[Figure]) -> int:
    return sum(1 for f in figures if f.suppressed)
