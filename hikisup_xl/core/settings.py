"""The 設定 sheet: one row per setting (項目 / 値 / 説明), checked into a frozen Settings.

Settings is a plain frozen dataclass with plain checks, because it is built on every click and
pydantic's import alone took ~130 ms. When a value fails a plain check, settings_model (the
pydantic twin) decides and names the problem; it is imported only then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .wareki import WarekiError, parse_date_or_none

if TYPE_CHECKING:
    from pydantic import ValidationError

PeriodRule = Literal["交付日から年数", "年度末まで", "指定日まで"]
BodyKind = Literal["市町村", "都道府県"]
PERIOD_RULES: tuple[str, ...] = ("交付日から年数", "年度末まで", "指定日まで")
BODY_KINDS: tuple[str, ...] = ("市町村", "都道府県")

# Inclusive bounds of the integer settings (None = unbounded above).
INT_BOUNDS: dict[str, tuple[int, int | None]] = {
    "period_years": (1, 10),
    "warn_days": (0, 366),
    "report_deadline_days": (1, 366),
    "silence_days": (1, 366),
    "suppress_below": (0, 100),
    "reg_digits": (1, 10),
    "cert_digits": (1, 10),
    "next_reg_no": (1, None),
    "next_cert_no": (1, None),
}
CHOICES: dict[str, tuple[str, ...]] = {"body_kind": BODY_KINDS, "period_rule": PERIOD_RULES}


@dataclass(frozen=True, slots=True)
class Settings:
    body_kind: BodyKind = "市町村"
    body_name: str = "〇〇市"
    mayor_name: str = "〇〇市長"
    department: str = "〇〇課"
    staff: str = ""
    phone: str = ""
    extension: str = ""
    fax: str = ""
    period_rule: PeriodRule = "交付日から年数"
    period_years: int = 2
    period_fixed_end: dt.date | None = None
    warn_days: int = 60
    report_deadline_days: int = 14
    silence_days: int = 30
    suppress_below: int = 3
    reg_prefix: str = ""
    reg_digits: int = 3
    cert_prefix: str = ""
    cert_digits: int = 3
    next_reg_no: int = 1
    next_cert_no: int = 1

    def __post_init__(self) -> None:
        wrong = {f: getattr(self, f) for f in FIELDS if not _plainly_valid(f, getattr(self, f))}
        if wrong:
            raise SettingsError(_explain(wrong))

    @classmethod
    def validate(cls, data: dict[str, object]) -> Settings:
        """Settings from field values (blank ones take defaults). A value that is not plainly
        valid goes through pydantic, with the lax coercion it always had (e.g. "3" → 3);
        SettingsError names every value that is still wrong."""
        if all(k in FIELDS and _plainly_valid(k, v) for k, v in data.items()):
            return cls(**data)  # type: ignore[arg-type]
        from .settings_model import ValidationError, validate

        try:
            values = validate(data)
        except ValidationError as exc:
            raise SettingsError(_messages(exc, data)) from None
        return cls(**values)  # type: ignore[arg-type]


FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))


def _plainly_valid(name: str, value: object) -> bool:
    """Whether a field's value is of its exact type and within its bounds (no coercion)."""
    if name in CHOICES:
        return value in CHOICES[name]
    if name in INT_BOUNDS:
        low, high = INT_BOUNDS[name]
        return type(value) is int and value >= low and (high is None or value <= high)
    if name == "period_fixed_end":
        return value is None or type(value) is dt.date
    return type(value) is str


def _explain(values: dict[str, object]) -> str:
    """Why values built directly (not through validate) are wrong, in the clerk's words."""
    from .settings_model import ValidationError, validate

    try:
        validate(values)
    except ValidationError as exc:
        return _messages(exc, values)
    # pydantic would coerce these; Settings built directly takes only exact types
    wrong = "。".join(
        f"設定「{_label(f)}」の値「{v}」が正しくありません" for f, v in values.items()
    )
    return wrong + "。"


def _messages(exc: ValidationError, data: dict[str, object]) -> str:
    problems = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        problems.append(f"設定「{_label(field)}」の値「{data.get(field, '')}」が正しくありません")
    return "。".join(problems) + "。設定シートを直してください。"


def _label(field: str) -> str:
    item = ITEM_BY_FIELD.get(field)
    return item.label if item else field


