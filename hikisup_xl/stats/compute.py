"""Every figure of a 年度, computed from the workbook's tables as plain data.

Definitions (a 年度 runs 1 April - 31 March; `as_of` is the earlier of the report date and 31
March):

- 養成研修 受講者数: 受講者 rows of a 養成研修 held in the 年度, marked 出席 (or with a 修了日).
- 修了者数: 受講者 rows whose 修了日 falls in the 年度.
- 新規登録 / 再登録: registration periods (register and 登録期間履歴) starting in the 年度; a
  supporter's earliest period is 新規, every later one 再登録. Counted in people.
- 辞退 / 取消: register rows in that state whose 辞退・取消日 falls in the 年度.
- 登録期間満了: supporters whose period ended in the 年度 (and before the report date) with
  no period continuing it, and who had not withdrawn or been revoked by then.
- 3月31日時点の登録者数: supporters who may act on 31 March (period covers it, not ended).
- 保険加入者数: supporters in the register with a 保険加入 row for the 年度 (#13).
- 派遣依頼件数 / 派遣決定件数: 派遣 rows whose 依頼日 / 決定日 falls in the 年度.
- Activities: 活動報告 rows whose 活動日 falls in the 年度: 活動延べ回数, 派遣実件数 (distinct
  派遣ID), 支援した当事者の実人数 (distinct ケースID, from the report or its 派遣),
  活動したサポーター実人数, 活動時間 (終了 - 開始, hours; a report whose times do not make
  sense counts as an activity with no time). By 活動種別 and by month.
- 事後研修: 継続研修 and 交流会 held in the 年度: 開催回数, 延べ出席者数 (事後研修出席 rows marked
  出席), 出席者実人数.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.book import Book, supporters, why_not_active
from ..core.insurance import insurance
from ..core.schema import ACTIVITY, ACTIVITY_KINDS, ENDED_STATES, STATS
from ..core.schema import UNKNOWN_KIND as UNKNOWN_KIND  # re-exported for the consolidation
from ..core.wareki import WarekiError, era_of, fiscal_year_label, fiscal_year_range
from ..core.wareki import parse_fy as parse_fy  # re-exported: the CLI and dialogs use it
from .sections import KINDS as KINDS  # re-exported: the sections live in sections.py
from .sections import MONTHS as MONTHS
from .sections import SUMMARY as SUMMARY
from .sections import Key as Key

PEOPLE, CASES, TIMES, HOURS = "人", "件", "回", "時間"
COUNT_UNITS = (PEOPLE, CASES, TIMES)

# (item, unit, explanation): the 概要 rows, in the order the 集計 sheet shows them.
SUMMARY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("養成研修 受講者数", PEOPLE, "年度内に開催した養成研修の出席者"),
    ("修了者数", PEOPLE, "修了日が年度内の受講者"),
    ("新規登録", PEOPLE, "最初の登録期間が年度内に始まった人"),
    ("再登録", PEOPLE, "2回目以降の登録期間が年度内に始まった人"),
    ("辞退", PEOPLE, "辞退日が年度内の人"),
    ("取消", PEOPLE, "取消日が年度内の人"),
    ("登録期間満了", PEOPLE, "登録期間が年度内に終わり、更新しなかった人"),
    ("3月31日時点の登録者数", PEOPLE, "年度末の日に活動できる登録者"),
    ("保険加入者数", PEOPLE, "年度のボランティア活動保険に加入した登録者（保険加入シート）"),
    ("派遣依頼件数", CASES, "依頼日が年度内の派遣"),
    ("派遣決定件数", CASES, "決定日が年度内の派遣"),
    ("派遣実件数", CASES, "年度内に活動のあった派遣（実数）"),
    ("活動延べ回数", TIMES, "活動日が年度内の活動報告"),
    ("支援した当事者の実人数", PEOPLE, "年度内に活動した当事者（ケースIDの実数）"),
    ("活動したサポーター実人数", PEOPLE, "年度内に活動したサポーター（実数）"),
    ("活動時間", HOURS, "活動報告の開始から終了までの合計"),
    ("事後研修 開催回数", TIMES, "年度内に開催した継続研修・交流会"),
    ("事後研修 延べ出席者数", PEOPLE, "継続研修・交流会の出席（延べ）"),
    ("事後研修 出席者実人数", PEOPLE, "継続研修・交流会に出席したサポーター（実数）"),
)
# (item, unit): per 活動種別.
KIND_ITEMS: tuple[tuple[str, str], ...] = (
    ("活動回数", TIMES),
    ("派遣実件数", CASES),
    ("当事者実人数", PEOPLE),
    ("活動時間", HOURS),
)
# (item, unit): per month; 活動回数 also per 活動種別.
MONTH_ITEMS: tuple[tuple[str, str], ...] = (
    ("派遣依頼件数", CASES),
    ("派遣決定件数", CASES),
    ("活動回数", TIMES),
    ("活動時間", HOURS),
)
FOLLOWUP_KINDS = ("継続研修", "交流会")
# Counts that are about no person (sessions held): never suppressed.
NOT_PERSONAL = frozenset({"事後研修 開催回数"})


@dataclass(slots=True)
class Figure:
    section: str
    item: str
    month: str
    kind: str
    value: float | int | None  # None: suppressed
    unit: str
    suppressed: str = ""

    @property
    def key(self) -> Key:
        return (self.section, self.item, self.month, self.kind)


@dataclass(slots=True)
class FyStats:
    fy: int
    label: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    months: list[str]
    kinds: list[str]
    figures: list[Figure]
    activities: list[tuple[object, ...]] = field(default_factory=list)  # 活動集計 rows
    left_out: Counter[str] = field(default_factory=Counter)

    def value(self, section: str, item: str, month: str = "", kind: str = "") -> float | int | None:
        for f in self.figures:
            if f.key == (section, item, month, kind):
                return f.value
        return None


def month_key(d: dt.date) -> str:
    """Sortable month label used in the data tables: 2025年04月."""
    return f"{d.year}年{d.month:02d}月"


def month_label(key: str) -> str:
    """The month in 和暦 for people: 2019年04月 -> 平成31年4月, 2019年05月 -> 令和元年5月."""
    year, month = int(key[:4]), int(key[5:7])
    try:
        era, n = era_of(dt.date(year, month, 1))
    except WarekiError:
        return f"{year}年{month}月"
    return f"{era}{'元' if n == 1 else n}年{month}月"


def fy_months(fy: int) -> list[str]:
    return [month_key(dt.date(fy + (m < 4), m, 1)) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def _in(d: object, start: dt.date, end: dt.date) -> bool:
    return isinstance(d, dt.date) and start <= d <= end


def _minutes(start: object, end: object) -> int:
    if not isinstance(start, dt.time) or not isinstance(end, dt.time):
        return 0
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return span if span > 0 else 0


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


@dataclass(slots=True)
class Tally:
    """Activities counted in one pass: how many, their minutes, and the distinct 派遣ID,
    ケースID and 登録番号 among them (a blank identifier counts for none)."""

    n: int = 0
    minutes: int = 0
    dispatches: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)

    def add(self, minutes: int, dispatch: str | None, case: str | None, no: str | None) -> None:
        self.n += 1
        self.minutes += minutes
        if dispatch is not None:
            self.dispatches.add(dispatch)
        if case is not None:
            self.cases.add(case)
        if no is not None:
            self.people.add(no)


def compute(book: Book, fy: int, today: dt.date) -> FyStats:
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

    # 活動報告: one pass over the reports counts each activity of the 年度 into its tallies
    # (all, by 活動種別, by month and 種別) and keeps its 活動集計 row.
    rep = book["reports"]
    label = stats.label
    days, starts, ends = rep.dates("date"), rep["start"], rep["end"]
    kinds_read, dispatch_ids, case_ids, reg_nos = (
        rep.texts("kind"),
        rep.texts("dispatch_id"),
        rep.texts("case_id"),
        rep.texts("reg_no"),
    )
    everything = Tally()
    tallies: dict[str, Tally] = {}
    per_month: Counter[tuple[str, str]] = Counter()
    month_minutes: Counter[str] = Counter()
    records: list[tuple[dt.date, str, str, tuple[object, ...]]] = []
    months_of: dict[dt.date, str] = {}
    for i, day in enumerate(days):
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
        minutes = _minutes(starts[i], ends[i])
        month = months_of.get(day)
        if month is None:
            month = months_of[day] = month_key(day)
        everything.add(minutes, did, case, no)
        tally = tallies.get(kind)
        if tally is None:
            tally = tallies[kind] = Tally()
        tally.add(minutes, did, case, None)
        per_month[(month, kind)] += 1
        month_minutes[month] += minutes
        # 活動集計 has no ケースID column: the case is for counting, never written
        row = ACTIVITY.row(
            fy=label, month=month, date=day, kind=kind, dispatch_id=did, reg_no=no, minutes=minutes
        )
        records.append((day, did or "", no or "", row))
    records.sort(key=lambda r: r[:3])
    stats.activities = [r[3] for r in records]
    summary["派遣実件数"] = len(everything.dispatches)
    summary["活動延べ回数"] = everything.n
    summary["支援した当事者の実人数"] = len(everything.cases)
    summary["活動したサポーター実人数"] = len(everything.people)
    summary["活動時間"] = _hours(everything.minutes)
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
        tally = tallies.get(kind, Tally())
        values: dict[str, float | int] = {
            "活動回数": tally.n,
            "派遣実件数": len(tally.dispatches),
            "当事者実人数": len(tally.cases),
            "活動時間": _hours(tally.minutes),
        }
        for item, unit in KIND_ITEMS:
            figures.append(Figure(KINDS, item, "", kind, values[item], unit))
    req = Counter(month_key(d) for d in requested)
    dec = Counter(month_key(d) for d in decided)
    for m in months:
        figures.append(Figure(MONTHS, "派遣依頼件数", m, "", req[m], CASES))
        figures.append(Figure(MONTHS, "派遣決定件数", m, "", dec[m], CASES))
        by_kind = {k: per_month[(m, k)] for k in stats.kinds}
        figures.append(Figure(MONTHS, "活動回数", m, "", sum(by_kind.values()), TIMES))
        for kind in stats.kinds:
            figures.append(Figure(MONTHS, "活動回数", m, kind, by_kind[kind], TIMES))
        figures.append(Figure(MONTHS, "活動時間", m, "", _hours(month_minutes[m]), HOURS))
    return stats


def tidy_rows(label: str, figures: Iterable[Figure]) -> list[tuple[object, ...]]:
    """集計データ rows (by column key, in schema.STATS column order)."""
    return [
        STATS.row(
            fy=label,
            section=f.section,
            item=f.item,
            month=f.month,
            kind=f.kind,
            value=f.value,
            unit=f.unit,
            suppressed=f.suppressed,
        )
        for f in figures
    ]
