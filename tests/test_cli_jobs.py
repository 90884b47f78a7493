"""The commands generated from the job declarations: the same options as declared, a progress
bar on a terminal's stderr (never in --json output), the placeholder upgrade refusing."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import base_world, invoke, world_rows, write_workbook

from hikisup_xl import clibase, registry
from hikisup_xl.cli import main
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.jobs.ledger import check
from hikisup_xl.termbar import Bar, columns

TODAY = "2026-11-26"


def test_every_declared_option_is_on_its_command() -> None:
    for job in registry.JOBS:
        if job.command:  # its own command shape (forms)
            continue
        params = {p.name for p in main.commands[job.name].params}
        declared = {o.name for o in job.options if o.command_line}
        assert declared <= params, job.name
        assert ("file" in params) == job.workbook, job.name


def test_upgrade_on_a_current_workbook_changes_nothing(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {})
    before = path.read_bytes()
    result = invoke("upgrade", path)
    assert result.exit_code == 0 and "最新の形式" in result.stdout
    assert path.read_bytes() == before


def test_json_output_is_only_json_even_with_progress(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", world_rows(base_world()))
    result = invoke("check", path, "--json", "--today", TODAY)
    assert result.exit_code in (0, 1)
    assert isinstance(json.loads(result.stdout), list)
    assert result.stderr == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_workbook(tmp_path / "a.xlsx", world_rows(base_world()))
    terminal = _Terminal()
    monkeypatch.setattr(clibase.sys, "stderr", terminal)
    with clibase.progress_bar(True):
        check(FileEngine(path), dt.date(2026, 11, 26))
    shown = terminal.getvalue()
    assert "ブックを読み込んでいます" in shown and "100%" in shown


def test_no_bar_when_disabled_or_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_workbook(tmp_path / "a.xlsx", world_rows(base_world()))
    terminal = _Terminal()
    monkeypatch.setattr(clibase.sys, "stderr", terminal)
    with clibase.progress_bar(False):
        check(FileEngine(path), dt.date(2026, 11, 26))
    assert terminal.getvalue() == ""


def test_a_wrong_fiscal_year_or_day_is_refused_naming_its_option(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {})
    result = invoke("report", path, "--fy", "来年")
    assert result.exit_code == 2 and "--fy：" in result.stderr
    result = invoke("number", path, "--today", "令和7年2月30日")
    assert result.exit_code == 2 and "--today：" in result.stderr


def test_the_bar_redraws_in_place_and_covers_a_longer_line() -> None:
    out = io.StringIO()
    bar = Bar(out)
    bar.show(1, 4, "ブックを読み込んでいます")
    bar.show(4, 4, "保存")
    bar.close()
    first, second = out.getvalue().split("\r")[1:]
    assert first == "ブックを読み込んでいます  [" + "#" * 9 + "-" * 27 + "]   25%"
    assert second.startswith("保存  [" + "#" * 36 + "]  100%") and second.endswith(" \n")
    # full-width characters take two columns: the shorter line is padded over the longer one
    assert columns(second.rstrip("\n")) == columns(first)


def test_a_bar_that_drew_nothing_prints_nothing() -> None:
    out = io.StringIO()
    Bar(out).close()
    assert out.getvalue() == ""
