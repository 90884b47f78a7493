"""Exchange with the prefecture: roster export and import, and the files they travel in.

Pure logic (which fields may leave, how rows match) lives in `allowlist`, `roster` and
`matching`; `fileformat` names the parts of an exchange file; `xlsxout` writes one and
`safe_read` reads one without trusting it; `export` and `importer` are the actions; `commands`
holds the click commands.
"""
