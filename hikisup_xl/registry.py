"""Every job, declared once: its CLI verb, Japanese label and help, its function, its typed
options, its 操作履歴 label and its ribbon buttons.

`hikisup_xl.cli` builds its click commands from `JOBS`; `hikisup_xl.excel.dispatch` runs a
ribbon button through its job, asking for each option with Excel's own dialogs; `hikisup addin
build` renders the ribbon XML (`macros/customUI.xml`) and the VBA callbacks (`macros/hikisup.bas`)
from `BUTTONS`. `tests/addin/test_registry.py` fails when the ribbon, the VBA, the jobs, the CLI
or the README's tables disagree with these declarations.

A job's function is named "package.module:function" and imported only when the job runs. It
takes `(engine, today, **options)` and returns a `Result`. A button may name an argument
provider (`hikisup_xl.addin.arguments.PROVIDERS`) that computes options from the live workbook
(selected rows, output beside it) instead of asking.

This module is imported on every button click: keep it free of imports beyond the stdlib.
"""

from __future__ import annotations

from dataclasses import dataclass

# The ribbon groups, in ribbon order: (XML id, label). Only groups with a button are shown.
GROUPS: tuple[tuple[str, str], ...] = (
    ("hikisupGroupCheck", "チェック"),
    ("hikisupGroupRegister", "登録"),
    ("hikisupGroupForms", "帳票"),
    ("hikisupGroupExchange", "県とのやりとり"),
    ("hikisupGroupBook", "管理ブック"),
)
TAB_ID = "hikisupTab"
TAB_LABEL = "サポーター事業"
# Title of every message box the add-in shows.
TITLE = "ひきこもりサポーター事業"

# Option types: how the CLI parses an option and how the ribbon asks for it.
DATE = "date"  # a day (2025-04-01, R7.4.1)
FISCAL_YEAR = "fiscal_year"  # a 年度 (2025, 令和7年度, R7) -> int
OPEN_FILE = "open_file"  # an existing file to read -> Path
SAVE_FILE = "save_file"  # a new file to write -> Path
FOLDER = "folder"  # an existing folder -> Path
PASSWORD = "password"  # never echoed, logged or recorded
SELECTED_ROWS = "selected_rows"  # the rows the clerk selected (ribbon) / IDs (CLI)
INT = "int"
CHOICE = "choice"
FLAG = "flag"  # yes/no
TEXT = "text"
OPTION_TYPES = (
    DATE,
    FISCAL_YEAR,
    OPEN_FILE,
    SAVE_FILE,
    FOLDER,
    PASSWORD,
    SELECTED_ROWS,
    INT,
    CHOICE,
    FLAG,
    TEXT,
)
# What the ribbon can ask with an Excel dialog (the others come from the CLI or a provider).
ASKED_ON_RIBBON = (FISCAL_YEAR, OPEN_FILE, SAVE_FILE, FOLDER, PASSWORD, INT, FLAG, TEXT)

