"""Temporary files beside a workbook: named after their owner, swept when the owner is gone.

Every temporary file hikisup writes (the new workbook before the swap, the .bak before its
rename, an export before the workbook records it, a form's PDF before it replaces the last one)
is `.~hikisup-HOST-PID-RANDOM[-ROLE].xlsx` (`.pdf` for a PDF).
A job killed at the wrong moment leaves one behind, a full copy of personal data; the next job
in that folder removes those whose owner is dead (or that are far too old) and says so.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from pathlib import Path

from . import lock

PREFIX = ".~hikisup-"
SUFFIXES = (".xlsx", ".pdf")  # what hikisup writes beside a workbook (a form's PDF too)
_OWNED = re.compile(r"\.~hikisup-([0-9a-f]{8})-([0-9]+)-[0-9a-f]{8}(?:-[a-z]+)?\.(?:xlsx|pdf)")


def temp_path(directory: Path, role: str = "", suffix: str = ".xlsx") -> Path:
    """A fresh temporary name in `directory` (not created), carrying this process as its owner."""
    assert suffix in SUFFIXES, suffix  # the sweep looks for these only
    tail = f"-{role}" if role else ""
    name = f"{PREFIX}{lock.host_tag()}-{os.getpid()}-{os.urandom(4).hex()}{tail}{suffix}"
    return directory / name


def abandoned(directory: Path) -> list[Path]:
    """Our temporary files in `directory` whose owner is no longer running."""
    found: list[Path] = []
    try:
        candidates = sorted(p for suffix in SUFFIXES for p in directory.glob(PREFIX + "*" + suffix))
    except OSError:
        return found
    now = time.time()
    for path in candidates:
        try:
            if not path.is_file():
                continue
            age = now - path.stat().st_mtime
        except OSError:
            continue
        m = _OWNED.fullmatch(path.name)
        # Unnamed ones come from versions that did not name the owner: only age tells.
        owner_running = m is not None and lock.owner_alive(int(m[2]), m[1])
        if age > lock.STALE_AFTER or (m is not None and not owner_running):
            found.append(path)
    return found


def sweep(directory: Path) -> list[str]:
    """Remove abandoned temporary files; tell the clerk (stderr) and the log what went."""
    removed: list[str] = []
    for path in abandoned(directory):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path.name)
    if removed:
        from ..applog import os_user, write_log

        note = (
            f"お知らせ：中断された hikisup の処理が「{directory}」に残した一時ファイルを"
            f"{len(removed)}個削除しました。"
        )
        print(note, file=sys.stderr)
        write_log(os_user(), "一時ファイル削除", str(directory), "削除", "、".join(removed))
    return removed
