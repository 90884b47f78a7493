"""Every job that reads or writes the workbook, run the way a clerk runs it (the CLI).

`JOBS` maps a job's name to a function that runs it on a workbook and returns the other files
it wrote (to be validated too). The jobs are the workbook jobs of hikisup_xl/registry.py
(`consolidate` reads submitted files, not the workbook); test_every_job_is_here keeps the two
lists in step. Tests that put a workbook through every job (a staff habit, an upgraded older
workbook) parametrise over JOBS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import invoke, row, write_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.patch import PatchEngine


@dataclass(frozen=True, slots=True)
class Run:
    book: Path
    folder: Path  # where the job's other outputs go
    today: dt.date
    fy: int
    roster: Path  # a prefecture's roster to import (prefecture_roster)


Job = Callable[[Run], list[Path]]


def run(*args: object) -> str:
    result = invoke(*args)
    assert result.exit_code in (0, 1), result.output  # 1: the job found problems, still wrote
    return result.output


def _plain(verb: str) -> Job:
    def job(r: Run) -> list[Path]:
        run(verb, r.book, "--today", r.today)
        return []

    return job


def _waiting_dispatch(book: Path, today: dt.date) -> object:
    """A dispatch in 調整中 (waiting for a supporter); without one, the clerk types a request
    first, as before any 派遣候補."""
    engine = PatchEngine(book)
    dispatches = engine.read_table(schema.DISPATCHES)
    ids, states = dispatches.position("dispatch_id"), dispatches.position("state")
    assert ids is not None and states is not None
    waiting = [x[ids] for x in dispatches.rows if x[states] == "調整中"]
    if waiting:
        return waiting[0]
    cases = engine.read_table(schema.CASES)
    case = cases.position("case_id")
    assert case is not None and cases.rows
    request = row(
        schema.DISPATCHES,
        dispatch_id="D09999",
        requested=today,
        case_id=cases.rows[0][case],
        requester="本人",
        state="調整中",
    )
    engine.append_rows(schema.DISPATCHES, [request])
    engine.save()
    return "D09999"


def _candidates(r: Run) -> list[Path]:
    run("candidates", r.book, _waiting_dispatch(r.book, r.today), "--today", r.today)
    return []


def _report(r: Run) -> list[Path]:
    upward = r.folder / "提出.xlsx"
    run("report", r.book, "--fy", r.fy, "--today", r.today, "--out", upward)
    return [upward]


def _export_roster(r: Run) -> list[Path]:
    out = r.folder / "書き出した名簿.xlsx"
    run("export-roster", r.book, out, "--today", r.today)
    return [out]


def _import_roster(r: Run) -> list[Path]:
    run("import-roster", r.book, r.roster, "--today", r.today)
    return []


LISTING = (
    "サポーター名簿,,,\r\n,,,\r\n氏名,ふりがな,生年月日,住所,修了日\r\n"
    "移行　一郎,いこう　いちろう,S50.2.3,甲府市,R1.6.1\r\n"
    "移行　花子,いこう　はなこ,平成31年5月1日,甲府市,\r\n"
)


def _migrate(r: Run) -> list[Path]:
    listing = r.folder / "旧名簿.csv"
    listing.write_bytes(LISTING.encode("cp932"))
    run("migrate", r.book, listing, "--today", r.today)
    run("migrate", r.book, listing, "--apply", "--today", r.today)
    return []


def _forms(r: Run) -> list[Path]:
    out = r.folder / "登録証.xlsx"
    run("forms", "登録証", r.book, "--today", r.today, "--out", out)
    return [out]


def _upgrade(r: Run) -> list[Path]:
    before = r.book.read_bytes()
    assert "最新の形式です" in run("upgrade", r.book, "--today", r.today)
    assert r.book.read_bytes() == before  # a current workbook: nothing to do, not saved
    return []


JOBS: dict[str, Job] = {
    "check": _plain("check"),
    "number": _plain("number"),
    "expiries": _plain("expiries"),
    "tidy": _plain("tidy"),
    "candidates": _candidates,
    "report": _report,
    "export-roster": _export_roster,
    "import-roster": _import_roster,
    "migrate": _migrate,
    "forms": _forms,
    "upgrade": _upgrade,
}
# Jobs that add people to the register (the rows a Total Row or calculated column must take).
ADDS_PEOPLE = frozenset({"import-roster", "migrate"})

PREFECTURE = Settings(body_name="架空県", body_kind="都道府県", department="障害福祉課")


def prefecture_roster(folder: Path, today: dt.date) -> Path:
    """A prefecture's roster with two people no municipality's workbook here has."""
    people = [
        row(
            schema.REGISTER,
            reg_no=no,
            name=name,
            kana=kana,
            birth=birth,
            address="架空市中央一丁目1-1",
            mobile="090-1234-5678",
            approved=dt.date(2025, 8, 1),
            consent=dt.date(2025, 7, 20),
            issued=dt.date(2025, 8, 10),
            period_start=dt.date(2025, 8, 10),
            period_end=dt.date(2027, 8, 9),
            state="登録中",
        )
        for no, name, kana, birth in (
            ("P901", "架空　次郎", "かくう　じろう", dt.date(1981, 2, 3)),
            ("P902", "見本　花子", "みほん　はなこ", dt.date(1979, 4, 5)),
        )
    ]
    pref = write_workbook(folder / "県.xlsx", {"register": people}, PREFECTURE)
    roster = folder / "県の名簿.xlsx"
    run("export-roster", pref, roster, "--today", today)
    return roster