# The file-type filter of Excel's open/save dialogs ("label,pattern").
XLSX_FILTER = "Excel ブック (*.xlsx),*.xlsx"
# The lists an office already keeps: a workbook or a CSV file.
LIST_FILTER = "Excel ブック・CSV (*.xlsx;*.csv),*.xlsx;*.csv"


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a job: a keyword argument of its function."""

    name: str  # the function's keyword argument
    type: str  # one of OPTION_TYPES
    label: str  # Japanese: the dialog's prompt (ribbon) and the argument's name (CLI)
    help: str  # Japanese: the CLI's help for it
    cli: str = ""  # "--fy"; "" = a positional CLI argument
    ribbon: bool = True  # the ribbon asks for it (False: CLI only, or a provider gives it)
    command_line: bool = True  # the CLI has it (False: a ribbon-only question)
    required: bool = False  # a positional argument always is
    confirm: bool = False  # a password typed twice (one that locks a new file)
    title: str = ""  # Japanese: the dialog's title (ribbon)
    ask_if: str = ""  # the ribbon asks only when this FLAG option was answered yes
    default: int | str | None = None
    file_filter: str = ""  # OPEN_FILE/SAVE_FILE: the dialog's filter ("" = XLSX_FILTER)
    choices: tuple[str, ...] = ()  # CHOICE: the values the CLI accepts


@dataclass(frozen=True, slots=True)
class Job:
    """One job: a CLI verb and the ribbon buttons that run it."""

    name: str  # the `hikisup` CLI verb
    label: str  # Japanese: its name for a clerk, and its 操作履歴 label
    help: str  # Japanese: the CLI help (first line: what it does)
    function: str  # "package.module:function", imported when the job runs
    options: tuple[Option, ...] = ()
    workbook: bool = True  # runs on a management workbook (FILE is the CLI's first argument)
    # How a result's issues are tagged in the CLI's and the message box's list.
    issue_tag: str = ""  # "" = the issue's severity
    json_issues: bool = False  # the CLI has --json: the issues as JSON on stdout
    errors_exit_1: bool = False  # the CLI exits 1 when an issue is an error (check's contract)
    # A click command ("package.module:name") for a job whose command line has its own shape
    # (forms: a kind and IDs); "" = cli.py generates the command from the options.
    command: str = ""
    # "upgrade": the CLI opens the workbook even when an older template made it (the upgrade
    # job itself); "none": the job makes a new workbook and needs none (on the ribbon any open
    # workbook will do to click, and the new one is opened in Excel afterwards); "" = the
    # default engine, which refuses such a workbook and names 更新.
    engine: str = ""


def is_import_path(action: str) -> bool:
    """True for a function named by "package.module:function"."""
    return ":" in action


_PASSWORD_HELP = "- を指定すると入力を求めます（シェルの履歴に残りません）"

JOBS: tuple[Job, ...] = (
    Job(
        "new",
        "新しい管理ブック",
        "テンプレートから新しい管理ブックを作り、設定シートに値を入れます。\n\n"
        "すでにあるファイルには上書きしません。",
        "hikisup_xl.jobs.new:new",
        (
            Option(
                "book",
                SAVE_FILE,
                "FILE",
                "作る管理ブック（.xlsx、新しい名前）",
                required=True,
                title="新しい管理ブックの保存先",
                default="サポーター管理.xlsx",
            ),
            Option(
                "body_name",
                TEXT,
                "実施主体名",
                "実施主体名（例：甲府市）",
                cli="--body-name",
                title="実施主体名（例：甲府市）。空欄でもよく、あとで「設定」シートで直せます",
            ),
            Option(
                "mayor_name",
                TEXT,
                "市町村長名",
                "市町村長名（例：甲府市長　山田太郎）",
                cli="--mayor-name",
                title="市町村長名（例：甲府市長　山田太郎）。空欄でもよく、あとで「設定」シートで直せます",
            ),
            Option("department", TEXT, "担当部署", "担当部署", cli="--department", ribbon=False),
            Option("phone", TEXT, "電話", "問い合わせ先の電話番号", cli="--phone", ribbon=False),
            Option("fax", TEXT, "FAX", "FAX番号", cli="--fax", ribbon=False),
            Option(
                "body_kind",
                CHOICE,
                "種別",
                "実施主体の種別",
                cli="--body-kind",
                ribbon=False,
                choices=("市町村", "都道府県"),
            ),
        ),
        workbook=False,
        engine="none",
    ),
    Job(
        "check",
        "チェック",
        "入力内容を点検し、問題を「チェック結果」シートに書き出します（各セルへのリンク付き）。\n\n"
        "終了コード：0 問題なし（警告のみを含む）、1 エラーあり、2 ファイルを処理できない。",
        "hikisup_xl.jobs.ledger:check",
        json_issues=True,
        errors_exit_1=True,
    ),
    Job(
        "number",
        "採番",
        "修了した受講者に修了番号を、登録が決まった人に登録番号を付けます（番号は再利用しません）。",
        "hikisup_xl.jobs.ledger:number",
        issue_tag="保留",
    ),
    Job(
        "expiries",
        "期限確認",
        "基準日時点の状態（登録中・期限間近・期限切れ）を更新し、期限一覧を作ります。",
        "hikisup_xl.jobs.ledger:expiries",
    ),
    Job(
        "candidates",
        "派遣候補",
        "状態が「調整中」の派遣について、サポーター全員を「派遣候補」シートに順位と理由つきで書き出します。\n\n"
        "登録期間外・辞退・取消、同意書なし、意向再確認が「要確認」、その年度の保険に未加入、"
        "当事者の同意がない・撤回済みの人は理由を示して対象外にします。候補は希望する性別、地域、"
        "このケースとの関わり、資格・特技、派遣中の件数、最後の活動からの日数の順に並べます。"
        "当事者についてはケースIDのほかは何も書かず、派遣シートの登録番号も書き換えません（決めるのは職員です）。",
        "hikisup_xl.jobs.dispatch:candidates",
        (
            Option(
                "dispatch_id",
                TEXT,
                "派遣ID",
                "候補を探す派遣の派遣ID（状態が「調整中」の行）",
                ribbon=False,
                required=True,
            ),
        ),
    ),
    Job(
        "forms",
        "帳票",
        "様式（資料2〜9）と案内文を、A4で印刷できるExcelファイル（とPDF）に書き出します。",
        "hikisup_xl.forms.action:forms",
        (
            Option("kind", CHOICE, "帳票", "帳票の種類", ribbon=False, required=True),
            Option("selection", SELECTED_ROWS, "番号", "作る人・行の番号", ribbon=False),
        ),
        command="hikisup_xl.forms.commands:forms_cmd",
    ),
    Job(
        "export-roster",
        "名簿書き出し",
        "登録名簿から、同意書のあるサポーターの名簿を他の実施主体へ渡すファイル（OUT）に書き出します。\n\n"
        "載せるのは決められた項目（登録番号・修了番号・氏名・ふりがな・性別・生年月日・住所・連絡先・"
        "資格・特技・同意書受領日・登録期間・状態）だけで、当事者・派遣・活動報告の内容は一切含みません。"
        "書き出しは元のブックの「操作履歴」に記録されます。",
        "hikisup_xl.exchange.export:export_roster",
        (
            Option(
                "out",
                SAVE_FILE,
                "OUT",
                "書き出すファイル（.xlsx、新しい名前）",
                required=True,
                title="名簿の保存先",
            ),
            Option(
                "password",
                PASSWORD,
                "パスワード",
                "開くときのパスワードを付けて暗号化する（Excelで開くときに聞かれます）。"
                + _PASSWORD_HELP,
                cli="--password",
                confirm=True,
                title="名簿のパスワード",
            ),
        ),
    ),
    Job(
        "import-roster",
        "名簿取り込み",
        "提供を受けた名簿（ROSTER）を登録名簿に取り込みます。\n\n"
        "登録番号・修了番号、次に氏名（ふりがな）と生年月日で照合し、新規の人は追加して意向再確認を"
        "「要確認」にします。値が違う人・照合に疑いのある人は「取込確認」シートに両方の値を並べて"
        "書き出し、登録名簿は書き換えません。「判断」を選んでから同じ名簿でもう一度実行すると反映します。"
        "壊れた・暗号化された（パスワードなし）・hikisup 以外のファイルは理由を示して取り込みません。",
        "hikisup_xl.jobs.exchange:import_roster",
        (
            Option(
                "roster",
                OPEN_FILE,
                "ROSTER",
                "取り込む名簿ファイル",
                required=True,
                title="取り込む名簿",
            ),
            Option(
                "password",
                PASSWORD,
                "パスワード",
                "名簿ファイルが暗号化されているときのパスワード。" + _PASSWORD_HELP,
                cli="--password",
                title="名簿のパスワード（なければ空欄のままOK）",
            ),
        ),
    ),
    Job(
        "report",
        "年度集計",
        "年度の集計（養成・登録・派遣・活動・事後研修）を「集計」シートに作ります。\n\n"
        "表・グラフと、表から作り直せるピボットテーブルを入れます。--out を付けると、"
        "都道府県へ提出するファイル（件数だけ。--suppress 未満の数は秘匿）も書き出します。",
        "hikisup_xl.jobs.stats:report",
        (
            Option(
                "fy",
                FISCAL_YEAR,
                "年度",
                "集計する年度（例：2025、令和7年度、R7）。省略時は基準日の年度",
                cli="--fy",
                title="集計する年度（例：令和7年度、2025）。空欄なら今年度",
            ),
            Option(
                "submit",
                FLAG,
                "提出ファイル",
                "都道府県へ提出するファイルも作る（リボンで聞きます。CLI では --out）",
                command_line=False,
                title="都道府県へ提出するファイル（件数だけ、小さい数は秘匿）も作りますか？",
            ),
            Option(
                "out",
                SAVE_FILE,
                "提出ファイル",
                "都道府県へ提出するファイル（件数だけ、小さい数は秘匿）も書き出す",
                cli="--out",
                title="提出ファイルの保存先",
                ask_if="submit",
            ),
            Option(
                "threshold",
                INT,
                "秘匿基準",
                "提出用ファイルで、この数未満の件数・人数を秘匿する"
                "（0で秘匿しない。省略時は設定「秘匿基準」、既定3）",
                cli="--suppress",
                ribbon=False,
            ),
            Option(
                "password",
                PASSWORD,
                "パスワード",
                "提出用ファイルを開くときのパスワード。" + _PASSWORD_HELP,
                cli="--password",
                confirm=True,
                title="提出ファイルのパスワード（付けないなら空欄のままOK）",
                ask_if="submit",
            ),
        ),
    ),
    Job(
        "consolidate",
        "集約",
        "フォルダー内の市町村の提出ファイル（hikisup report --out）を集約し、OUT に書き出します。\n\n"
        "実施主体別と合計の表・グラフ・ピボットテーブルを作ります。読めないファイルや対象外のファイルは"
        "「受領ファイル」シートに理由を書き、残りで集約します。\n"
        "終了コード：0 すべて集約、1 エラーのファイルあり（残りは集約済み）、2 集約できない。",
        "hikisup_xl.jobs.stats:consolidate",
        (
            Option(
                "directory",
                FOLDER,
                "DIRECTORY",
                "市町村の提出ファイルを集めたフォルダー",
                required=True,
                title="市町村の提出ファイルを集めたフォルダー",
            ),
            Option(
                "out",
                SAVE_FILE,
                "OUT",
                "集約を書き出すファイル（.xlsx、新しい名前）",
                required=True,
                title="集約の保存先",
            ),
            Option(
                "fy",
                FISCAL_YEAR,
                "年度",
                "集約する年度（省略時はいちばん多い年度）",
                cli="--fy",
                ribbon=False,
            ),
            Option(
                "body_name",
                TEXT,
                "都道府県名",
                "集約する都道府県の名前（表題に入ります。リボンでは設定の実施主体名）",
                cli="--body-name",
                ribbon=False,
                default="",
            ),
            Option(
                "password",
                PASSWORD,
                "パスワード",
                "暗号化された提出ファイルのパスワード（全ファイル共通）。" + _PASSWORD_HELP,
                cli="--password",
                title="提出ファイルのパスワード（なければ空欄のままOK）",
            ),
        ),
        workbook=False,
    ),
    Job(
        "tidy",
        "整える",
        "入力の表記を、迷いなく直せるものだけ整えます（文字の日付（和暦・西暦）を日付に、"
        "番号・電話・郵便番号の全角数字とハイフン（ー－―‐）を半角に、半角カナを全角に、前後の空白を削除）。"
        "空欄のふりがなは、氏名を入力したときの読みで補います。\n\n"
        "変更はすべて「変更履歴」に変更前・変更後と場所（シート・行・列）を記録します。"
        "読み取れない値は変えずに残します（「チェック」で確認してください）。",
        "hikisup_xl.jobs.tidy:tidy",
        (
            Option(
                "dry_run",
                FLAG,
                "確認のみ",
                "変更せずに、整える箇所の一覧だけを表示する",
                cli="--dry-run",
                ribbon=False,
            ),
        ),
    ),
    Job(
        "migrate",
        "移行",
        "市町村がこれまで使ってきた名簿（LIST：.xlsx、または CP932・UTF-8 の .csv）を登録名簿に移します。\n\n"
        "1回目は見出しの行と列の対応を見つけ、「移行確認」シートに対応・取り込む行・読めなかったセルと"
        "その理由を書き出すだけで、登録名簿は変えません。「移行確認」の対応を確かめて（直して）から "
        "--apply を付けて実行すると、登録名簿に追加します（名簿取り込みと同じ照合で重複を見つけます）。"
        "壊れた・暗号化された・異常に大きいファイルは理由を示して読みません。",
        "hikisup_xl.jobs.migrate:migrate",
        (
            Option(
                "source",
                OPEN_FILE,
                "LIST",
                "移す名簿ファイル（.xlsx または .csv）",
                required=True,
                title="移す名簿ファイル（.xlsx・.csv）",
                file_filter=LIST_FILTER,
            ),
            Option(
                "apply",
                FLAG,
                "追加する",
                "「移行確認」シートの対応で登録名簿に追加する（付けないと確認シートを作るだけ）",
                cli="--apply",
                title="「移行確認」シートの対応で、登録名簿に追加しますか？"
                "（「いいえ」：移行確認シートを作るだけで、登録名簿は変えません）",
            ),
        ),
    ),
    Job(
        "upgrade",
        "ブックの更新",
        "以前のテンプレートで作った管理ブックを、今のテンプレートに合わせて更新します"
        "（値と職員が加えたものは残します）。",
        "hikisup_xl.upgrade:upgrade",
        engine="upgrade",
    ),
)
JOB_BY_NAME: dict[str, Job] = {j.name: j for j in JOBS}


@dataclass(frozen=True, slots=True)
class Button:
    """One ribbon button and everything it maps to."""

    id: str  # ribbon control id; what the VBA callback hands to hikisup_xl.excel.dispatch
    label: str  # Japanese, shown on the ribbon
    screentip: str  # Japanese, the bold first line of the tooltip
    supertip: str  # Japanese, the tooltip's body: what the button does
    group: str  # a label from GROUPS
    macro: str  # the VBA Sub in macros/hikisup.bas, `Sub <macro>(control As IRibbonControl)`
    verb: str  # the job (JOBS) the button runs, and the `hikisup` CLI verb that runs it on a file
    image: str = "MacroPlay"  # imageMso icon
    # Fixed keyword arguments for the job (e.g. (("kind", "certificate"),) for one 帳票 button).
    params: tuple[tuple[str, str], ...] = ()
    # Key of hikisup_xl.addin.arguments.PROVIDERS: more keyword arguments, from the live workbook.
    arguments: str = ""
    menu: str = ""  # id of the Menu (in MENUS) the button sits in; "" = directly in its group

    @property
    def job(self) -> Job:
        return JOB_BY_NAME[self.verb]

    @property
    def action(self) -> str:
        """The job's function ("package.module:function")."""
        return self.job.function

    @property
    def asks(self) -> tuple[Option, ...]:
        """The options the ribbon asks for with a dialog, in order (none when a provider gives
        the job's options)."""
        if self.arguments:
            return ()
        return tuple(o for o in self.job.options if o.ribbon and o.type in ASKED_ON_RIBBON)


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
        verb="check",
        image="DataValidation",
    ),
    Button(
        id="hikisupTidy",
        label="整える",
        screentip="入力の表記を整える",
        supertip=(
            "文字で入力した日付（和暦・西暦）を日付に、番号・電話・郵便番号の全角数字とハイフンを半角に、"
            "半角カナを全角に直し、前後の空白を削ります。空欄のふりがなは入力したときの読みで補います。"
            "先に件数を表示して、実行するか聞きます。変更は「変更履歴」に残ります。"
        ),
        group="チェック",
        macro="OnTidy",
        verb="tidy",
        image="SpellingAndGrammar",
        arguments="tidy_confirm",
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
        verb="expiries",
        image="DateAndTimeInsert",
    ),
    Button(
        id="hikisupCandidates",
        label="派遣候補",
        screentip="派遣するサポーターの候補を探す",
        supertip=(
            "「派遣」シートで状態が「調整中」の派遣の行を選んでから押すと、サポーター全員を"
            "「派遣候補」シートに順位と理由（対象外の人はその理由）つきで書き出します。"
            "派遣シートの登録番号は書き換えません。"
        ),
        group="登録",
        macro="OnCandidates",
        verb="candidates",
        image="FindDialog",
        arguments="dispatch",
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
        "「登録名簿」シートで行を選んでから押すと、選んだ行の人の登録証を作ります（今日が登録期間の外の"
        "人は、期間のあとに「（期間外）」と入ります）。ほかのシートから押すと、今日が登録期間内の人"
        "（登録番号があり、辞退・取消でない人）全員の分を作ります。",
        "FilePrint",
    ),
    _filled_form(
        "roster",
        "登録名簿",
        "登録名簿（資料7）を作る",
        "今日が登録期間内の人（登録番号があり、辞退・取消でない人）全員の名簿を、登録番号の順に"
        "作ります。選んでいる行にかかわらず全員の分です（登録期間の外の人は載りません）。",
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
    _filled_form(
        "flyer",
        "研修チラシ",
        "養成研修のチラシ（資料2）を作る",
        "「研修」シートで養成研修の行を選んでから押すと、その研修のチラシ（表面）と参加申込書"
        "（裏面）を1つのファイルに作ります。ほかのシートから押すと、これから開く養成研修の分を"
        "作ります。内容の時間割は「研修内容」シートから入ります。",
        "FilePrintPreview",
    ),
    _filled_form(
        "invitation",
        "研修案内",
        "継続研修・交流会の案内を作る",
        "これからの継続研修・交流会の案内を、活動できる（登録中の）全員の分作ります。",
        "MailMergeStartLetters",
    ),
    _blank_form("application", "参加申込書", "資料2"),
    _blank_form("flyer", "研修チラシ", "資料2"),
    _blank_form("certificate", "修了証書", "資料3"),
    _blank_form("registration", "登録申込書", "資料4"),
    _blank_form("consent", "同意書", "資料5"),
    _blank_form("card", "登録証", "資料6"),
    _blank_form("roster", "登録名簿", "資料7"),
    _blank_form("case-consent", "当事者同意書", "資料8"),
    _blank_form("report", "活動報告書", "資料9"),
    Button(
        id="hikisupExportRoster",
        label="名簿の書き出し",
        screentip="他の実施主体へ渡す名簿を書き出す",
        supertip=(
            "同意書のあるサポーターの名簿（決められた項目だけ）を新しいファイルに書き出します。"
            "保存先を選び、パスワードを入れると暗号化します（入力した文字は画面に見えます。"
            "周りに人がいないときに入れてください。どこにも記録しません）。"
        ),
        group="県とのやりとり",
        macro="OnExportRoster",
        verb="export-roster",
        image="ExportExcel",
    ),
    Button(
        id="hikisupImportRoster",
        label="名簿の取り込み",
        screentip="受け取った名簿を登録名簿に取り込む",
        supertip=(
            "他の実施主体から受け取った名簿ファイルを選ぶと、登録名簿と照合して取り込みます。"
            "値が違う人・照合に疑いのある人は「取込確認」シートに書き出し、登録名簿は書き換えません。"
        ),
        group="県とのやりとり",
        macro="OnImportRoster",
        verb="import-roster",
        image="ImportExcel",
    ),
    Button(
        id="hikisupReport",
        label="年度集計",
        screentip="年度の集計を作る",
        supertip=(
            "年度を入れると、その年度の集計（養成・登録・派遣・活動）を「集計」シートに作ります。"
            "続けて、都道府県へ提出するファイル（件数だけ、小さい数は秘匿）を作るか聞きます。"
        ),
        group="県とのやりとり",
        macro="OnReport",
        verb="report",
        image="PivotTableInsert",
    ),
    Button(
        id="hikisupConsolidate",
        label="集約",
        screentip="市町村の提出ファイルを集約する（都道府県用）",
        supertip=(
            "市町村から届いた提出ファイルを1つのフォルダーに集めてから押します。フォルダーと"
            "保存先を選ぶと、実施主体別と合計の表を新しいファイルに書き出します。"
        ),
        group="県とのやりとり",
        macro="OnConsolidate",
        verb="consolidate",
        image="ConsolidateMenu",
    ),
    Button(
        id="hikisupMigrate",
        label="名簿の移行",
        screentip="これまでの名簿を登録名簿に移す",
        supertip=(
            "市町村でこれまで使ってきた名簿（.xlsx・.csv）を選ぶと、列の対応と取り込む行を「移行確認」"
            "シートに書き出します（最初は登録名簿を変えません）。対応を確かめてからもう一度押し、"
            "「はい」を選ぶと登録名簿に追加します。"
        ),
        group="登録",
        macro="OnMigrate",
        verb="migrate",
        image="ImportTextFile",
    ),
    Button(
        id="hikisupNew",
        label="新しい管理ブック",
        screentip="新しい管理ブックを作る",
        supertip=(
            "テンプレートから新しい管理ブックを作って開きます。保存先を選び、実施主体名と"
            "市町村長名を入れます（空欄でもよく、あとで「設定」シートで直せます）。"
            "すでにあるファイルには上書きしません。どのブックを開いていても使えます。"
        ),
        group="管理ブック",
        macro="OnNew",
        verb="new",
        image="FileNew",
    ),
    Button(
        id="hikisupUpgrade",
        label="ブックの更新",
        screentip="管理ブックを今の版に更新する",
        supertip=(
            "以前の版のテンプレートで作った管理ブックに、足りない表・列・設定を加えます。"
            "確認のあと、ブックを上書き保存して閉じ、ファイルを更新してから開き直します"
            "（更新前のファイルは「ブック名.bak.xlsx」として残ります）。"
            "入力した値や職員が加えたものはそのまま残します。"
        ),
        group="管理ブック",
        macro="OnUpgrade",
        verb="upgrade",
        image="Refresh",
    ),
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
