"""移行 (#13): an office's own list into the register, in two runs.

The first run only shows: the 移行確認 sheet gets the file, each column's mapping to the
register (which the clerk may change), every row with what would happen to it, every cell that
could not be read and why, and the notes under the table. The register is not touched. The
second run (--apply) reads the clerk's mapping and decisions back from 移行確認, reads the same
file again (its fingerprint must match) and appends the people through TableSpec.row, each
addition in 変更履歴. Duplicates are found as the roster import finds them (exchange/matching.py:
names blind to kana script, width and spaces, plus the birth date).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ..core import schema
from ..core.errors import HikisupError
from ..core.schema import MIGRATION, MIGRATION_TARGETS, REGISTER
from ..core.table import RawTable
from ..engine.protocol import Engine
from ..jobs.result import Result
from ..session import Session
from .matching import Person, show
from .migrate_read import Layout, ListRow, SourceList, find_layout, read_people

ACTION = "移行"
NEW, KNOWN, MAYBE, SKIPPED = "新規", "登録済み", "重複の可能性", "対象外"
ADD, KEEP_OUT = schema.MIGRATION_DECISIONS
DONE = "追加済み"
FILE, MAPPING, ROWS, UNREADABLE, OUTSIDE = schema.MIGRATION_SECTIONS


@dataclass
class Verdict:
    status: str
    note: str
    local: int | None = None  # register row index it matches


def _person(index: int, row: int, values: dict[str, object]) -> Person:
    return Person(index, row, {k: values.get(k) for k in ("name", "kana", "birth")})


def classify(people: list[ListRow], local: list[Person]) -> list[Verdict]:
    """Each row of the list against the register and against the rows above it."""
    verdicts: list[Verdict] = []
    earlier: list[Person] = []
    for j, p in enumerate(people):
        me = _person(j, p.row, p.values)
        if not me.text("name"):
            verdicts.append(Verdict(SKIPPED, "氏名がありません"))
            earlier.append(me)
            continue
        found = _match(me, local, "登録名簿")
        if found is None:
            found = _match(me, earlier, "この名簿")
            if found is not None:
                found.local = None
        verdicts.append(found or Verdict(NEW, "登録名簿に追加します"))
        earlier.append(me)
    return verdicts


def _match(me: Person, others: list[Person], where: str) -> Verdict | None:
    named = [o for o in others if o.name_keys & me.name_keys]
    for o in named:
        if me.birth is not None and o.birth == me.birth:
            return Verdict(
                KNOWN, f"{where}の{o.row}行目と同じ人です（氏名・生年月日が一致）", o.index
            )
    for o in named:
        return Verdict(
            MAYBE,
            f"{where}の{o.row}行目に同じ氏名の人がいます（生年月日：{show(o.birth)}）。"
            "別の人なら「判断」を「追加」にしてください",
            o.index,
        )
    return None


def _default_decision(status: str) -> str | None:
    return {NEW: ADD, KNOWN: KEEP_OUT, SKIPPED: KEEP_OUT}.get(status)


def _summary(p: ListRow) -> str:
    bits = [
        f"{REGISTER.col(k).header}：{show(p.values[k])}"
        for k in ("kana", "birth", "address")
        if p.values.get(k) is not None
    ]
    return "／".join(bits)


def review_rows(
    source: SourceList,
    layout: Layout,
    targets: dict[int, str],
    people: list[ListRow],
    verdicts: list[Verdict],
    decisions: dict[int, str | None],
    results: dict[int, str],
) -> list[tuple[object, ...]]:
    """The 移行確認 sheet, top to bottom."""
    sheet = f"（シート「{source.sheet}」）" if source.sheet else ""
    rows = [
        MIGRATION.row(
            section=FILE,
            src_row=layout.header_row,
            value=source.path.name,
            note=f"見出しは{layout.header_row}行目{sheet}。表の{len(layout.data_rows)}行を読みました",
            key=source.fingerprint,
        )
    ]
    for c in layout.columns:
        rows.append(
            MIGRATION.row(
                section=MAPPING,
                src_row=layout.header_row,
                src_col=c.letter,
                src_header=c.header,
                target=targets.get(c.index, c.target),
                note=c.why,
            )
        )
    for p, v in zip(people, verdicts, strict=True):
        rows.append(
            MIGRATION.row(
                section=ROWS,
                src_row=p.row,
                name=p.values.get("name"),
                value=_summary(p),
                note=f"{v.status}：{v.note}",
                decision=decisions.get(p.row, _default_decision(v.status)),
                result=results.get(p.row),
            )
        )
    for p in people:
        for problem in p.problems:
            rows.append(
                MIGRATION.row(
                    section=UNREADABLE,
                    src_row=p.row,
                    src_col=problem.column.letter,
                    src_header=problem.column.header,
                    target=targets.get(problem.column.index, problem.column.target),
                    name=p.values.get("name"),
                    value=problem.raw,
                    note=f"{problem.reason.rstrip('。')}。入力されたとおりに登録名簿へ入れます（チェックで確認してください）",
                )
            )
    if layout.notes_from is not None:
        rows.append(
            MIGRATION.row(
                section=OUTSIDE,
                src_row=layout.notes_from,
                note="ここから下は表の外（注記など）として読みません",
            )
        )
    return rows


def _layout(source: SourceList) -> Layout:
    layout = find_layout(source.rows)
    if layout is None:
        raise HikisupError(
            f"「{source.path.name}」に名簿の見出しの行が見つかりません。"
            "「氏名」（名前・お名前）の列と、ほかに「生年月日」「住所」などの列の見出しがある行を、"
            "表の上（30行目まで）に置いてください。"
        )
    return layout


def _local(s: Session) -> list[Person]:
    reg = s.book["register"]
    return [
        _person(i, reg.raw.row_numbers[i], {k: reg[k][i] for k in ("name", "kana", "birth")})
        for i in range(len(reg))
    ]


def preview(engine: Engine, today: dt.date, source: SourceList) -> Result:
    """The first run: 移行確認 written, the register untouched."""
    layout = _layout(source)
    targets = {c.index: c.target for c in layout.columns}
    people = read_people(source.rows, layout, targets)
    s = Session(engine, today)
    verdicts = classify(people, _local(s))
    engine.ensure_table(MIGRATION)
    engine.replace_rows(MIGRATION, review_rows(source, layout, targets, people, verdicts, {}, {}))
    counts = Counter(v.status for v in verdicts)
    problems = sum(len(p.problems) for p in people)
    summary = (
        f"{len(people)}人（"
        + "、".join(f"{k}{counts[k]}" for k in (NEW, KNOWN, MAYBE, SKIPPED))
        + f"）、読めないセル{problems}件"
    )
    s.finish(f"{ACTION}（確認）", f"{source.path.name}：{summary}", "移行確認シートを確認")
    lines = [
        f"移行の確認：{source.path.name}（見出し {layout.header_row}行目）{summary}",
        "  登録名簿はまだ変えていません。「移行確認」シートで列の対応（取り込み先）と各行の「判断」を確かめ、"
        "同じファイルで --apply を付けて（リボンでは「はい」を選んで）もう一度実行すると追加します。",
    ]
    lines += [f"  {c.letter}列「{c.header}」→ {c.target}" for c in layout.columns]
    return Result(
        "migrate", lines, counts={"rows": len(people), "new": counts[NEW], "unreadable": problems}
    )


@dataclass
class Confirmed:
    targets: dict[int, str]
    decisions: dict[int, str | None]
    done: dict[int, str]


def confirmed(raw: RawTable, source: SourceList, layout: Layout) -> Confirmed:
    """What the clerk left on 移行確認: the mapping and the decisions; refused when it is
    missing or belongs to another file."""
    col = {
        key: raw.column(key)
        for key in ("section", "src_row", "src_col", "target", "decision", "result", "key")
    }
    sections = [str(v or "").strip() for v in col["section"]]
    files = [i for i, v in enumerate(sections) if v == FILE]
    if not files:
        raise HikisupError(
            "「移行確認」シートに確認の内容がありません。先に --apply を付けずに実行し、"
            "内容を確かめてから --apply で実行してください。"
        )
    if str(col["key"][files[0]] or "").strip() != source.fingerprint:
        raise HikisupError(
            f"「移行確認」シートは別のファイル（または作り直された「{source.path.name}」）のものです。"
            "このファイルで、--apply を付けずにもう一度実行して確認してください。"
        )
    letters = {c.letter: c.index for c in layout.columns}
    out = Confirmed({}, {}, {})
    for i, section in enumerate(sections):
        row_no = _int(col["src_row"][i])
        if section == MAPPING:
            letter = str(col["src_col"][i] or "").strip().upper()
            target = str(col["target"][i] or "").strip()
            if letter not in letters:
                continue
            if target not in MIGRATION_TARGETS:
                raise HikisupError(
                    f"「移行確認」シート {raw.row_numbers[i]}行目の取り込み先「{target}」は選べません。"
                    "一覧（登録名簿の列名、（備考に追記）、（取り込まない））から選んでください。"
                )
            out.targets[letters[letter]] = target
        elif section == ROWS and row_no is not None:
            decision = str(col["decision"][i] or "").strip() or None
            if decision is not None and decision not in schema.MIGRATION_DECISIONS:
                raise HikisupError(
                    f"「移行確認」シート {raw.row_numbers[i]}行目の判断「{decision}」は選べません。"
                    "「追加」か「追加しない」を選んでください。"
                )
            out.decisions[row_no] = decision
            result = str(col["result"][i] or "")
            if result.startswith(DONE):
                out.done[row_no] = result
    return out


def _int(value: object) -> int | None:
    """A row number as the sheet gives it back (5, 5.0 or "5")."""
    try:
        number = float(str(value).strip()) if value is not None else None
    except ValueError:
        return None
    return int(number) if number is not None and number.is_integer() else None


def apply(engine: Engine, today: dt.date, source: SourceList) -> Result:
    """The second run: the clerk's mapping and decisions carried out."""
    layout = _layout(source)
    engine.ensure_table(MIGRATION)
    mine = confirmed(engine.read_table(MIGRATION), source, layout)
    targets = {c.index: mine.targets.get(c.index, c.target) for c in layout.columns}
    people = read_people(source.rows, layout, targets)
    s = Session(engine, today)
    verdicts = classify(people, _local(s))
    added: list[tuple[object, ...]] = []
    history: list[tuple[object, ...]] = []
    results: dict[int, str] = dict(mine.done)
    decisions = dict(mine.decisions)
    keys = schema.MIGRATION_KEYS
    for p, v in zip(people, verdicts, strict=True):
        if p.row in mine.done:
            continue  # added by an earlier run
        decision = decisions[p.row] if p.row in decisions else _default_decision(v.status)
        if decision != ADD:
            results[p.row] = "追加しませんでした" + ("（判断が空欄）" if decision is None else "")
            continue
        if v.status == SKIPPED:
            results[p.row] = "追加しませんでした（氏名がありません）"
            continue
        added.append(REGISTER.row(**{k: p.values.get(k) for k in keys}))
        results[p.row] = f"{DONE}（{today:%Y-%m-%d}）"
        history.append(
            schema.CHANGES.row(
                date=today,
                item="行の追加",
                after=f"{p.values.get('name')}（{show(p.values.get('birth'))}生）",
                reason=f"{ACTION}：{source.path.name} {p.row}行目",
                by=s.user,
                source="自動検出",
            )
        )
    engine.append_rows(REGISTER, added)
    engine.replace_rows(
        MIGRATION, review_rows(source, layout, targets, people, verdicts, decisions, results)
    )
    s.add_changes(history)
    not_added = len(people) - len(added) - len(mine.done)
    s.finish(ACTION, f"{source.path.name}：{len(added)}人を追加、{not_added}人は追加せず", "完了")
    lines = [
        f"移行：{source.path.name} から登録名簿に{len(added)}人を追加しました（追加しなかった人{not_added}人）。",
        "  結果は「移行確認」シートの「結果」列にあります。追加した人は「チェック」で確認し、"
        "登録の条件がそろったら「採番」で登録番号を付けてください。",
    ]
    return Result("migrate", lines, counts={"added": len(added), "not_added": not_added})
