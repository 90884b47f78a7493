"""Asking a ribbon job's options with Excel's own dialogs (imported only by a button that asks).

Each dialog returns False when the clerk cancels it; then `DialogCancelledError` is raised and the job
does nothing and records nothing. The calls are Excel's object model through xlwings' `app.api`
(Windows): GetOpenFilename, GetSaveAsFilename, InputBox (Type 1 number, 2 text), FileDialog(4)
(the folder picker) and MsgBox-style yes/no through xlwings' `alert`.

A password is asked with InputBox, which shows what is typed: Excel has no masked input box
and a VBA user form would put logic into the add-in. The value goes to the job only: never to
the log, the 操作履歴, a file name or a command line (RunPython passes only the button id).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..core.errors import HikisupError
from ..registry import (
    FISCAL_YEAR,
    FLAG,
    FOLDER,
    INT,
    OPEN_FILE,
    PASSWORD,
    SAVE_FILE,
    TITLE,
    XLSX_FILTER,
    Button,
    Option,
)

FOLDER_PICKER = 4  # msoFileDialogFolderPicker
PICKED = -1  # FileDialog.Show when the clerk pressed OK
TEXT_INPUT, NUMBER_INPUT = 2, 1  # Application.InputBox Type
NOTHING_DONE = "何もしていません。"


class DialogCancelledError(Exception):
    """The clerk cancelled a dialog: the job does not run."""


def ask_all(app: Any, button: Button, workbook: Path | None, today: dt.date) -> dict[str, Any]:
    """Every option the button's job asks on the ribbon, in declaration order."""
    answers: dict[str, Any] = {}
    for option in button.asks:
        if option.ask_if and not answers.get(option.ask_if):
            continue
        answers[option.name] = ask(app, button, option, workbook, today)
    return answers


def ask(app: Any, button: Button, option: Option, workbook: Path | None, today: dt.date) -> Any:
    """One option's answer; a dialog Excel cannot show (Excel for Mac's object model through
    xlwings differs) is a plain refusal, never a traceback."""
    try:
        return _ask(app, button, option, workbook, today)
    except (DialogCancelledError, HikisupError):
        raise
    except Exception:
        raise HikisupError(
            "Excel の入力画面を開けませんでした（このボタンは Windows 版の Excel で使えます）。"
            f"コマンド hikisup {button.verb} で同じことができます。" + NOTHING_DONE
        ) from None


def _ask(app: Any, button: Button, option: Option, workbook: Path | None, today: dt.date) -> Any:
    title = option.title or option.label
    if option.type == OPEN_FILE:
        file_filter = option.file_filter or XLSX_FILTER
        return Path(_answer(app.api.GetOpenFilename(FileFilter=file_filter, Title=title)))
    if option.type == SAVE_FILE:
        return _save_path(app, button, option, workbook, today)
    if option.type == FOLDER:
        picker = app.api.FileDialog(FOLDER_PICKER)
        picker.Title = title
        if workbook is not None:
            picker.InitialFileName = str(workbook.parent) + "\\"
        if picker.Show() != PICKED:
            raise DialogCancelledError
        return Path(str(picker.SelectedItems(1)))
    if option.type == FLAG:
        answer = app.alert(title, title=TITLE, buttons="yes_no_cancel")
        if answer not in ("yes", "no"):
            raise DialogCancelledError
        return answer == "yes"
    if option.type == PASSWORD:
        return _password(app, option, title)
    if option.type == INT:
        value = _answer(app.api.InputBox(Prompt=title, Title=TITLE, Type=NUMBER_INPUT))
        return int(float(value))
    text = str(_answer(app.api.InputBox(Prompt=title, Title=TITLE, Default="", Type=TEXT_INPUT)))
    if option.type == FISCAL_YEAR:
        return _fiscal_year(text)
    return text.strip()


def _answer(value: Any) -> Any:
    """What a dialog returned; False (or nothing) means cancelled."""
    if value is False or value is None:
        raise DialogCancelledError
    return value


def _save_path(
    app: Any, button: Button, option: Option, workbook: Path | None, today: dt.date
) -> Path:
    """Where to write (Excel's Save As dialog, which writes nothing itself). It starts beside
    the workbook: with the option's own file name, else "ブック名_ボタン名_日付.xlsx"."""
    if isinstance(option.default, str):
        initial = Path(option.default)
        if workbook is not None:
            initial = workbook.parent / initial
    else:
        name = f"{button.label}_{today:%Y%m%d}.xlsx"
        initial = (
            workbook.parent / f"{workbook.stem}_{name}" if workbook is not None else Path(name)
        )
    title = option.title or option.label
    chosen = _answer(
        app.api.GetSaveAsFilename(InitialFileName=str(initial), FileFilter=XLSX_FILTER, Title=title)
    )
    path = Path(str(chosen))
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _password(app: Any, option: Option, title: str) -> str | None:
    first = str(_answer(app.api.InputBox(Prompt=title, Title=TITLE, Default="", Type=TEXT_INPUT)))
    if not first:
        return None
    if option.confirm:
        again = _answer(
            app.api.InputBox(
                Prompt="確認のため、同じパスワードをもう一度入れてください。",
                Title=TITLE,
                Default="",
                Type=TEXT_INPUT,
            )
        )
        if str(again) != first:
            raise HikisupError("2回入れたパスワードが一致しません。" + NOTHING_DONE)
    return first


def _fiscal_year(text: str) -> int | None:
    from ..core.wareki import WarekiError
    from ..stats.compute import parse_fy

    if not text.strip():
        return None  # the 年度 of today
    try:
        return parse_fy(text)
    except WarekiError as exc:
        raise HikisupError(f"{exc}{NOTHING_DONE}") from None
