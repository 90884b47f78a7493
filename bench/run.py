"""Whole-process benchmark of the `hikisup` CLI against the openpyxl / calamine floor.

    python bench/run.py [--scale municipal|prefecture|all] [--out DIR] [--repeat N] [--regen]
                        [--actions check,number,expiries,report]

For each scale it builds (once, then caches in DIR) a synthetic workbook with the demo
generator, then times as separate processes, each on a fresh copy of the workbook:

* the CLI actions `check`, `number`, `expiries` and `report` (年度集計 of 令和7年度) (wall time
  and the child's peak RSS);
* the floor: `import hikisup_xl.cli` alone, openpyxl `load_workbook` + `save`, openpyxl
  `load_workbook` alone, and python-calamine reading every sheet.

Copying the workbook is outside the timing. Each child is spawned by a tiny wrapper
(`python -I -S`, about 10 MiB) that times it from spawn to reap and takes its peak RSS from
`os.wait4`, the rusage of exactly that child. The wrapper is needed because Linux carries the
spawning process's resident size into the child's ru_maxrss across fork/vfork + exec; the
wrapper is smaller than any Python process measured. The workbooks are generated in a child
process too (`--generate SCALE`), so this process never holds them.

The script prints one markdown table per scale, marks each action PASS/FAIL against its target
and always exits 0: it measures, it does not test.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 26)
SEED = 2025
MIB = 1024 * 1024

# Targets (issue #14): each action against the floor, python-calamine reading every sheet in its
# own process, measured in the same run. (time ratio, memory ratio or None) per scale and action.
# report (年度集計): items 2 and 5, time only.
TARGETS: dict[str, dict[str, tuple[float, float | None]]] = {
    "municipal": {
        "check": (2.0, None),
        "number": (2.0, None),
        "expiries": (2.0, None),
        "report": (3.0, None),
    },
    "prefecture": {
        "check": (1.5, 2.0),
        "number": (2.0, 2.0),
        "expiries": (2.0, 2.0),
        "report": (2.0, None),
    },
}
FLOOR_LABEL = "floor: python-calamine read all sheets"

SCALES = ("municipal", "prefecture")
ACTIONS = ("check", "number", "expiries", "report")
# `check` exits 1 when the workbook has errors, which the planted mistakes guarantee.
OK_CODES = {"check": {0, 1}, "number": {0}, "expiries": {0}, "report": {0}}
# Each action's own arguments: report sums the last whole 年度 before TODAY (令和7年度).
ACTION_ARGS = {"report": ["--fy", "2025"]}

FLOOR_STARTUP = "import hikisup_xl.cli"
# Everything check/number/expiries import before work: the `hikisup` entry's click-free path
# (bench/import_bench.py's CLI_CHAIN), the job module and the patch engine.
FLOOR_IMPORTS = (
    "import hikisup_xl.entry, hikisup_xl.fastargs, hikisup_xl.jobrun, hikisup_xl.excel, "
    "hikisup_xl.engine.choose, hikisup_xl.jobs.ledger, hikisup_xl.engine.patch"
)
FLOOR_LOAD_SAVE = (
    "import sys\n"
    "from openpyxl import load_workbook\n"
    "wb = load_workbook(sys.argv[1])\n"
    "wb.save(sys.argv[2])\n"
)
FLOOR_LOAD = "import sys\nfrom openpyxl import load_workbook\nload_workbook(sys.argv[1])\n"
FLOOR_CALAMINE = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
    "for name in wb.sheet_names:\n"
    "    wb.get_sheet_by_name(name).to_python()\n"
)


@dataclass
class Spec:
    """One thing to time: a label, how to build its argv, and the exit codes that mean success."""

    label: str
    kind: str  # "action" or "floor"
    argv: list[str]  # "{in}" and "{out}" are replaced by the fresh copy and an output path
    ok_codes: set[int] = field(default_factory=lambda: {0})


@dataclass
class Sample:
    wall_s: float
    peak_bytes: int
    returncode: int
    stderr_tail: str = ""
    wrapper_peak_bytes: int = 0  # a child cannot be measured below this
    cpu_s: float = float("nan")  # user + system CPU time: less at the mercy of a loaded machine


@dataclass
class Result:
    spec: Spec
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def cpu_s(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return statistics.median(s.peak_bytes for s in self.samples) / MIB

    @property
    def errors(self) -> list[Sample]:
        return [s for s in self.samples if s.returncode not in self.spec.ok_codes]


# -- workbooks ---------------------------------------------------------------------------------
def scale_params(name: str) -> object:
    from hikisup_xl import demo

    return {"municipal": demo.MUNICIPAL, "prefecture": demo.PREFECTURE}[name]


# The package modules that decide what the generated workbook holds. The package changes while
# the benchmark is in use, so a cached workbook is reused only while these are byte-identical.
WORKBOOK_SOURCES = (
    "demo.py",
    "template.py",
    "core/schema.py",
    "core/settings.py",
    "core/numbering.py",
    "engine/styles.py",
)


def source_fingerprint() -> str:
    import hikisup_xl

    root = Path(hikisup_xl.__file__).parent
    digest = hashlib.sha256()
    for name in WORKBOOK_SOURCES:
        digest.update(name.encode())
        source = root / name
        digest.update(source.read_bytes() if source.exists() else b"(missing)")
    return digest.hexdigest()[:16]


def workbook_for(scale: str, out: Path, *, regen: bool) -> Path:
    """The cached workbook for `scale`, generated if missing or made with other parameters."""
    from hikisup_xl.demo import DEMO_SETTINGS, generate
    from hikisup_xl.engine.files import save_atomic
    from hikisup_xl.template import build_workbook

    params = scale_params(scale)
    path = out / f"hikisup_{scale}.xlsx"
    stamp_path = out / f"hikisup_{scale}.json"
    stamp = {
        "today": TODAY.isoformat(),
        "seed": SEED,
        "mistakes": True,
        "scale": dataclasses.asdict(params),  # type: ignore[call-overload]
        "sources": source_fingerprint(),
    }
    if not regen and path.exists() and stamp_path.exists():
        try:
            if json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
                print(f"[{scale}] using cached {path} ({path.stat().st_size / MIB:.1f} MiB)")
                return path
        except ValueError:
            pass
    print(f"[{scale}] generating {path} ...", flush=True)
    t0 = time.perf_counter()
    rows = generate(TODAY, params, seed=SEED, mistakes=True)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    wb = build_workbook(DEMO_SETTINGS, rows)
    t2 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, path, keep_backup=False)
    t3 = time.perf_counter()
    counts = ", ".join(f"{k} {len(v)}" for k, v in rows.items() if v)
    del wb, rows
    gc.collect()
    stamp_path.write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    print(
        f"[{scale}] generate {t1 - t0:.1f} s, build_workbook {t2 - t1:.1f} s, "
        f"save {t3 - t2:.1f} s; {path.stat().st_size / MIB:.1f} MiB ({counts})",
        flush=True,
    )
    return path


# -- running one child -------------------------------------------------------------------------
def cli_launcher() -> tuple[list[str], str]:
    """The installed console script (what a clerk runs), else the same entry point via -c."""
    script = Path(sys.executable).parent / "hikisup"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)], str(script)
    entry = "from hikisup_xl.entry import main; main()"
    return [sys.executable, "-c", entry], f"{sys.executable} -c <main()>"


# The child is started by this wrapper, not by the benchmark itself: Linux carries the spawning
# process's resident size into the child's ru_maxrss across fork/vfork + exec, and a bare
# `python -I -S` holding only `os` is smaller than any Python process we measure.
WRAPPER = """\
import os, resource, sys, time
report, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_pid, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
# The wrapper's own high-water mark (its ru_maxrss would include what its parent carried in).
try:
    with open("/proc/self/status") as fh:
        own = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(report, "w") as fh:
    cpu = usage.ru_utime + usage.ru_stime
    fh.write(f"{wall!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {own} {cpu!r}")
