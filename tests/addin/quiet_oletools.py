"""olevba and olefile, imported without the deprecation warnings oletools' own imports raise
(pyparsing's enablePackrat rename): the suite runs with warnings as errors."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import olefile
    from oletools.olevba import VBA_Parser, decompress_stream

__all__ = ["VBA_Parser", "decompress_stream", "olefile"]
