"""The one hostile-file gate every reader passes: part names, macros, DTDs.

Both the workbook engines (engine/safety.inspect_file) and the exchange reader
(files/safe_read.check_package) call `hostile_reason` before anything parses a part.
Size and ratio limits stay with each caller (a workbook and an exchange file differ there).
"""

from __future__ import annotations

import re
import zipfile
import zlib

PROLOG_LIMIT = 64 * 1024  # Excel writes ~60 bytes before the root element
HEAD_BYTES = 1024  # read first; more only when the prolog goes on past it
_DRIVE = re.compile(r"[A-Za-z]:")


def _bad_name(info: zipfile.ZipInfo) -> bool:
    """A part name that could point outside the package when extracted."""
    raw = info.orig_filename
    name = info.filename
    if "\x00" in raw or "\\" in raw or "\\" in name:
        return True
    if name.startswith("/") or raw.startswith("/") or _DRIVE.match(name):
        return True
    return any(seg in ("..", ".") for seg in name.split("/"))


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore").removeprefix("\ufeff")


def _prolog_has_dtd(text: str, complete: bool) -> bool:
    """Whether an XML prolog holds a DOCTYPE (or any other `<!` declaration).

    A DTD can only take effect before the root element: after it, `<!DOCTYPE` is a parse
    error, never a declaration. So the prolog alone decides; one longer than PROLOG_LIMIT is
    no Excel part and is treated as hostile too.
    """
    i = 0
    n = len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return not complete  # ran out of prolog: too long to be Excel's
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return not complete
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return not complete
            i = end + 3
        else:
            # `<!` here is a DTD (or no XML); anything else is the root element or not XML
            # at all (which a parser refuses).
            return text.startswith("<!", i)


def _looks_like_xml(head: bytes) -> bool:
    return _decode_head(head[:64]).lstrip(" \t\r\n").startswith("<")


def has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.flag_bits & 1:
        return False  # an encrypted part: the engines refuse the file for that
    try:
        with zf.open(info) as fh:
            # Excel's prolog is ~60 bytes: a small read decides almost every part (this runs
            # for each part of each of 1,741 files in a national 集約); only a prolog longer
            # than that reads on, up to PROLOG_LIMIT.
            head = fh.read(HEAD_BYTES)
            complete = len(head) < HEAD_BYTES
            if not complete and _prolog_has_dtd(_decode_head(head), False):
                head += fh.read(PROLOG_LIMIT - len(head))
                complete = len(head) < PROLOG_LIMIT or not fh.read(1)
    except (NotImplementedError, EOFError, zlib.error, ValueError) as exc:
        raise zipfile.BadZipFile(f"{info.filename}: {type(exc).__name__}") from None
    if not _looks_like_xml(head):
        return False
    return _prolog_has_dtd(_decode_head(head), complete)


def hostile_reason(zf: zipfile.ZipFile) -> str | None:
    """Why this package must not be opened (in Japanese), or None."""
    infos = zf.infolist()
    seen: set[str] = set()
    for info in infos:
        if _bad_name(info):
            return (
                f"中の部品の名前が不正です（{info.orig_filename!r}）。"
                "フォルダーの外を指す名前は、Excelが作るファイルには含まれません。"
            )
        key = info.filename.lower()
        if key in seen:
            return f"同じ名前の部品が二つあります（{info.filename}）。"
        seen.add(key)
    for info in infos:
        base = info.filename.lower().rpartition("/")[2]
        if base.startswith("vbaproject"):
            return (
                "マクロ（VBA）が含まれています。.xlsx にはマクロは入りません"
                "（マクロ付きのブックを .xlsx と名付けたものは開きません）。"
            )
    for info in infos:
        if not info.is_dir() and has_dtd(zf, info):
            return (
                f"XMLに文書型宣言（DTD・実体参照）が含まれています（{info.filename}）。"
                "Excelが作るファイルには含まれないため、安全のため開きません。"
            )
    return None
