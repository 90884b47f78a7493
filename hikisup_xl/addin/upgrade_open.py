"""The ribbon's ブックの更新: the workbook open in Excel is upgraded through its file.

An upgrade adds sheets (with charts and pivot tables), columns with their input rules and the
template mark: structural edits the file engine makes part by part (engine/upgrading.py) and
the live engine cannot. So, once the clerk agrees (Excel's own yes/no box): the workbook is
saved, closed, upgraded as a file by `hikisup upgrade`'s own job, and opened again. The file
save is atomic (engine/safety.py), so a failure leaves the file as Excel saved it, and the
workbook is opened again either way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..core.errors import HikisupError
from ..engine import lock
from ..engine.live import LiveEngine
from ..jobs.result import Result
from ..registry import TITLE

QUESTION = (
    "「{name}」を今の版のテンプレートに合わせて更新します。\n\n"
    "更新のため、ブックを上書き保存して閉じ、ファイルを更新してから開き直します"
    "（入力した内容、追加した列、コメント・図形・画像はそのまま残ります。"
    "更新前のファイルは「{backup}」として残します）。\n\n"
    "続けますか？"
)
NOT_LOCAL = (
    "「{name}」はパソコン内のフォルダーに保存されていない（新しいブック、または OneDrive・"
    "SharePoint 上のブック）ため、リボンから更新できません。パソコン内のフォルダーに"
    "「名前を付けて保存」してから、もう一度実行してください。（何も変更していません）"
)
KEPT = "ブックのファイルは更新前のまま（Excelで上書き保存した状態）です。"
REOPEN_FAILED = (
    "「{name}」を開き直せませんでした（{error}）。Excel の「ファイル」→「開く」から"
    "「{path}」を開いてください。"
)


def upgrade_open_book(book: Any, path: Path | None, today: dt.date) -> Result | None:
    """Upgrade the workbook open in Excel (an xlwings Book) in place; None when the clerk
    said no (nothing is saved, closed or changed)."""
    from ..upgrade import is_current

    engine = LiveEngine(book, upgrading=True)  # refuses a workbook that is not ours
    name = engine.name
    if is_current(engine, engine.marker, engine.table_names):
        return Result("upgrade", [f"「{name}」は最新の形式です。変更はありません。"], [], {})
    if path is None:
        raise HikisupError(NOT_LOCAL.format(name=name))
    lock.refuse_if_locked(path)  # a command-line job on the file: refuse before closing it
    app = book.app
    backup = f"{path.stem}.bak{path.suffix}"
    answer = app.alert(
        QUESTION.format(name=name, backup=backup), title=TITLE, buttons="yes_no", mode="info"
    )
    if answer != "yes":
        return None
    book.save()
    book.close()
    try:
        result = _upgrade_file(path, today)
    except HikisupError as exc:
        lines = [str(exc), KEPT, _reopen(app, path)]
        raise HikisupError("\n".join(line for line in lines if line)) from None
    except BaseException:
        _reopen(app, path)  # the unexpected error is the one to report (a failed reopen is
        raise  # in the message only when it is the one thing that went wrong)
    note = _reopen(app, path)
    if note:  # upgraded all the same: say both
        result.lines.append(note)
    return result


def _upgrade_file(path: Path, today: dt.date) -> Result:
    """`hikisup upgrade` on the file, under its lock (let go however it ends)."""
    from ..engine.upgrading import open_for_upgrade
    from ..upgrade import upgrade

    try:
        return upgrade(open_for_upgrade(path), today)
    finally:
        lock.release_all_for(path)


def _reopen(app: Any, path: Path) -> str:
    """Open the workbook again in Excel; "" or what to tell the clerk when Excel could not."""
    try:
        app.books.open(str(path))
    except Exception as exc:
        return REOPEN_FAILED.format(name=path.name, error=type(exc).__name__, path=path)
    return ""
