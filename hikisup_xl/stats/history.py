"""サポーター別: each supporter's history at a glance, one row per supporter and 年度 (#13).

Written into the workbook by the 年度 report (through the Engine) and never into a file sent
upward: it names people. Definitions, for a 年度 from 1 April to 31 March:

- 派遣件数: distinct 派遣ID among the supporter's 派遣 rows decided in the 年度 and the
  派遣 of the supporter's activity reports in the 年度.
- 活動回数 / 活動時間: activity reports dated in the 年度 (the same minutes as the 集計).
- 最終活動日: the supporter's latest activity up to the end of that 年度 (so a supporter idle
  this 年度 still shows when they last acted).
- 事後研修出席回数 / 出席した事後研修: 事後研修出席 rows marked 出席 for a 継続研修 or 交流会
  held in the 年度.

Rows cover the report's 年度 (every supporter registered in it, even with nothing done: the
idle are what the clerk looks for) and each earlier 年度 in which the supporter did something.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from ..core.book import Book, supporters
from ..core.schema import SUPPORTER_YEARS
from ..core.wareki import fiscal_year, fiscal_year_label, fiscal_year_range
from .compute import FOLLOWUP_KINDS, _hours, _minutes

Row = tuple[object, ...]
# Older 年度 than this before the report's are left out: the table stays a glance.
YEARS_BACK = 10


def supporter_years(book: Book, fy: int, today: dt.date) -> list[Row]:
    """schema.SUPPORTER_YEARS rows: the report's 年度 first, then earlier ones; by 登録番号."""
    start, end = fiscal_year_range(fy)
    first_fy = fy - YEARS_BACK
    reg = book["register"]
    name_of: dict[str, str | None] = {}
    state_of: dict[str, str | None] = {}
    for no, name, state in zip(
        reg.texts("reg_no"), reg.texts("name"), reg.texts("state"), strict=True
    ):
        if no and no not in name_of:
            name_of[no], state_of[no] = name, state

    def in_range(day: dt.date | None) -> bool:
        return day is not None and day <= end and fiscal_year(day) >= first_fy

    # 活動報告, one pass: per (年度, 登録番号) the activities, minutes and latest day, and the
    # 派遣 acted on; then the 派遣 decided for the supporter.
    tallies: dict[tuple[int, str], list[Any]] = {}  # [activities, minutes, latest day]
    acted: set[tuple[int, str, str]] = set()
    rep = book["reports"]
    starts, ends = rep["start"], rep["end"]
    for i, (day, no, did) in enumerate(
        zip(rep.dates("date"), rep.texts("reg_no"), rep.texts("dispatch_id"), strict=True)
    ):
        if not no or day is None or not in_range(day):
            continue
        year = fiscal_year(day)
        tally = tallies.get((year, no))
        if tally is None:
            tally = tallies[(year, no)] = [0, 0, day]
        tally[0] += 1
        tally[1] += _minutes(starts[i], ends[i])
        if day > tally[2]:
            tally[2] = day
        if did:
            acted.add((year, no, did))
    disp = book["dispatches"]
    for day, no, did in zip(
        disp.dates("decided"), disp.texts("reg_no"), disp.texts("dispatch_id"), strict=True
    ):
        if no and did and day is not None and in_range(day):
            acted.add((fiscal_year(day), no, did))
    counts = Counter((year, no) for year, no, _did in acted)  # distinct 派遣 per year and person

    # 事後研修出席: attendance at 継続研修・交流会, by the 年度 the session was held.
    tr = book["trainings"]
    held = {
        tid: day
        for tid, kind, day in zip(
            tr.texts("training_id"), tr.texts("kind"), tr.dates("date"), strict=True
        )
        if tid and kind in FOLLOWUP_KINDS and day is not None and in_range(day)
    }
    fol = book["followup"]
    attended = sorted(
        (held[tid], tid, no)
        for tid, no, att in zip(
            fol.texts("training_id"), fol.texts("reg_no"), fol.texts("attendance"), strict=True
        )
        if tid in held and no and att == "出席"
    )
    attended_ids: dict[tuple[int, str], list[str]] = {}
    for day, tid, no in attended:  # in the order they were held
        attended_ids.setdefault((fiscal_year(day), no), []).append(tid)

    keys: set[tuple[int, str]] = set(tallies) | set(counts) | set(attended_ids)
    for no, s in supporters(book).items():  # the report's 年度: everyone registered in it
        if any(p_start <= end and p_end >= start for p_start, p_end in s.periods):
            keys.add((fy, no))

    # 最終活動日 up to the end of each 年度: a running maximum over the supporter's years.
    lasts: dict[str, list[tuple[int, dt.date]]] = {}
    for (year, no), tally in sorted(tallies.items()):
        lasts.setdefault(no, []).append((year, tally[2]))

    def last_until(no: str, year: int) -> dt.date | None:
        days = [day for y, day in lasts.get(no, []) if y <= year]
        return max(days) if days else None

    rows: list[Row] = []
    for year, no in sorted(keys, key=lambda k: (-k[0], k[1])):
        n, minutes, _last = tallies.get((year, no), (0, 0, None))
        ids = attended_ids.get((year, no), [])
        rows.append(
            SUPPORTER_YEARS.row(
                fy=fiscal_year_label(year),
                reg_no=no,
                name=name_of.get(no),
                state=state_of.get(no),
                dispatches=counts[(year, no)],
                activities=n,
                hours=_hours(minutes),
                last_activity=last_until(no, year),
                followup=len(ids),
                followup_ids="、".join(dict.fromkeys(ids)),
            )
        )
    return rows
