"""The official forms (様式 資料2–9 and two letters) as print-ready A4 sheets and PDFs.

Layouts are data (`layout.py`), one module per form; `render.py` writes them as .xlsx,
`pdf.py` prints them through Excel or LibreOffice, `action.py` is the ribbon/CLI action.
"""
