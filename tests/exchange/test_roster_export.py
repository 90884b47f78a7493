"""export-roster: only the allowlist leaves, only for consenting supporters, logged, encryptable."""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import pytest
from conftest import base_world, sheet_values, world_rows
from python_calamine import CalamineWorkbook
from roster_helpers import (
    PREFECTURE,
    decrypt,
    export,
    import_,
    rows_of,
    supporter,
    workbook,
    zip_parts,
)

from hikisup_xl.core import schema
from hikisup_xl.engine.files import save_atomic
from hikisup_xl.exchange.allowlist import EXCLUDED, ROSTER_FIELDS, ROSTER_HEADERS
from hikisup_xl.files.fileformat import MANIFEST_SHEET, ROSTER_SHEET, checksum
from hikisup_xl.template import build_workbook

SENSITIVE = (schema.CASES, schema.DISPATCHES, schema.REPORTS)
# Register columns that must stay at home, with a sentinel each.
HOME_ONLY = ("motive", "memo", "ended_reason", "applied", "interview", "approved", "reconfirmed")


def test_every_register_column_is_classified() -> None:
    """A new register column stays at home until someone lists it, with a reason."""
    keys = {c.key for c in schema.REGISTER.columns}
    listed = {f.key for f in ROSTER_FIELDS}
    assert listed | set(EXCLUDED) == keys
    assert not listed & set(EXCLUDED)
    assert all(f.reason for f in ROSTER_FIELDS)


def _sentinel(table: str, key: str, i: int) -> str:
    return f"SNTL{table}{key}{i}秘匿"  # unlike anything the allowlist could carry


def _planted_book(path: Path) -> tuple[Path, list[str]]:
    """base_world with every 当事者/派遣/活動報告 cell and every home-only register cell planted."""
    world = base_world()
    for n in range(3):
        world["cases"].append({"case_id": f"C9{n}"})
        world["dispatches"].append({"dispatch_id": f"D9{n}"})
        world["reports"].append({"report_id": f"R9{n}"})
    world["register"].append(
        supporter(
            "002",
            "佐藤　花子",
            "さとう　はなこ",
            dt.date(1975, 1, 2),
            state="辞退",
            ended=dt.date(2026, 3, 1),
        )
    )
    sentinels: list[str] = []
    for spec in SENSITIVE:
        for i, r in enumerate(world[spec.key]):
            for col in spec.columns:
                r[col.key] = _sentinel(spec.key, col.key, i)
                sentinels.append(r[col.key])  # type: ignore[arg-type]
    for i, r in enumerate(world["register"]):
        for key in HOME_ONLY:
            r[key] = _sentinel("register", key, i)
            sentinels.append(r[key])  # type: ignore[arg-type]
    rows = world_rows(world)
    save_atomic(build_workbook(PREFECTURE, rows), path, keep_backup=False)
    return path, sentinels


def _leaks(data: bytes, sentinels: list[str]) -> list[str]:
    """Sentinels found in the bytes as stored, or in any part inside a zip: as bytes, and as
    text with XML character references resolved (openpyxl writes 秘 as &#31192;)."""
    texts = [data.decode("latin-1")]
    if data[:2] == b"PK":
        for part in zip_parts(data).values():
            texts.append(part.decode("latin-1"))
            texts.append(html.unescape(part.decode("utf-8", "replace")))
    encoded = [(s, s.encode().decode("latin-1")) for s in sentinels]
    return [s for s, raw in encoded if any(s in t or raw in t for t in texts)]


def test_sentinels_never_leave(tmp_path: Path) -> None:
    src, sentinels = _planted_book(tmp_path / "pref.xlsx")
    # the workbook itself holds them: the check below can see a leak
    assert not set(sentinels) - set(_leaks(src.read_bytes(), sentinels))

    plain = tmp_path / "roster.xlsx"
    assert export(src, plain).exit_code == 0
    assert _leaks(plain.read_bytes(), sentinels) == []

    locked = tmp_path / "roster_locked.xlsx"
    result = export(src, locked, "--password", "合言葉-2026")
    assert result.exit_code == 0, result.output
    raw = locked.read_bytes()
    assert _leaks(raw, sentinels) == []
    inner = decrypt(raw, "合言葉-2026")
    assert _leaks(inner, sentinels) == []
    # what was exported is the roster, nothing else
    book = CalamineWorkbook.from_filelike(io.BytesIO(inner))
    assert book.sheet_names == [ROSTER_SHEET, MANIFEST_SHEET]
    assert zip_parts(inner).keys().isdisjoint({"xl/vbaProject.bin"})


