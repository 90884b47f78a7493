"""The ribbon XML (customUI, 2006 namespace), rendered from the button registry."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..registry import BUTTONS, GROUPS, TAB_ID, TAB_LABEL

# The 2006 namespace: openpyxl keeps its relationship on re-save; Excel 2007 and later read it.
NAMESPACE = "http://schemas.microsoft.com/office/2006/01/customui"
FILENAME = "customUI.xml"


def render() -> bytes:
    """macros/customUI.xml as it must be: one group per registry group that has buttons."""
    unknown = sorted({b.group for b in BUTTONS} - {label for _, label in GROUPS})
    if unknown:
        raise ValueError(f"buttons name groups missing from registry.GROUPS: {unknown}")
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        "<!-- Rendered from hikisup_xl/registry.py by `hikisup addin build`:"
        " edit the registry, not this file. -->",
        f"<customUI xmlns={quoteattr(NAMESPACE)}>",
        "  <ribbon>",
        "    <tabs>",
        f"      <tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for gid, label in GROUPS:
        buttons = [b for b in BUTTONS if b.group == label]
        if not buttons:
            continue
        lines.append(f"        <group id={quoteattr(gid)} label={quoteattr(label)}>")
        for b in buttons:
            lines.append(
                f"          <button id={quoteattr(b.id)} label={quoteattr(b.label)}"
                f' size="large" imageMso={quoteattr(b.image)}'
                f" screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)}"
                f" onAction={quoteattr(b.macro)}/>"
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")
