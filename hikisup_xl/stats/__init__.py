"""年度 statistics.

Pure: `compute` (figures from a workbook), `suppress` (small cells kept back from what is sent
upward), `consolidate` (reading, checking and summing municipal files).
What the new workbooks show, as rows by column key: `sheet` (the 集計 sheet), `upward` (the file
sent upward), `consolidate_book` (the prefecture's workbook); the files layer draws them
(`hikisup_xl.files`: statsheet, consolidation, pivots). Nothing here imports openpyxl.
The job: `report` (its command and button are generated from `hikisup_xl.registry`; the
adapters in `hikisup_xl.jobs.stats`).
"""
