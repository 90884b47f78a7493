"""The `hikisup` command: every ribbon action on a workbook file, headless."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import registry
from .applog import os_user, write_log
from .clihelp import (
    JaCommand,
    JaGroup,
    ask_password,
    parse_choice,
    parse_day,
    parse_fiscal_year,
    progress_bar,
)
from .clihelp import fail as _fail
from .core.wareki import WarekiError, parse_date
from .registry import Job, Option

F = TypeVar("F", bound=Callable[..., Any])
MAX_ISSUES = 30  # issues listed on the terminal (--json gives them all)


class DateParam(click.ParamType):  # type: ignore[type-arg]  # generic only in newer stubs
    name = "日付"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except WarekiError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()
FILE = click.Path(path_type=Path, dir_okay=False)
FOLDER = click.Path(path_type=Path, file_okay=False)
TODAY_HELP = "基準日（省略時は今日）。例：2025-04-01、R7.4.1"


def today_option(f: F) -> F:
    return click.option("--today", type=DATE, default=None, help=TODAY_HELP)(f)


@click.group(cls=JaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hikisup-xl", help="版を表示して終了します")
def main() -> None:
    """ひきこもりサポーター養成・派遣事業の管理ブックを操作します。"""


@main.command("demo")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=Path("demo"))
@today_option
def demo_cmd(directory: Path, today: dt.date | None) -> None:
    """架空の市のデータでブックを作り、チェック・採番・期限確認を実行してみせます。"""
    from .demo import run_demo

    try:
        lines = run_demo(directory, today or dt.date.today())
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


def _job_values(job: Job, values: dict[str, Any]) -> dict[str, Any]:
    """The job's keyword arguments from what was typed (a password asked for at the prompt)."""
    kwargs: dict[str, Any] = {}
    for option in job.options:
        if not option.command_line or option.name not in values:
            continue
        value = values[option.name]
        if option.type == registry.PASSWORD:
            value = ask_password(value, confirm=option.confirm)
        elif option.type == registry.FISCAL_YEAR:
            value = parse_fiscal_year(value, option.cli)
        elif option.type == registry.DATE:
            value = parse_day(value, option.cli)
        elif option.choices:
            value = parse_choice(value, option.choices, option.cli or option.name)
        kwargs[option.name] = value
    return kwargs


def run_job(job: Job, values: dict[str, Any]) -> None:
    """Run a declared job from the command line: one refusal funnel, the log, the output."""
    from .excel import resolve

    file: Path | None = values.get("file") if job.workbook else None
    target = str(file if file is not None else next(iter(values.values()), ""))
    as_json = bool(values.get("as_json"))
    try:
        day = parse_day(values.get("today")) or dt.date.today()
        kwargs = _job_values(job, values)
        function = resolve(job.function)
        with progress_bar(not as_json):
            engine = _engine(job, file, values.get("output")) if file is not None else None
            result = function(engine, day, **kwargs)
    except Exception as exc:
        _fail(job.name, target, exc)
    write_log(os_user(), job.name, target, "成功", " / ".join(result.lines[:1]))
    if as_json:
        click.echo(json.dumps([i.as_dict() for i in result.issues], ensure_ascii=False, indent=1))
    else:
        for line in result.lines:
            click.echo(line)
        for issue in result.issues[:MAX_ISSUES]:
            tag = job.issue_tag or issue.severity
            click.echo(f"  [{tag}] {issue.location()}: {issue.message}")
        if len(result.issues) > MAX_ISSUES:
            click.echo(f"  …ほか{len(result.issues) - MAX_ISSUES}件")
    sys.exit(result.exit_code if job.errors_exit_1 else int(result.failed))


def _engine(job: Job, file: Path, output: Path | None) -> Any:
    if job.engine == "upgrade":
        from .engine.upgrading import open_for_upgrade

        return open_for_upgrade(file, output=output)
    from .engine.choose import open_workbook

    return open_workbook(file, output=output)


def _register_jobs() -> None:
    """Every declared job becomes a command; a job with its own command shape names it."""
    from .addin.commands import addin_group

    for job in registry.JOBS:
        if job.command:
            module, _, name = job.command.partition(":")
            command: click.Command = getattr(importlib.import_module(module), name)
        else:
            command = job_command(job)
        main.add_command(command, job.name)
    main.add_command(addin_group)


_register_jobs()
