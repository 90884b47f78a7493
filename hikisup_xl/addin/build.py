"""Build workbook/hikisup.xlam from the text in macros/ and the pinned xlwings package.

The add-in is a zip (OPC package) holding:

- xl/vbaProject.bin: our modules from macros/ (byte for byte) plus xlwings' custom add-in module
  and its Dictionary class (for Mac), copied from the installed xlwings with the project name set;
- customUI/customUI.xml: the ribbon, from macros/customUI.xml (rendered from the registry);
- xl/workbook.xml with two sheets: a visible placeholder (a workbook needs one; an add-in's
  window is never shown) and the hidden `hikisup.conf` sheet that xlwings' VBA reads its
  settings from (`PROJECT_NAME & ".conf"`, keys down column A, values in column B, from A1).

Same inputs, same bytes: fixed zip timestamps and attributes, stored (not deflated) entries so
that the bytes do not depend on the zlib version, no random ids anywhere.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from ..core.errors import HikisupError
from ..engine import safety
from ..registry import TITLE
from . import cfb, ribbon
from .ovba import Module, ModuleKind, OvbaError, project_streams

ADDIN_PATH = Path("workbook") / "hikisup.xlam"
PROJECT_NAME = "hikisup"  # xlwings' PROJECT_NAME: the config sheet is "hikisup.conf"
CONF_SHEET = f"{PROJECT_NAME}.conf"
VBA_PROJECT_NAME = "HikisupAddin"  # must differ from every module name (module `hikisup`)
ZIP_TIME = (2025, 4, 1, 9, 0, 0)

XLWINGS_MODULE = "xlwings_custom_addin.bas"
XLWINGS_DICTIONARY = Path("addin") / "Dictionary.cls"
MYADDIN_LINE = b'Public Const PROJECT_NAME As String = "myaddin"'

DOCUMENT_BASES = {
    b"0{00020819-0000-0000-C000-000000000046}",  # ThisWorkbook
    b"0{00020820-0000-0000-C000-000000000046}",  # a worksheet
}
CLASS_BASE = b"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
# The add-in's sheets: (name, code name = document module in macros/, hidden).
SHEETS: tuple[tuple[str, str, bool], ...] = (
    ("hikisup", "Sheet1", False),
    (CONF_SHEET, "Sheet2", True),
)
PLACEHOLDER_TEXT = "ひきこもりサポーター事業のアドインです。このブックは表示されません。"
NO_WORKBOOK = (
    "管理ブックを開いてから、もう一度ボタンを押してください"
    "（「新しい管理ブック」は、空白のブックを開いてから押してください）。"
    "（保護ビューで開いている場合は、先に「編集を有効にする」を押してください。）"
)
# The hidden sheet, from A1 down: what xlwings reads, then messages the VBA shows itself.
CONF_ROWS: tuple[tuple[str, str], ...] = (
    # The package is pip-installed: never put the workbook's folder (OneDrive/SharePoint URLs,
    # Japanese paths) on sys.path.
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
    ("HIKISUP_NO_WORKBOOK", NO_WORKBOOK),
    ("HIKISUP_TITLE", TITLE),
)
DEFINED_NAMES = {"hikisup_no_workbook": 2, "hikisup_title": 3}  # name -> row of its B cell


class BuildError(HikisupError):
    """The add-in cannot be built from these sources (the message says what to fix)."""


# --------------------------------------------------------------------------------- sources
def macros_dir() -> Path:
    """The text sources: macros/ beside the package (a checkout or an editable install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "macros", here.parents[1] / "macros"):
        if (candidate / "hikisup.bas").is_file():
            return candidate
    raise BuildError(
        "アドインの元になる macros/ フォルダーが見つかりません。リポジトリを取得して"
        "`pip install -e .` でインストールするか、作成済みのアドインを --file で指定してください。"
    )


def _module_kind(path: Path, source: bytes) -> ModuleKind:
    if path.suffix == ".bas":
        return ModuleKind.STANDARD
    base = next(
        (
            line[len(b'Attribute VB_Base = "') : -1]
            for line in source.split(b"\r\n")[:3]
            if line.startswith(b"Attribute VB_Base = ")
        ),
        None,
    )
    if base in DOCUMENT_BASES:
        return ModuleKind.DOCUMENT
    if base == CLASS_BASE:
        return ModuleKind.CLASS
    raise BuildError(f"{path.name}: a .cls module needs a known Attribute VB_Base line")


def check_text(name: str, source: bytes) -> None:
    """VBA as the VBA editor keeps it: ASCII, every line ending CRLF."""
    for number, line in enumerate(source.split(b"\r\n"), start=1):
        if b"\n" in line or b"\r" in line:
            raise BuildError(
                f"{name}, line {number}: a line ends without CRLF (macros/.gitattributes keeps "
                "CRLF; re-save the file with Windows line endings)"
            )
        bad = next((b for b in line if b > 0x7F), None)
        if bad is not None:
            raise BuildError(
                f"{name}, line {number}: VBA must be ASCII-only (byte 0x{bad:02X}); put Japanese"
                " text in the ribbon XML (registry.py) or in Python"
            )
    if not source.endswith(b"\r\n"):
        raise BuildError(f"{name}: the last line must end with CRLF")


