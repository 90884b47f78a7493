"""What every command shares: Japanese --help, and one way to fail (click and stdlib only)."""

from __future__ import annotations

import sys
import traceback
from typing import NoReturn

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
