"""The command line of a declared job on a workbook, read without click (stdlib only).

`parse(argv)` gives the job and its values exactly as the job's click command would have
parsed them (cli.job_command: the FILE argument, the job's declared options, --today,
--output/-o, --json), or None for anything it does not fully understand: then click reads the
line and words any error itself, so no message exists twice. None for --help, -h, --version,
an unknown or repeated option, a missing value, a value starting with "-" (a prompt's "-"
too), a value click would convert or refuse (an existing directory given as a file...), extra
or missing arguments, a group (template build), a job with its own command shape (forms), a
job without a workbook, shell completion, and on Windows any argument click would expand
(~, $VAR, %VAR%, wildcards).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import registry
from .registry import Job

FORCE_CLICK = "HIKISUP_FORCE_CLICK"  # set (non-empty): click reads every command line
FILE = "file"  # the parameter type of a workbook argument (click.Path, dir_okay=False)
TEXT_TYPES = (registry.TEXT, registry.DATE, registry.FISCAL_YEAR, registry.CHOICE)
PATH_TYPES = (registry.OPEN_FILE, registry.SAVE_FILE, registry.FOLDER, FILE)
_DIR_OK = (registry.OPEN_FILE, registry.FOLDER)  # the path types click lets be a directory
WINDOWS_EXPANDS = "~$%*?["  # click expands these itself on Windows (glob, ~, variables)
ON_WINDOWS = os.name == "nt"


class _HandOverError(Exception):
    """Something the fast path does not read: click reads the line instead."""


def parse(argv: Sequence[str]) -> tuple[Job, dict[str, Any]] | None:
    """(job, values keyed as click names its parameters), or None: let click read argv."""
    if not argv or os.environ.get(FORCE_CLICK) or _click_would_rewrite(argv):
        return None
    job = registry.JOB_BY_NAME.get(argv[0])
    if job is None or job.command or not job.workbook:
        return None
    try:
        return job, _values(job, argv[1:])
    except _HandOverError:
        return None


def _click_would_rewrite(argv: Sequence[str]) -> bool:
    """Shell completion, or Windows, where click expands ~, variables and wildcards."""
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return True
    return ON_WINDOWS and any(c in arg for arg in argv for c in WINDOWS_EXPANDS)


def _values(job: Job, tokens: Sequence[str]) -> dict[str, Any]:
    # option spelling -> (parameter name, type); FLAG takes no value
    options: dict[str, tuple[str, str]] = {
        o.cli: (o.name, o.type) for o in job.options if o.command_line and o.cli
    }
    options["--today"] = ("today", registry.TEXT)
    options["--output"] = options["-o"] = ("output", FILE)
    if job.json_issues:
        options["--json"] = ("as_json", registry.FLAG)
    arguments = [("file", FILE)] + [
        (o.name, o.type) for o in job.options if o.command_line and not o.cli
    ]
    given: dict[str, Any] = {}
    typed: list[str] = []
    rest = list(tokens)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            typed.append(token)
            continue
        # click splits a long option at its first "="; a short one's "=..." would be its value
        spelling, equals, value = (
            token.partition("=") if token.startswith("--") else (token, "", "")
        )
        if spelling not in options:
            raise _HandOverError
        name, kind = options[spelling]
        if name in given:
            raise _HandOverError  # repeated: click takes the last one; let it
        if kind == registry.FLAG:
            if equals:
                raise _HandOverError
            given[name] = True
            continue
        if not equals:
            if not rest:
                raise _HandOverError
            value = rest.pop(0)
        given[name] = _convert(kind, value)
    if len(typed) != len(arguments):
        raise _HandOverError
    values = {
        name: _convert(kind, text) for (name, kind), text in zip(arguments, typed, strict=True)
    }
    for spelling, (name, kind) in options.items():
        if spelling != "-o":
            values[name] = given[name] if name in given else _default(job, name, kind)
    return values


def _default(job: Job, name: str, kind: str) -> Any:
    """What click gives a parameter left out: its declared default, converted by its type."""
    if kind == registry.FLAG:
        return False
    default = next((o.default for o in job.options if o.name == name), None)
    if default is None:
        return None
    if kind in PATH_TYPES:
        raise _HandOverError  # click would check the default path as typed: let it
    return _convert(kind, str(default))


def _convert(kind: str, value: str) -> Any:
    """The value as click's type for `kind` converts it; _HandOverError where click might
    refuse it or where the fast path cannot tell."""
    if value.startswith("-"):  # another option, a negative number or the prompt's "-"
        raise _HandOverError
    if kind in TEXT_TYPES or kind == registry.PASSWORD:
        return value
    if kind == registry.INT:
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            raise _HandOverError
        return int(value)
    if kind in PATH_TYPES and value:
        return _path(value, file_ok=kind != registry.FOLDER, dir_ok=kind in _DIR_OK)
    raise _HandOverError


def _path(value: str, *, file_ok: bool, dir_ok: bool) -> Path:
    """click.Path(path_type=Path, file_okay=file_ok, dir_okay=dir_ok): a path that does not
    exist is taken as typed; one that exists must be of the right kind and readable."""
    try:
        mode = os.stat(value).st_mode  # noqa: PTH116  # the string as typed, as click stats it
    except OSError:
        return Path(value)
    if (stat.S_ISREG(mode) and not file_ok) or (stat.S_ISDIR(mode) and not dir_ok):
        raise _HandOverError
    if not os.access(value, os.R_OK):
        raise _HandOverError
    return Path(value)
