"""Benchmark of the prefecture's `consolidate` over many municipal 年度 reports.

    python bench/consolidate_bench.py [--municipalities 30] [--supporters 500] [--reports 5000]
                                      [--count N] [--out DIR] [--repeat 3] [--regen]

1. Builds (once, cached in DIR with a JSON stamp) one synthetic municipal workbook per
   municipality with `hikisup_xl.demo.generate` (its own seed and name each).
2. Runs `hikisup report FILE --fy 2025 --out ...` on each, as a separate process: the step each
   municipality takes before sending its file upward. Cached with the workbooks; its timings
   are printed for reference when they are made.
3. With `--count N` (national scale: `--count 1741`, Japan's municipalities), N upward files
   are made from those by copying them round-robin under new names (架空市0001 ...): only the
   実施主体 in the manifest and the title change, so each copy is a valid upward file of its
   own body (its checksum covers the data rows, which stay). Generating 1,741 municipalities
   for real would take hours; consolidation cost depends on the file count, not on whose
   figures they are.
4. Times `hikisup consolidate DIR OUT` over the upward files as a separate process, `--repeat`
   times, each into a fresh OUT. Target: under 10 s wall and under 500 MB peak (with
   `--count 1741`: under 60 s wall, still under 500 MB).

Wall time runs from spawn to reap. Peak memory is the child's ru_maxrss from os.wait4, taken
by a tiny `python -I -S` wrapper that spawns the child: Linux carries the spawner's resident
size into the child's ru_maxrss across fork + exec, so the benchmark must not spawn it itself.
The commands are not registered on the main `hikisup` group yet, so the children call their
click command objects directly. The script prints a markdown table and always exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 26)
FY = 2025
TARGET_WALL_S = 10.0
NATIONAL_COUNT = 1741
NATIONAL_WALL_S = 60.0
TARGET_PEAK_MB = 500
MB = 1000 * 1000

# Spawns argv[1:] (its stdout discarded), waits, prints "<wall s> <peak rss bytes> <exit code>".
WRAPPER = (
    "import os, sys, time\n"
    "t = time.perf_counter()\n"
    "quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]\n"
    "pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=quiet)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "wall = time.perf_counter() - t\n"
    "print(wall, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status))\n"
)
REPORT = "import sys; from hikisup_xl.cli import main; main.commands['report']()"
CONSOLIDATE = "import sys; from hikisup_xl.cli import main; main.commands['consolidate']()"


def measure(argv: list[str]) -> tuple[float, int, int]:
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", WRAPPER, *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, peak, code = proc.stdout.split()
    return float(wall), int(peak), int(code)


def prepare(out: Path, n: int, supporters: int, reports: int, *, regen: bool) -> Path:
    """The folder of upward files, made (and cached) from synthetic municipal workbooks."""
    from hikisup_xl.demo import DEMO_SETTINGS, Scale, generate
    from hikisup_xl.engine.files import save_atomic
    from hikisup_xl.template import build_workbook

    scale = Scale(
        trainees=supporters * 8 // 5,  # enough completed trainees to register `supporters`
        supporters=supporters,
        cases=max(10, supporters * 2 // 5),
        dispatches=reports // 5,
        reports=reports,
    )
    stamp = {"n": n, "scale": scale.__dict__, "today": TODAY.isoformat(), "fy": FY}
    books, inbox = out / "municipal", out / "inbox"
    stamp_path = out / "stamp.json"
    if not regen and stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp:
        print(f"using cached upward files in {inbox}")
        return inbox
    shutil.rmtree(books, ignore_errors=True)
    shutil.rmtree(inbox, ignore_errors=True)
    books.mkdir(parents=True)
    inbox.mkdir(parents=True)
    walls, peaks = [], []
    for i in range(1, n + 1):
        name = f"架空市{i:02d}"
        book = books / f"{name}.xlsx"
        t0 = time.perf_counter()
        rows = generate(TODAY, scale, seed=1000 + i, mistakes=False)
        settings = dataclasses.replace(DEMO_SETTINGS, body_name=name)
        save_atomic(build_workbook(settings, rows), book, keep_backup=False)
        made = time.perf_counter() - t0
        argv = [sys.executable, "-c", REPORT, str(book), "--fy", str(FY), "--today"]
        argv += [TODAY.isoformat(), "--out", str(inbox / f"{name}_{FY}.xlsx")]
        wall, peak, code = measure(argv)
        if code != 0:
            raise SystemExit(f"report failed for {name} (exit {code})")
        walls.append(wall)
        peaks.append(peak)
        counts = f"{len(rows['register'])} supporters, {len(rows['reports'])} reports"
        print(
            f"  {name}: generated in {made:.1f} s ({counts}); report {wall:.2f} s, {peak / MB:.0f} MB"
        )
    print(
        f"report per municipality: median {statistics.median(walls):.2f} s, "
        f"max {max(walls):.2f} s; peak median {statistics.median(peaks) / MB:.0f} MB"
    )
    stamp_path.write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return inbox


def _charrefs(text: str) -> bytes:
    """`text` as openpyxl's writer escapes it (every non-ASCII character as &#N;)."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode("ascii")


