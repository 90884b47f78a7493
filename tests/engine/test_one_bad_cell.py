"""One bad cell is a cell issue, never a crash, a refusal or an abort (#10 items 5-8).

Each workbook differs from a clean one by a single cell; every job runs as a separate process
(a Rust panic or a failed allocation kills the interpreter, which an in-process run would hide)
under an address-space limit, so a reader that sizes its memory by a far cell fails here.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows
from openpyxl.workbook.workbook import Workbook

from hikisup_xl.core import schema
from hikisup_xl.core.grid import address

from .util import build, rewrite, sheet_part

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: ample for these 20 KB workbooks
JOBS = ("check", "number", "expiries")
REG = schema.REGISTER


def _at(key: str, row: int = 2) -> str:
    return address(row, REG.columns.index(REG.col(key)) + 1)


def _set(ref: str, value: object, number_format: str | None = None) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        cell = wb[REG.sheet][ref]
        cell.value = value
        if number_format:
            cell.number_format = number_format

    return edit


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
    out = {}
    for name, edit in CASES.items():
        out[name] = build(
            tmp_path_factory.mktemp(name) / "名簿.xlsx", world_rows(base_world()), edit=edit
        )
    path = tmp_path_factory.mktemp("huge-number") / "名簿.xlsx"
    out["huge-number"] = build(path, world_rows(base_world()), edit=_set(_at("reg_no"), 123454321))
    _huge_number_cell(path)
    return out


def _run(path: Path, job: str, engine: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HIKISUP_ENGINE": engine}
    return subprocess.run(
        [sys.executable, "-m", "hikisup_xl", job, str(path), "--today", TODAY.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=_limit_memory,
        check=False,
    )


@pytest.mark.parametrize("engine", ["patch", "openpyxl"])
@pytest.mark.parametrize("case", [*CASES, "huge-number"])
def test_one_bad_cell_never_stops_a_job(
    workbooks: dict[str, Path], case: str, engine: str, tmp_path: Path
) -> None:
    if (case, engine) == ("huge-number", "openpyxl"):
        pytest.skip("openpyxl's own reader refuses a 4,301-digit number: the fallback engine")
    for job in JOBS:
        path = tmp_path / f"{job}.xlsx"
        path.write_bytes(workbooks[case].read_bytes())
        result = _run(path, job, engine)
        said = result.stdout + result.stderr
        assert result.returncode in (0, 1), (case, engine, job, result.returncode, said[-800:])
        assert "Traceback" not in said and "panicked" not in said, said[-800:]
        assert any("\u3040" <= ch <= "\u9fff" for ch in result.stdout), said[-800:]


def test_a_date_no_calendar_holds_is_an_issue_at_its_cell(
    workbooks: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbooks["negative-date"].read_bytes())
    result = _run(path, "check", "patch")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{REG.sheet} 2行目「{REG.col('birth').header}」" in result.stdout
