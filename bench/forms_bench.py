"""Benchmark: N filled 修了証書 into one PDF (target: 100 in at most 3 s), phase by phase.

    python bench/forms_bench.py [--count 100] [--repeat 5] [--out DIR] [--regen]

A municipal-scale demo workbook (400 trainees) is generated once in a child process and cached
in DIR (default bench/out/, git-ignored). Every run then works on a fresh copy (copied before
the clock starts) in its own process, which does what `hikisup forms 修了証書 BOOK <N numbers>
--pdf` does: open the workbook with the default engine (as the CLI does), read it, lay out and
write the N sheets, convert them with one LibreOffice process, append the 操作履歴 row and save.

Each run reports its phases, timed inside the child around the functions that do them:

    python    interpreter start and exit (wall from spawn to reap, minus the child's own clock)
    imports   importing hikisup_xl's engine and forms modules
    read      opening the workbook and reading 設定 and the tables the form needs
    layout    building the N Sheets (forms/certificate.py)
    write     writing the forms .xlsx (forms/render.py, through safety.save_beside)
    LO start  LibreOffice starting and stopping: a separate process in the same run converts a
              one-cell workbook the same way; its time is taken as the start-up
    convert   the rest of the LibreOffice time: loading the N sheets, laying out, writing PDF
    log+save  the 操作履歴 row and the workbook's save

Wall seconds and CPU seconds (user + system; LibreOffice's from RUSAGE_CHILDREN) per phase. The
machine is shared: CPU seconds do not grow with other people's load, wall seconds do. The warm
LibreOffice profile lives under DIR/home/cache (HIKISUP_HOME); the first run starts without one
and is shown apart. It measures; it never fails on a slow result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TARGET_S = 3.0
TODAY = "2026-11-26"

GENERATE = """
import json, sys, datetime as dt
from pathlib import Path
from hikisup_xl import demo
from hikisup_xl.engine.files import save_atomic
from hikisup_xl.template import build_workbook
from hikisup_xl.core import schema
out, count = Path(sys.argv[1]), int(sys.argv[2])
rows = demo.generate(dt.date.fromisoformat(sys.argv[3]), demo.MUNICIPAL, mistakes=False)
save_atomic(build_workbook(demo.DEMO_SETTINGS, rows), out, keep_backup=False)
pos = schema.TRAINEES.columns.index(schema.TRAINEES.col("cert_no"))
numbers = [r[pos] for r in rows["trainees"] if r[pos]]
if len(numbers) < count:
    sys.exit(f"only {len(numbers)} certificates in the demo workbook")
print(json.dumps(numbers[:count]))
"""

# Marks are (wall, own CPU, children's CPU) at each point; the parent turns them into phases.
DRIVER = """
import json, resource, sys, time
def mark():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter(), me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime)
marks = {"start": mark()}
import datetime as dt
from pathlib import Path
from hikisup_xl.engine.choose import open_workbook
from hikisup_xl.forms import action
from hikisup_xl.forms.pdf import converter_for
from hikisup_xl.forms.select import Selection
marks["imported"] = mark()
book, out, today = Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
ids = tuple(json.loads(sys.argv[4]))

def timed(name, fn):
    def wrapper(*args, **kwargs):
        marks.setdefault(name + "_in", mark())
        try:
            return fn(*args, **kwargs)
        finally:
            marks[name + "_out"] = mark()
    return wrapper

action.load_book = timed("read", action.load_book)
action.render = timed("render", action.render)
for name in ("save_beside", "save_atomic"):  # the writer's save, whichever this version has
    if hasattr(action, name):
        setattr(action, name, timed("write", getattr(action, name)))
class Timed:
    def __init__(self, inner):
        self.inner, self.name = inner, inner.name
        self.stacks_pages = getattr(inner, "stacks_pages", False)
    def convert(self, jobs):
        marks["convert_in"] = mark()
        self.inner.convert(jobs)
        marks["convert_out"] = mark()
engine = open_workbook(book)
result = action.forms(engine, today, "修了証書", Selection(ids), out, True,
                      converter=Timed(converter_for(engine)))
