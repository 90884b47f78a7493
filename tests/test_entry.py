"""The `hikisup` entry in real processes: the click-free fast path and click give the same
stdout, stderr, exit code, written files and log lines for every command line; the process
ends without the interpreter's teardown, yet with its output, log line, lock release and
atexit functions intact."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import TODAY, write_workbook
from python_calamine import CalamineWorkbook

from hikisup_xl import entry, fastargs
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine import lock

BOOK = "管理.xlsx"
ROOT = Path(__file__).resolve().parent.parent
SUBPROCESS_TIMEOUT = 300  # a hung child fails the test instead of the whole suite

# (argv with BOOK in it, whether the fast path takes it). Dates in every accepted form.
LINES: list[tuple[list[str], bool]] = [
    (["check", BOOK, "--today", "2026-11-26"], True),
    (["check", BOOK, "--today=R8.11.26"], True),
    (["check", "--today", "令和8年11月26日", BOOK], True),
    (["check", BOOK, "--today", "２０２６年１１月２６日（木）", "--json"], True),
    (["check", "--json", BOOK, "-o", "結果.xlsx", "--today", "2026/11/26"], True),
    (["number", BOOK, "--today", "R8.11.26", "--output", "採番後.xlsx"], True),
    (["number", BOOK, "--today=令和8年11月26日"], True),
    (["expiries", BOOK, "--today", "Ｒ８．１１．２６"], True),
    (["expiries", BOOK, "-o", "期限.xlsx", "--today=2026-11-26(木)"], True),
    (["report", BOOK, "--today", "2026-11-26", "--fy", "R7", "--suppress", "0"], True),
    # refused by the job itself (the same Japanese words, exit 2) or by click
    (["check", BOOK, "--today", "令和7年2月30日"], True),
    (["number", BOOK, "--today", ""], True),
    (["expiries", "ない.xlsx", "--today", "2026-11-26"], True),
    (["report", BOOK, "--fy", "来年", "--today", "2026-11-26"], True),
    (["check", BOOK, "--today", "--json"], False),
    (["check", BOOK, "--today"], False),
    (["check"], False),
    (["check", BOOK, "余分.xlsx", "--today", "2026-11-26"], False),
    (["check", BOOK, "--bogus"], False),
    (["check", BOOK, "--json=yes"], False),
    (["number", BOOK, "--json", "--today", "2026-11-26"], False),
    (["check", BOOK, "--today", "2026-11-25", "--today", "2026-11-26"], False),
    (["expiries", BOOK, "-o", ".", "--today", "2026-11-26"], False),
    (["report", BOOK, "--suppress", "三"], False),
    (["check", "--help"], False),
    ([], False),
]


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    log: list[str]  # the log file's lines without their time
    files: dict[str, object]  # every file left in the folder: its sheets' values, or bytes


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workbook with its planted mistakes: check finds errors, number numbers."""
    path = tmp_path_factory.mktemp("book") / BOOK
    return write_workbook(path, generate(TODAY, mistakes=True), DEMO_SETTINGS)


def _env(home: Path, *, click: bool) -> dict[str, str]:
    env = {**os.environ, "HIKISUP_HOME": str(home)}
    env.pop(fastargs.FORCE_CLICK, None)
    if click:
        env[fastargs.FORCE_CLICK] = "1"
    return env


def _contents(path: Path) -> object:
    """A workbook's cell values (times masked: 操作履歴 records when), else the bytes."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # not a workbook: compare what it is
        return f"unreadable {type(exc).__name__}"
    return {
        name: [
            ["<time>" if isinstance(v, dt.datetime | dt.time) else v for v in row]
            for row in book.get_sheet_by_name(name).to_python()
        ]
        for name in book.sheet_names
    }


def _work(where: Path, original: Path) -> Path:
    """A fresh folder `where`/work holding a copy of the workbook (the job's current folder)."""
    work = where / "work"
    work.mkdir(parents=True)
    shutil.copy2(original, work / BOOK)
    return work


# click's main in a process that ends as an interpreter does (the entry before the fast path)
CLICK_ALONE = [sys.executable, "-c", "from hikisup_xl.cli import main; main()"]


def run(
    where: Path, original: Path, argv: list[str], *, click: bool, command: list[str] | None = None
) -> Outcome:
    """`python -m hikisup_xl ARGV` (or `command` ARGV) in a fresh folder holding a copy of
    the workbook."""
    work, home = _work(where, original), where / "home"
    proc = subprocess.run(
        [*(command or [sys.executable, "-m", "hikisup_xl"]), *argv],
        cwd=work,
        env=_env(home, click=click),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=SUBPROCESS_TIMEOUT,
    )
    log_file = home / "hikisup.log"
    log = log_file.read_text(encoding="utf-8").splitlines() if log_file.exists() else []
    return Outcome(
        proc.returncode,
        proc.stdout,
        proc.stderr,
        [line.split("\t", 1)[1] for line in log],
        {p.name: _contents(p) for p in sorted(work.iterdir())},
    )


@pytest.mark.parametrize(("argv", "fast"), LINES, ids=[" ".join(a) or "(none)" for a, _ in LINES])
def test_the_fast_path_and_click_end_alike(
    tmp_path: Path, original: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], fast: bool
) -> None:
    quick = run(tmp_path / "fast", original, argv, click=False)
    clicked = run(tmp_path / "click", original, argv, click=True)
    assert quick == clicked
    assert "Traceback" not in quick.stderr
    # and the line really took the path it is listed for
    monkeypatch.chdir(tmp_path / "fast" / "work")
    monkeypatch.delenv(fastargs.FORCE_CLICK, raising=False)
    assert (fastargs.parse(argv) is not None) == fast


