"""What is not the open workbook: the exchange-file format (roster and upward files), the
reader that does not trust a file from elsewhere (`safe_read`), and the writers of new
workbooks (`xlsxout`, and the drawings of the 集計 sheet, the consolidation and their pivot
tables: `reportsheet`, `statsheet`, `consolidation`, `pivots`). `exchange/` and `stats/`
depend on this package, not on each other; it depends on neither.

Every file is saved through the one atomic save, `engine.safety.save_beside`: an exchange
file with `replace=False` (it never replaces a file: it is linked into place) and its own
check when it is encrypted (an OLE container, not a zip; its zip is checked before).
"""
