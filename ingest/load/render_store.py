"""Rendered chromatogram PNGs on disk: written before the plan is stored (a plan holds paths, not
bytes), removed once uploaded (they are this tool's own scratch copies, not user files)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.models import BlobUpload, RunPlan


class RenderStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def store(self, plan: RunPlan) -> RunPlan:
        """The plan with every in-memory blob written to a file in this store."""
        blobs: list[BlobUpload] = []
        for blob in plan.blobs:
            if blob.content is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                target = self.folder / f"{plan.sha256[:16]}-{blob.key}{Path(blob.name).suffix}"
                target.write_bytes(blob.content)
                blob = BlobUpload(blob.key, blob.name, blob.blob_type, blob.mime_type, path=target)
            blobs.append(blob)
        return replace(plan, blobs=tuple(blobs))

    def drop(self, plan: RunPlan) -> None:
        """Remove the plan's files that live in this store (after they were uploaded)."""
        for blob in plan.blobs:
            if blob.path is not None and blob.path.parent == self.folder:
                blob.path.unlink(missing_ok=True)
