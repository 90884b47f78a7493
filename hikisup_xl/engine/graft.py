"""Whole sheets moved between packages, part by part: a sheet of the template put into a workbook
(with its tables, drawing, charts, pivot tables and their caches), and a sheet taken out.

This is what `hikisup upgrade` does to a file on the patch engine: the workbook's other parts
stay byte for byte. The grafted parts are renamed where the workbook already uses their names,
their relationships rewritten, table ids and pivot cache ids renumbered, the sheet's shared
strings written inline and its styles (cell formats, conditional-format styles) copied into
the workbook's styles.xml.
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from .ooxml import (
    CONTENT_TYPES,
    CT_NS,
    DOC_REL_NS,
    PKG_REL_NS,
    REL_WORKSHEET,
    WORKBOOK_ORDER,
    ContentTypes,
    Element,
    Package,
    RelsDoc,
    SheetInfo,
    TableInfo,
    WorkbookInfo,
    _insert_in_order,
    local,
    parse_range,
    parse_xml,
    q,
    rels_part,
    to_bytes,
)
from .xlstyles import StyleBook, _canonical

REL_PIVOT_CACHE = DOC_REL_NS + "/pivotCacheDefinition"
REL_PIVOT_TABLE = DOC_REL_NS + "/pivotTable"
REL_TABLE = DOC_REL_NS + "/table"
_NUMBERED = re.compile(r"^(.*?)(\d*)(\.[^.]+)$")


@dataclass
class Changes:
    """Parts to write (new or replacing) and parts to drop when the engine saves."""

    parts: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)


def closure(pkg: Package, part: str) -> list[str]:
    """`part` and every part it reaches through relationships (inside the package)."""
    seen: list[str] = []
    todo = [part]
    while todo:
        current = todo.pop(0)
        if current in seen or pkg.find(current) is None:
            continue
        seen.append(current)
        todo += [r.target for r in pkg.rels(current) if not r.external]
    return seen


def _content_type(types: Element, part: str) -> tuple[str, str] | None:
    """('Override', type) or ('Default', type) for a part, from [Content_Types].xml."""
    for el in types.iter(q("Override", CT_NS)):
        if el.get("PartName", "").lower() == "/" + part.lower():
            return "Override", el.get("ContentType", "")
    ext = part.rsplit(".", 1)[-1].lower()
    for el in types.iter(q("Default", CT_NS)):
        if el.get("Extension", "").lower() == ext:
            return "Default", el.get("ContentType", "")
    return None


def _sheet_index(wb: WorkbookInfo, sheet: str) -> int:
    sheets = [el for el in wb.root.find(q("sheets")) if local(el.tag) == "sheet"]
    return [el.get("name") for el in sheets].index(sheet)


def _shift_sheet_indexes(wb: WorkbookInfo, at: int, by: int) -> None:
    """Sheet positions after `at` move by `by`: local defined names, the active tab."""
    names = wb.root.find(q("definedNames"))
    for el in list(names) if names is not None else ():
        local_id = el.get("localSheetId")
        if local_id is None or not local_id.isdigit():
            continue
        n = int(local_id)
        if by < 0 and n == at:
            names.remove(el)  # a name of the sheet taken out
        elif n >= at + (1 if by < 0 else 0):
            el.set("localSheetId", str(n + by))
    views = wb.root.find(q("bookViews"))
    for view in views if views is not None else ():
        for attr in ("activeTab", "firstSheet"):
            value = view.get(attr)
            if value is not None and value.isdigit() and int(value) >= at and int(value) > 0:
                if by > 0 or int(value) > at:
                    view.set(attr, str(int(value) + by))
                else:
                    view.set(attr, "0")
    wb.changed = True


# -- taking a sheet out ----------------------------------------------------------------------
def remove_sheet(pkg: Package, wb: WorkbookInfo, sheet: str, changes: Changes) -> None:
    """Drop `sheet` and what only it uses (tables, drawings, charts, pivot tables and caches)."""
    info = wb.sheets[sheet]
    parts = closure(pkg, info.part)
    caches = {p for p in parts if _is_cache(pkg, p)}
    still_used = _caches_used_outside(pkg, wb, set(parts))
    drop = [p for p in parts if p not in (caches & still_used)]
    types = wb.types(pkg)
    for p in drop:
        changes.removed.add(pkg.find(p) or p)
        rels = pkg.find(rels_part(p))
        if rels is not None:
            changes.removed.add(rels)
        types.remove_override(p)
    book_rels = wb.workbook_rels(pkg)
    gone_ids = {
        el.get("Id", "")
        for el in book_rels.root.iter(q("Relationship", PKG_REL_NS))
        if _resolved(wb.part, el.get("Target", "")) in {d.lower() for d in drop}
    }
    pivot_caches = wb.root.find(q("pivotCaches"))
    for el in list(pivot_caches) if pivot_caches is not None else ():
        if el.get(q("id", DOC_REL_NS)) in gone_ids:
            pivot_caches.remove(el)
    if pivot_caches is not None and len(pivot_caches) == 0:
        wb.root.remove(pivot_caches)
    at = _sheet_index(wb, sheet)
    info.element.getparent().remove(info.element)
    gone_ids.add(info.element.get(q("id", DOC_REL_NS), ""))
    book_rels.remove(gone_ids)
    _shift_sheet_indexes(wb, at, -1)
    del wb.sheets[sheet]
    for name in [n for n, t in wb.tables.items() if t.sheet == sheet]:
        del wb.tables[name]
    chain = wb.drop_calc_chain(pkg)  # it names sheets by position
    if chain is not None:
        changes.removed.add(chain)
    wb.changed = True


def _resolved(source: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target[1:]).lower()
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lower()


def _is_cache(pkg: Package, part: str) -> bool:
    return "/pivotcache/pivotcachedefinition" in ("/" + part.lower())


def _caches_used_outside(pkg: Package, wb: WorkbookInfo, parts: set[str]) -> set[str]:
    used: set[str] = set()
    for info in wb.sheets.values():
        if info.part in parts:
            continue
        for rel in pkg.rels(info.part):
            if rel.type == REL_PIVOT_TABLE and not rel.external:
                used |= {r.target for r in pkg.rels(rel.target) if r.type == REL_PIVOT_CACHE}
    return used


# -- putting a template sheet in -------------------------------------------------------------
@dataclass
class Source:
    """The template package, read once for every sheet taken from it."""

    pkg: Package
    wb: WorkbookInfo
    styles: StyleBook
    shared: list[str]
    types: Element


def shared_strings(pkg: Package, wb: WorkbookInfo) -> list[str]:
    part = next((r.target for r in pkg.rels(wb.part) if r.type.endswith("/sharedStrings")), None)
    if part is None or pkg.find(part) is None:
        return []
    out = []
    for si in pkg.xml(part).iter(q("si")):
        out.append("".join(t.text or "" for t in si.iter(q("t")) if _in_run_or_si(t)))
    return out


def _in_run_or_si(t: Element) -> bool:
    return local(t.getparent().tag) in ("si", "r")  # not the phonetic reading (rPh)


class Grafter:
    """Names, ids and styles for parts copied into one workbook package."""

    def __init__(self, pkg: Package, wb: WorkbookInfo, styles: StyleBook, changes: Changes) -> None:
        self.pkg, self.wb, self.styles, self.changes = pkg, wb, styles, changes
        self.taken = {i.filename.lower() for i in pkg.infos} | {p.lower() for p in changes.parts}
        self.xf_map: dict[int, int] = {}
        self.table_ids: list[int] = []
        self.dxf_map: dict[int, int] = {}

    def _free_name(self, part: str) -> str:
        if part.lower() not in self.taken:
            self.taken.add(part.lower())
            return part
        m = _NUMBERED.match(part)
        stem, ext = (m.group(1), m.group(3)) if m else (part, "")
        n = 1
        while f"{stem}{n}{ext}".lower() in self.taken:
            n += 1
        name = f"{stem}{n}{ext}"
        self.taken.add(name.lower())
        return name

    def graft(self, src: Source, sheet: str, before: str | None) -> tuple[str, Element]:
        """Copy the template's `sheet` in front of the workbook's sheet `before` (None: at
        the end). Returns the new worksheet part and its XML root (for a SheetEditor); the
        other parts are in `changes.parts`."""
        src_part = src.wb.sheets[sheet].part
        parts = closure(src.pkg, src_part)
        names = {p: self._free_name(p) for p in parts}
        types = self.wb.types(self.pkg)
        cache_ids: dict[str, int] = {}
        for p in parts:
            if _is_cache(src.pkg, p):
                cache_ids[p] = self._add_pivot_cache(names[p])
        sheet_root: Element | None = None
        for p in parts:
            new = names[p]
            root = src.pkg.xml(p) if _is_xml(p) else None
            if p == src_part:
                sheet_root = self._sheet_xml(root, src)
            elif root is not None and local(root.tag) == "table":
                self._table_xml(root, new, sheet)
            elif root is not None and local(root.tag) == "pivotTableDefinition":
                cache = next(r.target for r in src.pkg.rels(p) if r.type == REL_PIVOT_CACHE)
                root.set("cacheId", str(cache_ids[cache]))
            if p != src_part and not (root is not None and local(root.tag) == "table"):
                # (a table is written by the engine from its TableInfo, edits included)
                self.changes.parts[new] = to_bytes(root) if root is not None else src.pkg.read(p)
            rels = src.pkg.rels(p)
            if rels:
                doc = RelsDoc(
                    etree.Element(q("Relationships", PKG_REL_NS), nsmap={None: PKG_REL_NS})
                )
                for r in rels:
                    el = etree.SubElement(
                        doc.root, q("Relationship", PKG_REL_NS), Id=r.id, Type=r.type
                    )
                    if r.external:
                        el.set("Target", r.target)
                        el.set("TargetMode", "External")
                    else:
                        el.set("Target", posixpath.relpath(names[r.target], posixpath.dirname(new)))
                self.changes.parts[rels_part(new)] = to_bytes(doc.root)
            kind = _content_type(src.types, p)
            if kind is not None and kind[0] == "Override":
                types.add_override(new, kind[1])
            elif kind is not None:
                _ensure_default(types, p.rsplit(".", 1)[-1], kind[1])
        assert sheet_root is not None
        new_sheet = names[src_part]
        self.changes.parts[new_sheet] = to_bytes(sheet_root)  # unless the engine edits it later
        self._add_sheet_entry(sheet, new_sheet, before, src)
        return new_sheet, sheet_root

    # -- the pieces ------------------------------------------------------------------------
    def _add_sheet_entry(self, sheet: str, part: str, before: str | None, src: Source) -> None:
        wb = self.wb
        folder = posixpath.dirname(wb.part)
        rid = wb.workbook_rels(self.pkg).add(REL_WORKSHEET, posixpath.relpath(part, folder))
        sheets = wb.root.find(q("sheets"))
        ids = [int(s.get("sheetId", "0")) for s in sheets.iter(q("sheet"))]
        attrs = {"name": sheet, "sheetId": str(max(ids, default=0) + 1)}
        state = src.wb.sheets[sheet].element.get("state")
        if state and state != "visible":
            attrs["state"] = state
        nsmap = None if DOC_REL_NS in wb.root.nsmap.values() else {"r": DOC_REL_NS}
        element = etree.Element(q("sheet"), attrs, nsmap=nsmap)
        element.set(q("id", DOC_REL_NS), rid)
        existing = [el for el in sheets if local(el.tag) == "sheet"]
        at = len(existing)
        if before is not None and before in wb.sheets:
            at = existing.index(wb.sheets[before].element)
            wb.sheets[before].element.addprevious(element)
        else:
            sheets.append(element)
        if at < len(existing):
            _shift_sheet_indexes(wb, at, 1)
        wb.sheets[sheet] = SheetInfo(sheet, part, element)
        wb.new_parts.add(part)
        wb.changed = True

    def _add_pivot_cache(self, part: str) -> int:
        wb = self.wb
        caches = wb.root.find(q("pivotCaches"))
        if caches is None:
            caches = etree.Element(q("pivotCaches"))
            _insert_in_order(wb.root, caches, WORKBOOK_ORDER)
        used = [int(c.get("cacheId", "0")) for c in caches if local(c.tag) == "pivotCache"]
        cache_id = max(used, default=0) + 1
        folder = posixpath.dirname(wb.part)
        rid = wb.workbook_rels(self.pkg).add(REL_PIVOT_CACHE, posixpath.relpath(part, folder))
        nsmap = None if DOC_REL_NS in wb.root.nsmap.values() else {"r": DOC_REL_NS}
        el = etree.SubElement(caches, q("pivotCache"), {"cacheId": str(cache_id)}, nsmap=nsmap)
        el.set(q("id", DOC_REL_NS), rid)
        wb.changed = True
        return cache_id

    def _table_xml(self, root: Element, part: str, sheet: str) -> None:
        tables = {id(t): t for t in self.wb.tables.values()}.values()
        ids = [int(t.root.get("id", "0")) for t in tables if t.root.get("id", "").isdigit()]
        new_id = max([*ids, *self.table_ids], default=0) + 1
        self.table_ids.append(new_id)
        root.set("id", str(new_id))
        name = root.get("name") or root.get("displayName") or ""
        info = TableInfo(
            name,
            root.get("displayName") or name,
            part,
            sheet,
            list(parse_range(root.get("ref", ""))),
            root,
        )
        info.changed = True  # written as a new part whatever happens to it
        self.wb.tables[info.name] = info
        self.wb.tables[info.display_name] = info

    def _sheet_xml(self, root: Element, src: Source) -> Element:
        for c in root.iter(q("c")):
            if c.get("t") == "s":
                v = c.find(q("v"))
                index = int(v.text) if v is not None and (v.text or "").isdigit() else -1
                text = src.shared[index] if 0 <= index < len(src.shared) else ""
                c.remove(v)
                c.set("t", "inlineStr")
                is_ = etree.SubElement(c, q("is"))
                t = etree.SubElement(is_, q("t"))
                t.text = text
                if text != text.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            self._restyle(c, "s", src)
        for row in root.iter(q("row")):
            self._restyle(row, "s", src)
        for col in root.iter(q("col")):
            self._restyle(col, "style", src)
        for rule in root.iter(q("cfRule")):
            dxf = rule.get("dxfId")
            if dxf is not None and dxf.isdigit():
                rule.set("dxfId", str(self._dxf(int(dxf), src)))
        return root

    def _restyle(self, el: Element, attr: str, src: Source) -> None:
        value = el.get(attr)
        if value is not None and value.isdigit():
            el.set(attr, str(self._xf(int(value), src)))

    def _xf(self, s: int, src: Source) -> int:
        """The workbook's cell format equal to the template's format `s` (added if none)."""
        if s not in self.xf_map:
            base = src.styles._xf(s)
            if base is None:
                self.xf_map[s] = 0
            else:
                xf = copy.deepcopy(base)
                for attr, container, child in (
                    ("fontId", "fonts", "font"),
                    ("fillId", "fills", "fill"),
                    ("borderId", "borders", "border"),
                ):
                    index = xf.get(attr)
                    if index is not None and index.isdigit():
                        item = _nth(src.styles.root, container, child, int(index))
                        if item is not None:
                            xf.set(attr, str(self._same_or_new(container, child, item)))
                fmt = xf.get("numFmtId")
                if fmt is not None and fmt.isdigit() and int(fmt) >= 164:
                    code = src.styles.format_code(s)
                    xf.set("numFmtId", str(self.styles._format_id_for(code)))
                xf.set("xfId", str(self.styles._normal_style_xf()))
                self.xf_map[s] = self.styles._index_of(xf)
        return self.xf_map[s]

    def _dxf(self, index: int, src: Source) -> int:
        if index not in self.dxf_map:
            item = _nth(src.styles.root, "dxfs", "dxf", index)
            self.dxf_map[index] = (
                0 if item is None else self._same_or_new("dxfs", "dxf", item, reuse=False)
            )
        return self.dxf_map[index]

    def _same_or_new(self, container: str, child: str, item: Element, *, reuse: bool = True) -> int:
        parent = self.styles._container(container)
        items = [el for el in parent if local(el.tag) == child]
        if reuse:
            wanted = _canonical(item)
            for i, el in enumerate(items):
                if _canonical(el) == wanted:
                    return i
        return self.styles._append(container, copy.deepcopy(item))


def _nth(root: Element | None, container: str, child: str, index: int) -> Element | None:
    if root is None:
        return None
    parent = root.find(q(container))
    items = [el for el in parent if local(el.tag) == child] if parent is not None else []
    return items[index] if 0 <= index < len(items) else None


def _is_xml(part: str) -> bool:
    return part.lower().endswith((".xml", ".vml", ".rels"))


def _ensure_default(types: ContentTypes, ext: str, content_type: str) -> None:
    root = types.root
    for el in root.iter(q("Default", CT_NS)):
        if el.get("Extension", "").lower() == ext.lower():
            return
    el = etree.Element(q("Default", CT_NS), Extension=ext, ContentType=content_type)
    root.insert(0, el)


def read_source(data: bytes) -> Source:
    from .ooxml import read_workbook

    pkg = Package(data)
    wb = read_workbook(pkg)
    styles = StyleBook(pkg.xml(wb.styles_part) if wb.styles_part else None)
    return Source(
        pkg, wb, styles, shared_strings(pkg, wb), parse_xml(pkg.read(CONTENT_TYPES), CONTENT_TYPES)
    )
