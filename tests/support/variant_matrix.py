"""The pipeline suite against every sandbox behaviour variant (issue 12).

A test marked ``@pytest.mark.variant_matrix`` that uses the ``sandbox_variant`` fixture (the integration
``sandbox`` fixtures do) runs once per case: by default the short matrix (the defaults, and two cases that
each set many variants to a non-default value at once), with ``--run-slow`` also every non-default value of
every variant on its own. Each case brings the ``schemas_map.yaml`` settings a tenant behaving that way
needs (``tenant.datetime_format``), so a case passes only if the pipeline is right under it.

Left out of the matrix, with the reason: ``client_ids=server_assigned`` (no correct behaviour with
``tenant.ids: kept``; its clear error is asserted by ``test_tenant_variants.py``, and it joins the matrix
once the pipeline handles ``ids: server_assigned``), ``rate_limit_scope`` and ``results_cap_covers`` (the
pipeline suites run the sandbox without a request-rate limit and far below the hourly cap; the client's
budget and pacing tests cover them), and the integer variants other than the small ``bulk_get_max_ids``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.sandbox import Variants, one_off_variants
from tests.support.paths import SCHEMAS_MAP

#: Variants the pipeline matrix does not run one by one (see the module docstring).
NOT_IN_MATRIX = {
    "client_ids": "no correct behaviour with tenant.ids: kept; the clear error is asserted on its own",
    "rate_limit_scope": "the pipeline suites run the sandbox without a rate limit",
    "results_cap_covers": "the pipeline suites stay far below the hourly cap",
    "rate_headers": "the pipeline suites run the sandbox without a rate limit; test_rate_headers_variant.py",
}


@dataclass(frozen=True)
class VariantCase:
    """A sandbox behaviour and the mapping settings a tenant behaving so needs."""

    label: str
    variants: Variants

    def schema_map(self, folder: Path) -> Path:
        """schemas_map.yaml with ``tenant:`` set for these variants (a copy in ``folder`` when it differs)."""
        if self.variants.datetime == "rfc3339":
            return SCHEMAS_MAP
        text = SCHEMAS_MAP.read_text(encoding="utf-8")
        text = text.replace("datetime_format: rfc3339", f"datetime_format: {self.variants.datetime}", 1)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"schemas_map.{self.variants.datetime}.yaml"
        path.write_text(text, encoding="utf-8")
        return path


DEFAULT = VariantCase("default", Variants())
#: Two cases that between them set every bulk-get answer variant to two other values, the other
#: duplicate-id answers, the 12-hour datetime form, a bulk-get limit far below the client's chunks and
#: both forms of an expiring page token.
COMBINED = (
    VariantCase(
        "combined-a",
        Variants(
            registry_missing="bad_request_400",
            runs_missing="partial_200",
            results_missing="invalid_id_404",
            blobs_missing="invalid_ids_404",
            inventory_missing="bad_request_400",
            duplicate_id="conflict_409",
            datetime="display_12h",
            page_token_expiry="first_use_400",
        ),
    ),
    VariantCase(
        "combined-b",
        Variants(
            registry_missing="partial_200",
            runs_missing="invalid_id_404",
            results_missing="bad_request_400",
            blobs_missing="partial_200",
            inventory_missing="invalid_id_404",
            duplicate_id="existing_200",
            bulk_get_max_ids=5,
            page_token_expiry="first_use_404",
        ),
    ),
)
SHORT_MATRIX = (DEFAULT, *COMBINED)


def long_matrix() -> tuple[VariantCase, ...]:
    """The short matrix, then every non-default value of every variant on its own."""
    singles = [
        VariantCase(label, variants)
        for label, variants in one_off_variants()
        if label.split("=")[0] not in NOT_IN_MATRIX
    ]
    return (*SHORT_MATRIX, *singles)


def parametrize_variants(metafunc: pytest.Metafunc) -> None:
    """``pytest_generate_tests``: run marked tests under the short (or, with --run-slow, long) matrix."""
    if "sandbox_variant" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("variant_matrix") is None:
        return
    cases = long_matrix() if metafunc.config.getoption("--run-slow") else SHORT_MATRIX
    metafunc.parametrize("sandbox_variant", cases, ids=[case.label for case in cases])
