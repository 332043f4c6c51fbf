"""Behaviour variants: one typed choice for each point where Benchling's documentation is silent.

The sandbox follows the official OpenAPI spec, SDK and docs where they speak. Where they do not, it must
not simply agree with our client, so each plausible behaviour is a value of a variant chosen at start
(``SandboxConfig(variants=Variants(...))``, CLI ``--variant NAME=VALUE``). The defaults are the most
likely real behaviour; ``ingest/sandbox/README.md`` gives the evidence for each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.errors import ConfigError

#: How a bulk-get answers when some of the asked-for ids (or barcodes, display ids) do not exist.
MissingIds = Literal[
    "listing_error_400",
    "invalid_ids_400",
    "invalid_ids_404",
    "invalid_id_404",
    "bad_request_400",
    "partial_200",
]
ClientIds = Literal["kept", "server_assigned"]
DuplicateId = Literal["bad_request_400", "conflict_409", "existing_200"]
DatetimeForm = Literal["rfc3339", "display_12h"]
RateLimitScope = Literal["tenant", "credential"]
ResultsCapCovers = Literal["assay_results", "all_result_writes"]
RateHeaders = Literal["every_response", "list_endpoints"]
PageTokenExpiry = Literal["never", "first_use_400", "first_use_404"]

#: What each value of the enumerated variants means (``--variant help``).
VALUE_MEANINGS: dict[str, str] = {
    "listing_error_400": "400 with every unknown id in a top-level invalidIds (the spec's ListingError)",
    "invalid_ids_400": "400 BadRequestError with every unknown id in error.invalidIds",
    "invalid_ids_404": "404 NotFoundError with every unknown id in error.invalidIds",
    "invalid_id_404": "404 NotFoundError naming only the first unknown id in error.invalidId",
    "bad_request_400": "400 BadRequestError that names no id",
    "partial_200": "200 with the found items only",
    "kept": "a client-supplied id is the object's id",
    "server_assigned": "a client-supplied id is ignored; the server assigns its own",
    "conflict_409": "409 ConflictError listing the existing ids in error.conflicts",
    "existing_200": "200 answering the existing object's id; nothing new is stored",
    "rfc3339": "2022-03-18T17:14:35Z (RFC 3339 with an offset)",
    "display_12h": "2022-03-18 05:14:35 PM (12-hour display form, no offset)",
    "tenant": "user API keys share one tenant budget; each app has its own, plus one for all apps",
    "credential": "every credential (API key or OAuth client) has its own budget",
    "assay_results": "only POST /assay-results counts",
    "all_result_writes": "POST /assay-results, transaction result appends and :bulk-create all count",
    "every_response": "x-rate-limit-* headers on every answer (Benchling's docs)",
    "list_endpoints": "x-rate-limit-* headers only on list GETs and 429s (the OpenAPI spec's responses)",
    "never": "a nextToken is accepted whenever it is presented",
    "first_use_400": "each nextToken is refused the first time it is presented: 400 'Invalid or expired "
    "nextToken.'",
    "first_use_404": "each nextToken is refused the first time it is presented: 404 NotFoundError",
}


class Variants(BaseModel):
    """The chosen behaviour for every point Benchling does not document (defaults: the likeliest)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    registry_missing: MissingIds = Field(
        default="invalid_id_404",
        description="Unknown registry IDs in GET /registries/{id}/registered-entities:bulk-get.",
    )
    runs_missing: MissingIds = Field(
        default="listing_error_400", description="Unknown ids in GET /assay-runs:bulk-get."
    )
    results_missing: MissingIds = Field(
        default="listing_error_400",
        description="Unknown (or uncommitted) ids in GET /assay-results:bulk-get.",
    )
    blobs_missing: MissingIds = Field(
        default="listing_error_400", description="Unknown ids in GET /blobs:bulk-get."
    )
    inventory_missing: MissingIds = Field(
        default="listing_error_400",
        description=(
            "Unknown ids, barcodes or display ids in the bulk-gets of containers, boxes, plates, "
            "locations and entries."
        ),
    )
    client_ids: ClientIds = Field(
        default="kept", description="What happens to the client-supplied id of a created assay run or result."
    )
    duplicate_id: DuplicateId = Field(
        default="bad_request_400",
        description="Creating an assay run or result whose client id already exists (ids kept).",
    )
    datetime: DatetimeForm = Field(
        default="rfc3339",
        description="The form datetime field values must be sent in (the other is a 400 field error).",
    )
    rate_limit_scope: RateLimitScope = Field(
        default="tenant", description="Who shares a request budget (the rate limit itself is --rate-limit)."
    )
    rate_headers: RateHeaders = Field(
        default="every_response", description="Which answers carry the x-rate-limit-* headers."
    )
    page_token_expiry: PageTokenExpiry = Field(
        default="never",
        description=(
            "Whether a listing's nextToken can expire (the first presentation of each token is refused, "
            "as a token that expired before it was used)."
        ),
    )
    results_hourly_cap: int = Field(
        default=10_000, ge=1, description="POST /assay-results requests allowed per rolling hour (429 above)."
    )
    results_cap_covers: ResultsCapCovers = Field(
        default="assay_results", description="Which result-creating requests count against the hourly cap."
    )
    bulk_get_max_ids: int = Field(
        default=200, ge=1, description="The largest id (or barcode) list any bulk-get accepts (400 above)."
    )

    @classmethod
    def names(cls) -> list[str]:
        return list(cls.model_fields)

    @classmethod
    def values_of(cls, name: str) -> tuple[str, ...] | None:
        """The allowed values of an enumerated variant; None for a number (``N``)."""
        annotation = cls.model_fields[name].annotation
        values = get_args(annotation)
        return tuple(str(v) for v in values) if values else None

    @classmethod
    def parse(cls, assignments: Iterable[str]) -> Variants:
        """``["registry_missing=partial_200", "results_hourly_cap=500"]`` → Variants (repeats: last wins).

        Raises ``ConfigError`` naming the assignment, the unknown name or value, and what is allowed.
        """
        chosen: dict[str, Any] = {}
        for assignment in assignments:
            name, sep, value = assignment.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not name or not value:
                raise ConfigError(
                    f"Variant '{assignment}' is not understood; expected NAME=VALUE such as "
                    "registry_missing=partial_200 (see --variant help)."
                )
            if name not in cls.model_fields:
                raise ConfigError(
                    f"Variant '{name}' (in '{assignment}') does not exist; expected one of {cls.names()}."
                )
            allowed = cls.values_of(name)
            if allowed is not None and value not in allowed:
                raise ConfigError(f"Variant {name} has no value '{value}'; expected one of {list(allowed)}.")
            chosen[name] = value
        try:
            return cls.model_validate(chosen)
        except ValidationError as exc:
            problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"Variants {sorted(chosen)} are invalid: {problems}.") from exc

    def changed(self) -> dict[str, Any]:
        """The variants that differ from their defaults (for reprs and logs)."""
        return {name: value for name, value in self if value != type(self).model_fields[name].default}

    @classmethod
    def help_text(cls) -> str:
        """One block per variant: name, values, default, description, and what each value means."""
        lines: list[str] = []
        explained: set[str] = set()
        for name, info in cls.model_fields.items():
            allowed = cls.values_of(name)
            shown = "|".join(allowed) if allowed else "N (a positive integer)"
            lines.append(f"{name}={shown}  (default: {info.default})")
            lines.append(f"    {info.description}")
            for value in allowed or ():
                if value not in explained:
                    lines.append(f"      {value}: {VALUE_MEANINGS[value]}")
                    explained.add(value)
        return "\n".join(lines)


def one_off_variants() -> Iterator[tuple[str, Variants]]:
    """Every non-default value of every enumerated variant, one at a time, labelled ``name=value``.

    The integer variants are left out: the useful values depend on the test (a cap small enough to hit
    is one the client must wait an hour for on a real clock).
    """
    for name in Variants.names():
        default = Variants.model_fields[name].default
        for value in Variants.values_of(name) or ():
            if value != default:
                yield f"{name}={value}", Variants.model_validate({name: value})
