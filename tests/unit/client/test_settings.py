from __future__ import annotations

import pytest

from ingest.benchling import ApiKey, ClientCredentials, ClientSettings, RateLimit
from ingest.errors import ConfigError

URL = "https://tenant.benchling.com"


def test_api_key_settings_with_default_rate_limit() -> None:
    settings = ClientSettings.from_env({"BENCHLING_URL": URL + "/", "BENCHLING_API_KEY": "sk_abc"})
    assert settings.base_url == URL
    assert isinstance(settings.credentials, ApiKey)
    assert settings.credentials.key.get_secret_value() == "sk_abc"
    assert settings.rate_limit == RateLimit(60, 30.0)


def test_oauth_settings_and_rate_limit() -> None:
    settings = ClientSettings.from_env(
        {
            "BENCHLING_URL": URL,
            "BENCHLING_CLIENT_ID": "app-1",
            "BENCHLING_CLIENT_SECRET": "cs_secret",
            "BENCHLING_RATE_LIMIT": "300/30",
        }
    )
    assert isinstance(settings.credentials, ClientCredentials)
    assert settings.credentials.client_id == "app-1"
    assert settings.rate_limit == RateLimit(300, 30.0)


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({}, "BENCHLING_URL"),
        ({"BENCHLING_URL": "tenant.benchling.com", "BENCHLING_API_KEY": "k"}, "BENCHLING_URL"),
        ({"BENCHLING_URL": URL}, "BENCHLING_API_KEY"),
        ({"BENCHLING_URL": URL, "BENCHLING_CLIENT_ID": "id"}, "BENCHLING_CLIENT_SECRET"),
        ({"BENCHLING_URL": URL, "BENCHLING_API_KEY": "k", "BENCHLING_CLIENT_ID": "id"}, "BENCHLING_API_KEY"),
        (
            {"BENCHLING_URL": URL, "BENCHLING_API_KEY": "k", "BENCHLING_RATE_LIMIT": "fast"},
            "BENCHLING_RATE_LIMIT",
        ),
        ({"BENCHLING_URL": URL, "BENCHLING_API_KEY": "k", "BENCHLING_RATE_LIMIT": "0/30"}, "0/30"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ClientSettings.from_env(environ)
    assert names in str(caught.value)


def test_a_secret_never_appears_in_config_errors_or_reprs() -> None:
    secret = "cs_do_not_print_me"
    with pytest.raises(ConfigError) as caught:
        ClientSettings.from_env({"BENCHLING_URL": URL, "BENCHLING_CLIENT_SECRET": secret})
    assert secret not in str(caught.value)
    settings = ClientSettings.from_env(
        {"BENCHLING_URL": URL, "BENCHLING_CLIENT_ID": "id", "BENCHLING_CLIENT_SECRET": secret}
    )
    assert secret not in repr(settings)
    assert secret not in str(settings)
    key_settings = ClientSettings.from_env({"BENCHLING_URL": URL, "BENCHLING_API_KEY": secret})
    assert secret not in repr(key_settings)


def test_results_per_hour_defaults_to_benchlings_cap_and_can_be_lowered() -> None:
    base = {"BENCHLING_URL": URL, "BENCHLING_API_KEY": "k"}
    assert ClientSettings.from_env(base).results_per_hour == 10_000
    assert ClientSettings.from_env({**base, "BENCHLING_RESULTS_PER_HOUR": "2500"}).results_per_hour == 2500
    for bad in ("0", "lots", "-5"):
        with pytest.raises(ConfigError) as caught:
            ClientSettings.from_env({**base, "BENCHLING_RESULTS_PER_HOUR": bad})
        assert "BENCHLING_RESULTS_PER_HOUR" in caught.value.message and repr(bad) in caught.value.message
