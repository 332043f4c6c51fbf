"""Run and result ids derived from what a file is, so that Benchling, not a ledger, knows what exists.

The same content of the same run schema in the same tenant always plans the same ids: a second ledger,
a lost one, a reimaged PC or another host plans ids that Benchling already holds, finds them by a
bulk-get and adopts them instead of creating a second run. ``generation`` is 0 unless the content is
ingested again on purpose (``--force``), which takes the next unused one.

Run id: ``uuid5(NAMESPACE, "run|<tenant>|<run schema id>|<sha256>|<generation>")``; result id:
``uuid5(NAMESPACE, "result|<run id>|<row>")`` where ``row`` is the result's 0-based row in the parsed
results (rows skipped for an unregistered sample keep their number, so a later ingestion completes the
run with exactly the missing results). Changing any of this changes every id: never do it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

#: The project's UUIDv5 namespace (fixed for good: every derived id depends on it).
NAMESPACE = uuid.UUID("6c1f3a52-5b0e-5d2c-9f6e-3f4d1b2a7c90")

#: How many generations one bulk-get asks about when looking for the highest one in Benchling.
GENERATIONS_PER_LOOKUP = 16


def tenant_key(base_url: str) -> str:
    """The tenant part of every id: the lower-case host of ``BENCHLING_URL``.

    Scheme, port and path are left out, so the same tenant reached by a slightly different URL (or a
    sandbox restarted on another port with its ``--state``) keeps its ids.
    """
    text = base_url.strip()
    host = urlsplit(text if "//" in text else f"//{text}").hostname
    if not host:
        raise ValueError(f"'{base_url}' has no host; expected a URL such as https://tenant.benchling.com.")
    return host.lower()


def run_id_for(tenant: str, run_schema_id: str, sha256: str, generation: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"run|{tenant}|{run_schema_id}|{sha256}|{generation}"))


def result_id_for(run_id: str, row: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"result|{run_id}|{row}"))


@dataclass(frozen=True)
class Identity:
    """What a plan's ids derive from besides the file: the tenant and the generation."""

    tenant: str
    generation: int = 0

    def run_id(self, run_schema_id: str, sha256: str) -> str:
        return run_id_for(self.tenant, run_schema_id, sha256, self.generation)

    def candidate_run_ids(self, run_schema_id: str, sha256: str, first: int) -> dict[str, int]:
        """Run id -> generation for ``GENERATIONS_PER_LOOKUP`` generations from ``first`` (a --force
        looks them up to find the highest generation Benchling holds)."""
        return {
            run_id_for(self.tenant, run_schema_id, sha256, g): g
            for g in range(first, first + GENERATIONS_PER_LOOKUP)
        }
