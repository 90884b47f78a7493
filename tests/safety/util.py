"""Shared helpers of the save-protocol tests: a real workbook, folder states, a real job."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from conftest import base_world, world_rows, write_workbook
from python_calamine import CalamineWorkbook

DAY = "2026-11-26"

DirState = dict[str, tuple[bytes, int]]


def make_workbook(path: Path) -> Path:
    return write_workbook(path, world_rows(base_world()))


def dir_state(directory: Path) -> DirState:
    """Every file in `directory` with its bytes and modification time."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir() if p.is_file()
    }


def strays(directory: Path) -> list[str]:
    """Temporary copies and lock files hikisup may leave beside a workbook."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".~hikisup-"))


def history(path: Path) -> list[list[object]]:
    """The 操作履歴 rows (header dropped) of a workbook file, read by calamine."""
    book = CalamineWorkbook.from_path(str(path))
    return [r for r in book.get_sheet_by_name("操作履歴").to_python()[1:] if any(r)]


def readable(path: Path) -> bool:
    """A complete .xlsx: every zip member's CRC checks out and calamine reads its sheets."""
    try:
        with zipfile.ZipFile(path) as zf:
            if zf.testzip() is not None:
                return False
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    except Exception:
        return False
    return True


def start(
    *args: object, pause: str | None = None, signal: Path | None = None, seconds: float = 30
) -> subprocess.Popen[str]:
    """Start a real `hikisup` job (python -m hikisup_xl) in a subprocess."""
    env = dict(os.environ)
    env.pop("HIKISUP_TEST_PAUSE", None)
    if pause is not None and signal is not None:
        env.update(
            HIKISUP_TEST_PAUSE=pause,
            HIKISUP_TEST_PAUSE_SIGNAL=str(signal),
            HIKISUP_TEST_PAUSE_SECONDS=str(seconds),
        )
    return subprocess.Popen(
        [sys.executable, "-m", "hikisup_xl", *[str(a) for a in args]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_for(signal: Path, proc: subprocess.Popen[str], timeout: float = 60) -> bool:
    """Wait until the job reaches its pause point (True) or ends first (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if signal.exists():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError("the job never reached its pause point")
