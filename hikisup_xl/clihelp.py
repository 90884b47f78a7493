"""What the click commands share: Japanese --help and a password typed at the prompt.

Everything a command shares that needs no click (dates, 年度, choices, the progress bar, the
failure funnel) is in clibase.py, which the click-free fast entry uses as well.
"""

from __future__ import annotations

import click

from .core.errors import HikisupError

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


def ask_password(value: str | None, *, confirm: bool) -> str | None:
    """`--password -` asks for it without echo, so it stays out of the shell history."""
    if value != "-":
        return value
    try:
        answer: str = click.prompt(
            "パスワード",
            hide_input=True,
            confirmation_prompt="確認のためもう一度" if confirm else False,
        )
    except click.Abort:  # Ctrl-C or the end of input at the prompt
        raise HikisupError(
            "パスワードの入力が取り消されました。何も変更していません。"
            "パスワードを入力し直して、もう一度実行してください。"
        ) from None
    return answer
