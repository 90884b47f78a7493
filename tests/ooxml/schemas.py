"""The ECMA-376 / OPC / customUI schemas, found beside the repository and compiled once.

CI checks out `shared/` beside the clone, as on the development machine, so the schemas are
looked up at the same relative place. Without them the validator cannot run: under CI that is
a failure, elsewhere the tests are skipped with the reason.
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = (ROOT / ".." / "shared" / "ooxml" / "schemas").resolve()

XSD = "http://www.w3.org/2001/XMLSchema"
CUSTOMUI_2006 = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_2009 = "http://schemas.microsoft.com/office/2009/07/customui"
_CUSTOMUI_FILES = {CUSTOMUI_2006: "customUI.xsd", CUSTOMUI_2009: "customui14.xsd"}


def require_schemas() -> Path:
    """The schema folder, or fail (CI) / skip (elsewhere) with the reason."""
    if (SCHEMAS / "all.xsd").is_file():
        return SCHEMAS
    reason = f"OOXML schemas not found at {SCHEMAS} (shared/ooxml/schemas beside the clone)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@functools.cache
def ooxml_schema() -> etree.XMLSchema:
    """SpreadsheetML, DrawingML, OPC and document properties in one compiled schema."""
    return etree.XMLSchema(etree.parse(str(require_schemas() / "all.xsd")))


@functools.cache
def customxml_schema() -> etree.XMLSchema:
    """The properties of a custom XML data part (SharePoint and OneDrive add them)."""
    return etree.XMLSchema(
        etree.parse(str(require_schemas() / "ecma" / "shared-customXmlDataProperties.xsd"))
    )


@functools.cache
def customui_schema(namespace: str) -> etree.XMLSchema:
    """The ribbon schema of `namespace`, with its doubled attribute groups removed in memory."""
    doc = etree.parse(str(require_schemas() / "customui" / _CUSTOMUI_FILES[namespace]))
    _drop_duplicate_attribute_groups(doc.getroot())
    return etree.XMLSchema(doc)


def _name(qname: str) -> str:
    return qname.rpartition(":")[2]


def _drop_duplicate_attribute_groups(schema: etree._Element) -> None:
    """libxml2 refuses an extension that declares again (directly or through an attribute
    group) an attribute its base type already has; .NET accepts it. Drop the second
    declaration; a group that only partly repeats the base is replaced by its other
    attributes. The set of allowed attributes stays exactly what Microsoft's schema says."""
    q = f"{{{XSD}}}"
    groups = {g.get("name"): g for g in schema.iter(f"{q}attributeGroup") if g.get("name")}
    types = {t.get("name"): t for t in schema.iter(f"{q}complexType") if t.get("name")}

    def group_attrs(name: str) -> set[str]:
        group = groups[name]
        out = {a.get("name") or _name(a.get("ref", "")) for a in group.iter(f"{q}attribute")}
        for ref in group.iter(f"{q}attributeGroup"):
            if ref.get("ref"):
                out |= group_attrs(_name(ref.get("ref", "")))
        return out

    def type_attrs(name: str) -> set[str]:
        ctype = types.get(name)
        if ctype is None:
            return set()
        out = {a.get("name") or _name(a.get("ref", "")) for a in ctype.iter(f"{q}attribute")}
        for ref in ctype.iter(f"{q}attributeGroup"):
            out |= group_attrs(_name(ref.get("ref", "")))
        for ext in ctype.iter(f"{q}extension"):
            out |= type_attrs(_name(ext.get("base", "")))
        return out

    def group_decls(name: str) -> list[etree._Element]:
        group = groups[name]
        out = list(group.findall(f"{q}attribute"))
        for ref in group.findall(f"{q}attributeGroup"):
            out += group_decls(_name(ref.get("ref", "")))
        return out

    for ext in list(schema.iter(f"{q}extension")):
        seen = type_attrs(_name(ext.get("base", "")))
        for decl in ext.findall(f"{q}attribute"):
            if decl.get("name") in seen:
                ext.remove(decl)  # declared again by the extension: the base's one stands
            seen.add(decl.get("name", ""))
        for ref in ext.findall(f"{q}attributeGroup"):
            name = _name(ref.get("ref", ""))
            if group_attrs(name) & seen:
                # Keep the group's other attributes: inline copies of them instead.
                at = ext.index(ref)
                ext.remove(ref)
                for decl in group_decls(name):
                    if (decl.get("name") or _name(decl.get("ref", ""))) not in seen:
                        ext.insert(at, copy.deepcopy(decl))
                        at += 1
            seen |= group_attrs(name)
