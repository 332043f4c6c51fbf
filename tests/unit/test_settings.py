from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingest.commands.logs import RedactSecrets
from ingest.errors import ConfigError
from ingest.settings import default_home, load_settings, secret_values


def test_defaults_without_benchling() -> None:
    settings = load_settings({})
    assert settings.client is None
    assert settings.ledger_path == default_home() / "ledger.sqlite"
    assert settings.map_path == Path("schemas_map.yaml")
    with pytest.raises(ConfigError, match="BENCHLING_URL"):
        settings.require_client()


def test_the_default_ledger_is_in_the_per_user_data_folder_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))  # where platformdirs puts it on Linux
    ledgers = []
    for cwd in (tmp_path / "a", tmp_path / "b" / "deeper"):
        cwd.mkdir(parents=True)
        monkeypatch.chdir(cwd)
        settings = load_settings({})
        ledgers.append(settings.ledger_path)
        assert settings.home.is_absolute() and settings.ledger_path.is_absolute()
    assert ledgers[0] == ledgers[1]
    if sys.platform.startswith("linux"):
        assert ledgers[0] == data_home / "benchling-ingest" / "ledger.sqlite"


def test_relative_overrides_are_made_absolute_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    by_home = load_settings({"BENCHLING_INGEST_HOME": "svc"})
    assert by_home.home == tmp_path / "svc"
    assert by_home.ledger_path == tmp_path / "svc" / "ledger.sqlite"
    by_variable = load_settings({"BENCHLING_INGEST_LEDGER": "state/l.sqlite"})
    assert by_variable.ledger_path == tmp_path / "state" / "l.sqlite"
    assert by_variable.home == tmp_path / "state"
    assert load_settings({}, ledger_path=Path(":memory:")).ledger_path == Path(":memory:")


def test_a_postgresql_ledger_is_shared_and_its_password_stays_out_of_repr() -> None:
    url = "postgresql://ingest:hunter2secret@db.lab:5432/ledger"
    settings = load_settings({"BENCHLING_INGEST_LEDGER": url, "BENCHLING_INGEST_HOST_ID": "lab-pc-7"})
    assert settings.shared_ledger and settings.ledger_dsn == url
    assert settings.host_id == "lab-pc-7"
    assert "hunter2secret" not in repr(settings)
    assert not load_settings({}).shared_ledger
    assert load_settings({}, ledger_path="postgres://h/db").ledger_dsn == "postgres://h/db"


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
