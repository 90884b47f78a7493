"""From a selection (IDs, --expiring, --blank) to the workbook rows a form prints, as records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.book import Book, supporters, why_not_active
from ..core.errors import HikisupError
from ..core.expiry import in_worklist
from ..core.numbering import format_number
from ..core.schema import ENDED_STATES
from ..core.table import ParsedTable
from ..core.text import nfkc
from .records import Graduate, ProgramItem, Report, Supporter, Training

NOTHING_WRITTEN = "何も作成していません。"


@dataclass(frozen=True, slots=True)
class Selection:
    """What the clerk asked for: IDs, or everyone expiring soon, or a blank form."""

    ids: tuple[str, ...] = ()
    expiring: bool = False
    blank: bool = False
    # 登録証・登録名簿: also those registered but outside their period on the base date (marked)
    outside: bool = False

    def describe(self) -> str:
        if self.blank:
            return "空欄"
        if self.ids:
            shown = "、".join(self.ids[:10]) + ("…" if len(self.ids) > 10 else "")
            return shown + ("（期限間近）" if self.expiring else "")
        if self.expiring:
            return "期限間近の全員"
        return "期間外を含む全員" if self.outside else "対象の全員"


def clean_id(value: str) -> str:
    return nfkc(value).strip()


def split_ids(words: Sequence[str]) -> tuple[str, ...]:
    """IDs as typed: separate words, or one word with commas ('001,002' / '001、002')."""
    out: list[str] = []
    for word in words:
        out += [part.strip() for part in re.split(r"[,，、]", word) if part.strip()]
    return tuple(out)


def pick(
    wanted: Sequence[str],
    available: Sequence[str | None],
    what: str,
    sheet: str,
    numbering: tuple[str, int] | None = None,
) -> list[int]:
    """Row indexes of the `wanted` IDs, in the order asked; a Japanese error names any unknown.

    With `numbering` (prefix, digits) a bare number finds its zero-padded form: 1 → 001.
    """
    index: dict[str, int] = {}
    for row, value in enumerate(available):
        if value is not None:
            index.setdefault(clean_id(value), row)
    found: list[int] = []
    missing: list[str] = []
    for raw in wanted:
        key = clean_id(raw)
        i = index.get(key)
        if i is None and numbering is not None and key.isdigit():
            i = index.get(format_number(int(key), *numbering))
        if i is None:
            missing.append(raw)
        elif i not in found:
            found.append(i)
    if missing:
        raise HikisupError(
            f"{sheet}シートにない{what}です：{'、'.join(missing)}。番号を確認してください。"
            + NOTHING_WRITTEN
        )
    return found


# --------------------------------------------------------------------------- records


def supporter(reg: ParsedTable, i: int, day: dt.date | None = None) -> Supporter:
    """Row `i` as a record; with `day`, marked when that day is outside the row's 登録期間."""

    def t(key: str) -> str | None:
        return reg.texts(key)[i]

    def d(key: str) -> dt.date | None:
        return reg.dates(key)[i]

    return Supporter(
        reg_no=t("reg_no"),
        kana=t("kana"),
        name=t("name"),
        sex=t("sex"),
        birth=d("birth"),
        postal=t("postal"),
        address=t("address"),
        phone=t("phone"),
        mobile=t("mobile"),
        email=t("email"),
        cert_no=t("cert_no"),
        motive=t("motive"),
        skills=t("skills"),
        applied=d("applied"),
        consent=d("consent"),
        issued=d("issued"),
        period_start=d("period_start"),
        period_end=d("period_end"),
        state=t("state"),
        memo=t("memo"),
        card_memo=t("card_memo"),
        outside=day is not None and not in_period(reg, i, day),
    )


def training(tr: ParsedTable, i: int) -> Training:
    return Training(
        training_id=tr.texts("training_id")[i] or "",
        kind=tr.texts("kind")[i],
        title=tr.texts("title")[i],
        date=tr.dates("date")[i],
        start=tr["start"][i],  # type: ignore[arg-type]  # a time column
        end=tr["end"][i],  # type: ignore[arg-type]
        venue=tr.texts("venue")[i],
        content=tr.texts("content")[i],
        deadline=tr.dates("deadline")[i],
        reception=tr["reception"][i],  # type: ignore[arg-type]  # a time column
        audience=tr.texts("audience")[i],
    )


