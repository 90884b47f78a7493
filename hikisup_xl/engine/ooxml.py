"""The parts of an .xlsx package the patch engine reads and edits (OPC + SpreadsheetML).

A package is a zip of XML parts tied together by relationship parts (`_rels/*.rels`) and typed
by `[Content_Types].xml`. This module finds the workbook, its sheets (name → part), the tables
on each sheet (name → ref, part), the custom document properties and the 1904 date system, and
offers the few edits the engine makes to those parts: a new sheet, a sheet's visibility, the
recalculation flag, a relationship or content type added or removed. Nothing else is parsed:
every other part is copied byte for byte when the package is saved.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from ..core.errors import HikisupError
from ..core.grid import parse_span, span
from ..core.schema import MARKER_PROPERTY

Element = Any  # an lxml element (lxml has no type stubs here)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
XML_NS = "http://www.w3.org/XML/1998/namespace"

REL_OFFICE_DOCUMENT = DOC_REL_NS + "/officeDocument"
REL_WORKSHEET = DOC_REL_NS + "/worksheet"
REL_TABLE = DOC_REL_NS + "/table"
REL_HYPERLINK = DOC_REL_NS + "/hyperlink"
REL_STYLES = DOC_REL_NS + "/styles"
REL_SHARED_STRINGS = DOC_REL_NS + "/sharedStrings"
REL_CALC_CHAIN = DOC_REL_NS + "/calcChain"
REL_CUSTOM_PROPERTIES = DOC_REL_NS + "/custom-properties"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
MAX_ROW = 1_048_576
MAX_COL = 16_384

# No DTD is loaded and no entity resolved: a part cannot reach outside the package or expand.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=False
)


class PackageError(Exception):
    """A part is missing or not well-formed; the engine turns this into a HikisupError."""


def q(name: str, ns: str = MAIN_NS) -> str:
    """Clark notation: `{namespace}name`."""
    return f"{{{ns}}}{name}"


def local(tag: object) -> str:
    """The local name of an element tag ('' for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def parse_xml(data: bytes, part: str) -> Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"{part}: {exc}") from None


def iter_elements(
    data: bytes, tags: str | tuple[str, ...], *, remove_comments: bool = False
) -> Any:
    """(event, element) for each end of one of `tags`, streamed with the same guards as
    parse_xml (no DTD, no entity, no network): a big part is read without its whole tree."""
    return etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=remove_comments,
    )


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def to_bytes(root: Element) -> bytes:
    """A part as Excel writes it: UTF-8 behind Excel's own XML declaration."""
    body = cast(bytes, etree.tostring(root, encoding="UTF-8", xml_declaration=False))
    return XML_DECLARATION + body


# -- cell references ---------------------------------------------------------------------------
def parse_ref(ref: str) -> tuple[int, int]:
    """'B3' → (row 3, column 2)."""
    try:
        min_col, min_row, max_col, max_row = parse_span(ref)
    except ValueError:
        raise PackageError(f"cell reference {ref!r}") from None
    if (min_col, min_row) != (max_col, max_row):
        raise PackageError(f"cell reference {ref!r}")
    return min_row, min_col


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:C5' (or 'B2') → (min_col, min_row, max_col, max_row)."""
    try:
        return parse_span(ref)
    except ValueError:
        raise PackageError(f"cell reference {ref!r}") from None


format_range = span


# -- the package -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Rel:
    id: str
    type: str
    target: str  # the resolved part name, or the target as written when external
    external: bool


