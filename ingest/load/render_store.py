"""Rendered chromatogram PNGs on disk: written before the plan is stored (a plan holds paths, not
bytes), removed once uploaded (they are this tool's own scratch copies, not user files)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.ledger.sqlite import FileRecord
from ingest.models import BlobUpload, RunPlan


class RenderStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def store(self, plan: RunPlan, sha256: str) -> RunPlan:
        blobs: list[BlobUpload] = []
        for blob in plan.blobs:
            if blob.content is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                target = self.folder / f"{sha256[:16]}-{blob.key}{Path(blob.name).suffix}"
                target.write_bytes(blob.content)
                blob = BlobUpload(blob.key, blob.name, blob.blob_type, blob.mime_type, path=target)
            blobs.append(blob)
        return replace(plan, blobs=tuple(blobs))

    def drop(self, record: FileRecord) -> None:
        for blob in (record.plan or {}).get("blobs", []):
            path = Path(blob["path"])
            if path.parent == self.folder:
                path.unlink(missing_ok=True)
