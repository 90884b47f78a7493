"""Refusals: a Japanese message, exit code 2, and not one byte written anywhere."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import base_world, invoke, world_rows, write_workbook
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from hikisup_xl.engine.files import save_atomic
from hikisup_xl.engine.safety import OLE_MAGIC

pytestmark = pytest.mark.usefixtures("collect_garbage")

DAY = "2026-11-26"
VERBS = ("check", "number", "expiries")

DirState = dict[str, tuple[bytes, int]]


def _state(directory: Path) -> DirState:
    """Every file in `directory` with its bytes and modification time."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir() if p.is_file()
    }


def _refused(path: Path, *extra: object, verb: str = "check") -> str:
    """Run `verb` on `path`; assert a clean refusal that changed nothing; return stderr."""
    before = _state(path.parent)
    result = invoke(verb, path, "--today", DAY, *extra)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("エラー：")
    assert result.stdout == ""
    assert _state(path.parent) == before
    return result.stderr


@pytest.fixture
def hikisup_file(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "名簿.xlsx", world_rows(base_world()))


@pytest.mark.parametrize("verb", VERBS)
def test_missing_file(tmp_path: Path, verb: str) -> None:
    err = _refused(tmp_path / "ない.xlsx", verb=verb)
    assert "見つかりません" in err
    assert not (tmp_path / "ない.xlsx").exists()


