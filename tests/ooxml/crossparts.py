"""What XSD cannot say but Excel enforces: it offers a repair when one of these breaks.

Each rule is a function Package -> findings; RULES lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from .package import R_NS, Package

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CELL = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    part: str


def workbook_part(pkg: Package) -> str | None:
    docs = pkg.related("", "/officeDocument")
    return docs[0].target if docs else None


def sheets(pkg: Package) -> list[Sheet]:
    book = workbook_part(pkg)
    if book is None:
        return []
    targets = {r.id: r.target for r in pkg.rels(book)}
    return [
        Sheet(s.get("name", ""), targets.get(s.get(f"{{{R_NS}}}id", ""), ""))
        for s in pkg.xml(book).iter(f"{S}sheet")
    ]


def shared_strings(pkg: Package) -> list[str]:
    book = workbook_part(pkg)
    parts = pkg.related(book, "/sharedStrings") if book else []
    if not parts or parts[0].target not in pkg.parts:
        return []
    return [string_text(si) for si in pkg.xml(parts[0].target).iter(f"{S}si")]


def string_text(string: etree._Element) -> str:
    """The value of an <si> or <is> as Excel reads it: its <t>, or the <t> of each rich-text
    run. The phonetic runs (<rPh><t>ヤマダ</t></rPh>, which Japanese Excel keeps with every
    string typed through the IME) are the reading, not part of the value; neither is the
    <phoneticPr> beside them."""
    out = []
    for child in string:
        if child.tag == f"{S}t":
            out.append(child.text or "")
        elif child.tag == f"{S}r":
            out += [t.text or "" for t in child.findall(f"{S}t")]
    return "".join(out)


def cell_text(cell: etree._Element, strings: list[str]) -> str | None:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{S}is")
        return string_text(inline) if inline is not None else ""
    value = cell.find(f"{S}v")
    if value is None or value.text is None:
        return None
    if kind == "s":
        index = int(value.text)
        return strings[index] if 0 <= index < len(strings) else None
    return value.text


def cells(sheet_xml: etree._Element) -> Iterator[tuple[int, int, etree._Element]]:
    """(row, column, <c>) in document order; r attributes are optional in the standard."""
    row_no = 0
    for row in sheet_xml.iter(f"{S}row"):
        row_no = int(row.get("r", row_no + 1))
        col_no = 0
        for cell in row.iter(f"{S}c"):
            ref = cell.get("r")
            if ref:
                m = _CELL.match(ref)
                col_no = column_index_from_string(m.group(1)) if m else -1
                yield (int(m.group(2)) if m else -1), col_no, cell
            else:
                col_no += 1
                yield row_no, col_no, cell


# -- rows and cells -------------------------------------------------------------------------


def rows_and_cells_in_order(pkg: Package) -> Iterator[str]:
    for sheet in sheets(pkg):
        if sheet.part not in pkg.parts:
            continue
        xml = pkg.xml(sheet.part)
        last_row = 0
        for row in xml.iter(f"{S}row"):
            r = int(row.get("r", last_row + 1))
            if r <= last_row:
                yield f"{sheet.part}: row {r} after row {last_row}"
            last_row = r
            last_col = 0
            for cell in row.iter(f"{S}c"):
                ref = cell.get("r")
                m = _CELL.match(ref) if ref else None
                if ref and not m:
                    yield f"{sheet.part}: bad cell reference {ref!r}"
                    continue
                col = column_index_from_string(m.group(1)) if m else last_col + 1
                if m and int(m.group(2)) != r:
                    yield f"{sheet.part}: cell {ref} inside row {r}"
                if col <= last_col:
                    yield f"{sheet.part}: cell {ref or col} after column {last_col} in row {r}"
                last_col = col


# -- style and string indexes ---------------------------------------------------------------


def indexes_in_range(pkg: Package) -> Iterator[str]:
    book = workbook_part(pkg)
    styles = pkg.related(book, "/styles") if book else []
    xfs = 0
    if styles and styles[0].target in pkg.parts:
        cell_xfs = pkg.xml(styles[0].target).find(f"{S}cellXfs")
        xfs = len(cell_xfs.findall(f"{S}xf")) if cell_xfs is not None else 0
    n_strings = len(shared_strings(pkg))
    for sheet in sheets(pkg):
        if sheet.part not in pkg.parts:
            continue
        xml = pkg.xml(sheet.part)
        for el in (*xml.iter(f"{S}c"), *xml.iter(f"{S}row"), *xml.iter(f"{S}col")):
            style = el.get("style" if el.tag == f"{S}col" else "s")
            if style is not None and not 0 <= int(style) < max(xfs, 1):
                where = el.get("r") or el.get("min") or "?"
                yield f"{sheet.part}: style {style} at {where}, only {xfs} cellXfs"
        for cell in xml.iter(f"{S}c"):
            value = cell.find(f"{S}v")
            if cell.get("t") != "s" or value is None:
                continue
            if not 0 <= int(value.text or -1) < n_strings:
                yield f"{sheet.part}: cell {cell.get('r')} names string {value.text}, only {n_strings}"


# -- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    part: str
    sheet: Sheet
    xml: etree._Element


def tables(pkg: Package) -> list[Table]:
    out = []
    for sheet in sheets(pkg):
        for rel in pkg.related(sheet.part, "/table"):
            if rel.target in pkg.parts:
                out.append(Table(rel.target, sheet, pkg.xml(rel.target)))
    return out


def table_columns(table: etree._Element) -> list[str]:
    return [c.get("name", "") for c in table.iter(f"{S}tableColumn")]


def table_matches_header(pkg: Package) -> Iterator[str]:
    strings = shared_strings(pkg)
    for table in tables(pkg):
        ref = table.xml.get("ref", "")
        left, top, right, _bottom = range_boundaries(ref)
        names = table_columns(table.xml)
        if len(names) != right - left + 1:
            yield f"{table.part}: ref {ref} is {right - left + 1} columns wide, {len(names)} tableColumns"
        if table.xml.get("headerRowCount", "1") == "0":
            continue
        header = {
            col: cell_text(c, strings)
            for r, col, c in cells(pkg.xml(table.sheet.part))
            if r == top and left <= col <= right
        }
        for offset, name in enumerate(names):
            found = header.get(left + offset)
            if found != name:
                yield f"{table.part}: column {offset + 1} is {name!r}, header cell holds {found!r}"


def table_ids_and_names_unique(pkg: Package) -> Iterator[str]:
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for table in tables(pkg):
        tid = table.xml.get("id", "")
        if tid in ids:
            yield f"{table.part}: table id {tid} also in {ids[tid]}"
        ids[tid] = table.part
        for name in {table.xml.get("name", "").lower(), table.xml.get("displayName", "").lower()}:
            if name in names and names[name] != table.part:
                yield f"{table.part}: table name {name!r} also in {names[name]}"
            names[name] = table.part


def table_names_are_not_defined_names(pkg: Package) -> Iterator[str]:
    """A table's name is a workbook-wide name: a defined name of the same spelling clashes."""
    book = workbook_part(pkg)
    if book is None:
        return
    defined = {(n.get("name") or "").lower() for n in pkg.xml(book).iter(f"{S}definedName")}
    for table in tables(pkg):
        if table.xml.get("displayName", "").lower() in defined:
            yield f"{table.part}: table {table.xml.get('displayName')} is also a defined name"


