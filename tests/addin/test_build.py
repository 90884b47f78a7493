"""The add-in (workbook/hikisup.xlam): reproducible, what olevba and LibreOffice read from it is
exactly the text in macros/ plus xlwings' module, and the package parts are wired right."""

from __future__ import annotations

import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import invoke, world_rows
from lxml import etree
from test_actions_file import numbering_world

from addin.quiet_oletools import VBA_Parser, olefile
from hikisup_xl.addin import build, ribbon
from hikisup_xl.addin.build import BuildError
from hikisup_xl.engine import safety

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook" / "hikisup.xlam"
MACROS = build.macros_dir()
XLWINGS = build.xlwings_dir()
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build.build(tmp_path_factory.mktemp("addin") / "hikisup.xlam")


@pytest.fixture(scope="module")
def parts(xlam: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlam) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


@pytest.fixture(scope="module")
def macros(xlam: Path) -> dict[str, bytes]:
    """Module name -> source, as olevba extracts it (strict parsing: any value that breaks
    MS-OVBA raises instead of being logged)."""
    parser = VBA_Parser(str(xlam), relaxed=False)
    try:
        return {
            name.rsplit(".", 1)[0]: code.encode("cp1252")
            for _, _, name, code in parser.extract_macros()
        }
    finally:
        parser.close()


def test_two_builds_give_identical_bytes(xlam: Path, tmp_path: Path) -> None:
    assert build.build(tmp_path / "again.xlam").read_bytes() == xlam.read_bytes()


def test_committed_addin_is_a_fresh_build(xlam: Path) -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing: run `hikisup addin build`"
    assert COMMITTED.read_bytes() == xlam.read_bytes(), "rebuild: hikisup addin build"


def test_ribbon_xml_in_macros_is_rendered_from_the_registry() -> None:
    assert (MACROS / "customUI.xml").read_bytes() == ribbon.render(), "run: hikisup addin build"


# ------------------------------------------------------------------------ the VBA project
def test_olevba_lists_every_module_with_its_source_byte_for_byte(macros: dict[str, bytes]) -> None:
    own = {p.stem: p.read_bytes() for p in [*MACROS.glob("*.bas"), *MACROS.glob("*.cls")]}
    assert set(macros) == {*own, "xlwings", "Dictionary"}
    for name, source in own.items():
        assert macros[name] == source, name
    xlwings = (XLWINGS / "xlwings_custom_addin.bas").read_bytes()
    assert macros["xlwings"] == xlwings.replace(
        b'PROJECT_NAME As String = "myaddin"', b'PROJECT_NAME As String = "hikisup"'
    )
    exported = (XLWINGS / "addin" / "Dictionary.cls").read_bytes()
    assert macros["Dictionary"] == build.class_stored_form(exported)


def test_class_stored_form_drops_the_export_header_and_adds_the_base() -> None:
    exported = (XLWINGS / "addin" / "Dictionary.cls").read_bytes()
    stored = build.class_stored_form(exported)
    assert stored.startswith(b'Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB')
    assert b"VERSION 1.0 CLASS" not in stored
    assert (
        stored.split(b"\r\n")[3:]
        == [  # the rest is the export's text, unchanged
            *exported.split(b"\r\n")[6:9],
            b"Attribute VB_TemplateDerived = False",
            b"Attribute VB_Customizable = False",
            *exported.split(b"\r\n")[9:],
        ][: len(stored.split(b"\r\n")) - 3]
    )


def test_embedded_xlwings_vba_is_the_installed_version(macros: dict[str, bytes]) -> None:
    import xlwings

    installed = importlib.metadata.version("xlwings")
    assert installed == xlwings.__version__
    source = macros["xlwings"].decode("ascii")
    (version,) = re.findall(r'Public Const XLWINGS_VERSION As String = "([^"]+)"', source)
    assert version == installed
    dlls = set(re.findall(r'"xlwings(?:32|64)-([0-9.]+)\.dll"', source))
    assert dlls == {installed}
    assert 'Public Const PROJECT_NAME As String = "hikisup"' in source


