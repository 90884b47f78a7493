"""Write a package anew from an old one: changed parts compressed, every other part copied raw.

Python's zipfile can only write what it compresses itself, so this module writes the zip
structure directly (APPNOTE 6.3: local headers, data, central directory, end record). A part
the action did not change is copied as its compressed bytes, with its CRC, sizes, method, time
and attributes: the new file holds it byte for byte, and nothing is decompressed or recompressed.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_END_SIG = b"PK\x05\x06"
_LIMIT = 0xFFFFFFFF  # beyond this a zip needs ZIP64 records, which no workbook here needs
_UTF8 = 0x800
_DATA_DESCRIPTOR = 0x8
_ENCRYPTED = 0x1
VERSION = 20  # 2.0: deflate


class ZipLimitError(Exception):
    """The package would need ZIP64 or holds an encrypted member: not written."""


@dataclass(slots=True)
class _Entry:
    name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    compressed: int
    size: int
    made_by: int
    needed: int
    internal: int
    external: int
    offset: int


def _dos(stamp: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    if year < 1980:
        year, month, day, hour, minute, second = 1980, 1, 1, 0, 0, 0
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _name(name: str, flags: int) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), flags & ~_UTF8
    except UnicodeEncodeError:
        return name.encode("utf-8"), flags | _UTF8


class _Writer:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offset = 0
        self.entries: list[_Entry] = []

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.offset += len(data)

    def member(self, entry: _Entry, payload: bytes | memoryview) -> None:
        if self.offset > _LIMIT or entry.compressed > _LIMIT or entry.size > _LIMIT:
            raise ZipLimitError(entry.name.decode("utf-8", "replace"))
        entry.offset = self.offset
        header = _LOCAL.pack(
            _LOCAL_SIG,
            entry.needed,
            entry.flags,
            entry.method,
            entry.dos_time,
            entry.dos_date,
            entry.crc,
            entry.compressed,
            entry.size,
            len(entry.name),
            0,
        )
        self._write(header + entry.name)
        write_payload(self.out, payload)
        self.offset += len(payload)
        self.entries.append(entry)

    def finish(self) -> None:
        start = self.offset
        if len(self.entries) > 0xFFFF or start > _LIMIT:
            raise ZipLimitError("central directory")
        for e in self.entries:
            record = _CENTRAL.pack(
                _CENTRAL_SIG,
                e.made_by,
                e.needed,
                e.flags,
                e.method,
                e.dos_time,
                e.dos_date,
                e.crc,
                e.compressed,
                e.size,
                len(e.name),
                0,
                0,
                0,
                e.internal,
                e.external,
                e.offset,
            )
            self._write(record + e.name)
        size = self.offset - start
        count = len(self.entries)
        self._write(_END.pack(_END_SIG, 0, 0, count, count, size, start, 0))


def write_payload(out: BinaryIO, payload: bytes | memoryview) -> None:
    """One member's (compressed) bytes; a seam for tests that break a save half-way."""
    out.write(payload)


def _raw(source: bytes, info: zipfile.ZipInfo) -> memoryview:
    """The compressed bytes of one member, as stored."""
    sig, *_fields, name_len, extra_len = _LOCAL.unpack_from(source, info.header_offset)
    if sig != _LOCAL_SIG:
        raise zipfile.BadZipFile(f"{info.filename}: bad local header")
    start = info.header_offset + _LOCAL.size + name_len + extra_len
    data = memoryview(source)[start : start + info.compress_size]
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename}: truncated")
    return data


def _deflated(
    name: str, data: bytes, stamp: tuple[int, int, int, int, int, int]
) -> tuple[_Entry, bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    raw_name, flags = _name(name, 0)
    dos_time, dos_date = _dos(stamp)
    entry = _Entry(
        raw_name,
        flags,
        zipfile.ZIP_DEFLATED,
        dos_time,
        dos_date,
        zlib.crc32(data),
        len(packed),
        len(data),
        VERSION,
        VERSION,
        0,
        0,
        0,
    )
    return entry, packed


def write_zip(
    out: BinaryIO,
    source: zipfile.ZipFile,
    source_bytes: bytes,
    replaced: Mapping[str, bytes],
    added: Mapping[str, bytes],
    removed: set[str],
) -> None:
    """`source` with `replaced` parts swapped in, `added` ones appended, `removed` ones left out.

    Members keep their order; of two members with one name (a damaged zip) the last counts,
    as for every zip reader.
    """
    now = dt.datetime.now().timetuple()[:6]
    last = {info.filename: info for info in source.infolist()}
    writer = _Writer(out)
    for info in source.infolist():
        name = info.filename
        if last[name] is not info or name in removed:
            continue
        if name in replaced:
            writer.member(*_deflated(name, replaced[name], now))
            continue
        if info.flag_bits & _ENCRYPTED:
            raise ZipLimitError(f"{name}: encrypted")
        raw_name, flags = _name(name, info.flag_bits & ~_DATA_DESCRIPTOR)
        dos_time, dos_date = _dos(info.date_time)
        entry = _Entry(
            raw_name,
            flags,
            info.compress_type,
            dos_time,
            dos_date,
            info.CRC,
            info.compress_size,
            info.file_size,
            (info.create_system << 8) | info.create_version,
            info.extract_version,
            info.internal_attr,
            info.external_attr,
            0,
        )
        writer.member(entry, _raw(source_bytes, info))
    for name, data in added.items():
        writer.member(*_deflated(name, data, now))
    writer.finish()


def problem(
    path: Path, source: zipfile.ZipFile, source_bytes: bytes, verified: set[str]
) -> str | None:
    """The first broken member of a package write_zip wrote, or None: testzip's answer, without
    inflating the members copied from a source member that was read whole (its CRC checked
    then; at prefecture scale ~200 MB of sheet XML): their stored bytes and central-directory
    fields are compared with the source's instead. Every other member is inflated and checked."""
    last = {info.filename: info for info in source.infolist()}
    try:
        with zipfile.ZipFile(path) as written, path.open("rb") as fh:
            inflate = []
            for info in written.infolist():
                old = last.get(info.filename)
                if (
                    old is None
                    or info.filename not in verified
                    or (info.CRC, info.compress_size, info.file_size, info.compress_type)
                    != (old.CRC, old.compress_size, old.file_size, old.compress_type)
                    or not _same_stored(fh, info, _raw(source_bytes, old))
                ):
                    inflate.append(info)
            written.filelist = inflate  # testzip checks these
            return written.testzip()
    except (zipfile.BadZipFile, struct.error):
        return "zip"


def _same_stored(fh: BinaryIO, info: zipfile.ZipInfo, expected: memoryview) -> bool:
    """Whether the member's stored bytes in `fh` are `expected` (read a MiB at a time: the file
    is never held whole)."""
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL.size)
    if len(header) != _LOCAL.size:
        return False
    sig, *_fields, name_len, extra_len = _LOCAL.unpack(header)
    if sig != _LOCAL_SIG:
        return False
    fh.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
    done = 0
    while done < len(expected):
        chunk = fh.read(min(1 << 20, len(expected) - done))
        if not chunk or expected[done : done + len(chunk)] != chunk:
            return False
        done += len(chunk)
    return True
