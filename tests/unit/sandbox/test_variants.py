"""The variant registry: parsing NAME=VALUE, the help text, and the one-off matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.sandbox import SandboxConfig, Variants, one_off_variants

TENANT = Path(__file__).resolve().parents[3] / "sample_data" / "tenant.yaml"


def test_assignments_set_typed_values_and_the_last_repeat_wins() -> None:
    variants = Variants.parse(
        [
            "registry_missing=partial_200",
            "results_hourly_cap=500",
            "client_ids=server_assigned",
            "client_ids=kept",
        ]
    )
    assert variants.registry_missing == "partial_200"
    assert variants.results_hourly_cap == 500
    assert variants.client_ids == "kept"
    assert variants.changed() == {"registry_missing": "partial_200", "results_hourly_cap": 500}


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("nonsense=1", "does not exist; expected one of ['registry_missing'"),
        ("client_ids=maybe", "has no value 'maybe'; expected one of ['kept', 'server_assigned']"),
        ("results_hourly_cap=0", "results_hourly_cap"),
        ("results_hourly_cap=many", "results_hourly_cap"),
        ("datetime", "expected NAME=VALUE"),
    ],
)
def test_bad_assignments_say_what_is_allowed(assignment: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Variants.parse([assignment])
    assert expected in caught.value.message


def test_help_lists_every_variant_with_values_default_and_description() -> None:
    text = Variants.help_text()
    for name, info in Variants.model_fields.items():
        assert f"{name}=" in text and f"(default: {info.default})" in text
        assert str(info.description) in text
    assert "registry_missing=listing_error_400|invalid_ids_400|invalid_ids_404|invalid_id_404|" in text
    assert "invalid_id_404: 404 NotFoundError naming only the first unknown id" in text
    assert "results_hourly_cap=N (a positive integer)  (default: 10000)" in text


def test_one_off_variants_cover_every_non_default_value_once() -> None:
    labels = [label for label, _ in one_off_variants()]
    expected = [
        f"{name}={value}"
        for name in Variants.names()
        for value in Variants.values_of(name) or ()
        if value != Variants.model_fields[name].default
    ]
    assert labels == expected
    assert "client_ids=server_assigned" in labels and "datetime=display_12h" in labels
    for label, variants in one_off_variants():
        name, value = label.split("=")
        assert variants.changed() == {name: value}


def test_config_carries_variants_and_shows_the_changed_ones() -> None:
    config = SandboxConfig.from_tenant_file(TENANT, variants=Variants(datetime="display_12h"))
    assert config.variants.datetime == "display_12h"
    assert "variants={'datetime': 'display_12h'}" in repr(config)
    assert SandboxConfig.from_tenant_file(TENANT).variants == Variants()
