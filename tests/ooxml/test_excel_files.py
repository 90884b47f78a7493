"""Files Excel itself saved pass the validator: it checks what Excel checks, no more.

The real files are the public test files listed in ../shared/corpus/real-files/MANIFEST.tsv
(Apache POI, LibreOffice, SheetJS test data), each saved by Excel 2007-2016 with tables, pivot
tables, notes, hyperlinks, structured references or mc:Ignorable extensions.
"""

from __future__ import annotations

import os

import pytest

from .schemas import ROOT, require_schemas
from .validator import validate

CORPUS = (ROOT / ".." / "shared" / "corpus" / "real-files").resolve()
EXCEL_SAVED = (
    "sheetjs__pivot_table_test.xlsm",  # Excel 2011 (Mac) pivot with its records
    "poi__TablesWithDifferentHeaders.xlsx",  # three tables
    "poi__StructuredRefs-lots-with-lookups.xlsx",  # Excel 2016, xml:space on <v>
    "poi__StructuredReferences.xlsx",
    "poi__simple-table-named-range.xlsx",  # a table and a defined name
    "poi__DataValidationEvaluations.xlsx",  # x14 extensions in extLst
    "poi__SimpleWithComments.xlsx",  # notes: comments + VML
    "poi__ExcelWithHyperlinks.xlsx",
    "lo__format-as-table.xlsx",
    "lo__shapes.xlsx",  # drawing with shapes
    "sheetjs__phonetic_text.xlsx",  # furigana (rPh, phoneticPr) in plain and rich strings
    "exstruct__ja_form.xlsx",  # a Japanese form: furigana on most strings and on the sheet
)


@pytest.mark.parametrize("name", EXCEL_SAVED)
def test_a_file_excel_saved_has_no_findings(name: str) -> None:
    require_schemas()
    path = CORPUS / name
    if not path.is_file():
        reason = f"real-file corpus not found at {CORPUS}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    assert validate(path) == []
