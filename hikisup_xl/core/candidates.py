"""派遣候補 (第10–11条): every registered supporter for one dispatch request, the excluded with
the reason and the eligible ranked, each with the reasons in the clerk's words.

Who may act comes from where those rules already live: the 登録期間 and 辞退・取消 from
`book.why_not_active`, the registration conditions (同意書, 修了) from `eligibility`, the
insurance from `insurance`, the 当事者's consent from `rules.consent`. This module only ranks.
The clerk decides: nothing here writes a 登録番号 into the dispatch.

Ranking among the eligible, most important first: the requested gender (a mismatch goes to
the bottom, an unknown 性別 just above it), the area (活動地域, else the 市区町村 of 住所,
against the request's 派遣先の地域), already knowing this case, skills (資格・特技 found in the
request's 目的), fewer dispatches running, longer since the last activity; then 登録番号.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .book import Book, supporters, why_not_active
from .eligibility import RegistrationGate
from .insurance import insurance, uninsured
from .rules.consent import consents, why_no_consent
from .text import nfkc

WANTED = {"男性": "男", "女性": "女"}  # 希望する性別 -> the register's 性別 ("どちらでも": none)
_SEPARATORS = re.compile(r"[、,，/／・;；\s]+")
# The 市区町村 of an address: after an optional 都道府県, the shortest run ending in 市, else 区,
# else 町, else 村 (市 first, so that 大町市 and 町田市 are not cut at their 町).
_PREFECTURE = re.compile(r"^(?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_MUNICIPALITY = tuple(re.compile(rf"^.+?{suffix}") for suffix in "市区町村")


@dataclass(frozen=True, slots=True)
class Request:
    """What the dispatch asks; of the 当事者 only the ケースID."""

    index: int  # row index in 派遣
    dispatch_id: str
    case_id: str | None
    wanted_sex: str | None
    area: str | None
    purpose: str | None
    reg_no: str | None  # a 登録番号 the clerk may already have typed


@dataclass(slots=True)
class Candidate:
    reg_no: str
    name: str | None
    area: str | None  # what the area was compared on (活動地域, else 住所's 市区町村)
    load: int  # dispatches 派遣中
    last: dt.date | None  # last 活動日
    excluded: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    key: tuple[object, ...] = ()
    rank: int | None = None


def municipality(address: str | None) -> str | None:
    """The 市区町村 of an address (山梨県甲府市丸の内 -> 甲府市), or None."""
    if not address:
        return None
    rest = _PREFECTURE.sub("", _compact(address))
    for pattern in _MUNICIPALITY:
        m = pattern.match(rest)
        if m:
            return m.group(0)
    return None


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", nfkc(text))


def _terms(text: str | None) -> list[str]:
    return [t for t in _SEPARATORS.split(_compact(text or "")) if t]


def area_fits(areas: list[str], wanted: str) -> str | None:
    """The supporter's area that fits the request's (either names the other), or None."""
    place = _compact(wanted)
    return next((a for a in areas if a in place or place in a), None)


def skills_fitting(skills: str | None, purpose: str | None) -> list[str]:
    """The supporter's 資格・特技 named in the request's 目的 (元教員 fits 教員)."""
    text = _compact(purpose or "")
    if not text:
        return []
    return [t for t in _terms(skills) if t in text or (t.startswith("元") and t[1:] in text)]


def request_of(book: Book, index: int) -> Request:
    d = book["dispatches"]
    did = d.texts("dispatch_id")[index]
    return Request(
        index,
        did or "",
        d.texts("case_id")[index],
        d.texts("wanted_sex")[index],
        d.texts("area")[index],
        d.texts("purpose")[index],
        d.texts("reg_no")[index],
    )


def case_refusal(book: Book, request: Request, day: dt.date) -> str | None:
    """Why no supporter may go to this case on `day` (第11条), or None."""
    table = consents(book)
    if request.case_id is None:
        return "派遣にケースIDがありません"
    if request.case_id not in table:
        return f"ケースID「{request.case_id}」が当事者シートにありません（同意書を確認できません）"
    return why_no_consent(table, request.case_id, day)


def rank(book: Book, request: Request, day: dt.date) -> list[Candidate]:
    """Every supporter with a 登録番号: the eligible ranked 1.., then the excluded."""
    reg = book["register"]
    people = supporters(book)
    gate = RegistrationGate(book)
    cover = insurance(book)
    case_block = case_refusal(book, request, day)
    load, last, known = _history(book, request)
    out: list[Candidate] = []
    for no, person in people.items():
        i = person.index
        areas = _terms(reg.texts("area")[i])
        if not areas:
            town = municipality(reg.texts("address")[i])
            areas = [town] if town else []
        c = Candidate(
            no,
            reg.texts("name")[i],
            "、".join(areas) or None,
            load.get(no, 0),
            last.get(no),
        )
        if why := why_not_active(person, day):
            c.excluded.append(why)
        c.excluded += [r.message for r in gate.refusals(i)]
        if reg.texts("reconfirm")[i] == "要確認":
            c.excluded.append(
                "意向再確認が「要確認」です（活動の意向を確認し「確認済み」にしてください）"
            )
        if not cover.covers(no, day):
            c.excluded.append(uninsured(day))
        if case_block:
            c.excluded.append(case_block)
        if not c.excluded:
            _score(c, reg.texts("sex")[i], areas, reg.texts("skills")[i], request, day, known)
        out.append(c)
    eligible = sorted((c for c in out if not c.excluded), key=lambda c: c.key)
    for n, c in enumerate(eligible, start=1):
        c.rank = n
    excluded = sorted((c for c in out if c.excluded), key=lambda c: c.reg_no)
    return eligible + excluded


def _score(
    c: Candidate,
    sex: str | None,
    areas: list[str],
    skills: str | None,
    request: Request,
    day: dt.date,
    known: set[str],
) -> None:
    """The candidate's sort key (smaller first) and the reasons behind it."""
    wanted = WANTED.get(request.wanted_sex or "")
    if wanted is None:
        gender = 0
    elif sex == wanted:
        gender = 0
        c.reasons.append(f"希望する性別（{request.wanted_sex}）に合う")
    elif sex is None:
        gender = 1
        c.reasons.append(f"性別が未入力（希望は{request.wanted_sex}）")
    else:
        gender = 2
        c.reasons.append(f"希望する性別（{request.wanted_sex}）と異なる")
    fit = area_fits(areas, request.area) if request.area else None
    if fit:
        c.reasons.append(f"地域が合う（{fit}）")
    elif request.area:
        c.reasons.append("地域が異なる" if areas else "活動地域・住所の市区町村が不明")
    if c.reg_no in known:
        c.reasons.append("このケースの派遣・活動の経験あり")
    skill = skills_fitting(skills, request.purpose)
    if skill:
        c.reasons.append(f"資格・特技が目的に合う（{'、'.join(skill)}）")
    c.reasons.append(f"派遣中 {c.load}件")
    idle = (day - c.last).days if c.last is not None else None
    c.reasons.append("活動記録なし" if idle is None else f"最後の活動から{idle}日")
    if request.reg_no is not None and request.reg_no == c.reg_no:
        c.reasons.append("この派遣の登録番号欄に入力済み")
    never = 10**6  # no activity yet: the longest rest of all
    c.key = (
        gender,
        0 if fit else 1,
        0 if c.reg_no in known else 1,
        -len(skill),
        c.load,
        -(never if idle is None else idle),
        c.reg_no,
    )


def _history(book: Book, request: Request) -> tuple[dict[str, int], dict[str, dt.date], set[str]]:
    """Per 登録番号: dispatches 派遣中, the last 活動日, and who has met this case before."""
    d = book["dispatches"]
    load: dict[str, int] = {}
    known: set[str] = set()
    rows = zip(d.texts("reg_no"), d.texts("state"), d.texts("case_id"), strict=True)
    for i, (no, state, case) in enumerate(rows):
        if no is None:
            continue
        if state == "派遣中":
            load[no] = load.get(no, 0) + 1
        if i != request.index and case is not None and case == request.case_id:
            known.add(no)
    r = book["reports"]
    last: dict[str, dt.date] = {}
    for no, day, case in zip(r.texts("reg_no"), r.dates("date"), r.texts("case_id"), strict=True):
        if no is None or day is None:
            continue
        if no not in last or day > last[no]:
            last[no] = day
        if case is not None and case == request.case_id:
            known.add(no)
    return load, last, known
