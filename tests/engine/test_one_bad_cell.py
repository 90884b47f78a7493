"""One bad cell is a cell issue, never a crash, a refusal or an abort (#10 items 5-8).

Each workbook differs from a clean one by a single cell; every job that reads a workbook
(every_job.JOBS) runs on it outside pytest's process (a Rust panic or a failed allocation
kills the interpreter, which an in-process run would hide) under an address-space limit, so a
reader that sizes its memory by a far cell fails here. The jobs of one workbook share one
process (run_jobs.py) to keep this quick; the openpyxl fallback engine runs every job under
`-m fuzz_long`, and check, number and expiries by default.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import TODAY
from openpyxl.workbook.workbook import Workbook

from hikisup_xl.core import schema
from hikisup_xl.core.grid import address

from .every_job import JOBS, MAY_REFUSE, Beside, beside, every_job_world
from .util import build, rewrite, sheet_part

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: ample for these 20 KB workbooks
FIRST_JOBS = ("check", "number", "expiries")  # on the fallback engine by default
RUN_JOBS = Path(__file__).with_name("run_jobs.py")
ROOT = Path(__file__).resolve().parents[2]
REG = schema.REGISTER
REPORTS = schema.REPORTS


def _at(key: str, row: int = 2) -> str:
    return address(row, REG.columns.index(REG.col(key)) + 1)


def _set(
    ref: str, value: object, number_format: str | None = None, sheet: str = REG.sheet
) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        cell = wb[sheet][ref]
        cell.value = value
        if number_format:
            cell.number_format = number_format

    return edit


def _longest_text(wb: Workbook) -> None:
    for key in ("staff", "memo"):
        wb[schema.CASES.sheet][address(2, schema.CASES.column_number(key))] = "あ" * 32_767


HUGE = "7" * 4301  # Python refuses int() of more than 4,300 digits by default

CASES: dict[str, Callable[[Workbook], None]] = {
    # item 5: the reading library panicked (a BaseException) on a serial no date can hold
    "negative-date": _set(_at("birth"), -1e12),
    # item 6: a duration of 1e9 days overflowed timedelta and the workbook was refused
    "huge-duration": _set(_at("memo"), 1e9, "[h]:mm"),
    # item 7: a 4,301-digit 登録番号 made `number` exit 3
    "huge-number-text": _set(_at("reg_no"), HUGE),
    # item 8: a value in the last cell of the sheet aborted the process (512 GiB asked for)
    "far-corner": _set("XFD1048576", "x"),
    # item 8: a value far down in the table's last column cost 1.2 GB
    "far-down": _set(address(1_048_576, len(REG.columns)), "x"),
    # the same in the 活動報告 sheet, which report, forms and candidates read
    "negative-date-report": _set(
        address(2, REPORTS.column_number("date")), -1e12, sheet=REPORTS.sheet
    ),
    "far-corner-report": _set("XFD1048576", "x", sheet=REPORTS.sheet),
    # the longest text Excel lets a cell hold, all one character, in two cells of a small
    # sheet: its part compresses far past the zip-bomb ratio (>200), yet it is a clerk's notes
    "longest-text": _longest_text,
}


def _huge_number_cell(path: Path) -> None:
    """A 登録番号 stored as a number of 4,301 digits (openpyxl cannot write one)."""

    def edit(parts: dict[str, bytes]) -> None:
        name = sheet_part(parts, REG.sheet)
        parts[name] = parts[name].replace(b"<v>123454321</v>", b"<v>" + HUGE.encode() + b"</v>")

    rewrite(path, edit)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    rows = every_job_world()
    out = {}
    for name, edit in CASES.items():
        out[name] = build(tmp_path_factory.mktemp(name) / "名簿.xlsx", rows, edit=edit)
    path = tmp_path_factory.mktemp("huge-number") / "名簿.xlsx"
    out["huge-number"] = build(path, rows, edit=_set(_at("reg_no"), 123454321))
    _huge_number_cell(path)
    return out


@pytest.fixture(scope="module")
def clean_beside(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("beside")
    return beside(folder, build(folder / "clean.xlsx", every_job_world()))


def _run(
    runs: list[tuple[str, list[object]]], engine: str
) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, dict[str, object]]]]:
    """Each (job, args) in one process under the memory limit: the process and each run's
    exit code and output."""
    # The package this suite tests, whether or not it is installed (the script runs by path).
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "HIKISUP_ENGINE": engine, "PYTHONPATH": path}
    lines = [[str(a) for a in args] + ["--today", TODAY.isoformat()] for _, args in runs]
    process = subprocess.run(
        [sys.executable, str(RUN_JOBS)],
        input=json.dumps(lines),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=_limit_memory,
        check=False,
    )
    results = [json.loads(line) for line in process.stdout.splitlines()]
    return process, [(job, r) for (job, _), r in zip(runs, results, strict=False)]


def _runs(
    workbooks: dict[str, Path],
    cases: list[str],
    jobs: Iterable[str],
    folder: Path,
    clean_beside: tuple[Path, Path],
) -> list[tuple[str, list[object]]]:
    """Every job's runs on every case, each job in a folder of its own with its own copy of
    the case's workbook."""
    out = []
    for case in cases:
        for job in jobs:
            here = folder / case / job
            here.mkdir(parents=True)
            path = here / "管理.xlsx"
            path.write_bytes(workbooks[case].read_bytes())
            runs = JOBS[job](path, Beside(here, *clean_beside))
            out += [(f"{case}/{job}", args) for args in runs]
    return out


