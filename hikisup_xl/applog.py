"""The log file beside the workbooks' own 操作履歴: every action, including refused ones."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service accounts; the log still needs a value
        return "不明"


def log_dir() -> Path:
    return Path(os.environ.get("HIKISUP_HOME") or Path.home() / ".hikisup")


def log_path() -> Path:
    return log_dir() / "hikisup.log"


def write_log(user: str, action: str, file: str, outcome: str, detail: str = "") -> None:
    """Append one line; a log that cannot be written must not stop the clerk's work."""
    line = "\t".join(
        (
            dt.datetime.now().isoformat(timespec="seconds"),
            user,
            action,
            file,
            outcome,
            detail.replace("\n", " | "),
        )
    )
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        with log_path().open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:
        pass