def autofilter_not_on_totals(pkg: Package) -> Iterator[str]:
    for table in tables(pkg):
        totals = int(table.xml.get("totalsRowCount", "0"))
        auto = table.xml.find(f"{S}autoFilter")
        if auto is None:
            continue
        left, top, right, bottom = range_boundaries(table.xml.get("ref", ""))
        if range_boundaries(auto.get("ref", "")) != (left, top, right, bottom - totals):
            yield (
                f"{table.part}: autoFilter {auto.get('ref')} is not the table {table.xml.get('ref')}"
                f" without its {totals} totals row(s)"
            )


# -- defined names --------------------------------------------------------------------------

_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s'!,()=+\-*/&^<>:;\"]+))!")


def defined_names_point_at_sheets(pkg: Package) -> Iterator[str]:
    book = workbook_part(pkg)
    if book is None:
        return
    known = {s.name.lower() for s in sheets(pkg)}
    for name in pkg.xml(book).iter(f"{S}definedName"):
        text = name.text or ""
        label = name.get("name")
        local = name.get("localSheetId")
        if local is not None and not 0 <= int(local) < len(known):
            yield f"{book}: defined name {label} has localSheetId {local}, {len(known)} sheets"
        for quoted, bare in _SHEET_REF.findall(re.sub(r'"[^"]*"', "", text)):
            sheet = quoted.replace("''", "'") if quoted else bare
            # "[1]Sheet!" is another workbook; "#REF!" a deleted range, which Excel keeps as is
            if sheet.lower() not in known and not sheet.startswith(("[", "#")):
                yield f"{book}: defined name {label} points at sheet {sheet!r}, not in the workbook"