def _every_job_survives(
    workbooks: dict[str, Path],
    clean_beside: tuple[Path, Path],
    cases: list[str],
    engine: str,
    jobs: Iterable[str],
    tmp_path: Path,
) -> None:
    runs = _runs(workbooks, cases, jobs, tmp_path, clean_beside)
    process, results = _run(runs, engine)
    # The process itself: no abort, no panic, no traceback, every run reported.
    last = results[-1][0] if results else None
    said = (engine, last, process.returncode, process.stderr[-800:])
    assert process.returncode == 0, said
    assert "Traceback" not in process.stderr and "panicked" not in process.stderr, said
    assert len(results) == len(runs), said
    for label, r in results:
        stdout, stderr = str(r["stdout"]), str(r["stderr"])
        said = (engine, label, r["args"], r["code"], (stdout + stderr)[-800:])
        assert "Traceback" not in stdout + stderr and "panicked" not in stdout + stderr, said
        if r["code"] == 2 and label.split("/")[1] in MAY_REFUSE:
            assert stderr.startswith("エラー：") and "予期しない" not in stderr, said
            continue
        assert r["code"] in (0, 1), said
        assert any("\u3040" <= ch <= "\u9fff" for ch in stdout), said


CASE_NAMES = [*CASES, "huge-number"]
# openpyxl's own reader refuses a 4,301-digit number: the fallback engine is not tried on it.
FALLBACK_CASES = [c for c in CASE_NAMES if c != "huge-number"]


def test_one_bad_cell_never_stops_a_job(
    workbooks: dict[str, Path], clean_beside: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every case through every job, one process (the imports are paid once)."""
    _every_job_survives(workbooks, clean_beside, CASE_NAMES, "patch", JOBS, tmp_path)


def test_one_bad_cell_never_stops_a_job_on_the_fallback_engine(
    workbooks: dict[str, Path], clean_beside: tuple[Path, Path], tmp_path: Path
) -> None:
    _every_job_survives(workbooks, clean_beside, FALLBACK_CASES, "openpyxl", FIRST_JOBS, tmp_path)


@pytest.mark.fuzz_long
def test_one_bad_cell_never_stops_any_job_on_the_fallback_engine(
    workbooks: dict[str, Path], clean_beside: tuple[Path, Path], tmp_path: Path
) -> None:
    _every_job_survives(workbooks, clean_beside, FALLBACK_CASES, "openpyxl", JOBS, tmp_path)


def test_a_date_no_calendar_holds_is_an_issue_at_its_cell(
    workbooks: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbooks["negative-date"].read_bytes())
    process, results = _run([("check", ["check", path])], "patch")
    assert process.returncode == 0, process.stderr
    (_, result), *_ = results
    assert result["code"] == 1, result
    assert f"{REG.sheet} 2行目「{REG.col('birth').header}」" in str(result["stdout"])
