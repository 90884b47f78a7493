"""The validator is not a check that cannot fail: each broken part or broken rule is reported.

Every test starts from a real written workbook (the demo after `report`: tables, charts,
pivot tables) that validates clean, breaks one thing the way a faulty writer would, and
expects the finding that names it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import invoke
from lxml import etree
from openpyxl.utils import get_column_letter, range_boundaries

from . import crossparts
from .markup import MC
from .package import R_NS, Package
from .schemas import CUSTOMUI_2006, require_schemas
from .validator import validate_package
from .written import FY, ROOT, TODAY, build_demo

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
Q = f"{{{S}}}"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
Parts = dict[str, bytes]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Parts:
    require_schemas()
    book = build_demo(tmp_path_factory.mktemp("mutations") / "管理.xlsx")
    assert invoke("report", book, "--fy", FY, "--today", TODAY).exit_code == 0
    parts = Package.read(book).parts
    assert validate_package(Package.from_parts(parts)) == []
    return parts


def part_of(parts: Parts, kind: str) -> str:
    """The name of a part by its role in the workbook, so the tests need no part numbers."""
    pkg = Package.from_parts(parts)
    if kind == "workbook":
        return crossparts.workbook_part(pkg) or ""
    tables = crossparts.tables(pkg)
    register = next(t for t in tables if t.xml.get("name") == "tRegister")
    if kind == "register-table":
        return register.part
    if kind == "register-sheet":
        return register.sheet.part
    if kind == "other-table":
        return next(t.part for t in tables if t is not register)
    if kind == "styles":
        return pkg.related(crossparts.workbook_part(pkg) or "", "/styles")[0].target
    prefix = {"pivot": "xl/pivotTables/", "cache": "xl/pivotCache/pivotCacheDefinition"}[kind]
    return sorted(n for n in parts if n.startswith(prefix) and n.endswith(".xml"))[0]


def mutate(parts: Parts, kind: str, edit: Callable[[etree._Element], None]) -> list[str]:
    name = part_of(parts, kind)
    root = etree.fromstring(parts[name])
    edit(root)
    return validate_package(Package.from_parts({**parts, name: etree.tostring(root)}))


def first(root: etree._Element, tag: str) -> etree._Element:
    el = root if root.tag == f"{Q}{tag}" else root.find(f".//{Q}{tag}")
    assert el is not None, tag
    return el


def has(findings: list[str], *words: str) -> bool:
    return any(all(w in f for w in words) for f in findings)


# -- what the schema says -------------------------------------------------------------------


def _swap_cols_and_sheet_data(root: etree._Element) -> None:
    cols, data = first(root, "cols"), first(root, "sheetData")
    root.remove(cols)
    data.addnext(cols)


def _drop_attr(tag: str, attr: str) -> Callable[[etree._Element], None]:
    return lambda root: first(root, tag).attrib.pop(attr)


def _set_attr(tag: str, attr: str, value: str) -> Callable[[etree._Element], None]:
    return lambda root: first(root, tag).set(attr, value)


SCHEMA_MUTATIONS = {
    "wrong element order": (
        "register-sheet",
        _swap_cols_and_sheet_data,
        "'cols': This element is not expected",
    ),
    "missing required attribute": (
        "register-table",
        _drop_attr("table", "ref"),
        "'ref' is required",
    ),
    "bad enum value": ("workbook", _set_attr("sheet", "state", "secret"), "secret"),
    "bad enum value in a cell": ("register-sheet", _set_attr("c", "t", "text"), "'text'"),
    "unknown attribute": ("register-sheet", _set_attr("c", "colour", "red"), "colour"),
    "r:id on a pivot table (openpyxl's)": (
        "pivot",
        _set_attr("pivotTableDefinition", f"{{{R_NS}}}id", "rId1"),
        "is not allowed",
    ),
    "unknown element": ("register-table", lambda r: etree.SubElement(r, f"{Q}colour"), "colour"),
    "xml:space outside <t>": (
        "register-sheet",
        _set_attr("c", "{http://www.w3.org/XML/1998/namespace}space", "preserve"),
        "space",
    ),
}


@pytest.mark.parametrize("name", SCHEMA_MUTATIONS)
def test_schema_errors_are_found(good: Parts, name: str) -> None:
    kind, edit, words = SCHEMA_MUTATIONS[name]
    findings = mutate(good, kind, edit)
    assert has(findings, part_of(good, kind), words), findings


def test_xml_space_on_t_is_what_excel_writes(good: Parts) -> None:
    def edit(root: etree._Element) -> None:
        for t in root.iter(f"{Q}t"):
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    assert mutate(good, "register-sheet", edit) == []


# -- markup compatibility, the way Excel reads it ------------------------------------------


def _with_ns(root: etree._Element, **ns: str) -> etree._Element:
    """A copy of `root` that declares more prefixes (lxml cannot add them in place)."""
    new = etree.Element(root.tag, nsmap={**root.nsmap, **ns})
    new.attrib.update(root.attrib)
    new.extend(list(root))
    return new


def _mutate_root(
    good: Parts, kind: str, edit: Callable[[etree._Element], etree._Element]
) -> list[str]:
    name = part_of(good, kind)
    root = edit(etree.fromstring(good[name]))
    return validate_package(Package.from_parts({**good, name: etree.tostring(root)}))


def _ignorable(declare: bool) -> Callable[[etree._Element], etree._Element]:
    def edit(root: etree._Element) -> etree._Element:
        root = _with_ns(
            root, mc=MC, x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
        )
        if declare:
            root.set(f"{{{MC}}}Ignorable", "x14ac")
        row = first(root, "row")
        row.set("{http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac}dyDescent", "0.25")
        return root

    return edit


def test_ignorable_attributes_are_skipped_only_when_declared(good: Parts) -> None:
    assert _mutate_root(good, "register-sheet", _ignorable(declare=True)) == []
    assert has(_mutate_root(good, "register-sheet", _ignorable(declare=False)), "dyDescent")


def _alternate(choice_ok: bool, fallback_ok: bool) -> Callable[[etree._Element], etree._Element]:
    """An mc:AlternateContent in place of <cols>: x14 Choice (not understood), sml Fallback."""

    def edit(root: etree._Element) -> etree._Element:
        root = _with_ns(root, mc=MC, x14=X14)
        cols = first(root, "cols")
        alt = etree.Element(f"{{{MC}}}AlternateContent")
        choice = etree.SubElement(alt, f"{{{MC}}}Choice", Requires="x14")
        etree.SubElement(choice, f"{{{X14}}}anything" if choice_ok else f"{Q}nonsense")
        fallback = etree.SubElement(alt, f"{{{MC}}}Fallback")
        fallback.append(cols if fallback_ok else etree.Element(f"{Q}nonsense"))
        first(root, "sheetFormatPr").addnext(alt)
        return root

    return edit


def test_alternate_content_takes_the_fallback_when_the_choice_is_not_understood(
    good: Parts,
) -> None:
    # The Choice needs x14 (no schema here): even nonsense inside it is never looked at...
    assert _mutate_root(good, "register-sheet", _alternate(False, True)) == []
    # ...and the Fallback is what gets validated.
    assert has(_mutate_root(good, "register-sheet", _alternate(True, False)), "nonsense")


def test_x14_content_inside_ext_is_skipped_but_sml_around_it_is_checked(good: Parts) -> None:
    def ext(first_child: bool) -> Callable[[etree._Element], None]:
        def edit(root: etree._Element) -> None:
            lst = etree.Element(f"{Q}extLst")
            e = etree.SubElement(lst, f"{Q}ext", nsmap={"x14": X14})
            e.set("uri", "{504A1905-F514-4f6f-8877-14C23A59335A}")
            etree.SubElement(e, f"{{{X14}}}table", altText="一覧", undocumented="1")
            if first_child:
                root.insert(0, lst)  # extLst comes last in a table: this is out of place
            else:
                root.append(lst)

        return edit

    assert mutate(good, "register-table", ext(first_child=False)) == []
    assert has(mutate(good, "register-table", ext(first_child=True)), "'extLst'", "not expected")


# -- cross-part rules -----------------------------------------------------------------------


def _rename_column(root: etree._Element) -> None:
    first(root, "tableColumn").set("name", "番号")


def _widen(root: etree._Element) -> None:
    left, top, right, bottom = range_boundaries(root.get("ref", ""))
    root.set("ref", f"{get_column_letter(left)}{top}:{get_column_letter(right + 1)}{bottom}")
    first(root, "autoFilter").set("ref", root.get("ref", ""))


def _totals_under_filter(root: etree._Element) -> None:
    root.set("totalsRowCount", "1")


def _table_id(value: str) -> Callable[[etree._Element], None]:
    return lambda root: root.set("id", value)


def _rows_swapped(root: etree._Element) -> None:
    rows = root.findall(f".//{Q}row")
    rows[1].addnext(rows[0])


def _cell_twice(root: etree._Element) -> None:
    cell = first(root, "c")
    cell.addnext(etree.fromstring(etree.tostring(cell)))


def _cell_in_wrong_row(root: etree._Element) -> None:
    first(root, "c").set("r", "A7")


def _style_out_of_range(root: etree._Element) -> None:
    first(root, "c").set("s", "999")


def _string_out_of_range(root: etree._Element) -> None:
    cell = first(root, "c")
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "s")
    etree.SubElement(cell, f"{Q}v").text = "999"


def _defined_name(text: str, name: str = "範囲") -> Callable[[etree._Element], None]:
    def edit(root: etree._Element) -> None:
        names = etree.Element(f"{Q}definedNames")
        etree.SubElement(names, f"{Q}definedName", name=name).text = text
        first(root, "sheets").addnext(names)

    return edit


def _pivot_field_dropped(root: etree._Element) -> None:
    fields = first(root, "pivotFields")
    fields.remove(fields[-1])
    fields.set("count", str(len(fields)))


def _pivot_cache_id(root: etree._Element) -> None:
    root.set("cacheId", "99")


def _item_beyond_cache(root: etree._Element) -> None:
    for item in root.iter(f"{Q}item"):
        if item.get("x") is not None:
            item.set("x", "500")
            return


def _cache_field_renamed(root: etree._Element) -> None:
    first(root, "cacheField").set("name", "別の列")


def _cache_source_missing(root: etree._Element) -> None:
    first(root, "worksheetSource").set("name", "tNowhere")


CROSS_MUTATIONS = {
    "table column not its header cell": ("register-table", _rename_column, "header cell holds"),
    "table ref wider than its columns": ("register-table", _widen, "columns wide"),
    "autoFilter over the totals row": ("register-table", _totals_under_filter, "totals row"),
    "table id used twice": ("register-table", _table_id("2"), "table id 2 also"),
    "rows out of order": ("register-sheet", _rows_swapped, "after row"),
    "a cell twice": ("register-sheet", _cell_twice, "after column"),
    "a cell outside its row": ("register-sheet", _cell_in_wrong_row, "inside row"),
    "style index out of range": ("register-sheet", _style_out_of_range, "style 999"),
    "shared string out of range": ("register-sheet", _string_out_of_range, "string 999"),
    "defined name to a missing sheet": ("workbook", _defined_name("'消えた表'!$A$1"), "消えた表"),
    "defined name spelled as a table": (
        "workbook",
        _defined_name("登録名簿!$A$1", "TREGISTER"),
        "also a defined name",
    ),
    "pivot field missing": ("pivot", _pivot_field_dropped, "pivotFields, the cache has"),
    "pivot cacheId unknown": ("pivot", _pivot_cache_id, "cacheId 99"),
    "pivot item beyond the cache": ("pivot", _item_beyond_cache, "x=500"),
    "cache field not the source column": (
        "cache",
        _cache_field_renamed,
        "['別の列'] are not columns of table",
    ),
    "cache source table missing": ("cache", _cache_source_missing, "tNowhere"),
}


def test_a_cache_without_a_column_added_since_its_refresh_is_what_excel_saves(
    good: Parts,
) -> None:
    """A column staff add to a pivot's source table reaches its cache at the next refresh;
    until then Excel saves the cache without it (the older workbooks in tests/upgrade)."""

    def drop_last_field(root: etree._Element) -> None:
        fields = first(root, "cacheFields")
        fields.remove(fields[-1])
        fields.set("count", str(len(fields)))

    name = part_of(good, "cache")
    root = etree.fromstring(good[name])
    assert root.find(f".//{Q}worksheetSource").get("name")  # its source is a table
    drop_last_field(root)
    pkg = Package.from_parts({**good, name: etree.tostring(root)})
    assert list(crossparts.caches_match_sources(pkg)) == []


@pytest.mark.parametrize("name", CROSS_MUTATIONS)
def test_cross_part_rules_are_enforced(good: Parts, name: str) -> None:
    kind, edit, words = CROSS_MUTATIONS[name]
    findings = mutate(good, kind, edit)
    assert has(findings, words), findings


def test_table_names_are_unique_ignoring_case(good: Parts) -> None:
    other = part_of(good, "other-table")
    root = etree.fromstring(good[other])
    root.set("name", "TREGISTER")
    findings = validate_package(Package.from_parts({**good, other: etree.tostring(root)}))
    assert has(findings, "table name 'tregister' also"), findings


def test_relationships_must_resolve_to_typed_parts(good: Parts) -> None:
    table = part_of(good, "register-table")
    missing = {k: v for k, v in good.items() if k != table}
    assert has(validate_package(Package.from_parts(missing)), table, "not in the package")

    pkg = Package.from_parts(good)
    untyped = Package(
        dict(good), pkg.defaults, {k: v for k, v in pkg.overrides.items() if k != table}
    )
    untyped.defaults.pop("xml", None)
    findings = validate_package(untyped)
    assert has(findings, table, "no content type"), findings


def test_an_r_id_without_its_relationship(good: Parts) -> None:
    sheet = part_of(good, "register-sheet")
    root = etree.fromstring(good[sheet])
    parts_el = root.find(f"{Q}tableParts")
    assert parts_el is not None
    parts_el[0].set(f"{{{R_NS}}}id", "rId77")
    findings = validate_package(Package.from_parts({**good, sheet: etree.tostring(root)}))
    assert has(findings, sheet, "rId77 has no relationship"), findings


def test_a_note_needs_its_vml_shape(good: Parts) -> None:
    """Notes: a comments part and a legacy VML drawing with a Note shape at each cell."""
    sheet = part_of(good, "register-sheet")
    folder, base = sheet.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{base}.rels"
    rels = etree.fromstring(good[rels_name])
    pr = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    for rid, kind, target in (
        ("rIdC", "comments", "/xl/comments1.xml"),
        ("rIdV", "vmlDrawing", "/xl/drawings/vmlDrawing1.vml"),
    ):
        etree.SubElement(
            rels.getroottree().getroot(),
            "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
            Id=rid,
            Type=f"{pr}/{kind}",
            Target=target,
        )
    root = etree.fromstring(good[sheet])
    legacy = etree.Element(f"{Q}legacyDrawing")
    legacy.set(f"{{{R_NS}}}id", "rIdV")
    anchor = root.find(f"{Q}tableParts")
    assert anchor is not None
    anchor.addprevious(legacy)
    comments = (
        f'<comments xmlns="{S}"><authors><author>係</author></authors><commentList>'
        '<comment ref="B2" authorId="0"><text><t>確認</t></text></comment></commentList></comments>'
    ).encode()

    def vml(row: int, twice: bool = False) -> bytes:
        shape = (
            '<v:shape id="_x0000_s1025" type="#_x0000_t202">'
            f'<x:ClientData ObjectType="Note"><x:Row>{row}</x:Row><x:Column>1</x:Column></x:ClientData>'
            "</v:shape>"
        )
        return (
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
            f' xmlns:x="urn:schemas-microsoft-com:office:excel">{shape * (2 if twice else 1)}</xml>'
        ).encode()

    pkg = Package.from_parts(good)
    overrides = {
        **pkg.overrides,
        "xl/comments1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    }
    defaults = {**pkg.defaults, "vml": "application/vnd.openxmlformats-officedocument.vmlDrawing"}

    def package(row: int, twice: bool = False) -> Package:
        parts = {
            **good,
            sheet: etree.tostring(root),
            rels_name: etree.tostring(rels),
            "xl/comments1.xml": comments,
            "xl/drawings/vmlDrawing1.vml": vml(row, twice),
        }
        return Package(parts, defaults, overrides)

    assert validate_package(package(row=1)) == []
    assert has(validate_package(package(row=5)), "note at B2 has no VML shape")
    assert has(validate_package(package(row=1, twice=True)), "shape id _x0000_s1025 used twice")
    broken = package(row=1)
    broken.parts["xl/drawings/vmlDrawing1.vml"] = b"<xml><v:shape></xml>"
    assert has(validate_package(broken), "vmlDrawing1.vml: not well-formed")


# -- the add-in's ribbon --------------------------------------------------------------------


def test_customui_is_checked_against_the_ribbon_schema() -> None:
    require_schemas()
    pkg = Package.read(ROOT / "workbook" / "hikisup.xlam")
    ui = next(r.target for r in pkg.rels("") if r.type.endswith("/ui/extensibility"))
    assert validate_package(pkg) == []
    root = etree.fromstring(pkg.parts[ui])
    button = root.find(f".//{{{CUSTOMUI_2006}}}button")
    assert button is not None
    button.set("colour", "red")
    bad = Package({**pkg.parts, ui: etree.tostring(root)}, pkg.defaults, pkg.overrides)
    assert has(validate_package(bad), ui, "colour")
    button.attrib.pop("colour")
    button.set("size", "huge")
    bad = Package({**pkg.parts, ui: etree.tostring(root)}, pkg.defaults, pkg.overrides)
    assert has(validate_package(bad), ui, "huge")
