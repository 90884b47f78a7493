"""Benchmark: N filled 修了証書 into one PDF (target: 100 in under 15 s), wall time and peak memory.

    python bench/forms_bench.py [--count 100] [--repeat 3] [--out DIR] [--regen]

A municipal-scale demo workbook (400 trainees) is generated once in a child process and cached
in DIR (default bench/out/, git-ignored). Every run then works on a fresh copy (copied before
the clock starts) in its own process, which does what `hikisup forms 修了証書 BOOK <N numbers>
--pdf` does: read the workbook, lay out and write the N sheets, convert them with one
LibreOffice process, and append the 操作履歴 row (re-saving the workbook).

Reported per run: wall time from spawn to reap; inside the child, the time until the .xlsx is
written and the time in LibreOffice; peak RSS of the Python process (its own ru_maxrss) and of
LibreOffice (the child's RUSAGE_CHILDREN ru_maxrss, i.e. the largest process it waited for).
This script imports nothing from hikisup_xl itself, so its own size does not leak into the
child's ru_maxrss across fork + exec. It measures; it never fails on a slow result.
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
TARGET_S = 15.0
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

DRIVER = """
import json, resource, sys, time, datetime as dt
t0 = time.perf_counter()
from pathlib import Path
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.pdf import converter_for
from hikisup_xl.forms.select import Selection
book, out, today = Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
ids = tuple(json.loads(sys.argv[4]))
marks = {}
class Timed:
    def __init__(self, inner):
        self.inner, self.name = inner, inner.name
    def convert(self, jobs):
        marks["xlsx_done"] = time.perf_counter()
        self.inner.convert(jobs)
        marks["pdf_done"] = time.perf_counter()
engine = FileEngine(book)
result = forms(engine, today, "修了証書", Selection(ids), out, True,
               converter=Timed(converter_for(engine)))
t1 = time.perf_counter()
kib = 1024
print(json.dumps({
    "sheets": result.counts["sheets"],
    "to_xlsx_s": marks["xlsx_done"] - t0,
    "libreoffice_s": marks["pdf_done"] - marks["xlsx_done"],
    "after_s": t1 - marks["pdf_done"],
    "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib,
    "soffice_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib,
}))
"""


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


def run_once(book: Path, ids: list[str], work: Path) -> dict[str, float]:
    copy = work / "book.xlsx"
    shutil.copyfile(book, copy)
    out = work / "certificates.xlsx"
    argv = [sys.executable, "-c", DRIVER, str(copy), str(out), TODAY, json.dumps(ids)]
    stdout_path, stderr_path = work / "stdout.txt", work / "stderr.txt"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
        _pid, status, _usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = stderr_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"the run failed ({child.returncode}):\n{tail}")
    stdout_text = stdout_path.read_text(encoding="utf-8")
    figures: dict[str, float] = json.loads(stdout_text.strip().splitlines()[-1])
    figures["wall_s"] = wall
    figures["pages"] = float(_pages(out.with_suffix(".pdf")))
    return figures


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo") is None:
        return -1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument("--regen", action="store_true")
    args = parser.parse_args()
    book, ids = workbook(args.out, args.count, args.regen)
    runs = []
    for n in range(args.repeat):
        work = args.out / f"forms_run{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        runs.append(run_once(book, ids, work))
        shutil.rmtree(work, ignore_errors=True)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n{args.count} filled 修了証書 → one PDF; median of {len(runs)} runs; load {load:.2f}")
    print("| wall s | to .xlsx s | LibreOffice s | log+save s | Python MiB | soffice MiB | pages |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {med('wall_s'):.2f} | {med('to_xlsx_s'):.2f} | {med('libreoffice_s'):.2f} "
        f"| {med('after_s'):.2f} | {med('python_peak_mib'):.0f} | {med('soffice_peak_mib'):.0f} "
        f"| {int(med('pages'))} |"
    )
    verdict = "PASS" if med("wall_s") < TARGET_S else "FAIL"
    print(f"SUMMARY: {verdict} (target: under {TARGET_S:.0f} s wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
