"""The render pool and the render store: PNGs drawn in other processes are written just before their
upload, and a render that fails, overruns or loses its process ends in an error naming the file while
the pool keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ingest.errors import RenderError, RenderProcessLostError
from ingest.load import RenderPool, RenderStore, render_chromatogram_png
from ingest.models import BlobUpload, PlannedObject, RunPlan, Trace
from tests.support import render_faults


def trace() -> Trace:
    t = np.linspace(0, 10, 2_000)
    return Trace("UV", pd.DataFrame({"time_min": t, "signal": 50 * np.exp(-((t - 4) ** 2) / 0.01)}), "mAU")


def plan_with(content: object, tmp_path: Path) -> RunPlan:
    export = tmp_path / "run1.csv"
    export.write_text("x")
    png = BlobUpload("chromatogram_png", "run1.png", "VISUALIZATION", "image/png", content=content)  # type: ignore[arg-type]  # any PendingBytes
    raw = BlobUpload("export", "run1.csv", "RAW_FILE", "text/csv", path=export)
    return RunPlan(export, "ab" * 32, "p", PlannedObject("run-1", "schema", {}), (), blobs=(raw, png))


@pytest.fixture
def pool() -> Iterator[RenderPool]:
    with RenderPool(1) as made:
        yield made


def test_a_pooled_render_is_written_at_upload_with_the_same_bytes_as_in_process(
    pool: RenderPool, tmp_path: Path
) -> None:
    store = RenderStore(tmp_path / "renders")
    stored = store.store(plan_with(pool.render([trace()], None, "run1"), tmp_path))
    export, png = stored.blobs
    assert png.content is None and png.path is not None and png.path.parent == store.folder
    assert not store.missing(stored, uploaded=())  # pending: not missing
    store.ready(export, stored.source)  # not a render: nothing to wait for
    store.ready(png, stored.source)
    assert png.path.read_bytes() == render_chromatogram_png([trace()], None, title="run1")
    store.drop(stored)
    assert not png.path.exists()


def test_a_render_file_that_is_gone_and_not_pending_is_missing_and_can_be_restored(
    pool: RenderPool, tmp_path: Path
) -> None:
    store = RenderStore(tmp_path / "renders")
    stored = store.store(plan_with(b"PNG", tmp_path))
    _, png = stored.blobs
    assert png.path is not None and png.path.read_bytes() == b"PNG"
    png.path.unlink()
    assert store.missing(stored, uploaded=())
    assert not store.missing(stored, uploaded=("chromatogram_png",))
    store.restore(stored, plan_with(pool.render([trace()], None, "run1"), tmp_path))
    store.ready(png, stored.source)
    assert png.path.read_bytes().startswith(b"\x89PNG")


def render_through(store: RenderStore, pool: RenderPool, title: str, tmp_path: Path) -> bytes:
    stored = store.store(plan_with(pool.render([trace()], None, title), tmp_path))
    png = stored.blobs[1]
    store.ready(png, stored.source)
    assert png.path is not None
    return png.path.read_bytes()


def test_a_failing_render_names_the_file_and_is_terminal(tmp_path: Path) -> None:
    store = RenderStore(tmp_path / "renders")
    with RenderPool(1, draw=render_faults.raises) as pool:
        with pytest.raises(RenderError, match=r"chromatogram of '.*run1.csv' failed: ValueError") as caught:
            render_through(store, pool, "fault", tmp_path)
        assert not caught.value.retryable
        assert render_through(store, pool, "fine", tmp_path).startswith(b"\x89PNG")


def test_a_render_process_that_dies_is_retryable_and_the_pool_is_replaced(tmp_path: Path) -> None:
    store = RenderStore(tmp_path / "renders")
    with RenderPool(1, draw=render_faults.process_dies) as pool:
        with pytest.raises(RenderProcessLostError, match=r"'.*run1.csv' stopped") as caught:
            render_through(store, pool, "fault", tmp_path)
        assert caught.value.retryable and caught.value.file.endswith("run1.csv")
        assert render_through(store, pool, "fine", tmp_path).startswith(b"\x89PNG")


def test_a_render_that_overruns_is_stopped_and_the_next_render_succeeds(tmp_path: Path) -> None:
    store = RenderStore(tmp_path / "renders")
    with RenderPool(1, timeout_seconds=1.0, draw=render_faults.never_finishes) as pool:
        with pytest.raises(RenderError, match=r"'.*run1.csv' did not finish in time") as caught:
            render_through(store, pool, "fault", tmp_path)
        assert not caught.value.retryable
        pool.timeout_seconds = 120.0  # a fresh worker starts (imports pandas) on a loaded machine
        assert render_through(store, pool, "fine", tmp_path).startswith(b"\x89PNG")


def test_pool_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1 worker"):
        RenderPool(0)
