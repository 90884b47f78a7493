"""What check/number/expiries load on the default engine: a new heavy import fails here.

Every click and every CLI run starts a new Python, so what it imports is paid each time. The
default engine reads with python-calamine and lxml; nothing on the path of check, number and
expiries may pull in openpyxl, numpy, pandas, xlwings or pydantic, and every third-party
package it loads is on the list below (phonenumbers only once a phone cell is typed: check
validates them, expiries lists some; number never does, nor the history snapshot, #14).
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
# The third-party packages the default engine's path may load (besides this package).
ALLOWED = {"click", "lxml", "python_calamine", "cython_runtime"}  # cython_runtime: lxml's
PROBE = (
    "import json, sys\n"
    "baseline = set(sys.modules)\n"
    "{code}\n"
    "print(json.dumps(sorted(set(sys.modules) - baseline)))\n"
)


def _loaded(code: str) -> set[str]:
    """Top-level packages a fresh interpreter loads to run `code` (beyond its own start-up)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env=env,
    )
    return {m.split(".")[0] for m in json.loads(out.stdout.splitlines()[-1])}


def _third_party(modules: set[str]) -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    return {m for m in modules if m not in stdlib and m != "hikisup_xl" and not m.startswith("_")}


def test_the_import_chain_of_a_job_on_the_default_engine_is_light() -> None:
    named = sorted({JOB_BY_NAME[v].function.partition(":")[0] for v in VERBS})
    modules = _loaded(
        "import hikisup_xl.cli, hikisup_xl.engine.choose, hikisup_xl.engine.patch, "
        + ", ".join(named)
    )
    assert modules & NEVER == set()
    assert _third_party(modules) <= ALLOWED
    assert "phonenumbers" not in modules  # imported only when a phone cell is typed


@pytest.mark.parametrize("verb", VERBS)
def test_running_a_job_loads_nothing_heavy(tmp_path: Path, verb: str) -> None:
    book = write_workbook(tmp_path / "管理.xlsx", world_rows(base_world()))
    modules = _loaded(
        "import sys\n"
        "from hikisup_xl.cli import main\n"
        f"sys.argv = ['hikisup', {verb!r}, {str(book)!r}, '--today', '2026-11-26']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, 1), exc.code\n"
    )
    assert modules & NEVER == set()
    # the history snapshot every job writes keeps phone numbers as typed: no phonenumbers for it
    allowed = ALLOWED if verb == "number" else ALLOWED | {"phonenumbers"}
    assert _third_party(modules) <= allowed


def test_the_probe_sees_a_heavy_import() -> None:
    # The check above cannot pass by accident: a chain that does import openpyxl is caught.
    modules = _loaded("import hikisup_xl.cli, hikisup_xl.engine.files")
    assert "openpyxl" in modules & NEVER