"""


def run_child(argv: list[str], env: dict[str, str], scratch: Path) -> Sample:
    """Run argv to completion; wall time from spawn to reap, peak RSS from the child's rusage."""
    report = scratch / "wait4.txt"
    report.unlink(missing_ok=True)
    with tempfile.TemporaryFile() as err:
        wrapper = [sys.executable, "-I", "-S", "-c", WRAPPER, str(report)]
        code = subprocess.run(
            wrapper + argv, stdout=subprocess.DEVNULL, stderr=err, env=env, check=False
        ).returncode
        err.seek(0)
        tail = "\n".join(err.read().decode("utf-8", "replace").strip().splitlines()[-5:])
    if code != 0 or not report.exists():
        return Sample(float("nan"), 0, -1, tail or f"wrapper exit {code}")
    wall, child_kib, returncode, wrapper_kib, cpu = report.read_text().split()
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    unit = 1 if sys.platform == "darwin" else 1024
    return Sample(
        float(wall),
        int(child_kib) * unit,
        int(returncode),
        tail,
        int(wrapper_kib) * unit,
        float(cpu),
    )


def specs(
    *, with_openpyxl: bool = False, actions: tuple[str, ...] = ACTIONS
) -> tuple[list[Spec], str]:
    launcher, launcher_name = cli_launcher()
    py = sys.executable
    today = TODAY.isoformat()
    items = [
        Spec("start-up (import hikisup_xl.cli)", "floor", [py, "-c", FLOOR_STARTUP]),
        Spec("imports an action needs", "floor", [py, "-c", FLOOR_IMPORTS]),
        Spec(FLOOR_LABEL, "floor", [py, "-c", FLOOR_CALAMINE, "{in}"]),
    ]
    if with_openpyxl:  # the old bar, for reference only (slow at prefecture scale)
        items += [
            Spec("openpyxl load+save", "floor", [py, "-c", FLOOR_LOAD_SAVE, "{in}", "{out}"]),
            Spec("openpyxl load only", "floor", [py, "-c", FLOOR_LOAD, "{in}"]),
        ]
    for verb in actions:
        argv = [*launcher, verb, "{in}", *ACTION_ARGS.get(verb, []), "--today", today]
        items.append(Spec(f"hikisup {verb}", "action", argv, OK_CODES[verb]))
    return items, launcher_name


