"""Cell formats in styles.xml: which are dates, and the few new ones the patch engine needs.

A cell's `s` attribute indexes `cellXfs`; each xf names a number format (built in, or defined
in `numFmts`), a font, a fill, a border and a named cell style. The engine asks:

* is this cell's format a date, a time, a date and time or a duration? (to turn a serial read
  as a plain number into a date, as openpyxl would, and to give a written date a date format);
* the same format with another number format, or as a link (the built-in "Hyperlink" style's
  blue underlined font), or back without the link look. Each is found among the existing xfs
  or appended once; styles.xml is rewritten only if something was appended.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Literal

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from .ooxml import Element, local, q, to_bytes

DateKind = Literal["date", "time", "datetime", "duration"]

# ECMA-376 18.8.30: formats with an id and no numFmt element.
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
# Ids whose format depends on the locale; these are what Japanese Excel shows for them.
EAST_ASIAN_FORMATS: dict[int, str] = {
    27: "[$-411]ge.m.d",
    28: '[$-411]ggge"年"m"月"d"日"',
    29: '[$-411]ggge"年"m"月"d"日"',
    30: "m/d/yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"時"mm"分"',
    33: 'h"時"mm"分"ss"秒"',
    34: 'yyyy"年"m"月"',
    35: 'm"月"d"日"',
    36: "[$-411]ge.m.d",
    50: "[$-411]ge.m.d",
    51: '[$-411]ggge"年"m"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: '[$-411]ggge"年"m"月"d"日"',
    55: 'yyyy"年"m"月"',
    56: 'm"月"d"日"',
    57: "[$-411]ge.m.d",
    58: '[$-411]ggge"年"m"月"d"日"',
}
_BUILTIN_IDS = {code: i for i, code in BUILTIN_FORMATS.items()}
FIRST_CUSTOM_ID = 164
HYPERLINK_COLOR = "FF0563C1"  # Office's hyperlink blue
HYPERLINK_NAMES = ("Hyperlink", "ハイパーリンク")
STYLESHEET_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
FONT_ORDER = (
    "b",
    "i",
    "strike",
    "condense",
    "extend",
    "outline",
    "shadow",
    "u",
    "vertAlign",
    "sz",
    "color",
    "name",
    "family",
    "charset",
    "scheme",
)

_QUOTED = re.compile(r'"[^"]*"')
_ESCAPED = re.compile(r"\\.|_.|\*.")
_BRACKET = re.compile(r"\[[^\]]*\]")
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_EXPONENT = re.compile(r"e[+-]")


def _tokens(code: str) -> tuple[str, bool]:
    """The first section of a format without literals and [..] codes; and whether it is elapsed."""
    section = _ESCAPED.sub("", _QUOTED.sub("", code)).split(";")[0]
    elapsed = _ELAPSED.search(section) is not None
    section = _BRACKET.sub("", section).lower().replace("general", "")
    return _EXPONENT.sub("", section), elapsed


@lru_cache(maxsize=256)
def classify(code: str) -> DateKind | None:
    """What a number format shows a serial as: a date, a time, both, a duration or a number.

    Japanese era (g, e) and weekday (aaa) codes count as dates, as in Excel.
    """
    tokens, elapsed = _tokens(code)
    if elapsed:
        return "duration"
    ampm = "am/pm" in tokens or "a/p" in tokens
    tokens = tokens.replace("am/pm", "").replace("a/p", "")
    has_time = ampm or "h" in tokens or "s" in tokens
    has_date = any(ch in tokens for ch in "ydgea") or ("m" in tokens and not has_time)
    if has_date and has_time:
        return "datetime"
    if has_date:
        return "date"
    if has_time:
        return "time"
    return None


def calamine_sees_date(code: str) -> bool:
    """Whether python-calamine converts a serial in this format (it looks for y, m, d, h, s).

    Era-only or weekday-only formats (`ggge"年"`, `aaa`) are dates to Excel but plain numbers
    to calamine (and openpyxl); the engine converts those itself.
    """
    tokens, elapsed = _tokens(code)
    return elapsed or any(ch in tokens for ch in "ymdhs")


class StyleBook:
    """styles.xml, parsed once; new formats are appended and the part marked changed."""

    def __init__(self, root: Element | None) -> None:
        self.root = root
        self.changed = False
        self._custom: dict[int, str] = {}
        self._xfs: list[Element] = []
        self._keys: dict[tuple[object, ...], int] | None = None
        self._link_of: dict[int, int] = {}
        self._plain_of: dict[int, int] = {}
        self._named: dict[bool, set[str]] = {}  # xfIds of the Normal / Hyperlink cell styles
        if root is None:
            return
        numfmts = root.find(q("numFmts"))
        for el in numfmts if numfmts is not None else ():
            if local(el.tag) == "numFmt" and el.get("numFmtId", "").isdigit():
                self._custom[int(el.get("numFmtId"))] = el.get("formatCode", "")
        xfs = root.find(q("cellXfs"))
        if xfs is not None:
            self._xfs = [el for el in xfs if local(el.tag) == "xf"]

    # -- reading ---------------------------------------------------------------------------
    def _xf(self, s: int | None) -> Element | None:
        if not self._xfs:
            return None
        index = s or 0
        return self._xfs[index] if 0 <= index < len(self._xfs) else self._xfs[0]

    def format_id(self, s: int | None) -> int:
        xf = self._xf(s)
        value = xf.get("numFmtId", "0") if xf is not None else "0"
        return int(value) if value.isdigit() else 0

    def format_code(self, s: int | None) -> str:
        fid = self.format_id(s)
        if fid in self._custom:
            return self._custom[fid]
        return BUILTIN_FORMATS.get(fid) or EAST_ASIAN_FORMATS.get(fid) or "General"

    def kind(self, s: int | None) -> DateKind | None:
        return classify(self.format_code(s))

    def hidden_dates(self) -> dict[int, DateKind]:
        """Styles that show a date that python-calamine reads as a plain number."""
        out: dict[int, DateKind] = {}
        for index in range(len(self._xfs)):
            fid = self.format_id(index)
            if fid not in self._custom:
                continue  # built-in ids are known to calamine
            code = self._custom[fid]
            kind = classify(code)
            if kind is not None and not calamine_sees_date(code):
                out[index] = kind
        return out

    def is_link(self, s: int | None) -> bool:
        xf = self._xf(s)
        return xf is not None and xf.get("xfId", "0") in self._named_xf_ids(link=True)

    # -- variants --------------------------------------------------------------------------
    def with_format(self, s: int | None, code: str) -> int | None:
        """`s` showing numbers in `code` (a new xf only if none matches)."""
        base = self._xf(s)
        if base is None or self.format_code(s) == code:
            return s
        candidate = copy.deepcopy(base)
        candidate.set("numFmtId", str(self._format_id_for(code)))
        candidate.set("applyNumberFormat", "1")
        return self._index_of(candidate)

    def link(self, s: int | None) -> int | None:
        """`s` with the Hyperlink cell style (blue, underlined), as Excel does for a link."""
        base = self._xf(s)
        if base is None or self.root is None or self.is_link(s):
            return s
        key = s or 0
        if key not in self._link_of:
            candidate = copy.deepcopy(base)
            font = self._font(base.get("fontId", "0"))
            candidate.set("fontId", str(self._font_index(_link_font(font))))
            candidate.set("applyFont", "1")
            candidate.set("xfId", str(self._link_style_xf()))
            index = self._index_of(candidate)
            self._link_of[key] = index
            self._plain_of[index] = key
        return self._link_of[key]

    def plain(self, s: int | None) -> int | None:
        """`s` without the Hyperlink cell style (for a cell that no longer holds a link)."""
        base = self._xf(s)
        if base is None or not self.is_link(s):
            return s
        key = s or 0
        if key not in self._plain_of:
            normal = self._normal_style_xf()
            styles_xfs = self._existing("cellStyleXfs")
            named = [el for el in styles_xfs] if styles_xfs is not None else []
            font = named[normal].get("fontId", "0") if normal < len(named) else "0"
            candidate = copy.deepcopy(base)
            candidate.set("fontId", font)
            candidate.set("xfId", str(normal))
            candidate.attrib.pop("applyFont", None)
            self._plain_of[key] = self._index_of(candidate)
        return self._plain_of[key]

    def to_bytes(self) -> bytes:
        return to_bytes(self.root)

    # -- helpers ---------------------------------------------------------------------------
    def _existing(self, name: str) -> Element | None:
        return None if self.root is None else self.root.find(q(name))

    def _container(self, name: str) -> Element:
        assert self.root is not None
        el = self.root.find(q(name))
        if el is None:
            el = etree.Element(q(name))
            rank = STYLESHEET_ORDER.index(name)
            for i, child in enumerate(self.root):
                other = local(child.tag)
                if other in STYLESHEET_ORDER and STYLESHEET_ORDER.index(other) > rank:
                    self.root.insert(i, el)
                    break
            else:
                self.root.append(el)
        return el

    def _append(self, container: str, child: Element) -> int:
        parent = self._container(container)
        parent.append(child)
        count = len([el for el in parent if isinstance(el.tag, str)])
        parent.set("count", str(count))
        self.changed = True
        return count - 1

    def _format_id_for(self, code: str) -> int:
        if code in _BUILTIN_IDS:
            return _BUILTIN_IDS[code]
        for fid, existing in self._custom.items():
            if existing == code:
                return fid
        fid = max([FIRST_CUSTOM_ID - 1, *self._custom]) + 1
        self._append("numFmts", etree.Element(q("numFmt"), numFmtId=str(fid), formatCode=code))
        self._custom[fid] = code
        return fid

    def _index_of(self, xf: Element) -> int:
        if self._keys is None:
            self._keys = {}
            for i, el in enumerate(self._xfs):
                self._keys.setdefault(_xf_key(el), i)
        key = _xf_key(xf)
        if key not in self._keys:
            index = self._append("cellXfs", xf)
            self._xfs.append(xf)
            self._keys[key] = index
        return self._keys[key]

    def _font(self, font_id: str) -> Element:
        fonts = self._existing("fonts")
        items = [el for el in fonts if local(el.tag) == "font"] if fonts is not None else []
        index = int(font_id) if font_id.isdigit() else 0
        if 0 <= index < len(items):
            return items[index]
        return items[0] if items else etree.Element(q("font"))

    def _font_index(self, font: Element) -> int:
        fonts = self._container("fonts")
        wanted = _canonical(font)
        for i, el in enumerate(el for el in fonts if local(el.tag) == "font"):
            if _canonical(el) == wanted:
                return i
        return self._append("fonts", font)

    def _named_xf_ids(self, *, link: bool) -> set[str]:
        if link not in self._named:
            self._named[link] = self._find_named(link=link)
        return self._named[link]

    def _find_named(self, *, link: bool) -> set[str]:
        styles = self._existing("cellStyles")
        out: set[str] = set()
        for el in styles if styles is not None else ():
            builtin = el.get("builtinId")
            hit = (builtin == "8" or el.get("name") in HYPERLINK_NAMES) if link else builtin == "0"
            if hit:
                out.add(el.get("xfId", "0"))
        return out

    def _normal_style_xf(self) -> int:
        ids = sorted(int(i) for i in self._named_xf_ids(link=False) if i.isdigit())
        return ids[0] if ids else 0

    def _link_style_xf(self) -> int:
        ids = sorted(int(i) for i in self._named_xf_ids(link=True) if i.isdigit())
        if ids:
            return ids[0]
        styles_xfs = self._container("cellStyleXfs")
        named = [el for el in styles_xfs if local(el.tag) == "xf"]
        normal = self._normal_style_xf()
        font_id = named[normal].get("fontId", "0") if normal < len(named) else "0"
        link_font = self._font_index(_link_font(self._font(font_id)))
        if not named:  # a style sheet without Normal: add it first, so xfId 0 stays Normal
            self._append(
                "cellStyleXfs",
                etree.Element(q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0"),
            )
            self._append("cellStyles", _cell_style("Normal", 0, 0))
            self._named.clear()
        index = self._append(
            "cellStyleXfs",
            etree.Element(
                q("xf"),
                numFmtId="0",
                fontId=str(link_font),
                fillId="0",
                borderId="0",
                applyNumberFormat="0",
                applyFill="0",
                applyBorder="0",
                applyAlignment="0",
                applyProtection="0",
            ),
        )
        self._append("cellStyles", _cell_style("Hyperlink", index, 8))
        self._named.clear()
        return index


def _cell_style(name: str, xf_id: int, builtin: int) -> Element:
    return etree.Element(q("cellStyle"), name=name, xfId=str(xf_id), builtinId=str(builtin))


def _link_font(font: Element) -> Element:
    out = copy.deepcopy(font)
    for child in list(out):
        if local(child.tag) in ("u", "color"):
            out.remove(child)
    for name, attrs in (("u", {}), ("color", {"rgb": HYPERLINK_COLOR})):
        el = etree.Element(q(name), attrs)
        rank = FONT_ORDER.index(name)
        for i, child in enumerate(out):
            other = local(child.tag)
            if other in FONT_ORDER and FONT_ORDER.index(other) > rank:
                out.insert(i, el)
                break
        else:
            out.append(el)
    return out


def _canonical(el: Element) -> bytes:
    return bytes(etree.tostring(el, method="c14n", exclusive=True))


_XF_DEFAULTS = {
    "numFmtId": "0",
    "fontId": "0",
    "fillId": "0",
    "borderId": "0",
    "xfId": "0",
    "quotePrefix": "0",
    "pivotButton": "0",
}


def _xf_key(el: Element) -> tuple[object, ...]:
    """An xf's meaning: attribute defaults spelled out, children canonical."""
    attrs = dict(_XF_DEFAULTS)
    for name, value in el.attrib.items():
        attrs[name] = {"true": "1", "false": "0"}.get(value, value)
    for name in [a for a in attrs if a.startswith("apply")]:
        if attrs[name] == "1":
            del attrs[name]  # applying is what an xf without the flag does
    children = tuple(_canonical(child) for child in el if isinstance(child.tag, str))
    return (tuple(sorted(attrs.items())), children)
