"""MS-CFB: a compound file (version 3, 512-byte sectors) written from a dict of streams.

Written from the specification ([MS-CFB], Compound File Binary File Format): header (2.2),
FAT (2.3), mini FAT and mini stream (2.4, 2.5), directory (2.6). Deterministic: CLSIDs, state
bits and timestamps are zero, siblings are laid out as a balanced tree, all nodes black (2.6.4
allows it: no two consecutive red nodes), entries and sectors in a fixed order.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY = 128
HEADER_DIFAT = 109
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1


class CfbError(ValueError):
    """The streams cannot be written as a compound file."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _key(name: str) -> tuple[int, str]:
    """Sibling order (2.6.4): shorter names first, then by upper-cased UTF-16 code points."""
    return (len(name.encode("utf-16-le")), name.upper())


def _tree(entries: list[_Entry], ids: dict[int, int]) -> int:
    """Link sorted siblings as a balanced binary tree; return the id of its root."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    top = entries[mid]
    top.left = _tree(entries[:mid], ids)
    top.right = _tree(entries[mid + 1 :], ids)
    return ids[id(top)]


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def _chain(table: list[int], first: int, count: int) -> None:
    for k in range(count):
        table[first + k] = first + k + 1 if k < count - 1 else ENDOFCHAIN


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le")
    if len(name) > 62:
        raise CfbError(f"name too long for a compound file entry: {e.name!r}")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2 if e.name else 0,
        e.kind,
        BLACK if e.kind else 0,
        e.left,
        e.right,
        e.child,
        bytes(16),  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        e.start if e.kind in (STREAM, ROOT) else 0,
        e.size,
    )


def write(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by path ("VBA/dir"); storages are implied."""
    root = _Entry("Root Entry", ROOT)
    for path in sorted(streams):
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            found = next((c for c in node.children if c.name == part), None)
            if found is None:
                found = _Entry(part, STORAGE)
                node.children.append(found)
            elif found.kind != STORAGE:
                raise CfbError(f"{part!r} is both a stream and a storage")
            node = found
        if any(c.name.upper() == parts[-1].upper() for c in node.children):
            raise CfbError(f"duplicate entry {path!r}")
        node.children.append(_Entry(parts[-1], STREAM, streams[path]))

    # Directory order: root, then each storage's children (sorted), depth first.
    order: list[_Entry] = []

    def visit(e: _Entry) -> None:
        order.append(e)
        e.children.sort(key=lambda c: _key(c.name))
        for c in e.children:
            visit(c)

    visit(root)
    ids = {id(e): i for i, e in enumerate(order)}
    for e in order:
        e.child = _tree(e.children, ids)

    # Small streams go to the mini stream, the others to regular sectors.
    mini = bytearray()
    big: list[_Entry] = []
    for e in order:
        if e.kind != STREAM:
            continue
        e.size = len(e.data)
        if not e.data:
            e.start = ENDOFCHAIN
        elif e.size < MINI_CUTOFF:
            e.start = len(mini) // MINI_SECTOR
            mini += e.data + bytes(-len(e.data) % MINI_SECTOR)
        else:
            big.append(e)
    n_mini = len(mini) // MINI_SECTOR
    minifat = [FREESECT] * (_sectors(n_mini, SECTOR // 4) * (SECTOR // 4))
    for e in order:
        if e.kind == STREAM and e.data and e.size < MINI_CUTOFF:
            _chain(minifat, e.start, _sectors(e.size, MINI_SECTOR))

    n_dir = _sectors(len(order), SECTOR // ENTRY)
    n_minifat = len(minifat) * 4 // SECTOR
    n_ministream = _sectors(len(mini), SECTOR)
    n_big = sum(_sectors(e.size, SECTOR) for e in big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_dir + n_minifat + n_ministream + n_big:
        n_fat += 1
    if n_fat > HEADER_DIFAT:
        raise CfbError("compound file too large for a header-only DIFAT (about 7 MB)")

    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for k in range(n_fat):
        fat[k] = FATSECT
    at = n_fat
    dir_start = at
    _chain(fat, at, n_dir)
    at += n_dir
    minifat_start = at if n_minifat else ENDOFCHAIN
    _chain(fat, at, n_minifat)
    at += n_minifat
    root.start = at if n_ministream else ENDOFCHAIN
    root.size = len(mini)
    _chain(fat, at, n_ministream)
    at += n_ministream
    for e in big:
        count = _sectors(e.size, SECTOR)
        e.start = at
        _chain(fat, at, count)
        at += count

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        SIGNATURE,
        bytes(16),  # CLSID
        0x003E,  # minor version
        0x0003,  # major version 3
        0xFFFE,  # little-endian
        9,  # sector shift: 512
        6,  # mini sector shift: 64
        bytes(6),
        0,  # directory sectors (always 0 in version 3)
        n_fat,
        dir_start,
        0,  # transaction signature
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,  # no DIFAT sectors
        0,
    )
    difat = list(range(n_fat)) + [FREESECT] * (HEADER_DIFAT - n_fat)
    header += struct.pack(f"<{HEADER_DIFAT}I", *difat)

    unused = _Entry("", 0)
    entries = b"".join(_dir_entry(e) for e in order)
    entries += _dir_entry(unused) * (n_dir * (SECTOR // ENTRY) - len(order))

    def pad(data: bytes) -> bytes:
        return data + bytes(-len(data) % SECTOR)

    body = [struct.pack(f"<{len(fat)}I", *fat), entries]
    body.append(struct.pack(f"<{len(minifat)}I", *minifat))
    body.append(pad(bytes(mini)))
    body += [pad(e.data) for e in big]
    out = header + b"".join(body)
    expected = SECTOR * (1 + at)
    if len(out) != expected:  # a layout bug, not a user error
        raise CfbError(f"compound file is {len(out)} bytes, expected {expected}")
    return out