def measure(
    scale: str,
    source: Path,
    work: Path,
    repeat: int,
    env: dict[str, str],
    *,
    with_openpyxl: bool = False,
    actions: tuple[str, ...] = ACTIONS,
) -> list[Result]:
    items, _ = specs(with_openpyxl=with_openpyxl, actions=actions)
    results = [Result(s) for s in items]
    work.mkdir(parents=True, exist_ok=True)
    # Round-robin over the repetitions, so drift in the machine spreads over every row.
    for rep in range(repeat):
        for result in results:
            for stale in work.iterdir():
                if stale.is_file():
                    stale.unlink()
            fresh = work / f"{scale}.xlsx"
            shutil.copyfile(source, fresh)  # outside the timing
            out = work / f"{scale}.saved.xlsx"
            argv = [
                a.replace("{in}", str(fresh)).replace("{out}", str(out)) for a in result.spec.argv
            ]
            sample = run_child(argv, env, work)
            result.samples.append(sample)
            flag = "" if sample.returncode in result.spec.ok_codes else "  <-- FAILED"
            if sample.peak_bytes <= sample.wrapper_peak_bytes:
                flag += "  (peak not above the wrapper's RSS: an upper bound)"
            print(
                f"[{scale}] run {rep + 1}/{repeat} {result.spec.label:34s} "
                f"{sample.wall_s:7.2f} s {sample.cpu_s:6.2f} s CPU {sample.peak_bytes / MIB:8.1f} MiB "
                f"rc={sample.returncode}{flag}",
                flush=True,
            )
            if flag and sample.stderr_tail:
                print("    " + sample.stderr_tail.replace("\n", "\n    "), flush=True)
    for stale in work.iterdir():
        if stale.is_file():
            stale.unlink()
    return results


# -- reporting ---------------------------------------------------------------------------------
def verdict(scale: str, result: Result, floor: Result) -> tuple[str, str, list[str]]:
    """(target text, PASS/FAIL, reasons for failing) for one action row."""
    if result.errors:
        return "exits cleanly", "FAIL", [f"exit code {result.errors[0].returncode}"]
    time_max, mem_max = TARGETS[scale][result.spec.label.split()[-1]]
    target = f"≤ {time_max}× time" + (f", ≤ {mem_max}× mem" if mem_max else "")
    t_ratio = result.wall_s / floor.wall_s
    m_ratio = result.peak_mib / floor.peak_mib
    reasons = []
    if t_ratio > time_max:
        reasons.append(f"time {t_ratio:.2f}× > {time_max}×")
    if mem_max and m_ratio > mem_max:
        reasons.append(f"memory {m_ratio:.2f}× > {mem_max}×")
    return target, ("FAIL" if reasons else "PASS"), reasons


