"""``doctor --write-probe PROJECT``: create one assay run in that project, see what the tenant did with it,
archive it.

The run uses a mapped run schema (one with a datetime field when there is one) and carries a client id
and a datetime value in the form ``schemas_map.yaml`` names. It shows whether the tenant keeps client ids
(``tenant.ids``) and which datetime form it accepts (``tenant.datetime_format``): if the configured form
is refused, the other is tried, so at most one run is ever created. The run is archived ("Made in
error") at once; if archiving fails the check says which run to archive by hand.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.benchling import BenchlingClient, ClientIdsNotKeptError
from ingest.errors import BenchlingAuthError, BenchlingError, BenchlingRejectedError
from ingest.operations.doctor_context import CheckResult, DoctorContext
from ingest.resolve import TenantLookup
from ingest.resolve.coercion import format_datetime
from ingest.resolve.mapping_file import DatetimeFormat, ParserMapping
from ingest.resolve.tenant import FieldDef, SchemaDef

PROBE_TEXT = "benchling-ingest doctor write probe (archived at once)"
_FORMS: tuple[DatetimeFormat, DatetimeFormat] = ("rfc3339", "display_12h")


@dataclass(frozen=True)
class ProbeOutcome:
    """What the probe learnt; ``problem`` when no run could be created at all."""

    schema: str | None = None
    ids: str | None = None  # "kept" | "server_assigned"
    accepted_form: DatetimeFormat | None = None
    refused_form: str | None = None  # the refusal message of the form tried first
    datetime_field: str | None = None
    run_ids: tuple[str, ...] = ()
    archived: bool = False
    problem: str | None = None


def check_client_ids(context: DoctorContext) -> CheckResult:
    if context.write_probe_project is None:
        return _not_asked("client_ids", "whether the tenant keeps the run and result ids the client sends")
    outcome = _probe(context)
    if outcome.ids is None:
        return CheckResult("client_ids", "fail", f"No probe run could be created: {outcome.problem}", _FIX)
    configured = context.schema_map().tenant.ids
    found = f"The tenant {'keeps' if outcome.ids == 'kept' else 'ignores'} client-supplied run ids"
    archive = _archive_note(outcome)
    details = {"ids": outcome.ids, "configured": configured, "runs": list(outcome.run_ids)}
    if outcome.ids == configured:
        return CheckResult(
            "client_ids", "warn" if archive else "ok", f"{found}, as tenant.ids says.", archive, details
        )
    return CheckResult(
        "client_ids",
        "fail",
        f"{found}, but schemas_map.yaml says tenant.ids: {configured}.",
        f"set tenant.ids: {outcome.ids} in schemas_map.yaml" + (f"; {archive}" if archive else ""),
        details,
    )


def check_datetime_form(context: DoctorContext) -> CheckResult:
    if context.write_probe_project is None:
        return _not_asked("datetime_format", "which form of datetime values the tenant accepts")
    outcome = _probe(context)
    if outcome.ids is None:
        return CheckResult(
            "datetime_format", "fail", f"No probe run could be created: {outcome.problem}", _FIX
        )
    if outcome.datetime_field is None or outcome.accepted_form is None:
        return CheckResult(
            "datetime_format",
            "skip",
            f"Not checked: no mapped run schema has a datetime field (probe schema '{outcome.schema}').",
        )
    configured = context.schema_map().tenant.datetime_format
    details = {"accepted": outcome.accepted_form, "configured": configured, "refused": outcome.refused_form}
    where = f"(run schema '{outcome.schema}', field '{outcome.datetime_field}')"
    if outcome.accepted_form == configured:
        return CheckResult(
            "datetime_format",
            "ok",
            f"The tenant accepts {configured} datetime values {where}.",
            None,
            details,
        )
    return CheckResult(
        "datetime_format",
        "fail",
        f"The tenant refused {configured} datetime values ({outcome.refused_form}) and accepted "
        f"{outcome.accepted_form} {where}.",
        f"set tenant.datetime_format: {outcome.accepted_form} in schemas_map.yaml",
        details,
    )


def _not_asked(name: str, what: str) -> CheckResult:
    return CheckResult(
        name,
        "skip",
        f"Not checked (read-only): {what} is known only by creating a run.",
        "run doctor --write-probe PROJECT to create one run in PROJECT and archive it",
    )


_FIX = "name a project that exists, and map a run schema whose required fields can take simple values"


def _archive_note(outcome: ProbeOutcome) -> str | None:
    if outcome.archived or not outcome.run_ids:
        return None
    return f"the probe run could not be archived: archive {', '.join(outcome.run_ids)} by hand"


def _probe(context: DoctorContext) -> ProbeOutcome:
    cached = context.shared.get("write_probe")
    if isinstance(cached, ProbeOutcome):
        return cached
    outcome = _run_probe(context)
    context.shared["write_probe"] = outcome
    return outcome


def _run_probe(context: DoctorContext) -> ProbeOutcome:
    schema_map, tenant, client = context.schema_map(), context.tenant(), context.client
    projects = tenant.projects()
    wanted = context.write_probe_project or ""
    project_id = projects.get(wanted) or (wanted if wanted in projects.values() else None)
    if project_id is None:
        return ProbeOutcome(problem=f"project {wanted!r} does not exist; known: {sorted(projects)}.")
    schema = _probe_schema(schema_map.mappings, tenant.run_schemas())
    if schema is None:
        return ProbeOutcome(problem="no run schema named in the mapping file exists on the tenant.")
    moment = dt.datetime.now(schema_map.zone).replace(microsecond=0)
    time_field = next((f for f in schema.fields.values() if f.type == "datetime" and not f.archived), None)
    first = schema_map.tenant.datetime_format
    forms = [first, *(f for f in _FORMS if f != first)] if time_field else [first]
    refused: str | None = None
    for form in forms:
        try:
            fields = _fields(schema, time_field, format_datetime(moment, schema_map.zone, form), tenant)
        except ValueError as exc:
            return ProbeOutcome(schema=schema.name, problem=str(exc))
        body: dict[str, Any] = {"schema_id": schema.id, "fields": fields, "project_id": project_id}
        try:
            created: tuple[str, ...] = (client.create_run({**body, "id": str(uuid.uuid4())}),)
            ids = "kept"
        except ClientIdsNotKeptError as exc:
            ids, created = "server_assigned", tuple(exc.assigned_ids)
        except BenchlingAuthError as exc:
            return ProbeOutcome(schema=schema.name, problem=exc.message)
        except BenchlingRejectedError as exc:
            refused = refused or (exc.benchling_message or exc.message)
            continue
        return ProbeOutcome(
            schema=schema.name,
            ids=ids,
            accepted_form=form if time_field else None,
            refused_form=refused,
            datetime_field=time_field.name if time_field else None,
            run_ids=created,
            archived=_archive(client, created),
        )
    return ProbeOutcome(schema=schema.name, problem=f"the tenant refused the probe run: {refused}")


def _probe_schema(mappings: Sequence[ParserMapping], run_schemas: Sequence[SchemaDef]) -> SchemaDef | None:
    mapped = [s for s in run_schemas if any(m.run.schema_ in (s.id, s.name) for m in mappings)]
    with_time = [s for s in mapped if any(f.type == "datetime" for f in s.fields.values())]
    candidates = with_time or mapped
    return candidates[0] if candidates else None


def _fields(
    schema: SchemaDef, time_field: FieldDef | None, when: str, tenant: TenantLookup
) -> dict[str, Any]:
    """The datetime value plus a simple value for every required field; ValueError when one cannot be made."""
    fields: dict[str, Any] = {time_field.name: when} if time_field else {}
    for field in schema.fields.values():
        if not field.is_required or field.archived or field.name in fields:
            continue
        value = when if field.type == "datetime" else _simple_value(field, tenant)
        if value is None:
            raise ValueError(
                f"the run schema '{schema.name}' requires field '{field.name}' ({field.type}), which a probe "
                "cannot fill; use a mapping whose run schema has no required link or blob fields"
            )
        fields[field.name] = [value] if field.is_multi else value
    return fields


def _simple_value(field: FieldDef, tenant: TenantLookup) -> Any:
    simple: dict[str, Any] = {
        "text": PROBE_TEXT,
        "long_text": PROBE_TEXT,
        "float": 0.0,
        "integer": 0,
        "boolean": False,
        "date": dt.date.today().isoformat(),
        "json": "{}",
    }
    if field.type == "dropdown" and field.dropdown_id:
        options = tenant.dropdown_options(field.dropdown_id)
        return next(iter(options.values()), None)
    return simple.get(field.type)


def _archive(client: BenchlingClient, run_ids: tuple[str, ...]) -> bool:
    try:
        client.archive_runs(list(run_ids), "Made in error")
    except BenchlingError:
        return False
    return True
