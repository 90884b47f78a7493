"""Ribbon button = VBA callback = declared job = CLI verb = README row, read from the real
sources: macros/customUI.xml, macros/hikisup.bas, registry.JOBS, the `hikisup` command and
the README's tables."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import click
import pytest
from lxml import etree

from hikisup_xl import excel, registry
from hikisup_xl.addin.arguments import PROVIDERS
from hikisup_xl.addin.build import macros_dir
from hikisup_xl.addin.ribbon import NAMESPACE
from hikisup_xl.cli import main
from hikisup_xl.registry import BUTTONS, BY_ID, GROUPS, JOBS, MENUS

README = macros_dir().parent / "README.md"
# Commands that are not jobs: no ribbon button (issue #9 exempts exactly these three).
NOT_ON_RIBBON = {"demo", "template", "addin"}

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


def test_every_job_has_a_button_and_every_button_a_job() -> None:
    assert {b.verb for b in BUTTONS} == {j.name for j in JOBS}
    for b in BUTTONS:
        assert registry.is_import_path(b.action), b.id
        assert callable(excel.resolve(b.action)), b.id


def test_every_job_function_takes_what_its_declaration_and_buttons_give() -> None:
    """The function exists, is named after its job, and accepts the engine, the day, every
    declared option and every button's fixed parameters."""
    for job in JOBS:
        function = excel.resolve(job.function)
        assert function.__name__ == job.name.replace("-", "_"), job.name
        names = {o.name for o in job.options if o.type != registry.SELECTED_ROWS}
        inspect.signature(function).bind_partial(object(), dt.date.today())
        assert names <= set(inspect.signature(function).parameters), job.name
        for b in BUTTONS:
            if b.verb == job.name:
                inspect.signature(function).bind_partial(
                    object(), dt.date.today(), **dict(b.params)
                )


def test_every_option_is_typed_labelled_and_helped_in_japanese() -> None:
    for job in JOBS:
        assert JAPANESE.search(job.label) and JAPANESE.search(job.help), job.name
        for o in job.options:
            assert o.type in registry.OPTION_TYPES, (job.name, o.name)
            assert JAPANESE.search(o.help), (job.name, o.name)
            if o.ask_if:
                asked = {a.name: a for a in job.options}
                assert asked[o.ask_if].type == registry.FLAG, (job.name, o.name)


def test_every_argument_provider_named_exists() -> None:
    named = {b.arguments for b in BUTTONS if b.arguments}
    assert named <= set(PROVIDERS)
    assert set(PROVIDERS) <= named, "a provider no button uses"


def test_every_cli_command_but_the_exempt_is_a_job_with_a_button_and_japanese_help() -> None:
    verbs = _verbs()
    assert set(verbs) - NOT_ON_RIBBON == {j.name for j in JOBS}
    for job in JOBS:
        help_text = verbs[job.name].help or ""
        assert JAPANESE.search(help_text), f"`hikisup {job.name}` has no Japanese help"
        assert any(b.verb == job.name for b in BUTTONS), f"`hikisup {job.name}` has no button"
        for param in verbs[job.name].params:
            if isinstance(param, click.Option):
                assert JAPANESE.search(param.help or ""), (job.name, param.name)


def _readme_rows() -> list[list[str]]:
    guide = README.read_text(encoding="utf-8").split("## Developer guide")[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in guide.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


def test_every_job_and_every_button_has_a_row_in_the_readme_tables() -> None:
    rows = _readme_rows()
    commands = [r[0] for r in rows if r and r[0].startswith("`hikisup ")]
    for job in JOBS:
        assert any(c.startswith(f"`hikisup {job.name} ") for c in commands), (
            f"README: no row for `hikisup {job.name}`"
        )
    ribbon = {(r[0], r[1]) for r in rows if len(r) == 3}
    for b in BUTTONS:
        label = next((m.label for m in MENUS if m.id == b.menu), b.label)
        assert (b.group, label) in ribbon, f"README: no ribbon row for {b.group} / {label}"


def test_the_ribbon_groups_are_the_ones_a_clerk_knows() -> None:
    assert [label for _, label in GROUPS] == [
        "チェック",
        "登録",
        "帳票",
        "県とのやりとり",
        "管理ブック",
    ]
    group_of = {b.label: b.group for b in BUTTONS if not b.menu}
    assert group_of["採番"] == group_of["期限確認"] == "登録"
    assert group_of["研修案内"] == "帳票"
    for label in ("名簿の書き出し", "名簿の取り込み", "年度集計", "集約"):
        assert group_of[label] == "県とのやりとり", label
    assert group_of["新しい管理ブック"] == group_of["ブックの更新"] == "管理ブック"


def test_the_vba_callbacks_are_rendered_from_the_registry() -> None:
    from hikisup_xl.addin.ribbon import with_callbacks

    source = (MACROS / "hikisup.bas").read_bytes()
    assert with_callbacks(source) == source, "run `hikisup addin build`"


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