def table(scale: str, results: list[Result], repeat: int) -> tuple[str, list[str]]:
    floor = next(r for r in results if r.spec.label == FLOOR_LABEL)
    lines = [
        f"### {scale} (median of {repeat} run{'s' if repeat > 1 else ''})",
        "",
        "| action | wall s | CPU s | peak MiB | time × floor | CPU × floor | mem × floor "
        "| target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    failures = []
    for r in results:
        t_ratio = r.wall_s / floor.wall_s
        m_ratio = r.peak_mib / floor.peak_mib
        if r.spec.kind == "action":
            target, mark, reasons = verdict(scale, r, floor)
            failures += [f"{scale} {r.spec.label}: {why}" for why in reasons]
        else:
            target, mark = "(floor)", "ERROR" if r.errors else "—"
            if r.errors:
                failures.append(f"{scale} {r.spec.label}: exit code {r.errors[0].returncode}")
        lines.append(
            f"| {r.spec.label} | {r.wall_s:.2f} | {r.cpu_s:.2f} | {r.peak_mib:.0f} | "
            f"{t_ratio:.2f} | {r.cpu_s / floor.cpu_s:.2f} | {m_ratio:.2f} | {target} | {mark} |"
        )
    return "\n".join(lines), failures


def command_output(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(unavailable)"


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def machine() -> str:
    cpu = "(unknown)"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    mem = command_output(["free", "-h"]).splitlines()
    mem_line = " ".join(mem[1].split()[:2]) if len(mem) > 1 else "(unavailable)"
    _, launcher = specs()
    return "\n".join(
        [
            f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
            f"- machine: {platform.node()} {platform.machine()}, CPU {cpu}, "
            f"nproc {command_output(['nproc'])}, {mem_line} (free -h)",
            f"- Python {platform.python_version()} ({sys.executable}), "
            f"openpyxl {version('openpyxl')}, python-calamine {version('python-calamine')}, "
            f"lxml {version('lxml')}",
            f"- CLI launched as: {launcher}",
            f"- load average at report time: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("municipal", "prefecture", "all"), default="municipal")
    parser.add_argument(
        "--out", type=Path, default=BENCH_DIR / "out", help="cache and scratch directory"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per row (default 3 municipal, 1 prefecture)"
    )
    parser.add_argument("--regen", action="store_true", help="regenerate cached workbooks")
    parser.add_argument(
        "--openpyxl", action="store_true", help="also time openpyxl load (+save), the old bar"
    )
    parser.add_argument(
        "--actions",
        default=",".join(ACTIONS),
        help=f"comma-separated actions to time (default {','.join(ACTIONS)})",
    )
    parser.add_argument("--generate", choices=SCALES, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)

    if args.generate:  # the child that builds one workbook, so the parent stays small
        workbook_for(args.generate, args.out.resolve(), regen=args.regen)
        return 0

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    scales = list(SCALES) if args.scale == "all" else [args.scale]
    # Keep the CLI's log out of the user's home directory.
    env = {**os.environ, "HIKISUP_HOME": str(out / "home")}

    # A clerk's install has its .pyc files; a checkout run with PYTHONDONTWRITEBYTECODE=1 would
    # compile every module on every run and time the compiler.
    import hikisup_xl

    package = str(Path(hikisup_xl.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=False)

    print(machine(), flush=True)
    tables, failures = [], []
    for scale in scales:
        source = out / f"hikisup_{scale}.xlsx"
        command = [sys.executable, __file__, "--generate", scale, "--out", str(out)]
        done = subprocess.run(command + (["--regen"] if args.regen else []), check=False)
        if done.returncode != 0 or not source.exists():
            print(f"[{scale}] could not generate the workbook (exit {done.returncode})")
            failures.append(f"{scale}: workbook generation failed")
            continue
        repeat = args.repeat or (3 if scale == "municipal" else 1)
        actions = tuple(a for a in args.actions.split(",") if a)
        unknown = set(actions) - set(ACTIONS)
        if unknown:
            parser.error(f"unknown actions: {', '.join(sorted(unknown))}")
        results = measure(
            scale, source, out / "work", repeat, env, with_openpyxl=args.openpyxl, actions=actions
        )
        text, failed = table(scale, results, repeat)
        tables.append(text)
        failures += failed

    print()
    print(machine())
    print()
    print("\n\n".join(tables))
    print()
    if failures:
        print(f"SUMMARY: {len(failures)} target(s) missed: " + "; ".join(failures))
    else:
        print("SUMMARY: every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
