"""MS-CFB: the compound file parses strictly with olefile, holds every stream byte for byte, and
its directory is a valid sibling tree; the same streams give the same bytes."""

from __future__ import annotations

import io
import struct

import pytest

from addin.quiet_oletools import olefile
from hikisup_xl.addin import cfb

STREAMS = {
    "PROJECT": b"ID=1\r\n" * 20,
    "PROJECTwm": b"\x00\x00",
    "VBA/_VBA_PROJECT": bytes.fromhex("CC61FFFF000100"),
    "VBA/dir": bytes(range(256)) * 3,
    "VBA/small": b"x" * 4095,  # the largest stream kept in the mini stream
    "VBA/big": bytes(range(251)) * 17,  # 4267 bytes: regular sectors
    "VBA/exact": b"y" * 4096,  # the cutoff itself: regular sectors
}


def _open(data: bytes) -> olefile.OleFileIO:
    # DEFECT_INCORRECT: olefile raises on anything the specification forbids.
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def test_every_stream_reads_back() -> None:
    data = cfb.write(STREAMS)
    ole = _open(data)
    assert ole.parsing_issues == []
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(STREAMS)
    for path, content in STREAMS.items():
        assert ole.openstream(path).read() == content, path
        assert ole.get_size(path) == len(content)
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    assert len(data) % 512 == 0


def test_many_streams_span_several_directory_and_fat_sectors() -> None:
    streams = {f"S/stream{i:03}": bytes([i]) * (i * 97) for i in range(1, 120)}
    streams["S/large"] = bytes(range(256)) * 400  # 100 KiB: more than one FAT sector
    ole = _open(cfb.write(streams))
    for path, content in streams.items():
        assert ole.openstream(path).read() == content, path


def test_same_streams_same_bytes_whatever_the_order() -> None:
    again = dict(reversed(list(STREAMS.items())))
    assert cfb.write(STREAMS) == cfb.write(again)


def _entries(data: bytes) -> list[tuple[str, int, int, int, int, int]]:
    """(name, type, color, left, right, child) of each used directory entry."""
    (first_dir,) = struct.unpack_from("<I", data, 0x30)
    ole = _open(data)
    count = len(ole.direntries)
    out = []
    for i in range(count):
        raw = data[512 * (1 + first_dir) + 128 * i : 512 * (1 + first_dir) + 128 * (i + 1)]
        if len(raw) < 128 or raw[66] == 0:
            continue
        (size,) = struct.unpack_from("<H", raw, 64)
        name = raw[: size - 2].decode("utf-16-le")
        kind, color = raw[66], raw[67]
        left, right, child = struct.unpack_from("<III", raw, 68)
        out.append((name, kind, color, left, right, child))
    return out


def test_directory_is_a_sorted_sibling_tree_all_black_and_zeroed() -> None:
    data = cfb.write(STREAMS)
    entries = _entries(data)
    names = [e[0] for e in entries]

    def in_order(i: int) -> list[str]:
        if i == cfb.NOSTREAM:
            return []
        _, _, _, left, right, _ = entries[i]
        return [*in_order(left), names[i], *in_order(right)]

    for name, kind, color, _, _, child in entries:
        assert color == 1, name  # black: no two consecutive red nodes, trivially
        if kind in (cfb.STORAGE, cfb.ROOT):
            siblings = in_order(child)
            key = [(len(n), n.upper()) for n in siblings]
            assert key == sorted(key), name
    assert entries[0][:2] == ("Root Entry", cfb.ROOT)
    header = data[:512]
    assert header[:8] == cfb.SIGNATURE
    assert header[8:24] == bytes(16)  # CLSID
    assert struct.unpack_from("<HHHHH", header, 24) == (0x3E, 3, 0xFFFE, 9, 6)
    for i in range(len(entries)):  # CLSIDs, state bits and both timestamps are zero
        raw_at = 512 * (1 + struct.unpack_from("<I", data, 0x30)[0]) + 128 * i
        assert data[raw_at + 80 : raw_at + 116] == bytes(36)


def test_a_name_used_for_a_stream_and_a_storage_is_refused() -> None:
    with pytest.raises(cfb.CfbError):
        cfb.write({"VBA": b"1", "VBA/dir": b"2"})
