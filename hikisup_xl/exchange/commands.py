"""The click commands `export-roster` and `import-roster` (registered on the main group)."""

from __future__ import annotations

from pathlib import Path

import click

from ..clihelp import JaCommand
from .cliutil import (
    ask_password,
    fail,
    parse_today,
    password_option,
    succeed,
    today_option,
)

FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("export-roster", cls=JaCommand)
@click.argument("file", type=FILE)
@click.argument("out", type=FILE)
@password_option(
    "開くときのパスワードを付けて暗号化する（Excelで開くときに聞かれます）。- を指定すると入力を求めます"
)
@today_option
@click.option(
    "--output",
    "-o",
    type=FILE,
    default=None,
    help="書き出しを記録した元のブックを別のファイルに保存する（元のファイルは変更しない）",
)
def export_roster_cmd(
    file: Path, out: Path, password: str | None, today: str | None, output: Path | None
) -> None:
    """登録名簿から、同意書のあるサポーターの名簿を他の実施主体へ渡すファイル（OUT）に書き出します。

    載せるのは決められた項目（登録番号・修了番号・氏名・ふりがな・性別・生年月日・住所・連絡先・資格・特技・
    同意書受領日・登録期間・状態）だけで、当事者・派遣・活動報告の内容は一切含みません。
    書き出しは元のブックの「操作履歴」に記録されます。
    """
    from ..engine.choose import open_workbook
    from .export import export_roster

    try:
        secret = ask_password(password, confirm=True)
        result = export_roster(open_workbook(file, output=output), parse_today(today), out, secret)
    except Exception as exc:
        fail("export-roster", str(file), exc)
    succeed("export-roster", str(file), result.lines)


@click.command("import-roster", cls=JaCommand)
@click.argument("file", type=FILE)
@click.argument("roster", type=click.Path(path_type=Path))
@password_option("名簿ファイルが暗号化されているときのパスワード。- を指定すると入力を求めます")
@today_option
@click.option(
    "--output",
    "-o",
    type=FILE,
    default=None,
    help="結果を別のファイルに保存する（元のファイルは変更しない）",
)
def import_roster_cmd(
    file: Path, roster: Path, password: str | None, today: str | None, output: Path | None
) -> None:
    """提供を受けた名簿（ROSTER）を登録名簿に取り込みます。

    登録番号・修了番号、次に氏名（ふりがな）と生年月日で照合し、新規の人は追加して意向再確認を「要確認」に
    します。値が違う人・照合に疑いのある人は「取込確認」シートに両方の値を並べて書き出し、
    登録名簿は書き換えません。「判断」を選んでから同じ名簿でもう一度実行すると反映します。
    壊れた・暗号化された（パスワードなし）・hikisup 以外のファイルは理由を示して取り込みません。
    """
    from ..engine.choose import open_workbook
    from .importer import import_roster, read_roster

    try:
        secret = ask_password(password, confirm=False)
        data = read_roster(roster, secret)
        engine = open_workbook(file, output=output)
        result = import_roster(engine, parse_today(today), data)
    except Exception as exc:
        fail("import-roster", str(file), exc)
    succeed("import-roster", str(file), result.lines)
