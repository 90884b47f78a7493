"""The ribbon XML (customUI, 2006 namespace) and the VBA callbacks, rendered from the button
registry."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..registry import BUTTONS, GROUPS, MENUS, TAB_ID, TAB_LABEL, Button, Menu, python_command

# The 2006 namespace: openpyxl keeps its relationship on re-save; Excel 2007 and later read it.
NAMESPACE = "http://schemas.microsoft.com/office/2006/01/customui"
FILENAME = "customUI.xml"
VBA_FILENAME = "hikisup.bas"
# The generated callbacks sit between these two lines of macros/hikisup.bas.
CALLBACKS_BEGIN = (
    "' --- Ribbon callbacks: rendered from hikisup_xl/registry.py by `hikisup addin build`"
)
CALLBACKS_END = "' --- End of the rendered callbacks"


def render() -> bytes:
    """macros/customUI.xml as it must be: one group per registry group that has buttons; a
    menu's buttons inside the menu, which stands where its first button would."""
    unknown = sorted({b.group for b in BUTTONS} - {label for _, label in GROUPS})
    if unknown:
        raise ValueError(f"buttons name groups missing from registry.GROUPS: {unknown}")
    menus = {m.id: m for m in MENUS}
    strays = sorted({b.menu for b in BUTTONS if b.menu} - set(menus))
    if strays:
        raise ValueError(f"buttons name menus missing from registry.MENUS: {strays}")
    for b in BUTTONS:
        if b.menu and menus[b.menu].group != b.group:
            raise ValueError(f"{b.id} is in group {b.group} but its menu {b.menu} is not")
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
        placed: set[str] = set()
        for b in buttons:
            if not b.menu:
                lines.append(f"          <button {_control(b, large=True)} {_action(b)}/>")
            elif b.menu not in placed:
                placed.add(b.menu)
                lines.append(f"          <menu {_control(menus[b.menu], large=True)}>")
                lines += [
                    f"            <button {_control(item)} {_action(item)}/>"
                    for item in buttons
                    if item.menu == b.menu
                ]
                lines.append("          </menu>")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def _control(c: Button | Menu, *, large: bool = False) -> str:
    """The attributes a button and a menu share (a button inside a menu takes no size)."""
    size = ' size="large"' if large else ""
    return (
        f"id={quoteattr(c.id)} label={quoteattr(c.label)}{size} imageMso={quoteattr(c.image)}"
        f" screentip={quoteattr(c.screentip)} supertip={quoteattr(c.supertip)}"
    )


def _action(b: Button) -> str:
    return f"onAction={quoteattr(b.macro)}"


def callbacks() -> str:
    """One VBA Sub per button: hand its id to Python (ASCII; CRLF added by `with_callbacks`)."""
    lines = [CALLBACKS_BEGIN]
    for b in BUTTONS:
        lines += [
            "",
            f"Public Sub {b.macro}(control As IRibbonControl)",
            f'    If HasWorkbook() Then RunPython "{python_command(b.id)}"',
            "End Sub",
        ]
    lines += ["", CALLBACKS_END]
    return "\r\n".join(lines)


def with_callbacks(source: bytes) -> bytes:
    """macros/hikisup.bas with its rendered section replaced by today's callbacks."""
    text = source.decode("ascii")
    start, end = text.find(CALLBACKS_BEGIN), text.find(CALLBACKS_END)
    if start < 0 or end < start:
        raise ValueError(f"{VBA_FILENAME} lacks the callback markers")
    end += len(CALLBACKS_END)
    return (text[:start] + callbacks() + text[end:]).encode("ascii")
