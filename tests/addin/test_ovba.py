"""MS-OVBA: compression against the specification's examples and olevba's decompressor; the
dir/PROJECT/PROJECTwm streams record by record; the PROJECT stream's encrypted values."""

from __future__ import annotations

import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.quiet_oletools import decompress_stream
from hikisup_xl.addin import ovba
from hikisup_xl.addin.ovba import Module, ModuleKind, OvbaError

# MS-OVBA 3.2.1 (no compression) and 3.2.2 (normal compression), byte for byte.
SPEC_EXAMPLES = [
    (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_EXAMPLES)
def test_compression_matches_the_specification_examples(plain: bytes, packed: str) -> None:
    assert ovba.compress(plain) == bytes.fromhex(packed)
    assert ovba.decompress(bytes.fromhex(packed)) == plain


VBA_LIKE = st.text(alphabet="ab \r\n'\"()=.,_Dim As String", max_size=20_000)


@settings(max_examples=60, deadline=None)
@given(VBA_LIKE)
def test_round_trip_through_olevba(text: str) -> None:
    data = text.encode("ascii")
    packed = ovba.compress(data)
    assert ovba.decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data  # an independent decompressor


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=3640) | st.binary(min_size=4096, max_size=4096))
def test_incompressible_data_round_trips(data: bytes) -> None:
    packed = ovba.compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_long_matches_at_every_offset_width() -> None:
    """Copy tokens take 4..12 offset bits depending on the position in the 4096-byte chunk
    (the length mask is 0xFFFF >> bits): repeats at each width, across chunk boundaries."""
    pieces = [bytes([65 + i % 26]) * (2**i) + b"xyz" * i for i in range(1, 13)]
    data = b"".join(pieces) * 5
    packed = ovba.compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data
    assert len(packed) < len(data) // 4


def test_a_final_short_chunk_that_does_not_compress_is_refused() -> None:
    """Only a full 4096-byte chunk may be stored raw (2.4.1.3.10); 3840 random bytes need 480
    flag bytes more, which no compressed chunk can hold. VBA text never comes close."""
    with pytest.raises(OvbaError, match="incompressible"):
        ovba.compress(random.Random(3).randbytes(3840))


# ------------------------------------------------------------------------ data encryption
SPEC_PROJECT_ID = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"  # MS-OVBA 3.1.6


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("0705D8E3D8EDDBF1DBF1DBF1DBF1", bytes(4)),  # CMG: not protected
        ("0E0CD1ECDFF4E7F5E7F5E7", b"\x00"),  # DPB: no password
        ("1517CAF1D6F9D7F9D706", b"\xff"),  # GC: visible
    ],
)
def test_decryption_reads_the_specification_example(text: str, plain: bytes) -> None:
    assert ovba.decrypt(text, SPEC_PROJECT_ID) == plain


@pytest.mark.parametrize("seed", [0x00, 0x02, 0x04, 0x06, 0x5D, 0xFF])
@pytest.mark.parametrize("plain", [b"", b"\x00", bytes(4), b"\xff" * 29])
def test_encryption_round_trips(seed: int, plain: bytes) -> None:
    text = ovba.encrypt(plain, SPEC_PROJECT_ID, seed)
    assert ovba.decrypt(text, SPEC_PROJECT_ID) == plain
    assert text == ovba.encrypt(plain, SPEC_PROJECT_ID, seed)


# --------------------------------------------------------------------------------- streams
MODULES = [
    Module("ThisWorkbook", b'Attribute VB_Name = "ThisWorkbook"\r\n', ModuleKind.DOCUMENT),
    Module("Main", b'Attribute VB_Name = "Main"\r\nSub A()\r\nEnd Sub\r\n', ModuleKind.STANDARD),
    Module("Thing", b'Attribute VB_Name = "Thing"\r\n', ModuleKind.CLASS),
]


def _records(data: bytes) -> list[tuple[int, bytes]]:
    """The dir stream as (id, payload) records (PROJECTVERSION has a fixed layout)."""
    out, i = [], 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0009:
            size = 6
        out.append((rid, data[i + 6 : i + 6 + size]))
        i += 6 + size
    assert i == len(data)
    return out


def test_dir_stream_records_follow_the_specification_order() -> None:
    records = _records(ovba.dir_stream("Proj", MODULES))
    ids = [rid for rid, _ in records]
    head = [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
    assert ids[: len(head)] == head
    assert ids[len(head) : len(head) + 5] == [0x16, 0x3E, 0x0D, 0x0F, 0x13]  # reference, modules
    module = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C]
    rest = ids[len(head) + 5 :]
    assert rest == [*module, 0x22, 0x2B, *module, 0x21, 0x2B, *module, 0x22, 0x2B, 0x10]
    values = dict(records)
    assert values[0x03] == struct.pack("<H", 1252)
    assert values[0x04] == b"Proj"
    assert values[0x0F] == struct.pack("<H", 3)
    assert values[0x13] == b"\xff\xff"  # cookies are 0xFFFF on write
    libid = values[0x0D][4:-6].decode("ascii")
    assert libid.startswith("*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#")  # Office
    offsets = [payload for rid, payload in records if rid == 0x31]
    assert offsets == [bytes(4)] * 3  # no performance cache: source at offset 0


def test_project_stream_lists_modules_and_is_unprotected() -> None:
    text = ovba.project_stream("Proj", MODULES).decode("ascii")
    lines = text.split("\r\n")
    assert lines[0] == f'ID="{ovba.PROJECT_ID}"'
    assert lines[1:4] == ["Document=ThisWorkbook/&H00000000", "Module=Main", "Class=Thing"]
    assert 'Name="Proj"' in lines
    values = {k: v.strip('"') for k, _, v in (line.partition("=") for line in lines)}
    assert ovba.decrypt(values["CMG"]) == bytes(4)
    assert ovba.decrypt(values["DPB"]) == b"\x00"
    assert ovba.decrypt(values["GC"]) == b"\xff"
    assert text.endswith("[Host Extender Info]\r\n" + ovba.HOST_EXTENDER + "\r\n")


def test_projectwm_names_each_module_twice() -> None:
    data = ovba.projectwm_stream(MODULES[:1])
    assert data == b"ThisWorkbook\x00" + "ThisWorkbook".encode("utf-16-le") + b"\x00\x00\x00\x00"


def test_vba_project_header_is_version_independent() -> None:
    streams = ovba.project_streams("Proj", MODULES)
    assert streams["VBA/_VBA_PROJECT"] == bytes.fromhex("CC61FFFF000100")
    assert sorted(streams) == sorted(
        [
            "PROJECT",
            "PROJECTwm",
            "VBA/_VBA_PROJECT",
            "VBA/dir",
            "VBA/Main",
            "VBA/Thing",
            "VBA/ThisWorkbook",
        ]
    )


def test_non_ascii_source_is_refused_with_its_line() -> None:
    bad = Module(
        "Main",
        'Attribute VB_Name = "Main"\r\nMsgBox "登録"\r\n'.encode("cp932"),
        ModuleKind.STANDARD,
    )
    with pytest.raises(OvbaError, match="module Main, line 2: VBA source must be ASCII"):
        ovba.project_streams("Proj", [bad])


def test_project_name_must_differ_from_module_names() -> None:
    with pytest.raises(OvbaError, match="must differ"):
        ovba.project_streams("main", MODULES)
    with pytest.raises(OvbaError, match="same name"):
        ovba.project_streams("Proj", [MODULES[1], MODULES[1]])
