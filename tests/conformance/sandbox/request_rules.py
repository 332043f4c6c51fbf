"""Validate HTTP *requests* against the official Benchling OpenAPI spec, and a transport that checks every
request and response of a client that goes through it.

For each request: the operation must exist (method + path template); every query parameter must be one
the operation declares, carry a value its schema accepts (integers parsed, enums checked, comma lists
checked item by item), and every required one must be present; a JSON body must validate against the
operation's ``requestBody`` schema as a *write* (readOnly properties are refused), a form body (``/token``)
against its form schema. ``SpecValidatingTransport`` wraps a real transport: our client's own traffic to
the sandbox runs through it unchanged, and each mismatch fails the test.

One reading of the spec differs from plain JSON Schema, as in ``openapi_spec._nullable_composites``:
Benchling writes 56 schemas as ``allOf`` next to (or over members with) ``additionalProperties: false``,
meaning "exactly the properties of all members together" (e.g. ``AssayResultsArchive`` = ids + reason).
Read literally, that refuses every property; the SDK's generated models merge the members. So such
schemas are flattened into one closed object before validating.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx
from conformance.openapi_spec import API_PREFIX, OpenApiSpec, SpecMismatch
from openapi_schema_validator import OAS30WriteValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

_URI = "urn:benchling:v2:stable:requests"


class RequestSpec:
    """Request checks against the spec's parameters and request bodies."""

    def __init__(self, spec: OpenApiSpec) -> None:
        self.spec = spec
        self.document = _closed_all_of(copy.deepcopy(dict(spec.document)))
        resource: Resource[Any] = Resource.from_contents(self.document, default_specification=DRAFT4)
        self._registry: Registry[Any] = Registry().with_resource(_URI, resource)
        self._validators: dict[str, OAS30WriteValidator] = {}

    def _problems(self, pointer: str, value: Any, where: str) -> list[str]:
        """Errors of ``value`` against the schema at JSON ``pointer`` of the spec, validated as a write."""
        validator = self._validators.get(pointer)
        if validator is None:
            validator = OAS30WriteValidator(
                {"$ref": f"{_URI}#{pointer}"},
                registry=self._registry,
                format_checker=OAS30WriteValidator.FORMAT_CHECKER,
            )
            self._validators[pointer] = validator
        problems = []
        for error in validator.iter_errors(value):
            at = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{where}{'/' + at if at else ''}: {error.message}")
        return problems

    def _at(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.strip("/").split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    def request_problems(self, request: httpx.Request) -> list[str]:
        """Everything about ``request`` the spec does not allow; [] when it conforms."""
        path = request.url.path
        if not path.startswith(API_PREFIX + "/"):
            return []
        where = f"{request.method} {path}"
        operation = self.spec.find_operation(request.method, path[len(API_PREFIX) :])
        if operation is None:
            return [f"{where} is not an operation of the Benchling v2 stable spec."]
        op = self._at(operation.pointer)
        return self._query_problems(request, operation.pointer, op, where) + self._body_problems(
            request, operation.pointer, op, where
        )

    def _query_problems(self, request: httpx.Request, op_pointer: str, op: Any, where: str) -> list[str]:
        # name -> (parameter object, pointer to its schema)
        params: dict[str, tuple[Any, str]] = {}
        for index, declared in enumerate(op.get("parameters", [])):
            pointer = (
                declared["$ref"].removeprefix("#")
                if "$ref" in declared
                else f"{op_pointer}/parameters/{index}"
            )
            param = self._at(pointer)
            if param.get("in") == "query":
                params[param["name"]] = (param, f"{pointer}/schema")
        problems: list[str] = []
        sent = list(request.url.params.multi_items())
        for name, raw in sent:
            if name not in params:
                problems.append(
                    f"{where}: query parameter {name!r} is not declared (declared: {sorted(params)})"
                )
                continue
            param, schema_pointer = params[name]
            schema = self._at(schema_pointer)
            if "$ref" in schema:
                schema = self._at(schema["$ref"].removeprefix("#"))
            comma_list = "comma" in str(param.get("description", "")).lower()
            for value in raw.split(",") if comma_list else [raw]:
                problems += self._problems(
                    schema_pointer, _coerce(schema, value), f"{where}: query {name}={value!r}"
                )
        names = {name for name, _ in sent}
        problems += [
            f"{where}: required query parameter {name!r} is missing"
            for name, (param, _) in params.items()
            if param.get("required") and name not in names
        ]
        return problems

    def _body_problems(self, request: httpx.Request, op_pointer: str, op: Any, where: str) -> list[str]:
        content = request.read()
        body_spec = op.get("requestBody")
        if body_spec is None:
            return (
                [f"{where}: the operation takes no body, got {len(content)} bytes"] if content.strip() else []
            )
        media = body_spec.get("content", {})
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if not content.strip():
            return [f"{where}: the request body is required"] if body_spec.get("required") else []
        if content_type not in media:
            return [f"{where}: content type {content_type!r} is not one of {sorted(media)}"]
        pointer = f"{op_pointer}/requestBody/content/{content_type.replace('/', '~1')}/schema"
        if content_type == "application/json":
            try:
                value: Any = json.loads(content)
            except ValueError as exc:
                return [f"{where}: body is not JSON ({exc})"]
        else:
            value = dict(parse_qsl(content.decode("utf-8"), keep_blank_values=True))
        return self._problems(pointer, value, f"{where}: body")


def _closed_all_of(document: dict[str, Any]) -> dict[str, Any]:
    """Flatten every ``allOf`` that is closed (``additionalProperties: false`` on it or on a member) into
    one object with the members' properties and required names, closed."""
    schemas: dict[str, Any] = document["components"]["schemas"]

    def resolve(node: Any) -> Any:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = schemas[node["$ref"].rsplit("/", 1)[1]]
        return node

    def members(node: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The plain object schemas an allOf is made of (recursively), or None when one is not plain."""
        flat: list[dict[str, Any]] = []
        for member in node.get("allOf", []):
            target = resolve(member)
            if not isinstance(target, dict) or any(k in target for k in ("oneOf", "anyOf")):
                return None
            if "allOf" in target:
                inner = members(target)
                if inner is None:
                    return None
                flat += inner
            flat.append({k: v for k, v in target.items() if k != "allOf"})
        return flat

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: visit(value) for key, value in node.items()}
        if "allOf" not in node:
            return node
        parts = members(node)
        closed = node.get("additionalProperties") is False or any(
            resolve(m).get("additionalProperties") is False
            for m in node["allOf"]
            if isinstance(resolve(m), dict)
        )
        if parts is None or not closed:
            return node
        merged: dict[str, Any] = {k: v for k, v in node.items() if k not in ("allOf", "additionalProperties")}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in parts:
            properties.update(part.get("properties", {}))
            required += [r for r in part.get("required", []) if r not in required]
        properties.update(node.get("properties", {}))
        merged.update(type="object", properties=properties, additionalProperties=False)
        if required:
            merged["required"] = required
        return merged

    document["components"]["schemas"] = visit(schemas)
    document["paths"] = visit(document["paths"])
    return document


def _coerce(schema: Mapping[str, Any], value: str) -> Any:
    """A query string value as the type its schema declares (so ``pageSize=100`` checks as an integer)."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


class SpecValidatingTransport(httpx.BaseTransport):
    """Checks every request (``RequestSpec``) and response (``OpenApiSpec``) passing to ``inner``.

    A mismatch is remembered and raised as ``SpecMismatch`` at once; ``mismatches`` lets a fixture fail a
    test that swallowed the exception.
    """

    def __init__(self, requests: RequestSpec, inner: httpx.BaseTransport | None = None) -> None:
        self.requests = requests
        self.inner = inner or httpx.HTTPTransport()
        self.mismatches: list[str] = []
        self.checked_requests = 0
        self.checked_operations: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        problems = self.requests.request_problems(request)
        self.checked_requests += 1
        operation = self.requests.spec.find_operation(request.method, request.url.path[len(API_PREFIX) :])
        if operation is not None:
            self.checked_operations.add(f"{operation.method} {operation.template}")
        if problems:
            self._fail("Request", problems)
        response = self.inner.handle_request(request)
        response.read()
        response.request = request
        problems = self.requests.spec.response_problems(response)
        if problems:
            self._fail("Response", [*problems, f"body: {response.content[:600]!r}"])
        return response

    def _fail(self, what: str, problems: list[str]) -> None:
        message = "\n  ".join(problems)
        self.mismatches.append(message)
        raise SpecMismatch(f"{what} does not conform to the Benchling OpenAPI spec:\n  {message}")

    def close(self) -> None:
        self.inner.close()
