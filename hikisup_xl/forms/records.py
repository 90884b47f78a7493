"""The rows a form prints, as plain typed records (built by select.py from the workbook)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.settings import Settings


@dataclass(frozen=True, slots=True)
class Context:
    """What every form needs besides its rows."""

    settings: Settings
    today: dt.date
    seal_box: bool = False  # draw a square around 印 (for the official seal)


@dataclass(frozen=True, slots=True)
class Supporter:
    """One row of 登録名簿."""

    reg_no: str | None
    kana: str | None
    name: str | None
    sex: str | None
    birth: dt.date | None
    postal: str | None
    address: str | None
    phone: str | None
    mobile: str | None
    email: str | None
    cert_no: str | None
    motive: str | None
    skills: str | None
    applied: dt.date | None
    consent: dt.date | None
    issued: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    state: str | None
    memo: str | None  # internal: never printed on anything handed to the supporter
    card_memo: str | None = None  # 登録証に印字する備考
    outside: bool = False  # printed although the base date is outside its 登録期間


@dataclass(frozen=True, slots=True)
class Training:
    """One row of 研修."""

    training_id: str
    kind: str | None
    title: str | None
    date: dt.date | None
    start: dt.time | None
    end: dt.time | None
    venue: str | None
    content: str | None
    deadline: dt.date | None
    reception: dt.time | None = None  # 受付開始時刻 (the flyer)
    audience: str | None = None  # 対象者 (the flyer)


@dataclass(frozen=True, slots=True)
class ProgramItem:
    """One row of 研修内容: a line of the flyer's timetable."""

    start: dt.time | None
    end: dt.time | None
    content: str


@dataclass(frozen=True, slots=True)
class Graduate:
    """A trainee with a 修了番号 (受講者), for the 修了証書."""

    cert_no: str
    name: str | None
    completed: dt.date | None
    training_date: dt.date | None  # the training's 開催日, for the 年度 when 修了日 is blank


@dataclass(frozen=True, slots=True)
class Report:
    """One row of 活動報告, with the supporter's name looked up in 登録名簿."""

    report_id: str
    reported: dt.date | None
    reg_no: str | None
    supporter_name: str | None
    case_id: str | None
    date: dt.date | None
    start: dt.time | None
    end: dt.time | None
    place: str | None
    kind: str | None
    kind_other: str | None
    content: str | None
    record: str | None
    next: str | None
    plan: str | None
    policy: str | None
    policy_other: str | None
    memo: str | None
