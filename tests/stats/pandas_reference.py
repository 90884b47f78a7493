"""The 年度 statistics as pandas computed them before #14 (group-bys over a frame), kept
verbatim as the reference the plain passes of stats/compute.py and stats/history.py must agree
with, figure for figure and row for row (test_stats_plain_pass.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from hikisup_xl.core.book import Book, supporters, why_not_active
from hikisup_xl.core.insurance import insurance
from hikisup_xl.core.schema import ACTIVITY, ACTIVITY_KINDS, ENDED_STATES, SUPPORTER_YEARS
from hikisup_xl.core.wareki import fiscal_year, fiscal_year_label, fiscal_year_range
from hikisup_xl.stats.compute import (
    CASES,
    FOLLOWUP_KINDS,
    HOURS,
    KIND_ITEMS,
    KINDS,
    MONTHS,
    SUMMARY,
    SUMMARY_ITEMS,
    TIMES,
    UNKNOWN_KIND,
    Figure,
    FyStats,
    _hours,
    _in,
    _minutes,
    fy_months,
    month_key,
)

Row = tuple[object, ...]
YEARS_BACK = 10


# One activity of the 年度: the 活動集計 columns (by key) and the ケースID it served.
ACTIVITY_FIELDS = (*(c.key for c in ACTIVITY.columns), "case")


def activity_frame(records: Sequence[dict[str, object]]) -> pd.DataFrame:
    """The 年度's activities as a frame; blank identifiers are missing (nunique skips them)."""
    frame = pd.DataFrame.from_records(list(records), columns=list(ACTIVITY_FIELDS))
    frame["minutes"] = frame["minutes"].astype("int64")
    return frame


