"""Variables swapped or mistyped by an operator: the error names the variable and what was expected, and
never shows a value that looks like a key (BENCHLING_URL and BENCHLING_API_KEY swapped would otherwise
print the key on the console and in service logs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.benchling import ClientSettings
from ingest.errors import ConfigError, shown_setting
from ingest.settings import load_settings

KEY = "sk_Abc123Def456Ghi789Jkl0"


def error_for(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        ClientSettings.from_env(environ)
    return caught.value.message


def test_url_and_key_swapped_says_so_without_showing_the_key() -> None:
    message = error_for({"BENCHLING_URL": KEY, "BENCHLING_API_KEY": "https://tenant.benchling.com"})
    assert "BENCHLING_URL" in message and "swapped" in message
    assert KEY not in message and KEY[:8] not in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [("BENCHLING_RATE_LIMIT", KEY), ("BENCHLING_RESULTS_PER_HOUR", KEY)],
)
def test_a_key_in_another_client_variable_is_not_shown(variable: str, value: str) -> None:
    environ = {"BENCHLING_URL": "https://tenant.benchling.com", "BENCHLING_API_KEY": "sk_x", variable: value}
    message = error_for(environ)
    assert variable in message and KEY not in message


@pytest.mark.parametrize("variable", ["BENCHLING_INGEST_WORKERS", "BENCHLING_INGEST_LEASE_SECONDS"])
def test_a_key_in_a_pipeline_variable_is_not_shown(variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: KEY})
    assert variable in caught.value.message and KEY not in caught.value.message


def test_a_url_carrying_credentials_is_refused_without_showing_them() -> None:
    message = error_for(
        {"BENCHLING_URL": "https://me:hunter2@tenant.benchling.com", "BENCHLING_API_KEY": "k"}
    )
    assert "user name or password" in message and "hunter2" not in message


def test_a_mistyped_url_is_shown_to_help_find_the_typo() -> None:
    message = error_for({"BENCHLING_URL": "htps://tenant.benchling.com", "BENCHLING_API_KEY": "k"})
    assert "'htps://tenant.benchling.com'" in message and "swapped" not in message


@pytest.mark.parametrize(
    ("value", "shown"),
    [("many", True), ("60 per 30", True), ("0", True), (KEY, False), ("sk_short", False), ("x" * 90, False)],
)
def test_values_are_shown_unless_they_look_like_keys(value: str, shown: bool) -> None:
    assert (repr(value) == shown_setting(value)) is shown


@pytest.mark.parametrize(
    "url", [f"htps://tenant.benchling.com/{KEY}", "htps://me:hunter2@tenant.benchling.com"]
)
def test_a_bad_url_shows_its_host_but_not_a_key_or_password_in_it(url: str) -> None:
    message = error_for({"BENCHLING_URL": url, "BENCHLING_API_KEY": "k"})
    assert "'htps://tenant.benchling.com'" in message
    assert KEY not in message and "hunter2" not in message


@pytest.mark.parametrize("form", ["variable", "flag"])
def test_a_keyword_connection_string_as_the_ledger_is_refused_without_showing_it(
    form: str, tmp_path: Path
) -> None:
    # libpq's other form, pasted from a DBA's note: before, it became a SQLite file name, printed whole.
    value = "host=db user=ingest password=S3cretPW dbname=ledger"
    with pytest.raises(ConfigError) as caught:
        if form == "variable":
            load_settings({"BENCHLING_INGEST_LEDGER": value}, home=tmp_path)
        else:
            load_settings({}, ledger_path=value, home=tmp_path)
    assert "S3cretPW" not in str(caught.value)
    assert "postgresql://" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_with_an_equals_sign_is_still_a_file(tmp_path: Path) -> None:
    settings = load_settings({"BENCHLING_INGEST_LEDGER": str(tmp_path / "run=1.sqlite")}, home=tmp_path)
    assert settings.ledger_location == tmp_path / "run=1.sqlite"
