"""Running a declared job from the command line, without click: its options' values, the job
under a progress bar, the log line, what is printed and the exit code.

The one run path of both front doors: the click command of a job (cli.job_command) and the
fast entry (entry.py) hand it the same values, as click would have parsed them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from . import registry
from .applog import os_user, write_log
from .clibase import echo, fail, parse_choice, parse_day, parse_fiscal_year, progress_bar
from .registry import Job

MAX_ISSUES = 30  # issues listed on the terminal (--json gives them all)


def job_values(job: Job, values: dict[str, Any]) -> dict[str, Any]:
    """The job's keyword arguments from what was typed (a password asked for at the prompt)."""
    kwargs: dict[str, Any] = {}
    for option in job.options:
        if not option.command_line or option.name not in values:
            continue
        value = values[option.name]
        if option.type == registry.PASSWORD:
            if value == "-":  # only the click command gets here: the fast entry hands "-" over
                from .clihelp import ask_password

                value = ask_password(value, confirm=option.confirm)
        elif option.type == registry.FISCAL_YEAR:
            value = parse_fiscal_year(value, option.cli)
        elif option.type == registry.DATE:
            value = parse_day(value, option.cli)
        elif option.choices:
            value = parse_choice(value, option.choices, option.cli or option.name)
        kwargs[option.name] = value
    return kwargs


def run_job(job: Job, values: dict[str, Any]) -> NoReturn:
    """Run a declared job from the command line: one refusal funnel, the log, the output.

    `values` are the command line's, keyed by parameter name as click names them ("file",
    each option's name, "today", "output", "as_json"). Ends with SystemExit (the exit code).
    """
    from .excel import resolve

    file: Path | None = values.get("file") if job.workbook else None
    # What the log names: the workbook, or the job's first positional argument (new's file,
    # consolidate's folder); options typed before it come first in `values`.
    first = next((o.name for o in job.options if o.command_line and not o.cli), None)
    target = str(file if file is not None else values.get(first, "") if first else "")
    as_json = bool(values.get("as_json"))
    try:
        day = parse_day(values.get("today")) or dt.date.today()
        kwargs = job_values(job, values)
        function = resolve(job.function)
        with progress_bar(not as_json):
            engine = _engine(job, file, values.get("output")) if file is not None else None
            result = function(engine, day, **kwargs)
    except Exception as exc:
        fail(job.name, target, exc)
    write_log(os_user(), job.name, target, "成功", " / ".join(result.lines[:1]))
    if as_json:
        echo(json.dumps([i.as_dict() for i in result.issues], ensure_ascii=False, indent=1))
    else:
        for line in result.lines:
            echo(line)
        for issue in result.issues[:MAX_ISSUES]:
            tag = job.issue_tag or issue.severity
            echo(f"  [{tag}] {issue.location()}: {issue.message}")
        if len(result.issues) > MAX_ISSUES:
            echo(f"  …ほか{len(result.issues) - MAX_ISSUES}件")
    sys.exit(result.exit_code if job.errors_exit_1 else int(result.failed))


def _engine(job: Job, file: Path, output: Path | None) -> Any:
    if job.engine == "upgrade":
        from .engine.upgrading import open_for_upgrade

        return open_for_upgrade(file, output=output)
    from .engine.choose import open_workbook

    return open_workbook(file, output=output)
