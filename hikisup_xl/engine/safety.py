"""Checks made before a workbook file is opened or replaced, so nothing a clerk made is lost."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import HikisupError
from . import leftovers, lock
from .gate import hostile_reason
from .testhook import pause

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PART_BYTES = 400 * 1024 * 1024  # one uncompressed part; more is a zip bomb, not a roster
MAX_RATIO = 200  # uncompressed / compressed, per part
# The ratio is judged only on parts larger than this: a sheet holding a clerk's long, repetitive
# notes (Excel allows 32,767 characters a cell) compresses past MAX_RATIO at a few hundred KB,
# which harms nobody; a bomb needs size as well as ratio.
RATIO_MIN_BYTES = 4 * 1024 * 1024
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


def inspect_file(path: Path, *, losses: bool = True) -> FileCheck:
    """Refuse what is not a readable .xlsx; list the parts a re-save would drop (`losses`:
    the patch engine drops nothing, so it skips that scan, which reads every worksheet)."""
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
            reason = hostile_reason(zf)
            if reason is not None:
                raise HikisupError(f"「{path.name}」は開きません：{reason}")
            for info in infos:
                if info.file_size > MAX_PART_BYTES or (
                    info.file_size > RATIO_MIN_BYTES
                    and info.compress_size
                    and info.file_size / info.compress_size > MAX_RATIO
                ):
                    raise HikisupError(
                        f"「{path.name}」の中身が異常に大きく展開されます（{info.filename}）。"
                        "安全のため開きません。"
                    )
            for prefix, label in DROPPED_PARTS if losses else ():
                if any(n.startswith(prefix) for n in names):
                    lost.append(label)
            for n in sorted(names) if losses else ():
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


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_backup(path: Path) -> None:
    """Copy `path` to NAME.bak.xlsx atomically: a temporary copy, fsync, then rename.

    The previous backup stays in place until the new one is complete, so a kill at any
    moment leaves a readable backup.
    """
    tmp = leftovers.temp_path(path.parent, "bak")
    try:
        with path.open("rb") as src, tmp.open("xb") as dst:
            first = True
            while chunk := src.read(1 << 20):
                dst.write(chunk)
                if first:
                    dst.flush()
                    pause("bak")  # the kill trials stop here, mid-copy
                    first = False
            dst.flush()
            os.fsync(dst.fileno())
        shutil.copystat(path, tmp)
        tmp.replace(backup_path(path))
    finally:
        tmp.unlink(missing_ok=True)


def _refuse_changed(path: Path, expected: Stamp | None) -> None:
    if expected is not None and path.exists() and file_stamp(path) != expected:
        raise HikisupError(
            f"「{path.name}」は読み込んだ後に別の操作で変更されました。"
            "元のファイルは変更していません。もう一度実行してください。"
        )


def _zip_problem(path: Path) -> str | None:
    """The first broken member of a written workbook, or None."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip()
    except zipfile.BadZipFile:
        return "zip"


def _pdf_problem(path: Path) -> str | None:
    """What makes a written file no PDF (a converter that stopped before writing it), or None."""
    with path.open("rb") as fh:
        return None if fh.read(5) == b"%PDF-" else "PDF"


def save_beside(
    path: Path,
    write: Callable[[Path], None],
    *,
    keep_backup: bool,
    expected: Stamp | None = None,
    check: Callable[[Path], str | None] | None = None,
    replace: bool = True,
) -> None:
    """Have `write` fill a temporary file beside `path`, check it, then swap it in.

    `path` is a workbook (or add-in), checked as a zip, or a PDF (a form's), checked by its
    header. `check`: the writer's own check of a workbook (what is broken, or None) in place of
    inflating every member, or of another kind of file (an encrypted exchange file).

    Under the workbook's lock (engine/lock.py; re-entrant, so the engine that read the file
    may already hold it): the "changed since read" check, the backup and the replace cannot
    interleave with another hikisup job. The previous version is kept as NAME.bak.xlsx
    (written atomically). A kill at any point leaves the old workbook or the new one, a
    readable backup, and at most a temporary file the next job sweeps away. `expected`: the
    size and time `path` had when it was read; if it changed meanwhile the save is refused
    rather than overwriting someone else's work.

    `replace=False`: `path` is a new file that must never replace one (an exchange file, a
    new workbook). It is refused if it exists, and the checked file gets its name by a hard
    link, which fails rather than replace a file that appeared meanwhile; with nothing to
    replace there is no lock, backup or "changed" check to make.
    """
    if not replace:
        _save_new(path, write, check)
        return
    refuse_if_open(path)
    try:
        with lock.holding(path):
            _refuse_changed(path, expected)
            tmp = leftovers.temp_path(path.parent, suffix=_temp_suffix(path))
            try:
                tmp.touch(mode=0o600, exist_ok=False)  # private until it replaces the workbook
                _write_checked(tmp, write, check)
                refuse_if_open(path)  # Excel may have opened it meanwhile
                _refuse_changed(path, expected)
                if path.exists():
                    shutil.copymode(path, tmp)  # keep the workbook's sharing
                    if keep_backup:
                        _write_backup(path)
                pause("replace")
                tmp.replace(path)
                _fsync_dir(path.parent)
                pause("replaced")
            finally:
                tmp.unlink(missing_ok=True)
    except PermissionError:
        raise HikisupError(
            f"「{path.name}」に書き込めません。Excelなどで開いていないか、"
            "フォルダーへの書き込み権限があるか確認してください。元のファイルは変更していません。"
        ) from None
    lock.release_all_for(path)


