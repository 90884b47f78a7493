"""What is not the open workbook: the exchange-file format (roster and upward files) and the
writer of new exchange workbooks. `exchange/` and `stats/` depend on this package, not on each
other.

`xlsxout.save_exchange` still writes through its own temporary file: the one atomic save
(`engine.safety.save_beside`) checks the result is a zip, which an encrypted file (an OLE
container) is not, and it replaces an existing file, which an exchange file must never do.
"""