# -- pivot tables ---------------------------------------------------------------------------


def _shared_item_count(field: etree._Element) -> int:
    shared = field.find(f"{S}sharedItems")
    return 0 if shared is None else len(shared)


def pivots_match_caches(pkg: Package) -> Iterator[str]:
    book = workbook_part(pkg)
    if book is None:
        return
    book_rels = {r.id: r.target for r in pkg.rels(book)}
    cache_by_id = {
        c.get("cacheId"): book_rels.get(c.get(f"{{{R_NS}}}id", ""))
        for c in pkg.xml(book).iter(f"{S}pivotCache")
    }
    for sheet in sheets(pkg):
        for rel in pkg.related(sheet.part, "/pivotTable"):
            if rel.target not in pkg.parts:
                continue
            pivot = pkg.xml(rel.target)
            caches = pkg.related(rel.target, "/pivotCacheDefinition")
            cache_part = caches[0].target if caches else None
            if cache_part is None or cache_part not in pkg.parts:
                yield f"{rel.target}: no pivot cache definition"
                continue
            listed = cache_by_id.get(pivot.get("cacheId"))
            if listed != cache_part:
                yield (
                    f"{rel.target}: cacheId {pivot.get('cacheId')} is {listed} in the workbook,"
                    f" the pivot's own relationship names {cache_part}"
                )
            yield from _pivot_fields(rel.target, pivot, pkg.xml(cache_part))


def _pivot_fields(part: str, pivot: etree._Element, cache: etree._Element) -> Iterator[str]:
    cache_fields = list(cache.iter(f"{S}cacheField"))
    pivot_fields = list(pivot.iter(f"{S}pivotField"))
    if len(pivot_fields) != len(cache_fields):
        yield f"{part}: {len(pivot_fields)} pivotFields, the cache has {len(cache_fields)} fields"
        return
    n = len(cache_fields)
    for tag, attr in (("field", "x"), ("pageField", "fld"), ("dataField", "fld")):
        for el in pivot.iter(f"{S}{tag}"):
            index = int(el.get(attr, "0"))
            if not (0 <= index < n or (tag == "field" and index == -2)):  # -2: the Σ values field
                yield f"{part}: {tag} {attr}={index} with {n} fields"
    for index, (pf, cf) in enumerate(zip(pivot_fields, cache_fields, strict=True)):
        shared = _shared_item_count(cf)
        for item in pf.iter(f"{S}item"):
            if item.get("t", "data") == "data" and not 0 <= int(item.get("x", "-1")) < shared:
                yield f"{part}: field {index} item x={item.get('x')}, cache has {shared} items"


def caches_match_sources(pkg: Package) -> Iterator[str]:
    by_name = {t.xml.get("name", "").lower(): t for t in tables(pkg)}
    by_name |= {t.xml.get("displayName", "").lower(): t for t in tables(pkg)}
    sheet_parts = {s.name: s for s in sheets(pkg)}
    strings = shared_strings(pkg)
    for name, data in pkg.parts.items():
        if not name.endswith(".xml") or b"pivotCacheDefinition" not in data[:400]:
            continue
        cache = pkg.xml(name)
        source = cache.find(f"{S}cacheSource/{S}worksheetSource")
        if source is None:
            continue
        fields = [f.get("name", "") for f in cache.iter(f"{S}cacheField")]
        table_name = source.get("name")
        if table_name:
            table = by_name.get(table_name.lower())
            if table is None:
                yield f"{name}: source table {table_name!r} is not in the workbook"
            else:
                # A cache is a snapshot: a column staff added to the table since the last
                # refresh is not in it yet (Excel saves it so, and adds it on refresh). A
                # field the table does not have is what breaks the pivot.
                columns = set(table_columns(table.xml))
                unknown = [f for f in fields if f not in columns]
                if unknown:
                    yield f"{name}: fields {unknown} are not columns of table {table_name}"
            continue
        sheet = sheet_parts.get(source.get("sheet", ""))
        if sheet is None:
            yield f"{name}: source sheet {source.get('sheet')!r} is not in the workbook"
            continue
        left, top, right, _ = range_boundaries(source.get("ref", ""))
        header = {c: cell_text(el, strings) for r, c, el in cells(pkg.xml(sheet.part)) if r == top}
        found = [header.get(c) for c in range(left, right + 1)]
        if found != fields:
            yield f"{name}: fields {fields} are not the source header {found}"


