"""Smoke test in real Excel (Windows, by hand): `python -m hikisup_xl.smoke`.

Not run in CI and never run on the machine this was written on (no Excel there). It:

1. builds the add-in from macros/ (same bytes as workbook/hikisup.xlam) and a workbook with the
   demo's synthetic data (Japanese folder and file name, on purpose), plus a second copy of
   that workbook for the file engine;
2. starts Excel through xlwings, opens the add-in and the workbook;
3. for every ribbon button, calls the add-in's `RunAction` with the button's id (the same VBA
   and Python path as a click; click OK on each message box), runs the same action on the copy
   with the file engine, and compares every table the two left behind, cell by cell;
4. checks that a workbook that is not a hikisup workbook is refused and left untouched;
5. asks you to confirm what only a person can see (the ribbon tab, labels, tooltips).

Exit code 0 when everything matched, 1 when something did not, 2 when it could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .registry import BUTTONS, TAB_LABEL

WORKBOOK_NAME = "サポーター管理_スモーク.xlsx"
FOLDER_NAME = "hikisup_スモーク"


def plan() -> list[str]:
    """The button ids the smoke test presses, in ribbon order."""
    return [b.id for b in BUTTONS]


def _norm(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return None if value == "" else value


def _differences(live: Any, expected: Any) -> list[str]:
    """Every table the two engines hold, compared by value (操作履歴's time aside)."""
    from .core import schema

    out: list[str] = []
    for spec in schema.TABLES:
        a, b = live.read_table(spec), expected.read_table(spec)
        rows_a = [tuple(_norm(v) for v in r) for r in a.rows]
        rows_b = [tuple(_norm(v) for v in r) for r in b.rows]
        if spec is schema.LOG:
            rows_a, rows_b = [r[1:] for r in rows_a], [r[1:] for r in rows_b]
        if rows_a != rows_b or a.row_numbers != b.row_numbers:
            out.append(f"{spec.sheet}: Excel {rows_a[:3]}... != file engine {rows_b[:3]}...")
    if live.read_snapshot() != expected.read_snapshot():
        out.append("snapshot sheet differs")
    return out


def _ask(question: str, prompt: bool) -> bool:
    if not prompt:
        print(f"  (not asked) {question}")
        return True
    return input(f"  {question} [y/n] ").strip().lower().startswith("y")


def run(workdir: Path, prompt: bool) -> int:
    import xlwings as xw

    from .actions import ACTIONS
    from .addin.build import build
    from .demo import DEMO_SETTINGS, generate
    from .engine.files import FileEngine, save_atomic
    from .engine.live import LiveEngine
    from .registry import BY_ID
    from .template import build_workbook

    today = dt.date.today()
    folder = workdir / FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True)
    addin_path = build(folder / "hikisup.xlam")
    live_path, file_path = folder / WORKBOOK_NAME, folder / f"file_{WORKBOOK_NAME}"
    for path in (live_path, file_path):
        save_atomic(build_workbook(DEMO_SETTINGS, generate(today)), path, keep_backup=False)
    print(f"add-in: {addin_path}\nworkbook: {live_path}")

    failures: list[str] = []
    app = xw.App(visible=True, add_book=False)
    try:
        addin = app.books.open(str(addin_path))
        book = app.books.open(str(live_path))
        run_action = addin.macro("RunAction")
        for button_id in plan():
            button = BY_ID[button_id]
            print(f"- {button.label} ({button_id}): click OK on the message box")
            book.activate()
            run_action(button_id)
            ACTIONS[button.action](FileEngine(file_path), today)
            diff = _differences(LiveEngine(book), FileEngine(file_path))
            failures += [f"{button_id}: {d}" for d in diff]
            print("  same cells as the file engine" if not diff else f"  DIFFERENT: {diff}")
        links = book.sheets["チェック結果"].range("H2").formula
        if isinstance(links, str) and links and not links.startswith("=HYPERLINK("):
            failures.append(f"チェック結果!H2 is not a HYPERLINK formula: {links!r}")

        print("- a workbook that is not a hikisup workbook: click OK on the refusal")
        other = app.books.add()
        other.activate()
        before = [s.name for s in other.sheets]
        run_action(BUTTONS[0].id)
        if [s.name for s in other.sheets] != before or other.sheets[0].used_range.value:
            failures.append("a foreign workbook was changed")
        other.close()

        print("Look at Excel:")
        checks = [
            f"Is there a 「{TAB_LABEL}」 tab with the buttons {'・'.join(b.label for b in BUTTONS)}?",
            "Does hovering a button show a Japanese tooltip saying what it does?",
            "Did each message box show Japanese text with counts (and no English traceback)?",
            "In チェック結果, does clicking a 場所 cell jump to the cell it names?",
        ]
        failures += [q for q in checks if not _ask(q, prompt)]
    finally:
        for b in list(app.books):
            b.close()
        app.quit()
    print("\nSMOKE:", "PASS" if not failures else "FAIL")
    for f in failures:
        print(" ", f)
    return 0 if not failures else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hikisup_xl.smoke", description=__doc__)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp one)")
    parser.add_argument("--no-prompt", action="store_true", help="skip the questions")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("win"):
        print(
            "The smoke test drives Excel for Windows through xlwings; there is no Excel here "
            f"({sys.platform}). Run it on a Windows PC with Excel (see README).",
            file=sys.stderr,
        )
        return 2
    if args.dir is not None:
        return run(args.dir, not args.no_prompt)
    with tempfile.TemporaryDirectory() as tmp:
        return run(Path(tmp), not args.no_prompt)


if __name__ == "__main__":
    sys.exit(main())
