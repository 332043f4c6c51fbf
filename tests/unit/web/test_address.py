"""``watch --http [HOST:]PORT``: loopback by default; beyond loopback only with a token."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from ingest.web import HttpAddress, check_token_rule, parse_address


@pytest.mark.parametrize(
    ("text", "expected", "loopback"),
    [
        ("8080", HttpAddress("127.0.0.1", 8080), True),
        ("0", HttpAddress("127.0.0.1", 0), True),
        ("localhost:9000", HttpAddress("localhost", 9000), True),
        ("[::1]:9000", HttpAddress("::1", 9000), True),
        ("0.0.0.0:8080", HttpAddress("0.0.0.0", 8080), False),
        ("lab-pc.example.org:8080", HttpAddress("lab-pc.example.org", 8080), False),
    ],
)
def test_addresses_parse_and_know_whether_they_are_loopback(
    text: str, expected: HttpAddress, loopback: bool
) -> None:
    address = parse_address(text)
    assert address == expected
    assert address.loopback is loopback


@pytest.mark.parametrize("text", ["", "http", "127.0.0.1:port", "70000", "1.2.3.4:-1"])
def test_a_bad_address_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ConfigError, match="is not an address to listen on"):
        parse_address(text)


def test_beyond_loopback_a_token_is_required_and_never_shown() -> None:
    with pytest.raises(ConfigError, match="needs a token"):
        check_token_rule(parse_address("0.0.0.0:8080"), None)
    check_token_rule(parse_address("0.0.0.0:8080"), "s3cret")
    check_token_rule(parse_address("8080"), None)