def reference_compute(book: Book, fy: int, today: dt.date) -> FyStats:
    start, end = fiscal_year_range(fy)
    as_of = min(today, end)
    months = fy_months(fy)
    stats = FyStats(fy, fiscal_year_label(fy), start, end, as_of, months, list(ACTIVITY_KINDS), [])
    summary: dict[str, float | int] = {}

    # 研修・受講者
    trainings = book["trainings"]
    kind_of = dict(zip(trainings.texts("training_id"), trainings.texts("kind"), strict=True))
    date_of = dict(zip(trainings.texts("training_id"), trainings.dates("date"), strict=True))
    trainees = book["trainees"]
    summary["養成研修 受講者数"] = sum(
        1
        for tid, attendance, done in zip(
            trainees.texts("training_id"),
            trainees.texts("attendance"),
            trainees.dates("completed"),
            strict=True,
        )
        if kind_of.get(tid) == "養成研修"
        and _in(date_of.get(tid), start, end)
        and (attendance == "出席" or (attendance is None and done is not None))
    )
    summary["修了者数"] = sum(1 for d in trainees.dates("completed") if _in(d, start, end))

    # 登録
    people = supporters(book)
    new = renewed = lapsed = active = 0
    for s in people.values():
        periods = sorted(s.periods)
        if periods and _in(periods[0][0], start, end):
            new += 1
        if any(_in(p[0], start, end) for p in periods[1:]):
            renewed += 1
        if why_not_active(s, end) is None:
            active += 1
        for _p_start, p_end in periods:
            if not (start <= p_end <= end and p_end < today):  # lapsed by the report date
                continue
            nxt = p_end + dt.timedelta(days=1)
            if any(a <= nxt <= b for a, b in periods):
                continue
            if s.ended is not None and s.ended <= p_end:
                continue
            if s.ended is None and s.state in ENDED_STATES:
                continue
            lapsed += 1
            break
    reg = book["register"]
    ended = Counter(
        state
        for state, day, no in zip(
            reg.texts("state"), reg.dates("ended"), reg.texts("reg_no"), strict=True
        )
        if state in ENDED_STATES and _in(day, start, end)
    )
    summary.update(
        {
            "新規登録": new,
            "再登録": renewed,
            "辞退": ended["辞退"],
            "取消": ended["取消"],
            "登録期間満了": lapsed,
            "3月31日時点の登録者数": active,
            "保険加入者数": len(insurance(book).insured(fy) & people.keys()),
        }
    )

    # 派遣
    disp = book["dispatches"]
    case_of_dispatch = dict(zip(disp.texts("dispatch_id"), disp.texts("case_id"), strict=True))
    requested = [d for d in disp.dates("requested") if d is not None and start <= d <= end]
    decided = [d for d in disp.dates("decided") if d is not None and start <= d <= end]
    summary["派遣依頼件数"] = len(requested)
    summary["派遣決定件数"] = len(decided)

    # 活動報告: one record per activity of the 年度, then group-bys (pandas) for the tables.
    rep = book["reports"]
    label = stats.label
    kinds_read, dispatch_ids, case_ids, reg_nos = (
        rep.texts("kind"),
        rep.texts("dispatch_id"),
        rep.texts("case_id"),
        rep.texts("reg_no"),
    )
    records: list[dict[str, object]] = []
    for i, day in enumerate(rep.dates("date")):
        if day is None:
            if rep.raw.rows[i] and any(v is not None for v in rep.raw.rows[i]):
                stats.left_out["活動日が読み取れない活動報告"] += 1
            continue
        if not start <= day <= end:
            continue
        kind = kinds_read[i] or UNKNOWN_KIND
        if kind == UNKNOWN_KIND:
            stats.left_out["活動種別が読み取れない活動報告（種別不明として集計）"] += 1
        did = dispatch_ids[i] or None
        case = case_ids[i] or (case_of_dispatch.get(did) if did else None) or None
        no = reg_nos[i] or None
        minutes = _minutes(rep["start"][i], rep["end"][i])
        records.append(
            {
                "fy": label,
                "month": month_key(day),
                "date": day,
                "kind": kind,
                "dispatch_id": did,
                "reg_no": no,
                "minutes": minutes,
                "case": case,
            }
        )
    records.sort(key=lambda r: (r["date"], str(r["dispatch_id"] or ""), str(r["reg_no"] or "")))
    activity = activity_frame(records)
    # 活動集計 has no ケースID column: the case is for counting, never written
    stats.activities = [
        ACTIVITY.row(**{k: v for k, v in r.items() if k != "case"}) for r in records
    ]
    per_kind = activity.groupby("kind").agg(
        n=("minutes", "size"),
        minutes=("minutes", "sum"),
        dispatches=("dispatch_id", "nunique"),
        cases=("case", "nunique"),
    )
    per_month = activity.groupby(["month", "kind"]).size()
    month_minutes = activity.groupby("month")["minutes"].sum()
    summary["派遣実件数"] = int(activity["dispatch_id"].nunique())
    summary["活動延べ回数"] = len(activity)
    summary["支援した当事者の実人数"] = int(activity["case"].nunique())
    summary["活動したサポーター実人数"] = int(activity["reg_no"].nunique())
    summary["活動時間"] = _hours(int(activity["minutes"].sum()))
    tallies: dict[Hashable, dict[Hashable, Any]] = per_kind.to_dict("index")
    if UNKNOWN_KIND in tallies:
        stats.kinds.append(UNKNOWN_KIND)

    # 事後研修
    sessions = {
        tid
        for tid, kind in kind_of.items()
        if kind in FOLLOWUP_KINDS and tid and _in(date_of.get(tid), start, end)
    }
    fol = book["followup"]
    present = [
        no
        for tid, no, att in zip(
            fol.texts("training_id"), fol.texts("reg_no"), fol.texts("attendance"), strict=True
        )
        if tid in sessions and att == "出席"
    ]
    summary["事後研修 開催回数"] = len(sessions)
    summary["事後研修 延べ出席者数"] = len(present)
    summary["事後研修 出席者実人数"] = len({n for n in present if n})

    figures = stats.figures
    for item, unit, _note in SUMMARY_ITEMS:
        figures.append(Figure(SUMMARY, item, "", "", summary[item], unit))
    for kind in stats.kinds:
        tally = tallies.get(kind, {})
        values: dict[str, float | int] = {
            "活動回数": int(tally.get("n", 0)),
            "派遣実件数": int(tally.get("dispatches", 0)),
            "当事者実人数": int(tally.get("cases", 0)),
            "活動時間": _hours(int(tally.get("minutes", 0))),
        }
        for item, unit in KIND_ITEMS:
            figures.append(Figure(KINDS, item, "", kind, values[item], unit))
    req = Counter(month_key(d) for d in requested)
    dec = Counter(month_key(d) for d in decided)
    for m in months:
        figures.append(Figure(MONTHS, "派遣依頼件数", m, "", req[m], CASES))
        figures.append(Figure(MONTHS, "派遣決定件数", m, "", dec[m], CASES))
        by_kind = {k: int(per_month.get((m, k), 0)) for k in stats.kinds}
        figures.append(Figure(MONTHS, "活動回数", m, "", sum(by_kind.values()), TIMES))
        for kind in stats.kinds:
            figures.append(Figure(MONTHS, "活動回数", m, kind, by_kind[kind], TIMES))
        figures.append(
            Figure(MONTHS, "活動時間", m, "", _hours(int(month_minutes.get(m, 0))), HOURS)
        )
    return stats


def reference_supporter_years(book: Book, fy: int, today: dt.date) -> list[Row]:
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
