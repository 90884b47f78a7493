"""click classes whose built-in --help option is described in Japanese too (click only)."""

from __future__ import annotations

import click

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
