"""The four commands as the main group will hold them: Japanese help, prompts, registration."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from roster_helpers import PREFECTURE, supporter, workbook

from hikisup_xl.cli import main

export_roster_cmd = main.commands["export-roster"]
import_roster_cmd = main.commands["import-roster"]
report_cmd = main.commands["report"]
consolidate_cmd = main.commands["consolidate"]

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
COMMANDS = {
    "export-roster": export_roster_cmd,
    "import-roster": import_roster_cmd,
    "report": report_cmd,
    "consolidate": consolidate_cmd,
}


@pytest.fixture
def group() -> click.Group:
    """A stand-in for `hikisup` with the commands registered the way cli.py will."""

    @click.group()
    def hikisup() -> None:
        """ひきこもりサポーター"""

    for cmd in COMMANDS.values():
        hikisup.add_command(cmd)
    return hikisup


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_japanese_help(group: click.Group, name: str) -> None:
    cmd = group.commands[name]
    assert cmd.name == name
    assert cmd.help and JAPANESE.search(cmd.help)
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help and JAPANESE.search(param.help), f"{name} {param.name}"
    result = CliRunner().invoke(group, [name, "--help"])
    assert result.exit_code == 0
    assert "この説明を表示して終了します" in result.stdout


def test_password_dash_asks_without_echo(tmp_path: Path) -> None:
    src = workbook(
        tmp_path / "pref.xlsx",
        [supporter("001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1))],
        PREFECTURE,
    )
    out = tmp_path / "locked.xlsx"
    result = CliRunner().invoke(
        export_roster_cmd, [str(src), str(out), "--password", "-"], input="abc\nabc\n"
    )
    assert result.exit_code == 0, result.output
    assert "abc" not in result.output
    assert out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"


def test_export_can_keep_the_source_untouched(tmp_path: Path) -> None:
    src = workbook(tmp_path / "pref.xlsx", [], PREFECTURE)
    before = src.read_bytes()
    logged = tmp_path / "pref_logged.xlsx"
    result = CliRunner().invoke(
        export_roster_cmd, [str(src), str(tmp_path / "r.xlsx"), "--output", str(logged)]
    )
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == before and logged.exists()
