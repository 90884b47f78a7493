"""Read an exchange file that came from elsewhere, without trusting it.

Nothing is parsed before the file has passed every check: size on disk, password (an
encrypted file is decrypted in memory only), zip structure (part count, sizes, compression
ratio), the hostile-file gate every reader shares (engine/gate.py: part names, macros, DTDs,
the only way to an entity-expansion bomb), and the real extent of every sheet (a single cell at XFD1048576 would make a reader allocate the whole
grid). Only then python-calamine reads the cells. Every refusal is a HikisupError in Japanese.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..core.errors import HikisupError
from ..core.grid import col_index
from ..engine.gate import hostile_reason
from ..engine.safety import MAX_RATIO, OLE_MAGIC
from ..files.fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    M_CHECKSUM,
    M_FORMAT,
    M_KIND,
    M_ROWS,
    M_VERSION,
    MANIFEST_HEADERS,
    MANIFEST_SHEET,
    canonical,
    checksum,
)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PARTS = 500
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
RATIO_MIN_BYTES = 1024 * 1024  # tiny parts compress very well and harm nobody
MAX_ROWS = 100_000
MAX_COLS = 200
MAX_CELLS = 5_000_000  # rows x columns of the grid a reader would allocate
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


@dataclass(slots=True)
class ExchangeFile:
    path: Path
    kind: str
    manifest: dict[str, object]
    sheets: dict[str, list[list[object]]] = field(default_factory=dict)
    encrypted: bool = False

    def text(self, label: str) -> str:
        return canonical(self.manifest.get(label)).strip()


def _refuse(path: Path, reason: str) -> HikisupError:
    return HikisupError(f"「{path.name}」は読み込めません：{reason}")


def _decrypt(path: Path, data: bytes, password: str | None) -> bytes:
    import msoffcrypto
    from msoffcrypto import exceptions

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except Exception:
        raise _refuse(path, "Excelブック（.xlsx）ではありません。") from None
    if not encrypted or type(office).__name__ != "OOXMLFile":
        raise _refuse(
            path,
            "古い形式（.xls など）のファイルです。Excelで .xlsx 形式で保存し直してもらってください。",
        )
    if not password:
        raise _refuse(
            path,
            "パスワードで暗号化されています。提供元から伝えられたパスワードを --password で指定してください。",
        )
    out = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(out)
    except exceptions.InvalidKeyError:
        raise _refuse(path, "パスワードが違います。提供元に確認してください。") from None
    except Exception:
        raise _refuse(
            path, "暗号化されたファイルを復号できません（壊れている可能性があります）。"
        ) from None
    return out.getvalue()


def _check_extent(path: Path, zf: zipfile.ZipFile, name: str) -> None:
    """Walk one sheet's XML (streamed) and refuse it if its grid would be too large."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    row = col = max_row = max_col = cells = rows = 0
    too_big = _refuse(path, "シートが大きすぎます（名簿や集計のファイルではありません）。")

    def events() -> Iterator[tuple[str, ET.Element]]:
        with zf.open(name) as fh:
            while chunk := fh.read(1 << 16):
                parser.feed(chunk)
                for pair in parser.read_events():
                    event, elem = cast("tuple[str, object]", pair)
                    if isinstance(elem, ET.Element):
                        yield event, elem
        parser.close()

    try:
        for event, elem in events():
            tag = elem.tag.rpartition("}")[2]
            if event == "end":
                if tag == "row":
                    elem.clear()
                continue
            if tag == "row":
                rows += 1
                r = elem.get("r")
                row = int(r) if r is not None and r.isdigit() else row + 1
                col = 0
            elif tag == "c":
                cells += 1
                ref = elem.get("r")
                m = _CELL_REF.fullmatch(ref) if ref else None
                if m:
                    col = col_index(m[1])
                    row = max(row, int(m[2]))
                else:
                    col += 1
                max_col = max(max_col, col)
            else:
                continue
            max_row = max(max_row, row)
            if rows > MAX_ROWS or max_row > MAX_ROWS or max_col > MAX_COLS:
                raise too_big
            if cells > MAX_CELLS or max_row * max_col > MAX_CELLS:
                raise too_big
    except ET.ParseError:
        raise _refuse(path, "シートのXMLが壊れています。") from None


