"""A ribbon button on a workbook a command-line job holds (its lock file beside it): refused in
Japanese, naming the holder, before any dialog, and nothing in the workbook changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows
from openpyxl import load_workbook

from addin.fakexl import FakeBook
from hikisup_xl import excel
from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.lock import host_name, lock_path
from hikisup_xl.template import build_workbook

HOLDER = "窓口端末の田中"


def _book(tmp_path: Path) -> FakeBook:
    path = tmp_path / "管理.xlsx"
    build_workbook(Settings(), world_rows(base_world())).save(path)
    book = FakeBook.from_openpyxl(load_workbook(path), path.name)
    book.path = str(path)
    return book


def _hold(book: FakeBook, pid: int, user: str = HOLDER, since: float | None = None) -> Path:
    """The lock file a command-line job writes while it holds the workbook."""
    lock = lock_path(Path(str(book.path)))
    owner = {"pid": pid, "host": host_name(), "user": user, "since": since or time.time()}
    lock.write_text(json.dumps(owner), encoding="utf-8")
    return lock


def _cells(book: FakeBook) -> dict[str, list[list[object]]]:
    return {n: [r[:] for r in d.cells] for n, d in book.data.items()}


@pytest.mark.parametrize(
    "button", ["hikisupCheck", "hikisupNumber", "hikisupExportRoster", "hikisupUpgrade"]
)
def test_a_button_refuses_while_a_command_line_job_holds_the_workbook(
    button: str, tmp_path: Path
) -> None:
    book = _book(tmp_path)
    lock = _hold(book, os.getppid())  # a live process that is not this one
    before = _cells(book)
    file_before = Path(str(book.path)).read_bytes()
    excel.dispatch(button, book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts  # no dialog was shown first
    assert mode == "critical" and "使用中" in prompt and HOLDER in prompt
    assert str(os.getppid()) in prompt and "予期しない" not in prompt
    assert book._app.dialogs == [] and book.events == []
    assert _cells(book) == before  # not even a 操作履歴 row
    assert Path(str(book.path)).read_bytes() == file_before
    assert lock.exists()  # the job's lock is the job's


def test_a_lock_left_by_a_job_that_died_does_not_refuse(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    book = _book(tmp_path)
    _hold(book, int(done.stdout))  # that process has ended
    excel.dispatch("hikisupCheck", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "info" and "使用中" not in prompt


def test_a_lock_far_too_old_does_not_refuse(tmp_path: Path) -> None:
    book = _book(tmp_path)
    _hold(book, os.getppid(), since=time.time() - 24 * 3600)
    excel.dispatch("hikisupNumber", book=book, today=TODAY)
    assert book._app.alerts[-1][2] == "info"
