"""Put the add-in where Excel opens it at start-up (its XLSTART folder), as xlwings does.

xlwings' own `xlwings addin install` asks a running (or started) Excel for
`Application.StartupPath`. This module uses the same folders without starting Excel:

- Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART (the user's start-up folder, a trusted location by
  default, so the add-in's macros run without a prompt);
- macOS: ~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/
  Excel (RunPython on a Mac also needs `xlwings runpython install` once).

Anywhere else there is no Excel: `install` refuses and says what to do instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ..core.errors import HikisupError
from ..engine import safety

ADDIN_NAME = "hikisup.xlam"
MAC_STARTUP = (
    Path("Library")
    / "Group Containers"
    / "UBF8T346G9.Office"
    / "User Content.localized"
    / "Startup.localized"
    / "Excel"
)


def startup_dir(
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    home: Path | None = None,
) -> Path | None:
    """Excel's start-up folder for this user, or None where there is no desktop Excel."""
    if platform.startswith("win"):
        appdata = environ.get("APPDATA")
        if not appdata:
            return None
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (home or Path.home()) / MAC_STARTUP
    return None


def elsewhere_message(platform: str = sys.platform) -> str:
    return (
        f"この環境（{platform}）には Excel がないため、アドインを配置できません。"
        "Windows または Mac で `hikisup addin install` を実行してください。"
        "手作業で配置する場合は、workbook/hikisup.xlam を Excel の XLSTART フォルダー"
        "（Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART）にコピーするか、"
        "Excel の［ファイル］→［オプション］→［アドイン］→［設定］→［参照］で選んでください。"
        "配置先を指定するには --dir を使います。"
    )


def next_steps(platform: str = sys.platform) -> str:
    if platform == "darwin":
        return (
            "Excel を終了（⌘Q）してから起動し直すと、リボンに「サポーター事業」タブが表示されます。"
            "Mac では最初に一度 `xlwings runpython install` を実行してください。"
        )
    return "Excel を起動し直すと、リボンに「サポーター事業」タブが表示されます。"


def install(source: Path, directory: Path) -> Path:
    """Copy `source` into `directory` as hikisup.xlam through the one atomic save (the old
    copy is replaced only once the new one is complete and checked)."""
    data = source.read_bytes()
    target = directory / ADDIN_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise HikisupError(
            f"「{directory}」を作れません。フォルダーへの書き込み権限を確認してください。"
        ) from None

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    safety.save_beside(target, write, keep_backup=False)
    return target
