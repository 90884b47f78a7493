"""Ribbon button = VBA callback = action = CLI verb, one to one, read from the real sources:
macros/customUI.xml, macros/hikisup.bas, hikisup_xl.actions.ACTIONS (or the action's import
path) and the `hikisup` command."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import click
import pytest
from lxml import etree

from hikisup_xl import excel, registry
from hikisup_xl.actions import ACTIONS
from hikisup_xl.addin.arguments import PROVIDERS
from hikisup_xl.addin.build import macros_dir
from hikisup_xl.addin.ribbon import NAMESPACE
from hikisup_xl.cli import main
from hikisup_xl.registry import BUTTONS, BY_ID, GROUPS, MENUS

MACROS = macros_dir()
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
NS = {"ui": NAMESPACE}
SUB = re.compile(
    r"^(?P<scope>Public |Private )?Sub (?P<name>\w+)\((?P<params>[^)]*)\)\r\n"
    r"(?P<body>(?:.*\r\n)*?)End Sub\r\n",
    re.MULTILINE,
)
RIBBON_PARAMS = "control As IRibbonControl"


def _ribbon() -> etree._Element:
    return etree.fromstring((MACROS / "customUI.xml").read_bytes())


def _xml_buttons() -> dict[str, etree._Element]:
    return {b.get("id"): b for b in _ribbon().iterfind(".//ui:button", NS)}


def _subs() -> dict[str, tuple[str, list[str]]]:
    """Sub name -> (parameters, body lines) in macros/hikisup.bas."""
    text = (MACROS / "hikisup.bas").read_bytes().decode("ascii")
    return {
        m["name"]: (m["params"], m["body"].strip("\r\n").split("\r\n")) for m in SUB.finditer(text)
    }


def _verbs() -> dict[str, click.Command]:
    return dict(main.commands)


# ---------------------------------------------------------------------- the four partners
def test_every_ribbon_button_is_registered_and_every_entry_is_on_the_ribbon() -> None:
    assert set(_xml_buttons()) == set(BY_ID)
    assert len(BY_ID) == len(BUTTONS), "two entries share a button id"


def test_every_button_calls_its_callback_which_hands_its_id_to_python() -> None:
    subs = _subs()
    for button_id, element in _xml_buttons().items():
        entry = BY_ID[button_id]
        assert element.get("onAction") == entry.macro, button_id
        params, body = subs[entry.macro]
        assert params == RIBBON_PARAMS, entry.macro
        assert body == [
            f'    If HasWorkbook() Then RunPython "{registry.python_command(button_id)}"'
        ], f"{entry.macro} must be the one line that hands {button_id!r} to Python"


def test_every_ribbon_callback_in_the_vba_has_a_button() -> None:
    callbacks = {name for name, (params, _) in _subs().items() if params == RIBBON_PARAMS}
    assert callbacks == {b.macro for b in BUTTONS}


def test_every_action_has_a_button_and_every_button_an_action() -> None:
    keyed = {b.action for b in BUTTONS if not registry.is_import_path(b.action)}
    assert keyed == set(ACTIONS)
    for b in BUTTONS:
        assert callable(excel.resolve(b.action)), b.id


def test_an_action_named_by_import_path_is_the_function_its_cli_verb_runs() -> None:
    """An action outside ACTIONS is named "package.module:function": the function exists, is
    not an ACTIONS entry under another name, is named after the button's verb, and takes the
    button's fixed parameters, which the verb takes too (as arguments or options)."""
    by_path = [b for b in BUTTONS if registry.is_import_path(b.action)]
    assert by_path, "no button names its action by import path: drop this test's premise"
    verbs = _verbs()
    for b in by_path:
        action = excel.resolve(b.action)
        assert action not in ACTIONS.values(), b.id
        assert action.__name__ == b.verb, f"{b.id}: {b.action} is not what `hikisup {b.verb}` runs"
        inspect.signature(action).bind_partial(object(), dt.date.today(), **dict(b.params))
        cli_params = {p.name for p in verbs[b.verb].params}
        assert set(dict(b.params)) <= cli_params, f"{b.id}: `hikisup {b.verb}` has no {b.params}"


