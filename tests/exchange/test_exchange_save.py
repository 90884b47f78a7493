"""An exchange file (roster, 提出ファイル, 集約) is saved through the one atomic save
(safety.save_beside, replace=False): the same bytes for the same workbook, checked, encrypted
on request, and never put over a file, not even one that appears while it is written."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import msoffcrypto
import pytest
from openpyxl import Workbook

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import leftovers, safety
from hikisup_xl.files import xlsxout
from hikisup_xl.files.fileformat import KIND_ROSTER

DAY = dt.date(2026, 4, 1)


def _book() -> Workbook:
    wb = xlsxout.new_workbook(KIND_ROSTER, "テスト", DAY)
    xlsxout.add_manifest(wb, [("形式", "テスト")])
    return wb


def test_the_same_workbook_gives_the_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    xlsxout.save_exchange(_book(), a, DAY, None)
    xlsxout.save_exchange(_book(), b, DAY, None)
    assert a.read_bytes() == b.read_bytes()
    assert zipfile.ZipFile(a).testzip() is None
    assert leftovers.abandoned(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "a.xlsx",
        "b.xlsx",
    ]


def test_an_encrypted_file_opens_with_its_password(tmp_path: Path) -> None:
    out = tmp_path / "暗号.xlsx"
    xlsxout.save_exchange(_book(), out, DAY, "kagi")
    assert out.read_bytes()[:8] == safety.OLE_MAGIC
    with out.open("rb") as fh:
        msoffcrypto.OfficeFile(fh).load_key(password="kagi", verify_password=True)


def test_an_existing_file_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "ある.xlsx"
    out.write_bytes(b"someone's file")
    with pytest.raises(HikisupError, match="すでにあります"):
        xlsxout.save_exchange(_book(), out, DAY, None)
    assert out.read_bytes() == b"someone's file"
    assert [p.name for p in tmp_path.iterdir()] == ["ある.xlsx"]


@pytest.mark.parametrize("password", [None, "kagi"])
def test_a_file_that_appears_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    out = tmp_path / "後から.xlsx"
    checked = safety.refuse_if_open

    def saved_meanwhile(path: Path) -> None:  # the last check before the file is put in place
        checked(path)
        out.write_bytes(b"saved meanwhile")

    monkeypatch.setattr(safety, "refuse_if_open", saved_meanwhile)
    with pytest.raises(HikisupError, match="上書きせずに中止しました"):
        xlsxout.save_exchange(_book(), out, DAY, password)
    assert out.read_bytes() == b"saved meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["後から.xlsx"]  # no temporary file left


def test_a_broken_result_is_never_put_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs on the written file: an encryption that left no OLE container (or a
    zip that does not read back) goes nowhere."""
    monkeypatch.setattr(xlsxout, "encrypt", lambda data, password: b"not encrypted at all")
    out = tmp_path / "壊れ.xlsx"
    with pytest.raises(HikisupError, match="検証に失敗"):
        xlsxout.save_exchange(_book(), out, DAY, "kagi")
    assert list(tmp_path.iterdir()) == []
