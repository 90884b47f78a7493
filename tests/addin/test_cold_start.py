"""What a click imports: the entry module only the stdlib; the live path no openpyxl."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("xlwings", "openpyxl", "pandas", "numpy", "pydantic", "lxml", "phonenumbers")


def _imported(code: str) -> list[str]:
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_the_entry_module_imports_nothing_heavy() -> None:
    modules = _imported("import hikisup_xl.excel")
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []
    assert [m for m in modules if m.startswith("hikisup_xl.")] == ["hikisup_xl.excel"]


def test_an_action_on_the_live_engine_needs_no_openpyxl_or_pandas() -> None:
    from hikisup_xl.registry import JOB_BY_NAME

    named = {JOB_BY_NAME[v].function.partition(":")[0] for v in ("check", "number", "expiries")}
    modules = _imported(
        "import hikisup_xl.excel, hikisup_xl.engine.live, hikisup_xl.registry, "
        "hikisup_xl.progress, hikisup_xl.applog, " + ", ".join(sorted(named))
    )
    assert not {"openpyxl", "pandas"} & {m.split(".")[0] for m in modules}
