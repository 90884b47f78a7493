"""#10.1/#10.3: one job at a time per workbook (a lock file beside it), leftovers swept."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import invoke

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import leftovers, lock, safety

from .util import DAY, dir_state, history, make_workbook, strays

pytestmark = pytest.mark.usefixtures("collect_garbage")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return make_workbook(tmp_path / "名簿.xlsx")


@pytest.fixture
def live_pid() -> Iterator[int]:
    """The pid of a process that is running (and is not this one)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def plant_lock(book: Path, pid: int, host: str | None = None, age: float = 0) -> Path:
    path = lock.lock_path(book)
    owner = {
        "pid": pid,
        "host": host or socket.gethostname(),
        "user": "佐藤",
        "since": time.time() - age,
    }
    path.write_text(json.dumps(owner), encoding="utf-8")
    return path


def test_a_job_holding_the_workbook_refuses_a_second_one(book: Path, live_pid: int) -> None:
    planted = plant_lock(book, live_pid)
    before = dir_state(book.parent)
    result = invoke("number", book, "--today", DAY)
    assert result.exit_code == 2, result.output
    assert "使用中" in result.stderr
    assert str(live_pid) in result.stderr and "佐藤" in result.stderr
    assert dir_state(book.parent) == before  # the holder's lock too
    assert planted.exists()


def test_a_lock_from_another_computer_is_respected(book: Path) -> None:
    plant_lock(book, 4242, host="窓口PC-2")
    result = invoke("expiries", book, "--today", DAY)
    assert result.exit_code == 2
    assert "窓口PC-2" in result.stderr


@pytest.mark.parametrize("how", ["dead pid", "too old", "half written"])
def test_a_stale_lock_is_taken_over(book: Path, live_pid: int, how: str) -> None:
    if how == "dead pid":
        planted = plant_lock(book, dead_pid())
    elif how == "too old":
        planted = plant_lock(book, live_pid, age=lock.STALE_AFTER + 60)
    else:
        planted = lock.lock_path(book)
        planted.write_bytes(b'{"pid": 12')  # killed while writing its lock
        old = time.time() - 3600
        os.utime(planted, (old, old))
    result = invoke("number", book, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert [r[2] for r in history(book)] == ["採番"]
    assert not planted.exists()
    assert strays(book.parent) == []


def test_the_lock_is_gone_after_a_job_and_after_a_refusal(book: Path) -> None:
    assert invoke("number", book, "--today", DAY).exit_code == 0
    assert strays(book.parent) == []
    book.with_name("~$" + book.name).write_bytes(b"\0")
    assert invoke("check", book, "--today", DAY).exit_code == 2
    assert strays(book.parent) == []


def test_save_beside_refuses_while_another_job_holds_the_lock(book: Path, live_pid: int) -> None:
    plant_lock(book, live_pid)
    before = dir_state(book.parent)
    wrote: list[Path] = []
    with pytest.raises(HikisupError, match="使用中"):
        safety.save_beside(book, wrote.append, keep_backup=True)
    assert wrote == []
    assert dir_state(book.parent) == before


def test_the_lock_is_reentrant_within_one_job(book: Path) -> None:
    with lock.holding(book), lock.holding(book):
        assert lock.lock_path(book).exists()
    assert not lock.lock_path(book).exists()


def test_the_lock_records_the_host_as_socket_names_it(book: Path) -> None:
    # Locks and temporary names written before (socket.gethostname, hashlib) are still ours:
    # the host is read without socket where the OS has uname, the tag without OpenSSL.
    assert lock.host_name() == socket.gethostname()
    with lock.holding(book):
        written = json.loads(lock.lock_path(book).read_text(encoding="utf-8"))
    assert set(written) == {"pid", "host", "user", "since"}
    assert (written["pid"], written["host"]) == (os.getpid(), socket.gethostname())


def test_the_host_tag_is_sha1_with_or_without_cpython_s_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:8]
    assert lock.host_tag() == expected
    assert lock.host_tag("窓口PC-2") == hashlib.sha1("窓口PC-2".encode()).hexdigest()[:8]
    monkeypatch.setitem(sys.modules, "_sha1", None)  # a Python built without it: hashlib
    assert lock.host_tag() == expected


def test_a_lock_this_process_wrote_before_is_taken_back_and_released(book: Path) -> None:
    # as an earlier version wrote it (socket's host name), for this very process
    planted = plant_lock(book, os.getpid())
    lock.acquire(book)
    lock.release(book)
    assert not planted.exists()


# -------------------------------------------------------------- #10.3 abandoned temp copies


def _leftover(book: Path, pid: int, role: str = "") -> Path:
    tail = f"-{role}" if role else ""
    path = book.with_name(f".~hikisup-{lock.host_tag()}-{pid}-0123abcd{tail}.xlsx")
    path.write_bytes(book.read_bytes())  # a full copy: personal data
    return path


def test_copies_left_by_killed_jobs_are_removed_and_reported(
    book: Path, live_pid: int, _hikisup_home: Path
) -> None:
    dead = [_leftover(book, dead_pid()), _leftover(book, dead_pid(), "bak")]
    running = _leftover(book, live_pid)
    unnamed_recent = book.with_name(".~hikisup-k2j3h4.xlsx")  # an older version's mkstemp name
    unnamed_recent.write_bytes(b"x")
    unnamed_old = book.with_name(".~hikisup-a1b2c3.xlsx")
    unnamed_old.write_bytes(b"x")
    old = time.time() - lock.STALE_AFTER - 60
    os.utime(unnamed_old, (old, old))
    result = invoke("check", book, "--today", DAY)
    assert result.exit_code in (0, 1), result.output
    assert "一時ファイルを3個削除しました" in result.stderr
    assert not any(p.exists() for p in [*dead, unnamed_old])
    assert running.exists() and unnamed_recent.exists()  # their owners may still be working
    log = (_hikisup_home / "hikisup.log").read_text(encoding="utf-8")
    assert dead[0].name in log


def test_temporary_names_carry_their_owner(tmp_path: Path) -> None:
    name = leftovers.temp_path(tmp_path, "bak").name
    assert name.startswith(f".~hikisup-{lock.host_tag()}-{os.getpid()}-")
    assert name.endswith("-bak.xlsx")
    (tmp_path / name).write_bytes(b"")
    assert leftovers.abandoned(tmp_path) == []  # this process is alive