def test_every_argument_provider_named_exists() -> None:
    named = {b.arguments for b in BUTTONS if b.arguments}
    assert named <= set(PROVIDERS)
    assert set(PROVIDERS) <= named, "a provider no button uses"


def test_every_button_has_a_cli_verb_with_japanese_help_and_every_action_verb_a_button() -> None:
    verbs = _verbs()
    for b in BUTTONS:
        assert b.verb in verbs, f"{b.id}: no `hikisup {b.verb}`"
        help_text = verbs[b.verb].help or ""
        assert JAPANESE.search(help_text), f"`hikisup {b.verb}` has no Japanese help"
    action_verbs = {name for name in verbs if name in ACTIONS}
    assert action_verbs <= {b.verb for b in BUTTONS}


def test_run_action_takes_any_button_id() -> None:
    params, body = _subs()["RunAction"]
    assert params == "id As String"
    assert body == [
        "    If HasWorkbook() Then RunPython "
        '"import hikisup_xl.excel as e; e.dispatch(\'" & id & "\')"'
    ]


# ---------------------------------------------------------------------- what the clerk sees
@pytest.mark.parametrize("attribute", ["label", "screentip", "supertip"])
def test_every_button_has_japanese_text(attribute: str) -> None:
    for button_id, element in _xml_buttons().items():
        text = element.get(attribute) or ""
        assert JAPANESE.search(text), f"{button_id} has no Japanese {attribute}"
        assert text == getattr(BY_ID[button_id], attribute)


def test_groups_are_registered_japanese_and_not_empty() -> None:
    labels = dict(GROUPS)
    tab = _ribbon().find(".//ui:tab", NS)
    assert tab is not None and JAPANESE.search(tab.get("label") or "")
    groups = _ribbon().findall(".//ui:group", NS)
    assert groups, "the ribbon has no group"
    for group in groups:
        assert labels[group.get("id")] == group.get("label")
        assert JAPANESE.search(group.get("label") or "")
        assert group.findall(".//ui:button", NS), f"group {group.get('label')} has no button"


def test_every_menu_is_on_the_ribbon_in_its_group_holding_its_buttons() -> None:
    xml_menus = {m.get("id"): m for m in _ribbon().iterfind(".//ui:menu", NS)}
    assert set(xml_menus) == {m.id for m in MENUS}
    for menu in MENUS:
        element = xml_menus[menu.id]
        parent = element.getparent()
        assert parent is not None and parent.tag == f"{{{NAMESPACE}}}group"
        assert parent.get("id") == registry.group_id(menu.group)
        for attribute in ("label", "screentip", "supertip"):
            assert element.get(attribute) == getattr(menu, attribute)
            assert JAPANESE.search(element.get(attribute) or ""), (menu.id, attribute)
        inside = [b.get("id") for b in element.findall("ui:button", NS)]
        assert inside == [b.id for b in BUTTONS if b.menu == menu.id]
        assert inside, f"menu {menu.label} is empty"
        assert all(b.get("size") is None for b in element.findall("ui:button", NS))
    for b in BUTTONS:
        if not b.menu:
            assert _xml_buttons()[b.id].getparent().tag == f"{{{NAMESPACE}}}group", b.id


def test_ribbon_uses_the_2006_namespace() -> None:
    assert _ribbon().tag == f"{{{NAMESPACE}}}customUI"
    assert NAMESPACE == "http://schemas.microsoft.com/office/2006/01/customui"


def test_python_command_travels_inside_double_quotes() -> None:
    for b in BUTTONS:
        assert '"' not in registry.python_command(b.id)
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", b.id)  # a valid ribbon id, safe in VBA
