"""Read-only probes of how a tenant answers where Benchling's documentation is silent (``doctor`` uses them).

A bulk-get asked only for keys that cannot exist shows the tenant's answer form for unknown keys, which
the lookups (``id_lookup``) hide because they understand every form. The form is named in the sandbox's
variant vocabulary (``listing_error_400``, ``invalid_ids_400``, ``invalid_ids_404``, ``invalid_id_404``,
``bad_request_400``, ``partial_200``), so a user can start the sandbox the way their tenant behaves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from ingest.benchling.transport import ApiTransport

ProbeTarget = Literal["registered_entities", "runs", "results"]
#: The forms the sandbox models as variants (``registry_missing`` etc.).
VARIANT_FORMS = frozenset(
    {
        "listing_error_400",
        "invalid_ids_400",
        "invalid_ids_404",
        "invalid_id_404",
        "bad_request_400",
        "partial_200",
    }
)
#: (path template, key parameter, list key in a 200 answer) per target.
_ENDPOINTS: dict[ProbeTarget, tuple[str, str, str]] = {
    "registered_entities": (
        "/registries/{registry_id}/registered-entities:bulk-get",
        "entityRegistryIds",
        "entities",
    ),
    "runs": ("/assay-runs:bulk-get", "assayRunIds", "assayRuns"),
    "results": ("/assay-results:bulk-get", "assayResultIds", "assayResults"),
}


@dataclass(frozen=True)
class UnknownIdAnswer:
    """How a bulk-get answered keys that do not exist.

    ``form``: a sandbox variant value when the answer matches one, else a description such as
    ``listing_error_404`` or ``names_other_keys``. ``named``: the keys the answer named as unknown.
    ``understood``: the client's lookups read this answer correctly (every 400/404 and a shorter 200 are).
    """

    endpoint: str
    status: int
    form: str
    named: tuple[str, ...] = ()
    message: str | None = None

    @property
    def is_variant(self) -> bool:
        return self.form in VARIANT_FORMS

    @property
    def understood(self) -> bool:
        return self.form in VARIANT_FORMS or self.form.startswith(
            ("listing_error_", "invalid_id", "bad_request_")
        )


def classify_unknown_id_answer(response: httpx.Response, asked: Sequence[str], list_key: str) -> str:
    """The form of an answer to a bulk-get of ``asked`` keys that do not exist (see UnknownIdAnswer)."""
    status = response.status_code
    body, error = _envelope(response)
    if status == 200:
        items = body.get(list_key)
        return "partial_200" if isinstance(items, list) and not items else "unrecognised_200"
    if status not in (400, 404) or not body:
        return f"unrecognised_{status}"
    named = _named(body, error)
    if named and not set(named) <= set(asked):
        return "names_other_keys"
    if isinstance(body.get("invalidIds"), list):
        return f"listing_error_{status}"
    if isinstance(error.get("invalidIds"), list):
        return f"invalid_ids_{status}"
    if isinstance(error.get("invalidId"), str):
        return f"invalid_id_{status}"
    return f"bad_request_{status}" if status == 400 else "not_found_404"


def _envelope(response: httpx.Response) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the JSON body, its ``error`` object), each empty when absent."""
    try:
        body = response.json()
    except ValueError:
        return {}, {}
    if not isinstance(body, dict):
        return {}, {}
    error = body.get("error")
    return body, error if isinstance(error, dict) else {}


def _named(body: Mapping[str, Any], error: Mapping[str, Any]) -> tuple[str, ...]:
    listed = body.get("invalidIds") if isinstance(body.get("invalidIds"), list) else error.get("invalidIds")
    if isinstance(listed, list):
        return tuple(str(k) for k in listed)
    single = error.get("invalidId")
    return (single,) if isinstance(single, str) and single else ()


class Probes:
    def __init__(self, transport: ApiTransport) -> None:
        self._t = transport

    def unknown_ids(
        self, target: ProbeTarget, keys: Sequence[str], *, registry_id: str | None = None
    ) -> UnknownIdAnswer:
        """Ask a bulk-get for ``keys`` (which must not exist) and describe the answer; never raises for a
        400 or 404, which are the answers being probed."""
        template, param, list_key = _ENDPOINTS[target]
        path_params = {"registry_id": registry_id} if registry_id is not None else None
        if target == "registered_entities" and registry_id is None:
            raise ValueError("Probing registered entities needs the id of a registry that exists.")
        response = self._t.request(
            "GET", template, path_params=path_params, params={param: ",".join(keys)}, ok=(200, 400, 404)
        )
        body, error = _envelope(response)
        message = error.get("message")
        return UnknownIdAnswer(
            f"GET {template}",
            response.status_code,
            classify_unknown_id_answer(response, keys, list_key),
            _named(body, error),
            message if isinstance(message, str) else None,
        )
