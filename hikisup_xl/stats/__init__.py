"""年度 statistics.

Pure: `compute` (figures from a workbook), `suppress` (small cells kept back from what is sent
upward), `consolidate` (reading, checking and summing municipal files).
openpyxl: `sheet` and `pivots` (the 集計 sheet: tables, native charts, pivot tables), `upward`
(the file sent upward), `consolidate_book` (the prefecture's workbook).
The job: `report` (its command and button are generated from `hikisup_xl.registry`; the
adapters in `hikisup_xl.jobs.stats`).
"""
