"""The pydantic twin of Settings, imported only when a value on 設定 is not plainly valid.

Validating every load with pydantic cost ~130 ms of imports on each click. `Settings` checks
its fields itself; when a check fails (or a value needs coercion), this model decides — with
pydantic's own lax rules, so what is accepted did not change — and names what is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["SettingsModel", "ValidationError", "validate"]


class SettingsModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    body_kind: Literal["市町村", "都道府県"] = "市町村"
    body_name: str = "〇〇市"
    mayor_name: str = "〇〇市長"
    department: str = "〇〇課"
    staff: str = ""
    phone: str = ""
    extension: str = ""
    fax: str = ""
    period_rule: Literal["交付日から年数", "年度末まで", "指定日まで"] = "交付日から年数"
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


def validate(data: dict[str, object]) -> dict[str, object]:
    """The values pydantic makes of `data` (raises ValidationError when it cannot)."""
    return SettingsModel.model_validate(data).model_dump()