@pytest.mark.parametrize("argv", [a for a, fast in LINES if fast], ids=" ".join)
def test_the_fast_path_ends_as_click_alone_ended(
    tmp_path: Path, original: Path, argv: list[str]
) -> None:
    # against click's main in a process torn down as usual: os._exit loses nothing
    quick = run(tmp_path / "fast", original, argv, click=False)
    before = run(tmp_path / "before", original, argv, click=True, command=CLICK_ALONE)
    assert quick == before


def test_the_matrix_runs_jobs_and_refusals(tmp_path: Path, original: Path) -> None:
    # The comparison above cannot pass on two empty outcomes: one line of each kind, checked.
    done = run(tmp_path / "a", original, ["number", BOOK, "--today", "R8.11.26"], click=False)
    assert done.code == 0 and "採番" in done.stdout and done.log[-1].split("\t")[3] == "成功"
    refused = run(tmp_path / "b", original, ["check", BOOK, "--today", "来年"], click=False)
    assert refused.code == 2 and refused.stderr.startswith("エラー：--today：")
    assert refused.log[-1].split("\t")[3] == "拒否"
    usage = run(tmp_path / "c", original, ["check", BOOK, "--bogus"], click=False)
    assert usage.code == 2 and "No such option" in usage.stderr and usage.log == []


PROBE = """\
import atexit, os, sys

class Teardown:  # finalised only if the interpreter tears its modules down
    def __del__(self, write=os.write):  # builtins are going away by then: keep our own
        write(2, b"torn down")

def modules(path={atexit!r}):
    with open(path, "w") as fh:
        fh.write(" ".join(sorted(sys.modules)))

kept = Teardown()
atexit.register(modules)
sys.argv = ["hikisup", *{argv!r}]
from hikisup_xl.entry import main
main({in_process})
"""


