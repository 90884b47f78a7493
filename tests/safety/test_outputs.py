"""#10.2 the .bak is atomic; #10.4 an output exists only with its 操作履歴 line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import invoke

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import safety, testhook
from hikisup_xl.engine.patch import PatchEngine

from .util import DAY, dir_state, history, make_workbook, readable, strays

pytestmark = pytest.mark.usefixtures("collect_garbage")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return make_workbook(tmp_path / "名簿.xlsx")


def _excel_opens(book: Path) -> None:
    book.with_name("~$" + book.name).write_bytes(b"\0" * 165)


# ------------------------------------------------------------------------ #10.2 the .bak


def test_a_failed_backup_keeps_the_previous_one(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("number", book, "--today", DAY).exit_code == 0
    bak = safety.backup_path(book)
    previous = bak.read_bytes()
    workbook = book.read_bytes()

    def die(point: str) -> None:
        if point == "bak":  # half of the new backup is on disk
            raise OSError("disk full")

    monkeypatch.setattr(safety, "pause", die)
    with pytest.raises(OSError):
        safety.save_beside(book, lambda p: p.write_bytes(workbook), keep_backup=True)
    assert bak.read_bytes() == previous and readable(bak)
    assert book.read_bytes() == workbook
    assert strays(book.parent) == []


def test_the_backup_is_the_version_before_the_save(book: Path) -> None:
    original = book.read_bytes()
    assert invoke("number", book, "--today", DAY).exit_code == 0
    assert safety.backup_path(book).read_bytes() == original
    assert testhook.POINTS  # the named points the kill trials use


# ---------------------------------------------------------------- #10.4 staged outputs


@pytest.mark.parametrize("job", ["export-roster", "report"])
def test_a_job_refused_because_excel_has_the_workbook_writes_nothing(book: Path, job: str) -> None:
    _excel_opens(book)
    out = book.with_name("渡す.xlsx")
    before = dir_state(book.parent)
    if job == "export-roster":
        result = invoke("export-roster", book, out, "--today", DAY)
    else:
        result = invoke("report", book, "--fy", "2026", "--out", out, "--today", DAY)
    assert result.exit_code == 2, result.output
    assert "Excelで開かれています" in result.stderr
    assert not out.exists()
    assert dir_state(book.parent) == before
    # and a retry once Excel is closed is not refused because the output exists
    book.with_name("~$" + book.name).unlink()
    if job == "export-roster":
        again = invoke("export-roster", book, out, "--today", DAY)
    else:
        again = invoke("report", book, "--fy", "2026", "--out", out, "--today", DAY)
    assert again.exit_code == 0, again.output
    assert out.exists()
    assert any(out.name in str(r[4]) for r in history(book))


def test_an_export_whose_record_fails_does_not_exist(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: PatchEngine) -> None:
        raise HikisupError("保存できませんでした（テスト）。")

    monkeypatch.setattr(PatchEngine, "save", refuse)
    out = book.with_name("渡す.xlsx")
    before = dir_state(book.parent)
    result = invoke("export-roster", book, out, "--today", DAY)
    assert result.exit_code == 2
    assert not out.exists()
    assert dir_state(book.parent) == before


def test_an_export_is_recorded_and_leaves_no_temporary_file(book: Path) -> None:
    out = book.with_name("渡す.xlsx")
    result = invoke("export-roster", book, out, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert readable(out)
    assert [r[4] for r in history(book)] == [out.name]
    assert strays(book.parent) == []


def test_staged_output_checks_everything_before_the_caller_writes(book: Path) -> None:
    out = book.with_name("渡す.xlsx")
    out.write_bytes(b"someone else's")
    with (
        pytest.raises(HikisupError, match="すでにあります"),
        safety.staged_output(out, workbook=book),
    ):
        pytest.fail("the block must not run")
    out.unlink()
    _excel_opens(book)
    with (
        pytest.raises(HikisupError, match="Excelで開かれています"),
        safety.staged_output(out, workbook=book),
    ):
        pytest.fail("the block must not run")
    assert not out.exists()
