"""A discovered row becomes a planned one: parsed, resolved under derived ids, its content pinned.

The plan's ids derive from the tenant, the run schema, the content and the generation
(``ingest.resolve.identity``). The generation is 0 unless the row was forced (``--force``): then it is
one past the highest this content has, in the ledger or in Benchling (found by looking the candidate
ids up). Rows an earlier version of this tool planned with random ids are not forgotten: when one of
them got its run into Benchling, the new row takes over that plan (its ids, bodies and uploaded blobs)
and aborts the result transaction it left open, so the run is completed rather than made twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from pathlib import Path

from ingest.contract import ParserChooser
from ingest.errors import ConfigError, OtherTenantError
from ingest.ledger import FileRecord, Ledger
from ingest.load import ByPlannedIds, HoldingsFinder, Loader, RenderStore
from ingest.models import ParsedFile, RunPlan, SourceFile
from ingest.pipeline.content_pins import pin_plan
from ingest.pipeline.effective_hints import hint_changes
from ingest.resolve import (
    CachedTenant,
    EntityLookup,
    Identity,
    RenderPng,
    SchemaMap,
    TenantLookup,
    resolve,
)
from ingest.resolve.identity import run_id_for

log = logging.getLogger("ingest.pipeline")

#: How many versions back at a path a plan of an earlier version of this tool is looked for.
MAX_EARLIER_VERSIONS = 8


class PlanSteps:
    def __init__(
        self,
        *,
        parsers: ParserChooser,
        schema_map: SchemaMap,
        tenant: TenantLookup,
        entities: EntityLookup,
        render_png: RenderPng | None,
        ledger: Ledger,
        finder: HoldingsFinder,
        loader: Loader,
        tenant_key: str,
        work_dir: Path,
    ) -> None:
        self._parsers = parsers
        self._schema_map = schema_map
        self._tenant = tenant
        self._entities = entities
        self._render_png = render_png
        self._ledger = ledger
        self._finder = finder
        self._loader = loader
        self._tenant_key = tenant_key
        self._work_dir = work_dir
        self.renders = RenderStore(work_dir / "renders")

    def use_mapping(self, schema_map: SchemaMap) -> None:
        """Plan with ``schema_map`` from now on, reading the tenant's schemas afresh. ConfigError when it
        changes what only a restart applies: ``tenant.ids`` (how runs are found) or the reading hints
        some parser's files get (the parsers were made with the old ones); mappings added, removed or
        changed without changing any file's hints are used at once."""
        old = self._schema_map
        changed: dict[str, str] = {}
        if old.tenant.ids != schema_map.tenant.ids:
            changed["tenant.ids"] = "tenant.ids"
        hinted = hint_changes(old, schema_map)
        if hinted:
            whose = ", ".join("the top level" if name == "*" else repr(name) for name in hinted)
            changed["reading hints"] = f"the reading hints (of {whose})"
        if changed:
            raise ConfigError(
                f"The mapping file changes {' and '.join(changed.values())}, which apply only at start: "
                "restart the service to use them.",
                field=next(iter(changed)),
            )
        self._schema_map = schema_map
        if isinstance(self._tenant, CachedTenant):
            self._tenant.forget()

    def plan(
        self,
        parsed: ParsedFile,
        *,
        source: Path,
        sha256: str,
        folder: Path | None = None,
        generation: int = 0,
        render: bool = True,
    ) -> RunPlan:
        """Resolve a parsed file into its RunPlan; reads the tenant, writes nothing."""
        return resolve(
            parsed,
            source=source,
            sha256=sha256,
            schema_map=self._schema_map,
            tenant=self._tenant,
            entities=self._entities,
            identity=Identity(self._tenant_key, generation),
            folder=folder,
            render_png=self._render_png if render else None,
        )

    def plan_row(self, record: FileRecord, source: SourceFile | None) -> FileRecord:
        """Parse, resolve, pin and store the plan: ``discovered -> planned``.

        ContentChangedError when the export no longer has the content it was admitted with."""
        folder = record.root or record.path.parent
        parsed = self._parsers.parse(record.path, folder=folder)
        generation = self._generation(record, parsed, folder)
        plan = self.plan(
            parsed, source=record.path, sha256=record.sha256, folder=folder, generation=generation
        )
        members = source.members if source is not None and source.path == record.path else None
        plan = pin_plan(
            plan,
            export=record.path,
            admitted_sha256=record.sha256,
            members=members or None,
            work_dir=self._work_dir,
        )
        plan = self.renders.store(plan)
        earlier = self._earlier_attempt(record, plan, generation)
        if earlier is not None:
            plan = replace(earlier.require_plan(), pins=plan.pins)
        detail = "; ".join(plan.warnings) or None
        if earlier is not None:
            detail = f"takes over the plan of ledger row {earlier.id}, whose run exists" + (
                f"; {detail}" if detail else ""
            )
        planned = self._ledger.mark_planned(record.id, plan, generation=generation, detail=detail)
        if earlier is not None:
            for key, blob_id in earlier.blob_ids.items():
                planned = self._ledger.record_blob(record.id, key, blob_id)
            if earlier.transaction_id is not None:
                # An earlier version opened a new transaction after a crash and left this one open; its
                # uncommitted results hold the ids the results are sent under now.
                self._loader.abort_transaction(earlier.transaction_id)
        return planned

    def restore_renders(self, record: FileRecord) -> None:
        """Render again the chromatograms a planned row still has to upload when their files are gone
        (the process stopped before a render was written, or another host planned the row). The export
        is read again; its content pins are checked before the run is created, as always."""
        plan = record.plan
        if plan is None or not self.renders.missing(plan, record.blob_ids):
            return
        folder = record.root or record.path.parent
        parsed = self._parsers.parse(record.path, folder=folder)
        fresh = self.plan(
            parsed, source=record.path, sha256=record.sha256, folder=folder, generation=record.generation
        )
        log.info("%s: rendering its chromatogram again (the rendered file was not there)", record.path)
        self.renders.restore(plan, fresh)

    def planned_here(self, record: FileRecord) -> bool:
        """False when the row's plan was made for another tenant than this pipeline's (its run id does
        not derive from this tenant). A row without a plan, or planned by an earlier version of this tool
        (random ids), cannot tell and counts as this tenant's."""
        plan = record.plan
        if plan is None or uuid.UUID(plan.run_id).version != 5:
            return True
        return (
            run_id_for(self._tenant_key, plan.run.schema_id, record.sha256, record.generation) == plan.run_id
        )

    def check_tenant(self, record: FileRecord) -> None:
        """OtherTenantError when the row's plan was made for another tenant than this pipeline's: its
        ids, blob ids and run belong there, and sending them here would leave its run there half-made."""
        if self.planned_here(record):
            return
        plan = record.require_plan()
        raise OtherTenantError(
            f"'{record.path}' was planned for another Benchling tenant than '{self._tenant_key}' "
            f"(BENCHLING_URL names it now; run {plan.run_id} of the plan does not derive from it). Nothing "
            "of it is sent here: it waits, and goes on once BENCHLING_URL names its tenant again. If the "
            "tenant really changed, ingest the file there with `run --force`.",
            file=record.path,
            tenant=self._tenant_key,
            run_id=plan.run_id,
        )

    def _generation(self, record: FileRecord, parsed: ParsedFile, folder: Path) -> int:
        if not record.forced:
            return 0
        if record.generation > 0:
            # Planned before (for another tenant, or before it failed): the generation was chosen then,
            # and whichever tenant already holds a run of it adopts that run instead of making one more.
            return record.generation
        probe = self.plan(parsed, source=record.path, sha256=record.sha256, folder=folder, render=False)
        known = max(
            (r.generation for r in self._ledger.by_sha(record.sha256) if r.id != record.id and r.plan),
            default=-1,
        )
        identity = Identity(self._tenant_key)
        held = self._finder.highest_generation(
            probe,
            lambda first: identity.candidate_run_ids(probe.run.schema_id, record.sha256, first),
        )
        generation = max(known, held) + 1
        log.info(
            "%s: ingested again on purpose as generation %d (ledger knows %d, Benchling holds %d)",
            record.path,
            generation,
            known,
            held,
        )
        return generation

    def _earlier_attempt(self, record: FileRecord, plan: RunPlan, generation: int) -> FileRecord | None:
        """A row of this content at this path (this one, before it was planned again, or an earlier
        version: ``retry`` puts a file back where it was) whose plan has other ids than the derived ones
        and whose run Benchling holds: a plan of an earlier version of this tool."""
        if not isinstance(self._finder, ByPlannedIds):
            return None  # runs are found by their content hash anyway
        candidates = [
            r
            for r in self._versions_at_path(record)
            if r.sha256 == record.sha256
            and r.plan is not None
            and r.generation == generation
            and r.plan.run.schema_id == plan.run.schema_id
            and r.plan.run_id != plan.run_id
            and r.state not in ("duplicate", "attachment")
        ]
        if not candidates:
            return None
        holdings = self._finder.find([(r.require_plan(), r.generation) for r in candidates])
        for row, holding in zip(candidates, holdings, strict=True):
            if holding.run_id is not None:
                return row
        return None

    def _versions_at_path(self, record: FileRecord) -> list[FileRecord]:
        """The row and the versions recorded before it at its path, newest first (a few at most)."""
        rows = [record]
        while rows[-1].previous_version is not None and len(rows) < MAX_EARLIER_VERSIONS:
            rows.append(self._ledger.get(rows[-1].previous_version))
        return rows
