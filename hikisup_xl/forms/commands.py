"""`hikisup forms`: the click command (registered on the main group by hikisup_xl.cli).

This module does not import hikisup_xl.cli at import time (cli imports it to register the
command); the shared error funnel is looked up when the command runs.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import click

from ..core.wareki import WarekiError, parse_date

FILE = click.Path(path_type=Path, dir_okay=False)
HELP_OPTION = "この説明を表示して終了します"


class JaCommand(click.Command):
    """A command whose built-in --help option is described in Japanese."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command(
    "forms",
    cls=JaCommand,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("kind", metavar="帳票")
@click.argument("file", type=FILE, metavar="ブック.xlsx")
@click.argument("ids", nargs=-1, metavar="[番号...]")
@click.option(
    "--expiring",
    is_flag=True,
    help="登録期間が期限警告日数以内に終わる（終わった）人の分を作る（期限一覧と同じ範囲）",
)
@click.option("--blank", is_flag=True, help="空欄の様式を作る（配布・手書き用）")
@click.option(
    "--outside",
    is_flag=True,
    help="登録証・登録名簿：基準日に登録期間外の人も含める（「期間外」と印字します）",
)
@click.option(
    "--out",
    type=FILE,
    metavar="出力.xlsx",
    default=None,
    help="出力先の .xlsx（省略時：ブックと同じフォルダーの「ブック名_帳票名.xlsx」）",
)
@click.option("--pdf", is_flag=True, help="同じ名前のPDFも作る（LibreOffice を使います）")
@click.option("--seal-box", is_flag=True, help="「印」を四角で囲む（公印を押す位置の目安）")
@click.option(
    "--today",
    metavar="日付",
    default=None,
    callback=_date,
    help="基準日（省略時は今日）。例：2025-04-01、R7.4.1",
)
def forms_cmd(
    kind: str,
    file: Path,
    ids: tuple[str, ...],
    expiring: bool,
    blank: bool,
    outside: bool,
    out: Path | None,
    pdf: bool,
    seal_box: bool,
    today: dt.date | None,
) -> None:
    """様式（資料2〜9）と案内文を、A4で印刷できるExcelファイル（とPDF）に書き出します。

    \b
    帳票（日本語名・英語名・資料番号のどれでも指定できます）と、番号に指定するもの:
      参加申込書（application・資料2）：研修ID
      研修チラシ（flyer・チラシ）：研修ID（表面のチラシと裏面の参加申込書を1つのファイルに）
      修了証書（certificate・資料3）：修了番号
      登録申込書（registration・資料4）：登録番号
      同意書（consent・資料5）：登録番号
      登録証（card・資料6）：登録番号
      登録名簿（roster・資料7）：登録番号
      当事者同意書（case-consent・資料8）：ケースID
      活動報告書（report・資料9）：報告ID
      更新案内（renewal）：登録番号
      研修案内（invitation）：研修IDと登録番号

    番号を省略すると対象の全員の分を作ります（修了証書は修了番号のある全員、登録証・登録名簿は
    基準日に登録期間内の全員、登録申込書・同意書は登録番号を待っている申込、更新案内は期限間近の人、
    研修案内はこれからの継続研修・交流会を活動できる全員に、参加申込書・研修チラシはこれからの養成研修）。
    開催日が基準日より前の研修の研修案内は作りません。
    活動報告書は報告IDを指定してください。当事者同意書は通常は空欄で作ります。

    例：hikisup forms 修了証書 管理.xlsx 001 002 --pdf
    """
    from ..applog import os_user, write_log
    from ..clibase import fail as _fail  # the shared funnel: Japanese message, log, exit code
    from ..clibase import progress_bar
    from ..engine import safety
    from ..engine.choose import open_workbook
    from .action import default_output, forms
    from .select import Selection, split_ids

    day = today or dt.date.today()
    try:
        target = out or default_output(file, kind)
        check = safety.inspect_file(file)
        open_in_excel = safety.lock_file(file).exists()
        record = not check.would_lose and not open_in_excel
        # A workbook we must not re-save is only read: point the engine's output elsewhere
        # (never written) so that it does not refuse to open it.
        unused = Path(tempfile.gettempdir()) / "hikisup-unused.xlsx"
        with progress_bar(True):  # on stderr, and only on a terminal
            engine = open_workbook(file, output=None if record else unused)
            result: Any = forms(
                engine,
                day,
                kind,
                Selection(split_ids(ids), expiring, blank, outside),
                target,
                pdf,
                seal_box=seal_box,
                record=record,
            )
    except Exception as exc:
        _fail("forms", str(file), exc)
    write_log(os_user(), "forms", str(file), "成功", " / ".join(result.lines[:2]))
    for line in result.lines:
        click.echo(line)
    if not record:
        reason = "Excelで開かれている" if open_in_excel else "保存すると失われるものを含む"
        click.echo(
            f"（ブックが{reason}ため、操作履歴シートには記録していません。ログファイルには記録しました）"
        )


if __name__ == "__main__":  # pragma: no cover - `python -m hikisup_xl.forms.commands ...`
    forms_cmd()
