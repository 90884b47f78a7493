"""Cold start of a ribbon click: `import hikisup_xl.excel` against `import xlwings` alone.

Every click starts a new Python (`python -B -c "import xlwings.utils; ...; import
hikisup_xl.excel as e; e.dispatch('...')"`), so import time is paid on every click. Each row is
a whole process, run --repeat times (interleaved, after one warm-up round that fills the OS
file cache and the .pyc files); the table shows the median wall time and its ratio to
`import xlwings`.

Target: the entry module imports in at most 1.5x the time of `import xlwings` alone; the
import chain of a check/number/expiries click (last row) is no slower than before the job
declarations (#9: 483 ms before, on the 2-core development machine).

    python bench/import_bench.py [--repeat 21]

Exits 0 whatever the result; the last line is a SUMMARY.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

TARGET = 1.5
ROWS: list[tuple[str, str]] = [
    ("python (no imports)", "pass"),
    ("import xlwings  [reference]", "import xlwings"),
    ("import hikisup_xl.excel  [target]", "import hikisup_xl.excel"),
    ("RunPython's preamble + entry", "import xlwings.utils; import hikisup_xl.excel"),
    (
        "everything a click imports before the action runs",
        "import xlwings, hikisup_xl.excel, hikisup_xl.registry, hikisup_xl.jobs.ledger, "
        "hikisup_xl.engine.live",
    ),
    (
        "what dispatch imports for check/number/expiries",
        # the job declarations, the module each job names, and what dispatch itself imports
        "import xlwings, hikisup_xl.excel, hikisup_xl.registry as r, hikisup_xl.engine.live, "
        "hikisup_xl.applog, hikisup_xl.progress, importlib; "
        "[importlib.import_module(r.JOB_BY_NAME[v].function.partition(':')[0]) "
        "for v in ('check', 'number', 'expiries')]",
    ),
]


def once(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-B", "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    for _, code in ROWS:  # warm-up
        once(code)
    times: dict[str, list[float]] = {label: [] for label, _ in ROWS}
    for _ in range(args.repeat):
        for label, code in ROWS:
            times[label].append(once(code))
    median = {label: statistics.median(t) for label, t in times.items()}
    reference = median[ROWS[1][0]]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs", end="")
    print(f", load average {load[0]:.2f}" if load else "")
    print(f"median of {args.repeat} whole-process runs\n")
    print(f"| {'what runs':52} | {'ms':>7} | {'x import xlwings':>16} |")
    print(f"|{'-' * 54}|{'-' * 8}:|{'-' * 17}:|")
    for label, _ in ROWS:
        print(f"| {label:52} | {median[label] * 1000:7.1f} | {median[label] / reference:16.2f} |")
    ratio = median[ROWS[2][0]] / reference
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(
        f"\nSUMMARY: import hikisup_xl.excel = {ratio:.2f}x import xlwings; "
        f"target <= {TARGET}x: {verdict}"
    )


if __name__ == "__main__":
    main()
