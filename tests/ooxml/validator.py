"""Check every XML part of a package against its schema, then the cross-part rules.

`validate(path)` returns a list of findings ("part: message"); an empty list is a file Excel
opens without offering a repair, as far as the standard and the rules in crossparts.py tell.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from . import crossparts, markup
from .package import Package
from .schemas import CUSTOMUI_2006, CUSTOMUI_2009, customui_schema, customxml_schema, ooxml_schema

_CLARK = re.compile(r"\{[^}]*\}")
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_SHEET = f"{_OFFICE}.spreadsheetml"

# Content type -> the root element its part must have (checked against all.xsd).
ROOTS: dict[str, str] = {
    f"{_SHEET}.sheet.main+xml": f"{{{_SML}}}workbook",
    f"{_SHEET}.template.main+xml": f"{{{_SML}}}workbook",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": f"{{{_SML}}}workbook",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": f"{{{_SML}}}workbook",
    f"{_SHEET}.worksheet+xml": f"{{{_SML}}}worksheet",
    f"{_SHEET}.chartsheet+xml": f"{{{_SML}}}chartsheet",
    f"{_SHEET}.styles+xml": f"{{{_SML}}}styleSheet",
    f"{_SHEET}.sharedStrings+xml": f"{{{_SML}}}sst",
    f"{_SHEET}.table+xml": f"{{{_SML}}}table",
    f"{_SHEET}.pivotTable+xml": f"{{{_SML}}}pivotTableDefinition",
    f"{_SHEET}.pivotCacheDefinition+xml": f"{{{_SML}}}pivotCacheDefinition",
    f"{_SHEET}.pivotCacheRecords+xml": f"{{{_SML}}}pivotCacheRecords",
    f"{_SHEET}.comments+xml": f"{{{_SML}}}comments",
    f"{_SHEET}.calcChain+xml": f"{{{_SML}}}calcChain",
    f"{_SHEET}.externalLink+xml": f"{{{_SML}}}externalLink",
    f"{_SHEET}.queryTable+xml": f"{{{_SML}}}queryTable",
    f"{_SHEET}.connections+xml": f"{{{_SML}}}connections",
    f"{_OFFICE}.drawing+xml": "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}wsDr",
    f"{_OFFICE}.drawingml.chart+xml": "{http://schemas.openxmlformats.org/drawingml/2006/chart}chartSpace",
    f"{_OFFICE}.theme+xml": "{http://schemas.openxmlformats.org/drawingml/2006/main}theme",
    f"{_OFFICE}.themeOverride+xml": "{http://schemas.openxmlformats.org/drawingml/2006/main}themeOverride",
    f"{_OFFICE}.extended-properties+xml": "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Properties",
    f"{_OFFICE}.custom-properties+xml": "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}Properties",
    "application/vnd.openxmlformats-package.core-properties+xml": "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties",
    "application/vnd.openxmlformats-package.relationships+xml": "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships",
}
# Custom XML data (customXml/itemN.xml) is any XML of the data's own schema: only its
# properties part has one here.
CUSTOM_XML_DATA = "application/xml"
CUSTOM_XML_PROPS = f"{_OFFICE}.customXmlProperties+xml"
CUSTOM_XML_PROPS_ROOT = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}datastoreItem"
)
CONTENT_TYPES_ROOT = "{http://schemas.openxmlformats.org/package/2006/content-types}Types"
# Parts that are not XML of any schema here: checked elsewhere (VML) or not XML at all.
VML = f"{_OFFICE}.vmlDrawing"
NOT_XML = frozenset(
    {
        "application/vnd.ms-office.vbaProject",
        f"{_SHEET}.printerSettings",
        "image/png",
        "image/jpeg",
        "image/x-emf",
    }
)
# customUI parts are found by the package relationship that names them, not by content type.
CUSTOMUI_RELS = {
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility": CUSTOMUI_2006,
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility": CUSTOMUI_2009,
}


def validate(path: Path) -> list[str]:
    return validate_package(Package.read(path))


def validate_package(pkg: Package) -> list[str]:
    if "[Content_Types].xml" not in pkg.parts:
        return ["[Content_Types].xml: missing"]
    return schema_findings(pkg) + crossparts.check(pkg)


def schema_findings(pkg: Package) -> list[str]:
    customui = {
        r.target: ns
        for r in pkg.rels("")
        for type_, ns in CUSTOMUI_RELS.items()
        if r.type == type_ and not r.external
    }
    out = []
    for name, data in pkg.parts.items():
        if name in customui:
            out += _check_xml(name, data, customui[name], customui_schema(customui[name]))
            continue
        if name == "[Content_Types].xml":
            out += _check_xml(name, data, CONTENT_TYPES_ROOT, ooxml_schema())
            continue
        ctype = pkg.content_type(name)
        if ctype is None:
            out.append(f"{name}: no content type")
        elif ctype in ROOTS:
            out += _check_xml(name, data, ROOTS[ctype], ooxml_schema())
        elif ctype == CUSTOM_XML_PROPS:
            out += _check_xml(name, data, CUSTOM_XML_PROPS_ROOT, customxml_schema())
        elif ctype in (VML, CUSTOM_XML_DATA):
            out += _well_formed(name, data)
        elif ctype not in NOT_XML:
            out.append(f"{name}: no schema for content type {ctype}")
    return out


def _well_formed(name: str, data: bytes) -> list[str]:
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as err:
        return [f"{name}: not well-formed XML: {err}"]
    return []


def _check_xml(name: str, data: bytes, root_tag: str, schema: etree.XMLSchema) -> list[str]:
    """`root_tag` is a Clark name, or a bare namespace (customUI: its root is customUI)."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        root = markup.process(root)
    except (etree.XMLSyntaxError, markup.CompatibilityError) as err:
        return [f"{name}: {err}"]
    markup.accept_excel_text(root)
    expected = root_tag if root_tag.startswith("{") else f"{{{root_tag}}}customUI"
    if root.tag != expected:
        return [f"{name}: root element {root.tag}, expected {expected}"]
    if schema.validate(root):
        return []
    # Namespaces shortened to local names: the part's content type already says which schema.
    return [f"{name}:{e.line}: {_CLARK.sub('', e.message)}" for e in schema.error_log]