def own_modules(directory: Path) -> list[Module]:
    """Every .bas/.cls in macros/, in the order the project lists them."""
    modules = []
    for path in sorted([*directory.glob("*.bas"), *directory.glob("*.cls")]):
        source = path.read_bytes()
        check_text(f"macros/{path.name}", source)
        first = source.split(b"\r\n", 1)[0]
        if first != f'Attribute VB_Name = "{path.stem}"'.encode("ascii"):
            raise BuildError(
                f'macros/{path.name}: the first line must be Attribute VB_Name = "{path.stem}"'
            )
        modules.append(Module(path.stem, source, _module_kind(path, source)))
    rank = {ModuleKind.DOCUMENT: 0, ModuleKind.STANDARD: 1, ModuleKind.CLASS: 2}
    modules.sort(key=lambda m: (rank[m.kind], m.name != "ThisWorkbook", m.name))
    documents = {m.name for m in modules if m.kind is ModuleKind.DOCUMENT}
    wanted = {"ThisWorkbook", *(code for _, code, _ in SHEETS)}
    if documents != wanted:
        raise BuildError(f"macros/ must hold the document modules {sorted(wanted)} exactly")
    return modules


def xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")  # located, not imported: importing is slow
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("xlwings is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations)))


def xlwings_version() -> str:
    return importlib.metadata.version("xlwings")


def class_stored_form(exported: bytes) -> bytes:
    """A class module as the VBA editor stores it, from its exported .cls text."""
    lines = exported.split(b"\r\n")
    if lines[:2] != [b"VERSION 1.0 CLASS", b"BEGIN"] or b"END" not in lines:
        raise BuildError("not an exported class module (no VERSION/BEGIN/END header)")
    lines = lines[lines.index(b"END") + 1 :]
    out: list[bytes] = []
    for line in lines:
        out.append(line)
        if line.startswith(b"Attribute VB_Name = "):
            out.append(b'Attribute VB_Base = "' + CLASS_BASE + b'"')
        elif line.startswith(b"Attribute VB_Exposed = "):
            out += [b"Attribute VB_TemplateDerived = False", b"Attribute VB_Customizable = False"]
    return b"\r\n".join(out)


def xlwings_modules() -> list[Module]:
    """xlwings' custom add-in module (project name set) and its Dictionary class, copied from the
    installed package; refused unless its VBA is for the installed xlwings version."""
    directory = xlwings_dir()
    version = xlwings_version()
    source = (directory / XLWINGS_MODULE).read_bytes()
    version_line = f'Public Const XLWINGS_VERSION As String = "{version}"'.encode("ascii")
    if source.count(version_line) != 1:
        raise BuildError(f"{XLWINGS_MODULE} is not the VBA of the installed xlwings {version}")
    if source.count(MYADDIN_LINE) != 1:
        raise BuildError(f"{XLWINGS_MODULE}: the PROJECT_NAME line was not found exactly once")
    project_line = f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'.encode("ascii")
    source = source.replace(MYADDIN_LINE, project_line)
    dictionary = class_stored_form((directory / XLWINGS_DICTIONARY).read_bytes())
    return [
        Module("xlwings", source, ModuleKind.STANDARD),
        Module("Dictionary", dictionary, ModuleKind.CLASS),
    ]


def modules(directory: Path | None = None) -> list[Module]:
    """Every module of the add-in's VBA project, in project order."""
    return own_modules(directory or macros_dir()) + xlwings_modules()


def vba_project(mods: Sequence[Module]) -> bytes:
    try:
        return cfb.write(project_streams(VBA_PROJECT_NAME, mods))
    except (OvbaError, cfb.CfbError) as exc:
        raise BuildError(str(exc)) from None


# ---------------------------------------------------------------------------------- parts
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RT_OFFICE_DOCUMENT = f"{REL}/officeDocument"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RT_WORKSHEET = f"{REL}/worksheet"
RT_STYLES = f"{REL}/styles"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"


def _rels(items: Sequence[tuple[str, str]]) -> bytes:
    body = "".join(
        f'<Relationship Id="rId{i}" Type="{rtype}" Target="{target}"/>'
        for i, (rtype, target) in enumerate(items, start=1)
    )
    return (XML_DECL + f'<Relationships xmlns="{PKG_REL}">{body}</Relationships>').encode()


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _sheet(code_name: str, rows: Sequence[Sequence[str]]) -> bytes:
    body = "".join(
        f'<row r="{r}">'
        + "".join(_cell(f"{'AB'[c]}{r}", v) for c, v in enumerate(values))
        + "</row>"
        for r, values in enumerate(rows, start=1)
    )
    return (
        XML_DECL + f'<worksheet xmlns="{MAIN}"><sheetPr codeName="{code_name}"/>'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


HIDDEN = ' state="hidden"'


def _workbook() -> bytes:
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}"{HIDDEN if hidden else ""} r:id="rId{i}"/>'
        for i, (name, _, hidden) in enumerate(SHEETS, start=1)
    )
    names = "".join(
        f"<definedName name=\"{name}\">'{CONF_SHEET}'!$B${row}</definedName>"
        for name, row in DEFINED_NAMES.items()
    )
    return (
        XML_DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        '<workbookPr codeName="ThisWorkbook"/>'
        "<bookViews><workbookView/></bookViews>"
        f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>"
    ).encode()


