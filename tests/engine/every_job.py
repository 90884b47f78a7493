"""Every job that reads a management workbook, as the one-bad-cell tests run it (#10).

`JOBS` maps a registry job to its runs on a workbook `wb`: each run is the CLI arguments
(verb first) — forms runs several kinds, tidy and migrate both their steps. The workbook is
base_world() plus what the row-naming jobs need; `beside()` writes the files some jobs read
next to it (a roster exported from it, an office's own list).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import TODAY, invoke, world, world_rows


@dataclass(frozen=True)
class Beside:
    """The files a job reads or writes beside the workbook."""

    out: Path  # a folder for outputs
    roster: Path  # import-roster's roster
    legacy: Path  # migrate's list


Runs = Callable[[Path, Beside], list[list[object]]]
FORMS = (
    ("修了証書", ()),
    ("登録証", ()),
    ("登録名簿", ()),
    ("活動報告書", ("R000001",)),
    ("当事者同意書", ()),
    ("研修案内", ("T2", "001")),
)
JOBS: dict[str, Runs] = {
    "check": lambda wb, b: [["check", wb]],
    "number": lambda wb, b: [["number", wb]],
    "expiries": lambda wb, b: [["expiries", wb]],
    "candidates": lambda wb, b: [["candidates", wb, "D00002"]],
    "forms": lambda wb, b: [
        ["forms", kind, wb, *ids, "--out", b.out / f"{kind}.xlsx"] for kind, ids in FORMS
    ],
    "export-roster": lambda wb, b: [["export-roster", wb, b.out / "roster.xlsx"]],
    "import-roster": lambda wb, b: [["import-roster", wb, b.roster]],
    "report": lambda wb, b: [["report", wb, "--fy", "2026", "--out", b.out / "up.xlsx"]],
    "tidy": lambda wb, b: [["tidy", wb, "--dry-run"], ["tidy", wb]],
    "migrate": lambda wb, b: [["migrate", wb, b.legacy], ["migrate", wb, b.legacy, "--apply"]],
    "upgrade": lambda wb, b: [["upgrade", wb]],
}
# Jobs whose arguments name rows of the workbook: when the bad cell is the one they need,
# a plain Japanese refusal (exit 2) is the right answer. Any other job refusing the whole
# workbook for one cell is a failure.
MAY_REFUSE = {"candidates", "forms"}
# consolidate reads a folder of upward files (tests/stats); new writes a workbook, reads none.
NOT_ON_A_WORKBOOK = {"consolidate", "new"}


def every_job_world() -> dict[str, list[tuple[object, ...]]]:
    """base_world() with a dispatch 調整中 (candidates) and a 継続研修 still to come (研修案内)."""
    return world_rows(
        world(
            extra={
                "dispatches": [
                    {
                        "dispatch_id": "D00002",
                        "requested": dt.date(2026, 11, 20),
                        "case_id": "C0001",
                        "requester": "本人",
                        "state": "調整中",
                    }
                ],
                "trainings": [
                    {"training_id": "T2", "kind": "継続研修", "date": dt.date(2026, 12, 10)}
                ],
            }
        )
    )


def beside(folder: Path, workbook: Path) -> tuple[Path, Path]:
    """A roster exported from (a copy of) `workbook` and an office's own list, in `folder`."""
    copy = Path(shutil.copyfile(workbook, folder / "for-export.xlsx"))
    roster = folder / "roster.xlsx"
    result = invoke("export-roster", copy, roster, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    legacy = folder / "list.csv"
    legacy.write_text(
        "氏名,ふりがな,生年月日,住所\n佐藤　花子,さとう　はなこ,S45.1.2,架空市\n", encoding="utf-8"
    )
    return roster, legacy