def _probe(
    tmp_path: Path, original: Path, argv: list[str], *, in_process: bool = False
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The entry run as the process's own (or, in_process, called with argv like a test):
    the process, and the file its atexit function writes (every module it loaded)."""
    work = _work(tmp_path, original)
    at_exit = tmp_path / "atexit.txt"
    code = PROBE.format(atexit=str(at_exit), argv=argv, in_process=argv if in_process else "")
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        env=_env(tmp_path / "home", click=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=SUBPROCESS_TIMEOUT,
    )
    return proc, at_exit


@pytest.mark.parametrize("verb", ["check", "number", "expiries"])
def test_a_job_ends_without_teardown_and_loses_nothing(
    tmp_path: Path, original: Path, verb: str
) -> None:
    proc, at_exit = _probe(tmp_path, original, [verb, BOOK, "--today", "2026-11-26"])
    assert proc.returncode == (1 if verb == "check" else 0), proc.stderr  # check: errors
    assert proc.stdout.splitlines()[0].startswith(("チェック完了", "採番完了", "期限確認"))
    assert proc.stderr == ""  # os._exit: no teardown...
    assert at_exit.exists()  # ...but every atexit function ran
    modules = set(at_exit.read_text().split())
    assert "hikisup_xl.fastargs" in modules and "click" not in modules
    log = (tmp_path / "home" / "hikisup.log").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[2:5] for line in log] == [[verb, BOOK, "成功"]]
    assert not lock.lock_path(tmp_path / "work" / BOOK).exists()
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["管理.bak.xlsx", BOOK]


def test_the_probe_sees_a_teardown(tmp_path: Path, original: Path) -> None:
    # main called with argv (in-process) leaves the ending to the interpreter: torn down.
    argv = ["number", BOOK, "--today", "2026-11-26"]
    proc, at_exit = _probe(tmp_path, original, argv, in_process=True)
    assert proc.returncode == 0
    assert proc.stderr == "torn down" and at_exit.exists()


def test_a_refusal_through_click_ends_the_same_way(tmp_path: Path, original: Path) -> None:
    proc, at_exit = _probe(tmp_path, original, ["check", BOOK, "--bogus"])
    assert proc.returncode == 2 and proc.stderr.endswith("No such option '--bogus'.\n")
    assert at_exit.exists()
    assert "click" in at_exit.read_text().split()


def _on_a_terminal(where: Path, original: Path, argv: list[str], *, click: bool) -> str:
    """What `python -m hikisup_xl ARGV` draws on stderr when stderr is a terminal."""
    import pty

    work = _work(where, original)
    master, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hikisup_xl", *argv],
        cwd=work,
        env=_env(where / "home", click=click),
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    try:
        while chunk := os.read(master, 65536):
            shown += chunk
    except OSError:  # EIO: the job ended and closed the terminal
        pass
    finally:
        os.close(master)
        proc.wait(timeout=SUBPROCESS_TIMEOUT)
    return shown.decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_the_progress_bar_is_the_same_on_both_paths(tmp_path: Path, original: Path) -> None:
    argv = ["number", BOOK, "--today", "R8.11.26"]
    quick = _on_a_terminal(tmp_path / "fast", original, argv, click=False)
    clicked = _on_a_terminal(tmp_path / "click", original, argv, click=True)
    assert quick == clicked
    assert "ブックを読み込んでいます" in quick and "100%" in quick


def test_ctrl_c_during_a_job_ends_as_click_ends_it(tmp_path: Path, original: Path) -> None:
    outcomes = []
    for click in (False, True):
        where = tmp_path / ("click" if click else "fast")
        work = _work(where, original)
        reached = where / "paused"
        env = _env(where / "home", click=click)
        env.update(HIKISUP_TEST_PAUSE="read", HIKISUP_TEST_PAUSE_SIGNAL=str(reached))
        proc = subprocess.Popen(
            [sys.executable, "-m", "hikisup_xl", "number", BOOK, "--today", "2026-11-26"],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        try:
            while not reached.exists():  # paused holding the workbook's lock
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.05)
            assert lock.lock_path(work / BOOK).exists()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
        finally:
            proc.kill()
            proc.wait()
        assert not lock.lock_path(work / BOOK).exists()  # released on the way out
        outcomes.append((proc.returncode, out, err))
    assert outcomes[0] == outcomes[1] == (1, "", "\nAborted!\n")


def test_a_reader_gone_away_ends_as_click_ends_it(tmp_path: Path, original: Path) -> None:
    outcomes = []
    for click in (False, True):
        where = tmp_path / ("click" if click else "fast")
        work = _work(where, original)
        read_end, write_end = os.pipe()
        os.close(read_end)  # nobody will read what the job prints
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "hikisup_xl", "expiries", BOOK, "--today", "R8.11.26"],
                cwd=work,
                env=_env(where / "home", click=click),
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                timeout=SUBPROCESS_TIMEOUT,
            )
        finally:
            os.close(write_end)
        assert not lock.lock_path(work / BOOK).exists()
        outcomes.append((proc.returncode, proc.stderr))
    assert outcomes[0] == outcomes[1] == (1, "")


def test_in_process_main_raises_system_exit_and_leaves_the_interpreter(
    tmp_path: Path, original: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy2(original, tmp_path / BOOK)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(fastargs.FORCE_CLICK, raising=False)
    ended: list[int] = []
    monkeypatch.setattr(entry.os, "_exit", ended.append)
    with pytest.raises(SystemExit) as raised:
        entry.main(["number", BOOK, "--today", "2026-11-26"])
    assert raised.value.code == 0 and ended == []


@pytest.mark.parametrize(
    ("code", "threads", "ends_now"),
    [(0, 1, True), (None, 1, True), (3, 1, True), (2, 2, False), ("エラー", 1, False)],
)
def test_end_exits_now_only_with_a_number_and_no_other_thread(
    monkeypatch: pytest.MonkeyPatch, code: object, threads: int, ends_now: bool
) -> None:
    import threading

    ran: list[str] = []
    ended: list[int] = []
    monkeypatch.setattr(threading, "active_count", lambda: threads)
    monkeypatch.setattr(entry.atexit, "_run_exitfuncs", lambda: ran.append("atexit"))
    monkeypatch.setattr(entry.os, "_exit", ended.append)
    if ends_now:
        entry._end(code)
        assert ended == [code or 0] and ran == ["atexit"]
    else:
        with pytest.raises(SystemExit) as raised:
            entry._end(code)
        assert raised.value.code == code and ended == [] and ran == []


def test_the_console_script_is_the_entry() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"]["hikisup"] == "hikisup_xl.entry:main"
    assert "from .entry import main" in (ROOT / "hikisup_xl" / "__main__.py").read_text()
