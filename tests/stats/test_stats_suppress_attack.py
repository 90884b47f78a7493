"""Attack every upward file as an analyst would (#11 item 14).

From the published file alone: the visible cells, the totals the tables publish (概要 = 種別の
合計 = 月の合計; 月の合計 = その月の種別; 種別の合計 = 月ごと; 依頼・決定 = 月の合計) and
non-negativity. Zeros are always shown, so the analyst also knows a blank is at least 1. Linear
programming then gives each blank's feasible interval; every cell whose true count is below
the threshold must keep an interval at least the threshold wide, and all blanks look alike.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import pytest
from conftest import table_rows
from openpyxl import load_workbook
from scipy.optimize import linprog
from stats_helpers import report, spread, town

from hikisup_xl.core import schema

D = dt.date
Key = tuple[str, str, str, str]
COUNT_UNITS = ("人", "件", "回")
KINDS = ("訪問", "面接", "外出同行", "関係者会議等", "その他")


def the_issue_case() -> list[tuple[dt.date, str]]:
    """One month 2+2, another 1+1+1 (as the issue saw), the rest ordinary."""
    acts = spread(4, {"訪問": 2, "面接": 2}) + spread(5, {"訪問": 1, "面接": 1, "外出同行": 1})
    for month in (6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
        acts += spread(month, {"訪問": 4, "関係者会議等": 1 if month % 2 else 0})
    return acts


def random_case(seed: int) -> tuple[list[tuple[dt.date, str]], list[dt.date]]:
    rng = random.Random(seed)
    acts: list[tuple[dt.date, str]] = []
    for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
        acts += spread(month, {k: rng.choice((0, 0, 1, 1, 2, 3, 5, 8)) for k in KINDS})
    requests = [D(2025 if m >= 4 else 2026, m, 10) for m in rng.sample((4, 6, 8, 9, 11, 1, 2), 4)]
    return acts, requests


CASES: dict[str, tuple[list[tuple[dt.date, str]], list[dt.date], int]] = {
    "issue": (the_issue_case(), [D(2025, 6, 3)], 3),
    "issue-5": (the_issue_case(), [D(2025, 6, 3), D(2025, 6, 4)], 5),
    "tiny": (spread(7, {"訪問": 1, "面接": 1, "その他": 2}), [], 3),
    "random-1": (*random_case(1), 3),
    "random-2": (*random_case(2), 3),
    "random-3": (*random_case(3), 5),
}


def relations(keys: set[Key]) -> list[tuple[Key, list[Key]]]:
    """The sums a reader of the tables sees."""
    months = sorted({m for s, _i, m, _k in keys if s == "月別" and m})
    kinds = sorted({k for s, i, _m, k in keys if s == "活動種別" and i == "活動回数"})
    grand = ("概要", "活動延べ回数", "", "")
    out = [
        (grand, [("活動種別", "活動回数", "", k) for k in kinds]),
        (grand, [("月別", "活動回数", m, "") for m in months]),
    ]
    for item in ("派遣依頼件数", "派遣決定件数"):
        out.append((("概要", item, "", ""), [("月別", item, m, "") for m in months]))
    out += [
        (("月別", "活動回数", m, ""), [("月別", "活動回数", m, k) for k in kinds]) for m in months
    ]
    out += [
        (("活動種別", "活動回数", "", k), [("月別", "活動回数", m, k) for m in months])
        for k in kinds
    ]
    return out


def feasible(cell: Key, published: dict[Key, float | None]) -> tuple[float, float]:
    hidden = sorted(k for k, v in published.items() if v is None)
    col = {k: i for i, k in enumerate(hidden)}
    a_eq, b_eq = [], []
    for total, members in relations(set(published)):
        row, known = [0.0] * len(hidden), 0.0
        for key, sign in [(total, -1.0)] + [(m, 1.0) for m in members]:
            value = published[key]
            if value is None:
                row[col[key]] += sign
            else:
                known -= sign * value
        if any(row):
            a_eq.append(row)
            b_eq.append(known)
    ends = []
    for sign in (1.0, -1.0):
        goal = [0.0] * len(hidden)
        goal[col[cell]] = sign
        res = linprog(goal, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(1, None), method="highs")
        assert res.status in (0, 3), res.message
        ends.append(math.inf if res.status == 3 else sign * res.fun)
    return ends[0], ends[1]


def _key(r: dict[str, object]) -> Key:
    return tuple(str(r[c] or "") for c in ("section", "item", "month", "kind"))  # type: ignore[return-value]


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_small_count_can_be_narrowed_below_the_threshold(tmp_path: Path, case: str) -> None:
    activities, requests, threshold = CASES[case]
    book = town(tmp_path / "架空町.xlsx", activities, requests)
    out = tmp_path / "提出.xlsx"
    result = report(book, "--out", out, "--suppress", threshold)
    assert result.exit_code == 0, result.output
    truth = {_key(r): r for r in table_rows(book, schema.STATS)}
    ws = load_workbook(out)[schema.STATS.sheet]
    _header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
    sent = [
        dict(
            zip(
                ("fy", "section", "item", "month", "kind", "value", "unit", "suppressed"),
                r,
                strict=True,
            )
        )
        for r in rows
    ]
    published = {_key(r): (None if r["value"] is None else float(r["value"])) for r in sent}  # type: ignore[arg-type]
    # every blank looks the same; no 0 is ever blanked
    assert {r["suppressed"] for r in sent if r["value"] is None} <= {"秘匿"}
    assert {r["suppressed"] for r in sent if r["value"] is not None} == {None}
    assert all(truth[k]["value"] != 0 for k, v in published.items() if v is None)
    in_tables = {k for total, members in relations(set(published)) for k in (total, *members)}
    counts = {k: v for k, v in published.items() if k in in_tables}
    small = [
        k
        for k, r in truth.items()
        if r["unit"] in COUNT_UNITS
        and r["item"] != "事後研修 開催回数"
        and 0 < float(r["value"]) < threshold  # type: ignore[arg-type]
    ]
    assert small, "the case must have small cells to protect"
    attacked = 0
    for k in small:
        assert published[k] is None, f"{k} = {truth[k]['value']} was published"
        if k in counts:
            low, high = feasible(k, counts)
            assert high - low >= threshold - 1e-6, (k, truth[k]["value"], low, high)
            attacked += 1
    assert attacked > 0
