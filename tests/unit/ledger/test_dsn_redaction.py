"""A PostgreSQL URL is shown and logged without its password, however the password is written: libpq
reads a password holding ``#``, ``?``, ``/`` or ``@``, which a URL parser cuts elsewhere."""

from __future__ import annotations

import pytest

from ingest.ledger.location import dsn_secrets, redact_dsn


@pytest.mark.parametrize(
    ("dsn", "password"),
    [
        ("postgresql://ingest:S3cr#tPW@127.0.0.1:1/x", "S3cr#tPW"),
        ("postgresql://ingest:S3cr?tPW@127.0.0.1:1/x", "S3cr?tPW"),
        ("postgresql://ingest:S3/crtPW@db:5432/ledger", "S3/crtPW"),
        ("postgresql://ingest:S3cr@tPW@db/ledger", "S3cr@tPW"),
        ("postgresql://ingest:S3cr%40tPW@db/ledger", "S3cr%40tPW"),
        ("postgres://ingest:plain-secret@db/ledger?sslmode=require", "plain-secret"),
        ("postgresql://db/ledger?user=ingest&Password=S3cr%23tPW", "S3cr%23tPW"),
        ("postgresql://db/ledger?sslpassword=key-S3cret&password=S3cr#tPW", "key-S3cret"),
    ],
)
def test_the_password_is_never_shown_and_always_among_the_secrets(dsn: str, password: str) -> None:
    shown = redact_dsn(dsn)
    assert password not in shown
    assert "S3cr" not in shown
    assert "***" in shown
    assert password in dsn_secrets(dsn)


def test_the_rest_of_the_url_stays_readable() -> None:
    assert redact_dsn("postgresql://ingest:S3cr#tPW@127.0.0.1:5432/ledger") == (
        "postgresql://ingest:***@127.0.0.1:5432/ledger"
    )
    assert redact_dsn("postgresql://ingest@db/ledger?sslmode=require") == (
        "postgresql://ingest@db/ledger?sslmode=require"
    )
    assert dsn_secrets("postgresql://ingest@db/ledger") == []
