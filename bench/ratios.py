"""Each job's ratio to the floor (python-calamine reading every sheet), in one run.

    python bench/ratios.py [--scale municipal|prefecture] [--repeat 5]

A quicker companion of run.py for work in progress: the floor and the actions only (check,
number, expiries, report), interleaved `--repeat` times on fresh copies of run.py's cached
workbook (generated if missing), each a whole process timed from spawn to reap; prints the
medians and each job's ratios of time and peak memory to the floor of the same run. The machine is shared: only ratios taken in
one run compare.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=run.SCALES, default="municipal")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=run.BENCH_DIR / "out")
    args = parser.parse_args()
    out = args.out.resolve()
    command = [sys.executable, run.__file__, "--generate", args.scale, "--out", str(out)]
    subprocess.run(command, check=True)
    import hikisup_xl

    package = str(Path(hikisup_xl.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=False)
    env = {**os.environ, "HIKISUP_HOME": str(out / "home")}
    source = out / f"hikisup_{args.scale}.xlsx"
    results = run.measure(args.scale, source, out / "work", args.repeat, env)
    wanted = [r for r in results if r.spec.label == run.FLOOR_LABEL or r.spec.kind == "action"]
    text, failures = run.table(args.scale, wanted, args.repeat)
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(text)
    print("\nSUMMARY: " + ("; ".join(failures) if failures else "every target met."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