def program(book: Book, training_id: str) -> list[ProgramItem]:
    """The 研修内容 rows of a training, by start time (rows without one keep their place
    after the timed ones), so that a row added at the bottom still prints in its slot."""
    pr = book["program"]
    items = [
        (i, ProgramItem(pr["start"][i], pr["end"][i], content or ""))  # type: ignore[arg-type]
        for i, (tid, content) in enumerate(
            zip(pr.texts("training_id"), pr.texts("content"), strict=True)
        )
        if tid == training_id and (content or pr["start"][i] is not None)
    ]
    items.sort(key=lambda x: (x[1].start is None, x[1].start or dt.time(0), x[0]))
    return [item for _i, item in items]


def graduates(book: Book, rows: Sequence[int]) -> list[Graduate]:
    trainees = book["trainees"]
    held: dict[str, dt.date] = {}
    if "trainings" in book.tables:
        tr = book["trainings"]
        for tid, day in zip(tr.texts("training_id"), tr.dates("date"), strict=True):
            if tid and day:
                held.setdefault(tid, day)
    out = []
    for i in rows:
        tid = trainees.texts("training_id")[i]
        out.append(
            Graduate(
                cert_no=trainees.texts("cert_no")[i] or "",
                name=trainees.texts("name")[i],
                completed=trainees.dates("completed")[i],
                training_date=held.get(tid) if tid else None,
            )
        )
    return out


def reports(book: Book, rows: Sequence[int]) -> list[Report]:
    table = book["reports"]
    reg = book["register"]
    names: dict[str, str | None] = {}
    for no, name in zip(reg.texts("reg_no"), reg.texts("name"), strict=True):
        if no:
            names.setdefault(no, name)
    return [_report(table, i, names) for i in rows]


def _report(table: ParsedTable, i: int, names: dict[str, str | None]) -> Report:
    def t(key: str) -> str | None:
        return table.texts(key)[i]

    reg_no = t("reg_no")
    return Report(
        report_id=t("report_id") or "",
        reported=table.dates("reported")[i],
        reg_no=reg_no,
        supporter_name=names.get(reg_no) if reg_no else None,
        case_id=t("case_id"),
        date=table.dates("date")[i],
        start=table["start"][i],  # type: ignore[arg-type]  # a time column
        end=table["end"][i],  # type: ignore[arg-type]
        place=t("place"),
        kind=t("kind"),
        kind_other=t("kind_other"),
        content=t("content"),
        record=t("record"),
        next=t("next"),
        plan=t("plan"),
        policy=t("policy"),
        policy_other=t("policy_other"),
        memo=t("memo"),
    )


# --------------------------------------------------------------------------- who


def registered(book: Book) -> list[int]:
    """Register rows with a 登録番号 that were not withdrawn or revoked (by state or date)."""
    reg = book["register"]
    out = []
    for i, (no, state, ended) in enumerate(
        zip(reg.texts("reg_no"), reg.texts("state"), reg.dates("ended"), strict=True)
    ):
        if no and state not in ENDED_STATES and (ended is None or ended > book.today):
            out.append(i)
    return out


def in_period(reg: ParsedTable, i: int, day: dt.date) -> bool:
    """The row's own 登録期間 (the one its 登録証 prints) holds `day`; no period holds nothing."""
    start, end = reg.dates("period_start")[i], reg.dates("period_end")[i]
    return start is not None and end is not None and start <= day <= end


def current(book: Book) -> list[int]:
    """Registered rows within their 登録期間 on the base date: who a 登録証 or 名簿 is for."""
    reg = book["register"]
    return [i for i in registered(book) if in_period(reg, i, book.today)]


def expiring(book: Book, rows: Sequence[int]) -> list[int]:
    """Those of `rows` in the expiry worklist (within 期限警告日数 before or after the end)."""
    reg = book["register"]
    warn = book.settings.warn_days
    ends, states = reg.dates("period_end"), reg.texts("state")
    return [i for i in rows if in_worklist(ends[i], states[i], book.today, warn)]


def active(book: Book) -> list[int]:
    """Register rows of supporters who may act today (registered, within a period)."""
    people = supporters(book)
    return [s.index for s in people.values() if why_not_active(s, book.today) is None]


def pending(book: Book) -> list[int]:
    """Applications still waiting for a 登録番号 (not withdrawn)."""
    reg = book["register"]
    return [
        i
        for i, (no, name, state) in enumerate(
            zip(reg.texts("reg_no"), reg.texts("name"), reg.texts("state"), strict=True)
        )
        if no is None and name and state not in ENDED_STATES
    ]
