"""The click command `upgrade` (registered on the main group)."""

from __future__ import annotations

from pathlib import Path

import click

from .clihelp import JaCommand
from .exchange.cliutil import fail, parse_today, succeed, today_option

FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("upgrade", cls=JaCommand)
@click.argument("file", type=FILE)
@today_option
@click.option(
    "--output",
    "-o",
    type=FILE,
    default=None,
    help="結果を別のファイルに保存する（元のファイルは変更しない）",
)
def upgrade_cmd(file: Path, today: str | None, output: Path | None) -> None:
    """以前の版のテンプレートで作ったブックを、最新の形式に更新します。

    足りないシート・列・入力規則・設定の行を追加します。入力済みの内容、追加した列、
    コメント・図形・画像はそのまま残ります。何をしたかは「操作履歴」に記録します。
    最新のブックでは何も変更しません。
    """
    from .engine.upgrading import open_for_upgrade
    from .upgrade import upgrade

    try:
        day = parse_today(today)
        result = upgrade(open_for_upgrade(file, output=output), day)
    except Exception as exc:
        fail("upgrade", str(file), exc)
    succeed("upgrade", str(file), result.lines)