def _temp_suffix(path: Path) -> str:
    return ".pdf" if path.suffix.lower() == ".pdf" else ".xlsx"


def _write_checked(
    tmp: Path, write: Callable[[Path], None], check: Callable[[Path], str | None] | None
) -> None:
    """`write` into `tmp`, made durable, then checked (a PDF by its header, anything else by
    `check`, else as a zip): a broken result goes nowhere."""
    write(tmp)
    pause("write")
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    bad = _pdf_problem(tmp) if tmp.suffix == ".pdf" else (check or _zip_problem)(tmp)
    if bad is not None:
        raise HikisupError(
            f"保存したファイルの検証に失敗しました（{bad}）。元のファイルは変更していません。"
        )


def _save_new(
    path: Path, write: Callable[[Path], None], check: Callable[[Path], str | None] | None
) -> None:
    """save_beside for a file that must not exist: written, checked, then linked into place."""
    _refuse_existing(path)
    tmp = leftovers.temp_path(path.parent, suffix=_temp_suffix(path))
    try:
        # A new file gets the mode any new file gets here (umask), not the private one a
        # workbook's temporary copy has until it takes the workbook's own mode.
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        _write_checked(tmp, write, check)
        refuse_if_open(path)
        _link_new(
            tmp,
            path,
            clash=f"「{path}」が処理中に別に作られたため、上書きせずに中止しました。"
            "別の名前でもう一度実行してください。",
            taken=_exists(path),
        )
    except PermissionError:
        raise HikisupError(
            f"「{path}」に書き込めません。フォルダーへの書き込み権限を確認してください。"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise HikisupError(_exists(path))


def _exists(path: Path) -> str:
    return f"「{path}」はすでにあります。上書きしないので、別の名前を指定するか、先に削除してください。"


def _link_new(tmp: Path, path: Path, *, clash: str, taken: str) -> None:
    """Give `tmp` the name `path`, never replacing a file that appeared meanwhile: `clash` is
    said when a hard link finds one, `taken` when a file system without hard links does."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise HikisupError(clash) from None
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise HikisupError(taken) from None
        tmp.replace(path)
    _fsync_dir(path.parent)


def refuse_existing_output(out: Path) -> None:
    _refuse_existing(out)
    if out.suffix.lower() != ".xlsx":
        raise HikisupError("出力ファイル名は .xlsx で終わるようにしてください。")
    if not out.parent.exists():
        raise HikisupError(f"フォルダー「{out.parent}」がありません。")


@contextlib.contextmanager
def staged_output(out: Path, *, workbook: Path | None) -> Iterator[Path]:
    """An output file that exists only if the workbook's 操作履歴 line for it was saved.

    Every precondition is checked before anything is written (the output name is free, the
    workbook is not open in Excel nor held by another job). The caller writes to the yielded
    temporary path and saves the workbook inside the block; the file gets its real name only
    when the block ends normally, and is removed when anything in it fails.
    """
    refuse_existing_output(out)
    if workbook is not None:
        refuse_if_open(workbook)
        lock.refuse_if_locked(workbook)
    leftovers.sweep(out.parent)
    staged = leftovers.temp_path(out.parent, "out")
    try:
        yield staged
        if staged.exists():
            pause("publish")
            late = f"「{out}」が処理中に別に作られたため、書き出したファイルを置けませんでした。"
            _link_new(
                staged,
                out,
                clash=late
                + "ブックの操作履歴には記録されています。別の名前でもう一度書き出してください。",
                taken=late,
            )
    finally:
        staged.unlink(missing_ok=True)
