"""``parsers._common.json_document``: a JSON export read once, with errors that say where and what."""

from __future__ import annotations

import codecs
import math
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers._common.json_document import has_json_keys, json_head_text, load_json_object, starts_json_object

SOURCE = "the Acme exporter"


def test_a_bom_or_utf16_is_decoded_and_nan_is_read_as_a_missing_number(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(codecs.BOM_UTF16_LE + '{"area": NaN, "name": "Ü"}'.encode("utf-16-le"))
    document, encoding = load_json_object(path, source=SOURCE)
    assert encoding == "utf-16" and document["name"] == "Ü" and math.isnan(document["area"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "Key 'a' appears twice in one object"),
        ('{"a": [1, 2', f"Expected a complete JSON export from {SOURCE} (is the file truncated?)"),
        ('{"a": Infinity}', "Unable to read the number 'Infinity'"),
        ("[1, 2]", f"The top level of '{{path}}' is a JSON array. Expected a JSON object from {SOURCE}."),
    ],
)
def test_broken_documents_are_parse_errors_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_json_object(path, source=SOURCE)
    assert message.format(path=path) in str(info.value)
    assert str(path) in str(info.value)


def test_sniff_helpers_read_a_cut_utf16_head_and_count_keys_case_insensitively() -> None:
    head = (codecs.BOM_UTF16_LE + '{"SampleSetName": "x", "injectionid": 3'.encode("utf-16-le"))[:-1]
    text = json_head_text(head)
    assert starts_json_object(text)
    assert has_json_keys(text, ("SampleSetName", "InjectionId", "ChannelId"), at_least=2)
    assert not has_json_keys(text, ("SampleSetName", "ChannelId"), at_least=2)
