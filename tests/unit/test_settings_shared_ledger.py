"""Settings for a ledger shared by several hosts: a ``postgresql://`` URL from the flag or the
environment, the host id, the lease, and the URL's password kept out of every printable form."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.settings import default_home, load_settings

DSN = "postgresql://ingest:s3cret@db.lab:5432/ledger"


def test_a_postgres_url_in_the_environment_is_the_ledger() -> None:
    settings = load_settings({"BENCHLING_INGEST_LEDGER": DSN, "BENCHLING_INGEST_HOST_ID": "hplc-2"})
    assert settings.ledger_location == DSN
    assert settings.ledger_name == "postgresql://ingest:***@db.lab:5432/ledger"
    assert settings.host_id == "hplc-2"
    assert settings.lease_seconds == 60.0
    # Work files stay local, in the per-user home.
    assert settings.ledger_path == default_home() / "ledger.sqlite" and settings.home == default_home()


def test_the_flag_wins_over_the_environment_either_way(tmp_path: Path) -> None:
    file_flag = load_settings({"BENCHLING_INGEST_LEDGER": DSN}, ledger_path=tmp_path / "l.sqlite")
    assert file_flag.ledger_location == tmp_path / "l.sqlite"
    url_flag = load_settings({"BENCHLING_INGEST_LEDGER": str(tmp_path / "env.sqlite")}, ledger_path=DSN)
    assert url_flag.ledger_location == DSN
    assert load_settings({}, ledger_path="postgres://h/db").ledger_location == "postgres://h/db"


def test_the_password_is_in_no_repr() -> None:
    settings = load_settings({"BENCHLING_INGEST_LEDGER": DSN})
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in str(settings)


def test_host_id_defaults_to_the_machine_and_the_lease_is_checked() -> None:
    assert load_settings({}).host_id
    assert load_settings({"BENCHLING_INGEST_LEASE_SECONDS": "7.5"}).lease_seconds == 7.5
    with pytest.raises(ConfigError, match="BENCHLING_INGEST_LEASE_SECONDS is '0'"):
        load_settings({"BENCHLING_INGEST_LEASE_SECONDS": "0"})
    with pytest.raises(ConfigError, match="BENCHLING_INGEST_LEASE_SECONDS is 'soon'"):
        load_settings({"BENCHLING_INGEST_LEASE_SECONDS": "soon"})


def test_the_password_is_among_the_values_logs_never_show() -> None:
    from ingest.settings import secret_values

    assert "s3cret" in secret_values({"BENCHLING_INGEST_LEDGER": DSN})
    encoded = "postgresql://ingest:p%40ss@db/ledger?sslpassword=key-pass"
    assert set(secret_values({"BENCHLING_INGEST_LEDGER": encoded})) == {"p%40ss", "p@ss", "key-pass"}
    assert secret_values({"BENCHLING_INGEST_LEDGER": "/var/lib/ledger.sqlite"}) == []
