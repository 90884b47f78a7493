"""Markup Compatibility (ECMA-376 Part 3) applied the way Excel reads a part.

Excel understands its own extension namespaces (x14, x15, xr, ...); this validator has no
schema for them, so it reads a part as a consumer that understands only the namespaces it can
check: content in an ignorable namespace is dropped, an mc:AlternateContent gives its first
Choice whose Requires are all understood (else its Fallback), and what a schema leaves open
inside extLst (an ext holding another namespace's content) is skipped whole.
"""

from __future__ import annotations

import copy

from lxml import etree

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# The namespaces the compiled schemas declare: what this consumer "understands".
UNDERSTOOD = frozenset(
    {
        SML,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://schemas.openxmlformats.org/drawingml/2006/chart",
        "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
        "http://schemas.openxmlformats.org/package/2006/content-types",
        "http://schemas.openxmlformats.org/package/2006/relationships",
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://purl.org/dc/dcmitype/",
        "http://www.w3.org/2001/XMLSchema-instance",
        "http://schemas.microsoft.com/office/2006/01/customui",
        "http://schemas.microsoft.com/office/2009/07/customui",
        XML_NS,
    }
)


class CompatibilityError(ValueError):
    """The part demands a namespace (mc:MustUnderstand) this consumer does not understand."""


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _prefixes(el: etree._Element, attr: str) -> set[str]:
    """The namespaces named by prefix in an MC attribute (mc:Ignorable="x14ac xr")."""
    out = set()
    for prefix in (el.get(attr) or "").split():
        uri = el.nsmap.get(prefix)
        out.add(uri if uri is not None else f"unbound-prefix:{prefix}")
    return out


def process(root: etree._Element) -> etree._Element:
    """A copy of `root` as a consumer understanding UNDERSTOOD sees it."""
    root = copy.deepcopy(root)
    _walk(root, frozenset())
    return root


def _walk(el: etree._Element, ignorable: frozenset[str]) -> None:
    must = _prefixes(el, f"{{{MC}}}MustUnderstand") - UNDERSTOOD
    if must:
        raise CompatibilityError(f"mc:MustUnderstand names {sorted(must)}")
    ignorable = ignorable | _prefixes(el, f"{{{MC}}}Ignorable")
    for name in list(el.attrib):
        ns = _ns(name)
        if ns == MC or (ns in ignorable and ns not in UNDERSTOOD):
            del el.attrib[name]
    for child in list(el):
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        ns = _ns(child.tag)
        if child.tag == f"{{{MC}}}AlternateContent":
            _replace(el, child, _chosen(child))
        elif ns in ignorable and ns not in UNDERSTOOD:
            el.remove(child)
        elif _local(child.tag) == "ext" and _local(el.tag) == "extLst" and _foreign(child):
            el.remove(child)  # an x14/x15/xr extension: no schema, skipped whole by uri
        else:
            _walk(child, ignorable)
    # Re-walk what an AlternateContent put in place (its content is now a plain child).
    for child in el:
        if isinstance(child.tag, str) and child.get("__mc_chosen") is not None:
            del child.attrib["__mc_chosen"]
            _walk(child, ignorable)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _foreign(ext: etree._Element) -> bool:
    return all(_ns(c.tag) not in UNDERSTOOD for c in ext if isinstance(c.tag, str))


def _chosen(alternate: etree._Element) -> list[etree._Element]:
    for branch in alternate:
        if branch.tag == f"{{{MC}}}Choice":
            if _prefixes(branch, "Requires") <= UNDERSTOOD:
                return list(branch)
        elif branch.tag == f"{{{MC}}}Fallback":
            return list(branch)
    return []


def _replace(parent: etree._Element, old: etree._Element, new: list[etree._Element]) -> None:
    at = parent.index(old)
    parent.remove(old)
    for offset, el in enumerate(new):
        if isinstance(el.tag, str):
            el.set("__mc_chosen", "1")
        parent.insert(at + offset, el)


def accept_excel_text(root: etree._Element) -> None:
    """xml:space="preserve" on <t> (and on a cached string result's <v>, as Excel 2016 saves
    it) is what Excel writes, though sml.xsd types those elements as plain strings."""
    for tag in ("t", "v"):
        for el in root.iter(f"{{{SML}}}{tag}"):
            el.attrib.pop(f"{{{XML_NS}}}space", None)
