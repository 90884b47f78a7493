"""The `hikisup` command: every ribbon action on a workbook file, headless."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .applog import os_user, write_log
from .clihelp import JaGroup
from .clihelp import fail as _fail
from .core.errors import HikisupError
from .core.wareki import WarekiError, parse_date

F = TypeVar("F", bound=Callable[..., Any])


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


def today_option(f: F) -> F:
    return click.option(
        "--today", type=DATE, default=None, help="基準日（省略時は今日）。例：2025-04-01、R7.4.1"
    )(f)


def output_option(f: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=FILE,
        default=None,
        help="結果を別のファイルに保存する（元のファイルは変更しない）",
    )(f)


def run_file_action(verb: str, path: Path, today: dt.date | None, output: Path | None) -> Any:
    from .actions import ACTIONS
    from .engine.choose import open_workbook

    try:
        engine = open_workbook(path, output=output)
        result = ACTIONS[verb](engine, today or dt.date.today())
    except Exception as exc:
        _fail(verb, str(path), exc)
    write_log(os_user(), verb, str(path), "成功", " / ".join(result.lines[:1]))
    return result


@click.group(cls=JaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hikisup-xl", help="版を表示して終了します")
def main() -> None:
    """ひきこもりサポーター養成・派遣事業の管理ブックを操作します。"""


@main.command("new")
@click.argument("file", type=FILE)
@click.option("--body-name", default=None, help="実施主体名（例：甲府市）")
@click.option("--mayor-name", default=None, help="市町村長名（例：甲府市長　山田太郎）")
@click.option("--department", default=None, help="担当部署")
@click.option("--phone", default=None, help="問い合わせ先の電話番号")
@click.option("--fax", default=None, help="FAX番号")
@click.option(
    "--body-kind", type=click.Choice(["市町村", "都道府県"]), default=None, help="実施主体の種別"
)
def new_cmd(file: Path, **options: str | None) -> None:
    """テンプレートから新しい管理ブックを作り、設定シートに値を入れます。"""
    from .core.settings import Settings
    from .engine.files import save_atomic
    from .template import build_workbook

    try:
        if file.suffix.lower() != ".xlsx":
            raise HikisupError("ファイル名は .xlsx で終わるようにしてください。")
        if file.exists():
            raise HikisupError(
                f"「{file}」はすでにあります。上書きしないので、別の名前を指定してください。"
            )
        if not file.parent.exists():
            raise HikisupError(f"フォルダー「{file.parent}」がありません。")
        settings = Settings.model_validate({k: v for k, v in options.items() if v is not None})
        save_atomic(build_workbook(settings), file, keep_backup=False)
    except Exception as exc:
        _fail("new", str(file), exc)
    write_log(os_user(), "new", str(file), "成功")
    click.echo(f"新しい管理ブックを作りました：{file}")


def _echo(result: Any) -> None:
    for line in result.lines:
        click.echo(line)


@main.command("check")
@click.argument("file", type=FILE)
@today_option
@output_option
@click.option("--json", "as_json", is_flag=True, help="問題の一覧をJSONで出力する")
def check_cmd(file: Path, today: dt.date | None, output: Path | None, as_json: bool) -> None:
    """入力内容を点検し、問題を「チェック結果」シートに書き出します（各セルへのリンク付き）。

    終了コード：0 問題なし（警告のみを含む）、1 エラーあり、2 ファイルを処理できない。
    """
    result = run_file_action("check", file, today, output)
    if as_json:
        click.echo(json.dumps([i.as_dict() for i in result.issues], ensure_ascii=False, indent=1))
    else:
        _echo(result)
        for issue in result.issues[:30]:
            click.echo(f"  [{issue.severity}] {issue.location()}: {issue.message}")
        if len(result.issues) > 30:
            click.echo(f"  …ほか{len(result.issues) - 30}件")
    sys.exit(result.exit_code)


@main.command("number")
@click.argument("file", type=FILE)
@today_option
@output_option
def number_cmd(file: Path, today: dt.date | None, output: Path | None) -> None:
    """修了した受講者に修了番号を、登録が決まった人に登録番号を付けます（番号は再利用しません）。"""
    result = run_file_action("number", file, today, output)
    _echo(result)
    for issue in result.issues:
        click.echo(f"  [保留] {issue.location()}: {issue.message}")


@main.command("expiries")
@click.argument("file", type=FILE)
@today_option
@output_option
def expiries_cmd(file: Path, today: dt.date | None, output: Path | None) -> None:
    """基準日時点の状態（登録中・期限間近・期限切れ）を更新し、期限一覧を作ります。"""
    _echo(run_file_action("expiries", file, today, output))


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


def _register_feature_commands() -> None:
    # Each feature package defines its own commands; they import only click and light modules.
    from .addin.commands import addin_group
    from .exchange.commands import export_roster_cmd, import_roster_cmd
    from .forms.commands import forms_cmd
    from .stats.commands import consolidate_cmd, report_cmd
    from .upgrade_command import upgrade_cmd

    for command in (
        forms_cmd,
        export_roster_cmd,
        import_roster_cmd,
        report_cmd,
        consolidate_cmd,
        upgrade_cmd,
        addin_group,
    ):
        main.add_command(command)


_register_feature_commands()
