"""Exchange with the prefecture: roster export and import, and the files they travel in.

Pure logic (which fields may leave, how rows match) lives in `allowlist`, `roster` and
`matching`; `export` and `importer` are the jobs. The file format, its writer and the reader
that does not trust a file (`files/safe_read.py`) are in `hikisup_xl.files`; the commands are
generated from the job declarations (`hikisup_xl.registry`).
"""
