"""Rendered chromatogram PNGs on disk: a plan holds their paths, not bytes; removed once uploaded (they
are this tool's own scratch copies, not user files).

A render may still be running when its plan is stored (``ingest.load.render.pool``): the store keeps
it as pending, and ``ready`` waits for it and writes the file just before the upload needs it, so the
drawing overlaps the rest of the planning, other files, and the upload of the export's other blobs. A
file that neither exists nor is pending (the process stopped before writing it, or another host
planned the row) is reported by ``missing`` and made again from the export (``restore``).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from ingest.errors import RenderError, RenderProcessLostError
from ingest.models import BlobUpload, PendingBytes, RunPlan


class RenderStore:
    """Thread-safe: planning and upload workers share one store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pending: dict[Path, PendingBytes] = {}
        self._lock = threading.Lock()

    def store(self, plan: RunPlan) -> RunPlan:
        """The plan with every in-memory blob written to (or, still rendering, due at) a file here."""
        blobs: list[BlobUpload] = []
        for blob in plan.blobs:
            if blob.content is not None:
                target = self.folder / f"{plan.sha256[:16]}-{blob.key}{Path(blob.name).suffix}"
                self._put(target, blob.content)
                blob = BlobUpload(blob.key, blob.name, blob.blob_type, blob.mime_type, path=target)
            blobs.append(blob)
        return replace(plan, blobs=tuple(blobs))

    def ready(self, blob: BlobUpload, source: Path) -> None:
        """Make sure ``blob``'s file is written: wait for its render when it is still being drawn.

        RenderError naming ``source`` when the render failed or overran its time;
        RenderProcessLostError (retryable) when its render process stopped."""
        if blob.path is None or blob.path.parent != self.folder:
            return
        with self._lock:
            pending = self._pending.get(blob.path)
        if pending is None:
            return
        try:
            content = pending.result()
        except FutureTimeout as exc:
            raise RenderError(
                f"Rendering the chromatogram of '{source}' did not finish in time; its render process was "
                "stopped. The trace may be too long to draw: leave the render out of this format's blobs in "
                "schemas_map.yaml, or raise the render time limit.",
                file=source,
            ) from exc
        except (BrokenProcessPool, CancelledError) as exc:
            raise RenderProcessLostError(
                f"The process rendering the chromatogram of '{source}' stopped before it finished "
                "(killed, or out of memory); the file is tried again with a new render process.",
                file=source,
            ) from exc
        except Exception as exc:  # whatever the drawing library raised, named for the file
            raise RenderError(
                f"Rendering the chromatogram of '{source}' failed: {type(exc).__name__}: {exc}.",
                file=source,
            ) from exc
        finally:
            with self._lock:
                if self._pending.get(blob.path) is pending:
                    del self._pending[blob.path]
        _write(blob.path, content)

    def missing(self, plan: RunPlan, uploaded: Collection[str]) -> bool:
        """True when a blob of this store that is still to be uploaded has no file and no render running."""
        with self._lock:
            return any(
                key not in uploaded and path not in self._pending and not path.exists()
                for key, path in self._own(plan)
            )

    def restore(self, plan: RunPlan, fresh: RunPlan) -> None:
        """Put the rendered blobs of ``fresh`` (the same export planned again, in memory) at the paths the
        stored ``plan`` names for them."""
        made = {blob.key: blob.content for blob in fresh.blobs if blob.content is not None}
        for key, path in self._own(plan):
            content = made.get(key)
            if content is not None:
                self._put(path, content)

    def drop(self, plan: RunPlan) -> None:
        """Remove the plan's files that live in this store (after they were uploaded)."""
        for _, path in self._own(plan):
            with self._lock:
                pending = self._pending.pop(path, None)
            if pending is not None:
                pending.cancel()
            path.unlink(missing_ok=True)

    def _own(self, plan: RunPlan) -> list[tuple[str, Path]]:
        """(key, path) of the plan's blobs that live in this store."""
        return [(b.key, b.path) for b in plan.blobs if b.path is not None and b.path.parent == self.folder]

    def _put(self, target: Path, content: bytes | PendingBytes) -> None:
        with self._lock:
            earlier = self._pending.pop(target, None)
            if not isinstance(content, bytes):
                self._pending[target] = content
        if earlier is not None:
            earlier.cancel()
        if isinstance(content, bytes):
            _write(target, content)
        else:
            # A file left by an earlier plan of this content must not be uploaded in place of this render.
            target.unlink(missing_ok=True)


def _write(target: Path, content: bytes) -> None:
    """Write whole or not at all: an upload never reads a half-written PNG."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(content)
    partial.replace(target)
