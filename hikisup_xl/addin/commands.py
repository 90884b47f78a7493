"""`hikisup addin build|install`: the click group, registered on the main CLI by cli.py.

cli.py imports this module to register the group, so this module does not import cli.py at
import time; the shared error funnel is `clibase.fail`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from ..applog import os_user, write_log
from ..clibase import fail as _fail
from ..clihelp import JaGroup

FILE = click.Path(path_type=Path, dir_okay=False)
DIRECTORY = click.Path(path_type=Path, file_okay=False)


@click.group("addin", cls=JaGroup)
def addin_group() -> None:
    """Excel のリボン用アドイン（workbook/hikisup.xlam）の作成と配置。"""


@addin_group.command("build")
@click.option("--out", type=FILE, default=None, help="出力先（既定：workbook/hikisup.xlam）")
def build_cmd(out: Path | None) -> None:
    """macros/ のVBAとリボン定義からアドインを作り直します（何度作っても同じバイト列になります）。"""
    from .build import ADDIN_PATH, build, write_ribbon

    target = out or ADDIN_PATH
    try:
        changed = write_ribbon()
        path = build(target)
    except Exception as exc:
        _fail("addin build", str(target), exc)
    if changed:
        click.echo("リボン定義 macros/customUI.xml を登録内容から作り直しました。")
    click.echo(f"アドインを書き出しました：{path}")


@addin_group.command("install")
@click.option(
    "--file",
    "source",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="配置するアドイン（既定：macros/ から作ったばかりのもの）",
)
@click.option(
    "--dir",
    "directory",
    type=DIRECTORY,
    default=None,
    help="配置先のフォルダー（既定：Excel の XLSTART フォルダー）",
)
def install_cmd(source: Path | None, directory: Path | None) -> None:
    """アドインを Excel が起動時に読み込むフォルダーに配置します（Windows・Mac）。"""
    from .install import elsewhere_message, install, next_steps, startup_dir

    target_dir = directory or startup_dir()
    if target_dir is None:
        click.echo(elsewhere_message(), err=True)
        write_log(os_user(), "addin install", "", "拒否", "no Excel start-up folder here")
        sys.exit(2)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if source is None:
                from .build import build

                source = build(Path(tmp) / "hikisup.xlam")
            path = install(source, target_dir)
    except Exception as exc:
        _fail("addin install", str(target_dir), exc)
    write_log(os_user(), "addin install", str(path), "成功")
    click.echo(f"アドインを配置しました：{path}")
    if directory is None:
        click.echo(next_steps())