def rels_part(part: str) -> str:
    """The relationship part of `part` ('' is the package itself)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name (relative to the source part's folder)."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


class Package:
    """An .xlsx held in memory: its members, read on demand, and its relationships."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise PackageError(str(exc)) from None
        self.infos = self.zip.infolist()
        # Part names are case-insensitive in OPC; a relationship may spell one differently.
        self._names = {i.filename.lower(): i.filename for i in self.infos}
        # Members read whole: zipfile checked their CRC at the end of the read.
        self.verified: set[str] = set()

    def find(self, part: str) -> str | None:
        return self._names.get(part.lower())

    def size(self, part: str) -> int:
        """A part's size uncompressed, from the zip's directory (0 when it is missing)."""
        name = self.find(part)
        return self.zip.getinfo(name).file_size if name is not None else 0

    def read(self, part: str) -> bytes:
        name = self.find(part)
        if name is None:
            raise PackageError(f"{part}: missing")
        data = self.zip.read(name)
        self.verified.add(name)
        return data

    def xml(self, part: str) -> Element:
        return parse_xml(self.read(part), part)

    def rels(self, part: str) -> list[Rel]:
        """The relationships of `part` ('' for the package's own)."""
        source = rels_part(part) if part else ROOT_RELS
        if self.find(source) is None:
            return []
        root = self.xml(source)
        out: list[Rel] = []
        for el in root.iter(q("Relationship", PKG_REL_NS)):
            external = el.get("TargetMode") == "External"
            target = el.get("Target", "")
            if not external:
                target = resolve(part, target)
                target = self.find(target) or target
            out.append(Rel(el.get("Id", ""), el.get("Type", ""), target, external))
        return out


class RelsDoc:
    """One relationship part, for edits."""

    def __init__(self, root: Element) -> None:
        self.root = root

    @classmethod
    def load(cls, pkg: Package, part: str) -> RelsDoc:
        source = rels_part(part) if part else ROOT_RELS
        if pkg.find(source) is None:
            return cls(etree.Element(q("Relationships", PKG_REL_NS), nsmap={None: PKG_REL_NS}))
        return cls(pkg.xml(source))

    def ids(self) -> set[str]:
        return {el.get("Id", "") for el in self.root.iter(q("Relationship", PKG_REL_NS))}

    def add(self, rel_type: str, target: str) -> str:
        taken = self.ids()
        n = len(taken) + 1
        while f"rId{n}" in taken:
            n += 1
        rid = f"rId{n}"
        etree.SubElement(
            self.root, q("Relationship", PKG_REL_NS), Id=rid, Type=rel_type, Target=target
        )
        return rid

    def remove(self, rids: set[str]) -> bool:
        found = False
        for el in list(self.root.iter(q("Relationship", PKG_REL_NS))):
            if el.get("Id") in rids:
                el.getparent().remove(el)
                found = True
        return found

    def remove_type(self, rel_type: str) -> bool:
        return self.remove(
            {
                el.get("Id", "")
                for el in self.root.iter(q("Relationship", PKG_REL_NS))
                if el.get("Type") == rel_type
            }
        )


class ContentTypes:
    def __init__(self, root: Element) -> None:
        self.root = root

    def add_override(self, part: str, content_type: str) -> None:
        name = "/" + part
        for el in self.root.iter(q("Override", CT_NS)):
            if el.get("PartName", "").lower() == name.lower():
                el.set("ContentType", content_type)
                return
        etree.SubElement(self.root, q("Override", CT_NS), PartName=name, ContentType=content_type)

    def remove_override(self, part: str) -> None:
        name = "/" + part.lower()
        for el in list(self.root.iter(q("Override", CT_NS))):
            if el.get("PartName", "").lower() == name:
                self.root.remove(el)


# -- the workbook ------------------------------------------------------------------------------
@dataclass(slots=True)
class SheetInfo:
    name: str
    part: str
    element: Element  # its <sheet> in workbook.xml, for a change of state


