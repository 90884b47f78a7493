"""Smoke test in real Excel (Windows, by hand): `python -m hikisup_xl.smoke`.

Not run in CI and never run on the machine this was written on (no Excel there). It:

1. builds the add-in from macros/ (same bytes as workbook/hikisup.xlam) and a workbook with the
   demo's synthetic data (Japanese folder and file name, on purpose), plus a second copy of
   that workbook for the file engine;
2. starts Excel through xlwings, opens the add-in and the workbook;
3. for every ribbon button, calls the add-in's `RunAction` with the button's id (the same VBA
   and Python path as a click; click OK on each message box), runs the same action on the copy
   with the file engine, and compares every table the two left behind, cell by cell. A 帳票
   button that prints the selected rows is pressed twice: from the 設定 sheet (its default
   rows) and with two data rows of its sheet selected; each 帳票 press must leave the form
   workbook (the same sheets as the file engine's) and a PDF made by Excel beside the workbook.
   The engine must find the add-in's batch functions (HikisupTables) before the first press,
   so every press writes through HikisupWrite; after each press the tables are read both
   through HikisupRead and one Excel object at a time, and must agree;
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import schema
from .core.grid import FIRST_COLUMN, FIRST_DATA_ROW, ORIGIN, address, span
from .registry import BUTTONS, MENUS, TAB_LABEL, Button

WORKBOOK_NAME = "サポーター管理_スモーク.xlsx"
FOLDER_NAME = "hikisup_スモーク"
FILE_ENGINE_FOLDER = "file"  # the copy for the file engine: same name, so 操作履歴 matches
NEUTRAL = ("設定", ORIGIN)  # a sheet holding no form's IDs: a form prints its default rows
# The first two data rows of a table (below its header row).
SELECTED_ROWS = span(FIRST_COLUMN, FIRST_DATA_ROW, FIRST_COLUMN, FIRST_DATA_ROW + 1)


@dataclass(frozen=True)
class Press:
    """One press of a button; with `sheet`, that sheet is activated and `cells` selected
    first."""

    button_id: str
    sheet: str | None = None
    cells: str | None = None


def plan(arranging: str = SELECTED_ROWS) -> list[Press]:
    """The presses, in ribbon order: every button that asks nothing once; a 帳票 button that prints the selected
    rows from its default rows first (if it has them), then from two selected rows; 派遣候補
    with `arranging` (the 調整中 dispatch's row) selected on the 派遣 sheet."""
    from .addin.arguments import SOURCES

    presses: list[Press] = []
    for b in BUTTONS:
        if b.asks:  # a button that asks the clerk (files, a 年度): pressed by hand
            continue
        if not b.arguments:
            presses.append(Press(b.id))
            continue
        if b.arguments == "dispatch":
            presses.append(Press(b.id, schema.DISPATCHES.sheet, arranging))
            continue
        source = SOURCES.get(dict(b.params)["kind"]) if b.arguments == "form" else None
        if source is None or source.everyone is not None:
            presses.append(Press(b.id, *NEUTRAL))
        if source is not None:
            presses.append(Press(b.id, source.spec.sheet, SELECTED_ROWS))
    return presses


def _norm(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return None if value == "" else value


def _differences(live: Any, expected: Any) -> list[str]:
    """Every table the two engines hold, compared by value (操作履歴's time aside)."""

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


class _NoPdf:
    """The file engine's stand-in converter: the PDF is Excel's part of the comparison (the
    file engine's run only has to name it the same in 操作履歴). It writes a stand-in that
    passes the save's PDF check."""

    name = "Excel"

    def convert(self, jobs: Sequence[tuple[Path, Path]]) -> None:
        for _xlsx, pdf in jobs:
            pdf.write_bytes(b"%PDF-1.4 stand-in: the smoke test compares Excel's own PDF\n")


def on_file(button: Button, press: Press, path: Path, today: dt.date) -> Path | None:
    """What the button does, on the file engine: the action with the arguments dispatch would
    give it for the same selection; a refusal recorded as dispatch records it. Returns the
    form workbook a 帳票 button writes (None for the other buttons)."""
    from .core.errors import HikisupError
    from .engine.files import FileEngine

    engine = FileEngine(path)
    if not button.arguments:
        from .excel import resolve

        resolve(button.action)(engine, today, **dict(button.params))
        return None
    if button.arguments == "dispatch":
        _candidates_on_file(button, press, engine, today)
        return None
    from .addin.arguments import blank_output, choose, selected_rows
    from .forms.action import default_output, forms
    from .forms.select import Selection

    kind = dict(button.params)["kind"]
    out = (blank_output if button.arguments == "blank_form" else default_output)(path, kind)
    try:
        if button.arguments == "blank_form":
            selection = Selection(blank=True)
        else:
            spans = selected_rows(press.cells) if press.cells else []
            selection, _ = choose(kind, press.sheet, spans, engine.read_table)
        forms(engine, today, kind, selection, out, True, converter=_NoPdf())
    except HikisupError as exc:
        from .session import record

        record(engine, button.label, "", f"拒否：{exc}")
        engine.save()
        return None
    return out


def _candidates_on_file(button: Button, press: Press, engine: Any, today: dt.date) -> None:
    """派遣候補 on the file engine for the same selection; a refusal recorded as dispatch does."""
    from .addin.arguments import dispatch_of, selected_rows
    from .core.errors import HikisupError
    from .excel import resolve

    try:
        spans = selected_rows(press.cells) if press.cells else []
        dispatch_id = dispatch_of(press.sheet, spans, engine.read_table)
        resolve(button.action)(engine, today, dispatch_id=dispatch_id)
    except HikisupError as exc:
        from .session import record

        record(engine, button.label, "", f"拒否：{exc}")
        engine.save()


def arranging_row(rows: dict[str, list[tuple[object, ...]]]) -> str:
    """The cell of the first 調整中 dispatch among the generated rows (the demo has one)."""
    state = schema.DISPATCHES.column_number("state") - 1
    for i, row in enumerate(rows["dispatches"]):
        if row[state] == "調整中":
            return address(FIRST_DATA_ROW + i, FIRST_COLUMN)
    return SELECTED_ROWS


def _form_files(live_path: Path, expected: Path | None) -> list[str]:
    """What is wrong with the form workbook and PDF a 帳票 press left beside the workbook."""
    if expected is None:  # refused on both sides: 操作履歴 says so, and it was compared
        return []
    from openpyxl import load_workbook

    xlsx = live_path.with_name(expected.name)
    pdf = xlsx.with_suffix(".pdf")
    if not xlsx.is_file():
        return [f"{xlsx.name} was not written"]
    found: list[str] = []
    sheets = []
    for p in (xlsx, expected):
        wb = load_workbook(p, read_only=True)
        sheets.append(wb.sheetnames)
        wb.close()
    if sheets[0] != sheets[1]:
        found.append(f"{xlsx.name}: sheets {sheets[0]} != file engine {sheets[1]}")
    if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
        found.append(f"{pdf.name} was not made by Excel")
    return found


def _ask(question: str, prompt: bool) -> bool:
    if not prompt:
        print(f"  (not asked) {question}")
        return True
    return input(f"  {question} [y/n] ").strip().lower().startswith("y")


def run(workdir: Path, prompt: bool) -> int:
    import xlwings as xw

    from .addin.build import build
    from .demo import DEMO_SETTINGS, generate
    from .engine.files import FileEngine, save_atomic
    from .engine.live import LiveEngine
    from .registry import BY_ID
    from .template import build_workbook

    today = dt.date.today()
    folder = workdir / FOLDER_NAME
    (folder / FILE_ENGINE_FOLDER).mkdir(parents=True, exist_ok=True)
    addin_path = build(folder / "hikisup.xlam")
    live_path, file_path = folder / WORKBOOK_NAME, folder / FILE_ENGINE_FOLDER / WORKBOOK_NAME
    rows = generate(today)
    for path in (live_path, file_path):
        save_atomic(build_workbook(DEMO_SETTINGS, rows), path, keep_backup=False)
    print(f"add-in: {addin_path}\nworkbook: {live_path}")

    failures: list[str] = []
    app = xw.App(visible=True, add_book=False)
    try:
        addin = app.books.open(str(addin_path))
        book = app.books.open(str(live_path))
        run_action = addin.macro("RunAction")
        if not LiveEngine(book).batched:
            failures.append(
                "the add-in's batch functions (HikisupTables, HikisupRead) did not answer: "
                "every click would take one call per Excel object"
            )
        for press in plan(arranging_row(rows)):
            button = BY_ID[press.button_id]
            where = f", {press.sheet}!{press.cells} selected" if press.sheet else ""
            print(f"- {button.label} ({button.id}{where}): click OK on the message box")
            book.activate()
            if press.sheet is not None and press.cells is not None:
                sheet = book.sheets[press.sheet]
                sheet.activate()
                sheet.range(press.cells).select()
            run_action(button.id)
            form = on_file(button, press, file_path, today)
            diff = _differences(LiveEngine(book), FileEngine(file_path))
            # the batch read (HikisupRead) gives what xlwings' per-object reads give
            diff += [
                f"batch read: {d}"
                for d in _differences(LiveEngine(book), LiveEngine(book, batch=False))
            ]
            if button.arguments:
                diff += _form_files(live_path, form)
            failures += [f"{button.id}{where}: {d}" for d in diff]
            print("  same as the file engine" if not diff else f"  DIFFERENT: {diff}")
        first_link = address(FIRST_DATA_ROW, schema.ISSUES.column_number("link"))
        links = book.sheets[schema.ISSUES.sheet].range(first_link).formula
        if isinstance(links, str) and links and not links.startswith("=HYPERLINK("):
            failures.append(f"チェック結果!{first_link} is not a HYPERLINK formula: {links!r}")

        print("- a workbook that is not a hikisup workbook: click OK on the refusal")
        other = app.books.add()
        other.activate()
        before = [s.name for s in other.sheets]
        run_action(BUTTONS[0].id)
        if [s.name for s in other.sheets] != before or other.sheets[0].used_range.value:
            failures.append("a foreign workbook was changed")
        other.close()

        print("Look at Excel:")
        top = [b.label for b in BUTTONS if not b.menu] + [m.label for m in MENUS]
        checks = [
            f"Is there a 「{TAB_LABEL}」 tab with the buttons {'・'.join(top)}?",
            f"Does 「{MENUS[0].label}」 open a list of "
            f"{'・'.join(b.label for b in BUTTONS if b.menu == MENUS[0].id)}?",
            "Does hovering a button show a Japanese tooltip saying what it does?",
            f"Open a PDF in {folder}: is it the form, on A4, with Japanese text?",
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
