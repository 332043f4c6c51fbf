"""Where ``watch --http`` listens: ``PORT`` or ``HOST:PORT`` (``[::1]:PORT`` for IPv6), loopback by
default. Anything but a loopback address needs a token: the page shows file names and folder paths,
and the token is what guards retries from it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ingest.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class HttpAddress:
    host: str
    port: int

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False  # a host name other than localhost may resolve to anything

    def url(self, port: int | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port if port is None else port}"


def parse_address(text: str) -> HttpAddress:
    """``8080`` → 127.0.0.1:8080; ``0.0.0.0:8080``; ``[::1]:8080``. ConfigError naming the value."""
    value = text.strip()
    host, sep, port_text = value.rpartition(":")
    if not sep:
        host, port_text = DEFAULT_HOST, value
    host = host.strip("[]") or DEFAULT_HOST
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise ConfigError(
            f"--http '{text}' is not an address to listen on. Expected PORT or HOST:PORT with a port "
            "from 0 to 65535 (0: any free port), e.g. 8080 or 0.0.0.0:8080."
        )
    return HttpAddress(host, port)


def check_token_rule(address: HttpAddress, token: str | None) -> None:
    """ConfigError when a non-loopback address has no token (the token itself is never shown)."""
    if not address.loopback and not token:
        raise ConfigError(
            f"--http {address.host}:{address.port} listens beyond this machine, which needs a token: "
            "set --http-token or BENCHLING_INGEST_HTTP_TOKEN (or listen on 127.0.0.1)."
        )
