"""Read an exchange file that came from elsewhere, without trusting it.

Nothing is parsed before the file has passed every check: size on disk, password (an
encrypted file is decrypted in memory only), zip structure (part count, sizes, compression
ratio), the hostile-file gate every reader shares (engine/gate.py: part names, macros, DTDs,
the only way to an entity-expansion bomb), and the real extent of every sheet (a single cell at XFD1048576 would make a reader allocate the whole
grid). Only then python-calamine reads the cells. Every refusal is a HikisupError in Japanese.
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from xml.parsers import expat

from ..core.errors import HikisupError
from ..core.grid import col_index
from ..engine.gate import hostile_reason
from ..engine.safety import MAX_RATIO, OLE_MAGIC
from .fileformat import (
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


# A start tag of a row or cell, prefixed or not, with its attributes (quoted values may hold
# '>'). In well-formed XML (expat checks that alongside) every such tag matches this pattern,
# so a scan of the bytes sees every row and cell a reader will; a match inside a comment only
# ever overcounts, which refuses sooner, never later.
_START_TAG = re.compile(
    rb"<(?:[^\s=<>/:!?]+:)?(row|c)((?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>"
)
_R_ATTR = re.compile(rb"(?<![^\s])r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CHUNK = 1 << 20
WHOLE_PART_BYTES = 16 * 1024 * 1024  # a sheet up to this size is scanned in one piece
# Every row/cell tag, and those whose first attribute is a plain r (as Excel, LibreOffice and
# openpyxl write them). When the counts agree, the extent is plain maxima over the refs. The
# patterns start with a literal, so the regex engine skips ahead in C; a prefixed tag
# (<x:c ...>) sends the sheet to the tag-by-tag scan instead.
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_ANY_ROW = re.compile(rb"<row[\s/>]")
_ANY_CELL = re.compile(rb"<c[\s/>]")
_ROW_R = re.compile(rb'<row\s+r="([0-9]{1,7})"')
_CELL_R = re.compile(rb'<c\s+r="([A-Z]{1,3})([0-9]{1,7})"')


class _Extent:
    """The grid a reader would allocate for one sheet, counted as its tags go by."""

    def __init__(self, too_big: HikisupError) -> None:
        self.row = self.col = self.max_row = self.max_col = self.cells = self.rows = 0
        self.too_big = too_big

    def row_tag(self, r: str | None) -> None:
        self.rows += 1
        self.row = int(r) if r is not None and r.isdigit() else self.row + 1
        self.col = 0
        self._check()

    def cell_tag(self, ref: str | None) -> None:
        self.cells += 1
        m = _CELL_REF.fullmatch(ref) if ref else None
        if m:
            self.col = col_index(m[1])
            self.row = max(self.row, int(m[2]))
        else:
            self.col += 1
        self.max_col = max(self.max_col, self.col)
        self._check()

    def _check(self) -> None:
        self.max_row = max(self.max_row, self.row)
        if self.rows > MAX_ROWS or self.max_row > MAX_ROWS or self.max_col > MAX_COLS:
            raise self.too_big
        if self.cells > MAX_CELLS or self.max_row * self.max_col > MAX_CELLS:
            raise self.too_big


def _attribute_r(attrs: bytes) -> str | None:
    m = _R_ATTR.search(attrs)
    if m is None:
        return None
    raw = (m[1] if m[1] is not None else m[2]).decode("utf-8", errors="replace")
    return html.unescape(raw) if "&" in raw else raw  # what an XML parser would see


def _scan(extent: _Extent, text: bytes) -> None:
    for m in _START_TAG.finditer(text):
        if m[1] == b"row":
            extent.row_tag(_attribute_r(m[2]))
        else:
            extent.cell_tag(_attribute_r(m[2]))


def _refs_first(text: bytes, extent: _Extent) -> bool:
    """The extent from regex counts alone (loops in C), when every row and cell tag starts
    with its r attribute; False (nothing counted) when one does not."""
    if _PREFIXED.search(text):
        return False
    rows = _ROW_R.findall(text)
    cells = _CELL_R.findall(text)
    if len(rows) != len(_ANY_ROW.findall(text)) or len(cells) != len(_ANY_CELL.findall(text)):
        return False
    extent.rows, extent.cells = len(rows), len(cells)
    extent.row = max(map(int, [*rows, *(d for _c, d in cells)]), default=0)
    extent.col = max((col_index(c.decode()) for c in {c for c, _d in cells}), default=0)
    extent.max_col = extent.col
    extent._check()
    return True


def _check_extent_whole(zf: zipfile.ZipFile, name: str, extent: _Extent) -> None:
    """A sheet of ordinary size: read at once, expat (no handlers: C speed) proves it
    well-formed, regex counts give the extent."""
    data = zf.read(name)
    expat.ParserCreate().Parse(data, True)
    if not _refs_first(data, extent):
        _scan(extent, data)


def _check_extent_fast(zf: zipfile.ZipFile, name: str, extent: _Extent) -> None:
    """A large sheet, streamed: expat proves each chunk well-formed, the tag regex counts
    rows and cells one by one. Cut at the last '<' of each chunk, so no tag is split."""
    parser = expat.ParserCreate()
    carry = b""
    with zf.open(name) as fh:
        while chunk := fh.read(_CHUNK):
            parser.Parse(chunk, False)
            text = carry + chunk
            cut = text.rfind(b"<")
            cut = cut if cut > 0 else 0
            _scan(extent, text[:cut])
            carry = text[cut:]
    parser.Parse(b"", True)
    _scan(extent, carry)


def _check_extent_tree(zf: zipfile.ZipFile, name: str, extent: _Extent) -> None:
    """The general path (a part in UTF-16 or another encoding the byte scan cannot read)."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))

    def events() -> Iterator[tuple[str, ET.Element]]:
        with zf.open(name) as fh:
            while chunk := fh.read(1 << 16):
                parser.feed(chunk)
                for pair in parser.read_events():
                    event, elem = cast("tuple[str, object]", pair)
                    if isinstance(elem, ET.Element):
                        yield event, elem
        parser.close()

    for event, elem in events():
        tag = elem.tag.rpartition("}")[2]
        if event == "end":
            if tag == "row":
                elem.clear()
        elif tag == "row":
            extent.row_tag(elem.get("r"))
        elif tag == "c":
            extent.cell_tag(elem.get("r"))


def _ascii_compatible(zf: zipfile.ZipFile, name: str) -> bool:
    """UTF-8 (what Excel writes) or plain ASCII: the byte scan reads tags as they are."""
    with zf.open(name) as fh:
        head = fh.read(256)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        return False
    decl = re.match(
        rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", head.removeprefix(b"\xef\xbb\xbf")
    )
    return decl is None or decl[1].lower() in (b"utf-8", b"utf8", b"us-ascii", b"ascii")


def _check_extent(path: Path, zf: zipfile.ZipFile, name: str) -> None:
    """Refuse one sheet whose grid would be too large; its XML is streamed, never kept.

    This runs once per sheet of every file received (1,741 files for a national 集約), so the
    common case is a byte scan, not a tree of elements."""
    extent = _Extent(_refuse(path, "シートが大きすぎます（名簿や集計のファイルではありません）。"))
    try:
        if not _ascii_compatible(zf, name):
            _check_extent_tree(zf, name, extent)
        elif zf.getinfo(name).file_size <= WHOLE_PART_BYTES:
            _check_extent_whole(zf, name, extent)
        else:
            _check_extent_fast(zf, name, extent)
    except (ET.ParseError, expat.ExpatError):
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
