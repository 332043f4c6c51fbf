"""The reading hints a mapping file gives the parsers, in a form two mapping files can be compared by.

The parsers get their hints at start (``ParserRegistry.with_hints``), so a saved mapping that would give
some parser's files other hints needs a restart; any other change (a mapping added, removed or pointed
at other schemas without hint keys of its own) does not. Two mappings give the same hints when, for
every parser either names, the files in every folder get the same ``ParseHints``:
:meth:`SchemaMap.parse_hints` picks the first mapping whose folder glob matches, else the first without
a folder, else the top level, and a mapping's own hint keys win over the top level's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ingest.models import ParseHints
from ingest.resolve import SchemaMap
from ingest.resolve.mapping_file import ParserMapping

#: A parser's hints: those of files in no mapped folder, then (glob, hints) in the order they are tried.
ParserHints = tuple[ParseHints, tuple[tuple[str, ParseHints], ...]]


def hint_changes(old: SchemaMap, new: SchemaMap) -> list[str]:
    """The parsers whose files ``new`` reads with other hints than ``old`` (``*`` stands for the
    top-level hints, which a parser that neither names gets), sorted; empty when no hint changes."""
    before, after = effective_hints(old, new.parsers()), effective_hints(new, old.parsers())
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def effective_hints(schema_map: SchemaMap, also: Iterable[str] = ()) -> dict[str, ParserHints]:
    """Per parser the map names (and those in ``also``), the hints its files get by folder, with the
    folder rules that cannot change them left out; ``*``: the top-level hints."""
    top = _top_level(schema_map)
    hints: dict[str, ParserHints] = {"*": (top, ())}
    for parser in sorted({*schema_map.parsers(), *also}):
        hints[parser] = _parser_hints(schema_map, parser, top)
    return hints


def _parser_hints(schema_map: SchemaMap, parser: str, top: ParseHints) -> ParserHints:
    default = schema_map.parse_hints(parser, None)
    rules: list[tuple[str, ParseHints]] = []
    for mapping in schema_map.mappings:
        if mapping.parser != parser or mapping.folder is None:
            continue
        if any(glob == mapping.folder for glob, _ in rules):
            continue  # an earlier mapping with the same glob always wins
        rules.append((mapping.folder, _own_hints(mapping, top)))
    # Rules at the end that give the folder-less hints change nothing: without them those folders get
    # the same. One in the middle may still hide a later rule, so it stays.
    while rules and rules[-1][1] == default:
        rules.pop()
    return default, tuple(rules)


def _top_level(schema_map: SchemaMap) -> ParseHints:
    names = [f.name for f in dataclasses.fields(ParseHints)]
    return ParseHints(**{name: getattr(schema_map, name) for name in names})


def _own_hints(mapping: ParserMapping, top: ParseHints) -> ParseHints:
    """A mapping's hint keys over the top level's, as :meth:`SchemaMap.parse_hints` combines them."""
    names = [f.name for f in dataclasses.fields(ParseHints)]
    return ParseHints(**{name: getattr(mapping, name) or getattr(top, name) for name in names})
