"""The direct .xlsx writer of the forms: valid parts, hostile text, what LibreOffice relies on."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from forms_helpers import SETTINGS, TODAY
from lxml import etree
from openpyxl import load_workbook

from hikisup_xl.forms import certificate, roster
from hikisup_xl.forms.layout import Sheet
from hikisup_xl.forms.records import Context, Graduate
from hikisup_xl.forms.render import render

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "ooxml" / "schemas" / "all.xsd"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CTX = Context(SETTINGS, TODAY, seal_box=False)
HOSTILE = "山田\x07<b>&amp;]]>\x1b太郎\u3000"


def _certificate(name: str, number: str = "001") -> Sheet:
    return certificate.sheet(Graduate(number, name, dt.date(2025, 7, 10), None), CTX)


def test_control_characters_and_markup_in_a_name_are_written_safely(tmp_path: Path) -> None:
    path = tmp_path / "forms.xlsx"
    render([_certificate(HOSTILE)]).save(path)
    ws = load_workbook(path).worksheets[0]
    texts = {c.value for row in ws.iter_rows() for c in row if c.value}
    # The bell and escape characters cannot be stored in XML: dropped, the rest kept verbatim.
    assert "山田<b>&amp;]]>太郎\u3000" in texts


def test_every_part_is_valid_against_the_ooxml_schemas(tmp_path: Path) -> None:
    if not SCHEMAS.exists():
        pytest.skip(f"the OOXML schemas are not at {SCHEMAS}")
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS)))
    path = tmp_path / "forms.xlsx"
    sheets = [_certificate(" 先頭に空白"), roster.sheets([], CTX)[0]]
    render(sheets, title="修了証書（資料3）").save(path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        for name in names:
            doc = etree.fromstring(z.read(name))
            for t in doc.iter(f"{{{MAIN}}}t"):  # Excel's own mark, which sml.xsd does not list
                t.attrib.pop(XML_SPACE, None)
            assert schema.validate(doc), f"{name}: {schema.error_log.last_error}"
    assert "xl/worksheets/sheet2.xml" in names


def test_the_package_says_excel_compatible_and_carries_the_title(tmp_path: Path) -> None:
    path = tmp_path / "forms.xlsx"
    render([_certificate("山田　太郎")], title="修了証書（資料3）").save(path)
    with zipfile.ZipFile(path) as z:
        app = z.read("docProps/app.xml").decode()
    # LibreOffice prints rows at Excel's heights only for an application named so.
    assert "<Application>Microsoft Excel" in app
    wb = load_workbook(path)
    assert wb.properties.title == "修了証書（資料3）"
    assert wb.properties.creator == "hikisup_xl"


def test_styles_are_shared_not_repeated_per_sheet(tmp_path: Path) -> None:
    one, many = tmp_path / "one.xlsx", tmp_path / "many.xlsx"
    render([_certificate("山田　太郎")]).save(one)
    render([_certificate(f"受講者{n}", f"{n:03d}") for n in range(50)]).save(many)
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(many) as b:
        assert a.read("xl/styles.xml") == b.read("xl/styles.xml")
        assert len(b.namelist()) == len(a.namelist()) + 49
