"""The ribbon's buttons: one entry per button = VBA callback = action = CLI verb.

Adding a button is one entry here plus one callback line in `macros/hikisup.bas`; `hikisup addin
build` then renders the ribbon XML (`macros/customUI.xml`) from this table and rebuilds the
add-in. `tests/addin/test_registry.py` fails when the ribbon XML, the VBA module, the actions or
the CLI verbs disagree with this table.

This module is imported on every button click: keep it free of imports beyond the stdlib.
"""

from __future__ import annotations

from dataclasses import dataclass

# The ribbon groups, in ribbon order: (XML id, label). Only groups with a button are shown.
GROUPS: tuple[tuple[str, str], ...] = (
    ("hikisupGroupCheck", "チェック"),
    ("hikisupGroupRegister", "登録"),
    ("hikisupGroupDispatch", "派遣"),
    ("hikisupGroupForms", "帳票"),
    ("hikisupGroupExchange", "県との交換"),
    ("hikisupGroupStats", "集計"),
)
TAB_ID = "hikisupTab"
TAB_LABEL = "サポーター事業"
# Title of every message box the add-in shows.
TITLE = "ひきこもりサポーター事業"


@dataclass(frozen=True, slots=True)
class Button:
    """One ribbon button and everything it maps to."""

    id: str  # ribbon control id; what the VBA callback hands to hikisup_xl.excel.dispatch
    label: str  # Japanese, shown on the ribbon; the action's name in 操作履歴 too
    screentip: str  # Japanese, the bold first line of the tooltip
    supertip: str  # Japanese, the tooltip's body: what the button does
    group: str  # a label from GROUPS
    macro: str  # the VBA Sub in macros/hikisup.bas, `Sub <macro>(control As IRibbonControl)`
    action: str  # key of hikisup_xl.actions.ACTIONS
    verb: str  # the `hikisup` CLI command that runs the same action on a file
    image: str = "MacroPlay"  # imageMso icon
    # Fixed keyword arguments for the action (e.g. (("kind", "certificate"),) for one 帳票 button).
    params: tuple[tuple[str, str], ...] = ()


BUTTONS: tuple[Button, ...] = (
    Button(
        id="hikisupCheck",
        label="チェック",
        screentip="入力内容をチェック",
        supertip=(
            "すべてのシートの入力内容を点検し、見つかった問題を「チェック結果」シートに"
            "書き出します。各行のリンクから該当のセルへ移動できます。"
        ),
        group="チェック",
        macro="OnCheck",
        action="check",
        verb="check",
        image="DataValidation",
    ),
    Button(
        id="hikisupNumber",
        label="採番",
        screentip="修了番号・登録番号を付ける",
        supertip=(
            "修了した受講者に修了番号を、登録が決まった人に登録番号を付けます。"
            "番号は再利用しません。条件がそろわない人は保留にして知らせます。"
        ),
        group="登録",
        macro="OnNumber",
        action="number",
        verb="number",
        image="Numbering",
    ),
    Button(
        id="hikisupExpiries",
        label="期限確認",
        screentip="登録期限を確認",
        supertip=(
            "今日の時点の状態（登録中・期限間近・期限切れ）を登録名簿に入れ、"
            "期限が近い人・過ぎた人を「期限一覧」シートに書き出します。"
        ),
        group="登録",
        macro="OnExpiries",
        action="expiries",
        verb="expiries",
        image="DateAndTimeInsert",
    ),
)

BY_ID: dict[str, Button] = {b.id: b for b in BUTTONS}


def group_id(label: str) -> str:
    for gid, glabel in GROUPS:
        if glabel == label:
            return gid
    raise KeyError(label)


def python_command(button_id: str) -> str:
    """The Python that a button's VBA callback hands to RunPython (single quotes only: the
    command travels inside a double-quoted `python -c "..."` on the command line)."""
    return f"import hikisup_xl.excel as e; e.dispatch('{button_id}')"
