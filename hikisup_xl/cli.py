"""The `hikisup` command: every ribbon action on a workbook file, headless."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from . import registry
from .clibase import fail as _fail
from .clibase import parse_day
from .clihelp import JaCommand, JaGroup
from .jobrun import run_job
from .registry import Job, Option

FILE = click.Path(path_type=Path, dir_okay=False)
FOLDER = click.Path(path_type=Path, file_okay=False)
TODAY_HELP = "基準日（省略時は今日）。例：2025-04-01、R7.4.1"


@click.group(cls=JaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hikisup-xl", help="版を表示して終了します")
def main() -> None:
    """ひきこもりサポーター養成・派遣事業の管理ブックを操作します。"""


@main.command("demo")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=Path("demo"))
@click.option("--today", default=None, metavar="日付", help=TODAY_HELP)
def demo_cmd(directory: Path, today: str | None) -> None:
    """架空の市のデータでブックを作り、採番・期限確認・チェック・派遣候補・年度集計・研修チラシ・整える・名簿の移行をやってみせます。"""
    from .demo import run_demo

    try:  # --today read as every job reads it (a wrong date refused in Japanese, naming it)
        lines = run_demo(directory, parse_day(today) or dt.date.today())
    except Exception as exc:
        _fail("demo", str(directory), exc)
    for line in lines:
        click.echo(line)


@main.group("template")
def template_group() -> None:
    """テンプレートブック（workbook/）の作成。"""


@template_group.command("build")
@click.option(
    "--out", type=FILE, default=None, help="出力先（既定：workbook/hikisup_template.xlsx）"
)
def template_build_cmd(out: Path | None) -> None:
    """スキーマからテンプレートブックを作り直します（何度作っても同じバイト列になります）。"""
    from .template import TEMPLATE_PATH, build_template

    try:
        path = build_template(out or TEMPLATE_PATH)
    except Exception as exc:
        _fail("template build", str(out), exc)
    click.echo(f"テンプレートを書き出しました：{path}")


# ------------------------------------------------------------------ the declared jobs
def _click_type(option: Option) -> Any:
    if option.type in (registry.OPEN_FILE, registry.SAVE_FILE):
        return FILE if option.type == registry.SAVE_FILE else click.Path(path_type=Path)
    if option.type == registry.FOLDER:
        return FOLDER
    if option.type == registry.INT:
        return int
    return str  # dates, 年度, choices and passwords are read by the job runner (Japanese refusals)


def _parameter(option: Option) -> click.Parameter:
    if not option.cli:
        return click.Argument([option.name], type=_click_type(option), metavar=option.label)
    if option.type == registry.FLAG:
        return click.Option([option.cli, option.name], is_flag=True, help=option.help)
    metavar = "パスワード" if option.type == registry.PASSWORD else option.label
    if option.choices:  # what may be typed, as click shows a choice
        metavar = "[" + "|".join(option.choices) + "]"
    return click.Option(
        [option.cli, option.name],
        type=_click_type(option),
        default=option.default,
        metavar=metavar,
        help=option.help,
    )


def job_command(job: Job) -> click.Command:
    """The `hikisup` command of a declared job: its options, --today, and for a job on a
    management workbook the FILE argument and --output."""
    params: list[click.Parameter] = []
    if job.workbook:
        params.append(click.Argument(["file"], type=FILE))
    params += [_parameter(o) for o in job.options if o.command_line]
    params.append(click.Option(["--today"], default=None, metavar="日付", help=TODAY_HELP))
    if job.workbook:
        params.append(
            click.Option(
                ["--output", "-o"],
                type=FILE,
                default=None,
                help="結果を別のファイルに保存する（元のファイルは変更しない）",
            )
        )
    if job.json_issues:
        params.append(
            click.Option(["--json", "as_json"], is_flag=True, help="問題の一覧をJSONで出力する")
        )

    def callback(**values: Any) -> None:
        run_job(job, values)

    return JaCommand(job.name, params=params, callback=callback, help=job.help)


def _register_jobs() -> None:
    """Every declared job becomes a command; a job with its own command shape names it."""
    from .addin.commands import addin_group
    from .excel import resolve

    for job in registry.JOBS:
        if job.command:
            command = resolve(job.command)
            assert isinstance(command, click.Command), job.command
        else:
            command = job_command(job)
        main.add_command(command, job.name)
    main.add_command(addin_group)


_register_jobs()