@dataclass(frozen=True, slots=True)
class SettingItem:
    field: str
    label: str
    note: str
    choices: tuple[str, ...] = ()


# Row order on the 設定 sheet.
SETTING_ITEMS: tuple[SettingItem, ...] = (
    SettingItem("body_kind", "実施主体の種別", "市町村 または 都道府県", BODY_KINDS),
    SettingItem("body_name", "実施主体名", "帳票・名簿に印刷される名称（例：〇〇市）"),
    SettingItem("mayor_name", "市町村長名", "修了証書・登録証の差出人（例：〇〇市長　山田太郎）"),
    SettingItem("department", "担当部署", "申込・問い合わせ先の部署名"),
    SettingItem("staff", "担当者", "問い合わせ先の担当者名"),
    SettingItem("phone", "電話", "問い合わせ先の電話番号"),
    SettingItem(
        "extension", "内線", "電話の内線番号（研修チラシに「（内線 1234）」と印字。空欄可）"
    ),
    SettingItem("fax", "FAX", "申込を受け付けるFAX番号"),
    SettingItem(
        "period_rule",
        "登録期間の決め方",
        "交付日から年数／年度末まで（交付日の年度から数えて年数目の3月31日）／指定日まで",
        PERIOD_RULES,
    ),
    SettingItem("period_years", "登録期間の年数", "第9条：登録証の交付日から何年を超えない範囲か"),
    SettingItem("period_fixed_end", "登録期間の指定終了日", "「指定日まで」のときの終了日"),
    SettingItem("warn_days", "期限警告日数", "登録期間の終了が何日以内に迫ったら期限間近とするか"),
    SettingItem("report_deadline_days", "報告期限日数", "活動日から何日以内に活動報告を出すか"),
    SettingItem("silence_days", "未報告警告日数", "派遣中なのに何日活動報告がなければ知らせるか"),
    SettingItem(
        "suppress_below", "秘匿基準", "都道府県へ提出する集計で、この数未満の件数・人数を秘匿する"
    ),
    SettingItem("reg_prefix", "登録番号の接頭辞", "登録番号の頭に付ける文字（空欄可）"),
    SettingItem("reg_digits", "登録番号の桁数", "ゼロ埋めの桁数（例：3 → 001）"),
    SettingItem("cert_prefix", "修了番号の接頭辞", "修了番号の頭に付ける文字（空欄可）"),
    SettingItem("cert_digits", "修了番号の桁数", "ゼロ埋めの桁数"),
    SettingItem("next_reg_no", "次の登録番号", "自動で更新されます。番号は再利用されません"),
    SettingItem("next_cert_no", "次の修了番号", "自動で更新されます。番号は再利用されません"),
)
ITEM_BY_LABEL = {i.label: i for i in SETTING_ITEMS}
ITEM_BY_FIELD = {i.field: i for i in SETTING_ITEMS}


class SettingsError(ValueError):
    """A setting cannot be understood; the message is Japanese and names the 項目."""


def _cell_to_python(field: str, value: object) -> object:
    if field == "period_fixed_end":
        try:
            return parse_date_or_none(value)
        except WarekiError as exc:
            raise SettingsError(f"設定「{ITEM_BY_FIELD[field].label}」: {exc}") from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and field not in INT_BOUNDS:
        return str(value)  # a 内線 typed as a number is still the text "1234"
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if field in INT_BOUNDS:
            return int(text) if text.isdigit() else text
        return text
    return "" if value is None else value


def settings_from_rows(rows: list[tuple[object, object]]) -> Settings:
    """Build Settings from (項目, 値) pairs; unknown 項目 are ignored, blanks take defaults."""
    data: dict[str, object] = {}
    for label, value in rows:
        item = ITEM_BY_LABEL.get(str(label).strip()) if label is not None else None
        if item is None or value is None or (isinstance(value, str) and not value.strip()):
            continue
        data[item.field] = _cell_to_python(item.field, value)
    return Settings.validate(data)


def settings_to_rows(settings: Settings) -> list[tuple[str, object, str]]:
    """(項目, 値, 説明) rows in sheet order."""
    values = dataclasses.asdict(settings)
    return [(i.label, values[i.field], i.note) for i in SETTING_ITEMS]
