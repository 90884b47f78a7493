"""MS-OVBA: the streams of a VBA project, written from the modules' source text.

Written from the specification ([MS-OVBA], Office VBA File Format Structure):

- 2.4.1 the compression used for the `dir` stream and the module source;
- 2.3.4.2 the `dir` stream (project information, references, modules);
- 2.3.1 the `PROJECT` stream and 2.4.3 the data encryption of its CMG/DPB/GC values;
- 2.3.3 the `PROJECTwm` stream;
- 2.3.4.1 the `_VBA_PROJECT` stream, written as the 7-byte version-independent header with
  Version 0xFFFF and no performance cache, so that Office compiles the project from source.

No p-code, no random values: the same modules give the same bytes. Module source must be
ASCII (the project's code page is 1252 and VBA source is kept ASCII-only in this project).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

CODE_PAGE = 1252
LCID = 0x0409
CHUNK = 4096
# A fixed project id and encryption seed keep builds reproducible (Office makes up random ones).
PROJECT_ID = "{6A1E1F2C-3B4D-4E5F-8A9B-0C1D2E3F4A5B}"
SEED = 0x5D
# Only the Office library is referenced: it declares IRibbonControl. VBA and the host's own
# library (Excel) are always available to a project and need no reference record.
OFFICE_REFERENCE = (
    "Office",
    "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
    "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
    "Microsoft Office 16.0 Object Library",
)
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


class OvbaError(ValueError):
    """The modules cannot be written as a VBA project (the message says why)."""


class ModuleKind(Enum):
    STANDARD = "Module"  # a .bas module
    DOCUMENT = "Document"  # ThisWorkbook and the sheets' modules
    CLASS = "Class"  # a class module


@dataclass(frozen=True, slots=True)
class Module:
    """One module as the VBA editor stores it: the text with its Attribute lines, CRLF."""

    name: str
    source: bytes
    kind: ModuleKind


# ---------------------------------------------------------------------------- compression
def _bit_count(position: int) -> int:
    """CopyToken help (2.4.1.3.19.1): offset bits for a token at `position` in its chunk."""
    return max((position - 1).bit_length(), 4)


def _max_length(position: int) -> int:
    return (0xFFFF >> _bit_count(position)) + 3


MAX_CANDIDATES = 128  # how many earlier positions a match is sought at (speed over ratio)


def _compress_chunk(chunk: bytes) -> bytes:
    size = len(chunk)
    body = bytearray()
    seen: dict[bytes, list[int]] = {}

    def remember(p: int) -> None:
        if p + 3 <= size:
            seen.setdefault(chunk[p : p + 3], []).append(p)

    pos = 0
    while pos < size:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= size:
                break
            best_len, best_off = 0, 0
            if pos + 3 <= size:
                limit = min(_max_length(pos), size - pos)
                for cand in reversed(seen.get(chunk[pos : pos + 3], [])[-MAX_CANDIDATES:]):
                    length = 3
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                bits = _bit_count(pos)
                body += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                body.append(chunk[pos])
                remember(pos)
                pos += 1
        body[flag_at] = flags
    if len(body) <= CHUNK:
        return struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)
    if size == CHUNK:  # a raw chunk holds exactly 4096 bytes (2.4.1.3.10)
        return struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk
    raise OvbaError("a final chunk of incompressible data cannot be stored (MS-OVBA 2.4.1.3.7)")


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1) holding `data`."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start : start + CHUNK])
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The inverse of `compress` for any valid container (2.4.1.3.1)."""
    if not data or data[0] != 0x01:
        raise OvbaError("not a compressed container (signature byte is not 0x01)")
    out = bytearray()
    i = 1
    while i < len(data):
        (header,) = struct.unpack_from("<H", data, i)
        if (header >> 12) & 0x7 != 0b011:
            raise OvbaError(f"bad chunk signature at byte {i}")
        end = min(i + (header & 0x0FFF) + 3, len(data))
        i += 2
        start = len(out)
        if not header & 0x8000:
            out += data[i : i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags = data[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if flags >> bit & 1:
                    (token,) = struct.unpack_from("<H", data, i)
                    i += 2
                    bits = _bit_count(len(out) - start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    if offset > len(out) - start:
                        raise OvbaError(f"copy token reaches before its chunk at byte {i - 2}")
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[i])
                    i += 1
    return bytes(out)


# ----------------------------------------------------------------------- data encryption
def _proj_key(project_id: str) -> int:
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str = PROJECT_ID, seed: int = SEED) -> str:
    """Data Encryption (2.4.3.2) as the hex text of the PROJECT stream's CMG/DPB/GC."""
    version = 2
    key = _proj_key(project_id)
    version_enc, key_enc = seed ^ version, seed ^ key
    out = bytearray((seed, version_enc, key_enc))
    state = [key, key_enc, version_enc]  # UnencryptedByte1, EncryptedByte1, EncryptedByte2

    def put(byte: int) -> None:
        enc = byte ^ ((state[2] + state[0]) & 0xFF)
        out.append(enc)
        state[2], state[1], state[0] = state[1], enc, byte

    for _ in range((seed & 6) // 2):  # ignored bytes: any value; zero keeps builds identical
        put(0)
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return out.hex().upper()


def decrypt(text: str, project_id: str = PROJECT_ID) -> bytes:
    """Data Decryption (2.4.3.3); checks the project key and the length."""
    enc = bytes.fromhex(text)
    seed, version_enc, key_enc = enc[0], enc[1], enc[2]
    if seed ^ version_enc != 2 or seed ^ key_enc != _proj_key(project_id):
        raise OvbaError("encrypted value does not belong to this project")
    state = [seed ^ key_enc, key_enc, version_enc]
    plain = bytearray()
    for e in enc[3:]:
        byte = e ^ ((state[2] + state[0]) & 0xFF)
        plain.append(byte)
        state[2], state[1], state[0] = state[1], e, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4 :])
    if len(data) != length:
        raise OvbaError("encrypted value has the wrong length")
    return data


