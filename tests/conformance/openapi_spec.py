"""Validate HTTP responses against the official Benchling OpenAPI spec (shipped in benchling-api-client).

Usage::

    spec = load_spec()
    problems = spec.response_problems(response)   # [] when the response conforms
    spec.check_response(response)                 # raises SpecMismatch with every problem listed
    spec.schema_problems("AssayRunsPaginatedList", body)

The operation is found by method + path template (``/assay-runs/{assay_run_id}``, colon actions such as
``/assay-runs:bulk-get``); the body is validated with ``OAS30Validator`` (formats checked: uuid, date-time,
...) against the schema of the documented status, else ``default``. A status the spec does not document
for that operation is a problem unless it is in ``UNDOCUMENTED_STATUS_ALLOWED`` below.

Stricter than the spec, on purpose (each rule comes from Benchling's docs, see reference/benchling-api.md):
every error envelope ``{"error": {...}}`` must carry string ``type``, ``message`` and ``userMessage``; the
spec marks none of them required, so ``{}`` would otherwise pass as a BadRequestError.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PACKAGE = "benchling_api_client"
SPEC_PATH = "v2/stable/openapi.yaml"
API_PREFIX = "/api/v2"
_SPEC_URI = "urn:benchling:v2:stable:openapi"

# Status codes Benchling returns on (nearly) every operation although the spec does not document them
# everywhere (400 on most operations, 401 only on POST /token, 413 and 429 nowhere). Each maps to the spec
# schema its body must match; the strict envelope rule below applies on top of it. Any other undocumented
# status (a 404 where the spec says 400, a 201 where it says 200, ...) is a problem.
UNDOCUMENTED_STATUS_ALLOWED: Mapping[str, str] = {
    # The spec documents 400 on 323 operations but omits it on some that validate input, e.g. GET
    # /assay-runs (schemaId is a required parameter, pageSize has maximum 100) and GET /assay-results
    # ("either this or schemaId is required"). Benchling answers invalid input with 400 BadRequestError.
    "400": "BadRequestError",
    # Docs ("Authentication"): an unauthenticated request is answered 401. Outside /token the body is the
    # ordinary error envelope, so it is checked as BadRequestError (error.type invalid_request_error).
    "401": "BadRequestError",
    # Docs ("Limits"): any POST/PATCH/PUT body over 100 MB is refused with 413.
    "413": "BadRequestError",
    # Docs ("Limits"): rate limit exceeded; body {"error": {"message": "Rate limit exceeded.",
    # "type": "invalid_request_error", "userMessage": "Rate limit exceeded."}}.
    "429": "BadRequestError",
}

_ENVELOPE_FIELDS = ("type", "message", "userMessage")
# POST /assay-runs and transaction results document 400 as {"assayRuns"|"assayResults": null,
# "errors": [{"fields": {...}, "global": [...]}]} instead of the error envelope.
_BULK_ERROR_SCHEMAS = frozenset(
    {
        "#/components/schemas/AssayRunsBulkCreateErrorResponse",
        "#/components/schemas/AssayResultsCreateErrorResponse",
    }
)


class SpecMismatch(AssertionError):
    """A response that the official OpenAPI spec (plus the documented envelope rule) does not allow."""


@dataclass(frozen=True)
class Operation:
    """One (method, path template) of the spec and its documented responses."""

    method: str
    template: str
    responses: Mapping[str, Any]

    @property
    def pointer(self) -> str:
        escaped = self.template.replace("~", "~0").replace("/", "~1")
        return f"/paths/{escaped}/{self.method.lower()}"


@dataclass(frozen=True)
class _Template:
    template: str
    pattern: re.Pattern[str]
    literal_length: int


def _compile_template(template: str) -> _Template:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    literal = sum(len(part) for part in parts if not part.startswith("{"))
    return _Template(template, re.compile(f"^{regex}$"), literal)


class OpenApiSpec:
    """The parsed spec with a ``$ref`` registry, operation lookup and cached schema validators."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        document = _nullable_composites(document)
        self.document = document
        resource: Resource[Any] = Resource.from_contents(document, default_specification=DRAFT4)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
        self._paths: Mapping[str, Mapping[str, Any]] = document["paths"]
        # Most specific first: the literal "/blobs/{blob_id}:complete-upload" must beat "/blobs/{blob_id}",
        # whose parameter would also swallow "abc:complete-upload".
        self._templates = sorted(
            (_compile_template(t) for t in self._paths), key=lambda t: t.literal_length, reverse=True
        )
        self._validators: dict[str, OAS30Validator] = {}

    # -- lookup -----------------------------------------------------------------------------------------
    def find_operation(self, method: str, api_path: str) -> Operation | None:
        """The operation for ``method`` and a path relative to ``/api/v2`` (``/assay-runs/abc``)."""
        for template in self._templates:
            if template.pattern.match(api_path):
                item = self._paths[template.template]
                op = item.get(method.lower())
                if op is None:
                    continue
                return Operation(method.upper(), template.template, op.get("responses", {}))
        return None

    # -- schema validation ------------------------------------------------------------------------------
    def _validator(self, pointer: str) -> OAS30Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = OAS30Validator(
                {"$ref": f"{_SPEC_URI}#{pointer}"},
                registry=self._registry,
                format_checker=OAS30Validator.FORMAT_CHECKER,
            )
            self._validators[pointer] = validator
        return validator

    def pointer_problems(self, pointer: str, instance: Any) -> list[str]:
        """Validation errors of ``instance`` against the schema at JSON pointer ``pointer`` of the spec."""
        errors = sorted(self._validator(pointer).iter_errors(instance), key=lambda e: list(e.path))
        return [f"at {'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors]

    def schema_problems(self, schema_name: str, instance: Any) -> list[str]:
        """Validation errors of ``instance`` against ``#/components/schemas/<schema_name>``."""
        if schema_name not in self.document["components"]["schemas"]:
            raise KeyError(f"The spec has no schema named {schema_name!r}.")
        return self.pointer_problems(f"/components/schemas/{schema_name}", instance)

    # -- responses --------------------------------------------------------------------------------------
    def response_problems(self, response: httpx.Response) -> list[str]:
        """Everything about ``response`` that the spec does not allow; [] when it conforms.

        Responses to URLs outside ``/api/v2`` (e.g. a pre-signed blob download) are not covered by the
        spec and yield no problems.
        """
        path = response.request.url.path
        if not path.startswith(API_PREFIX + "/"):
            return []
        api_path = path[len(API_PREFIX) :]
        method = response.request.method
        operation = self.find_operation(method, api_path)
        if operation is None:
            return [f"{method} {path} is not an operation of the Benchling v2 stable spec."]
        status = str(response.status_code)
        if status in operation.responses:
            pointer = f"{operation.pointer}/responses/{status}"
            documented = operation.responses[status]
        elif "default" in operation.responses:
            pointer = f"{operation.pointer}/responses/default"
            documented = operation.responses["default"]
        elif status in UNDOCUMENTED_STATUS_ALLOWED:
            return self._body_problems(
                response,
                f"/components/schemas/{UNDOCUMENTED_STATUS_ALLOWED[status]}",
                require_envelope=True,
            )
        else:
            return [
                f"{method} {path} answered {status}, which the spec does not document for "
                f"{operation.method} {operation.template} (documented: {sorted(operation.responses)})."
            ]
        content = documented.get("content")
        if not content:
            return []
        if "application/json" not in content:
            return []  # no operation used by the sandbox declares a non-JSON body; nothing to check
        schema_ref = content["application/json"].get("schema", {}).get("$ref", "")
        return self._body_problems(
            response,
            f"{pointer}/content/application~1json/schema",
            require_envelope=response.status_code >= 400 and schema_ref not in _BULK_ERROR_SCHEMAS,
        )

    def _body_problems(self, response: httpx.Response, pointer: str, *, require_envelope: bool) -> list[str]:
        where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("application/json"):
            return [f"{where}: content-type is {content_type!r}, expected application/json."]
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            return [f"{where}: body is not JSON ({exc}): {response.content[:200]!r}"]
        problems = [f"{where}: {p}" for p in self.pointer_problems(pointer, body)]
        if require_envelope:
            problems += [f"{where}: {p}" for p in envelope_problems(body)]
        return problems

    def check_response(self, response: httpx.Response) -> None:
        """Raise ``SpecMismatch`` listing every problem of ``response`` (its body included)."""
        problems = self.response_problems(response)
        if problems:
            raise SpecMismatch(
                "Response does not conform to the Benchling OpenAPI spec:\n  "
                + "\n  ".join(problems)
                + f"\nBody: {response.content[:1000]!r}"
            )


def envelope_problems(body: Any) -> list[str]:
    """Problems with a Benchling error envelope ``{"error": {"type", "message", "userMessage", ...}}``."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return [f"error body is not an envelope {{'error': {{...}}}}: {body!r}"]
    error = body["error"]
    return [
        f"error.{name} must be a non-empty string, got {error.get(name)!r}"
        for name in _ENVELOPE_FIELDS
        if not isinstance(error.get(name), str) or not error.get(name)
    ]


def _nullable_composites(node: Any) -> Any:
    """Make ``{"allOf": [{"$ref": X}], "nullable": true}`` accept null, as the spec means it to.

    Benchling writes nullable references this way 86 times (``archiveRecord``, ``unit``, ...) and sends
    ``null`` for them. Under OpenAPI 3.0.3's reading ``nullable`` only qualifies a ``type`` in the same
    object, so a validator rejects the null ("None for not nullable"); the SDK models type these as
    Optional. Rewritten as ``anyOf: [null, <the rest>]``.
    """
    if isinstance(node, list):
        return [_nullable_composites(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_composites(value) for key, value in node.items()}
    composite = any(key in converted for key in ("allOf", "oneOf", "anyOf", "$ref"))
    if converted.get("nullable") is True and "type" not in converted and composite:
        rest = {key: value for key, value in converted.items() if key != "nullable"}
        return {"anyOf": [{"enum": [None]}, rest]}
    return converted


@functools.cache
def load_spec() -> OpenApiSpec:
    """The spec shipped in ``benchling_api_client`` (parsed once per process; ~1 s)."""
    text = (importlib.resources.files(SPEC_PACKAGE) / SPEC_PATH).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # The C loader is ~10x faster on this 1.1 MB file; both loaders are the safe ones.
    document = yaml.load(text, Loader=loader)
    return OpenApiSpec(document)
