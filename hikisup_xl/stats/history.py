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
from collections.abc import Hashable
from typing import Any

import pandas as pd

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

    # 活動報告: one record per activity with a 登録番号.
    rep = book["reports"]
    acts = pd.DataFrame.from_records(
        [
            (fiscal_year(day), no, day, _minutes(rep["start"][i], rep["end"][i]), did or None)
            for i, (day, no, did) in enumerate(
                zip(rep.dates("date"), rep.texts("reg_no"), rep.texts("dispatch_id"), strict=True)
            )
            if no and day is not None and in_range(day)
        ],
        columns=["fy", "reg_no", "date", "minutes", "dispatch"],
    )
    acts["minutes"] = acts["minutes"].astype("int64")
    disp = book["dispatches"]
    decided = pd.DataFrame.from_records(
        [
            (fiscal_year(day), no, did)
            for day, no, did in zip(
                disp.dates("decided"), disp.texts("reg_no"), disp.texts("dispatch_id"), strict=True
            )
            if no and did and day is not None and in_range(day)
        ],
        columns=["fy", "reg_no", "dispatch"],
    )
    dispatches = (
        pd.concat([decided, acts[["fy", "reg_no", "dispatch"]].dropna()])
        .drop_duplicates()
        .groupby(["fy", "reg_no"])
        .size()
    )
    per_year = acts.groupby(["fy", "reg_no"]).agg(
        n=("minutes", "size"), minutes=("minutes", "sum"), last=("date", "max")
    )

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
    attended = pd.DataFrame.from_records(
        [
            (fiscal_year(held[tid]), no, held[tid], tid)
            for tid, no, att in zip(
                fol.texts("training_id"), fol.texts("reg_no"), fol.texts("attendance"), strict=True
            )
            if tid in held and no and att == "出席"
        ],
        columns=["fy", "reg_no", "date", "training_id"],
    ).sort_values(["date", "training_id"])
    followups = attended.groupby(["fy", "reg_no"])["training_id"].agg(list)

    keys: set[tuple[int, str]] = set(per_year.index) | set(dispatches.index) | set(followups.index)
    for no, s in supporters(book).items():  # the report's 年度: everyone registered in it
        if any(p_start <= end and p_end >= start for p_start, p_end in s.periods):
            keys.add((fy, no))

    tallies: dict[Any, dict[Hashable, Any]] = per_year.to_dict("index")
    counts: dict[Any, int] = dispatches.to_dict()
    attended_ids: dict[Any, list[str]] = followups.to_dict()
    # 最終活動日 up to the end of each 年度: a running maximum over the supporter's years.
    lasts: dict[str, list[tuple[int, dt.date]]] = {}
    for (year, no), tally in sorted(tallies.items()):
        lasts.setdefault(no, []).append((year, tally["last"]))

    def last_until(no: str, year: int) -> dt.date | None:
        days = [day for y, day in lasts.get(no, []) if y <= year]
        return max(days) if days else None

    rows: list[Row] = []
    for year, no in sorted(keys, key=lambda k: (-k[0], k[1])):
        tally = tallies.get((year, no), {})
        ids = attended_ids.get((year, no), [])
        rows.append(
            SUPPORTER_YEARS.row(
                fy=fiscal_year_label(year),
                reg_no=no,
                name=name_of.get(no),
                state=state_of.get(no),
                dispatches=int(counts.get((year, no), 0)),
                activities=int(tally.get("n", 0)),
                hours=_hours(int(tally.get("minutes", 0))),
                last_activity=last_until(no, year),
                followup=len(ids),
                followup_ids="、".join(dict.fromkeys(ids)),
            )
        )
    return rows
