"""How the client connects: one pool of kept-alive connections per client, each without Nagle's delay,
through the proxy the system names for the tenant."""

from __future__ import annotations

import socket
import urllib.request
from urllib.parse import urlsplit

import httpx

#: Requests in flight at once, and connections kept open for the next ones: enough for the service's
#: workers and a backfill's uploads together (``max_connections`` sizes it per client).
DEFAULT_MAX_CONNECTIONS = 10


def socket_options() -> list[tuple[int, int, int]]:
    """Options for every connection: no Nagle delay, and keep-alive probes for idle pooled connections.

    Without ``TCP_NODELAY`` a small request written in two pieces (headers, then body) waits for the
    server's delayed ACK (~40 ms on Linux) before its second piece leaves. Keep-alive probes notice a
    pooled connection a middlebox dropped. The idle/interval knobs exist only on some platforms (Linux,
    recent Windows and macOS); where they do not, the system's defaults apply.
    """
    options = [
        (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),
        (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
    ]
    for name, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 15)):
        option = getattr(socket, name, None)
        if option is not None:
            options.append((socket.IPPROTO_TCP, option, value))
    return options


def environment_proxy(url: str) -> str | None:
    """The proxy the system names for ``url`` (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, or the
    Windows/macOS settings; ``NO_PROXY`` honoured), or None to connect directly.

    httpx reads these itself only for a client without a transport of its own; the client talks to one
    host, so choosing once for it here keeps a proxied network working with ``http_transport``.
    """
    parts = urlsplit(url)
    host = parts.hostname
    if not host or urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


def http_transport(max_connections: int, proxy: str | None = None) -> httpx.HTTPTransport:
    """The network transport: TLS verified, ``socket_options``, a pool of ``max_connections`` connections
    all kept alive between requests (a pool smaller than the threads sending would make them queue)."""
    return httpx.HTTPTransport(
        verify=True,
        proxy=proxy,
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
        ),
        socket_options=socket_options(),
    )
