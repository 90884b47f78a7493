"""One hikisup job at a time per workbook: a lock file beside it, from the read to the replace.

The lock is `.~hikisup-NAME.lock`, created atomically (O_CREAT|O_EXCL) and holding who owns it
(pid, host, user, time). A lock whose owner is dead (same host, pid gone) or that is older than
STALE_AFTER is stale and taken over; any other lock refuses the job in Japanese, naming the holder.
Within one process the lock is re-entrant (the engine holds it from the read, the save takes it
again for the replace) and released when the last holder lets go, or at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import HikisupError

STALE_AFTER = 30 * 60  # seconds: no hikisup job holds a workbook this long
HALF_WRITTEN_GRACE = 10  # seconds: an unreadable lock younger than this is being created


def host_name() -> str:
    """This computer's name, as socket.gethostname() gives it (locks record it).

    Where the OS has uname (Linux, macOS) gethostname() returns uname's node name: read it
    there without importing socket (about 2 ms at every start); elsewhere ask socket.
    """
    uname = getattr(os, "uname", None)
    try:
        if uname is not None:
            return str(uname().nodename) or "?"
        import socket

        return socket.gethostname() or "?"
    except OSError:
        return "?"


def host_tag(host: str | None = None) -> str:
    """A short, file-name-safe tag of a host name (temporary files carry it)."""
    return _sha1_hex((host or host_name()).encode("utf-8"))[:8]


def _sha1_hex(data: bytes) -> str:
    """SHA-1, from CPython's own _sha1 where it is built: the same digest as hashlib's, without
    loading OpenSSL (hashlib's import costs about 2 ms at every start)."""
    try:
        from _sha1 import sha1
    except ImportError:
        from hashlib import sha1
    digest: str = sha1(data).hexdigest()
    return digest


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def lock_path(workbook: Path) -> Path:
    return workbook.with_name(f".~hikisup-{workbook.name}.lock")


@dataclass(frozen=True, slots=True)
class Owner:
    pid: int
    host: str
    user: str
    since: float  # epoch seconds

    def alive(self) -> bool:
        """False only when we can tell: same host and the pid is gone, or far too old."""
        if time.time() - self.since > STALE_AFTER:
            return False
        if self.host == host_name():
            return pid_alive(self.pid)
        return True

    def describe(self) -> str:
        when = dt.datetime.fromtimestamp(self.since).strftime("%Y-%m-%d %H:%M:%S")
        return f"{self.user}（コンピューター {self.host}、処理番号 {self.pid}）が {when} から"


def _me() -> Owner:
    from ..applog import os_user

    return Owner(os.getpid(), host_name(), os_user(), time.time())


def _read_owner(path: Path) -> Owner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Owner(int(data["pid"]), str(data["host"]), str(data["user"]), float(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _busy(workbook: Path, owner: Owner | None) -> HikisupError:
    who = owner.describe() if owner else "別の hikisup の処理が"
    return HikisupError(
        f"「{workbook.name}」は、{who}使用中です。その処理が終わってから、もう一度実行してください。"
        "（元のファイルは変更していません）"
    )


# path of the lock file -> how many holders in this process
_held: dict[Path, int] = {}


def _create(lock: Path, me: Owner) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"pid": me.pid, "host": me.host, "user": me.user, "since": me.since}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    return True


def _break_stale(lock: Path, seen: bytes) -> None:
    """Move a stale lock aside; put it back if another job replaced it meanwhile."""
    aside = lock.with_name(f"{lock.name}.stale-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        lock.replace(aside)
    except FileNotFoundError:
        return
    try:
        if aside.read_bytes() != seen:  # a fresh lock, taken between our read and the move
            with contextlib.suppress(OSError):
                os.link(aside, lock)
    finally:
        aside.unlink(missing_ok=True)


def acquire(workbook: Path) -> None:
    """Hold the workbook's lock (re-entrant in this process) or refuse in Japanese."""
    lock = lock_path(workbook)
    if lock in _held:
        _held[lock] += 1
        return
    me = _me()
    for _ in range(5):
        try:
            if _create(lock, me):
                _held[lock] = 1
                return
        except PermissionError:
            raise HikisupError(
                f"「{workbook.parent}」に書き込めません。フォルダーへの書き込み権限を確認してください。"
                "（元のファイルは変更していません）"
            ) from None
        try:
            seen = lock.read_bytes()
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            continue  # released meanwhile: try again
        owner = _read_owner(lock)
        if owner is not None and owner.pid == me.pid and owner.host == me.host:
            _held[lock] = 1  # ours, left by an earlier holder in this process
            return
        if owner is None and age < HALF_WRITTEN_GRACE:
            raise _busy(workbook, None)
        if owner is not None and owner.alive():
            raise _busy(workbook, owner)
        _break_stale(lock, seen)
    raise _busy(workbook, _read_owner(lock))


def release(workbook: Path) -> None:
    """Let go once; the file is removed when the last holder in this process lets go."""
    lock = lock_path(workbook)
    count = _held.get(lock, 0)
    if count > 1:
        _held[lock] = count - 1
        return
    if count == 1:
        del _held[lock]
        _remove_if_ours(lock)


def release_all_for(workbook: Path) -> None:
    """Every hold this process has on one workbook (its replace is done)."""
    lock = lock_path(workbook)
    if _held.pop(lock, 0):
        _remove_if_ours(lock)


def release_all() -> None:
    """Every lock this process holds (the end of a command, or exit)."""
    for lock in list(_held):
        del _held[lock]
        _remove_if_ours(lock)


def _remove_if_ours(lock: Path) -> None:
    owner = _read_owner(lock)
    if owner is not None and owner.pid == os.getpid() and owner.host == host_name():
        with contextlib.suppress(OSError):
            lock.unlink()


def refuse_if_locked(workbook: Path) -> None:
    """Refuse when another live job holds the workbook (a check; holds nothing)."""
    lock = lock_path(workbook)
    if lock in _held or not lock.exists():
        return
    owner = _read_owner(lock)
    if owner is not None and (owner.pid, owner.host) == (os.getpid(), host_name()):
        return
    if owner is None or owner.alive():
        raise _busy(workbook, owner)


def owner_alive(pid: int, host: str) -> bool:
    """For files named after their owner: is that owner (possibly) still running?"""
    if host != host_tag():
        return True
    return pid == os.getpid() or pid_alive(pid)


@contextlib.contextmanager
def holding(workbook: Path) -> Iterator[None]:
    acquire(workbook)
    try:
        yield
    finally:
        release(workbook)


atexit.register(release_all)
