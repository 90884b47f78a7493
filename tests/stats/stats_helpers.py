"""A small municipality with activity in 令和7年度, for the report and consolidation tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import base_world, world_rows, write_workbook

from hikisup_xl.cli import main
from hikisup_xl.core.settings import Settings

report_cmd = main.commands["report"]
consolidate_cmd = main.commands["consolidate"]

TODAY = dt.date(2026, 5, 10)
KIND_CYCLE = ("訪問", "面接", "外出同行", "関係者会議等", "訪問", "面接", "訪問")
FREE_TEXT = "具体的な様子ZZQ"  # written into every report's free text: must never travel


def municipality(
    path: Path, body: str, activities: int, *, start: dt.date = dt.date(2025, 4, 3)
) -> Path:
    """base_world plus `activities` reports spread over 令和7年度 (every 9 days)."""
    world = base_world()
    world["register"][0]["period_start"] = dt.date(2025, 4, 1)
    world["register"][0]["issued"] = dt.date(2025, 4, 1)
    world["register"][0]["approved"] = dt.date(2025, 3, 20)
    world["dispatches"][0]["requested"] = dt.date(2025, 4, 1)
    world["dispatches"][0]["decided"] = dt.date(2025, 4, 2)
    world["cases"][0]["consent"] = dt.date(2025, 3, 1)
    world["reports"] = []
    for n in range(activities):
        day = start + dt.timedelta(days=9 * n)
        world["reports"].append(
            {
                "report_id": f"R{n:04d}",
                "dispatch_id": "D00001",
                "reported": day,
                "reg_no": "001",
                "case_id": "C0001",
                "date": day,
                "start": dt.time(10, 0),
                "end": dt.time(11, 30),
                "kind": KIND_CYCLE[n % len(KIND_CYCLE)],
                "content": FREE_TEXT,
                "record": FREE_TEXT,
                "policy": "継続",
            }
        )
    return write_workbook(path, world_rows(world), Settings(body_name=body))


def town(
    path: Path,
    activities: Sequence[tuple[dt.date, str]],
    requests: Sequence[dt.date] = (),
    body: str = "架空町",
) -> Path:
    """A workbook as a clerk keeps it: one report row per activity, one 派遣 row per request."""
    world = base_world()
    world["register"][0].update(period_start=dt.date(2025, 4, 1), issued=dt.date(2025, 4, 1))
    world["register"][0].update(approved=dt.date(2025, 3, 20))
    world["cases"][0]["consent"] = dt.date(2025, 3, 1)
    first = world["dispatches"][0]
    first.update(requested=dt.date(2025, 4, 1), decided=dt.date(2025, 4, 2))
    for n, day in enumerate(requests, start=2):
        world["dispatches"].append({**first, "dispatch_id": f"D{n:05d}", "requested": day})
        world["dispatches"][-1]["decided"] = day
    world["reports"] = [
        {
            "report_id": f"R{n:04d}",
            "dispatch_id": "D00001",
            "reported": day,
            "reg_no": "001",
            "case_id": "C0001",
            "date": day,
            "start": dt.time(10, 0),
            "end": dt.time(11, 0),
            "kind": kind,
            "policy": "継続",
        }
        for n, (day, kind) in enumerate(activities)
    ]
    return write_workbook(path, world_rows(world), Settings(body_name=body))


def spread(month: int, kinds: dict[str, int]) -> list[tuple[dt.date, str]]:
    """Activities in one month of 令和7年度 (4 = April 2025 ... 3 = March 2026), one a day."""
    year = 2025 if month >= 4 else 2026
    each = [kind for kind, n in kinds.items() for _ in range(n)]
    return [(dt.date(year, month, 1 + i % 27), kind) for i, kind in enumerate(each)]


def run(command: object, *args: object) -> Result:
    result = CliRunner().invoke(command, [str(a) for a in args])  # type: ignore[arg-type]
    assert "Traceback" not in result.output, result.output
    return result


def report(path: Path, *args: object) -> Result:
    return run(report_cmd, path, "--fy", "2025", "--today", TODAY.isoformat(), *args)


def consolidate(directory: Path, out: Path, *args: object) -> Result:
    return run(consolidate_cmd, directory, out, "--today", TODAY.isoformat(), *args)


def decrypt(data: bytes, password: str) -> bytes:
    import io

    import msoffcrypto

    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password, verify_password=True)
    out = io.BytesIO()
    office.decrypt(out)
    return out.getvalue()
