"""Merging the other side's roster into the register: pure, plain data in, a plan out.

Each roster row is matched with the register by 登録番号 / 修了番号, then by name + birth date
(names and ふりがな share one key space, blind to kana script, width and spaces) and sorted into:

- 新規: nobody here matches: added (and marked for 意向再確認).
- 変更なし: the matching row already says the same.
- 変更: the matching row differs in some fields: one review row per field, applied only when
  staff choose 採用. A blank on the other side never erases anything here.
- 競合: the match itself is doubtful (the number belongs to someone else here, the same person
  is here twice or under another number, a birth date or a 辞退・取消 disagrees). Numbers are
  never changed by an import; the rest only by an explicit 採用.
- 重複の可能性: no number matches but someone here has the same name with another (or no)
  birth date: staff choose 別人として追加 or 不採用.
- 対象外: a roster row without 登録番号 or 氏名, or a withdrawn person not known here.

Every review row has a key made of what it says (source, their number, item, both values), so
importing the same roster again finds the same rows and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..core.schema import ENDED_STATES, REGISTER
from ..core.text import clean_spaces, name_key, nfkc
from ..core.wareki import WarekiError, to_wareki
from ..files.fileformat import canonical
from .allowlist import ROSTER_FIELDS

NEW = "新規"
UNCHANGED = "変更なし"
CHANGED = "変更"
CONFLICT = "競合"
DUPLICATE = "重複の可能性"
SKIPPED = "対象外"
CATEGORIES = (NEW, UNCHANGED, CHANGED, CONFLICT, DUPLICATE, SKIPPED)
ACCEPT = "採用"
REJECT = "不採用"
ADD_AS_NEW = "別人として追加"
WHOLE_ROW = "（行全体）"


@dataclass(frozen=True, slots=True)
class Person:
    """One row: typed values by register column key, and where it stands."""

    index: int
    row: int  # sheet row number, for messages
    values: Mapping[str, object]

    def get(self, key: str) -> object:
        return self.values.get(key)

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        return None if value is None else str(value)

    @property
    def name_keys(self) -> frozenset[str]:
        return frozenset(
            k for k in (name_key(self.text("name") or ""), name_key(self.text("kana") or "")) if k
        )

    @property
    def birth(self) -> object:
        return self.values.get("birth")


@dataclass(frozen=True, slots=True)
class ReviewItem:
    category: str
    incoming: int  # roster row index
    local: int | None  # register row index
    their_no: str
    reg_no: str | None
    name: str
    item: str  # Japanese header, or WHOLE_ROW
    ours: str
    theirs: str
    note: str
    key: str
    field: str | None = None  # register column set on 採用
    value: object = None  # the typed value 採用 writes
    allowed: frozenset[str] = frozenset()  # decisions that can be carried out


@dataclass(slots=True)
class Plan:
    outcome: list[str] = field(default_factory=list)  # category per roster row
    new: list[int] = field(default_factory=list)  # roster rows to add
    review: list[ReviewItem] = field(default_factory=list)
    reconfirm: list[int] = field(default_factory=list)  # register rows to mark 要確認
    roster_date: list[int] = field(default_factory=list)  # register rows whose 名簿作成日 moves on
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (roster row, reason)

    def count(self, category: str) -> int:
        return self.outcome.count(category)


def show(value: object) -> str:
    """A value as staff read it in the review sheet."""
    if value is None:
        return "（空欄）"
    if isinstance(value, dt.date):
        try:
            return to_wareki(value)
        except WarekiError:
            return value.isoformat()
    return str(value)


def same(key: str, ours: object, theirs: object) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if key in ("name", "kana"):
        return name_key(str(ours)) == name_key(str(theirs))
    if isinstance(ours, str) and isinstance(theirs, str):
        return clean_spaces(nfkc(ours)).casefold() == clean_spaces(nfkc(theirs)).casefold()
    return ours == theirs


def review_key(*parts: object) -> str:
    text = json.dumps([canonical(p) for p in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _describe(p: Person) -> str:
    bits = [p.text("name") or "（氏名なし）"]
    if p.birth is not None:
        bits.append(f"{show(p.birth)}生")
    if p.text("reg_no"):
        bits.append(f"登録番号{p.text('reg_no')}")
    if p.text("source_no"):
        bits.append(f"提供元の登録番号{p.text('source_no')}")
    return "／".join(bits)


def _number(value: str | None) -> str:
    return nfkc(value or "").strip()


def from_source(p: Person, source: str) -> bool:
    """A register row received on `source`'s roster: its 修了番号 and 提供元の登録番号 are theirs."""
    return _number(p.text("roster_source")) == _number(source)


