"""Whole-process timings of the actions through the patch engine, beside the openpyxl engine.

    python tests/engine/bench_patch.py [--scale municipal|prefecture] [--repeat N] [--workbook F]

Not a test (pytest does not collect it). Uses bench/run.py's machinery: the same generated
workbook (built in a scratch directory, not in bench/out), the same spawn-and-wait4 wrapper,
round-robin repetitions on a fresh copy each time. Rows:

* the floors of bench/run.py (start-up, openpyxl load+save, openpyxl load, calamine read);
* `hikisup VERB`: the installed CLI as it is (its run_file_action opens a FileEngine);
* `patch VERB`: the same CLI entry point (click, output, log, exit code) with run_file_action
  opening a PatchEngine instead: what the CLI does once the patch engine is its default.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as benchrun  # noqa: E402  # bench/run.py

PATCHED_CLI = """\
import sys
import datetime as dt
from pathlib import Path
from hikisup_xl import cli
from hikisup_xl.applog import os_user, write_log

def run_file_action(verb, path, today, output):
    from hikisup_xl.actions import ACTIONS
    from hikisup_xl.engine.patch import PatchEngine
    try:
        engine = PatchEngine(path, output=output)
        result = ACTIONS[verb](engine, today or dt.date.today())
    except Exception as exc:
        cli._fail(verb, str(path), exc)
    write_log(os_user(), verb, str(path), "成功", " / ".join(result.lines[:1]))
    return result

cli.run_file_action = run_file_action
sys.argv = ["hikisup", *sys.argv[1:]]
sys.exit(cli.main())
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=benchrun.SCALES, default="municipal")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workbook", type=Path, help="an existing workbook instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hikisup-bench-patch-") as tmp:
        scratch = Path(tmp)
        source = args.workbook or benchrun.workbook_for(args.scale, scratch, regen=False)
        env = {**os.environ, "HIKISUP_HOME": str(scratch / "home")}
        items, launcher = benchrun.specs()
        today = benchrun.TODAY.isoformat()
        for verb in benchrun.ACTIONS:
            argv = [sys.executable, "-c", PATCHED_CLI, verb, "{in}", "--today", today]
            items.append(benchrun.Spec(f"patch {verb}", "action", argv, benchrun.OK_CODES[verb]))
        benchrun.specs = lambda: (items, launcher)  # measure() takes its rows from specs()
        results = benchrun.measure(args.scale, source, scratch / "work", args.repeat, env)
    print()
    print(benchrun.machine())
    print()
    print(f"| row | median wall s | min | max | peak MiB | (n={args.repeat}) |")
    print("|---|---:|---:|---:|---:|---|")
    for r in results:
        walls = [s.wall_s for s in r.samples]
        bad = f" FAILED rc={r.errors[0].returncode}" if r.errors else ""
        print(
            f"| {r.spec.label} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
            f"{max(walls):.2f} | {r.peak_mib:.0f} |{bad} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
