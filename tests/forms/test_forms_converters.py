"""Choosing and driving the PDF converter, without LibreOffice or Excel (fakes stand in)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.forms.pdf import (
    NOT_UPGRADED,
    ExcelConverter,
    LibreOfficeConverter,
    cache_dir,
    converter_for,
    find_soffice,
    fonts_conf,
    warm_profile,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")


class FakeBook:
    def __init__(self, app: FakeApp, path: str) -> None:
        self.app, self.path = app, path

    def to_pdf(self, path: str) -> None:
        self.app.calls.append(("to_pdf", Path(self.path).name))
        Path(path).write_bytes(b"%PDF-1.4 fake")

    def close(self) -> None:
        self.app.calls.append(("close", Path(self.path).name))


class FakeBooks:
    def __init__(self, app: FakeApp) -> None:
        self.app = app

    def open(self, path: str, **options: Any) -> FakeBook:
        self.app.calls.append(("open", Path(path).name))
        return FakeBook(self.app, path)


class FakeApp:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.books = FakeBooks(self)


class LiveLike:
    """What the live engine exposes: its xlwings Book, whose app is Excel."""

    def __init__(self, app: FakeApp) -> None:
        self.book = type("Book", (), {"app": app})()


def test_a_live_engine_prints_through_excel(tmp_path: Path) -> None:
    app = FakeApp()
    converter = converter_for(LiveLike(app))
    assert isinstance(converter, ExcelConverter)
    xlsx = tmp_path / "帳票.xlsx"
    Workbook().save(xlsx)
    converter.convert([(xlsx, tmp_path / "帳票.pdf")])
    assert app.calls == [("open", "帳票.xlsx"), ("to_pdf", "帳票.xlsx"), ("close", "帳票.xlsx")]
    assert (tmp_path / "帳票.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["帳票.pdf", "帳票.xlsx"]


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_soffice_is_found_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _script(tmp_path / "soffice", "exit 0")
    monkeypatch.setenv("HIKISUP_SOFFICE", str(fake))
    assert find_soffice() == str(fake)
    monkeypatch.setenv("HIKISUP_SOFFICE", str(tmp_path / "missing"))
    assert find_soffice() is None
    with pytest.raises(HikisupError, match="LibreOffice（soffice）が見つかりません"):
        converter_for(object())


def test_one_soffice_call_converts_every_file_with_our_fontconfig(tmp_path: Path) -> None:
    seen = tmp_path / "argv.txt"
    # A stand-in soffice: records its arguments and FONTCONFIG_FILE, writes a PDF per input.
    fake = _script(
        tmp_path / "soffice",
        f'echo "$FONTCONFIG_FILE" > {seen}; for a in "$@"; do echo "$a" >> {seen}; done\n'
        'out=""; prev=""\n'
        'for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
        'for a in "$@"; do case "$a" in *.xlsx) b=$(basename "$a" .xlsx);'
        ' echo "%PDF" > "$out/$b.pdf";; esac; done',
    )
    jobs = []
    for name in ("修了証書", "登録証"):
        xlsx = tmp_path / f"{name}.xlsx"
        Workbook().save(xlsx)
        jobs.append((xlsx, tmp_path / f"{name}.pdf"))
    LibreOfficeConverter(str(fake)).convert(jobs)
    lines = seen.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("fonts.conf")
    assert sum(line.endswith(".xlsx") for line in lines) == 2  # both in the one call
    assert "--headless" in lines and "--convert-to" in lines
    assert any(line.startswith("-env:UserInstallation=file://") for line in lines)
    assert all(pdf.read_bytes().startswith(b"%PDF") for _x, pdf in jobs)


def test_libreoffice_failures_are_explained(tmp_path: Path) -> None:
    xlsx = tmp_path / "a.xlsx"
    Workbook().save(xlsx)
    failing = _script(tmp_path / "bad", "echo 'Error: source file could not be loaded' >&2; exit 1")
    with pytest.raises(HikisupError, match=r"終了コード 1：Error: source file"):
        LibreOfficeConverter(str(failing)).convert([(xlsx, tmp_path / "a.pdf")])
    silent = _script(tmp_path / "silent", "exit 0")
    with pytest.raises(HikisupError, match=r"「a\.pdf」を作成しませんでした"):
        LibreOfficeConverter(str(silent)).convert([(xlsx, tmp_path / "a.pdf")])
    slow = _script(tmp_path / "slow", "sleep 5 & sleep 5")  # a child keeps stderr open too
    with pytest.raises(HikisupError, match="終わらないため中止しました"):
        LibreOfficeConverter(str(slow), timeout=0.5).convert([(xlsx, tmp_path / "a.pdf")])
    assert not (tmp_path / "a.pdf").exists()


def test_the_fontconfig_file_maps_windows_fonts_to_ipaex() -> None:
    with fonts_conf() as conf:
        text = conf.read_text(encoding="utf-8")
    assert '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' in text
    for windows, ipaex in (
        ("ＭＳ 明朝", "IPAexMincho"),
        ("ＭＳ Ｐ明朝", "IPAexMincho"),
        ("游明朝", "IPAexMincho"),
        ("ＭＳ ゴシック", "IPAexGothic"),
        ("ＭＳ Ｐゴシック", "IPAexGothic"),
        ("游ゴシック", "IPAexGothic"),
        ("BIZ UDPゴシック", "IPAexGothic"),
    ):
        assert f"<family>{windows}</family><prefer><family>{ipaex}</family>" in text


# A stand-in soffice that tells a fresh profile from a warm one: it logs which it got, marks
# the profile warm, refuses a profile marked broken, and writes a PDF per input.
PROFILE_AWARE = (
    'prof=""; out=""; prev=""\n'
    'for a in "$@"; do case "$a" in -env:UserInstallation=file://*)'
    ' prof="${a#-env:UserInstallation=file://}";; esac;'
    ' [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
    'if [ -e "$prof/broken" ]; then echo "Error: broken profile" >&2; exit 1; fi\n'
    'if [ -e "$prof/warm" ]; then echo "warm $prof" >> "$LOG"; else echo "fresh $prof" >> "$LOG"; fi\n'
    'mkdir -p "$prof"; touch "$prof/warm"\n'
    'for a in "$@"; do case "$a" in *.xlsx) b=$(basename "$a" .xlsx);'
    ' echo "%PDF" > "$out/$b.pdf";; esac; done'
)


def _profile_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Path]:
    log = tmp_path / "runs.log"
    monkeypatch.setenv("LOG", str(log))
    fake = _script(tmp_path / "soffice", PROFILE_AWARE)
    xlsx = tmp_path / "帳票.xlsx"
    xlsx.write_bytes(b"x")

    def run() -> list[str]:
        LibreOfficeConverter(str(fake)).convert([(xlsx, tmp_path / "帳票.pdf")])
        assert (tmp_path / "帳票.pdf").read_bytes().startswith(b"%PDF")
        return log.read_text(encoding="utf-8").splitlines()[-1].split(" ", 1)

    return run, fake


def test_the_second_run_starts_from_a_warm_copy_of_the_cached_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, fake = _profile_run(tmp_path, monkeypatch)
    warm = warm_profile(str(fake))
    assert warm.parent == cache_dir() and not warm.exists()
    state, used = run()
    assert state == "fresh" and (warm / "warm").exists()  # kept for next time
    state, used_again = run()
    assert state == "warm"
    # Each run has its own copy in its own folder; the cached one is never used in place.
    assert used != used_again
    assert not Path(used_again).is_relative_to(warm)
    assert not Path(used_again).exists()  # the copy goes with the run's temporary folder


def test_a_broken_cached_profile_is_replaced_by_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, fake = _profile_run(tmp_path, monkeypatch)
    warm = warm_profile(str(fake))
    (warm / "user").mkdir(parents=True)
    (warm / "user" / "registrymodifications.xcu").write_text(NOT_UPGRADED, encoding="utf-8")
    (warm / "broken").touch()
    state, _used = run()  # the cached copy fails, then a fresh profile succeeds
    assert state == "fresh"
    assert (warm / "warm").exists() and not (warm / "broken").exists()


def test_a_cached_profile_that_was_never_told_it_is_not_upgraded_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, fake = _profile_run(tmp_path, monkeypatch)
    warm = warm_profile(str(fake))
    (warm / "user").mkdir(parents=True)
    (warm / "user" / "registrymodifications.xcu").write_text("<oor:items/>", encoding="utf-8")
    (warm / "warm").touch()
    state, _used = run()
    assert state == "fresh"  # LibreOffice would have run its self-tests on that one
    registry = (warm / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert registry == NOT_UPGRADED  # the fresh one, seeded, took its place


def test_the_cache_follows_the_platform_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIKISUP_CACHE", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("HIKISUP_CACHE")
    monkeypatch.setenv("HIKISUP_HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / "cache"
    monkeypatch.delenv("HIKISUP_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform not in ("win32", "darwin"):
        assert cache_dir() == tmp_path / "xdg" / "hikisup_xl"


def test_a_fresh_profile_is_told_it_needs_no_upgrade_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.xcu"
    fake = _script(
        tmp_path / "soffice",
        'for a in "$@"; do case "$a" in -env:UserInstallation=file://*)'
        ' prof="${a#-env:UserInstallation=file://}";; esac; done\n'
        f'cp "$prof/user/registrymodifications.xcu" {seen}',
    )
    xlsx = tmp_path / "a.xlsx"
    xlsx.write_bytes(b"x")
    with pytest.raises(HikisupError):  # the stand-in writes no PDF
        LibreOfficeConverter(str(fake)).convert([(xlsx, tmp_path / "a.pdf")])
    assert '<prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>99.9</value>' in (
        seen.read_text(encoding="utf-8")
    )
