"""#10.9: the hostile corpus through every job: refused (exit 2, Japanese), nothing written.

A workbook (or a roster to import) whose zip names a part outside the package, carries a VBA
project or declares a DTD in any XML part is refused before anything parses it, with the
files already refused before (encrypted, not a zip, no workbook.xml, a zip bomb).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import invoke

from hikisup_xl.engine.safety import OLE_MAGIC

from .util import DAY, dir_state, make_workbook

pytestmark = pytest.mark.usefixtures("collect_garbage")

DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'


def _with_part(name: str, data: bytes) -> Callable[[Path, Path], None]:
    def craft(src: Path, dst: Path) -> None:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, zin.read(info))
            zout.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)

    return craft


def _doctype_in(part: str) -> Callable[[Path, Path], None]:
    def craft(src: Path, dst: Path) -> None:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == part:
                    data = (
                        DOCTYPE + data.split(b"?>", 1)[-1]
                        if data.startswith(b"<?")
                        else DOCTYPE + data
                    )
                zout.writestr(info, data)

    return craft


def _utf16_doctype(src: Path, dst: Path) -> None:
    """The same DTD in a UTF-16 part: a byte search for b"<!DOCTYPE" would miss it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/app.xml":
                text = data.decode("utf-8").split("?>", 1)[-1]
                data = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []>' + text).encode(
                    "utf-16"
                )
            zout.writestr(info, data)


def _bytes(data: bytes) -> Callable[[Path, Path], None]:
    def craft(src: Path, dst: Path) -> None:
        dst.write_bytes(data)

    return craft


def _no_workbook(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(dst, "w") as zf:
        zf.writestr("readme.txt", "hello")


CORPUS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "parent_dir_entry": (_with_part("../evil", b"x"), "名前が不正"),
    "absolute_entry": (_with_part("/etc/evil", b"x"), "名前が不正"),
    "backslash_entry": (_with_part("..\\..\\evil.xml", b"<a/>"), "名前が不正"),
    "drive_letter_entry": (_with_part("C:/Windows/evil.xml", b"<a/>"), "名前が不正"),
    "vba_project": (_with_part("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 60), "マクロ"),
    "doctype_custom_props": (_doctype_in("docProps/custom.xml"), "文書型宣言"),
    "doctype_sheet": (_doctype_in("xl/worksheets/sheet1.xml"), "文書型宣言"),
    "doctype_utf16": (_utf16_doctype, "文書型宣言"),
    "zip_bomb": (_with_part("xl/media/pad.bin", b"\0" * 8_000_000), "異常に大きく展開"),
    "encrypted_or_old": (_bytes(OLE_MAGIC + b"\0" * 504), "パスワード"),
    "text_renamed": (_bytes("氏名,電話\n山田,055\n".encode()), "Excelファイルではありません"),
    "no_workbook_part": (_no_workbook, "workbook.xml"),
}

JOBS: dict[str, Callable[[Path, Path, Path], list[object]]] = {
    "check": lambda wb, out, roster: ["check", wb],
    "number": lambda wb, out, roster: ["number", wb],
    "expiries": lambda wb, out, roster: ["expiries", wb],
    "forms": lambda wb, out, roster: ["forms", "修了証書", wb, "--out", out],
    "export-roster": lambda wb, out, roster: ["export-roster", wb, out],
    "import-roster": lambda wb, out, roster: ["import-roster", wb, roster],
    "report": lambda wb, out, roster: ["report", wb, "--fy", "2026", "--out", out],
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A real hikisup workbook and a real roster exported from it."""
    d = tmp_path_factory.mktemp("hostile-sources")
    wb = make_workbook(d / "source.xlsx")
    roster = d / "roster.xlsx"
    assert invoke("export-roster", wb, roster, "--today", DAY).exit_code == 0
    return make_workbook(d / "clean.xlsx"), roster


def _assert_refused(args: list[object], folder: Path, reason: str) -> None:
    before = dir_state(folder)
    result = invoke(*args, "--today", DAY)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("エラー：") and reason in result.stderr, result.stderr
    assert result.stdout == ""
    assert dir_state(folder) == before  # bytes and mtimes; nothing new beside it


@pytest.mark.parametrize("job", JOBS)
@pytest.mark.parametrize("case", CORPUS)
def test_a_hostile_workbook_is_refused_by_every_job(
    case: str, job: str, sources: tuple[Path, Path], tmp_path: Path
) -> None:
    clean, roster = sources
    craft, reason = CORPUS[case]
    bad = tmp_path / "管理.xlsx"
    craft(clean, bad)
    out = tmp_path / "出力.xlsx"
    _assert_refused(JOBS[job](bad, out, roster), tmp_path, reason)


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if c not in ("text_renamed", "no_workbook_part", "encrypted_or_old")]
)
def test_a_hostile_roster_is_refused_by_import(
    case: str, sources: tuple[Path, Path], tmp_path: Path
) -> None:
    _, roster = sources
    craft, reason = CORPUS[case]
    book = make_workbook(tmp_path / "管理.xlsx")
    bad = tmp_path / "名簿.xlsx"
    craft(roster, bad)
    _assert_refused(["import-roster", book, bad], tmp_path, reason)


def test_our_own_addin_build_is_not_refused_by_the_gate(tmp_path: Path) -> None:
    """The .xlam carries a VBA project by design; it is never opened as a workbook."""
    from hikisup_xl.engine.gate import hostile_reason

    xlam = Path(__file__).resolve().parents[2] / "workbook" / "hikisup.xlam"
    with zipfile.ZipFile(xlam) as zf:
        assert any(n.endswith("vbaProject.bin") for n in zf.namelist())
        reason = hostile_reason(zf)
    assert reason is not None and "マクロ" in reason  # the gate would refuse it as a workbook...
    result = invoke("addin", "--help")
    assert result.exit_code == 0  # ...but the add-in commands never pass it through the gate