def test_roster_holds_consenting_registered_supporters_only(tmp_path: Path) -> None:
    register = [
        supporter("001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1), skills="看護師"),
        supporter("002", "佐藤　花子", "さとう　はなこ", dt.date(1975, 1, 2), consent=None),
        supporter(None, "鈴木　一郎", "すずき　いちろう", dt.date(1970, 3, 3), state="申込中"),
        supporter(
            "004",
            "高橋　健",
            "たかはし　けん",
            dt.date(1985, 4, 4),
            state="取消",
            ended=dt.date(2026, 2, 1),
            ended_reason="調査の結果",
        ),
        supporter(
            "005", "田中　誠", "たなか　まこと", dt.date(1990, 6, 6), consent=dt.date(2027, 1, 1)
        ),
    ]
    src = workbook(tmp_path / "pref.xlsx", register, PREFECTURE)
    out = tmp_path / "roster.xlsx"
    result = export(src, out)
    assert result.exit_code == 0, result.output
    assert "2人（うち辞退・取消1人）" in result.stdout
    assert "同意書受領日なし2人" in result.stdout and "登録番号なし1人" in result.stdout

    values = sheet_values(out)
    header, *rows = values[ROSTER_SHEET]
    assert tuple(header) == ROSTER_HEADERS
    by_no = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert set(by_no) == {"001", "004"}
    assert by_no["001"]["資格・特技"] == "看護師"
    assert by_no["001"]["携帯電話"] == "090-1234-5678"
    revoked = by_no["004"]
    assert revoked["状態"] == "取消" and revoked["辞退・取消日"] is not None
    # a revoked supporter's contact details do not travel, nor does the reason
    assert revoked["携帯電話"] is None and revoked["住所"] is None
    assert "調査の結果" not in str(values)

    manifest = dict(r[:2] for r in values[MANIFEST_SHEET][1:])
    assert manifest["実施主体"] == "架空県"
    assert manifest["種別"] == "サポーター名簿"
    assert manifest["元のファイル"] == "pref.xlsx"
    assert manifest["行数"] == "2"
    assert manifest["チェックサム（SHA-256）"] == checksum(header, rows)


def test_export_is_logged_and_reproducible(tmp_path: Path) -> None:
    register = [supporter("001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1))]
    src = workbook(tmp_path / "pref.xlsx", register, PREFECTURE)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert export(src, first).exit_code == 0
    assert export(src, second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    log = rows_of(src, schema.LOG)
    assert [r["action"] for r in log] == ["名簿書き出し", "名簿書き出し"]
    assert log[0]["result"] == "a.xlsx" and "1人" in str(log[0]["count"])
    from hikisup_xl.applog import log_path

    assert log_path().read_text(encoding="utf-8").count("export-roster") == 2


def test_existing_output_is_never_replaced(tmp_path: Path) -> None:
    src = workbook(tmp_path / "pref.xlsx", [], PREFECTURE)
    out = tmp_path / "roster.xlsx"
    out.write_bytes(b"somebody's file")
    result = export(src, out)
    assert result.exit_code == 2
    assert "すでにあります" in result.stderr
    assert out.read_bytes() == b"somebody's file"


@pytest.fixture
def locked_roster(tmp_path: Path) -> Path:
    register = [
        supporter("001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1)),
        supporter("002", "佐藤　花子", "さとう　はなこ", dt.date(1975, 1, 2)),
    ]
    src = workbook(tmp_path / "pref.xlsx", register, PREFECTURE)
    out = tmp_path / "locked.xlsx"
    assert export(src, out, "--password", "s3cret").exit_code == 0
    return out


def test_encryption_round_trip(locked_roster: Path, tmp_path: Path) -> None:
    data = locked_roster.read_bytes()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Office encrypted package
    inner = decrypt(data, "s3cret")
    book = CalamineWorkbook.from_filelike(io.BytesIO(inner))
    rows = book.get_sheet_by_name(ROSTER_SHEET).to_python()
    assert [r[3] for r in rows[1:]] == ["山田　太郎", "佐藤　花子"]
    city = workbook(tmp_path / "city.xlsx", [], PREFECTURE)
    result = import_(city, locked_roster, "--password", "s3cret")
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in rows_of(city, schema.REGISTER)] == ["山田　太郎", "佐藤　花子"]


def test_wrong_or_missing_password_is_refused_clearly(locked_roster: Path, tmp_path: Path) -> None:
    city = workbook(tmp_path / "city.xlsx", [], PREFECTURE)
    before = city.read_bytes()
    wrong = import_(city, locked_roster, "--password", "guess")
    assert wrong.exit_code == 2
    assert "パスワードが違います" in wrong.stderr
    missing = import_(city, locked_roster)
    assert missing.exit_code == 2
    assert "--password" in missing.stderr and "暗号化" in missing.stderr
    assert city.read_bytes() == before
