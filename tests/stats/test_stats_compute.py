"""年度 figures checked against counts computed here, independently, from the raw rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from conftest import book_of, make_book, row

from hikisup_xl.core import schema
from hikisup_xl.core.wareki import WarekiError
from hikisup_xl.demo import generate
from hikisup_xl.stats.compute import KINDS, MONTHS, SUMMARY, compute, month_label, parse_fy

TODAY = dt.date(2026, 11, 26)
FY = 2025
START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)


def _dicts(rows: list[tuple[object, ...]], spec: schema.TableSpec) -> list[dict[str, object]]:
    return [dict(zip([c.key for c in spec.columns], r, strict=True)) for r in rows]


def _in_fy(d: object) -> bool:
    return isinstance(d, dt.date) and START <= d <= END


def _expected(data: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
    """The figures, counted the plain way from the generated rows."""
    t = {k: _dicts(v, schema.BY_KEY[k]) for k, v in data.items()}
    trainings = {r["training_id"]: r for r in t["trainings"]}
    out: dict[str, object] = {}
    out["養成研修 受講者数"] = len(
        [
            r
            for r in t["trainees"]
            if trainings[r["training_id"]]["kind"] == "養成研修"
            and _in_fy(trainings[r["training_id"]]["date"])
            and r["attendance"] == "出席"
        ]
    )
    out["修了者数"] = len([r for r in t["trainees"] if _in_fy(r["completed"])])
    registered = [r for r in t["register"] if r["reg_no"]]
    out["新規登録"] = len([r for r in registered if _in_fy(r["period_start"])])  # one period each
    out["再登録"] = 0
    out["辞退"] = len([r for r in registered if r["state"] == "辞退" and _in_fy(r["ended"])])
    out["取消"] = len([r for r in registered if r["state"] == "取消" and _in_fy(r["ended"])])
    out["登録期間満了"] = len(
        [
            r
            for r in registered
            if _in_fy(r["period_end"])
            and not (isinstance(r["ended"], dt.date) and r["ended"] <= r["period_end"])
        ]
    )
    out["3月31日時点の登録者数"] = len(
        [
            r
            for r in registered
            if r["period_start"] <= END <= r["period_end"]  # type: ignore[operator]
            and not (isinstance(r["ended"], dt.date) and r["ended"] <= END)
        ]
    )
    numbered = {r["reg_no"] for r in registered}
    out["保険加入者数"] = len(
        {r["reg_no"] for r in t["insurance"] if r["fy"] == "令和7年度" and r["reg_no"] in numbered}
    )
    out["派遣依頼件数"] = len([r for r in t["dispatches"] if _in_fy(r["requested"])])
    out["派遣決定件数"] = len([r for r in t["dispatches"] if _in_fy(r["decided"])])
    reports = [r for r in t["reports"] if _in_fy(r["date"])]
    out["活動延べ回数"] = len(reports)
    out["派遣実件数"] = len({r["dispatch_id"] for r in reports})
    out["支援した当事者の実人数"] = len({r["case_id"] for r in reports})
    out["活動したサポーター実人数"] = len({r["reg_no"] for r in reports})

    def minutes(r: dict[str, object]) -> int:
        s, e = r["start"], r["end"]
        assert isinstance(s, dt.time) and isinstance(e, dt.time)
        return max(0, (e.hour * 60 + e.minute) - (s.hour * 60 + s.minute))

    out["活動時間"] = round(sum(minutes(r) for r in reports) / 60, 2)
    followups = {k for k, r in trainings.items() if r["kind"] != "養成研修" and _in_fy(r["date"])}
    present = [
        r for r in t["followup"] if r["training_id"] in followups and r["attendance"] == "出席"
    ]
    out["事後研修 開催回数"] = len(followups)
    out["事後研修 延べ出席者数"] = len(present)
    out["事後研修 出席者実人数"] = len({r["reg_no"] for r in present})
    out["kinds"] = Counter(r["kind"] for r in reports)
    out["months"] = Counter((f"{r['date']:%Y}年{r['date']:%m}月", r["kind"]) for r in reports)
    return out


@pytest.mark.parametrize("seed", [2025, 7])
def test_figures_match_an_independent_count(seed: int) -> None:
    data = generate(TODAY, seed=seed, mistakes=False)
    book = make_book(TODAY, **data)  # type: ignore[arg-type]
    stats = compute(book, FY, TODAY)
    expected = _expected(data)
    for item in [k for k in expected if k not in ("kinds", "months")]:
        assert stats.value(SUMMARY, item) == expected[item], item
    kinds = expected["kinds"]
    months = expected["months"]
    assert isinstance(kinds, Counter) and isinstance(months, Counter)
    for kind in schema.ACTIVITY_KINDS:
        assert stats.value(KINDS, "活動回数", kind=kind) == kinds[kind], kind
        for m in stats.months:
            assert stats.value(MONTHS, "活動回数", m, kind) == months[(m, kind)]
    assert sum(int(stats.value(MONTHS, "活動回数", m) or 0) for m in stats.months) == sum(
        kinds.values()
    )
    assert len(stats.activities) == sum(kinds.values())
    assert stats.value(SUMMARY, "活動延べ回数") > 0  # the demo has activity in the 年度
    assert stats.value(SUMMARY, "保険加入者数") > 0  # and insurance rows for it


def _boundary_world() -> dict[str, list[tuple[object, ...]]]:
    reg, per = schema.REGISTER, schema.PERIODS

    def supporter(no: str, start: dt.date, end: dt.date, **extra: object) -> tuple[object, ...]:
        values: dict[str, object] = {
            "reg_no": no,
            "name": f"人{no}",
            "kana": "ひと",
            "birth": dt.date(1980, 1, 1),
            "address": "架空市",
            "period_start": start,
            "period_end": end,
            "state": "登録中",
        }
        return row(reg, **{**values, **extra})

    dispatch, report = schema.DISPATCHES, schema.REPORTS

    def activity(rid: str, day: dt.date, kind: str) -> tuple[object, ...]:
        return row(
            report,
            report_id=rid,
            dispatch_id="D1",
            reported=day,
            reg_no="001",
            case_id="C1",
            date=day,
            start=dt.time(10),
            end=dt.time(11, 30),
            kind=kind,
        )

    return {
        "register": [
            # ends on 31 March: active that day, then lapsed (counted in FY2025)
            supporter("001", dt.date(2024, 4, 1), dt.date(2026, 3, 31)),
            # starts on 1 April: new in FY2026, not active on 31 March 2026
            supporter("002", dt.date(2026, 4, 1), dt.date(2028, 3, 31)),
            # renewed without a gap: no lapse, 再登録 in FY2026
            supporter("003", dt.date(2026, 4, 1), dt.date(2028, 3, 31)),
            # withdrew on 31 March: 辞退 in FY2025, not active that day
            supporter(
                "004",
                dt.date(2025, 4, 1),
                dt.date(2027, 3, 31),
                state="辞退",
                ended=dt.date(2026, 3, 31),
            ),
        ],
        "periods": [
            row(
                per,
                reg_no="003",
                kind="新規",
                period_start=dt.date(2024, 4, 1),
                period_end=dt.date(2026, 3, 31),
            ),
        ],
        "dispatches": [
            row(
                dispatch,
                dispatch_id="D1",
                requested=dt.date(2026, 3, 31),
                case_id="C1",
                requester="本人",
                reg_no="001",
                decided=dt.date(2026, 3, 31),
                state="派遣中",
            ),
            row(
                dispatch,
                dispatch_id="D2",
                requested=dt.date(2026, 4, 1),
                case_id="C2",
                requester="家族",
                reg_no="001",
                state="調整中",
            ),
        ],
        "reports": [
            activity("R1", dt.date(2026, 3, 31), "訪問"),
            activity("R2", dt.date(2026, 4, 1), "面接"),
            activity("R3", dt.date(2025, 4, 1), "訪問"),
            activity("R4", dt.date(2025, 3, 31), "訪問"),
        ],
    }


def test_31_march_and_1_april_fall_in_their_own_fiscal_years() -> None:
    book = make_book(dt.date(2026, 5, 1), **_boundary_world())
    fy25 = compute(book, 2025, dt.date(2026, 5, 1))
    fy26 = compute(book, 2026, dt.date(2026, 5, 1))
    v25 = {
        item: fy25.value(SUMMARY, item)
        for item in (
            "新規登録",
            "再登録",
            "辞退",
            "登録期間満了",
            "3月31日時点の登録者数",
            "派遣依頼件数",
            "派遣決定件数",
            "活動延べ回数",
            "活動時間",
        )
    }
    assert v25 == {
        "新規登録": 1,  # 004 (started 2025-04-01)
        "再登録": 0,
        "辞退": 1,
        "登録期間満了": 1,  # 001 only: 003 renewed the next day
        "3月31日時点の登録者数": 2,  # 001 and 003
        "派遣依頼件数": 1,
        "派遣決定件数": 1,
        "活動延べ回数": 2,  # 2025-04-01 and 2026-03-31
        "活動時間": 3.0,
    }
    assert fy25.value(MONTHS, "活動回数", "2026年03月", "訪問") == 1
    assert fy25.value(MONTHS, "活動回数", "2025年04月", "訪問") == 1
    assert fy26.value(SUMMARY, "新規登録") == 1  # 002
    assert fy26.value(SUMMARY, "再登録") == 1  # 003
    assert fy26.value(SUMMARY, "派遣依頼件数") == 1
    assert fy26.value(SUMMARY, "活動延べ回数") == 1
    assert fy26.value(MONTHS, "活動回数", "2026年04月", "面接") == 1
    # FY2026 is not over on 1 May: nothing can have lapsed yet
    assert fy26.value(SUMMARY, "登録期間満了") == 0
    assert fy26.as_of == dt.date(2026, 5, 1)


def test_gannen() -> None:
    """令和元年度 starts in 平成31年4月 and goes on in 令和元年5月."""
    assert (
        parse_fy("令和元年度")
        == parse_fy("R1")
        == parse_fy("平成31年度")
        == parse_fy("2019")
        == 2019
    )
    assert parse_fy("令和７年度") == parse_fy("R7") == 2025
    with pytest.raises(WarekiError):
        parse_fy("来年度")
    world = {
        "reports": [
            {
                "report_id": "R1",
                "dispatch_id": "D1",
                "reported": dt.date(2019, 5, 2),
                "reg_no": "001",
                "date": dt.date(2019, 4, 30),
                "start": dt.time(9),
                "end": dt.time(10),
                "kind": "訪問",
            },
            {
                "report_id": "R2",
                "dispatch_id": "D1",
                "reported": dt.date(2019, 5, 2),
                "reg_no": "001",
                "date": dt.date(2019, 5, 1),
                "start": dt.time(9),
                "end": dt.time(10),
                "kind": "訪問",
            },
        ]
    }
    stats = compute(book_of(world, dt.date(2020, 6, 1)), 2019, dt.date(2020, 6, 1))
    assert stats.label == "令和元年度"
    assert stats.months[:2] == ["2019年04月", "2019年05月"]
    assert [month_label(m) for m in stats.months[:2]] == ["平成31年4月", "令和元年5月"]
    assert month_label(stats.months[-1]) == "令和2年3月"
    assert stats.value(MONTHS, "活動回数", "2019年04月", "訪問") == 1
    assert stats.value(MONTHS, "活動回数", "2019年05月", "訪問") == 1
    assert stats.activities[0][0] == "令和元年度"


def test_reports_that_cannot_be_read_are_left_out_and_said_so() -> None:
    world = {
        "reports": [
            {
                "report_id": "R1",
                "dispatch_id": "D1",
                "reported": dt.date(2025, 5, 2),
                "reg_no": "001",
                "date": "いつか",
                "start": dt.time(9),
                "end": dt.time(10),
                "kind": "訪問",
            },
            {
                "report_id": "R2",
                "dispatch_id": "D1",
                "reported": dt.date(2025, 5, 2),
                "reg_no": "001",
                "date": dt.date(2025, 5, 1),
                "start": dt.time(11),
                "end": dt.time(10),
                "kind": "電話",
            },
        ]
    }
    stats = compute(book_of(world), 2025, TODAY)
    assert stats.value(SUMMARY, "活動延べ回数") == 1
    assert stats.value(SUMMARY, "活動時間") == 0  # end before start: no time
    assert stats.value(KINDS, "活動回数", kind="種別不明") == 1
    assert stats.left_out["活動日が読み取れない活動報告"] == 1
