"""The client's connections over real HTTP on 127.0.0.1: Nagle's delay off, connections kept alive and
reused, many threads sending through one client at once, and the system's proxy settings honoured."""

from __future__ import annotations

import hashlib
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ingest.benchling.connections import environment_proxy, http_transport, socket_options
from ingest.sandbox import SandboxServer
from tests.integration.client.wire_bodies import RUN_SCHEMA, ClientFactory


def test_connections_have_nagle_off_and_are_kept_alive_between_requests(sandbox: SandboxServer) -> None:
    with httpx.Client(base_url=sandbox.api_url, transport=http_transport(4)) as http:
        sockets = []
        for _ in range(3):
            response = http.get("/projects", auth=(sandbox.api_key, ""))
            assert response.status_code == 200
            stream = response.extensions["network_stream"]
            sock = stream.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
            sockets.append(sock.getsockname())
    assert len(set(sockets)) == 1, f"each request opened a connection of its own: {sockets}"


def test_socket_options_are_ones_this_platform_has() -> None:
    options = socket_options()
    assert (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) in options
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        for level, name, value in options:
            probe.setsockopt(level, name, value)  # raises on an option the platform lacks
    finally:
        probe.close()


def test_many_threads_share_one_client(
    sandbox: SandboxServer, make_client: ClientFactory, tmp_path: Path
) -> None:
    """Reads and blob uploads from 8 threads at once: every answer is right, every request counted once,
    every blob stored with the bytes sent."""
    client = make_client(sandbox)
    files = []
    for n in range(24):
        path = tmp_path / f"trace_{n}.csv"
        path.write_bytes(f"time_min,signal\n{n},{n * n}\n".encode() * (50 + n))
        files.append(path)

    def work(n: int) -> tuple[str, str]:
        assert client.get_run_schema(RUN_SCHEMA).id == RUN_SCHEMA
        blob = client.upload_blob(files[n], name=files[n].name, blob_type="RAW_FILE", mime_type="text/csv")
        return blob.id, hashlib.sha256(files[n].read_bytes()).hexdigest()

    with ThreadPoolExecutor(max_workers=8) as pool:
        uploaded = list(pool.map(work, range(len(files))))
    assert len({blob_id for blob_id, _ in uploaded}) == len(files)
    for blob_id, digest in uploaded:
        assert hashlib.sha256(sandbox.blob_bytes(blob_id)).hexdigest() == digest
    sent = client.stats.total_requests
    assert sent == sandbox.request_log.count()
    assert client.stats.retries == 0


def test_the_proxy_the_environment_names_is_used_unless_no_proxy_lists_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    assert environment_proxy("https://tenant.benchling.com/api/v2") == "http://proxy.example:3128"
    assert environment_proxy("https://lims.internal.example/api/v2") is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert environment_proxy("https://tenant.benchling.com/api/v2") is None
