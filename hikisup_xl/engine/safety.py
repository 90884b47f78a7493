"""Checks made before a workbook file is opened or replaced, so nothing a clerk made is lost."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import HikisupError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PART_BYTES = 400 * 1024 * 1024  # one uncompressed part; more is a zip bomb, not a roster
MAX_RATIO = 200  # uncompressed / compressed, per part
# Rows typed just below a table that Excel did not take into it are read too (up to this many
# blank rows apart), so a clerk's entry is never skipped. Every engine uses the same rule.
TRAILING_SCAN = 50

Stamp = tuple[int, int]

# Parts openpyxl does not carry over when it re-saves a workbook.
DROPPED_PARTS: tuple[tuple[str, str], ...] = (
    ("xl/vbaProject.bin", "マクロ（VBA）"),
    ("xl/slicers/", "スライサー"),
    ("xl/slicerCaches/", "スライサー"),
    ("xl/timelines/", "タイムライン"),
    ("xl/ctrlProps/", "フォームコントロール"),
    ("xl/activeX/", "ActiveXコントロール"),
    ("xl/embeddings/", "埋め込みオブジェクト"),
    ("xl/threadedComments/", "スレッド形式のコメント"),
    ("xl/media/", "画像"),
)
# Markers inside drawing and sheet XML for what openpyxl drops.
DRAWING_MARKERS: tuple[tuple[bytes, str], ...] = (
    (b"<xdr:sp>", "図形"),
    (b"<xdr:sp ", "図形"),
    (b"<xdr:grpSp", "図形のグループ"),
    (b"<xdr:cxnSp", "線・コネクタ"),
)
SHEET_EXT = re.compile(rb"<x14:(dataValidations|conditionalFormattings|sparklineGroups)")
SHEET_EXT_NAMES = {
    b"dataValidations": "拡張形式の入力規則（別シート参照のリストなど）",
    b"conditionalFormattings": "拡張形式の条件付き書式（データバー・アイコンなど）",
    b"sparklineGroups": "スパークライン",
}


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: Path
    would_lose: tuple[str, ...]  # what a re-save would drop, in Japanese


def _sheet_extensions(zf: zipfile.ZipFile, name: str) -> list[str]:
    """x14 extensions of one sheet, streamed: a 100k-row sheet is never held in memory."""
    found: list[str] = []
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            window = tail + chunk
            found.extend(SHEET_EXT_NAMES[m.group(1)] for m in SHEET_EXT.finditer(window))
            tail = window[-64:]  # a marker split across two chunks is seen in the next window
    return found


def lock_file(path: Path) -> Path:
    """Excel keeps `~$name.xlsx` beside a workbook while it is open."""
    return path.with_name("~$" + path.name)


def refuse_if_open(path: Path) -> None:
    if lock_file(path).exists():
        raise HikisupError(
            f"「{path.name}」はExcelで開かれています。Excelでファイルを閉じてから、もう一度実行してください。"
            "（Excel上で操作する場合はリボンのボタンを使ってください）"
        )


def inspect_file(path: Path) -> FileCheck:
    """Refuse what is not a readable .xlsx; list the parts a re-save would drop."""
    if not path.exists():
        raise HikisupError(f"ファイル「{path}」が見つかりません。")
    if path.is_dir():
        raise HikisupError(
            f"「{path}」はフォルダーです。Excelファイル（.xlsx）を指定してください。"
        )
    if path.suffix.lower() != ".xlsx":
        raise HikisupError(
            f"「{path.name}」は .xlsx ファイルではありません。"
            "Excelで「名前を付けて保存」→「Excelブック (*.xlsx)」で保存し直してください。"
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise HikisupError(
            f"「{path.name}」はパスワードで保護されているか、古い形式のファイルです。"
            "パスワードを解除して .xlsx 形式で保存し直してください。"
        )
    if not zipfile.is_zipfile(path):
        raise HikisupError(f"「{path.name}」は壊れているか、Excelファイルではありません。")
    lost: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise HikisupError(
                    f"「{path.name}」はExcelブックではありません（workbook.xml がありません）。"
                )
            for info in infos:
                if info.file_size > MAX_PART_BYTES or (
                    info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                ):
                    raise HikisupError(
                        f"「{path.name}」の中身が異常に大きく展開されます（{info.filename}）。"
                        "安全のため開きません。"
                    )
            for prefix, label in DROPPED_PARTS:
                if any(n.startswith(prefix) for n in names):
                    lost.append(label)
            for n in sorted(names):
                if n.startswith("xl/drawings/drawing") and n.endswith(".xml"):
                    data = zf.read(n)
                    lost.extend(label for marker, label in DRAWING_MARKERS if marker in data)
                elif n.startswith("xl/worksheets/sheet") and n.endswith(".xml"):
                    lost.extend(_sheet_extensions(zf, n))
    except zipfile.BadZipFile as exc:
        raise HikisupError(f"「{path.name}」は壊れています（{exc}）。") from None
    return FileCheck(path, tuple(dict.fromkeys(lost)))


def backup_path(path: Path) -> Path:
    """NAME.bak.xlsx: the previous version of a workbook, kept beside it by every save."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def file_stamp(path: Path) -> Stamp:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def save_beside(
    path: Path,
    write: Callable[[Path], None],
    *,
    keep_backup: bool,
    expected: Stamp | None = None,
) -> None:
    """Have `write` fill a temporary file beside `path`, check it, then swap it in.

    The previous version is kept as NAME.bak.xlsx. A crash at any point leaves either the old
    workbook or the new one in place, never a half-written file. `expected`: the size and time
    `path` had when it was read; if it changed meanwhile the save is refused rather than
    overwriting someone else's work.
    """
    refuse_if_open(path)
    fd, tmp_name = tempfile.mkstemp(prefix=".~hikisup-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        with zipfile.ZipFile(tmp) as zf:
            bad = zf.testzip()
        if bad is not None:
            raise HikisupError(
                f"保存したファイルの検証に失敗しました（{bad}）。元のファイルは変更していません。"
            )
        refuse_if_open(path)  # Excel may have opened it meanwhile
        if expected is not None and path.exists() and file_stamp(path) != expected:
            raise HikisupError(
                f"「{path.name}」は読み込んだ後に別の操作で変更されました。"
                "元のファイルは変更していません。もう一度実行してください。"
            )
        if path.exists():
            shutil.copymode(path, tmp)  # mkstemp made it private; keep the workbook's sharing
            if keep_backup:
                shutil.copy2(path, backup_path(path))
        tmp.replace(path)
    except PermissionError:
        raise HikisupError(
            f"「{path.name}」に書き込めません。Excelなどで開いていないか、"
            "フォルダーへの書き込み権限があるか確認してください。元のファイルは変更していません。"
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink()
