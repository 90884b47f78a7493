"""#10 kill and race trials: real `hikisup` jobs in subprocesses, killed or stopped mid-save.

A job paused at a named point of the save protocol (HIKISUP_TEST_PAUSE, see engine/testhook.py)
is killed with SIGKILL there, or at a random moment. Afterwards the workbook is the original or
a complete new version, the .bak is readable, the next job leaves no stray copy or lock, and no
output exists without its 操作履歴 line. The default run is a handful of trials (seconds); the
`trials` marker runs many random ones: `python -m pytest -m trials tests/safety`.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import invoke

from hikisup_xl.engine import safety
from hikisup_xl.engine.testhook import POINTS

from .util import DAY, history, make_workbook, readable, start, strays, wait_for

pytestmark = [
    pytest.mark.usefixtures("collect_garbage"),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL/SIGSTOP are POSIX"),
]


@dataclass(frozen=True, slots=True)
class Outcome:
    workbook: str  # "original" or "new"
    output: bool  # the export exists


def _prepared(folder: Path) -> Path:
    """A workbook saved once already, so that a previous .bak exists to be protected."""
    book = make_workbook(folder / "名簿.xlsx")
    assert invoke("number", book, "--today", DAY).exit_code == 0
    assert safety.backup_path(book).exists()
    return book


def _job(kind: str, book: Path, out: Path) -> list[object]:
    if kind == "export-roster":
        return ["export-roster", book, out, "--today", DAY]
    if kind == "report":
        return ["report", book, "--fy", "2026", "--out", out, "--today", DAY]
    return [kind, book, "--today", DAY]


def kill_trial(folder: Path, kind: str, point: str | None, delay: float = 0.0) -> Outcome:
    """Run one job, SIGKILL it at `point` (or after `delay` s), check every promise."""
    folder.mkdir()
    book = _prepared(folder)
    original = book.read_bytes()
    bak = safety.backup_path(book)
    previous_bak = bak.read_bytes()
    rows_before = len(history(book))
    out = folder / "渡す.xlsx"
    sig = folder.parent / f"{folder.name}.signal"
    proc = start(*_job(kind, book, out), pause=point, signal=sig)
    if point is not None:
        assert wait_for(sig, proc), proc.communicate()
    else:
        time.sleep(delay)
    proc.kill()
    proc.communicate()  # reaps it (a zombie's pid still looks alive) and closes the pipes

    now = book.read_bytes()
    if now == original:
        state = "original"
    else:
        assert readable(book), "a half-written workbook"
        assert len(history(book)) == rows_before + 1
        state = "new"
    assert readable(bak), "an unreadable backup"
    assert bak.read_bytes() in (previous_bak, original)
    if out.exists():
        assert readable(out)
        assert any(out.name in str(r[4]) for r in history(book)), "an export 操作履歴 never saw"

    after = invoke("check", book, "--today", DAY)  # the next job cleans up after the killed one
    assert after.exit_code in (0, 1), after.output
    assert strays(folder) == []
    return Outcome(state, out.exists())


# Where each named point leaves an export: (workbook, output exists)
EXPECTED = {
    "read": Outcome("original", False),
    "write": Outcome("original", False),
    "bak": Outcome("original", False),
    "replace": Outcome("original", False),
    "replaced": Outcome("new", False),  # recorded, never published: the retry names a new file
    "publish": Outcome("new", False),
}


@pytest.mark.parametrize("point", POINTS)
def test_kill_at_each_point_of_the_save(tmp_path: Path, point: str) -> None:
    assert kill_trial(tmp_path / "t", "export-roster", point) == EXPECTED[point]


def test_kill_during_the_backup_keeps_the_previous_one(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    assert kill_trial(folder, "number", "bak") == Outcome("original", False)


@pytest.mark.trials
def test_many_random_kills(tmp_path: Path) -> None:
    """Random jobs killed at random moments or points; prints the tally for the record."""
    rng = random.Random(int(os.environ.get("HIKISUP_TRIAL_SEED", "10")))
    count = int(os.environ.get("HIKISUP_TRIALS", "60"))
    tally: dict[str, int] = {}
    for n in range(count):
        kind = rng.choice(["export-roster", "report", "number", "expiries"])
        reachable = POINTS if kind in ("export-roster", "report") else POINTS[:-1]  # no output
        point = rng.choice([*reachable, None, None])
        outcome = kill_trial(tmp_path / f"t{n}", kind, point, rng.uniform(0.3, 4.0))
        key = f"{outcome.workbook}{'+output' if outcome.output else ''}"
        tally[key] = tally.get(key, 0) + 1
    print(f"\n{count} kill trials: {tally}")


# ------------------------------------------------------------------------------- races


def test_a_second_job_is_refused_while_the_first_is_stopped_in_its_save(tmp_path: Path) -> None:
    book = make_workbook(tmp_path / "名簿.xlsx")
    sig = tmp_path.parent / f"{tmp_path.name}.signal"
    first = start("number", book, "--today", DAY, pause="replace", signal=sig, seconds=1)
    try:
        assert wait_for(sig, first), first.communicate()
        os.kill(first.pid, signal.SIGSTOP)  # frozen between its backup and its replace
        out = tmp_path / "渡す.xlsx"
        for args in (["check", book], ["export-roster", book, out], ["number", book]):
            second = invoke(*args, "--today", DAY)
            assert second.exit_code == 2, second.output
            assert "使用中" in second.stderr and str(first.pid) in second.stderr
        assert not out.exists()
    finally:
        os.kill(first.pid, signal.SIGCONT)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert [r[2] for r in history(book)] == ["採番"]
    assert invoke("expiries", book, "--today", DAY).exit_code == 0
    assert [r[2] for r in history(book)] == ["採番", "期限確認"]  # neither update lost
    assert strays(tmp_path) == []


def test_concurrent_jobs_lose_no_update(tmp_path: Path) -> None:
    """Jobs started together: each one either saved (its 操作履歴 line is there) or was refused."""
    book = make_workbook(tmp_path / "名簿.xlsx")
    jobs = {
        "採番": start("number", book, "--today", DAY),
        "期限確認": start("expiries", book, "--today", DAY),
        "名簿書き出し": start("export-roster", book, tmp_path / "渡す.xlsx", "--today", DAY),
    }
    done = {what: (p.wait(timeout=180), p.communicate()[1]) for what, p in jobs.items()}
    actions = [r[2] for r in history(book)]
    for what, (code, err) in done.items():
        if code == 0:
            assert what in actions, f"{what} was lost"
        else:
            assert code == 2, err
            assert "使用中" in err or "変更されました" in err, err
    assert (tmp_path / "渡す.xlsx").exists() == ("名簿書き出し" in actions)
    assert strays(tmp_path) == []
