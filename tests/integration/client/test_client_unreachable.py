"""A refused connection at start is said at once, naming the URL; once Benchling has answered, the same
refusal is transient and retried (a server restarting). Real sockets on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ingest.benchling import ApiKey, BenchlingClient, RetryPolicy
from ingest.errors import BenchlingUnavailableError, BenchlingUnreachableError
from ingest.sandbox import SandboxServer
from tests.integration.client.wire_bodies import ClientFactory


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port bound but not listening: every connection to it is refused, and no one else can take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def test_a_refused_connection_at_start_is_reported_at_once_with_the_url(refusing_port: int) -> None:
    # The default policy: eight tries over minutes if this were retried.
    with BenchlingClient(
        f"http://127.0.0.1:{refusing_port}", ApiKey("any-key"), retry_policy=RetryPolicy()
    ) as client:
        with pytest.raises(BenchlingUnreachableError) as caught:
            client.list_projects()
        stats = client.stats
    assert stats.total_requests == 1 and stats.retries == 0
    message = caught.value.message
    assert f"http://127.0.0.1:{refusing_port}" in message and "could not be reached" in message
    assert "any-key" not in str(caught.value.to_dict())
    assert caught.value.pauses_ingestion


def test_an_unknown_host_at_start_is_reported_at_once() -> None:
    # ".invalid" never resolves (RFC 2606).
    with BenchlingClient("https://tenant.invalid", ApiKey("any-key"), retry_policy=RetryPolicy()) as client:
        with pytest.raises(BenchlingUnreachableError, match=r"https://tenant\.invalid"):
            client.list_projects()
        assert client.stats.retries == 0


def test_once_benchling_answered_a_refused_connection_is_retried(
    sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    client = make_client(
        sandbox, retry_policy=RetryPolicy(initial_backoff=0.01, max_backoff=0.02, jitter=0.0, max_attempts=3)
    )
    assert client.list_projects()
    sandbox.stop()
    with pytest.raises(BenchlingUnavailableError) as caught:
        client.list_projects()
    assert not isinstance(caught.value, BenchlingUnreachableError)
    assert not caught.value.pauses_ingestion
    assert client.stats.retries == 2
