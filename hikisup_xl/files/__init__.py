"""What is not the open workbook: the exchange-file format (roster and upward files) and the
writer of new workbooks. Every file is saved through the one atomic save of engine/safety.
`exchange/` and `stats/` depend on this package, not on each other."""