STYLES = (
    XML_DECL + f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="游ゴシック"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()


def _core() -> bytes:
    return (
        XML_DECL + "<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(TITLE)}</dc:title>"
        "<dc:description>ボタンを押すと、開いている管理ブックに hikisup の操作を行います。"
        "</dc:description>"
        "<dc:creator>hikisup_xl</dc:creator></cp:coreProperties>"
    ).encode()


def _content_types() -> bytes:
    overrides = [
        ("/xl/workbook.xml", CT_ADDIN),
        *((f"/xl/worksheets/sheet{i}.xml", CT_WORKSHEET) for i in range(1, len(SHEETS) + 1)),
        ("/xl/styles.xml", CT_STYLES),
        ("/xl/vbaProject.bin", CT_VBA),
        ("/docProps/core.xml", CT_CORE),
    ]
    body = (
        f'<Default Extension="rels" ContentType="{CT_RELS}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{ct}"/>' for p, ct in overrides)
    )
    return (
        XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f"{body}</Types>"
    ).encode()


def parts(vba: bytes, ui: bytes) -> list[tuple[str, bytes]]:
    """Every part of the add-in package, in zip order."""
    sheet_rels = [(RT_WORKSHEET, f"worksheets/sheet{i}.xml") for i in range(1, len(SHEETS) + 1)]
    contents: dict[str, Sequence[Sequence[str]]] = {
        SHEETS[0][1]: [(PLACEHOLDER_TEXT,)],
        SHEETS[1][1]: list(CONF_ROWS),
    }
    return [
        ("[Content_Types].xml", _content_types()),
        (
            "_rels/.rels",
            _rels(
                [
                    (RT_OFFICE_DOCUMENT, "xl/workbook.xml"),
                    (RT_CORE, "docProps/core.xml"),
                    (RT_UI, "customUI/customUI.xml"),
                ]
            ),
        ),
        ("docProps/core.xml", _core()),
        ("xl/workbook.xml", _workbook()),
        (
            "xl/_rels/workbook.xml.rels",
            _rels([*sheet_rels, (RT_STYLES, "styles.xml"), (RT_VBA, "vbaProject.bin")]),
        ),
        *(
            (f"xl/worksheets/sheet{i}.xml", _sheet(code, contents[code]))
            for i, (_, code, _) in enumerate(SHEETS, start=1)
        ),
        ("xl/styles.xml", STYLES),
        ("xl/vbaProject.bin", vba),
        ("customUI/customUI.xml", ui),
    ]


def package(items: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 0  # the same bytes whichever OS builds it
            info.external_attr = 0o644 << 16  # zipfile's own default would be 0o600
            zf.writestr(info, data)
    return buffer.getvalue()


def addin_bytes(directory: Path | None = None) -> bytes:
    """The whole .xlam, from macros/ (or `directory`) and the installed xlwings."""
    directory = directory or macros_dir()
    ui_path = directory / ribbon.FILENAME
    if not ui_path.is_file():
        raise BuildError(f"{ui_path} is missing: run `hikisup addin build` in the repository")
    return package(parts(vba_project(modules(directory)), ui_path.read_bytes()))


def write_ribbon(directory: Path | None = None) -> bool:
    """Render macros/customUI.xml and the callbacks in macros/hikisup.bas from the registry;
    True when a file changed."""
    folder = directory or macros_dir()
    vba = folder / ribbon.VBA_FILENAME
    changed = False
    for path, text in (
        (folder / ribbon.FILENAME, ribbon.render()),
        (vba, ribbon.with_callbacks(vba.read_bytes())),
    ):
        if not (path.is_file() and path.read_bytes() == text):
            path.write_bytes(text)
            changed = True
    return changed


def build(out: Path = ADDIN_PATH, directory: Path | None = None) -> Path:
    """Write the add-in to `out` through the one atomic save (replaced only once complete)."""
    data = addin_bytes(directory)
    out.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    safety.save_beside(out, write, keep_backup=False)
    return out
