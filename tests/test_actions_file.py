"""The actions on real .xlsx files, through the CLI and the file engine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import (
    TODAY,
    World,
    base_world,
    invoke,
    sheet_values,
    table_rows,
    world_rows,
    write_workbook,
)
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.engine.files import FileEngine, save_atomic
from hikisup_xl.engine.safety import backup_path
from hikisup_xl.jobs import ledger as actions

D = dt.date
DAY = "2026-11-26"


def _as_date(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def _settings_value(path: Path, label: str) -> object:
    for item, value, _note in table_rows_raw(path, "設定"):
        if item == label:
            return value
    raise KeyError(label)


def table_rows_raw(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return [r for r in sheet_values(path)[sheet][1:] if any(v is not None for v in r)]


def numbering_world() -> World:
    """001 is registered; 佐藤 completed and is approved; 鈴木 completes but lacks consent."""
    w = base_world()
    w["trainees"] += [
        {
            "training_id": "T1",
            "name": "佐藤　花子",
            "kana": "さとう　はなこ",
            "birth": D(1985, 1, 2),
            "attendance": "出席",
            "completed": D(2025, 7, 10),
        },
        {
            "training_id": "T1",
            "name": "鈴木　一郎",
            "kana": "すずき　いちろう",
            "birth": D(1970, 3, 3),
            "attendance": "出席",
            "completed": D(2025, 7, 10),
        },
        {
            "training_id": "T1",
            "name": "高橋　健",
            "kana": "たかはし　けん",
            "birth": D(1990, 6, 6),
            "attendance": "欠席",
            "completed": None,
        },
    ]
    applicant = {
        "address": "架空市北町2",
        "mobile": "090-1111-2222",
        "approved": D(2026, 11, 1),
        "consent": D(2026, 10, 20),
        "issued": D(2026, 11, 10),
        "state": "申込中",
    }
    w["register"] += [
        {
            **applicant,
            "name": "佐藤　花子",
            "kana": "さとう　はなこ",
            "birth": D(1985, 1, 2),
            "cert_no": "002",
        },
        {
            **applicant,
            "name": "鈴木　一郎",
            "kana": "すずき　いちろう",
            "birth": D(1970, 3, 3),
            "cert_no": "003",
            "consent": None,
        },
    ]
    return w


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "サポーター.xlsx", world_rows(numbering_world()))


def test_number_issues_numbers_periods_and_settings(book: Path) -> None:
    result = invoke("number", book, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "修了番号2件、登録番号1件" in result.stdout
    assert "[保留]" in result.stdout  # 鈴木: no 同意書 yet

    trainees = table_rows(book, schema.TRAINEES)
    assert [t["cert_no"] for t in trainees] == ["001", "002", "003", None]  # 欠席: no number

    reg = table_rows(book, schema.REGISTER)
    assert [r["reg_no"] for r in reg] == ["001", "002", None]
    sato = reg[1]
    assert _as_date(sato["period_start"]) == D(2026, 11, 10)
    assert _as_date(sato["period_end"]) == D(2028, 11, 9)  # 交付日から2年
    assert sato["state"] == "登録中"
    assert reg[2]["state"] == "申込中"

    assert _settings_value(book, "次の登録番号") == 3
    assert _settings_value(book, "次の修了番号") == 4

    periods = table_rows(book, schema.PERIODS)
    assert [(p["reg_no"], p["kind"]) for p in periods] == [("001", "新規"), ("002", "新規")]
    assert _as_date(periods[1]["period_end"]) == D(2028, 11, 9)
    assert _as_date(periods[1]["recorded"]) == TODAY


def test_number_with_prefix_and_digits(tmp_path: Path) -> None:
    from hikisup_xl.core.settings import Settings

    w = numbering_world()
    w["register"][0]["reg_no"] = "R-0001"
    w["periods"][0]["reg_no"] = "R-0001"
    for key in ("dispatches", "reports", "followup", "changes"):
        w[key][0]["reg_no"] = "R-0001"
    path = write_workbook(
        tmp_path / "p.xlsx", world_rows(w), Settings(reg_prefix="R-", reg_digits=4)
    )
    assert invoke("number", path, "--today", DAY).exit_code == 0
    assert [r["reg_no"] for r in table_rows(path, schema.REGISTER)] == ["R-0001", "R-0002", None]


def test_number_twice_changes_nothing(book: Path) -> None:
    assert invoke("number", book, "--today", DAY).exit_code == 0
    first = sheet_values(book, skip=("操作履歴",))
    result = invoke("number", book, "--today", DAY)
    assert result.exit_code == 0
    assert "修了番号0件、登録番号0件" in result.stdout
    assert sheet_values(book, skip=("操作履歴",)) == first


def test_number_through_the_file_engine(book: Path) -> None:
    result = actions.number(FileEngine(book), TODAY)
    assert result.counts == {"cert_no": 2, "reg_no": 1, "held_back": 1}
    (held,) = result.issues
    assert (held.code, held.sheet, held.row) == ("number.held_back", "登録名簿", 4)
    assert actions.number(FileEngine(book), TODAY).counts == {
        "cert_no": 0,
        "reg_no": 0,
        "held_back": 1,
    }


def _delete_rows_naming(path: Path, number: str) -> None:
    """A clerk deletes every row that mentions 登録番号 `number`, in every sheet."""
    wb = load_workbook(path)
    for spec in (schema.REGISTER, schema.PERIODS, schema.CHANGES):
        ws = wb[spec.sheet]
        col = spec.columns.index(spec.col("reg_no")) + 1
        for r in range(ws.max_row, 1, -1):
            if ws.cell(row=r, column=col).value == number:
                ws.delete_rows(r)
    save_atomic(wb, path, keep_backup=False)


def _fill(path: Path, sheet: str, row: int, header: str, value: object) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=col, value=value)
    save_atomic(wb, path, keep_backup=False)


def test_deleted_number_is_never_reused(book: Path) -> None:
    assert invoke("number", book, "--today", DAY).exit_code == 0
    _delete_rows_naming(book, "002")
    reg = table_rows(book, schema.REGISTER)
    assert [r["reg_no"] for r in reg] == ["001", None]
    _fill(book, "登録名簿", 3, "同意書受領日", dt.datetime(2026, 11, 20))  # 鈴木 now consents
    assert invoke("number", book, "--today", DAY).exit_code == 0
    assert [r["reg_no"] for r in table_rows(book, schema.REGISTER)] == ["001", "003"]
    assert _settings_value(book, "次の登録番号") == 4


def test_row_typed_below_the_table_is_numbered(book: Path) -> None:
    wb = load_workbook(book)
    ws = wb["登録名簿"]
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value)
    spec = schema.REGISTER
    # 鈴木's unfinished row is left without its 修了番号 and typed again, complete, below.
    ws.cell(row=last, column=spec.column_number("cert_no")).value = None
    new = {
        "kana": "すずき いちろう",
        "name": "鈴木 一郎",
        "birth": dt.datetime(1970, 3, 3),
        "address": "架空市",
        "cert_no": "003",  # issued to 鈴木 by this same run
        "approved": dt.datetime(2026, 11, 1),
        "consent": dt.datetime(2026, 11, 1),
    }
    for key, value in new.items():
        ws.cell(row=last + 1, column=spec.columns.index(spec.col(key)) + 1, value=value)
    save_atomic(wb, book, keep_backup=False)
    assert invoke("number", book, "--today", DAY).exit_code == 0
    assert table_rows(book, schema.REGISTER)[-1]["reg_no"] == "003"


# ------------------------------------------------------------------------------- expiries


def expiry_world() -> World:
    w = base_world()
    w["register"][0]["period_end"] = D(2027, 1, 26)  # 61 days left: still 登録中
    template = dict(w["register"][0])
    rows = [
        ("002", "いとう　けん", "伊藤　健", D(2027, 1, 25), "登録中"),  # 60 days: 期限間近
        ("003", "かとう　ゆみ", "加藤　由美", D(2026, 11, 25), "登録中"),  # yesterday: 期限切れ
        ("004", "おの　まこと", "小野　誠", D(2026, 9, 1), "期限間近"),  # long expired
        ("005", "しみず　ようこ", "清水　陽子", D(2026, 12, 1), "辞退"),  # decision kept
    ]
    for no, kana, name, end, state in rows:
        w["register"].append(
            {
                **template,
                "reg_no": no,
                "kana": kana,
                "name": name,
                "period_end": end,
                "state": state,
            }
        )
    w["register"][-1].update(ended=D(2026, 10, 1), ended_reason="転居")
    return w


def test_expiries_sets_states_and_writes_the_worklist(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "e.xlsx", world_rows(expiry_world()))
    result = invoke("expiries", path, "--today", DAY)
    assert result.exit_code == 0, result.output
    states = {r["reg_no"]: r["state"] for r in table_rows(path, schema.REGISTER)}
    assert states == {
        "001": "登録中",
        "002": "期限間近",
        "003": "期限切れ",
        "004": "期限切れ",
        "005": "辞退",
    }
    work = table_rows(path, schema.EXPIRING)
    assert [(w["reg_no"], w["state"], w["days_left"]) for w in work] == [
        ("003", "期限切れ", -1),
        ("002", "期限間近", 60),
    ]
    assert {_as_date(w["as_of"]) for w in work} == {TODAY}
    assert work[1]["name"] == "伊藤　健"
    assert work[1]["mobile"] == "090-1234-5678"


def test_expiries_replaces_the_previous_worklist(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "e.xlsx", world_rows(expiry_world()))
    assert invoke("expiries", path, "--today", DAY).exit_code == 0
    assert invoke("expiries", path, "--today", "2027-10-01").exit_code == 0
    assert table_rows(path, schema.EXPIRING) == []  # everyone expired long ago by then


# ---------------------------------------------------------------------------------- check


def _with(**changes: object) -> World:
    w = base_world()
    w["register"][0].update(changes)
    return w


def test_check_writes_issues_with_links_and_exits_1(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "c.xlsx", world_rows(_with(postal="400-003")))
    result = invoke("check", path, "--today", DAY)
    assert result.exit_code == 1, result.output
    assert "エラー1件" in result.stdout
    assert "登録名簿 2行目「郵便番号」" in result.stdout

    issues = table_rows(path, schema.ISSUES)
    assert [(i["severity"], i["sheet"], i["row"], i["column"], i["code"]) for i in issues] == [
        ("エラー", "登録名簿", 2, "郵便番号", "format.postal")
    ]
    assert issues[0]["value"] == "400-003"
    wb = load_workbook(path)
    ws = wb["チェック結果"]
    link_col = [c.value for c in ws[1]].index("場所") + 1
    link = ws.cell(row=2, column=link_col)
    assert link.hyperlink is not None
    assert link.hyperlink.location == "'登録名簿'!F2"
    target = wb["登録名簿"]["F2"]
    assert target.value == "400-003"  # the link points at the offending cell


def test_check_clean_exits_0_and_clears_old_results(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "c.xlsx", world_rows(_with(postal="400-003")))
    assert invoke("check", path, "--today", DAY).exit_code == 1
    _fill(path, "登録名簿", 2, "郵便番号", "400-0031")
    result = invoke("check", path, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "エラー0件、警告0件" in result.stdout
    assert table_rows(path, schema.ISSUES) == []


def test_check_with_warnings_only_exits_0(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "c.xlsx", world_rows(_with(mobile="０９０－１２３４－５６７８"))
    )
    result = invoke("check", path, "--today", DAY)
    assert result.exit_code == 0
    assert [i["severity"] for i in table_rows(path, schema.ISSUES)] == ["警告"]


def test_check_json_lists_the_issues(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "c.xlsx", world_rows(_with(postal="400-003", kana="山田")))
    result = invoke("check", path, "--today", DAY, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    found = {(d["code"], d["sheet"], d["row"], d["column"], d["cell"]) for d in data}
    assert found == {
        ("format.postal", "登録名簿", 2, "郵便番号", "F2"),
        ("format.kana", "登録名簿", 2, "ふりがな", "B2"),
    }
    assert all(d["severity"] == "エラー" and d["message"] for d in data)


# ---------------------------------------------------------------------------- the records


def test_each_action_appends_one_log_row(book: Path) -> None:
    for verb in ("number", "expiries", "check"):
        assert invoke(verb, book, "--today", DAY).exit_code in (0, 1)
    log = table_rows(book, schema.LOG)
    assert [entry["action"] for entry in log] == ["採番", "期限確認", "チェック"]
    assert {entry["file"] for entry in log} == {book.name}
    assert all(isinstance(entry["at"], dt.datetime) for entry in log)
    assert all(entry["user"] for entry in log)


def test_hand_edit_between_runs_is_recorded(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "h.xlsx", world_rows(base_world()))
    assert invoke("check", path, "--today", DAY).exit_code == 0
    before = table_rows(path, schema.CHANGES)
    _fill(path, "登録名簿", 2, "住所", "架空市南新町5")
    assert invoke("check", path, "--today", DAY).exit_code == 0
    new = table_rows(path, schema.CHANGES)[len(before) :]
    assert [
        (_as_date(c["date"]), c["reg_no"], c["item"], c["before"], c["after"], c["source"])
        for c in new
    ] == [(TODAY, "001", "住所", "架空市中央一丁目1-1", "架空市南新町5", "自動検出")]
    assert invoke("check", path, "--today", DAY).exit_code == 0
    assert len(table_rows(path, schema.CHANGES)) == len(before) + 1  # recorded once


def test_backup_holds_the_previous_version(book: Path) -> None:
    original = book.read_bytes()
    backup = backup_path(book)
    assert backup.name == "サポーター.bak.xlsx"
    assert not backup.exists()
    assert invoke("number", book, "--today", DAY).exit_code == 0
    assert backup.read_bytes() == original
    after_first = book.read_bytes()
    assert after_first != original
    assert invoke("check", book, "--today", DAY).exit_code in (0, 1)
    assert backup.read_bytes() == after_first


def test_number_with_a_card_issued_near_year_9999_does_not_crash(tmp_path: Path) -> None:
    w = numbering_world()
    w["register"][1]["issued"] = D(9998, 11, 10)  # a mistyped year: 2 years later is past 9999
    path = write_workbook(tmp_path / "y.xlsx", world_rows(w))
    result = invoke("number", path, "--today", DAY)
    assert "予期しない" not in result.output
    assert result.exit_code in (0, 2), result.output
