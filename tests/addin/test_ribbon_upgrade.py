"""The ribbon's ブックの更新 on a workbook open in (the fake) Excel: asked with Excel's own
yes/no box, then the workbook is saved, closed, upgraded as a file and opened again; "no" and a
current workbook change nothing; a failure leaves the file as Excel saved it."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from conftest import TODAY
from engine.util import calamine_values, raw_members
from openpyxl import load_workbook
from upgrade.test_upgrade import DATA, STAFF_PARTS

from addin.fakexl import FakeBook
from hikisup_xl import excel
from hikisup_xl.core import schema
from hikisup_xl.engine.files import workbook_marker
from hikisup_xl.template import build_workbook

NAME = "管理.xlsx"


def _open(path: Path) -> FakeBook:
    """The workbook at `path`, open in the fake Excel."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns (in English) about the x14 extension
        book = FakeBook.from_openpyxl(load_workbook(path), path.name)
    book.path = str(path)
    return book


def _older(tmp_path: Path) -> Path:
    path = tmp_path / NAME
    shutil.copyfile(DATA, path)
    return path


def _marker(path: Path) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return workbook_marker(load_workbook(path))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".~", "~$")))


def test_yes_saves_closes_upgrades_the_file_and_opens_it_again(tmp_path: Path) -> None:
    path = _older(tmp_path)
    before_values, before_parts = calamine_values(path), raw_members(path)
    book = _open(path)
    book._app.answers = ["yes"]
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)

    (question, (prompt, _, mode)) = book._app.alerts
    assert "保存して閉じ" in question[0] and "開き直します" in question[0]
    assert [m for m, _ in book._app.dialogs] == ["alert"]  # Excel's own yes/no box
    assert book.events == ["save", "close"]
    assert mode == "info" and f"最新の形式（版{schema.SCHEMA_VERSION}）に更新しました" in prompt
    assert _marker(path) == str(schema.SCHEMA_VERSION)
    after_values, after_parts = calamine_values(path), raw_members(path)
    for sheet, values in before_values.items():  # every value kept
        if sheet == schema.STATS_SHEET:  # the old 年度集計's output: the template's now
            continue
        rows = after_values[sheet][: len(values)]
        assert [row[: len(old)] for row, old in zip(rows, values, strict=True)] == values
    for name in STAFF_PARTS:  # what staff made: byte for byte
        assert after_parts[name] == before_parts[name], name
    assert (tmp_path / "管理.bak.xlsx").read_bytes() == DATA.read_bytes()  # as Excel saved it
    (reopened,) = book._app.reopened  # the upgraded workbook, open again
    assert reopened.path == str(path) and not reopened.closed
    assert reopened.properties[schema.MARKER_PROPERTY] == str(schema.SCHEMA_VERSION)
    log = [r for r in reopened.table_rows("操作履歴", "tLog") if any(v is not None for v in r)]
    assert log[-1][2] == "ブックの更新"
    assert _leftovers(tmp_path) == []  # no temporary file, no lock left


def test_what_the_clerk_typed_and_did_not_save_is_kept(tmp_path: Path) -> None:
    path = _older(tmp_path)
    book = _open(path)
    data = book.data[schema.REGISTER.sheet]
    top, left, _, _ = data.tables[schema.REGISTER.table]
    name_col = left + schema.REGISTER.columns.index(schema.REGISTER.col("name"))
    data.write(top + 1, name_col, "保存前　入力")  # typed, not saved
    book._app.answers = ["yes"]
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    assert book._app.alerts[-1][2] == "info", book._app.alerts[-1][0]
    assert _marker(path) == str(schema.SCHEMA_VERSION)
    grid = calamine_values(path)[schema.REGISTER.sheet]
    assert grid[top][name_col - 1] == "保存前　入力"


def test_no_changes_nothing(tmp_path: Path) -> None:
    path = _older(tmp_path)
    before = path.read_bytes()
    book = _open(path)
    book._app.answers = ["no"]
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    assert len(book._app.alerts) == 1  # the question only
    assert book.events == [] and book._app.reopened == []
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]


def test_a_current_workbook_is_said_to_be_current_and_is_not_closed(tmp_path: Path) -> None:
    path = tmp_path / NAME
    build_workbook().save(path)
    before = path.read_bytes()
    book = _open(path)
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts  # no question
    assert mode == "info" and "最新の形式です" in prompt
    assert book.events == [] and book._app.dialogs == []
    assert path.read_bytes() == before


@pytest.mark.parametrize("reopens", [True, False])
def test_a_failed_upgrade_leaves_the_file_as_excel_saved_it_and_opens_it_again(
    tmp_path: Path, reopens: bool
) -> None:
    """A sheet whose table was deleted: the upgrade refuses; the file is as it was."""
    path = tmp_path / NAME
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(DATA)
    del wb[schema.DISPATCHES.sheet].tables[schema.DISPATCHES.table]
    wb.save(path)
    before = path.read_bytes()
    book = _open(path)
    book._app.answers = ["yes"]
    if not reopens:
        book._app.fail_reopen = RuntimeError("busy")
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    prompt, _, mode = book._app.alerts[-1]
    assert mode == "critical" and "表（テーブル「tDispatches」）がありません" in prompt
    assert "更新前のまま" in prompt and "予期しない" not in prompt
    assert ("開き直せませんでした" in prompt) is not reopens
    assert path.read_bytes() == before
    assert len(book._app.reopened) == int(reopens)
    assert _leftovers(tmp_path) == []


def test_a_crash_inside_the_save_leaves_the_file_and_opens_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hikisup_xl.engine import safety

    def crash(point: str) -> None:
        if point == "replace":  # the new file is written, not yet swapped in
            raise OSError("disk gone")

    monkeypatch.setattr(safety, "pause", crash)
    path = _older(tmp_path)
    before = path.read_bytes()
    book = _open(path)
    book._app.answers = ["yes"]
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    prompt, _, mode = book._app.alerts[-1]
    assert mode == "critical" and "変更していません" in prompt
    assert path.read_bytes() == before
    assert len(book._app.reopened) == 1
    assert _leftovers(tmp_path) == []


def test_a_workbook_not_saved_on_this_pc_is_refused_before_anything(tmp_path: Path) -> None:
    book = _open(_older(tmp_path))
    book.path = "https://example.sharepoint.com/sites/x/管理.xlsx"
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    ((prompt, _, mode),) = book._app.alerts
    assert mode == "critical" and "パソコン内のフォルダー" in prompt
    assert book.events == []


def test_a_workbook_reopen_excel_refuses_is_named_after_the_upgrade(tmp_path: Path) -> None:
    path = _older(tmp_path)
    book = _open(path)
    book._app.answers = ["yes"]
    book._app.fail_reopen = RuntimeError("busy")
    excel.dispatch("hikisupUpgrade", book=book, today=TODAY)
    prompt, _, mode = book._app.alerts[-1]
    assert mode == "info" and "更新しました" in prompt and "開き直せませんでした" in prompt
    assert str(path) in prompt
    assert _marker(path) == str(schema.SCHEMA_VERSION)