@dataclass(slots=True)
class TableInfo:
    name: str
    display_name: str
    part: str
    sheet: str  # the sheet's name
    bounds: list[int]  # [min_col, min_row, max_col, max_row], updated as the table changes
    root: Element
    changed: bool = False

    @property
    def totals(self) -> int:
        """Rows of the Total Row at the bottom of the ref (Table Design → Total Row)."""
        count = self.root.get("totalsRowCount", "0")
        return int(count) if count.isdigit() and int(count) < self.bounds[3] - self.bounds[1] else 0

    def calculated(self) -> dict[int, str]:
        """Calculated columns (a formula Excel fills down each row): position -> formula."""
        out: dict[int, str] = {}
        columns = self.root.find(q("tableColumns"))
        for i, column in enumerate(columns if columns is not None else ()):
            formula = column.find(q("calculatedColumnFormula"))
            if formula is not None and formula.text and formula.get("array") not in ("1", "true"):
                out[i] = formula.text
        return out

    @property
    def data_end(self) -> int:
        """The last sheet row of the table's data (above its Total Row)."""
        return self.bounds[3] - self.totals

    def set_bounds(self, min_col: int, min_row: int, max_col: int, max_row: int) -> None:
        bounds = [min_col, min_row, max_col, max_row]
        if bounds == self.bounds:
            return
        self.bounds = bounds
        self.root.set("ref", format_range(*bounds))
        auto = self.root.find(q("autoFilter"))
        if auto is not None:  # the filter buttons cover the data, never the Total Row
            auto.set("ref", format_range(min_col, min_row, max_col, max_row - self.totals))
        self.changed = True


@dataclass(slots=True)
class WorkbookInfo:
    part: str
    root: Element
    sheets: dict[str, SheetInfo]
    tables: dict[str, TableInfo]  # by table name and by display name
    styles_part: str | None
    strings_part: str | None
    calc_chain_part: str | None
    date1904: bool
    marker: str | None  # the custom property that marks a hikisup workbook
    changed: bool = False
    rels: RelsDoc | None = None  # loaded on the first edit
    content_types: ContentTypes | None = None
    new_parts: set[str] = field(default_factory=set)

    def workbook_rels(self, pkg: Package) -> RelsDoc:
        if self.rels is None:
            self.rels = RelsDoc.load(pkg, self.part)
        return self.rels

    def types(self, pkg: Package) -> ContentTypes:
        if self.content_types is None:
            self.content_types = ContentTypes(pkg.xml(CONTENT_TYPES))
        return self.content_types

    def set_state(self, sheet: str, state: str) -> None:
        element = self.sheets[sheet].element
        if element.get("state", "visible") != state:
            element.set("state", state)
            self.changed = True

    def request_full_calculation(self) -> None:
        """Values changed under formulas: have Excel recalculate when it opens the file."""
        calc = self.root.find(q("calcPr"))
        if calc is None:
            calc = etree.Element(q("calcPr"))
            _insert_in_order(self.root, calc, WORKBOOK_ORDER)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")
            self.changed = True

    def add_sheet(self, pkg: Package, name: str, state: str) -> str:
        """A new worksheet part at the end of the workbook; returns its part name."""
        folder = posixpath.dirname(self.part)
        n = len(self.sheets) + 1
        while True:
            part = posixpath.join(folder, "worksheets", f"sheet{n}.xml")
            if pkg.find(part) is None and part not in self.new_parts:
                break
            n += 1
        rid = self.workbook_rels(pkg).add(REL_WORKSHEET, posixpath.relpath(part, folder))
        self.types(pkg).add_override(part, CT_WORKSHEET)
        sheets = self.root.find(q("sheets"))
        ids = [int(s.get("sheetId", "0")) for s in sheets.iter(q("sheet"))]
        attrs = {"name": name, "sheetId": str(max(ids, default=0) + 1), "state": state}
        nsmap = None if DOC_REL_NS in self.root.nsmap.values() else {"r": DOC_REL_NS}
        element = etree.SubElement(sheets, q("sheet"), attrs, nsmap=nsmap)
        element.set(q("id", DOC_REL_NS), rid)
        self.sheets[name] = SheetInfo(name, part, element)
        self.new_parts.add(part)
        self.changed = True
        return part

    def drop_calc_chain(self, pkg: Package) -> str | None:
        """Forget the calculation chain (Excel rebuilds it); returns the part to delete."""
        part = self.calc_chain_part
        if part is None:
            return None
        self.workbook_rels(pkg).remove_type(REL_CALC_CHAIN)
        self.types(pkg).remove_override(part)
        self.calc_chain_part = None
        return part


