"""Calls into Excel per ribbon click (#14 target 4), counted on the tests' fake Excel.

    python bench/live_calls.py

Each click goes through `hikisup_xl.excel.dispatch`, as the ribbon's does, on the demo workbook
and on a municipal one (3,000 activity reports), twice (the second run compares with the
snapshot the first left), with the add-in's batch functions and without them (an older add-in:
one call per Excel object). The status bar clock is frozen, as for a click shorter than a
second. Nothing here runs Excel: the fake (tests/addin/fakexl.py) counts what would be a round
trip, and implements the add-in's VBA functions in Python.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from addin.fakexl import FakeBook  # noqa: E402

from hikisup_xl import excel  # noqa: E402
from hikisup_xl.demo import DEMO, DEMO_SETTINGS, MUNICIPAL, generate  # noqa: E402
from hikisup_xl.template import build_workbook  # noqa: E402

DAY = dt.date(2026, 3, 31)
BUTTONS = {
    "check": "hikisupCheck",
    "number": "hikisupNumber",
    "expiries": "hikisupExpiries",
    "report": "hikisupReport",
}


def clicks(book: FakeBook, button: str) -> list[dict[str, int]]:
    out = []
    for _ in range(2):
        book.calls.by_kind.clear()
        if button == "hikisupReport":
            book._app.answers = ["R7", "no"]  # 令和7年度, no submission file
        excel.dispatch(button, book=book, today=DAY)
        out.append(dict(book.calls.by_kind))
    return out


def main() -> None:
    excel._clock = lambda: 0.0  # type: ignore[assignment]  # one status bar message
    print("| workbook | job | add-in | 1st click | 2nd click | of which RefreshTable calls |")
    print("|---|---|---|---:|---:|---:|")
    for label, scale in (("demo", DEMO), ("3,000 reports", MUNICIPAL)):
        base = FakeBook.from_openpyxl(
            build_workbook(DEMO_SETTINGS, generate(DAY, scale)), "サポーター.xlsx"
        )
        for verb, button in BUTTONS.items():
            for addin in (True, False):
                book = base.clone()
                book._app.addin = addin
                first, second = clicks(book, button)
                pivots = first.get("pivot.RefreshTable", 0)
                kind = "batch" if addin else "without (per object)"
                print(
                    f"| {label} | {verb} | {kind} | {sum(first.values())} | "
                    f"{sum(second.values())} | {pivots} |"
                )
                if addin and label == "demo":
                    print(f"|  |  | by kind | {first} |  |  |", file=sys.stderr)


if __name__ == "__main__":
    main()