marks["end"] = mark()
kib = 1024
print(json.dumps({
    "sheets": result.counts["sheets"],
    "marks": marks,
    "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib,
    "soffice_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib,
}))
"""

# LibreOffice's start-up, measured the same way: one tiny sheet through the same converter.
START = """
import resource, sys, time
from pathlib import Path
from hikisup_xl.forms.layout import Grid
from hikisup_xl.forms.pdf import converter_for
from hikisup_xl.forms.render import render
work = Path(sys.argv[1])
grid = Grid()
grid.line(10, "x")
render([grid.sheet("x")]).save(work / "tiny.xlsx")
converter = converter_for(object())
t0 = time.perf_counter()
converter.convert([(work / "tiny.xlsx", work / "tiny.pdf")])
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - t0, kids.ru_utime + kids.ru_stime)
"""

PHASES = ("python", "imports", "read", "layout", "write", "LO start", "convert", "log+save")


def workbook(out: Path, count: int, regen: bool) -> tuple[Path, list[str]]:
    path = out / "forms_bench.xlsx"
    ids_path = out / f"forms_bench_{count}.json"
    if regen or not path.exists() or not ids_path.exists():
        out.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ...", flush=True)
        done = subprocess.run(
            [sys.executable, "-c", GENERATE, str(path), str(count), TODAY],
            capture_output=True,
            text=True,
            check=True,
        )
        ids_path.write_text(done.stdout, encoding="utf-8")
    return path, json.loads(ids_path.read_text(encoding="utf-8"))


def _child(argv: list[str], work: Path, env: dict[str, str]) -> tuple[str, float]:
    """Run a child; its stdout and its wall time from spawn to reap."""
    stdout_path, stderr_path = work / "stdout.txt", work / "stderr.txt"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env)
        _pid, status, _usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = stderr_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"the run failed ({code}):\n{tail}")
    return stdout_path.read_text(encoding="utf-8").strip().splitlines()[-1], wall


def run_once(book: Path, ids: list[str], work: Path, env: dict[str, str]) -> dict[str, float]:
    # LibreOffice's start-up first, in its own process, with the same profile state.
    line, _wall = _child([sys.executable, "-c", START, str(work)], work, env)
    start_wall, start_cpu = (float(x) for x in line.split())

    copy = work / "book.xlsx"
    shutil.copyfile(book, copy)
    out = work / "certificates.xlsx"
    argv = [sys.executable, "-c", DRIVER, str(copy), str(out), TODAY, json.dumps(ids)]
    line, wall = _child(argv, work, env)
    child = json.loads(line)
    m = {k: tuple(v) for k, v in child["marks"].items()}

    def span(a: str, b: str) -> tuple[float, float]:
        """Wall and CPU (own + children's) from mark a to mark b."""
        return m[b][0] - m[a][0], (m[b][1] - m[a][1]) + (m[b][2] - m[a][2])

    lo_wall, lo_cpu = span("convert_in", "convert_out")
    phases = {
        "imports": span("start", "imported"),
        "read": span("imported", "read_out"),
        "layout": span("read_out", "render_in"),
        "write": span("render_in", "write_out"),
        "LO start": (min(start_wall, lo_wall), min(start_cpu, lo_cpu)),
        "convert": (lo_wall - min(start_wall, lo_wall), lo_cpu - min(start_cpu, lo_cpu)),
        "log+save": span("convert_out", "end"),
    }
    inside_wall = m["end"][0] - m["start"][0]
    phases["python"] = (wall - inside_wall, float("nan"))
    figures = {f"{name} wall": w for name, (w, _c) in phases.items()}
    figures |= {f"{name} cpu": c for name, (_w, c) in phases.items()}
    figures["wall"] = wall
    figures["cpu"] = m["end"][1] + m["end"][2]  # the whole child: Python and LibreOffice
    figures["python_peak_mib"] = child["python_peak_mib"]
    figures["soffice_peak_mib"] = child["soffice_peak_mib"]
    figures["pages"] = float(_pages(out.with_suffix(".pdf")))
    figures["cli wall"], figures["cli cpu"] = _cli(book, ids, work, env)
    return figures


def _cli(book: Path, ids: list[str], work: Path, env: dict[str, str]) -> tuple[float, float]:
    """The same job through the command a clerk types: wall and CPU (with LibreOffice's)."""
    copy = work / "cli.xlsx"
    shutil.copyfile(book, copy)
    script = shutil.which("hikisup", path=str(Path(sys.executable).parent))
    head = [script] if script else [sys.executable, "-c", "from hikisup_xl.cli import main; main()"]
    argv = [*head, "forms", "修了証書", str(copy), *ids, "--pdf", "--today", TODAY]
    errors = work / "cli_stderr.txt"
    with errors.open("wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        tail = errors.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"hikisup forms failed:\n{tail}")
    return wall, usage.ru_utime + usage.ru_stime


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo") is None:
        return -1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def _table(title: str, runs: list[dict[str, float]]) -> None:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"\n{title}")
    print("| phase | wall s | CPU s |")
    print("|---|---:|---:|")
    for name in PHASES:
        cpu = med(f"{name} cpu")
        print(f"| {name} | {med(f'{name} wall'):.2f} | {'–' if cpu != cpu else f'{cpu:.2f}'} |")
    print(f"| **total** | **{med('wall'):.2f}** | **{med('cpu'):.2f}** |")
    print(
        f"| hikisup forms … --pdf (the CLI, same job) | {med('cli wall'):.2f} | {med('cli cpu'):.2f} |"
    )
    walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
    print(
        f"pages {int(med('pages'))}; peak RSS: Python {med('python_peak_mib'):.0f} MiB, "
        f"LibreOffice {med('soffice_peak_mib'):.0f} MiB; wall of each run: {walls}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="runs with a warm profile")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument("--regen", action="store_true")
    args = parser.parse_args()
    book, ids = workbook(args.out, args.count, args.regen)
    home = args.out / "home"
    shutil.rmtree(home, ignore_errors=True)  # the first run meets no cached profile
    home.mkdir(parents=True)
    env = dict(os.environ, HIKISUP_HOME=str(home))
    runs = []
    for n in range(args.repeat + 1):
        work = args.out / f"forms_run{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        runs.append(run_once(book, ids, work, env))
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"\n{args.count} filled 修了証書 → one PDF; load average {load[0]:.2f} {load[1]:.2f}")
    _table("first run (no cached LibreOffice profile yet)", runs[:1])
    _table(f"median of {args.repeat} runs with the cached profile", runs[1:])
    wall = statistics.median(r["wall"] for r in runs[1:])
    verdict = "PASS" if wall <= TARGET_S else "FAIL"
    print(f"SUMMARY: {verdict} {wall:.2f} s (target: at most {TARGET_S:.0f} s wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