def test_vba_project_parses_strictly_as_a_compound_file(parts: dict[str, bytes]) -> None:
    ole = olefile.OleFileIO(
        io.BytesIO(parts["xl/vbaProject.bin"]), raise_defects=olefile.DEFECT_INCORRECT
    )
    assert ole.parsing_issues == []
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    project = ole.openstream("PROJECT").read().decode("ascii")
    assert f'Name="{build.VBA_PROJECT_NAME}"' in project
    assert "Document=ThisWorkbook/&H00000000" in project


def test_libreoffice_reads_every_module(xlam: Path, tmp_path: Path) -> None:
    """A second, independent reader of MS-OVBA and MS-CFB: LibreOffice imports the VBA."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required on CI but is not on PATH")
        pytest.skip("LibreOffice (soffice) is not installed; install it to run this check")
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--infilter=Calc MS Excel 2007 VBA XML",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            str(xlam),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out / "hikisup.ods") as zf:
        names = zf.namelist()
        library = f"Basic/{build.VBA_PROJECT_NAME}/"
        modules = {n[len(library) : -4] for n in names if n.startswith(library)}
        assert modules == {
            "script-lb",
            *(p.stem for p in [*MACROS.glob("*.bas"), *MACROS.glob("*.cls")]),
            "xlwings",
            "Dictionary",
        }
        hikisup = zf.read(f"{library}hikisup.xml").decode("utf-8")
        assert "e.dispatch(&apos;hikisupCheck&apos;)" in hikisup
        content = zf.read("content.xml").decode("utf-8")
        assert 'table:name="hikisup.conf"' in content


# ------------------------------------------------------------------------- package parts
def _rels(data: bytes) -> dict[str, str]:
    return {
        r.get("Type"): r.get("Target") for r in etree.fromstring(data).iter(f"{PKG}Relationship")
    }


def test_content_types_cover_every_part(parts: dict[str, bytes]) -> None:
    types = etree.fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    for name in parts:
        if name == "[Content_Types].xml":
            continue
        assert f"/{name}" in overrides or name.rsplit(".", 1)[-1] in defaults, name
    for part in overrides:
        assert part[1:] in parts, part


def test_relationships_point_at_existing_parts(parts: dict[str, bytes]) -> None:
    root = _rels(parts["_rels/.rels"])
    officedoc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    assert root[f"{officedoc}/officeDocument"] == "xl/workbook.xml"
    ui = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
    assert root[ui] == "customUI/customUI.xml"
    assert not any("2007/relationships/ui" in t for t in root)  # 2006 only: openpyxl keeps it
    book = _rels(parts["xl/_rels/workbook.xml.rels"])
    assert (
        book["http://schemas.microsoft.com/office/2006/relationships/vbaProject"]
        == "vbaProject.bin"
    )
    for target in root.values():
        assert target in parts, target
    for target in book.values():
        assert f"xl/{target}" in parts, target
    assert parts["customUI/customUI.xml"] == (MACROS / "customUI.xml").read_bytes()
    etree.fromstring(parts["customUI/customUI.xml"])  # well-formed


def test_config_sheet_is_hidden_and_read_the_way_xlwings_reads_it(parts: dict[str, bytes]) -> None:
    """xlwings' VBA reads `PROJECT_NAME & ".conf"`: keys from A1 down column A, values in B."""
    source = (XLWINGS / "xlwings_custom_addin.bas").read_text("ascii")
    assert 'wb.Sheets(PROJECT_NAME & ".conf")' in source
    assert 'sht.Range("A1").End(xlDown)' in source
    book = etree.fromstring(parts["xl/workbook.xml"])
    sheets = {s.get("name"): s for s in book.iter(f"{MAIN}sheet")}
    assert set(sheets) == {"hikisup", "hikisup.conf"}
    assert sheets["hikisup.conf"].get("state") == "hidden"
    assert sheets["hikisup"].get("state") is None  # a workbook keeps one visible sheet
    index = list(sheets).index("hikisup.conf") + 1
    sheet = etree.fromstring(parts[f"xl/worksheets/sheet{index}.xml"])
    cells = {c.get("r"): "".join(c.itertext()) for c in sheet.iter(f"{MAIN}c")}
    assert (cells["A1"], cells["B1"]) == ("ADD_WORKBOOK_TO_PYTHONPATH", "False")
    keys = [cells[f"A{r}"] for r in range(1, len(cells) // 2 + 1)]
    assert all(keys), "column A must be contiguous from A1: xlwings stops at the first gap"
    names = {n.get("name"): n.text for n in book.iter(f"{MAIN}definedName")}
    for name, ref in names.items():
        row = int(ref.rsplit("$", 1)[1])
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", cells[f"B{row}"]), name
    bas = (MACROS / "hikisup.bas").read_text("ascii")
    assert set(re.findall(r'Message\("(\w+)"\)', bas)) == set(names)


def test_sheet_code_names_match_the_document_modules(
    parts: dict[str, bytes], macros: dict[str, bytes]
) -> None:
    book = etree.fromstring(parts["xl/workbook.xml"])
    assert book.find(f"{MAIN}workbookPr").get("codeName") == "ThisWorkbook"
    for i in range(1, 3):
        sheet = etree.fromstring(parts[f"xl/worksheets/sheet{i}.xml"])
        code = sheet.find(f"{MAIN}sheetPr").get("codeName")
        assert macros[code].startswith(f'Attribute VB_Name = "{code}"'.encode())
        assert b'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in macros[code]


def test_zip_entries_are_stored_with_fixed_stamps(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as zf:
        assert zf.testzip() is None
        for info in zf.infolist():
            assert info.date_time == build.ZIP_TIME
            assert (info.compress_type, info.create_system) == (zipfile.ZIP_STORED, 0)
            assert info.external_attr == 0o644 << 16
        assert zf.namelist()[0] == "[Content_Types].xml"


def test_resaving_a_data_workbook_with_openpyxl_leaves_the_addin_alone(tmp_path: Path) -> None:
    """The workbook clerks keep their data in holds no macros and no ribbon: a file action
    (openpyxl load + save) has nothing of the add-in's to lose, and the add-in is not touched."""
    from conftest import write_workbook

    book = write_workbook(tmp_path / "data.xlsx", world_rows(numbering_world()))
    before = COMMITTED.read_bytes()
    assert safety.inspect_file(book).would_lose == ()
    assert invoke("number", book, "--today", "2026-11-26").exit_code == 0
    assert safety.inspect_file(book).would_lose == ()
    with zipfile.ZipFile(book) as zf:
        names = zf.namelist()
    assert not [n for n in names if "vbaProject" in n or n.startswith("customUI")]
    assert COMMITTED.read_bytes() == before


# --------------------------------------------------------------------------- build errors
def _copy_macros(tmp_path: Path) -> Path:
    target = tmp_path / "macros"
    shutil.copytree(MACROS, target)
    return target


def test_non_ascii_vba_is_refused_with_file_and_line(tmp_path: Path) -> None:
    macros = _copy_macros(tmp_path)
    bas = macros / "hikisup.bas"
    bas.write_bytes(bas.read_bytes().replace(b"' Ribbon", "' リボン".encode(), 1))
    with pytest.raises(BuildError, match=r"macros/hikisup\.bas, line 2: VBA must be ASCII-only"):
        build.addin_bytes(macros)


def test_lf_line_endings_are_refused(tmp_path: Path) -> None:
    macros = _copy_macros(tmp_path)
    bas = macros / "hikisup.bas"
    bas.write_bytes(bas.read_bytes().replace(b"\r\n", b"\n"))
    with pytest.raises(BuildError, match="without CRLF"):
        build.addin_bytes(macros)


def test_module_name_must_match_the_file(tmp_path: Path) -> None:
    macros = _copy_macros(tmp_path)
    (macros / "hikisup.bas").rename(macros / "other.bas")
    with pytest.raises(BuildError, match='Attribute VB_Name = "other"'):
        build.addin_bytes(macros)


def test_xlwings_vba_of_another_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "xlwings_version", lambda: "0.0.1")
    with pytest.raises(BuildError, match=r"not the VBA of the installed xlwings 0\.0\.1"):
        build.addin_bytes()
