"""The click commands `report` and `consolidate` (registered on the main group)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..clihelp import JaCommand
from ..core.errors import HikisupError
from ..core.wareki import WarekiError
from ..exchange.cliutil import (
    ask_password,
    fail,
    parse_today,
    password_option,
    succeed,
    today_option,
)

FILE = click.Path(path_type=Path, dir_okay=False)


def _fy(value: str | None, today: dt.date) -> int:
    from ..core.wareki import fiscal_year
    from .compute import parse_fy

    if value is None:
        return fiscal_year(today)
    try:
        return parse_fy(value)
    except WarekiError as exc:
        raise HikisupError(f"--fy：{exc}") from None


@click.command("report", cls=JaCommand)
@click.argument("file", type=FILE)
@click.option(
    "--fy", default=None, help="集計する年度（例：2025、令和7年度、R7）。省略時は基準日の年度"
)
@click.option(
    "--out",
    type=FILE,
    default=None,
    help="都道府県へ提出するファイル（件数だけ、小さい数は秘匿）も書き出す",
)
@click.option(
    "--suppress",
    "threshold",
    type=int,
    default=None,
    help="提出用ファイルで、この数未満の件数・人数を秘匿する（0で秘匿しない。省略時は設定「秘匿基準」、既定3）",
)
@password_option("提出用ファイルを開くときのパスワード。- を指定すると入力を求めます")
@today_option
@click.option(
    "--output",
    "-o",
    type=FILE,
    default=None,
    help="結果を別のファイルに保存する（元のファイルは変更しない）",
)
def report_cmd(
    file: Path,
    fy: str | None,
    out: Path | None,
    threshold: int | None,
    password: str | None,
    today: str | None,
    output: Path | None,
) -> None:
    """年度の集計（養成・登録・派遣・活動・事後研修）を「集計」シートに作ります。

    表・グラフと、表から作り直せるピボットテーブルを入れます。--out を付けると、
    都道府県へ提出するファイル（件数だけ。--suppress 未満の数は秘匿）も書き出します。
    """
    from ..engine.choose import open_file_engine
    from .report import report

    try:
        day = parse_today(today)
        year = _fy(fy, day)
        secret = ask_password(password, confirm=True) if out is not None else None
        engine = open_file_engine(file, output=output)
        result = report(engine, day, year, out=out, threshold=threshold, password=secret)
    except Exception as exc:
        fail("report", str(file), exc)
    succeed("report", str(file), result.lines)


@click.command("consolidate", cls=JaCommand)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.argument("out", type=FILE)
@click.option("--fy", default=None, help="集約する年度（省略時はいちばん多い年度）")
@click.option("--body-name", default="", help="集約する都道府県の名前（表題に入ります）")
@password_option(
    "暗号化された提出ファイルのパスワード（全ファイル共通）。- を指定すると入力を求めます"
)
@today_option
def consolidate_cmd(
    directory: Path,
    out: Path,
    fy: str | None,
    body_name: str,
    password: str | None,
    today: str | None,
) -> None:
    """フォルダー内の市町村の提出ファイル（hikisup report --out）を集約し、OUT に書き出します。

    実施主体別と合計の表・グラフ・ピボットテーブルを作ります。読めないファイルや対象外のファイルは
    「受領ファイル」シートに理由を書き、残りで集約します。
    終了コード：0 すべて集約、1 エラーのファイルあり（残りは集約済み）、2 集約できない。
    """
    from ..exchange import xlsxout
    from .compute import parse_fy
    from .consolidate import consolidate, has_errors, summary_lines
    from .consolidate_book import build_workbook

    try:
        day = parse_today(today)
        year = None
        if fy is not None:
            try:
                year = parse_fy(fy)
            except WarekiError as exc:
                raise HikisupError(f"--fy：{exc}") from None
        xlsxout.refuse_existing(out)
        secret = ask_password(password, confirm=False)
        result = consolidate(directory, secret, year, skip=[out])
        xlsxout.save_exchange(build_workbook(result, body_name, day), out, day, None)
    except Exception as exc:
        fail("consolidate", str(directory), exc)
    succeed("consolidate", str(directory), summary_lines(result, out))
    sys.exit(1 if has_errors(result) else 0)
