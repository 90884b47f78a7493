"""What a ribbon button runs: `RunPython "import hikisup_xl.excel as e; e.dispatch('<id>')"`.

Every click starts a new Python process, so this module imports nothing but the stdlib at
import time; xlwings, the actions and the engine are imported inside `dispatch`.

`dispatch` never raises and never exits with an error: a failing RunPython makes xlwings show
the raw traceback in a popup, which a clerk must not see. Every outcome is a Japanese message
box, a line in the log file and, when the workbook is ours, a row in its 操作履歴.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import traceback
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from .addin.arguments import XlCaller
    from .engine.live import LiveEngine, XlApp

MAX_ISSUE_LINES = 10


def dispatch(button_id: str, book: XlCaller | None = None, today: dt.date | None = None) -> None:
    """Run the action of ribbon button `button_id` on the workbook that called (or `book`)."""
    from .applog import log_path, os_user, write_log
    from .core.errors import HikisupError
    from .registry import BY_ID, TITLE

    button = BY_ID.get(button_id)
    verb = button.verb if button else button_id
    app: XlApp | None = None
    engine: LiveEngine | None = None
    name = ""
    try:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        app = book.app
        name = book.name
        if button is None:
            raise HikisupError(
                f"ボタン「{button_id}」に対応する操作がありません。アドインを入れ直してください。"
            )
        from .engine.live import LiveEngine

        engine = LiveEngine(book)  # refuses a workbook that is not ours, before touching it
        action = resolve(button.action)
        kwargs: dict[str, Any] = dict(button.params)
        notes: list[str] = []
        if button.arguments:  # what the action needs from the workbook: selection, output...
            from .addin.arguments import PROVIDERS

            provided = PROVIDERS[button.arguments](book, engine, dict(button.params))
            kwargs.update(provided.kwargs)
            notes = provided.notes
        result = action(engine, today or dt.date.today(), **kwargs)
        lines = [*result.lines, *notes]
        for issue in result.issues[:MAX_ISSUE_LINES]:
            tag = "保留" if issue.code == "number.held_back" else issue.severity
            lines.append(f"  [{tag}] {issue.location()}")
        if len(result.issues) > MAX_ISSUE_LINES:
            lines.append(f"  …ほか{len(result.issues) - MAX_ISSUE_LINES}件")
        write_log(os_user(), verb, name, "成功", " / ".join(lines[:1]))
        _alert(app, "\n".join(lines), TITLE, "info")
    except HikisupError as exc:
        write_log(os_user(), verb, name, "拒否", str(exc))
        _record(engine, button.label if button else verb, f"拒否：{exc}")
        _alert(app, str(exc), TITLE, "critical")
    except Exception as exc:
        touched = engine is not None and engine.touched  # before _record writes its row
        write_log(os_user(), verb, name, "失敗", "".join(traceback.format_exception(exc)))
        _record(engine, button.label if button else verb, f"失敗（{type(exc).__name__}）")
        if touched:
            state = (
                "ブックに途中まで書き込まれた可能性があります。"
                "保存せずに閉じれば、操作の前の状態に戻せます。"
            )
        else:
            state = "ブックのデータは変更していません。"
        _alert(
            app or _active_app(),
            f"予期しない問題が発生したため、操作を中止しました（{type(exc).__name__}）。\n"
            f"{state}\n詳細はログ {log_path()} にあります。",
            TITLE,
            "critical",
        )


def resolve(action: str) -> Callable[..., Any]:
    """A button's action: a key of hikisup_xl.actions.ACTIONS, or "package.module:function"
    (imported here, at the click, so that this module stays stdlib-only)."""
    from .registry import is_import_path

    if is_import_path(action):
        import importlib

        module, _, name = action.partition(":")
        found: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return found
    from .actions import ACTIONS

    return ACTIONS[action]


def _record(engine: LiveEngine | None, action: str, result: str) -> None:
    """One 操作履歴 row for a refused or failed action (only in a workbook that is ours)."""
    if engine is None:
        return
    try:
        from .applog import os_user
        from .core import schema

        engine.discard()
        now = dt.datetime.now().replace(microsecond=0)
        engine.append_rows(schema.LOG, [(now, os_user(), action, "", result, engine.name)])
        engine.save()
    except Exception:  # the log file already has it; a broken workbook must not hide the alert
        pass


def _active_app() -> XlApp | None:
    """The Excel that is running, when the caller's own could not be found."""
    try:
        import xlwings as xw

        active: XlApp | None = xw.apps.active
        return active
    except Exception:  # no Excel (or no xlwings engine) on this machine
        return None


def _alert(app: XlApp | None, text: str, title: str, mode: str) -> None:
    if app is None:
        return  # no Excel to show it in (not called from Excel): the log file has it
    with contextlib.suppress(Exception):  # a message that cannot be shown is in the log
        app.alert(text, title=title, mode=mode)
