"""What every command shares (click and stdlib only): Japanese --help, reading a date, a 年度
and a password typed at the prompt, a progress bar, and one way to fail or succeed."""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from .applog import log_path, os_user, write_log
from .core.errors import HikisupError
from .engine.lock import release_all

HELP_TEXT = "この説明を表示して終了します"


class _JapaneseHelp:
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class JaCommand(_JapaneseHelp, click.Command):
    pass


class JaGroup(_JapaneseHelp, click.Group):
    command_class = JaCommand
    group_class = type  # subgroups are JaGroups as well


def parse_day(value: str | None, flag: str = "--today") -> dt.date | None:
    """A date as typed (2025-04-01, R7.4.1); a wrong one is refused naming its option."""
    from .core.wareki import WarekiError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise HikisupError(f"{flag}：{exc}") from None


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
    from .core.wareki import WarekiError
    from .stats.compute import parse_fy

    if value is None:
        return None
    try:
        return parse_fy(value)
    except WarekiError as exc:
        raise HikisupError(f"{flag}：{exc}") from None


def ask_password(value: str | None, *, confirm: bool) -> str | None:
    """`--password -` asks for it without echo, so it stays out of the shell history."""
    if value != "-":
        return value
    answer: str = click.prompt(
        "パスワード",
        hide_input=True,
        confirmation_prompt="確認のためもう一度" if confirm else False,
    )
    return answer


@contextmanager
def progress_bar(enabled: bool) -> Iterator[None]:
    """A progress bar on stderr while a job reports progress (only on a terminal, never in
    --json output: stdout stays the job's result)."""
    from .progress import showing

    if not enabled or not sys.stderr.isatty():
        yield
        return
    state: dict[str, Any] = {"bar": None, "done": 0}

    def show(done: int, total: int, text: str) -> None:
        bar = state["bar"]
        if bar is None:
            bar = click.progressbar(length=total, label=text, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
        if bar.length != total:  # a job learns its total late (the files of a folder)
            bar.length = total
        bar.label = text
        bar.update(max(0, done - state["done"]))
        state["done"] = done

    try:
        with showing(show):
            yield
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


def succeed(action: str, file: str, lines: list[str]) -> None:
    write_log(os_user(), action, file, "成功", " / ".join(lines[:2]))
    for line in lines:
        click.echo(line)


def fail(action: str, file: str, exc: BaseException) -> NoReturn:
    """Show a refusal (exit 2) or an unexpected error (exit 3) in Japanese, and log it.

    Saves are atomic, so whatever failed, the workbook is as it was: the message can say so.
    The traceback goes to the log file only, never to the clerk's screen.
    """
    release_all()  # a refused job lets go of the workbooks it locked before it ends
    if isinstance(exc, HikisupError):
        write_log(os_user(), action, file, "拒否", str(exc))
        click.echo(f"エラー：{exc}", err=True)
        sys.exit(2)
    write_log(os_user(), action, file, "失敗", "".join(traceback.format_exception(exc)))
    click.echo(
        f"エラー：予期しない問題が発生しました（{type(exc).__name__}）。ファイルは変更していません。"
        f"詳細はログ {log_path()} にあります。",
        err=True,
    )
    sys.exit(3)
