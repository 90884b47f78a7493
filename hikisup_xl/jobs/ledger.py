"""The jobs on the workbook's own tables, on any engine: チェック, 採番, 期限確認."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from ..core import schema
from ..core.book import Period
from ..core.eligibility import RegistrationGate
from ..core.expiry import (
    in_worklist,
    is_short,
    periods_due,
    registration_state,
    short_period_message,
)
from ..core.insurance import insurance, renewal_year
from ..core.issues import ERROR, Issue, sort_key
from ..core.numbering import assign_numbers
from ..core.rules import run_rules
from ..core.schema import ACTIVE_STATES
from ..core.tidy import reading_mismatches
from ..core.wareki import fiscal_year_label
from ..engine.protocol import Engine, Link
from ..session import Session
from .result import Result
from .tidy import READING_TABLES

# The data tables each job reads (Session adds the register and 登録期間履歴 it needs itself);
# check reads every one, as every table's cells are checked.
NUMBER_TABLES = ("trainees", "register", "periods", "changes")
EXPIRIES_TABLES = ("register", "periods", "insurance")  # 保険: the spring list (#13)


def _issue_rows(issues: list[Issue]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for i in issues:
        link = Link(f"{i.sheet}!{i.cell}", f"'{i.sheet}'!{i.cell}") if i.cell else None
        rows.append(
            schema.ISSUES.row(
                severity=i.severity,
                sheet=i.sheet,
                row=i.row,
                column=i.column,
                value=i.value,
                message=i.message,
                code=i.code,
                link=link,
            )
        )
    return rows


def check(engine: Engine, today: dt.date) -> Result:
    """Every rule over every table; all issues go to チェック結果 with a link to each cell."""
    s = Session(engine, today)
    issues = run_rules(s.book)
    for key in READING_TABLES:  # the reading the IME kept with each name (#13)
        table = s.book[key]
        issues += reading_mismatches(table, engine.read_readings(table.raw, "name"))
    issues.sort(key=sort_key)
    errors = sum(1 for i in issues if i.severity == ERROR)
    warnings = len(issues) - errors
    engine.replace_rows(schema.ISSUES, _issue_rows(issues))
    summary = f"エラー{errors}件、警告{warnings}件"
    s.finish("チェック", summary, "問題なし" if not issues else "チェック結果シートを確認")
    by_sheet = Counter(i.sheet for i in issues)
    lines = [f"チェック完了：{summary}"]
    lines += [f"  {sheet}: {n}件" for sheet, n in sorted(by_sheet.items())]
    if issues:
        lines.append(
            "詳しくは「チェック結果」シートを見てください（各行から該当セルへ移動できます）。"
        )
    return Result("check", lines, issues, {"errors": errors, "warnings": warnings})


def number(engine: Engine, today: dt.date) -> Result:
    """修了番号 for completed trainees, 登録番号 for approved registrations; never reused."""
    s = Session(engine, today, tables=NUMBER_TABLES)
    st = s.settings
    trainees, reg = s.book["trainees"], s.book["register"]

    wanted_cert = [
        done is not None and att != "欠席"
        for done, att in zip(trainees.dates("completed"), trainees.texts("attendance"), strict=True)
    ]
    certs, next_cert = assign_numbers(
        trainees.texts("cert_no"), wanted_cert, st.next_cert_no, st.cert_prefix, st.cert_digits
    )
    for i, no in certs.items():
        s.set("trainees", i, "cert_no", no)

    gate = RegistrationGate(s.book, certs)
    wanted_reg = [gate.may_register(i) for i in range(len(reg))]
    held_back = [
        i
        for i, (decided, no) in enumerate(
            zip(reg.dates("approved"), reg.texts("reg_no"), strict=True)
        )
        if decided is not None and no is None and not wanted_reg[i]
    ]
    used_elsewhere = [*s.book["periods"].texts("reg_no"), *s.book["changes"].texts("reg_no")]
    regs, next_reg = assign_numbers(
        reg.texts("reg_no"),
        wanted_reg,
        st.next_reg_no,
        st.reg_prefix,
        st.reg_digits,
        used_elsewhere,
    )
    for i, new_no in regs.items():
        s.set("register", i, "reg_no", new_no)
    due = _fill_periods(s, regs)
    filled_periods = len(due)
    for i in sorted({*regs, *due}):
        end = due[i][1] if i in due else reg.dates("period_end")[i]
        reg_no = regs.get(i) or reg.texts("reg_no")[i]
        s.set(
            "register",
            i,
            "state",
            registration_state(reg_no, end, reg.texts("state")[i], today, st.warn_days),
        )
    if next_cert != st.next_cert_no:
        s.set_setting("next_cert_no", next_cert)
    if next_reg != st.next_reg_no:
        s.set_setting("next_reg_no", next_reg)
    issues = [
        reg.issue(
            i,
            "approved",
            "number.held_back",
            "登録決定日がありますが、登録番号を付けていません：" + gate.held_back_reason(i),
        )
        for i in held_back
    ]
    counts = f"修了番号{len(certs)}件、登録番号{len(regs)}件"
    s.finish("採番", counts, f"保留{len(held_back)}件" if held_back else "完了")
    lines = [f"採番完了：{counts}を新しく付けました。"]
    if filled_periods:
        lines.append(
            f"  登録期間を設定の決め方（{st.period_rule}）で{filled_periods}件入力しました。"
        )
    if held_back:
        lines.append(
            f"  条件がそろわず保留：{len(held_back)}件（登録名簿の該当行を確認してください）"
        )
    lines += _short_periods(s, due)
    return Result(
        "number",
        lines,
        issues,
        {"cert_no": len(certs), "reg_no": len(regs), "held_back": len(held_back)},
    )


def expiries(engine: Engine, today: dt.date) -> Result:
    """Recompute 状態 as of `today` and list who expires within the warning window; from 3/1
    to 4/30 also the active supporters not yet insured for the new 年度 (#13)."""
    s = Session(engine, today, tables=EXPIRIES_TABLES)
    st = s.settings
    reg = s.book["register"]
    changed = Counter[str]()
    work: list[tuple[object, ...]] = []
    due = _fill_periods(s, {})
    ends = [due[i][1] if i in due else end for i, end in enumerate(reg.dates("period_end"))]
    new_fy = renewal_year(today)
    insured = insurance(s.book).insured(new_fy) if new_fy is not None else set()
    uninsured = 0
    for i, (no, end, state) in enumerate(
        zip(reg.texts("reg_no"), ends, reg.texts("state"), strict=True)
    ):
        # A supporter received on a roster is registered with the sender (提供元の登録番号).
        holder = no or reg.texts("source_no")[i]
        new = registration_state(holder, end, state, today, st.warn_days)
        if new != state and not (no is None and state is None):
            s.set("register", i, "state", new)
            changed[str(new)] += 1
        expiring = bool(no and end and in_worklist(end, new, today, st.warn_days))
        note = None
        if new_fy is not None and no and new in ACTIVE_STATES and no not in insured:
            note = f"{fiscal_year_label(new_fy)}のボランティア活動保険に未加入"
            uninsured += 1
        if expiring or note:
            work.append(
                schema.EXPIRING.row(
                    as_of=today,
                    reg_no=no,
                    name=reg.texts("name")[i],
                    state=new,
                    period_end=end,
                    days_left=(end - today).days if end else None,
                    # only the listed rows' numbers are typed (phonenumbers)
                    phone=reg.value_at("phone", i),
                    mobile=reg.value_at("mobile", i),
                    email=reg.texts("email")[i],
                    note=note,
                )
            )
    end_at, no_at = (schema.EXPIRING.column_number(k) - 1 for k in ("period_end", "reg_no"))
    work.sort(key=lambda r: (r[end_at] or dt.date.max, str(r[no_at])))
    engine.replace_rows(schema.EXPIRING, work)
    counts = f"状態の変更{sum(changed.values())}件、期限一覧{len(work)}人"
    if new_fy is not None:
        counts += f"（うち{fiscal_year_label(new_fy)}の保険に未加入{uninsured}人）"
    s.finish("期限確認", counts, f"基準日 {today:%Y/%m/%d}")
    lines = [f"期限確認（基準日 {today:%Y/%m/%d}）：{counts}"]
    lines += [f"  {state}になった人：{n}人" for state, n in sorted(changed.items())]
    if work:
        lines.append(
            f"「期限一覧」シートに {st.warn_days} 日以内に期限を迎える（または迎えた）人を書き出しました。"
        )
    if uninsured:
        lines.append(
            f"  {fiscal_year_label(new_fy or 0)}のボランティア活動保険に未加入の人を「確認事項」に示しました"
            "（加入したら「保険加入」シートに入力してください）。"
        )
    if due:
        lines.append(f"  登録期間を設定の決め方（{st.period_rule}）で{len(due)}件入力しました。")
    lines += _short_periods(s, due)
    counted = {
        "changed": sum(changed.values()),
        "worklist": len(work),
        "periods": len(due),
        "uninsured": uninsured,
    }
    return Result("expiries", lines, [], counted)


def _fill_periods(s: Session, numbers: dict[int, str]) -> dict[int, Period]:
    """Give every registered row that needs one its period by the 設定's rule (#11)."""
    due = periods_due(s.book, numbers)
    for i, (start, end) in due.items():
        s.set("register", i, "period_start", start)
        s.set("register", i, "period_end", end)
    return due


def _short_periods(s: Session, due: dict[int, Period]) -> list[str]:
    """A warning line for each period just filled in that is suspiciously short."""
    reg = s.book["register"]
    return [
        f"  [警告] {reg.issue(i, 'period_end', 'period.short', '').location()}: "
        + short_period_message(a, b, s.settings)
        for i, (a, b) in due.items()
        if is_short(a, b)
    ]


ActionFn = Callable[[Engine, dt.date], Result]
ACTIONS: dict[str, ActionFn] = {"check": check, "number": number, "expiries": expiries}
