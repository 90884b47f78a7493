"""Exchange with the prefecture: roster export and import, and the files they travel in.

Pure logic (which fields may leave, how rows match) lives in `allowlist`, `roster` and
`matching`; `safe_read` reads an exchange file without trusting it; `export` and `importer` are
the jobs. The file format and its writer are in `hikisup_xl.files`; the commands are generated
from the job declarations (`hikisup_xl.registry`).
"""
