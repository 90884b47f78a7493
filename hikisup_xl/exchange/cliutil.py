"""What the exchange and statistics commands share: Japanese help, dates, refusals, the log.

The main `hikisup` group registers these commands; they import nothing from `cli` at module
level, so either module can be imported first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..applog import os_user, write_log
from ..clihelp import fail as fail  # re-exported for the exchange and stats commands
from ..core.errors import HikisupError
from ..core.wareki import WarekiError, parse_date

F = TypeVar("F", bound=Callable[..., Any])


def today_option(f: F) -> F:
    return click.option(
        "--today", default=None, help="基準日（省略時は今日）。例：2025-04-01、R7.4.1"
    )(f)


def password_option(help_text: str) -> Callable[[F], F]:
    def wrap(f: F) -> F:
        return click.option("--password", default=None, metavar="パスワード", help=help_text)(f)

    return wrap


def parse_today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise HikisupError(f"--today：{exc}") from None


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


def succeed(action: str, file: str, lines: list[str]) -> None:
    write_log(os_user(), action, file, "成功", " / ".join(lines[:2]))
    for line in lines:
        click.echo(line)
