"""Where one CLI action spends its time, phase by phase, without a profiler's overhead.

    python bench/phases.py WORKBOOK {check,number,expiries,report} [--today 2026-11-26]
                                                                  [--fy 2025]

Runs the action in this process on a scratch copy of WORKBOOK through the default engine (the
patch engine: calamine read, only the changed XML parts rewritten), with a timer wrapped
around the functions that matter: opening the package, the calamine and XML sheet reads,
building tables, typing cells, the rules, the history bookkeeping, the sheet edits and the
save. Times are exclusive: a phase does not count the wrapped phases it calls, so the rows
add up to the action's total. Also shows the process's peak RSS when each phase last finished,
and the time the cyclic garbage collector took, which falls inside whichever phase happened to
trigger it. Names are looked up at run time: a phase the package no longer has is skipped and
listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import importlib
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

T_START = time.perf_counter()

# (label, module, attribute path). Wrapped in this order; inner calls are subtracted.
PHASES: tuple[tuple[str, str, str], ...] = (
    ("safety.inspect_file (zip scan)", "hikisup_xl.engine.safety", "inspect_file"),
    ("lock + leftovers sweep", "hikisup_xl.engine.choose", "locked"),
    ("shared strings", "hikisup_xl.engine.patch", "shared_strings"),
    ("package open (rest of engine start)", "hikisup_xl.engine.patch", "PatchEngine.__init__"),
    ("density check", "hikisup_xl.engine.patch", "dense_enough"),
    ("calamine read + convert", "hikisup_xl.engine.calread", "CalamineBook.dense"),
    ("XML cell reader (fallback)", "hikisup_xl.engine.cellread", "CellReader.read"),
    ("XML parse (sheets to edit, parts)", "hikisup_xl.engine.patch", "Package.xml"),
    ("read_table (grid→rows)", "hikisup_xl.engine.patch", "PatchEngine.read_table"),
    ("read_settings", "hikisup_xl.session", "read_settings"),
    ("parse_table (typing, parse issues)", "hikisup_xl.core.book", "parse_table"),
    ("parse a column (lazy typing)", "hikisup_xl.core.table", "ParsedTable.parse_column"),
    ("run_rules (check rules)", "hikisup_xl.jobs.ledger", "run_rules"),
    ("assign_numbers", "hikisup_xl.jobs.ledger", "assign_numbers"),
    ("RegistrationGate", "hikisup_xl.jobs.ledger", "RegistrationGate.__init__"),
    ("periods_due", "hikisup_xl.jobs.ledger", "periods_due"),
    ("read_snapshot", "hikisup_xl.engine.patch", "PatchEngine.read_snapshot"),
    ("history: parse_snapshot", "hikisup_xl.session", "parse_snapshot"),
    ("history: current_values", "hikisup_xl.session", "current_values"),
    ("history: hand_changes", "hikisup_xl.session", "hand_changes"),
    ("history: deleted_rows", "hikisup_xl.session", "deleted_rows"),
    ("history: period_records", "hikisup_xl.session", "period_records"),
    ("history: snapshot_rows", "hikisup_xl.session", "snapshot_rows"),
    ("write_cells", "hikisup_xl.engine.patch", "PatchEngine.write_cells"),
    ("replace_rows", "hikisup_xl.engine.patch", "PatchEngine.replace_rows"),
    ("append_rows", "hikisup_xl.engine.patch", "PatchEngine.append_rows"),
    ("write_snapshot", "hikisup_xl.engine.patch", "PatchEngine.write_snapshot"),
    ("sheet XML serialise", "hikisup_xl.engine.sheetxml", "SheetEditor.finish"),
    ("zip write (copy + new parts)", "hikisup_xl.engine.zipcopy", "write_zip"),
    ("save_beside (check, fsync, swap, backup)", "hikisup_xl.engine.safety", "save_beside"),
    ("PatchEngine.save (rest)", "hikisup_xl.engine.patch", "PatchEngine.save"),
    ("Session.finish (rest)", "hikisup_xl.session", "Session.finish"),
    ("Session start (rest)", "hikisup_xl.session", "Session.__post_init__"),
    # 年度集計 (report): names as stats/report.py imported them.
    ("report: compute (figures, 活動集計 rows)", "hikisup_xl.stats.report", "compute"),
    ("report: supporter_years (サポーター別)", "hikisup_xl.stats.report", "supporter_years"),
    ("report: summary_rows (集計 tables)", "hikisup_xl.stats.report", "summary_rows"),
    ("report: tidy_rows (集計データ)", "hikisup_xl.stats.report", "tidy_rows"),
    ("refresh_pivots", "hikisup_xl.engine.patch", "PatchEngine.refresh_pivots"),
    ("job body (rest)", "{job_module}", "{verb}"),
)
# Where each verb's job function lives (check, number and expiries: jobs/ledger.py).
JOB_MODULES = {"report": "hikisup_xl.jobs.stats"}

exclusive: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)
peak_after: dict[str, float] = {}
stack: list[float] = []  # time spent in wrapped callees, per active frame


gc_time: dict[int, float] = defaultdict(float)
gc_runs: dict[int, int] = defaultdict(int)
_gc_start: list[float] = []


def gc_callback(phase: str, info: dict[str, int]) -> None:
    """Time spent in the cyclic garbage collector, by generation (it lands inside phases)."""
    if phase == "start":
        _gc_start.append(time.perf_counter())
    elif _gc_start:
        gc_time[info["generation"]] += time.perf_counter() - _gc_start.pop()
        gc_runs[info["generation"]] += 1


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stack.append(0.0)
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.perf_counter() - t0
            inner = stack.pop()
            exclusive[label] += spent - inner
            calls[label] += 1
            peak_after[label] = peak_mib()
            if stack:
                stack[-1] += spent

    return wrapper


def install(verb: str) -> list[str]:
    missing = []
    for label, module_name, path in PHASES:
        path = path.format(verb=verb)
        module_name = module_name.format(job_module=job_module(verb))
        try:
            owner: Any = importlib.import_module(module_name)
            *parents, attr = path.split(".")
            for name in parents:
                owner = getattr(owner, name)
            setattr(owner, attr, timed(label, getattr(owner, attr)))
        except (ImportError, AttributeError):
            missing.append(f"{module_name}.{path}")
    return missing


def job_module(verb: str) -> str:
    return JOB_MODULES.get(verb, "hikisup_xl.jobs.ledger")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("verb", choices=("check", "number", "expiries", "report"))
    parser.add_argument("--today", default="2026-11-26")
    parser.add_argument("--fy", type=int, default=2025, help="report's 年度 (default 2025)")
    args = parser.parse_args()

    t_imports = time.perf_counter()
    job = importlib.import_module(job_module(args.verb))
    if args.verb == "report":
        importlib.import_module("hikisup_xl.stats.report")  # what the job imports when called
    missing = install(args.verb)
    t_ready = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="hikisup-phases-") as tmp:
        work = Path(tmp) / args.workbook.name
        shutil.copyfile(args.workbook, work)
        gc.callbacks.append(gc_callback)
        t0 = time.perf_counter()
        from hikisup_xl.engine import choose

        engine = choose.locked(work, None, choose._engine)
        today = dt.date.fromisoformat(args.today)
        if args.verb == "report":
            result = job.report(engine, today, args.fy)
        else:
            result = getattr(job, args.verb)(engine, today)
        total = time.perf_counter() - t0
        gc.callbacks.remove(gc_callback)
        del engine

    print(f"{args.verb} on {args.workbook.name}: {result.lines[0] if result.lines else ''}")
    print(f"interpreter start to main: {t_imports - T_START:.2f} s (argparse etc.)")
    print(f"imports (the job's modules, wrapped modules): {t_ready - t_imports:.2f} s")
    print(f"action (engine open + job): {total:.2f} s, peak RSS {peak_mib():.0f} MiB")
    print()
    print("| phase | calls | exclusive s | share | peak MiB after |")
    print("|---|---:|---:|---:|---:|")
    for label, _m, _p in PHASES:
        if calls.get(label):
            print(
                f"| {label} | {calls[label]} | {exclusive[label]:.3f} | "
                f"{exclusive[label] / total:.0%} | {peak_after[label]:.0f} |"
            )
    spent = ", ".join(
        f"gen{g} {gc_runs[g]}× {gc_time[g]:.3f} s" for g in sorted(gc_time) if gc_runs[g]
    )
    print(f"\ncyclic GC during the action (included in the phases above): {spent or 'none'}")
    if missing:
        print(f"\nnot found (skipped): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
