"""What check/number/expiries load on the default engine: a new heavy import fails here.

Every click and every CLI run starts a new Python, so what it imports is paid each time. The
default engine reads with python-calamine and lxml; nothing on the path of check, number and
expiries may pull in openpyxl, numpy, pandas, xlwings or pydantic, and every third-party
package it loads is on the list below (phonenumbers only once a phone cell is typed: check
validates them, expiries lists some; number never does, nor the history snapshot, #14).
The `hikisup` entry runs these jobs without click (hikisup_xl/entry.py): click is not loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import base_world, world_rows, write_workbook

from hikisup_xl.registry import JOB_BY_NAME

VERBS = ("check", "number", "expiries")
NEVER = {"openpyxl", "numpy", "pandas", "xlwings", "pydantic", "pydantic_core", "et_xmlfile"}
NEVER_FAST = NEVER | {"click"}  # the fast entry's path of these verbs
# The third-party packages the default engine's path may load (besides this package).
ALLOWED = {"lxml", "python_calamine", "cython_runtime"}  # cython_runtime: lxml's
# What the `hikisup` entry imports for these verbs (bench/import_bench.py's CLI_CHAIN).
CHAIN = (
    "hikisup_xl.entry",
    "hikisup_xl.fastargs",
    "hikisup_xl.jobrun",
    "hikisup_xl.excel",
    "hikisup_xl.engine.choose",
    "hikisup_xl.engine.patch",
)
# The modules are listed by an atexit function: the entry ends the process with os._exit
# once the job is done, after running every atexit function.
PROBE = (
    "import atexit, json, sys\n"
    "baseline = set(sys.modules)\n"
    "atexit.register(lambda: print(json.dumps(sorted(set(sys.modules) - baseline))))\n"
    "{code}\n"
)


def _modules(code: str) -> set[str]:
    """Every module a fresh interpreter loads to run `code` (beyond its own start-up)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode in (0, 1), out.stderr  # check exits 1 when it finds errors
    return set(json.loads(out.stdout.splitlines()[-1]))


def _loaded(code: str) -> set[str]:
    """Top-level packages a fresh interpreter loads to run `code` (beyond its own start-up)."""
    return {m.split(".")[0] for m in _modules(code)}


def _third_party(modules: set[str]) -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    return {m for m in modules if m not in stdlib and m != "hikisup_xl" and not m.startswith("_")}


def _entry(book: Path, *args: str) -> str:
    """Code that runs the `hikisup` entry as a process's own on `book` (it ends with os._exit)."""
    argv = [args[0], str(book), *args[1:]]
    return f"import sys\nfrom hikisup_xl.entry import main\nsys.argv = ['hikisup', *{argv!r}]\nmain()\n"


def test_the_import_chain_of_a_job_on_the_default_engine_is_light() -> None:
    named = sorted({JOB_BY_NAME[v].function.partition(":")[0] for v in VERBS})
    modules = _loaded("import " + ", ".join((*CHAIN, *named)))
    assert modules & NEVER_FAST == set()
    assert _third_party(modules) <= ALLOWED
    assert "phonenumbers" not in modules  # imported only when a phone cell is typed


@pytest.mark.parametrize("verb", VERBS)
def test_running_a_job_loads_nothing_heavy_and_no_click(tmp_path: Path, verb: str) -> None:
    book = write_workbook(tmp_path / "管理.xlsx", world_rows(base_world()))
    modules = _loaded(_entry(book, verb, "--today", "2026-11-26"))
    assert "hikisup_xl" in modules
    assert modules & NEVER_FAST == set()
    # the history snapshot every job writes keeps phone numbers as typed: no phonenumbers for it
    allowed = ALLOWED if verb == "number" else ALLOWED | {"phonenumbers"}
    assert _third_party(modules) <= allowed


def test_the_chain_is_the_package_modules_a_run_imports(tmp_path: Path) -> None:
    # CHAIN (the bench's CLI_CHAIN) imports exactly the package modules a run of each verb does.
    book = write_workbook(tmp_path / "管理.xlsx", world_rows(base_world()))
    named = sorted({JOB_BY_NAME[v].function.partition(":")[0] for v in VERBS})
    listed = _modules("import " + ", ".join((*CHAIN, *named)))
    for verb in VERBS:
        ran = _modules(_entry(book, verb, "--today", "2026-11-26"))
        assert {m for m in ran if m.startswith("hikisup_xl")} == {
            m for m in listed if m.startswith("hikisup_xl")
        }, verb


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    # The checks above cannot pass by accident: a chain that does import openpyxl is caught,
    # and so is click, when click reads the command line.
    modules = _loaded("import hikisup_xl.cli, hikisup_xl.engine.files")
    assert "openpyxl" in modules & NEVER
    book = write_workbook(tmp_path / "管理.xlsx", world_rows(base_world()))
    assert "click" in _loaded(_entry(book, "check", "--help"))
