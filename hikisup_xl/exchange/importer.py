"""The import-roster action: merge the other side's roster, never overwriting silently.

First run: new supporters are added (marked 要確認 for 意向再確認), every difference goes to
取込確認 with both values side by side. Staff choose 採用 / 不採用 / 別人として追加 there. A
second run with the same roster carries out what they chose; importing the same roster again
without new choices changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from ..core import schema
from ..core.errors import HikisupError
from ..core.expiry import registration_state
from ..core.grid import col_letter
from ..core.issues import ERROR, WARNING, Issue
from ..core.table import ParsedTable, RawTable, parse_table
from ..core.wareki import WarekiError, parse_date, to_wareki
from ..engine.protocol import Engine
from ..files.fileformat import (
    KIND_ROSTER,
    M_BODY,
    M_CREATED,
    ROSTER_SHEET,
)
from ..files.safe_read import ExchangeFile, read_exchange
from ..jobs.result import Result
from ..session import Session
from .allowlist import BY_HEADER, ROSTER_KEYS
from .matching import (
    ACCEPT,
    ADD_AS_NEW,
    CHANGED,
    CONFLICT,
    DUPLICATE,
    NEW,
    REJECT,
    SKIPPED,
    UNCHANGED,
    Person,
    Plan,
    ReviewItem,
    plan_import,
)

PERIOD_FIELDS = ("period_start", "period_end", "state", "ended")


def read_roster(path: Path, password: str | None) -> ExchangeFile:
    return read_exchange(path, password, {KIND_ROSTER: (ROSTER_SHEET,)})


def _roster_people(roster: ExchangeFile) -> tuple[list[Person], list[Issue]]:
    """The roster's rows typed like the register; a cell that does not parse stays blank."""
    rows = roster.sheets[ROSTER_SHEET]
    name = roster.path.name
    headers = [str(h).strip() for h in rows[0]] if rows else []
    while headers and headers[-1] == "":
        headers.pop()
    unknown = [h for h in headers if h not in BY_HEADER]
    if unknown:
        raise HikisupError(
            f"「{name}」は読み込めません：知らない列「{'」「'.join(unknown)}」があります。"
            "hikisup export-roster で作った名簿を使ってください。"
        )
    for needed in ("reg_no", "name"):
        header = schema.REGISTER.col(needed).header
        if header not in headers:
            raise HikisupError(f"「{name}」は読み込めません：列「{header}」がありません。")
    data = [
        tuple(r[: len(headers)]) + (None,) * (len(headers) - len(r))
        for r in rows[1:]
        if any(v not in (None, "") for v in r)
    ]
    cleaned = [tuple(None if v == "" else v for v in r) for r in data]
    numbers = [n for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    raw = RawTable(
        schema.REGISTER,
        headers,
        cleaned,
        numbers,
        [col_letter(i) for i in range(1, len(headers) + 1)],
    )
    parsed = parse_table(raw)
    found = parsed.parse_issues()
    issues = [
        Issue(
            ROSTER_SHEET,
            i.row,
            i.column,
            i.code,
            f"名簿の値を読み取れないため、この項目は取り込みません：{i.message}",
            WARNING,
            i.value,
        )
        for i in found
        if i.code != "required" and i.severity == ERROR
    ]
    people = [
        Person(i, numbers[i], {key: parsed[key][i] for key in ROSTER_KEYS})
        for i in range(len(cleaned))
    ]
    return people, issues


def _local_people(s: Session) -> list[Person]:
    reg = s.book["register"]
    keys = [c.key for c in schema.REGISTER.columns]
    return [
        Person(i, reg.raw.row_numbers[i], {k: reg[k][i] for k in keys}) for i in range(len(reg))
    ]


def _row(spec: schema.TableSpec, **values: object) -> tuple[object, ...]:
    return tuple(values.get(c.key) for c in spec.columns)


def _remember(reg: ParsedTable, values: dict[str, object]) -> None:
    """Let the session see a row this action appends, so that finish() records its 登録期間
    (登録期間履歴) and its values (the snapshot 変更履歴 compares with) like any other row."""
    reg.parse_issues()  # every column typed before the raw row grows (they are typed lazily)
    reg.raw.rows.append((None,) * len(reg.raw.headers))
    reg.raw.row_numbers.append((reg.raw.row_numbers[-1] if reg.raw.row_numbers else 1) + 1)
    for col in schema.REGISTER.columns:
        reg.values[col.key].append(values.get(col.key))


def _roster_date(roster: ExchangeFile) -> dt.date:
    value = roster.manifest.get(M_CREATED)
    try:
        return parse_date(value)
    except WarekiError:
        raise HikisupError(
            f"「{roster.path.name}」は読み込めません：提供情報の作成日が読み取れません。"
        ) from None


def import_roster(engine: Engine, today: dt.date, roster: ExchangeFile) -> Result:
    source = roster.text(M_BODY) or roster.path.name
    roster_date = _roster_date(roster)
    incoming, issues = _roster_people(roster)
    s = Session(engine, today)
    warn_days = s.settings.warn_days
    local = _local_people(s)
    plan = plan_import(local, incoming, source, roster_date)

    new_rows: list[tuple[object, ...]] = []
    reg = s.book["register"]

    added_rows: set[int] = set()

    def add(p: Person) -> None:
        if p.index in added_rows:
            return  # 別人として追加 chosen on several rows of the same person
        added_rows.add(p.index)
        values = {k: p.get(k) for k in ROSTER_KEYS}
        end = p.get("period_end")
        values["state"] = registration_state(
            p.text("reg_no"),
            end if isinstance(end, dt.date) else None,
            p.text("state"),
            today,
            warn_days,
        )
        # The sender's number is kept beside 名簿提供元; a local 登録番号 is given by `number`
        # once the person registers here, so an imported number never moves our counter.
        values.update(
            reg_no=None,
            source_no=p.get("reg_no"),
            reconfirm="要確認",
            roster_date=roster_date,
            roster_source=source,
        )
        new_rows.append(_row(schema.REGISTER, **values))
        _remember(reg, values)

    for j in plan.new:
        add(incoming[j])
    for i in plan.reconfirm:
        s.set("register", i, "reconfirm", "要確認")
    for i in plan.roster_date:
        s.set("register", i, "roster_date", roster_date)
        s.set("register", i, "roster_source", source)

    applied = _carry_out(s, plan, incoming, source, today, add)
    review_rows = [
        _row(
            schema.IMPORT_REVIEW,
            found=today,
            category=item.category,
            roster_date=roster_date,
            source=source,
            their_no=item.their_no,
            reg_no=item.reg_no,
            name=item.name,
            item=item.item,
            ours=item.ours,
            theirs=item.theirs,
            note=item.note,
            key=item.key,
        )
        for item in applied.fresh
    ]
    engine.append_rows(schema.REGISTER, new_rows)
    engine.append_rows(schema.IMPORT_REVIEW, review_rows)

    people = Counter(plan.outcome)
    counts = "、".join(
        f"{c}{people[c]}人" for c in (NEW, UNCHANGED, CHANGED, CONFLICT, DUPLICATE, SKIPPED)
    )
    done = applied.done
    result = f"取込確認に{len(review_rows)}行追加、反映{sum(done.values())}行"
    s.finish("名簿取込", f"{roster.path.name}：{counts}", result)

    lines = [f"名簿取込：{roster.path.name}（提供元：{source}、作成日：{to_wareki(roster_date)}）"]
    added = "（登録名簿に追加し、意向再確認を「要確認」にしました）" if people[NEW] else ""
    lines.append(f"  新規 {people[NEW]}人{added}")
    lines.append(f"  変更なし {people[UNCHANGED]}人")
    lines.append(
        f"  変更 {people[CHANGED]}人、競合 {people[CONFLICT]}人、重複の可能性 {people[DUPLICATE]}人"
    )
    if review_rows:
        lines.append(
            f"  「取込確認」シートに{len(review_rows)}行を追加しました。"
            "「判断」を選んでから、同じ名簿でもう一度取り込むと反映します。"
        )
    pending = applied.pending
    if pending and not review_rows:
        lines.append(f"  「取込確認」シートに判断を待っている行が{pending}行あります。")
    if done:
        parts = "、".join(f"{k}{v}行" for k, v in sorted(done.items()))
        lines.append(f"  取込確認の判断を反映しました：{parts}")
    if plan.reconfirm:
        lines.append(
            f"  新しい名簿に載っているため意向再確認を「要確認」にした人：{len(plan.reconfirm)}人"
        )
    for j, reason in plan.skipped:
        lines.append(f"  対象外：名簿の{incoming[j].row}行目（{reason}）")
    for issue in issues[:20]:
        lines.append(f"  [警告] 名簿の{issue.row}行目「{issue.column}」：{issue.message}")
    if len(issues) > 20:
        lines.append(f"  …ほか{len(issues) - 20}件")
    return Result(
        "import-roster",
        lines,
        issues,
        {
            **{c: people[c] for c in (NEW, UNCHANGED, CHANGED, CONFLICT, DUPLICATE, SKIPPED)},
            "review_added": len(review_rows),
            "applied": sum(done.values()),
            "reconfirm": len(plan.reconfirm),
        },
    )


class _Applied:
    def __init__(self) -> None:
        self.fresh: list[ReviewItem] = []
        self.done: Counter[str] = Counter()
        self.pending = 0


def _carry_out(
    s: Session,
    plan: Plan,
    incoming: list[Person],
    source: str,
    today: dt.date,
    add: Callable[[Person], None],
) -> _Applied:
    """Match the plan with 取込確認: carry out decided rows, close stale ones, list new ones."""
    review = s.book["import_review"]
    keys = review.texts("key")
    existing: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key and key not in existing:
            existing[key] = i
    out = _Applied()
    reg = s.book["register"]
    touched: dict[int, dict[str, object]] = defaultdict(dict)
    current: set[str] = set()

    def close(i: int, text: str) -> None:
        s.set("import_review", i, "applied", today)
        s.set("import_review", i, "result", text)

    for item in plan.review:
        current.add(item.key)
        found = existing.get(item.key)
        if found is None:
            out.fresh.append(item)
            continue
        i = found
        if review.dates("applied")[i] is not None:
            continue  # decided and carried out (or closed) before
        decision = review.texts("decision")[i]
        if decision is None:
            out.pending += 1
            continue
        if decision == REJECT:
            close(i, "こちらの値のままにしました")
            out.done[REJECT] += 1
        elif decision in item.allowed and decision == ACCEPT and item.local is not None:
            assert item.field is not None
            touched[item.local][item.field] = item.value
            s.set("register", item.local, item.field, item.value)
            close(i, "相手の値を反映しました")
            out.done[ACCEPT] += 1
        elif decision in item.allowed and decision == ADD_AS_NEW:
            add(incoming[item.incoming])
            close(i, "別人として登録名簿に追加しました")
            out.done[ADD_AS_NEW] += 1
        else:
            options = "・".join(sorted(item.allowed | {REJECT}))
            text = f"「{decision}」はこの行では反映できません（選べるのは{options}）。登録名簿を確認してください"
            if review.texts("result")[i] != text:
                s.set("import_review", i, "result", text)
            out.pending += 1

    for i, key in enumerate(keys):
        if not key or key in current or review.dates("applied")[i] is not None:
            continue
        if review.texts("source")[i] != source:
            continue
        if review.texts("decision")[i] == ACCEPT:
            close(i, "値が変わったため反映していません。新しい行があれば確認してください")
        else:
            close(i, "最新の名簿では差異がなくなりました")
        out.done["解消"] += 1

    for local, fields in touched.items():
        if not any(f in PERIOD_FIELDS for f in fields):
            continue
        end = fields.get("period_end", reg["period_end"][local])
        state = fields.get("state", reg["state"][local])
        no = fields.get("reg_no", reg["reg_no"][local]) or reg["source_no"][local]
        new_state = registration_state(
            str(no) if no else None,
            end if isinstance(end, dt.date) else None,
            str(state) if state else None,
            today,
            s.settings.warn_days,
        )
        if new_state != reg["state"][local]:
            s.set("register", local, "state", new_state)
    return out
