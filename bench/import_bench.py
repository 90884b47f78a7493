"""Cold start: a ribbon click's entry module against `import xlwings`, and the import chain of
check/number/expiries on the default engine against `import python_calamine, lxml.etree`.

Every click starts a new Python (`python -B -c "import xlwings.utils; ...; import
hikisup_xl.excel as e; e.dispatch('...')"`), so import time is paid on every click. Each row is
a whole process, run --repeat times (interleaved, after one warm-up round that fills the OS
file cache and the .pyc files); the table shows the median wall time and its ratio to
`import xlwings`.

Targets: the entry module imports in at most 1.5x the time of `import xlwings` alone; the
imports check/number/expiries need with the default engine (the `hikisup` entry's click-free
fast path, the job module, the patch engine) take at most 2x `import python_calamine,
lxml.etree`, the readers that engine uses (#14). Both ratios are whole processes, interpreter start included, measured in the same run.
The package is byte-compiled first, as an installed one is.

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
from pathlib import Path

TARGET = 1.5
CHAIN_TARGET = 2.0
READERS = "import python_calamine, lxml.etree"
# What the `hikisup` entry imports for check/number/expiries on the default engine: the
# click-free fast path (fastargs reads the line, jobrun runs the job, excel.resolve finds it),
# the engine and the job module (tests/test_cold_start_cli.py checks a real run loads no more).
CLI_CHAIN = (
    "import hikisup_xl.entry, hikisup_xl.fastargs, hikisup_xl.jobrun, hikisup_xl.excel, "
    "hikisup_xl.engine.choose, hikisup_xl.engine.patch, hikisup_xl.jobs.ledger"
)
# The same through click (what every verb imported before the fast entry), for reference.
CLICK_CHAIN = (
    "import hikisup_xl.cli, hikisup_xl.engine.choose, hikisup_xl.engine.patch, "
    "hikisup_xl.jobs.ledger"
)
ROWS: list[tuple[str, str]] = [
    ("python (no imports)", "pass"),
    ("import python_calamine, lxml.etree  [floor]", READERS),
    ("check/number/expiries imports, default engine", CLI_CHAIN),
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
    ("the same through click  [reference]", CLICK_CHAIN),
]


def once(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-B", "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    import hikisup_xl

    package = str(Path(hikisup_xl.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    for _, code in ROWS:  # warm-up
        once(code)
    times: dict[str, list[float]] = {label: [] for label, _ in ROWS}
    for _ in range(args.repeat):
        for label, code in ROWS:
            times[label].append(once(code))
    median = {label: statistics.median(t) for label, t in times.items()}
    reference = median[ROWS[3][0]]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs", end="")
    print(f", load average {load[0]:.2f}" if load else "")
    print(f"median of {args.repeat} whole-process runs\n")
    floor = median[ROWS[1][0]]
    print(f"| {'what runs':52} | {'ms':>7} | {'x import xlwings':>16} | {'x readers':>9} |")
    print(f"|{'-' * 54}|{'-' * 8}:|{'-' * 17}:|{'-' * 10}:|")
    for label, _ in ROWS:
        print(
            f"| {label:52} | {median[label] * 1000:7.1f} | {median[label] / reference:16.2f} "
            f"| {median[label] / floor:9.2f} |"
        )
    ratio = median[ROWS[4][0]] / reference
    verdict = "meets" if ratio <= TARGET else "MISSES"
    chain = median[ROWS[2][0]] / median[ROWS[1][0]]
    chain_verdict = "meets" if chain <= CHAIN_TARGET else "MISSES"
    print(
        f"\nSUMMARY: import hikisup_xl.excel = {ratio:.2f}x import xlwings; "
        f"target <= {TARGET}x: {verdict}. check/number/expiries imports = {chain:.2f}x "
        f"import python_calamine, lxml.etree; target <= {CHAIN_TARGET}x: {chain_verdict}"
    )


if __name__ == "__main__":
    main()