def _renamed(source: Path, target: Path, old: str, new: str) -> None:
    """A copy of the upward file `source` whose 実施主体 (and title) is `new` instead of `old`."""
    import zipfile

    pairs = [(old.encode(), new.encode()), (_charrefs(old), _charrefs(new))]
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for a, b in pairs:
                    part = part.replace(a, b)
            dst.writestr(info, part, compress_type=zipfile.ZIP_DEFLATED)


def national(out: Path, inbox: Path, count: int) -> Path:
    """`count` upward files copied round-robin from the generated ones, cached in DIR."""
    base = sorted(inbox.glob("*.xlsx"))
    target = out / f"inbox{count}"
    stamp = {"count": count, "base": [p.name for p in base]}
    stamp_path = out / f"stamp{count}.json"
    if stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp:
        print(f"using cached {count} upward files in {target}")
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    t0 = time.perf_counter()
    for i in range(1, count + 1):
        source = base[(i - 1) % len(base)]
        old = source.name.rsplit("_", 1)[0]
        new = f"架空市{i:04d}"
        _renamed(source, target / f"{new}_{FY}.xlsx", old, new)
    print(f"copied {count} upward files in {time.perf_counter() - t0:.1f} s")
    stamp_path.write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=30)
    parser.add_argument("--supporters", type=int, default=500)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out" / "consolidate")
    parser.add_argument("--count", type=int, default=0, help="upward files (1741: national)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regen", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HIKISUP_HOME", str(args.out / "home"))

    inbox = prepare(args.out, args.municipalities, args.supporters, args.reports, regen=args.regen)
    target_wall = TARGET_WALL_S
    if args.count:
        inbox = national(args.out, inbox, args.count)
        target_wall = NATIONAL_WALL_S
    files = sorted(inbox.glob("*.xlsx"))
    size = sum(p.stat().st_size for p in files) / MB
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):
            target = Path(tmp) / f"集約{k}.xlsx"
            argv = [sys.executable, "-c", CONSOLIDATE, str(inbox), str(target)]
            argv += ["--today", TODAY.isoformat(), "--body-name", "架空県"]
            wall, peak, code = measure(argv)
            samples.append((wall, peak, code))
    wall = statistics.median(s[0] for s in samples)
    peak = statistics.median(s[1] for s in samples) / MB
    ok = all(s[2] == 0 for s in samples)
    verdict = "PASS" if ok and wall < target_wall and peak < TARGET_PEAK_MB else "FAIL"
    load = os.getloadavg()
    print()
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print()
    print(
        f"| step | files | input MB | wall s (median of {args.repeat}) | peak MB | target | result |"
    )
    print("|---|---:|---:|---:|---:|---|---|")
    print(
        f"| consolidate | {len(files)} | {size:.1f} | {wall:.2f} | {peak:.0f} | "
        f"< {target_wall:.0f} s, < {TARGET_PEAK_MB} MB | {verdict} |"
    )
    print(
        f"\nSUMMARY consolidate {verdict}: {wall:.2f} s, {peak:.0f} MB, exit codes {[s[2] for s in samples]}"
    )


if __name__ == "__main__":
    main()
