"""#10.9: the hostile corpus through every job: refused (exit 2, Japanese), nothing written.

Every job declared on a workbook (registry.JOBS, checked below) is tried on every hostile
file, and so are the other files a job opens: import-roster's roster and migrate's list.

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

from hikisup_xl import registry
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


class Beside:
    """What a job reads beside the workbook: a roster exported from a clean workbook and an
    office's own list (migrate)."""

    def __init__(self, roster: Path, legacy: Path) -> None:
        self.roster, self.legacy = roster, legacy


JOBS: dict[str, Callable[[Path, Path, Beside], list[object]]] = {
    "check": lambda wb, out, b: ["check", wb],
    "number": lambda wb, out, b: ["number", wb],
    "expiries": lambda wb, out, b: ["expiries", wb],
    "candidates": lambda wb, out, b: ["candidates", wb, "D00001"],
    "forms": lambda wb, out, b: ["forms", "修了証書", wb, "--out", out],
    "export-roster": lambda wb, out, b: ["export-roster", wb, out],
    "import-roster": lambda wb, out, b: ["import-roster", wb, b.roster],
    "report": lambda wb, out, b: ["report", wb, "--fy", "2026", "--out", out],
    "tidy": lambda wb, out, b: ["tidy", wb],
    "tidy --dry-run": lambda wb, out, b: ["tidy", wb, "--dry-run"],
    "migrate": lambda wb, out, b: ["migrate", wb, b.legacy],
    "migrate --apply": lambda wb, out, b: ["migrate", wb, b.legacy, "--apply"],
    "upgrade": lambda wb, out, b: ["upgrade", wb],
}
# consolidate reads a folder of upward files, not a workbook: an unreadable or hostile file
# there is listed with its reason and left out (tests/stats/test_stats_national.py); new
# writes a workbook from the template and reads none.
NOT_ON_A_WORKBOOK = {"consolidate", "new"}


def test_every_job_on_a_workbook_is_in_the_corpus_run() -> None:
    declared = {j.name for j in registry.JOBS if j.workbook}
    assert declared == {name.split()[0] for name in JOBS}
    assert {j.name for j in registry.JOBS if not j.workbook} == NOT_ON_A_WORKBOOK


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Beside]:
    """A real hikisup workbook, a real roster exported from it and an office's own list."""
    d = tmp_path_factory.mktemp("hostile-sources")
    wb = make_workbook(d / "source.xlsx")
    roster = d / "roster.xlsx"
    assert invoke("export-roster", wb, roster, "--today", DAY).exit_code == 0
    legacy = d / "list.xlsx"
    legacy_list(legacy)
    return make_workbook(d / "clean.xlsx"), Beside(roster, legacy)


def legacy_list(path: Path) -> Path:
    """An office's own list as a plain .xlsx (openpyxl), header and two people."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["氏名", "ふりがな", "生年月日", "住所"])
    ws.append(["佐藤　花子", "さとう　はなこ", "S45.1.2", "架空市中央一丁目"])
    ws.append(["新井　一郎", "あらい　いちろう", "1975/2/3", "架空市北町"])
    wb.custom_doc_props.append(StringProperty(name="作成", value="福祉課"))  # docProps/custom.xml
    wb.save(path)
    return path


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
    case: str, job: str, sources: tuple[Path, Beside], tmp_path: Path
) -> None:
    clean, beside = sources
    craft, reason = CORPUS[case]
    bad = tmp_path / "管理.xlsx"
    craft(clean, bad)
    out = tmp_path / "出力.xlsx"
    _assert_refused(JOBS[job](bad, out, beside), tmp_path, reason)


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if c not in ("text_renamed", "no_workbook_part", "encrypted_or_old")]
)
def test_a_hostile_roster_is_refused_by_import(
    case: str, sources: tuple[Path, Beside], tmp_path: Path
) -> None:
    _, beside = sources
    craft, reason = CORPUS[case]
    book = make_workbook(tmp_path / "管理.xlsx")
    bad = tmp_path / "名簿.xlsx"
    craft(beside.roster, bad)
    _assert_refused(["import-roster", book, bad], tmp_path, reason)


@pytest.mark.parametrize("apply", [False, True])
@pytest.mark.parametrize("case", CORPUS)
def test_a_hostile_list_is_refused_by_migrate(
    case: str, apply: bool, sources: tuple[Path, Beside], tmp_path: Path
) -> None:
    """The office's own list is any .xlsx a clerk picks: the same gate as a workbook."""
    _, beside = sources
    craft, reason = CORPUS[case]
    book = make_workbook(tmp_path / "管理.xlsx")
    bad = tmp_path / "名簿.xlsx"
    craft(beside.legacy, bad)
    if case == "text_renamed":  # a list may be a .csv: said as "not a workbook", not as damage
        reason = "Excelブック（.xlsx）ではありません"
    _assert_refused(["migrate", book, bad, *(["--apply"] if apply else [])], tmp_path, reason)


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
