"""The import path of the parser contract before the ``_plugin`` layout, kept for existing plugins.

Plugins written against earlier releases import ``results_frame`` and the contract from here; new code
imports them from ``parsers`` (see ``docs/writing-a-parser.md``).
"""

from __future__ import annotations

from ingest.contract import FLOAT, INT, METADATA_KEYS, RESULT_COLUMNS, STRING
from parsers._plugin.contract import Parser, validate_parsed
from parsers._plugin.frames import empty_results, results_frame

__all__ = [
    "FLOAT",
    "INT",
    "METADATA_KEYS",
    "RESULT_COLUMNS",
    "STRING",
    "Parser",
    "empty_results",
    "results_frame",
    "validate_parsed",
]
