"""The declared dependencies are exactly what the package imports; heavy ones stay off the path
of the jobs that do not need them.

The package imports no pandas (the 年度 statistics count in plain passes since #14; pandas is
a test dependency only). A clerk's チェック/採番/期限確認 and 年度集計 must not pay for numpy,
scipy or openpyxl, in a file or in live Excel.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import TODAY, base_world, world_rows, write_workbook

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hikisup_xl"
# Distribution name -> the module it is imported as, where the two differ.
IMPORT_NAME = {"python-calamine": "python_calamine", "msoffcrypto-tool": "msoffcrypto"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].strip() for d in project["dependencies"]}
    return {IMPORT_NAME.get(n, n.replace("-", "_")) for n in names}


def _imported(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "hikisup_xl"}


def test_every_declared_dependency_is_imported_and_every_import_declared() -> None:
    declared, imported = _declared(), _imported(PACKAGE)
    assert sorted(declared - imported) == [], "declared but never imported"
    assert sorted(imported - declared) == [], "imported but not declared"


def _modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return {m.split(".")[0] for m in json.loads(done.stdout.splitlines()[-1])}


def test_check_number_and_expiries_on_a_file_never_load_pandas(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "名簿.xlsx", world_rows(base_world()))
    code = (
        "import datetime as dt\n"
        "from pathlib import Path\n"
        "from hikisup_xl.jobs import ledger as actions\n"
        "from hikisup_xl.engine.choose import open_workbook\n"
        f"day = dt.date.fromisoformat({TODAY.isoformat()!r})\n"
        "for job in (actions.check, actions.number, actions.expiries):\n"
        f"    job(open_workbook(Path({str(book)!r})), day)\n"
    )
    loaded = _modules_after(code)
    assert "pandas" not in loaded and "numpy" not in loaded


def test_the_statistics_load_no_pandas_and_the_report_no_openpyxl_or_scipy() -> None:
    # The 年度 statistics count in plain passes (#14): pandas's import alone took longer than
    # a municipality's whole 集計. The consolidation's reading workers (spawned on Windows, once
    # per core) must not pay for it either.
    for module in ("hikisup_xl.stats.compute", "hikisup_xl.stats.receive"):
        loaded = _modules_after(f"import {module}")
        assert "pandas" not in loaded and "numpy" not in loaded, module
    # openpyxl and scipy (the suppression's linear programs) only for the upward file.
    loaded = _modules_after("import hikisup_xl.jobs.stats, hikisup_xl.stats.report")
    assert not loaded & {"pandas", "numpy", "scipy", "openpyxl"}