def check_package(path: Path, data: bytes) -> None:
    """Every structural check on the (decrypted) zip; raises on the first failure."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(path, "壊れているか、Excelブック（.xlsx）ではありません。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if len(infos) > MAX_PARTS:
                raise _refuse(path, "中身の部品が多すぎます。")
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise _refuse(
                    path, "Excelブック（.xlsx）ではありません（workbook.xml がありません）。"
                )
            total = 0
            for info in infos:
                total += info.file_size
                ratio_bad = (
                    info.file_size > RATIO_MIN_BYTES
                    and info.compress_size
                    and info.file_size / info.compress_size > MAX_RATIO
                )
                if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or ratio_bad:
                    raise _refuse(
                        path,
                        f"中身が異常に大きく展開されます（{info.filename}）。安全のため開きません。",
                    )
            reason = hostile_reason(zf)  # the gate every reader passes (names, macros, DTDs)
            if reason is not None:
                raise _refuse(path, reason)
            for n in sorted(names):
                if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                    _check_extent(path, zf, n)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise _refuse(path, f"ファイルが壊れています（{type(exc).__name__}）。") from None


def read_bytes(path: Path, password: str | None) -> tuple[bytes, bool]:
    """The file's .xlsx bytes (decrypted when needed) after every check."""
    if not path.exists():
        raise HikisupError(f"ファイル「{path}」が見つかりません。")
    if path.is_dir():
        raise HikisupError(f"「{path}」はフォルダーです。.xlsx ファイルを指定してください。")
    if path.suffix.lower() != ".xlsx":
        raise _refuse(path, ".xlsx ファイルではありません。")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"ファイルが大きすぎます（{size // (1024 * 1024)} MB）。")
    data = path.read_bytes()
    encrypted = data[:8] == OLE_MAGIC
    if encrypted:
        data = _decrypt(path, data, password)
    check_package(path, data)
    return data, encrypted


def _rows(book: object, sheet: str) -> list[list[object]]:
    rows: list[list[object]] = book.get_sheet_by_name(sheet).to_python(  # type: ignore[attr-defined]
        skip_empty_area=False
    )
    return rows


def read_exchange(
    path: Path,
    password: str | None,
    data_sheets: dict[str, Sequence[str]],
) -> ExchangeFile:
    """Open an exchange file of one of the kinds in `data_sheets` (kind -> its data sheets).

    The manifest must name the format and a known kind, the data sheets must exist and the
    checksum in the manifest must match the rows of the first data sheet.
    """
    from python_calamine import CalamineWorkbook

    data, encrypted = read_bytes(path, password)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        if MANIFEST_SHEET not in names:
            raise _refuse(
                path,
                f"hikisup の交換ファイルではありません（「{MANIFEST_SHEET}」シートがありません）。",
            )
        manifest_rows = _rows(book, MANIFEST_SHEET)
        if not manifest_rows or [canonical(v) for v in manifest_rows[0][:2]] != list(
            MANIFEST_HEADERS
        ):
            raise _refuse(path, f"「{MANIFEST_SHEET}」シートの形が違います。")
        manifest = {
            canonical(r[0]).strip(): (r[1] if len(r) > 1 else None)
            for r in manifest_rows[1:]
            if r and canonical(r[0]).strip()
        }
        exchange = ExchangeFile(path, "", manifest, encrypted=encrypted)
        if exchange.text(M_FORMAT) != FORMAT_NAME:
            raise _refuse(path, "hikisup の交換ファイルではありません。")
        if exchange.text(M_VERSION) != FORMAT_VERSION:
            raise _refuse(
                path,
                f"形式の版「{exchange.text(M_VERSION)}」には対応していません。hikisup を更新してください。",
            )
        kind = exchange.text(M_KIND)
        if kind not in data_sheets:
            wanted = "・".join(data_sheets)
            raise _refuse(path, f"種別が「{kind}」のファイルです（ここでは{wanted}が必要です）。")
        exchange.kind = kind
        for sheet in data_sheets[kind]:
            if sheet not in names:
                raise _refuse(path, f"「{sheet}」シートがありません。")
            exchange.sheets[sheet] = _rows(book, sheet)
    except HikisupError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged parts
        raise _refuse(path, f"内容を読み取れません（{type(exc).__name__}）。") from None
    first = exchange.sheets[data_sheets[kind][0]]
    rows = [r for r in first[1:] if any(canonical(v) for v in r)]
    if not first or checksum(first[0], rows) != exchange.text(M_CHECKSUM):
        raise _refuse(
            path,
            "チェックサムが一致しません。作成後に内容が書き換えられたか、壊れています。"
            "提供元に作り直してもらってください。",
        )
    if exchange.text(M_ROWS) != str(len(rows)):
        raise _refuse(path, "提供情報の行数と実際の行数が一致しません。")
    return exchange


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(len(OLE_MAGIC))


def read_any_workbook(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Every sheet's cells (name, rows) of a workbook from elsewhere that is not an exchange
    file (an office's own list): the same checks first; no password (a protected list is
    refused: the clerk removes the password in Excel)."""
    from python_calamine import CalamineWorkbook

    if path.is_file() and _head(path) == OLE_MAGIC:
        raise _refuse(
            path,
            "パスワードで保護されているか、古い形式（.xls）のファイルです。"
            "Excelで開き、パスワードを外して .xlsx 形式で保存し直してください。",
        )
    data, _ = read_bytes(path, None)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [(name, _rows(book, name)) for name in book.sheet_names]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's errors, and its panics (a BaseException)
        raise _refuse(path, f"内容を読み取れません（{type(exc).__name__}）。") from None