class _Index:
    """Every body numbers from 001: the sender's 登録番号 and 修了番号 are looked up only among
    the rows received from that same sender (提供元の登録番号), never in our own numbers."""

    def __init__(self, local: Sequence[Person], source: str) -> None:
        self.by_no: dict[str, list[int]] = defaultdict(list)
        self.by_cert: dict[str, list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for p in local:
            if from_source(p, source) and p.text("source_no"):
                self.by_no[_number(p.text("source_no"))].append(p.index)
            if from_source(p, source) and p.text("cert_no"):
                self.by_cert[_number(p.text("cert_no"))].append(p.index)
            for k in p.name_keys:
                if p.index not in self.by_name[k]:
                    self.by_name[k].append(p.index)

    def named(self, p: Person) -> list[int]:
        out: list[int] = []
        for k in sorted(p.name_keys):
            out.extend(i for i in self.by_name.get(k, ()) if i not in out)
        return sorted(out)


def _same_person(a: Person, b: Person) -> bool:
    return bool(a.name_keys & b.name_keys) and a.birth is not None and a.birth == b.birth


def plan_import(
    local: Sequence[Person],
    incoming: Sequence[Person],
    source: str,
    roster_date: dt.date,
) -> Plan:
    """Sort every roster row and list what staff must decide; nothing is changed here."""
    plan = Plan()
    index = _Index(local, source)
    by_index = {p.index: p for p in local}
    their_numbers = defaultdict(list)
    for p in incoming:
        if p.text("reg_no"):
            their_numbers[nfkc(str(p.text("reg_no"))).strip()].append(p.index)
    twins = _same_people(incoming)
    claimed: dict[int, list[int]] = defaultdict(list)  # register row -> roster rows matched
    matches: list[tuple[Person, Person] | None] = []

    for p in incoming:
        no = nfkc(p.text("reg_no") or "").strip()
        if p.index in twins and no and p.text("name"):
            rows = "・".join(str(incoming[k].row) for k in twins[p.index])
            plan.review.append(
                _row_item(
                    CONFLICT,
                    p,
                    None,
                    source,
                    f"名簿の中で同じ人が別の登録番号で{rows}行目にもいます。名簿の提供元に確認してください",
                )
            )
            plan.outcome.append(CONFLICT)
            matches.append(None)
            continue
        outcome, match = _classify(p, no, their_numbers, index, by_index, plan, source)
        plan.outcome.append(outcome)
        matches.append(match)
        if match is not None:
            claimed[match[1].index].append(p.index)

    for j, match in enumerate(matches):
        if match is None:
            continue
        p, t = match
        if len(claimed[t.index]) > 1:
            others = [incoming[k].row for k in claimed[t.index] if k != p.index]
            plan.outcome[j] = CONFLICT
            plan.review.append(
                _row_item(
                    CONFLICT,
                    p,
                    t,
                    source,
                    f"名簿の{'・'.join(map(str, others))}行目も同じ人（こちらの{t.row}行目）に当たります。"
                    "名簿の提供元に確認してください",
                )
            )
            continue
        items = _compare(p, t, source)
        plan.review.extend(items)
        if any(i.category == CONFLICT for i in items):
            plan.outcome[j] = CONFLICT
        elif items:
            plan.outcome[j] = CHANGED
        else:
            plan.outcome[j] = UNCHANGED
        _follow_up(t, roster_date, plan)
    return plan


def _same_people(incoming: Sequence[Person]) -> dict[int, list[int]]:
    """Roster rows that name the same person (name + birth date) as another roster row."""
    groups: dict[tuple[str, object], set[int]] = defaultdict(set)
    for p in incoming:
        if p.birth is not None:
            for k in p.name_keys:
                groups[(k, p.birth)].add(p.index)
    out: dict[int, list[int]] = {}
    for members in groups.values():
        if len(members) > 1:
            for i in members:
                out[i] = sorted({*out.get(i, []), *(m for m in members if m != i)})
    return out


def _classify(
    p: Person,
    no: str,
    their_numbers: Mapping[str, list[int]],
    index: _Index,
    by_index: Mapping[int, Person],
    plan: Plan,
    source: str,
) -> tuple[str, tuple[Person, Person] | None]:
    if not no:
        plan.skipped.append((p.index, "登録番号がありません"))
        return SKIPPED, None
    if not p.text("name"):
        plan.skipped.append((p.index, "氏名がありません"))
        return SKIPPED, None
    if len(their_numbers[no]) > 1:
        plan.review.append(
            _row_item(
                CONFLICT,
                p,
                None,
                source,
                "名簿の中で同じ登録番号が複数の行にあります。名簿の提供元に確認してください",
            )
        )
        return CONFLICT, None
    cert = nfkc(p.text("cert_no") or "").strip()
    targets = sorted({*index.by_no.get(no, ()), *(index.by_cert.get(cert, ()) if cert else ())})
    strict = [i for i in index.named(p) if _same_person(p, by_index[i])]
    if targets:
        if len(targets) > 1:
            rows = "・".join(str(by_index[i].row) for i in targets)
            plan.review.append(
                _row_item(
                    CONFLICT,
                    p,
                    None,
                    source,
                    f"登録番号・修了番号が、こちらの複数の行（{rows}行目）に当たります",
                )
            )
            return CONFLICT, None
        t = by_index[targets[0]]
        agree = bool(p.name_keys & t.name_keys) or (p.birth is not None and p.birth == t.birth)
        if not agree:
            plan.review.append(
                _row_item(
                    CONFLICT,
                    p,
                    t,
                    source,
                    "提供元の登録番号が同じですが、氏名も生年月日も違う人です。"
                    "別人なら「別人として追加」にしてください",
                )
            )
            return CONFLICT, None
        elsewhere = [i for i in strict if i != t.index]
        if elsewhere:
            rows = "・".join(str(by_index[i].row) for i in elsewhere)
            plan.review.append(
                _row_item(
                    CONFLICT,
                    p,
                    t,
                    source,
                    f"同じ人がこちらの別の行（{rows}行目）にもいます。重複を整理してから取り込んでください",
                )
            )
            return CONFLICT, None
        return UNCHANGED, (p, t)
    if len(strict) == 1:
        return UNCHANGED, (p, by_index[strict[0]])
    if len(strict) > 1:
        rows = "・".join(str(by_index[i].row) for i in strict)
        plan.review.append(
            _row_item(
                DUPLICATE,
                p,
                by_index[strict[0]],
                source,
                f"こちらの名簿に同じ人が複数（{rows}行目）います。重複を整理してから取り込んでください",
            )
        )
        return DUPLICATE, None
    weak = index.named(p)
    if weak:
        t = by_index[weak[0]]
        others = f"（ほかに{len(weak) - 1}人）" if len(weak) > 1 else ""
        plan.review.append(
            _row_item(
                DUPLICATE,
                p,
                t,
                source,
                f"氏名が同じで生年月日が違う（または空欄の）人がこちらにいます{others}。"
                "別人なら「別人として追加」、同じ人なら「不採用」にして登録名簿を手で直してください",
            )
        )
        return DUPLICATE, None
    if p.text("state") in ENDED_STATES:
        plan.skipped.append((p.index, f"「{p.text('state')}」の人で、こちらの名簿にいません"))
        return SKIPPED, None
    plan.new.append(p.index)
    return NEW, None


def _row_item(
    category: str,
    p: Person,
    t: Person | None,
    source: str,
    note: str,
    allowed: frozenset[str] = frozenset({ADD_AS_NEW}),
) -> ReviewItem:
    ours = _describe(t) if t is not None else ""
    theirs = _describe(p)
    their_no = p.text("reg_no") or ""
    return ReviewItem(
        category,
        p.index,
        t.index if t is not None else None,
        their_no,
        t.text("reg_no") if t is not None else None,
        p.text("name") or "",
        WHOLE_ROW,
        ours,
        theirs,
        note,
        review_key(source, their_no, category, WHOLE_ROW, ours, theirs),
        allowed=allowed,
    )


def _compare(p: Person, t: Person, source: str) -> list[ReviewItem]:
    items: list[ReviewItem] = []
    for f in ROSTER_FIELDS:
        if not f.compare:
            continue
        # The sender's 登録番号 lives in 提供元の登録番号; its 修了番号 means something only
        # on a row received from it (ours were numbered by our own training).
        key = "source_no" if f.key == "reg_no" else f.key
        if key == "cert_no" and not from_source(t, source):
            continue
        theirs, ours = p.get(f.key), t.get(key)
        if theirs is None or same(key, ours, theirs):
            continue  # a blank there never erases anything here
        category, note, allowed = CHANGED, "", frozenset({ACCEPT, ADD_AS_NEW})
        if key in ("source_no", "cert_no") and ours is not None:
            category = CONFLICT
            note = "番号は取込では変えません。同じ人か確認し、必要なら登録名簿を手で直してください"
            allowed = frozenset({ADD_AS_NEW})
        elif key == "state":
            ended_here, ended_there = ours in ENDED_STATES, theirs in ENDED_STATES
            if not (ended_here or ended_there):
                continue  # 登録中・期限間近・期限切れ follow the period: expiries recomputes them
            if ended_here and not ended_there:
                category = CONFLICT
                note = f"こちらでは「{ours}」になっています。採用すると状態を戻します"
            else:
                note = (
                    "提供元で辞退・取消になっています。辞退・取消日の行とあわせて判断してください"
                )
        elif key == "birth":
            category = CONFLICT
            note = "生年月日が違います。どちらが正しいか確認してください"
        header = REGISTER.col(key).header
        items.append(
            ReviewItem(
                category,
                p.index,
                t.index,
                p.text("reg_no") or "",
                t.text("reg_no"),
                p.text("name") or "",
                header,
                show(ours),
                show(theirs),
                note,
                review_key(source, p.text("reg_no"), category, header, ours, theirs),
                key,
                theirs,
                allowed,
            )
        )
    return items


def _follow_up(t: Person, roster_date: dt.date, plan: Plan) -> None:
    """A supporter who came from a roster is re-confirmed again when a newer roster comes."""
    if not t.get("roster_source"):
        return
    last = t.get("roster_date")
    if isinstance(last, dt.date) and last >= roster_date:
        return
    plan.roster_date.append(t.index)
    confirmed = t.get("reconfirmed")
    if t.get("reconfirm") != "要確認" and not (
        isinstance(confirmed, dt.date) and confirmed >= roster_date
    ):
        plan.reconfirm.append(t.index)