# ------------------------------------------------------------------------------- streams
def mbcs(text: str, what: str) -> bytes:
    """Text in the project's code page; this project keeps VBA ASCII-only."""
    try:
        return text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise OvbaError(
            f"{what} must be ASCII (VBA source is kept ASCII-only; Japanese text belongs in the"
            f" ribbon XML or in Python): {exc.object[exc.start : exc.end]!r} at {exc.start}"
        ) from None


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _pair(rid: int, text: str, unicode_rid: int, what: str) -> bytes:
    """A record with MBCS text followed by its UTF-16 twin (reserved id + size + text)."""
    return _record(rid, mbcs(text, what)) + _record(unicode_rid, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """The decompressed `dir` stream (2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows
    out += _record(0x0002, struct.pack("<I", LCID))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", LCID))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, mbcs(project_name, "the project name"))  # PROJECTNAME
    out += _pair(0x0005, "", 0x0040, "the project description")  # PROJECTDOCSTRING
    out += _pair(0x0006, "", 0x003D, "the help file")  # PROJECTHELPFILEPATH (twice)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: Reserved=4, 1.0
    out += _pair(0x000C, "", 0x003C, "the project constants")  # PROJECTCONSTANTS
    name, libid = OFFICE_REFERENCE
    out += _pair(0x0016, name, 0x003E, "a reference name")  # REFERENCENAME
    lib = mbcs(libid, "a reference")
    registered = struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0)
    out += _record(0x000D, registered)  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _record(0x0019, mbcs(m.name, "a module name"))  # MODULENAME
        out += _record(0x0047, m.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _pair(0x001A, m.name, 0x0032, "a stream name")  # MODULESTREAMNAME
        out += _pair(0x001C, "", 0x0048, "a module description")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if m.kind is ModuleKind.STANDARD else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


UNPROTECTED = struct.pack("<I", 0)  # ProjectProtectionState (2.3.1.15)
NO_PASSWORD = bytes((0x00,))  # ProjectPassword (2.3.1.16)
VISIBLE = bytes((0xFF,))  # ProjectVisibilityState (2.3.1.17)


def project_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """The `PROJECT` stream (2.3.1): unprotected, no password, visible."""
    lines = [f'ID="{PROJECT_ID}"']
    for m in modules:
        if m.kind is ModuleKind.DOCUMENT:
            lines.append(f"Document={m.name}/&H00000000")
        else:
            lines.append(f"{m.kind.value}={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(UNPROTECTED)}"',
        f'DPB="{encrypt(NO_PASSWORD)}"',
        f'GC="{encrypt(VISIBLE)}"',
        "",
        "[Host Extender Info]",
        HOST_EXTENDER,
        "",
    ]
    return mbcs("\r\n".join(lines), "the PROJECT stream")


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """The `PROJECTwm` stream (2.3.3): each module name in MBCS and UTF-16."""
    out = bytearray()
    for m in modules:
        out += mbcs(m.name, "a module name") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def check_source(module: Module) -> None:
    """Refuse source that is not ASCII, naming the line."""
    for number, line in enumerate(module.source.split(b"\n"), start=1):
        bad = next((b for b in line if b > 0x7F), None)
        if bad is not None:
            raise OvbaError(
                f"module {module.name}, line {number}: VBA source must be ASCII (byte 0x{bad:02X});"
                " Japanese text belongs in the ribbon XML or in Python"
            )


VBA_PROJECT_HEADER = bytes((0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00))


def project_streams(project_name: str, modules: Sequence[Module]) -> dict[str, bytes]:
    """Every stream of the VBA project by its path in the compound file."""
    names = [m.name.upper() for m in modules]
    if len(set(names)) != len(names):
        raise OvbaError("two modules have the same name")
    if project_name.upper() in names:
        raise OvbaError(f"the project name {project_name!r} must differ from every module name")
    streams = {
        "PROJECT": project_stream(project_name, modules),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_HEADER,
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for m in modules:
        check_source(m)
        streams[f"VBA/{m.name}"] = compress(m.source)
    return streams
