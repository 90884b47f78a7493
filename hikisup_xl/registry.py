"""The ribbon's buttons: one entry per button = VBA callback = action = CLI verb.

Adding a button is one entry here plus one callback line in `macros/hikisup.bas`; `hikisup addin
build` then renders the ribbon XML (`macros/customUI.xml`) from this table and rebuilds the
add-in. `tests/addin/test_registry.py` fails when the ribbon XML, the VBA module, the actions or
the CLI verbs disagree with this table.

A button's action is a key of `hikisup_xl.actions.ACTIONS` or, for an action that lives in a
feature package, its import path ("package.module:function"), imported only when the button is
pressed. A button may name an argument provider (`hikisup_xl.addin.arguments.PROVIDERS`) that
computes the action's other arguments from the live workbook (selected rows, output path).

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
    action: str  # key of hikisup_xl.actions.ACTIONS, or "package.module:function"
    verb: str  # the `hikisup` CLI command that runs the same action on a file
    image: str = "MacroPlay"  # imageMso icon
    # Fixed keyword arguments for the action (e.g. (("kind", "certificate"),) for one 帳票 button).
    params: tuple[tuple[str, str], ...] = ()
    # Key of hikisup_xl.addin.arguments.PROVIDERS: more keyword arguments, from the live workbook.
    arguments: str = ""
    menu: str = ""  # id of the Menu (in MENUS) the button sits in; "" = directly in its group


@dataclass(frozen=True, slots=True)
class Menu:
    """A drop-down in a group; its buttons name it in `Button.menu`. It sits where its first
    button would."""

    id: str
    label: str
    screentip: str
    supertip: str
    group: str
    image: str = "MacroPlay"


def is_import_path(action: str) -> bool:
    """True for an action named by "package.module:function" (not a key of ACTIONS)."""
    return ":" in action


FORMS_ACTION = "hikisup_xl.forms.action:forms"
# Where the PDF and the workbook of a 帳票 button go; said once in every 帳票 tooltip.
_FORMS_OUT = "管理ブックと同じフォルダーに「ブック名_帳票名.xlsx」とPDFを作ります。"


def _suffix(kind: str) -> str:
    """The form kind in a ribbon id / VBA Sub name: "case-consent" -> "CaseConsent"."""
    return "".join(part.capitalize() for part in kind.split("-"))


def _filled_form(kind: str, label: str, screentip: str, what: str, image: str) -> Button:
    """A 帳票 button: the form for the selected rows of its sheet, else for its default rows."""
    return Button(
        id=f"hikisupForms{_suffix(kind)}",
        label=label,
        screentip=screentip,
        supertip=what + _FORMS_OUT,
        group="帳票",
        macro=f"OnForms{_suffix(kind)}",
        action=FORMS_ACTION,
        verb="forms",
        image=image,
        params=(("kind", kind),),
        arguments="form",
    )


def _blank_form(kind: str, name: str, seed: str) -> Button:
    """An item of the 空欄の様式 menu: the form with every field blank."""
    return Button(
        id=f"hikisupBlank{_suffix(kind)}",
        label=f"{name}（{seed}）",
        screentip=f"空欄の{name}",
        supertip=(
            f"記入欄が空欄の{name}（{seed}）を作ります（配布・手書き用）。"
            "管理ブックと同じフォルダーに「ブック名_帳票名_空欄.xlsx」とPDFを作ります。"
        ),
        group="帳票",
        macro=f"OnBlank{_suffix(kind)}",
        action=FORMS_ACTION,
        verb="forms",
        image="FileNew",
        params=(("kind", kind),),
        arguments="blank_form",
        menu="hikisupMenuBlank",
    )


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
    _filled_form(
        "certificate",
        "修了証書",
        "修了証書（資料3）を作る",
        "「受講者」シートで行を選んでから押すと、選んだ行の人の修了証書を作ります。"
        "ほかのシートから押すと、修了番号のある全員の分を作ります。",
        "SignatureLineInsert",
    ),
    _filled_form(
        "card",
        "登録証",
        "登録証（資料6）を作る",
        "「登録名簿」シートで行を選んでから押すと、選んだ行の人の登録証を作ります。"
        "ほかのシートから押すと、登録番号のある全員（辞退・取消の人を除く）の分を作ります。",
        "FilePrint",
    ),
    _filled_form(
        "roster",
        "登録名簿",
        "登録名簿（資料7）を作る",
        "登録中の全員（登録番号があり、辞退・取消でない人）の名簿を、登録番号の順に作ります。"
        "選んでいる行にかかわらず全員の分です。",
        "TableInsert",
    ),
    _filled_form(
        "report",
        "活動報告書",
        "活動報告書（資料9）を作る",
        "「活動報告」シートで印刷する報告の行を選んでから押してください。"
        "選んだ行の活動報告書を作ります。",
        "FileSaveAsPdfOrXps",
    ),
    _filled_form(
        "renewal",
        "更新案内",
        "登録期間満了のお知らせを作る",
        "「登録名簿」シートで行を選んでから押すと、選んだ行の人への更新案内を作ります。"
        "ほかのシートから押すと、登録期間が期限警告日数以内に終わる人（期限一覧と同じ人）の分を"
        "作ります。",
        "EnvelopesAndLabelsDialog",
    ),
    _blank_form("application", "参加申込書", "資料2"),
    _blank_form("certificate", "修了証書", "資料3"),
    _blank_form("registration", "登録申込書", "資料4"),
    _blank_form("consent", "同意書", "資料5"),
    _blank_form("card", "登録証", "資料6"),
    _blank_form("roster", "登録名簿", "資料7"),
    _blank_form("case-consent", "当事者同意書", "資料8"),
    _blank_form("report", "活動報告書", "資料9"),
)

MENUS: tuple[Menu, ...] = (
    Menu(
        id="hikisupMenuBlank",
        label="空欄の様式",
        screentip="空欄の様式を作る",
        supertip=(
            "記入欄が空欄の様式（資料2〜9）を選んで作ります。申込者やサポーターに配って"
            "手書きしてもらうときに使います。市町村名などは「設定」シートから入ります。"
        ),
        group="帳票",
        image="FileNew",
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
