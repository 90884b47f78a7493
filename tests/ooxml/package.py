"""An OPC package read for checking: parts, their content types and their relationships."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str
    target: str  # part name without the leading "/", or the external address
    external: bool


@dataclass
class Package:
    """Every part by name ("xl/workbook.xml"), bytes as stored."""

    parts: dict[str, bytes]
    defaults: dict[str, str] = field(default_factory=dict)  # extension -> content type
    overrides: dict[str, str] = field(default_factory=dict)  # part name -> content type

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as z:
            return cls.from_parts({i.filename: z.read(i) for i in z.infolist() if not i.is_dir()})

    @classmethod
    def from_parts(cls, parts: dict[str, bytes]) -> Package:
        pkg = cls(dict(parts))
        types = parts.get("[Content_Types].xml")
        if types is not None:
            root = etree.fromstring(types, _SAFE)
            for d in root.iter(f"{{{CT_NS}}}Default"):
                pkg.defaults[d.get("Extension", "").lower()] = d.get("ContentType", "")
            for o in root.iter(f"{{{CT_NS}}}Override"):
                pkg.overrides[o.get("PartName", "").lstrip("/")] = o.get("ContentType", "")
        return pkg

    def content_type(self, name: str) -> str | None:
        if name in self.overrides:
            return self.overrides[name]
        base = posixpath.basename(name)  # "_rels/.rels" has the extension "rels"
        return self.defaults.get(base.rpartition(".")[2].lower()) if "." in base else None

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name], _SAFE)

    def rels(self, source: str) -> list[Relationship]:
        """Relationships of part `source` ("" for the package), targets resolved to part names."""
        folder, base = posixpath.split(source)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels_name not in self.parts:
            return []
        out = []
        for rel in self.xml(rels_name).iter(f"{{{RELS_NS}}}Relationship"):
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                joined = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                target = posixpath.normpath(joined)
            out.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), target, external))
        return out

    def related(self, source: str, type_suffix: str) -> list[Relationship]:
        return [r for r in self.rels(source) if r.type.endswith(type_suffix) and not r.external]

    @staticmethod
    def rels_source(rels_name: str) -> str:
        """The part a .rels part belongs to ("" for the package's own)."""
        folder, base = posixpath.split(rels_name)
        return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])
