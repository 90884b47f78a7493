"""The 設定 sheet: one row per setting (項目 / 値 / 説明), validated into a model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .wareki import WarekiError, parse_date_or_none

PeriodRule = Literal["交付日から年数", "年度末まで", "指定日まで"]
BodyKind = Literal["市町村", "都道府県"]
PERIOD_RULES: tuple[str, ...] = ("交付日から年数", "年度末まで", "指定日まで")
BODY_KINDS: tuple[str, ...] = ("市町村", "都道府県")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    body_kind: BodyKind = "市町村"
    body_name: str = "〇〇市"
    mayor_name: str = "〇〇市長"
    department: str = "〇〇課"
    staff: str = ""
    phone: str = ""
    extension: str = ""
    fax: str = ""
    period_rule: PeriodRule = "交付日から年数"
    period_years: int = Field(default=2, ge=1, le=10)
    period_fixed_end: dt.date | None = None
    warn_days: int = Field(default=60, ge=0, le=366)
    report_deadline_days: int = Field(default=14, ge=1, le=366)
    silence_days: int = Field(default=30, ge=1, le=366)
    suppress_below: int = Field(default=3, ge=0, le=100)
    reg_prefix: str = ""
    reg_digits: int = Field(default=3, ge=1, le=10)
    cert_prefix: str = ""
    cert_digits: int = Field(default=3, ge=1, le=10)
    next_reg_no: int = Field(default=1, ge=1)
    next_cert_no: int = Field(default=1, ge=1)


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
    if isinstance(value, int) and Settings.model_fields[field].annotation is str:
        return str(value)  # a 内線 typed as a number is still the text "1234"
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if Settings.model_fields[field].annotation is int:
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
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else ""
            label = ITEM_BY_FIELD[field].label if field in ITEM_BY_FIELD else field
            problems.append(f"設定「{label}」の値「{data.get(field, '')}」が正しくありません")
        raise SettingsError("。".join(problems) + "。設定シートを直してください。") from None


def settings_to_rows(settings: Settings) -> list[tuple[str, object, str]]:
    """(項目, 値, 説明) rows in sheet order."""
    values = settings.model_dump()
    return [(i.label, values[i.field], i.note) for i in SETTING_ITEMS]