@pytest.mark.parametrize("suffix", [".xls", ".csv", ".xlsm"])
def test_wrong_extension(hikisup_file: Path, suffix: str) -> None:
    other = hikisup_file.with_suffix(suffix)
    hikisup_file.rename(other)
    assert ".xlsx ファイルではありません" in _refused(other)


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "メモ.xlsx"
    path.write_text("氏名,電話\n山田,055\n", encoding="utf-8")
    assert "Excelファイルではありません" in _refused(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "圧縮.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "Excelブックではありません" in _refused(path)


def test_encrypted_or_old_format_file(tmp_path: Path) -> None:
    path = tmp_path / "暗号化.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 504)
    assert "パスワード" in _refused(path)


def test_plain_workbook_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "普通.xlsx"
    wb = Workbook()
    wb.active.append(["氏名", "電話"])  # type: ignore[union-attr]
    wb.save(path)
    assert "hikisup のブックではありません" in _refused(path)


def test_sheet_deleted(hikisup_file: Path) -> None:
    wb = load_workbook(hikisup_file)
    del wb["当事者"]
    save_atomic(wb, hikisup_file, keep_backup=False)
    err = _refused(hikisup_file)
    assert "当事者" in err
    assert "必要なシートの表がありません" in err


def test_table_deleted(hikisup_file: Path) -> None:
    wb = load_workbook(hikisup_file)
    del wb["事故報告"].tables["tAccidents"]
    save_atomic(wb, hikisup_file, keep_backup=False)
    assert "事故報告" in _refused(hikisup_file, verb="number")


def test_column_renamed(hikisup_file: Path) -> None:
    wb = load_workbook(hikisup_file)
    wb["登録名簿"]["F1"] = "〒"  # was 郵便番号
    save_atomic(wb, hikisup_file, keep_backup=False)
    assert "郵便番号" in _refused(hikisup_file)


@pytest.mark.parametrize("verb", VERBS)
def test_open_in_excel(hikisup_file: Path, verb: str) -> None:
    lock = hikisup_file.with_name("~$" + hikisup_file.name)
    lock.write_bytes(b"\0" * 165)
    assert "Excelで開かれています" in _refused(hikisup_file, verb=verb)


@pytest.mark.parametrize(
    ("label", "value"),
    [("期限警告日数", "abc"), ("報告期限日数", -3), ("登録期間の決め方", "永久")],
)
def test_corrupt_setting_is_named(hikisup_file: Path, label: str, value: object) -> None:
    wb = load_workbook(hikisup_file)
    ws = wb["設定"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == label]
    ws.cell(row=row, column=2, value=value)
    save_atomic(wb, hikisup_file, keep_backup=False)
    err = _refused(hikisup_file, verb="number")
    assert f"設定「{label}」" in err
    assert str(value) in err


# ------------------------------------------------------------- parts a re-save would drop

X14_EXT = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:dataValidations count="1" '
    b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<x14:dataValidation type="list" allowBlank="1"><x14:formula1>'
    b"<xm:f>Sheet2!$B$2:$B$3</xm:f></x14:formula1><xm:sqref>D2:D10</xm:sqref>"
    b"</x14:dataValidation></x14:dataValidations></ext></extLst>"
)
SHAPE = (
    b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
    b'<xdr:twoCellAnchor><xdr:sp macro="" textlink=""><xdr:nvSpPr/></xdr:sp>'
    b"</xdr:twoCellAnchor></xdr:wsDr>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _craft(src: Path, dst: Path, kind: str) -> None:
    """Copy a real hikisup workbook, adding what Excel would add for `kind`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if kind == "x14" and info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", X14_EXT + b"</worksheet>")
            zout.writestr(info, data)
        if kind == "image":
            zout.writestr("xl/media/image1.png", PNG)
        if kind == "shape":
            zout.writestr("xl/drawings/drawing99.xml", SHAPE)  # the template has drawing1


LOSSES = [("image", "画像"), ("shape", "図形"), ("x14", "拡張形式の入力規則")]


@pytest.fixture
def openpyxl_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The openpyxl engine (HIKISUP_ENGINE=openpyxl) is the one that would lose these parts."""
    monkeypatch.setenv("HIKISUP_ENGINE", "openpyxl")


@pytest.mark.parametrize(("kind", "label"), LOSSES)
def test_the_default_engine_keeps_what_openpyxl_would_lose(
    hikisup_file: Path, kind: str, label: str
) -> None:
    crafted = hikisup_file.with_name("加工.xlsx")
    _craft(hikisup_file, crafted, kind)
    with zipfile.ZipFile(crafted) as z:
        before = {n: z.read(n) for n in z.namelist() if "media" in n or "drawings" in n}
    result = invoke("number", crafted, "--today", DAY)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(crafted) as z:
        assert {n: z.read(n) for n in before} == before
        if kind == "x14":
            assert any(b"x14:dataValidations" in z.read(n) for n in z.namelist() if "sheet" in n)
    log = CalamineWorkbook.from_path(str(crafted)).get_sheet_by_name("操作履歴").to_python()
    assert log[1][2] == "採番"


@pytest.mark.usefixtures("openpyxl_engine")
@pytest.mark.parametrize(("kind", "label"), LOSSES)
def test_content_a_save_would_lose_is_refused(hikisup_file: Path, kind: str, label: str) -> None:
    crafted = hikisup_file.with_name("加工.xlsx")
    _craft(hikisup_file, crafted, kind)
    hikisup_file.unlink()
    err = _refused(crafted, verb="number")
    assert label in err
    assert "--output" in err


@pytest.mark.usefixtures("openpyxl_engine")
@pytest.mark.parametrize(("kind", "label"), LOSSES)
def test_output_elsewhere_keeps_the_original(hikisup_file: Path, kind: str, label: str) -> None:
    crafted = hikisup_file.with_name("加工.xlsx")
    _craft(hikisup_file, crafted, kind)
    before = crafted.read_bytes(), crafted.stat().st_mtime_ns
    other = crafted.with_name("結果.xlsx")
    result = invoke("check", crafted, "--today", DAY, "--output", other)
    assert result.exit_code == 0, result.output
    assert (crafted.read_bytes(), crafted.stat().st_mtime_ns) == before
    assert not crafted.with_name("加工.bak.xlsx").exists()
    wb = load_workbook(other)
    assert [c.value for c in wb["操作履歴"][2]][2] == "チェック"


def test_refusal_is_logged_in_hikisup_home(tmp_path: Path, _hikisup_home: Path) -> None:
    _refused(tmp_path / "ない.xlsx")
    log = (_hikisup_home / "hikisup.log").read_text(encoding="utf-8")
    assert "\tcheck\t" in log
    assert "拒否" in log
