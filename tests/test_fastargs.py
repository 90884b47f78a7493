"""The fast entry's command-line reader (fastargs) against click's own parse of the same line.

For every line the fast path takes, its values must equal what the job's click command puts in
its context (same keys, same values, same types); every line it does not fully understand must
go to click (None). The real processes are compared in tests/test_entry.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
import pytest

from hikisup_xl import fastargs, registry
from hikisup_xl.cli import main

BOOK = "管理.xlsx"

# Lines the fast path reads: (argv). BOOK exists (a file), "out" does not, "folder" is a folder.
TAKEN = [
    ["check", BOOK],
    ["check", BOOK, "--today", "2026-11-26"],
    ["check", BOOK, "--today=R8.11.26"],
    ["check", "--today", "令和8年11月26日", BOOK],
    ["check", BOOK, "--today", "２０２６年１１月２６日（木）", "--json"],
    ["check", "--json", BOOK, "-o", "結果.xlsx", "--today", "2026/11/26"],
    ["check", BOOK, "--today=", "--output=結果.xlsx"],  # an empty date: the job refuses it
    ["check", BOOK, "--today", "来年"],  # a wrong date: the job refuses it, naming --today
    ["number", BOOK, "--today", "R8.11.26", "--output", "採番後.xlsx"],
    ["number", "ない.xlsx"],  # a missing workbook: the engine refuses it
    ["expiries", BOOK, "-o", "期限.xlsx"],
    ["expiries", BOOK, "--today", "2026-11-26(木)"],
    ["report", BOOK, "--fy", "R7", "--suppress", "0", "--out", "提出.xlsx"],
    ["report", BOOK, "--fy=令和7年度", "--suppress=10", "--password", "秘密"],
    ["report", BOOK, "--fy", "来年"],
    ["tidy", BOOK, "--dry-run"],
    ["migrate", BOOK, "名簿.csv", "--apply"],
    ["migrate", BOOK, "folder"],  # OPEN_FILE: click lets a folder through; the job refuses it
    ["import-roster", BOOK, "名簿.xlsx", "--password", "abc"],
    ["export-roster", BOOK, "out.xlsx"],
    ["candidates", BOOK, "D-001", "--today", "R8.11.26"],
    ["upgrade", BOOK, "-o", "new.xlsx"],
]

# Lines click must read (help, mistakes, prompts, groups, other command shapes).
HANDED_OVER = [
    [],
    ["--help"],
    ["--version"],
    ["check", "--help"],
    ["check", "-h"],
    ["check"],  # missing FILE
    ["check", BOOK, "余分.xlsx"],  # extra argument
    ["check", BOOK, "--today"],  # missing value
    ["check", BOOK, "--today", "--json"],  # a value that looks like an option
    ["check", BOOK, "--bogus"],
    ["check", BOOK, "--to", "2026-11-26"],  # no prefix matching
    ["check", BOOK, "--json=yes"],  # a flag with a value
    ["check", BOOK, "--today", "2026-11-26", "--today", "2026-11-27"],  # repeated
    ["check", BOOK, "-o", "a.xlsx", "--output", "b.xlsx"],  # repeated under two spellings
    ["check", BOOK, "-o結果.xlsx"],  # a short option's attached value
    ["check", BOOK, "-o=結果.xlsx"],
    ["check", BOOK, "--", "x"],
    ["check", "-"],  # "-" as the file
    ["check", "folder"],  # a folder as the workbook: click refuses it
    ["check", BOOK, "-o", "folder"],
    ["check", BOOK, "-o", ""],  # an empty path
    ["check", ""],
    ["number", BOOK, "--json"],  # number has no --json
    ["report", BOOK, "--suppress", "三"],  # not an integer
    ["report", BOOK, "--suppress", "-1"],
    ["report", BOOK, "--suppress", "３"],  # full-width digits: click's int() would take them
    ["report", BOOK, "--password", "-"],  # asks at the prompt
    ["export-roster", BOOK, "out.xlsx", "--password", "-"],
    ["export-roster", BOOK, "folder"],  # SAVE_FILE: not a folder
    ["tidy", BOOK, "--dry-run=1"],
    ["forms", "修了証書", BOOK],  # its own command shape
    ["new", "新.xlsx"],  # no workbook to open
    ["consolidate", "folder", "out.xlsx"],
    ["template", "build"],
    ["addin", "build"],
    ["demo"],
    ["checks", BOOK],  # no such job
]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / BOOK).write_bytes(b"PK\x03\x04")
    (tmp_path / "名簿.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "名簿.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(fastargs.FORCE_CLICK, raising=False)
    return tmp_path


def _clicks(argv: list[str]) -> dict[str, Any]:
    """What the job's click command hands its callback for `argv`."""
    command = main.commands[argv[0]]
    with command.make_context(argv[0], list(argv[1:])) as ctx:
        return dict(ctx.params)


@pytest.mark.parametrize("argv", TAKEN, ids=" ".join)
def test_a_line_the_fast_path_takes_gives_click_s_values(here: Path, argv: list[str]) -> None:
    parsed = fastargs.parse(argv)
    assert parsed is not None
    job, values = parsed
    assert job is registry.JOB_BY_NAME[argv[0]]
    clicked = _clicks(argv)
    assert values == clicked
    assert {k: type(v) for k, v in values.items()} == {k: type(v) for k, v in clicked.items()}


@pytest.mark.parametrize("argv", HANDED_OVER, ids=lambda a: " ".join(a) or "(nothing)")
def test_anything_else_goes_to_click(here: Path, argv: list[str]) -> None:
    assert fastargs.parse(argv) is None


def test_click_refuses_or_reads_differently_what_is_handed_over(here: Path) -> None:
    # The hand-overs above are not timid: click does refuse these lines (its own words).
    for argv in (
        ["check", "folder"],
        ["check", BOOK, "--bogus"],
        ["report", BOOK, "--suppress", "三"],
        ["check", BOOK, "--today"],
    ):
        with pytest.raises(click.UsageError):
            _clicks(argv)
    # and reads this one with the last value winning, which the fast path does not guess
    assert _clicks(["check", BOOK, "--today", "a", "--today", "b"])["today"] == "b"


def test_every_workbook_job_with_a_generated_command_is_taken(here: Path) -> None:
    taken = {argv[0] for argv in TAKEN}
    generated = {j.name for j in registry.JOBS if j.workbook and not j.command}
    assert generated == taken


def test_forcing_click_and_shell_completion_hand_over(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["check", BOOK]
    assert fastargs.parse(argv) is not None
    monkeypatch.setenv(fastargs.FORCE_CLICK, "1")
    assert fastargs.parse(argv) is None
    monkeypatch.delenv(fastargs.FORCE_CLICK)
    monkeypatch.setenv("_HIKISUP_COMPLETE", "bash_complete")
    assert fastargs.parse(argv) is None


def test_on_windows_what_click_would_expand_goes_to_click(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastargs, "ON_WINDOWS", True)
    assert fastargs.parse(["check", BOOK, "--today", "R8.11.26"]) is not None
    for typed in (
        "~/管理.xlsx",
        "%USERPROFILE%\\管理.xlsx",
        "$HOME/a.xlsx",
        "管理*.xlsx",
        "[a].xlsx",
    ):
        assert fastargs.parse(["check", typed]) is None, typed


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_workbook_goes_to_click(here: Path) -> None:
    (here / BOOK).chmod(0)
    assert fastargs.parse(["check", BOOK]) is None
