"""The 年度 statistics in plain passes (#14) agree with the pandas group-bys they replaced.

stats/compute.py and stats/history.py once built pandas frames and grouped them; they now count
in one pass over the reports. tests/stats/pandas_reference.py keeps the old code verbatim, and
every figure, every 活動集計 row (in its order) and every サポーター別 row must come out the
same on the demo municipality at several sizes and seeds, with the demo's planted mistakes
and more (unreadable dates and kinds, blank identifiers, times that make no sense), in
several 年度.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence

import pytest
from conftest import make_book
from pandas_reference import reference_compute, reference_supporter_years

from hikisup_xl import demo
from hikisup_xl.core import schema
from hikisup_xl.core.book import Book
from hikisup_xl.stats.compute import compute
from hikisup_xl.stats.history import supporter_years

TODAY = dt.date(2026, 11, 26)
SMALL = demo.Scale(trainees=60, supporters=40, cases=15, dispatches=70, reports=400)
SCALES = {"demo": demo.DEMO, "small": SMALL, "municipal": demo.MUNICIPAL}


def _book(scale: demo.Scale, seed: int, today: dt.date = TODAY) -> Book:
    rows = demo.generate(today, scale, seed=seed)
    tables = {key: rows[key] for key in rows if key != "settings"}
    tables["reports"] = _messed(tables["reports"], random.Random(seed))
    return make_book(today, demo.DEMO_SETTINGS, **tables)


# What a clerk types wrong in 活動報告, on top of the demo's own mistakes.
MESS: tuple[tuple[str, object], ...] = (
    ("date", "きのう"),  # unreadable 活動日
    ("date", None),
    ("kind", None),  # blank 活動種別: 種別不明
    ("kind", "電話"),  # not one of the list
    ("dispatch_id", None),
    ("case_id", None),
    ("reg_no", None),
    ("start", "10時"),  # times that make no sense
    ("end", dt.time(0, 5)),
)


def _messed(rows: Sequence[tuple[object, ...]], rng: random.Random) -> list[tuple[object, ...]]:
    out = [list(r) for r in rows]
    for line in rng.sample(out, k=len(out) // 10):
        key, value = rng.choice(MESS)
        line[schema.REPORTS.column_number(key) - 1] = value
    return [tuple(r) for r in out]


@pytest.mark.parametrize("seed", [1, 2025])
@pytest.mark.parametrize("scale", sorted(SCALES))
def test_the_plain_passes_give_what_pandas_gave(scale: str, seed: int) -> None:
    book = _book(SCALES[scale], seed)
    for fy in (2023, 2024, 2025, 2026):
        new, old = compute(book, fy, TODAY), reference_compute(book, fy, TODAY)
        assert dataclasses.asdict(new) == dataclasses.asdict(old), (scale, seed, fy)
        assert [type(f.value) for f in new.figures] == [type(f.value) for f in old.figures]
        assert supporter_years(book, fy, TODAY) == reference_supporter_years(book, fy, TODAY)


def test_the_comparison_sees_a_difference() -> None:
    # The reference really computes: a report moved out of the 年度 changes both alike, and a
    # figure tampered with after the fact is caught by the comparison above.
    book = _book(SMALL, 7)
    stats = compute(book, 2025, TODAY)
    assert stats.activities, "the demo has activities in 令和7年度"
    stats.figures[0].value = -1
    assert dataclasses.asdict(stats) != dataclasses.asdict(reference_compute(book, 2025, TODAY))


def test_the_demo_plants_what_the_passes_must_agree_on() -> None:
    # Without these the comparison would not cover the cases a clerk gets wrong.
    stats = compute(_book(demo.MUNICIPAL, 2025), 2025, TODAY)
    assert set(stats.left_out) == {
        "活動日が読み取れない活動報告",
        "活動種別が読み取れない活動報告（種別不明として集計）",
    }
    rows = supporter_years(_book(demo.MUNICIPAL, 2025), 2025, TODAY)
    assert any(r[4] for r in rows) and any(r[8] for r in rows)  # 派遣件数, 事後研修出席回数
