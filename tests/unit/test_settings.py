from __future__ import annotations

from pathlib import Path

import pytest

from ingest.commands.logs import RedactSecrets
from ingest.errors import ConfigError
from ingest.settings import load_settings, secret_values


def test_defaults_without_benchling() -> None:
    settings = load_settings({})
    assert settings.client is None
    assert settings.ledger_path == Path(".benchling-ingest") / "ledger.sqlite"
    assert settings.map_path == Path("schemas_map.yaml")
    with pytest.raises(ConfigError, match="BENCHLING_URL"):
        settings.require_client()


def test_flags_win_and_work_files_sit_beside_an_explicit_ledger(tmp_path: Path) -> None:
    env = {"BENCHLING_INGEST_MAP": "env.yaml", "BENCHLING_INGEST_WORKERS": "2"}
    settings = load_settings(env, map_path=Path("flag.yaml"), ledger_path=tmp_path / "l.sqlite")
    assert settings.map_path == Path("flag.yaml")
    assert settings.home == tmp_path
    assert settings.workers == 2


def test_bad_workers_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="BENCHLING_INGEST_WORKERS is 'many'"):
        load_settings({"BENCHLING_INGEST_WORKERS": "many"})


def test_benchling_settings_come_from_the_environment_without_leaking_the_key() -> None:
    env = {"BENCHLING_URL": "https://t.benchling.com", "BENCHLING_API_KEY": "sk_SECRETKEY123"}
    settings = load_settings(env)
    assert settings.require_client().base_url.startswith("https://t.benchling.com")
    assert "sk_SECRETKEY123" not in repr(settings)
    assert secret_values(env) == ["sk_SECRETKEY123"]


def test_log_records_are_scrubbed_of_secrets() -> None:
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "key=%s", ("sk_SECRETKEY123",), None)
    RedactSecrets(["sk_SECRETKEY123"]).filter(record)
    assert record.getMessage() == "key=[REDACTED]"
