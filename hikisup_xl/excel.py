"""What a ribbon button runs: `RunPython "import hikisup_xl.excel as e; e.dispatch('<id>')"`.

Every click starts a new Python process, so this module imports nothing but the stdlib at
import time; xlwings, the jobs and the engine are imported inside `dispatch`.

`dispatch` never raises and never exits with an error: a failing RunPython makes xlwings show
the raw traceback in a popup, which a clerk must not see. Every outcome is a Japanese message
box, a line in the log file and, when the workbook is ours, a row in its 操作履歴.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from .addin.arguments import XlCaller
    from .engine.live import LiveEngine, XlApp

MAX_ISSUE_LINES = 10
STATUS_EVERY = 1.0  # seconds between two status bar messages after the first


def _clock() -> float:
    import time

    return time.monotonic()


def dispatch(button_id: str, book: XlCaller | None = None, today: dt.date | None = None) -> None:
    """Run the job of ribbon button `button_id` on the workbook that called (or `book`)."""
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
        local = _local_file(book)
        # `new` makes a workbook: the one that called is neither read nor changed.
        makes_new = button.job.engine == "none"
        if local is not None and not makes_new:  # a command-line job holds the file: refuse
            from .engine.lock import refuse_if_locked

            refuse_if_locked(local)
        day = today or dt.date.today()
        if button.job.engine == "upgrade":  # structural: done on the file, see upgrade_open
            from .addin.upgrade_open import upgrade_open_book

            with _status_bar(app, button.label):
                upgraded = upgrade_open_book(book, local, day)
            if upgraded is not None:
                write_log(os_user(), verb, name, "成功", " / ".join(upgraded.lines[:1]))
                _alert(app, "\n".join(upgraded.lines), TITLE, "info")
            return
        from .engine.live import LiveEngine

        if not makes_new:  # refuses a workbook that is not ours, before touching it
            engine = LiveEngine(book)
        kwargs: dict[str, Any] = dict(button.params)
        notes: list[str] = []
        if button.arguments:  # what the job needs from the workbook: selection, output...
            from .addin.arguments import PROVIDERS
            from .addin.dialogs import DialogCancelledError

            assert engine is not None, "a provider reads the workbook that called"
            try:
                provided = PROVIDERS[button.arguments](book, engine, dict(button.params))
            except DialogCancelledError:
                return  # "no" to a provider's question does nothing and records nothing
            kwargs.update(provided.kwargs)
            notes = provided.notes
        elif button.asks:  # what the clerk chooses: files, a folder, a 年度, a password
            from .addin.dialogs import DialogCancelledError, ask_all

            try:
                kwargs.update(ask_all(app, button, local, day))
            except DialogCancelledError:
                return  # cancelling does nothing and records nothing
        action = resolve(button.action)
        with _status_bar(app, button.label):
            result = action(engine, day, **kwargs)
        lines = [*result.lines, *notes]
        created = getattr(result, "created", None)
        if created is not None:  # a new workbook: the clerk goes on in it
            lines += _open_created(app, created)
        tag = button.job.issue_tag
        for issue in result.issues[:MAX_ISSUE_LINES]:
            lines.append(f"  [{tag or issue.severity}] {issue.location()}")
        if len(result.issues) > MAX_ISSUE_LINES:
            lines.append(f"  …ほか{len(result.issues) - MAX_ISSUE_LINES}件")
        write_log(os_user(), verb, name, "成功", " / ".join(lines[:1]))
        _alert(app, "\n".join(lines), TITLE, "info")
    except HikisupError as exc:
        write_log(os_user(), verb, name, "拒否", str(exc))
        _record(engine, button.label if button else verb, f"拒否：{exc}")
        _alert(app, str(exc), TITLE, "critical")
    except Exception as exc:
        import traceback  # only once an unexpected error is logged (it pulls in textwrap)

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


@contextlib.contextmanager
def _status_bar(app: XlApp | None, label: str) -> Iterator[None]:
    """Excel's status bar shows the job's progress while it runs; Excel's own text comes back
    afterwards (StatusBar = False), whatever happened."""
    from .progress import showing

    api = getattr(app, "api", None)
    if api is None:
        yield
        return

    shown: list[float] = []  # when the status bar was last written

    def show(done: int, total: int, text: str) -> None:
        # Each write is a round trip to Excel: the first message at once, then at most one
        # a second (a click that takes less than a second writes it once, restores it once).
        now = _clock()
        if shown and now - shown[-1] < STATUS_EVERY:
            return
        shown.append(now)
        with contextlib.suppress(Exception):  # a status bar is never worth failing a job for
            api.StatusBar = f"{label}：{text}（{done}/{total}）"

    try:
        with showing(show):
            yield
    finally:
        with contextlib.suppress(Exception):
            api.StatusBar = False


def _open_created(app: Any, path: Path) -> list[str]:
    """Open a workbook the job made in Excel; what to tell the clerk when Excel could not."""
    try:
        app.books.open(str(path))
    except Exception as exc:
        return [
            f"「{path.name}」を Excel で開けませんでした（{type(exc).__name__}）。"
            f"「ファイル」→「開く」から「{path}」を開いてください。"
        ]
    return []


def _local_file(book: XlCaller) -> Path | None:
    """The workbook's file on this PC (where the dialogs start), if it has one."""
    try:
        full = str(book.fullname or "")
    except Exception:  # a OneDrive URL xlwings cannot map
        return None
    from pathlib import Path

    path = Path(full) if full and "://" not in full else None
    return path if path is not None and path.is_absolute() else None


def resolve(action: str) -> Callable[..., Any]:
    """A job's function, "package.module:function" (imported here, at the click, so that this
    module stays stdlib-only)."""
    import importlib

    module, _, name = action.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def _record(engine: LiveEngine | None, action: str, result: str) -> None:
    """One 操作履歴 row for a refused or failed action (only in a workbook that is ours)."""
    if engine is None:
        return
    try:
        from .session import record

        engine.discard()
        record(engine, action, "", result)
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
