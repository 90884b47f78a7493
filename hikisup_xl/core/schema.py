"""The workbook schema: every sheet, table and column, declared once.

The template builder, the readers, the validators and the writers all take their
sheet names, Japanese headers, types and dropdown lists from here.  Code refers to a
column by its English key; the Japanese header is what staff see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# 2: the 集計 sheet's tables, charts and pivot tables are part of the template (#9).
# 3: 活動地域 on the register, 希望する性別 and 派遣先の地域 on 派遣, the 保険加入 and 派遣候補
#    tables; 研修内容 (the flyer's timetable), 研修's 受付開始時刻 and 対象者, the 内線 setting,
#    and the サポーター別 table with its pivot table (#13).
SCHEMA_VERSION = 3
# Custom document property that marks a workbook as ours (and which schema it follows).
MARKER_PROPERTY = "hikisup_schema"


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    TIME = "time"
    INT = "int"
    CHOICE = "choice"
    POSTAL = "postal"
    PHONE = "phone"
    EMAIL = "email"
    KANA = "kana"
    DATETIME = "datetime"
    ID = "id"  # identifiers and numbers: compared after NFKC (Ｄ００１ is D001)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    width: float = 12.0
    help: str = ""


@dataclass(frozen=True, slots=True)
class TableSpec:
    key: str
    sheet: str
    table: str
    columns: tuple[Column, ...]
    # Supported people's data: never exported, tab coloured, banner in the header note.
    sensitive: bool = False
    # Written by the tool (results, logs); staff read them but do not type into them.
    generated: bool = False
    tab_color: str | None = None
    _by_key: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({c.key: c for c in self.columns})

    def col(self, key: str) -> Column:
        return self._by_key[key]

    def column_number(self, key: str) -> int:
        """1-based sheet column of `key` in the layout we build (the table starts in column A)."""
        return self.columns.index(self._by_key[key]) + 1

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def row(self, **values: object) -> tuple[object, ...]:
        """A row of this table by column key, in column order (absent keys are blank), so
        that no generated row depends on the order of the columns."""
        unknown = sorted(set(values) - set(self._by_key))
        if unknown:
            raise KeyError(f"{self.table} has no column {unknown}")
        return tuple(values.get(c.key) for c in self.columns)


_c = Column


# Closed lists, in the seed's words.
TRAINING_KINDS = ("養成研修", "継続研修", "交流会")
ATTENDANCE = ("出席", "欠席")
SEXES = ("男", "女")
REG_STATES = ("申込中", "登録中", "期限間近", "期限切れ", "辞退", "取消")
ACTIVE_STATES = ("登録中", "期限間近")
ENDED_STATES = ("辞退", "取消")
PERIOD_KINDS = ("新規", "再登録")
CHANGE_SOURCES = ("自動検出", "手入力")
CONSENTERS = ("本人", "家族")
REQUESTERS = ("本人", "家族", "支援拠点", "関係機関")
DISPATCH_STATES = ("調整中", "派遣中", "中断", "終了")
ACTIVITY_KINDS = ("訪問", "面接", "外出同行", "関係者会議等", "その他")
POLICIES = ("継続", "中断", "終了", "その他")
SEVERITIES = ("エラー", "警告")
RECONFIRM_STATES = ("要確認", "確認済み")
REVIEW_CATEGORIES = ("変更", "競合", "重複の可能性")
REVIEW_DECISIONS = ("採用", "不採用", "別人として追加")
WANTED_SEXES = ("男性", "女性", "どちらでも")
CANDIDATE_VERDICTS = ("候補", "対象外")

SETTINGS = TableSpec(
    "settings",
    "設定",
    "tSettings",
    (
        _c("item", "項目", width=24),
        _c("value", "値", width=30),
        _c("note", "説明", width=70),
    ),
    tab_color="808080",
)

TRAININGS = TableSpec(
    "trainings",
    "研修",
    "tTrainings",
    (
        _c("training_id", "研修ID", Kind.ID, required=True, width=10),
        _c("kind", "種別", Kind.CHOICE, required=True, choices=TRAINING_KINDS, width=10),
        _c("title", "名称", width=30),
        _c("date", "開催日", Kind.DATE, required=True, width=16),
        _c("start", "開始時刻", Kind.TIME, width=9),
        _c("end", "終了時刻", Kind.TIME, width=9),
        _c("venue", "会場", width=20),
        _c("content", "内容", width=30),
        _c("deadline", "申込〆切日", Kind.DATE, width=16),
        _c("memo", "備考", width=20),
        # #13: the training flyer (資料2 表面) prints these.
        _c(
            "reception",
            "受付開始時刻",
            Kind.TIME,
            width=9,
            help="研修チラシに「受付：13時～」と印字します",
        ),
        _c(
            "audience",
            "対象者",
            width=30,
            help="研修チラシの対象者。空欄なら「ひきこもり本人や家族等に対する支援に関心のある方」"
            "「民生・児童委員」を印字します（Alt+Enterで改行すると1行ずつ印字します）",
        ),
    ),
)

# The flyer's 内容 timetable (#13): one row per item of a training's programme, in sheet order.
PROGRAM = TableSpec(
    "program",
    "研修内容",
    "tProgram",
    (
        _c("training_id", "研修ID", Kind.ID, required=True, width=10),
        _c("start", "開始時刻", Kind.TIME, width=9),
        _c("end", "終了時刻", Kind.TIME, width=9),
        _c(
            "content",
            "内容",
            required=True,
            width=40,
            help="研修チラシの「内容」の欄に時間と並べて印字します",
        ),
        _c("memo", "備考", width=20),
    ),
)

TRAINEES = TableSpec(
    "trainees",
    "受講者",
    "tTrainees",
    (
        _c("training_id", "研修ID", Kind.ID, required=True, width=10),
        _c("applied", "申込日", Kind.DATE, width=16),
        _c("name", "氏名", required=True, width=14),
        _c("kana", "ふりがな", Kind.KANA, width=16),
        _c("birth", "生年月日", Kind.DATE, width=16),
        _c("address", "住所または所属", width=28),
        _c("contact", "連絡先", width=16),
        _c("attendance", "出欠", Kind.CHOICE, choices=ATTENDANCE, width=8),
        _c("completed", "修了日", Kind.DATE, width=16),
        _c("cert_no", "修了番号", Kind.ID, width=10, help="hikisup number で自動採番します"),
        _c("memo", "備考", width=20),
    ),
)

REGISTER = TableSpec(
    "register",
    "登録名簿",
    "tRegister",
    (
        _c("reg_no", "登録番号", Kind.ID, width=10, help="hikisup number で自動採番します"),
        _c("kana", "ふりがな", Kind.KANA, required=True, width=16),
        _c("name", "氏名", required=True, width=14),
        _c("sex", "性別", Kind.CHOICE, choices=SEXES, width=6),
        _c("birth", "生年月日", Kind.DATE, required=True, width=16),
        _c("postal", "郵便番号", Kind.POSTAL, width=10),
        _c("address", "住所", required=True, width=30),
        _c("phone", "電話", Kind.PHONE, width=14),
        _c("mobile", "携帯電話", Kind.PHONE, width=14),
        _c("email", "E-mail", Kind.EMAIL, width=24),
        _c("cert_no", "修了番号", Kind.ID, width=10),
        _c("motive", "動機・理由", width=30),
        _c("skills", "資格・特技", width=24),
        _c("applied", "申込日", Kind.DATE, width=16),
        _c("interview", "講義・面談日", Kind.DATE, width=16),
        _c("approved", "登録決定日", Kind.DATE, width=16),
        _c("consent", "同意書受領日", Kind.DATE, width=16),
        _c("issued", "登録証交付日", Kind.DATE, width=16),
        _c("period_start", "登録期間開始", Kind.DATE, width=16),
        _c("period_end", "登録期間終了", Kind.DATE, width=16),
        _c("state", "状態", Kind.CHOICE, choices=REG_STATES, width=10),
        _c("ended", "辞退・取消日", Kind.DATE, width=16),
        _c("ended_reason", "辞退・取消理由", width=24),
        _c("reconfirmed", "意向確認日", Kind.DATE, width=16),
        _c(
            "memo",
            "備考",
            width=20,
            help="内部用のメモです。登録証などサポーターに渡す帳票には印字しません",
        ),
        _c(
            "card_memo",
            "登録証に印字する備考",
            width=24,
            help="登録証の備考欄に印字する文です（内部用の「備考」は印字しません）",
        ),
        # Added for the roster exchange (#5): 実施要領 4(4)ウ(ア) asks the receiver of the
        # prefecture's roster to re-confirm each person's will to act.
        _c(
            "reconfirm",
            "意向再確認",
            Kind.CHOICE,
            choices=RECONFIRM_STATES,
            width=10,
            help="名簿の提供を受けた人は「要確認」になります。意向を確認したら「確認済み」にし、意向確認日を入力してください",
        ),
        _c("roster_date", "名簿作成日", Kind.DATE, width=16, help="取り込んだ名簿の作成日"),
        _c("roster_source", "名簿提供元", width=16, help="名簿を提供した実施主体"),
        # #11: every body numbers from 001, so the sender's number never goes in 登録番号.
        _c(
            "source_no",
            "提供元の登録番号",
            Kind.ID,
            width=12,
            help="名簿を提供した実施主体での登録番号。こちらの登録番号は、こちらで登録したときに採番します",
        ),
        # #13: where the supporter is willing to act; 派遣候補 ranks by it (住所 when blank).
        _c(
            "area",
            "活動地域",
            width=20,
            help="活動できる地域（市区町村・地区。複数は「、」で区切る）。空欄なら住所の市区町村で派遣候補を選びます",
        ),
    ),
)

PERIODS = TableSpec(
    "periods",
    "登録期間履歴",
    "tPeriods",
    (
        _c("reg_no", "登録番号", Kind.ID, required=True, width=10),
        _c("kind", "区分", Kind.CHOICE, required=True, choices=PERIOD_KINDS, width=8),
        _c("issued", "登録証交付日", Kind.DATE, width=16),
        _c("period_start", "登録期間開始", Kind.DATE, required=True, width=16),
        _c("period_end", "登録期間終了", Kind.DATE, required=True, width=16),
        _c("recorded", "記録日", Kind.DATE, width=16),
    ),
)

CHANGES = TableSpec(
    "changes",
    "変更履歴",
    "tChanges",
    (
        _c("date", "日付", Kind.DATE, required=True, width=16),
        # Blank for a change on a sheet that names no supporter (整える on 研修, #13).
        _c("reg_no", "登録番号", Kind.ID, width=10),
        _c("item", "項目", required=True, width=14),
        _c("before", "変更前", width=20),
        _c("after", "変更後", width=20),
        _c("reason", "理由", width=30),
        _c("by", "記録者", width=12),
        _c("source", "区分", Kind.CHOICE, choices=CHANGE_SOURCES, width=10),
    ),
)

CASES = TableSpec(
    "cases",
    "当事者",
    "tCases",
    (
        _c("case_id", "ケースID", Kind.ID, required=True, width=10),
        _c("consenter", "同意者", Kind.CHOICE, choices=CONSENTERS, width=8),
        _c("consent", "同意書受領日", Kind.DATE, width=16, help="資料8の同意書を受け取った日"),
        _c("scope", "同意の範囲", width=40, help="サポーターへ提供してよい情報"),
        _c("withdrawn", "同意撤回日", Kind.DATE, width=16),
        _c("staff", "担当者", width=12),
        _c("memo", "備考", width=24),
    ),
    sensitive=True,
    tab_color="C00000",
)

DISPATCHES = TableSpec(
    "dispatches",
    "派遣",
    "tDispatches",
    (
        _c("dispatch_id", "派遣ID", Kind.ID, required=True, width=10),
        _c("requested", "依頼日", Kind.DATE, required=True, width=16),
        _c("case_id", "ケースID", Kind.ID, required=True, width=10),
        _c("requester", "依頼者", Kind.CHOICE, required=True, choices=REQUESTERS, width=10),
        _c("purpose", "目的", width=30),
        _c("reg_no", "登録番号", Kind.ID, width=10),
        _c("decided", "決定日", Kind.DATE, width=16),
        _c("state", "状態", Kind.CHOICE, required=True, choices=DISPATCH_STATES, width=8),
        _c("closed", "終了日", Kind.DATE, width=16),
        _c("memo", "備考", width=20),
        # #13: what the request asks of the supporter, for 派遣候補 (never the 当事者's data).
        _c(
            "wanted_sex",
            "希望する性別",
            Kind.CHOICE,
            choices=WANTED_SEXES,
            width=10,
            help="依頼で希望するサポーターの性別（派遣候補の順位に使います）",
        ),
        _c(
            "area",
            "派遣先の地域",
            width=16,
            help="活動する市区町村・地区（派遣候補の順位に使います）",
        ),
    ),
)

# ボランティア活動保険 (#13): bought per 年度 (4/1-3/31); a supporter acts only when insured.
INSURANCE = TableSpec(
    "insurance",
    "保険加入",
    "tInsurance",
    (
        _c("reg_no", "登録番号", Kind.ID, required=True, width=10),
        _c(
            "fy",
            "年度",
            required=True,
            width=12,
            help="保険の年度（4月1日〜3月31日）。2026、令和8年度、R8 のように入力します",
        ),
        _c("joined", "加入日", Kind.DATE, width=16),
        _c("policy", "保険の名称", width=24),  # not "name": that key is a person's (width check)
        _c("memo", "証書番号・備考", width=30),
    ),
)

REPORTS = TableSpec(
    "reports",
    "活動報告",
    "tReports",
    (
        _c("report_id", "報告ID", Kind.ID, required=True, width=10),
        _c("dispatch_id", "派遣ID", Kind.ID, required=True, width=10),
        _c("reported", "報告日", Kind.DATE, required=True, width=16),
        _c("reg_no", "登録番号", Kind.ID, required=True, width=10),
        _c("case_id", "ケースID", Kind.ID, width=10),
        _c("date", "活動日", Kind.DATE, required=True, width=16),
        _c("start", "開始時刻", Kind.TIME, required=True, width=9),
        _c("end", "終了時刻", Kind.TIME, required=True, width=9),
        _c("place", "活動場所", width=16),
        _c("kind", "活動種別", Kind.CHOICE, required=True, choices=ACTIVITY_KINDS, width=12),
        _c("kind_other", "活動種別（その他）", width=16),
        _c("content", "具体的活動内容", width=30),
        _c("record", "記録", width=30, help="対象者の様子や活動による反応、サポーター自身の所感等"),
        _c("next", "次回", width=24, help="次回の約束や対象者からの要望、意見等"),
        _c("plan", "今後の活動内容", width=24, help="市町村担当者との確認や打ち合わせ事項等"),
        _c("policy", "今後の方針", Kind.CHOICE, choices=POLICIES, width=10),
        _c("policy_other", "今後の方針（その他）", width=16),
        _c("memo", "備考", width=20),
    ),
)

FOLLOWUP = TableSpec(
    "followup",
    "事後研修出席",
    "tFollowUp",
    (
        _c("training_id", "研修ID", Kind.ID, required=True, width=10),
        _c("reg_no", "登録番号", Kind.ID, required=True, width=10),
        _c("attendance", "出欠", Kind.CHOICE, required=True, choices=ATTENDANCE, width=8),
        _c("memo", "備考", width=24),
    ),
)

ACCIDENTS = TableSpec(
    "accidents",
    "事故報告",
    "tAccidents",
    (
        _c("accident_id", "事故ID", Kind.ID, required=True, width=10),
        _c("date", "発生日", Kind.DATE, required=True, width=16),
        _c("dispatch_id", "派遣ID", Kind.ID, required=True, width=10),
        _c("what", "発生状況", required=True, width=36),
        _c("response", "対応", required=True, width=36),
        _c("reported_to", "報告先", width=16),
        _c("reported", "報告日", Kind.DATE, width=16),
        _c("memo", "備考", width=20),
    ),
)

# 派遣候補 (#13): every supporter for one 調整中 dispatch, ranked, with the reasons. Only the
# ケースID of the 当事者 appears here.
CANDIDATES = TableSpec(
    "candidates",
    "派遣候補",
    "tCandidates",
    (
        _c("as_of", "基準日", Kind.DATE, width=16),
        _c("dispatch_id", "派遣ID", Kind.ID, width=10),
        _c("case_id", "ケースID", Kind.ID, width=10),
        _c("rank", "順位", Kind.INT, width=6),
        _c("reg_no", "登録番号", Kind.ID, width=10),
        _c("name", "氏名", width=14),
        _c("verdict", "判定", width=8),
        _c("area", "活動地域", width=16),
        _c("load", "派遣中の件数", Kind.INT, width=10),
        _c("last", "最後の活動日", Kind.DATE, width=16),
        _c("reasons", "理由", width=70),
    ),
    generated=True,
    tab_color="FFC000",
)

EXPIRING = TableSpec(
    "expiring",
    "期限一覧",
    "tExpiring",
    (
        _c("as_of", "基準日", Kind.DATE, width=16),
        _c("reg_no", "登録番号", Kind.ID, width=10),
        _c("name", "氏名", width=14),
        _c("state", "状態", width=10),
        _c("period_end", "登録期間終了", Kind.DATE, width=16),
        _c("days_left", "残り日数", Kind.INT, width=9),
        _c("phone", "電話", width=14),
        _c("mobile", "携帯電話", width=14),
        _c("email", "E-mail", width=24),
        # #13: around 4/1, who is not yet insured for the new 年度 (blank: only the period).
        _c("note", "確認事項", width=36),
    ),
    generated=True,
    tab_color="FFC000",
)

ISSUES = TableSpec(
    "issues",
    "チェック結果",
    "tIssues",
    (
        _c("severity", "重要度", width=8),
        _c("sheet", "シート", width=12),
        _c("row", "行", Kind.INT, width=6),
        _c("column", "列", width=14),
        _c("value", "値", width=18),
        _c("message", "内容", width=60),
        _c("code", "コード", width=16),
        _c("link", "場所", width=14),
    ),
    generated=True,
    tab_color="FFC000",
)

LOG = TableSpec(
    "log",
    "操作履歴",
    "tLog",
    (
        _c("at", "日時", Kind.DATETIME, width=18),
        _c("user", "利用者", width=12),
        _c("action", "操作", width=16),
        _c("count", "件数", width=30),
        _c("result", "結果", width=30),
        _c("file", "ファイル", width=30),
    ),
    generated=True,
    tab_color="808080",
)

# Roster import (#5): what the other side's roster would change here, for staff to decide.
IMPORT_REVIEW = TableSpec(
    "import_review",
    "取込確認",
    "tImportReview",
    (
        _c("found", "検出日", Kind.DATE, width=16),
        _c("category", "区分", Kind.CHOICE, choices=REVIEW_CATEGORIES, width=12),
        _c("roster_date", "名簿作成日", Kind.DATE, width=16),
        _c("source", "提供元", width=14),
        _c("their_no", "相手の登録番号", Kind.ID, width=12),
        _c("reg_no", "こちらの登録番号", Kind.ID, width=12),
        _c("name", "氏名", width=14),
        _c("item", "項目", width=14),
        _c("ours", "こちらの値", width=24),
        _c("theirs", "相手の値", width=24),
        _c("note", "説明", width=40),
        _c(
            "decision",
            "判断",
            Kind.CHOICE,
            choices=REVIEW_DECISIONS,
            width=14,
            help="採用：相手の値にする／不採用：こちらの値のまま／別人として追加：重複の可能性の行を新しい人として追加。"
            "選んだら、同じ名簿でもう一度取り込むと反映されます",
        ),
        _c("applied", "反映日", Kind.DATE, width=16),
        _c("result", "反映結果", width=30),
        _c("key", "照合キー", Kind.ID, width=14, help="ツールが使います。変更しないでください"),
    ),
    tab_color="7030A0",
)

# 移行 (#13): an office's own list read for the register, shown before anything is added. An
# output sheet the migrate job adds when it first runs (engine ensure_table), not a template
# table: every workbook of this template version takes it without an upgrade.
MIGRATION_SKIP = "（取り込まない）"
MIGRATION_MEMO = "（備考に追記）"
MIGRATION_KEYS = tuple(
    c.key
    for c in REGISTER.columns
    if c.key not in ("reg_no", "reconfirm", "roster_date", "roster_source", "source_no")
)
MIGRATION_TARGETS = (
    *(REGISTER.col(k).header for k in MIGRATION_KEYS),
    MIGRATION_MEMO,
    MIGRATION_SKIP,
)
MIGRATION_SECTIONS = ("ファイル", "列の対応", "取り込む行", "読めないセル", "表の外")
MIGRATION_DECISIONS = ("追加", "追加しない")
MIGRATION = TableSpec(
    "migration",
    "移行確認",
    "tMigration",
    (
        _c("section", "区分", Kind.CHOICE, choices=MIGRATION_SECTIONS, width=12),
        _c("src_row", "元の行", Kind.INT, width=8),
        _c("src_col", "元の列", width=8),
        _c("src_header", "元の見出し", width=16),
        _c(
            "target",
            "取り込み先",
            Kind.CHOICE,
            choices=MIGRATION_TARGETS,
            width=16,
            help="「列の対応」の行で、元の列を登録名簿のどの列に入れるかを選べます",
        ),
        _c("name", "氏名", width=14),
        _c("value", "値", width=30),
        _c("note", "説明", width=50),
        _c(
            "decision",
            "判断",
            Kind.CHOICE,
            choices=MIGRATION_DECISIONS,
            width=10,
            help="「取り込む行」の行で、登録名簿に追加するかを選べます（重複の可能性がある行は選んでください）",
        ),
        _c("result", "結果", width=30),
        _c("key", "照合キー", width=14, help="ツールが使います。変更しないでください"),
    ),
    tab_color="7030A0",
)
# Tables a job adds when it first needs them (not in the template; see MIGRATION).
OUTPUT_TABLES: tuple[TableSpec, ...] = (MIGRATION,)

# 年度 statistics (#5): every figure of the 集計 as one row, the form sent upward and summed by
# the prefecture. 値 holds counts and, for 活動時間, hours with decimals.
STATS = TableSpec(
    "stats",
    "集計データ",
    "tStats",
    (
        _c("fy", "年度", width=12),
        _c("section", "区分", width=10),
        _c("item", "項目", width=24),
        _c("month", "月", width=12),
        _c("kind", "活動種別", width=12),
        _c("value", "値", Kind.INT, width=10),
        _c("unit", "単位", width=6),
        _c("suppressed", "秘匿", width=16),
    ),
    generated=True,
    tab_color="00B050",
)

# One row per activity report of the 年度, without free text: the pivot tables' source.
ACTIVITY = TableSpec(
    "activity",
    "活動集計",
    "tActivity",
    (
        _c("fy", "年度", width=12),
        _c("month", "年月", width=12),
        _c("date", "活動日", Kind.DATE, width=16),
        _c("kind", "活動種別", width=12),
        _c("dispatch_id", "派遣ID", Kind.ID, width=10),
        _c("reg_no", "登録番号", Kind.ID, width=10),
        _c("minutes", "活動時間（分）", Kind.INT, width=10),
    ),
    generated=True,
    tab_color="00B050",
)

# A supporter's history at a glance (#13): one row per supporter and 年度, written by the 年度
# report. Names and 登録番号: kept inside the workbook, never in a file sent upward.
SUPPORTER_YEARS = TableSpec(
    "supporter_years",
    "サポーター別",
    "tSupporterYears",
    (
        _c("fy", "年度", width=12),
        _c("reg_no", "登録番号", Kind.ID, width=10),
        _c("name", "氏名", width=14),
        _c("state", "状態", width=10),
        _c("dispatches", "派遣件数", Kind.INT, width=10),
        _c("activities", "活動回数", Kind.INT, width=10),
        _c("hours", "活動時間（時間）", Kind.INT, width=12),
        _c("last_activity", "最終活動日", Kind.DATE, width=16),
        _c("followup", "事後研修出席回数", Kind.INT, width=12),
        _c("followup_ids", "出席した事後研修", width=30),
    ),
    generated=True,
    tab_color="00B050",
)
# The 集計 sheet: four tables of fixed size one above the other (so that rewriting one never
# moves another), with the charts and pivot tables over them built into the template. It sits
# before 集計データ. hikisup report only replaces the tables' rows.
STATS_SHEET = "集計"
UNKNOWN_KIND = "種別不明"  # an activity report whose 活動種別 is blank
SUMMARY_KINDS = (*ACTIVITY_KINDS, UNKNOWN_KIND)
TOTAL_LABEL = "合計"

SUM_INFO = TableSpec(
    "sum_info",
    STATS_SHEET,
    "tSumInfo",
    (_c("item", "項目", width=26), _c("value", "内容", width=40)),
    generated=True,
)
SUM_INFO_ITEMS = ("実施主体", "年度", "集計期間", "基準日", "注記")
SUM_OVERVIEW = TableSpec(
    "sum_overview",
    STATS_SHEET,
    "tSumOverview",
    (
        _c("item", "項目", width=26),
        _c("value", "値", Kind.INT, width=11),
        _c("unit", "単位", width=6),
        _c("note", "説明", width=40),
    ),
    generated=True,
)
SUM_KINDS = TableSpec(
    "sum_kinds",
    STATS_SHEET,
    "tSumKinds",
    (
        _c("kind", "活動種別", width=26),
        _c("count", "活動回数", Kind.INT, width=11),
        _c("dispatches", "派遣実件数", Kind.INT, width=11),
        _c("cases", "当事者実人数", Kind.INT, width=11),
        _c("hours", "活動時間（時間）", Kind.INT, width=11),
    ),
    generated=True,
)
SUM_MONTHS = TableSpec(
    "sum_months",
    STATS_SHEET,
    "tSumMonths",
    (
        _c("month", "月", width=26),
        _c("requested", "派遣依頼件数", Kind.INT, width=11),
        _c("decided", "派遣決定件数", Kind.INT, width=11),
        *(_c(f"kind{i}", k, Kind.INT, width=11) for i, k in enumerate(SUMMARY_KINDS, start=1)),
        _c("count", "活動回数計", Kind.INT, width=11),
        _c("hours", "活動時間（時間）", Kind.INT, width=11),
    ),
    generated=True,
)
SUMMARY_TABLES: tuple[TableSpec, ...] = (SUM_INFO, SUM_OVERVIEW, SUM_KINDS, SUM_MONTHS)

# Sheet order in the workbook: what staff use most first.
TABLES: tuple[TableSpec, ...] = (
    REGISTER,
    TRAININGS,
    PROGRAM,
    TRAINEES,
    DISPATCHES,
    REPORTS,
    CASES,
    FOLLOWUP,
    ACCIDENTS,
    INSURANCE,
    PERIODS,
    CHANGES,
    IMPORT_REVIEW,
    CANDIDATES,
    EXPIRING,
    ISSUES,
    STATS,
    ACTIVITY,
    SUPPORTER_YEARS,
    LOG,
    SETTINGS,
)
BY_KEY: dict[str, TableSpec] = {t.key: t for t in TABLES}
BY_SHEET: dict[str, TableSpec] = {t.sheet: t for t in TABLES}
# Every table a current workbook holds: the data sheets' and the 集計 sheet's.
ALL_TABLES: tuple[TableSpec, ...] = TABLES + SUMMARY_TABLES
# The visible sheets of the template, in order: the 集計 sheet just before 集計データ.
SHEETS: tuple[str, ...] = tuple(
    name for t in TABLES for name in ((STATS_SHEET, t.sheet) if t is STATS else (t.sheet,))
)

# Hidden sheet holding the register as last seen, to detect changes made by hand (第14–16条).
SNAPSHOT_SHEET = "_前回値"
SNAPSHOT_HEADERS = ("登録番号", "内容")
# Register fields whose changes are recorded in 変更履歴.
TRACKED_FIELDS = (
    "name",
    "kana",
    "sex",
    "birth",
    "postal",
    "address",
    "phone",
    "mobile",
    "email",
    "issued",
    "period_start",
    "period_end",
    "state",
    "ended",
)
