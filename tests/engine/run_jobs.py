"""Run several `hikisup` command lines in one process, as the one-bad-cell tests need them
under an address-space limit (#10): `python run_jobs.py` reads a JSON list of argument lists
on stdin and prints one JSON line per run (args, exit code, stdout, stderr).

Only SystemExit is caught: an exception the command line let through, a Rust panic (a
BaseException) or a failed allocation ends this process, and the test sees it as such.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys

from hikisup_xl.cli import main


def run(args: list[str]) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args, prog_name="hikisup")
        except SystemExit as exc:
            code = exc.code
    return {"args": args, "code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


if __name__ == "__main__":
    for args in json.load(sys.stdin):
        print(json.dumps(run(args), ensure_ascii=False), flush=True)
