"""Saving: atomic, with a backup, refused while Excel has the file; a crash leaves nothing."""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from conftest import base_world, world_rows

from hikisup_xl import actions
from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import safety, zipcopy
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.engine.safety import backup_path

from .util import TODAY, build

DirState = dict[str, bytes]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("src") / "名簿.xlsx", world_rows(base_world()))


@pytest.fixture
def book(source: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "folder"
    folder.mkdir()
    yield Path(shutil.copyfile(source, folder / source.name))


def _state(folder: Path) -> DirState:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _break_after(monkeypatch: pytest.MonkeyPatch, calls: int, error: BaseException) -> list[int]:
    """Make the zip writer fail at its `calls`-th member, half-way through the new file."""
    seen = [0]
    original = zipcopy.write_payload

    def broken(out: BinaryIO, payload: bytes | memoryview) -> None:
        seen[0] += 1
        if seen[0] == calls:
            out.write(bytes(payload)[: len(payload) // 2])
            raise error
        original(out, payload)

    monkeypatch.setattr(zipcopy, "write_payload", broken)
    return seen


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_crash_mid_save_leaves_the_original_and_no_temp_file(
    book: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    before = _state(book.parent)
    seen = _break_after(monkeypatch, 10, error)
    with pytest.raises(type(error)):
        actions.number(PatchEngine(book), TODAY)
    assert seen[0] == 10  # it did fail half-way through writing
    assert _state(book.parent) == before  # byte-identical, no .~hikisup-*.xlsx, no backup


def test_a_file_that_fails_verification_is_not_swapped_in(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(book.parent)
    monkeypatch.setattr(zipfile.ZipFile, "testzip", lambda self: "xl/workbook.xml")
    with pytest.raises(HikisupError, match="検証に失敗しました"):
        actions.check(PatchEngine(book), TODAY)
    assert _state(book.parent) == before


def test_a_workbook_open_in_excel_is_refused(book: Path) -> None:
    lock = book.with_name("~$" + book.name)
    lock.write_bytes(b"\0" * 165)
    before = _state(book.parent)
    with pytest.raises(HikisupError, match="Excelで開かれています"):
        actions.check(PatchEngine(book), TODAY)
    assert _state(book.parent) == before


def test_excel_opening_the_file_during_the_save_is_noticed(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(book.parent)
    lock = book.with_name("~$" + book.name)
    original = zipcopy.write_payload

    def opening(out: BinaryIO, payload: bytes | memoryview) -> None:
        lock.write_bytes(b"\0")
        original(out, payload)

    monkeypatch.setattr(zipcopy, "write_payload", opening)
    with pytest.raises(HikisupError, match="Excelで開かれています"):
        actions.check(PatchEngine(book), TODAY)
    lock.unlink()
    assert _state(book.parent) == before


def test_a_file_changed_since_it_was_read_is_not_overwritten(book: Path) -> None:
    engine = PatchEngine(book)
    engine.write_snapshot([("001", "{}")])
    newer = book.read_bytes()  # meanwhile someone saves the workbook from elsewhere
    book.write_bytes(newer)
    os.utime(book, ns=(1_000_000_000, 1_000_000_000))
    with pytest.raises(HikisupError, match="読み込んだ後に別の操作で変更されました"):
        engine.save()
    assert book.read_bytes() == newer
    assert sorted(_state(book.parent)) == [book.name]


def test_the_previous_version_is_kept_as_the_backup(book: Path) -> None:
    original = book.read_bytes()
    assert backup_path(book) == safety.backup_path(book)  # the name every engine uses
    assert backup_path(book).name == "名簿.bak.xlsx"
    actions.number(PatchEngine(book), TODAY)
    assert backup_path(book).read_bytes() == original
    after_first = book.read_bytes()
    assert after_first != original
    actions.check(PatchEngine(book), TODAY)
    assert backup_path(book).read_bytes() == after_first
    assert sorted(_state(book.parent)) == ["名簿.bak.xlsx", "名簿.xlsx"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_the_workbook_keeps_its_permissions(book: Path) -> None:
    book.chmod(0o664)
    actions.check(PatchEngine(book), TODAY)
    assert book.stat().st_mode & 0o777 == 0o664


def test_output_elsewhere_leaves_the_original_untouched(book: Path, tmp_path: Path) -> None:
    original = book.read_bytes()
    out = tmp_path / "結果.xlsx"
    actions.check(PatchEngine(book, output=out), TODAY)
    assert book.read_bytes() == original
    assert sorted(_state(book.parent)) == [book.name]  # no backup of the original either
    assert len(PatchEngine(out).read_table(schema.LOG).rows) == 1
    assert PatchEngine(book).read_table(schema.LOG).rows == []


def test_a_read_only_folder_gives_a_japanese_message(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(book.parent)

    def denied(self: Path, target: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", denied)
    with pytest.raises(HikisupError, match="書き込めません"):
        actions.check(PatchEngine(book), TODAY)
    # The backup is renamed into place too (atomically), so nothing at all is left behind.
    assert _state(book.parent) == before
