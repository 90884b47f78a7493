"""What every command shares, without click: reading a date, a 年度 and a choice as typed, the
output, a progress bar, and the one way to fail.

Both front doors use these: the click commands (cli.py) and the click-free fast entry
(entry.py), so a job's output, refusal and exit code are the same whichever parsed its line.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

from .applog import log_path, os_user, write_log
from .core.errors import HikisupError
from .engine.lock import release_all
from .termbar import Bar

T = TypeVar("T")


def echo(text: str, *, err: bool = False) -> None:
    """One line on stdout (stderr with err=True), flushed as it is written."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def parse_day(value: str | None, flag: str = "--today") -> dt.date | None:
    """A date as typed (2025-04-01, R7.4.1); a wrong one is refused naming its option."""
    from .core.wareki import parse_date

    return _typed(value, flag, parse_date)


def parse_choice(value: str | None, choices: tuple[str, ...], flag: str) -> str | None:
    """One of the option's choices, as typed; anything else is refused naming what may be typed."""
    if value is None or value in choices:
        return value
    allowed = "、".join(f"「{c}」" for c in choices)
    raise HikisupError(
        f"{flag}：「{value}」は指定できません。{allowed}のどれかを指定してください。"
    )


def parse_fiscal_year(value: str | None, flag: str = "--fy") -> int | None:
    """A 年度 as typed (2025, 令和7年度, R7)."""
    from .stats.compute import parse_fy

    return _typed(value, flag, parse_fy)


def _typed(value: str | None, flag: str, parse: Callable[[str], T]) -> T | None:
    """`parse(value)` (None stays None); what it cannot read is refused naming the option."""
    from .core.wareki import WarekiError

    if value is None:
        return None
    try:
        return parse(value)
    except WarekiError as exc:
        raise HikisupError(f"{flag}：{exc}") from None


@contextmanager
def progress_bar(enabled: bool) -> Iterator[None]:
    """A progress bar on stderr while a job reports progress (only on a terminal, never in
    --json output: stdout stays the job's result)."""
    from .progress import showing

    if not enabled or not sys.stderr.isatty():
        yield
        return
    bar = Bar(sys.stderr)
    try:
        with showing(bar.show):
            yield
    finally:
        bar.close()


def fail(action: str, file: str, exc: BaseException) -> NoReturn:
    """Show a refusal (exit 2) or an unexpected error (exit 3) in Japanese, and log it.

    Saves are atomic, so whatever failed, the workbook is as it was: the message can say so.
    The traceback goes to the log file only, never to the clerk's screen.
    """
    release_all()  # a refused job lets go of the workbooks it locked before it ends
    if isinstance(exc, HikisupError):
        write_log(os_user(), action, file, "拒否", str(exc))
        echo(f"エラー：{exc}", err=True)
        sys.exit(2)
    import traceback  # only once an unexpected error is worded (it pulls in textwrap)

    write_log(os_user(), action, file, "失敗", "".join(traceback.format_exception(exc)))
    echo(
        f"エラー：予期しない問題が発生しました（{type(exc).__name__}）。ファイルは変更していません。"
        f"詳細はログ {log_path()} にあります。",
        err=True,
    )
    sys.exit(3)
