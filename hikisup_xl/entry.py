"""The `hikisup` console script and `python -m hikisup_xl`.

A declared job's plain command line (`hikisup check 管理.xlsx --today R7.4.1 --json`) is read
by fastargs.py and run by jobrun.py without importing click: every process start pays for its
imports, and click is a tenth of what check needs. Anything else (--help, a mistake, a prompt,
a group such as `template build`, forms) goes to the click command (cli.py) as it is, so every
error is worded by click alone. jobrun.run_job is the one run path of both.

As the process's own entry, main ends the process without tearing the interpreter down once
everything is written: freeing a prefecture-sized job's objects one by one costs about a
quarter of a second and serves nothing (`_end`).
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Sequence
from typing import NoReturn


def main(argv: Sequence[str] | None = None) -> None:
    """Run a `hikisup` command line; ends with SystemExit (its exit code).

    Without argv, this is the process's own entry (the console script, `python -m`): it
    reads sys.argv and ends the process itself (`_end`). With argv (in-process, e.g. a test)
    it raises SystemExit like click's main and leaves the interpreter alone.
    """
    try:
        _run(argv)
    except SystemExit as exc:
        if argv is None:
            _end(exc.code)
        raise


def _run(argv: Sequence[str] | None) -> None:
    from .fastargs import parse

    parsed = parse(sys.argv[1:] if argv is None else argv)
    if parsed is None:
        from .cli import main as click_main

        if argv is None:  # click reads sys.argv itself (and expands it on Windows, as ever)
            click_main()
        else:
            click_main(args=list(argv))
        return
    from .clibase import echo
    from .jobrun import run_job

    job, values = parsed
    # What click's main does around a command, for the same outcome on both paths:
    try:
        run_job(job, values)
    except (EOFError, KeyboardInterrupt):
        echo("", err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except BrokenPipeError:  # the reader of stdout went away (`| head`): end quietly
        sys.exit(1)


def _end(code: object) -> NoReturn:
    """End this process with `code` without the interpreter's teardown.

    Everything the teardown would do that matters is done first: stdout and stderr flushed,
    and every function registered with atexit run (engine.lock's release_all, the lock
    releases of weakref.finalize, logging's flush if anything loaded it), then os._exit. A
    code that is not a number (a message to print) and a thread still running (the
    interpreter waits for it) take the ordinary exit.
    """
    code = 0 if code is None else code
    threading = sys.modules.get("threading")
    if not isinstance(code, int) or (threading is not None and threading.active_count() > 1):
        raise SystemExit(code)
    if not _flushed():
        raise SystemExit(code)  # the interpreter reports what could not be written
    atexit._run_exitfuncs()
    if not _flushed():  # what an atexit function wrote
        raise SystemExit(code)
    os._exit(code)


def _flushed() -> bool:
    """Flush stdout and stderr; False when one cannot be written (but not for a reader gone
    away: that output is lost whichever way the process ends, as with click)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # pythonw: no console
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            continue
        except (OSError, ValueError):
            return False
    return True
