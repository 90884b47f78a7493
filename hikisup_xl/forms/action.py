"""The forms action (ribbon button and `hikisup forms`): workbook rows → A4 sheets (→ PDF).

It reads the clerk's workbook through the Engine and never changes it, except for one row in
操作履歴 that records the export (who, when, which form, how many, to which file).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.book import Book, load_book
from ..core.errors import HikisupError
from ..core.issues import ERROR, Issue
from ..engine.protocol import Engine
from ..engine.safety import save_beside
from ..jobs.result import Result
from ..progress import report
from ..session import read_settings, workbook_location
from ..session import record as record_history
from .kinds import Plan, find_kind, reads
from .pdf import Converter, converter_for, print_book
from .records import Context
from .render import render
from .select import Selection

ACTION = "帳票作成"
SHOWN_ISSUES = 5


def default_output(workbook: Path, kind: str) -> Path:
    """Beside the workbook: <stem>_<帳票名>.xlsx."""
    return workbook.with_name(f"{workbook.stem}_{find_kind(kind).name}.xlsx")


def forms(
    engine: Engine,
    today: dt.date,
    kind: str,
    selection: Selection | None = None,
    out: Path | None = None,
    pdf: bool = False,
    *,
    seal_box: bool = False,
    record: bool = True,
    converter: Converter | None = None,
) -> Result:
    """Write the chosen form for the selected rows to `out` (and its PDF beside it).

    Without a selection: every applicable row; without `out`: beside the workbook.
    `record=False` leaves the workbook untouched (no 操作履歴 row): for a workbook open in
    Excel or holding parts a re-save would drop; the caller logs to the log file instead.
    """
    form = find_kind(kind)
    selection = selection or Selection()
    source = _workbook_path(engine)
    if out is None:
        if source is None:
            raise HikisupError(NOT_SAVED_LOCALLY)
        out = default_output(source, kind)
    if out.suffix.lower() != ".xlsx":
        raise HikisupError(f"出力先「{out.name}」は .xlsx で終わる名前にしてください。")
    if not out.parent.is_dir():
        raise HikisupError(f"出力先のフォルダー「{out.parent}」がありません。")
    if source is not None and out.resolve() == source.resolve():
        raise HikisupError("出力先に管理ブック自身は指定できません。別の名前にしてください。")
    # Steps: read, lay out, save (, PDF) (, 操作履歴); the PDF is the long one.
    total = 3 + (1 if pdf else 0) + (1 if record else 0)
    report(0, total, "ブックを読み込んでいます")
    settings, _raw = read_settings(engine)
    printer = (converter or converter_for(engine)) if pdf else None  # fail before writing
    specs = reads(form, selection)
    book = (
        load_book(engine.read_table, settings, today, specs) if specs else Book(settings, {}, today)
    )
    report(1, total, f"{form.name}を作っています")
    plan = form.build(book, selection, Context(settings, today, seal_box))

    wb = render(plan.sheets, title=f"{form.name}（{form.seed or 'お知らせ'}）")
    report(2, total, f"{form.name}（{len(plan.sheets)}枚）を保存しています")
    save_beside(out, wb.save, keep_backup=False)
    pdf_path = out.with_suffix(".pdf") if printer else None
    if printer is not None and pdf_path is not None:
        report(3, total, f"PDFを作っています（{len(plan.sheets)}枚）")
        print_book(printer, wb, out, pdf_path)

    what = selection.describe() if plan.rows or selection.blank else "空欄"
    count = f"{form.name}{len(plan.sheets)}枚（{what}）"
    files = out.name + (f"、{pdf_path.name}" if pdf_path else "")
    if record:
        report(total - 1, total, "操作履歴に記録しています")
        record_history(engine, ACTION, count, files)
        engine.save()
    report(total, total, "完了")
    lines = [f"{form.name}を{len(plan.sheets)}枚作成しました：{out}"]
    if pdf_path is not None and printer is not None:
        lines.append(f"PDF（{printer.name}で作成）：{pdf_path}")
    lines += plan.notes
    lines += _unreadable(book, plan)
    return Result("forms", lines, [], {"sheets": len(plan.sheets), "rows": len(plan.rows)})


NOT_SAVED_LOCALLY = (
    "ブックの保存場所がわからないため、帳票の出力先を決められません。"
    "ブックをパソコン内のフォルダーに保存してから実行してください。"
)


def _workbook_path(engine: Engine) -> Path | None:
    """The workbook's file (the session layer knows where it is)."""
    return workbook_location(engine)


def _unreadable(book: Book, plan: Plan) -> list[str]:
    """Cells of the printed rows that could not be read (so were printed blank)."""
    printed = {(book[key].spec.sheet, book[key].raw.row_numbers[i]) for key, i in plan.rows}
    bad: list[Issue] = [
        i
        for i in book.parse_issues
        if i.severity == ERROR and i.code.startswith("format.") and (i.sheet, i.row) in printed
    ]
    if not bad:
        return []
    lines = [
        f"注意：読み取れない値が{len(bad)}件あり、空欄で印刷しました"
        "（hikisup check で確認し、直してから作り直してください）。"
    ]
    bad.sort(key=lambda i: (i.sheet, i.row or 0))
    lines += [f"  {i.location()}：{i.message}" for i in bad[:SHOWN_ISSUES]]
    if len(bad) > SHOWN_ISSUES:
        lines.append(f"  …ほか{len(bad) - SHOWN_ISSUES}件")
    return lines
