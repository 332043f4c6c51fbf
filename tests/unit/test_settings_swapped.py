"""Variables swapped or mistyped by an operator: the error names the variable and what was expected, and
never shows a value that looks like a key (BENCHLING_URL and BENCHLING_API_KEY swapped would otherwise
print the key on the console and in service logs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.benchling import ClientSettings
from ingest.errors import ConfigError, ParseError, shown_setting
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


@pytest.mark.parametrize(
    "password",
    ["pw#Rt?u/v@9XyJ", "S3cr@tPW", "S3/crtPW", "S3cr tPW"],
    ids=["query and slash and at", "at", "slash", "space"],
)
def test_a_ledger_url_libpq_would_misread_is_refused_without_showing_it(
    password: str, tmp_path: Path
) -> None:
    """libpq reads such a password partly as the host, port, database or query, and its errors quote
    that part: the URL is refused before anything connects with it, with how to write it."""
    url = f"postgresql://ingest:{password}@127.0.0.1:5432/ledger"
    with pytest.raises(ConfigError) as caught:
        load_settings({"BENCHLING_INGEST_LEDGER": url}, home=tmp_path)
    message = str(caught.value)
    assert "percent-encoded" in message and "%40" in message
    for fragment in (password, *password.replace("@", "?").replace("/", "?").replace(" ", "?").split("?")):
        assert len(fragment) < 3 or fragment not in message, fragment


@pytest.mark.parametrize("password", ["pw%23Rt%3Fu%2Fv%409XyJ", "S3cr#tPW", "S3cr?tPW", "plain"])
def test_a_ledger_url_libpq_reads_as_written_is_taken(password: str, tmp_path: Path) -> None:
    url = f"postgresql://ingest:{password}@127.0.0.1:5432/ledger"
    settings = load_settings({"BENCHLING_INGEST_LEDGER": url}, home=tmp_path)
    assert settings.ledger_location == url


@pytest.mark.parametrize(
    "url",
    [
        f"https://tenant.benchling.com/{KEY}",
        f"https://tenant.benchling.com/api?token={KEY}",
        "https://t.example/#sk_x",
    ],
)
def test_a_url_carrying_a_key_after_its_host_is_refused_without_showing_it(url: str) -> None:
    # Before: taken, then printed whole by doctor, watch's start checks and the status page.
    message = error_for({"BENCHLING_URL": url, "BENCHLING_API_KEY": "other"})
    assert "looks like a key (not shown)" in message
    assert KEY not in message and "sk_x" not in message


def test_the_api_key_inside_the_url_is_refused_even_when_short() -> None:
    message = error_for({"BENCHLING_URL": "https://tenant.benchling.com/k3y", "BENCHLING_API_KEY": "k3y"})
    assert "k3y" not in message


def test_a_tenant_url_with_a_plain_path_is_taken() -> None:
    settings = load_settings(
        {"BENCHLING_URL": "https://tenant.benchling.com/api/v2", "BENCHLING_API_KEY": KEY}
    )
    assert settings.client is not None and settings.client.base_url == "https://tenant.benchling.com/api/v2"


@pytest.mark.parametrize(
    "environ",
    [
        {"BENCHLING_API_KEY": "sk_PastedIntoACell123"},
        {"BENCHLING_CLIENT_ID": "app-id", "BENCHLING_CLIENT_SECRET": "cs_PastedIntoACell123"},
    ],
    ids=["api key", "oauth client secret"],
)
def test_the_settings_secrets_are_masked_in_every_error_made_after(
    environ: dict[str, str], tmp_path: Path
) -> None:
    """A file's text reaches its error (a cell that is no number): the key or client secret in it is
    masked there, and so in the ledger, the report and the status page that show that error."""
    load_settings({"BENCHLING_URL": "https://tenant.benchling.com", **environ}, home=tmp_path)
    secret = next(v for k, v in environ.items() if k != "BENCHLING_CLIENT_ID")
    error = ParseError(f"Unable to read '{secret}' as a number.", file=f"/drop/{secret}.csv", line=2)
    assert secret not in error.message and "[REDACTED]" in error.message
    assert secret not in json.dumps(error.to_dict())
