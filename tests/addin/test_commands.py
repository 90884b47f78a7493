"""`hikisup addin build|install`, through the click group cli.py registers."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from hikisup_xl.addin import build, install
from hikisup_xl.addin.commands import addin_group

ROOT = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def run(*args: object) -> Result:
    result = CliRunner().invoke(addin_group, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize(
    "path", [(), ("build",), ("install",)], ids=lambda p: " ".join(p) or "addin"
)
def test_every_command_and_option_has_japanese_help(path: tuple[str, ...]) -> None:
    cmd: click.Command = addin_group
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    assert cmd.help and JAPANESE.search(cmd.help)
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help and JAPANESE.search(param.help), param.name
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "この説明を表示して終了します" in result.stdout


def test_build_writes_the_same_bytes_as_the_committed_addin(tmp_path: Path) -> None:
    result = run("build", "--out", tmp_path / "a.xlam")
    assert result.exit_code == 0, result.output
    assert "アドインを書き出しました" in result.stdout
    assert (tmp_path / "a.xlam").read_bytes() == (ROOT / "workbook" / "hikisup.xlam").read_bytes()


def test_install_puts_a_fresh_build_in_the_folder(tmp_path: Path) -> None:
    result = run("install", "--dir", tmp_path / "XLSTART")
    assert result.exit_code == 0, result.output
    installed = tmp_path / "XLSTART" / "hikisup.xlam"
    assert installed.read_bytes() == build.addin_bytes()
    assert f"アドインを配置しました：{installed}" in result.stdout


def test_install_a_given_file_replaces_the_old_copy(tmp_path: Path) -> None:
    source = tmp_path / "mine.xlam"
    with zipfile.ZipFile(source, "w") as zf:  # the atomic save checks it is a whole zip
        zf.writestr("new.txt", "new")
    (tmp_path / "XLSTART").mkdir()
    (tmp_path / "XLSTART" / "hikisup.xlam").write_bytes(b"PK old")
    assert run("install", "--file", source, "--dir", tmp_path / "XLSTART").exit_code == 0
    assert (tmp_path / "XLSTART" / "hikisup.xlam").read_bytes() == source.read_bytes()


def test_install_refuses_a_broken_addin_and_keeps_the_old_copy(tmp_path: Path) -> None:
    source = tmp_path / "broken.xlam"
    source.write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "XLSTART").mkdir()
    (tmp_path / "XLSTART" / "hikisup.xlam").write_bytes(b"PK old")
    assert run("install", "--file", source, "--dir", tmp_path / "XLSTART").exit_code != 0
    assert (tmp_path / "XLSTART" / "hikisup.xlam").read_bytes() == b"PK old"
    assert [p.name for p in (tmp_path / "XLSTART").iterdir()] == ["hikisup.xlam"]
    assert [p.name for p in (tmp_path / "XLSTART").iterdir()] == ["hikisup.xlam"]


def test_install_where_there_is_no_excel_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "startup_dir", lambda: None)
    result = run("install")
    assert result.exit_code == 2
    assert "Excel がないため、アドインを配置できません" in result.stderr
    assert "XLSTART" in result.stderr and "--dir" in result.stderr


def test_install_while_excel_holds_the_file_asks_to_close_excel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(self: Path, target: Path) -> Path:
        raise PermissionError(13, "in use")

    monkeypatch.setattr(Path, "replace", locked)
    result = run("install", "--file", ROOT / "workbook" / "hikisup.xlam", "--dir", tmp_path)
    assert result.exit_code == 2
    assert (
        "に書き込めません。Excelなどで開いていないか" in result.stderr
    )  # the one atomic save's words
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_startup_folders() -> None:
    home = Path("/Users/taro")
    win = install.startup_dir("win32", {"APPDATA": r"C:\Users\taro\AppData\Roaming"}, home)
    assert win is not None and win.parts[-3:] == ("Microsoft", "Excel", "XLSTART")
    mac = install.startup_dir("darwin", {}, home)
    assert (
        mac
        == home
        / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    )
    assert install.startup_dir("linux", {}, home) is None
    assert install.startup_dir("win32", {}, home) is None
    assert "xlwings runpython install" in install.next_steps("darwin")
