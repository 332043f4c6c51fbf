"""Parser plugins: one folder per export format, the plugin machinery, and helpers shared by formats.

Layout: ``_plugin/`` holds the parser contract, result-frame builders, the loaders and the registry;
``_common/`` the readers several formats share (encodings, numbers, dates, delimited rows, traces, JSON);
every other folder is one export format, named like its parser.

The names below are the package's public surface, for the rest of the project (``from parsers import
discover_parsers``) and for plugin authors (``from parsers import results_frame, read_text``). The
underscored packages may change between releases; these names do not. They are loaded on first use, so
importing this package imports no parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parsers._common.agilent_ch import describe_decoding as describe_signal_decoding
    from parsers._common.dates import DateOrder, DateReader, decide_order, parse_timestamp
    from parsers._common.decoding import DecodedText, decode_bytes, decode_head, read_text
    from parsers._common.numbers import NumberFormat, decide_number_format, parse_number
    from parsers._common.traces import trace_from_points
    from parsers._plugin.contract import NearMiss, Parser, validate_parsed
    from parsers._plugin.entry_points import ENTRY_POINT_GROUP
    from parsers._plugin.frames import ResultColumns, empty_results, results_frame
    from parsers._plugin.registry import ParserEntry, ParserRegistry, discover_parsers

#: Public name -> the private module defining it.
_PUBLIC: dict[str, str] = {
    "ParserEntry": "parsers._plugin.registry",
    "ParserRegistry": "parsers._plugin.registry",
    "discover_parsers": "parsers._plugin.registry",
    "ENTRY_POINT_GROUP": "parsers._plugin.entry_points",
    "Parser": "parsers._plugin.contract",
    "validate_parsed": "parsers._plugin.contract",
    "results_frame": "parsers._plugin.frames",
    "empty_results": "parsers._plugin.frames",
    "ResultColumns": "parsers._plugin.frames",
    "DecodedText": "parsers._common.decoding",
    "decode_bytes": "parsers._common.decoding",
    "decode_head": "parsers._common.decoding",
    "read_text": "parsers._common.decoding",
    "parse_number": "parsers._common.numbers",
    "DateOrder": "parsers._common.dates",
    "decide_order": "parsers._common.dates",
    "parse_timestamp": "parsers._common.dates",
    "trace_from_points": "parsers._common.traces",
    "DateReader": "parsers._common.dates",
    "NumberFormat": "parsers._common.numbers",
    "decide_number_format": "parsers._common.numbers",
    "NearMiss": "parsers._plugin.contract",
    "describe_signal_decoding": "parsers._common.agilent_ch",
}

__all__ = [
    "ENTRY_POINT_GROUP",
    "DateOrder",
    "DateReader",
    "DecodedText",
    "NearMiss",
    "NumberFormat",
    "Parser",
    "ParserEntry",
    "ParserRegistry",
    "ResultColumns",
    "decide_number_format",
    "decide_order",
    "decode_bytes",
    "decode_head",
    "describe_signal_decoding",
    "discover_parsers",
    "empty_results",
    "parse_number",
    "parse_timestamp",
    "read_text",
    "results_frame",
    "trace_from_points",
    "validate_parsed",
]


#: Public names defined under another name in their module.
_RENAMED: dict[str, str] = {"describe_signal_decoding": "describe_decoding"}


def __getattr__(name: str) -> Any:
    # PEP 562: the private module is imported only when one of its public names is first used.
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'parsers' has no attribute {name!r}")
    return getattr(importlib.import_module(module), _RENAMED.get(name, name))
