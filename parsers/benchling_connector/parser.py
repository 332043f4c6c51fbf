"""The two connector JSON parsers: Thermo Chromeleon and Waters Empower via Benchling's connectors."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.models import ParsedFile
from parsers.benchling_connector.chromeleon import read_chromeleon
from parsers.benchling_connector.empower import read_empower
from parsers.benchling_connector.reader import decode_head, has_keys, load_document

# Keys only Chromeleon's connector writes (lower case with spaces); two must appear in the head.
_CHROMELEON_KEYS = (
    "injections",
    "injection identifier",
    "injection volume setting",
    "signal name",
    "sequence directory",
    "device information",
)
# Empower field names (CamelCase) from the sample set, injections and channels.
_EMPOWER_KEYS = (
    "SampleSetName",
    "SampleSetId",
    "InjectionId",
    "ChannelId",
    "DateAcquired",
    "SampleSetMethod",
)


def _is_json_object(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("{")


class ChromeleonConnectorJsonParser:
    """Chromeleon 7 results as written by Benchling's Chromeleon connector: one file, many injections.

    One result row per peak per injection and signal; per-injection values (time, type, volume,
    position) are result columns, values every injection shares are also run metadata.
    """

    name: ClassVar[str] = "benchling_connector_chromeleon_json"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def sniff(self, head: bytes, path: Path) -> bool:
        try:
            text = decode_head(head)
            if not _is_json_object(text) or has_keys(text, _EMPOWER_KEYS, at_least=2):
                return False
            return has_keys(text, _CHROMELEON_KEYS, at_least=2)
        except Exception:  # sniff must never raise, whatever the bytes
            return False

    def parse(self, path: Path) -> ParsedFile:
        document, encoding = load_document(path)
        return read_chromeleon(document, file=path, parser=self.name, version=self.version, encoding=encoding)


class EmpowerConnectorJsonParser:
    """Empower 3 results as written by Benchling's Empower connector: a sample set with its injections.

    One result row per peak per processed channel; areas in µV·s and heights in µV as Empower reports.
    A sample set without processed results gives an empty results frame and the channels' traces.
    """

    name: ClassVar[str] = "benchling_connector_empower_json"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def sniff(self, head: bytes, path: Path) -> bool:
        try:
            text = decode_head(head)
            return _is_json_object(text) and has_keys(text, _EMPOWER_KEYS, at_least=2)
        except Exception:  # sniff must never raise, whatever the bytes
            return False

    def parse(self, path: Path) -> ParsedFile:
        document, encoding = load_document(path)
        return read_empower(document, file=path, parser=self.name, version=self.version, encoding=encoding)
