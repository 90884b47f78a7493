"""Boundary values in every column of every table, through every job (#10), run with
`pytest -m fuzz_long` (a few minutes).

Where the hypothesis runs (test_any_cell.py) draw cells at random, this walks each column kind
through the values a clerk or Excel really produces at the edges: the first and last days
a date column reads, serials Excel shows as dates, times past 24:00, numbers no int holds,
the 32,767 characters Excel lets a cell hold, formulas typed as text. Each value goes into
every column of its kind in the table's first data row; every job ends with exit 0/1 and
Japanese output, or (a job naming a row) a plain Japanese refusal.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, invoke
from openpyxl.workbook.workbook import Workbook

from hikisup_xl.core import schema
from hikisup_xl.core.schema import Kind

from .every_job import JOBS, MAY_REFUSE, Beside, beside, every_job_world
from .test_any_cell import JAPANESE
from .util import build

pytestmark = pytest.mark.fuzz_long

LONGEST = 32_767  # characters Excel lets a cell hold
VALUES: dict[Kind, tuple[object, ...]] = {
    Kind.DATE: (
        dt.date(1900, 1, 1),
        dt.date(2199, 12, 31),
        dt.datetime(9999, 12, 31),
        "2199/12/31",
        "令和181年12月31日",
        "M33.1.1",
        "明治元年1月1日",
        1,
        60,  # Excel's 1900-02-29
        0.0001,
        True,
        2_958_465,  # 9999-12-31
        -5,
        "R7.2.30",
        "0/0/0",
        10**20,
    ),
    Kind.DATETIME: (dt.datetime(1900, 1, 1), dt.datetime(2199, 12, 31, 23, 59), 2958465.9999, -1),
    Kind.TIME: (dt.time(0, 0), dt.time(23, 59, 59), "24:00", "25:61", 1.5, -0.5, 100_000, "9:00～"),
    Kind.INT: (0, -1, 10**15, 1e300, "１２", True, 0.5, "NaN", "-0"),
    Kind.CHOICE: ("", " ", "　", "x" * 300, "=1+1"),
    Kind.ID: ("", "0", "-1", "D" + "9" * 30, "001 ", "ｱ", "'001", 1e15, -3, 0.5, True),
    Kind.TEXT: ("x" * LONGEST, "あ" * LONGEST, "\n" * 500, '=HYPERLINK("x")', "、" * 200),
    Kind.KANA: ("ｱｲｳ" * 2000, "ー"),
    Kind.POSTAL: ("0", "4000031" * 100, 4000031, -1),
    Kind.PHONE: (0, "0" * 200, "+81-55-223-1234", 1e15),
    Kind.EMAIL: ("@", "a@" * 1000),
}
TABLES = [t for t in schema.TABLES if not t.generated and t is not schema.SETTINGS]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("boundary")
    return beside(folder, build(folder / "clean.xlsx", every_job_world()))


def _edit(spec: schema.TableSpec, columns: list[int], value: object) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        for i in columns:
            wb[spec.sheet].cell(row=2, column=i + 1).value = value

    return edit


@pytest.mark.parametrize("spec", TABLES, ids=[t.key for t in TABLES])
def test_boundary_values_never_stop_a_job(
    spec: schema.TableSpec, files: tuple[Path, Path], tmp_path: Path
) -> None:
    failures = []
    for kind, values in VALUES.items():
        columns = [i for i, c in enumerate(spec.columns) if c.kind == kind]
        for n, value in enumerate(values if columns else ()):
            case = tmp_path / f"{kind}-{n}"
            case.mkdir()
            source = build(case / "src.xlsx", every_job_world(), edit=_edit(spec, columns, value))
            for job, runs in JOBS.items():
                here = case / job
                here.mkdir()
                path = Path(shutil.copyfile(source, here / "管理.xlsx"))
                for args in runs(path, Beside(here, *files)):
                    r = invoke(*args, "--today", TODAY.isoformat())
                    crashed = r.exception is not None and not isinstance(r.exception, SystemExit)
                    refused = (
                        r.exit_code == 2 and job in MAY_REFUSE and "予期しない" not in r.stderr
                    )
                    answered = r.exit_code in (0, 1) and JAPANESE.search(r.stdout)
                    if crashed or not (refused or answered):
                        failures.append(
                            (kind, repr(value)[:30], args[:2], r.exit_code, r.output[-300:])
                        )
            shutil.rmtree(case)
    assert failures == []