WORKBOOK_ORDER = (
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def _insert_in_order(parent: Element, child: Element, order: tuple[str, ...]) -> None:
    """Insert `child` where the schema's sequence `order` puts it among `parent`'s children."""
    rank = order.index(local(child.tag))
    for i, existing in enumerate(parent):
        name = local(existing.tag)
        if name in order and order.index(name) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def read_workbook(pkg: Package) -> WorkbookInfo:
    """The workbook part, its sheets and tables, styles, date system and hikisup marker."""
    root_rels = pkg.rels("")
    part = next(
        (r.target for r in root_rels if r.type == REL_OFFICE_DOCUMENT and not r.external),
        "xl/workbook.xml",
    )
    root = pkg.xml(part)
    if root.tag != q("workbook"):
        raise PackageError(f"{part}: not a SpreadsheetML workbook ({root.tag})")
    rels = {r.id: r for r in pkg.rels(part)}
    sheets: dict[str, SheetInfo] = {}
    container = root.find(q("sheets"))
    for el in container.iter(q("sheet")) if container is not None else ():
        rel = rels.get(el.get(q("id", DOC_REL_NS), ""))
        if rel is None or rel.type != REL_WORKSHEET or rel.external:
            continue  # a chart sheet or dialog sheet holds no table
        sheets[el.get("name", "")] = SheetInfo(el.get("name", ""), rel.target, el)
    tables: dict[str, TableInfo] = {}
    for sheet in sheets.values():
        for rel in pkg.rels(sheet.part):
            if rel.type != REL_TABLE or rel.external or pkg.find(rel.target) is None:
                continue
            troot = pkg.xml(rel.target)
            ref = troot.get("ref", "")
            try:
                bounds = list(parse_range(ref))
            except PackageError:
                raise HikisupError(
                    f"表の範囲「{ref}」を読み取れません。表（テーブル）の範囲を確認してください。"
                ) from None
            name = troot.get("name") or troot.get("displayName") or ""
            info = TableInfo(
                name, troot.get("displayName") or name, rel.target, sheet.name, bounds, troot
            )
            tables.setdefault(info.name, info)
            tables.setdefault(info.display_name, info)
    by_type = {r.type: r.target for r in rels.values() if not r.external}
    pr = root.find(q("workbookPr"))
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    return WorkbookInfo(
        part=part,
        root=root,
        sheets=sheets,
        tables=tables,
        styles_part=by_type.get(REL_STYLES) if pkg.find(by_type.get(REL_STYLES, "")) else None,
        strings_part=(
            by_type.get(REL_SHARED_STRINGS)
            if pkg.find(by_type.get(REL_SHARED_STRINGS, ""))
            else None
        ),
        calc_chain_part=(
            by_type.get(REL_CALC_CHAIN) if pkg.find(by_type.get(REL_CALC_CHAIN, "")) else None
        ),
        date1904=date1904,
        marker=_custom_property(pkg, root_rels, MARKER_PROPERTY),
    )


def _custom_property(pkg: Package, root_rels: list[Rel], wanted: str) -> str | None:
    part = next(
        (r.target for r in root_rels if r.type == REL_CUSTOM_PROPERTIES and not r.external),
        "docProps/custom.xml",
    )
    if pkg.find(part) is None:
        return None
    for prop in pkg.xml(part).iter(q("property", CUSTOM_NS)):
        if prop.get("name") == wanted:
            value = next(iter(prop), None)
            return None if value is None else (value.text or "")
    return None