# -- relationships --------------------------------------------------------------------------


def relationships_resolve(pkg: Package) -> Iterator[str]:
    for rels_name in [n for n in pkg.parts if n.endswith(".rels")]:
        source = Package.rels_source(rels_name)
        if source and source not in pkg.parts:
            yield f"{rels_name}: relationships of a missing part {source}"
        seen: set[str] = set()
        for rel in pkg.rels(source):
            if rel.id in seen:
                yield f"{rels_name}: relationship id {rel.id} twice"
            seen.add(rel.id)
            if rel.external:
                continue
            if rel.target not in pkg.parts:
                yield f"{rels_name}: {rel.id} targets {rel.target}, not in the package"
            elif pkg.content_type(rel.target) is None:
                yield f"{rels_name}: {rel.id} targets {rel.target}, which has no content type"
    for name in pkg.overrides:
        if name not in pkg.parts:
            yield f"[Content_Types].xml: override for {name}, not in the package"


def relationship_ids_exist(pkg: Package) -> Iterator[str]:
    """Every r:id / r:embed ... attribute of an XML part names a relationship of that part."""
    for name, data in pkg.parts.items():
        ctype = pkg.content_type(name) or ""
        if not ctype.endswith("+xml") or name.endswith(".rels") or R_NS.encode() not in data:
            continue
        ids = {r.id for r in pkg.rels(name)}
        for el in pkg.xml(name).iter():
            for attr, value in el.attrib.items():
                if attr.startswith(f"{{{R_NS}}}") and value and value not in ids:
                    yield f"{name}: {etree.QName(el).localname} {attr.split('}')[1]}={value} has no relationship"


def comments_have_note_shapes(pkg: Package) -> Iterator[str]:
    """A sheet's notes need its legacy VML drawing, with a Note shape at each note's cell."""
    for sheet in sheets(pkg):
        comments = pkg.related(sheet.part, "/comments")
        if not comments:
            continue
        vml = pkg.related(sheet.part, "/vmlDrawing")
        legacy = pkg.xml(sheet.part).find(f"{S}legacyDrawing")
        if not vml or legacy is None or legacy.get(f"{{{R_NS}}}id") != vml[0].id:
            yield f"{sheet.part}: has comments but no <legacyDrawing> to its VML drawing"
            continue
        drawing = pkg.xml(vml[0].target)
        shape_ids = [s.get("id") for s in drawing.iter("{urn:schemas-microsoft-com:vml}shape")]
        for twice in sorted({i for i in shape_ids if i and shape_ids.count(i) > 1}):
            yield f"{vml[0].target}: shape id {twice} used twice"
        x = "{urn:schemas-microsoft-com:office:excel}"
        anchored = {
            (int(d.findtext(f"{x}Row") or -1), int(d.findtext(f"{x}Column") or -1))
            for d in drawing.iter(f"{x}ClientData")
            if d.get("ObjectType") == "Note"
        }
        for comment in pkg.xml(comments[0].target).iter(f"{S}comment"):
            left, top, _r, _b = range_boundaries(comment.get("ref", ""))
            if (top - 1, left - 1) not in anchored:
                yield f"{comments[0].target}: note at {comment.get('ref')} has no VML shape"


RULES: tuple[Callable[[Package], Iterator[str]], ...] = (
    relationships_resolve,
    relationship_ids_exist,
    rows_and_cells_in_order,
    indexes_in_range,
    table_matches_header,
    table_ids_and_names_unique,
    table_names_are_not_defined_names,
    autofilter_not_on_totals,
    defined_names_point_at_sheets,
    pivots_match_caches,
    caches_match_sources,
    comments_have_note_shapes,
)


def check(pkg: Package) -> list[str]:
    out = []
    for rule in RULES:
        try:
            out += list(rule(pkg))
        except (etree.XMLSyntaxError, ValueError, KeyError, TypeError) as err:
            # A part too broken to follow is itself a finding (its schema check says why).
            out.append(f"{rule.__name__}: cannot check ({type(err).__name__}: {err})")
    return out
