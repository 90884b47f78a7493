"""Helpers for the roster exchange tests: two offices' workbooks, their CLI verbs, zip surgery."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import row, write_workbook
from openpyxl import load_workbook

from hikisup_xl.cli import main
from hikisup_xl.core import schema
from hikisup_xl.core.settings import Settings

export_roster_cmd = main.commands["export-roster"]
import_roster_cmd = main.commands["import-roster"]

TODAY = dt.date(2026, 11, 26)
PREFECTURE = Settings(body_name="架空県", body_kind="都道府県", department="障害福祉課")
CITY = Settings(body_name="架空市", department="福祉課")


def supporter(
    no: str | None, name: str, kana: str, birth: dt.date, **extra: object
) -> dict[str, object]:
    """A registered, consenting supporter with a current period (override anything)."""
    values: dict[str, object] = {
        "reg_no": no,
        "name": name,
        "kana": kana,
        "birth": birth,
        "sex": "女",
        "postal": "400-0031",
        "address": "架空市中央一丁目1-1",
        "mobile": "090-1234-5678",
        "cert_no": f"C{no}" if no else None,
        "approved": dt.date(2025, 8, 1),
        "consent": dt.date(2025, 7, 20),
        "issued": dt.date(2025, 8, 10),
        "period_start": dt.date(2025, 8, 10),
        "period_end": dt.date(2027, 8, 9),
        "state": "登録中",
    }
    values.update(extra)
    return values


def workbook(
    path: Path,
    register: list[dict[str, object]],
    settings: Settings,
    **tables: list[dict[str, object]],
) -> Path:
    rows = {"register": [row(schema.REGISTER, **r) for r in register]}
    for key, items in tables.items():
        rows[key] = [row(schema.BY_KEY[key], **r) for r in items]
    return write_workbook(path, rows, settings)


def run(command: object, *args: object) -> Result:
    result = CliRunner().invoke(command, [str(a) for a in args])  # type: ignore[arg-type]
    assert "Traceback" not in result.output, result.output
    return result


def export(src: Path, out: Path, *args: object) -> Result:
    return run(export_roster_cmd, src, out, "--today", TODAY.isoformat(), *args)


def import_(dst: Path, roster: Path, *args: object, today: dt.date = TODAY) -> Result:
    return run(import_roster_cmd, dst, roster, "--today", today.isoformat(), *args)


def rows_of(path: Path, spec: schema.TableSpec) -> list[dict[str, object]]:
    from conftest import table_rows

    return table_rows(path, spec)


def set_decisions(path: Path, choose: Callable[[dict[str, object]], str | None]) -> int:
    """Type a 判断 into 取込確認 rows, as staff would; returns how many were set."""
    wb = load_workbook(path)
    ws = wb[schema.IMPORT_REVIEW.sheet]
    headers = [c.value for c in ws[1]]
    by_key = {c.key: headers.index(c.header) for c in schema.IMPORT_REVIEW.columns}
    n = 0
    for cells in ws.iter_rows(min_row=2):
        values = {key: cells[pos].value for key, pos in by_key.items()}
        if not any(values.values()):
            continue
        decision = choose(values)
        if decision:
            cells[by_key["decision"]].value = decision
            n += 1
    wb.save(path)
    return n


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rewrite(
    src: Path, dst: Path, edits: Mapping[str, bytes | Callable[[bytes], bytes] | None]
) -> Path:
    """A copy of a zip with some parts replaced, transformed, added or (None) removed."""
    parts = zip_parts(src.read_bytes())
    for name, edit in edits.items():
        if edit is None:
            parts.pop(name, None)
        elif callable(edit):
            parts[name] = edit(parts[name])
        else:
            parts[name] = edit
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return dst


def decrypt(data: bytes, password: str) -> bytes:
    import msoffcrypto

    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password, verify_password=True)
    out = io.BytesIO()
    office.decrypt(out)
    return out.getvalue()
