"""The reading Japanese Excel keeps with typed text: the phonetic runs of a string.

When a clerk types 山田 through the IME, Excel stores the keys typed with it:
`<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>` (in the
shared strings, or in an inline string). calamine and openpyxl hand over the base text only;
this module reads the runs, as `=PHONETIC()` shows them: each run's text in place of the
characters it covers (sb..eb), the other characters as they are. A string without a run has
no reading (its text was pasted or written by a program, not typed).

The file engines use it on the package they read; the live engine asks Excel
(`Range.Phonetic`), one call per cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]

from .ooxml import MAIN_NS, Element, Package, WorkbookInfo, parse_ref

_SI = f"{{{MAIN_NS}}}si"
_C = f"{{{MAIN_NS}}}c"
_T = f"{{{MAIN_NS}}}t"
_R = f"{{{MAIN_NS}}}r"
_RPH = f"{{{MAIN_NS}}}rPh"
_V = f"{{{MAIN_NS}}}v"
_IS = f"{{{MAIN_NS}}}is"


def _stream(data: bytes, tag: str) -> Iterator[tuple[str, Element]]:
    return etree.iterparse(  # type: ignore[no-any-return]
        io.BytesIO(data),
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )


def reading_of(string: Element) -> str | None:
    """The reading of one <si> or <is>: None when it has no phonetic run."""
    base = "".join(t.text or "" for t in string.iter(_T) if t.getparent().tag in (_SI, _IS, _R))
    runs: list[tuple[int, int, str]] = []
    for rph in string.iter(_RPH):
        try:
            sb, eb = int(rph.get("sb", "")), int(rph.get("eb", ""))
        except ValueError:
            continue
        runs.append((sb, eb, "".join(t.text or "" for t in rph.iter(_T))))
    if not runs:
        return None
    out, at = [], 0
    for sb, eb, reading in sorted(runs):
        if sb < at or eb < sb or eb > len(base):
            continue  # an overlapping or out-of-range run: skip it, as Excel shows it
        out.append(base[at:sb])
        out.append(reading)
        at = eb
    out.append(base[at:])
    return "".join(out)


def shared_readings(data: bytes | None) -> dict[int, str]:
    """Reading of each shared string that has one, by its index."""
    if data is None:
        return {}
    out: dict[int, str] = {}
    for index, (_, si) in enumerate(_stream(data, _SI)):
        reading = reading_of(si)
        if reading is not None:
            out[index] = reading
        si.clear()
    return out


def column_readings(
    pkg: Package, wb: WorkbookInfo, sheet: str, column: int, rows: set[int]
) -> dict[int, str]:
    """Sheet row -> reading for the cells of `column` (1-based) in `rows` that have one."""
    info = wb.sheets.get(sheet)
    if info is None or not rows:
        return {}
    strings = shared_readings(pkg.read(wb.strings_part) if wb.strings_part else None)
    out: dict[int, str] = {}
    for _, c in _stream(pkg.read(info.part), _C):
        ref = c.get("r")
        if ref:
            row, col = parse_ref(ref)
            if col == column and row in rows:
                reading = _cell_reading(c, strings)
                if reading is not None:
                    out[row] = reading
        c.clear()
    return out


def _cell_reading(c: Element, strings: dict[int, str]) -> str | None:
    kind = c.get("t")
    if kind == "s":
        v = c.find(_V)
        try:
            return strings.get(int((v.text or "").strip())) if v is not None else None
        except ValueError:
            return None
    if kind == "inlineStr":
        string = c.find(_IS)
        return reading_of(string) if string is not None else None
    return None
