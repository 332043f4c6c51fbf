"""Files no parser reads next to the exports that name them (the LC format's trace files): ``watch``
without any exclude glob uploads them with their export and files them with it; a stray file nobody
names is quarantined once its grace period has passed."""

from __future__ import annotations

import json

from integration.service.service_rig import ServiceRig, samples, write_lc_export


def test_trace_files_travel_with_their_exports(rig: ServiceRig) -> None:
    exports = [write_lc_export(rig.inbox, f"run{n}", samples(n, n + 1), tag=f"-{n}")[0] for n in (1, 3, 5)]
    stray = rig.inbox / "notes-from-the-operator.pdf"
    stray.write_bytes(b"%PDF-1.4 not an export")

    with rig.start_watch("--attachment-grace", "2", exclude_traces=False) as watch:
        watch.wait_watching()
        watch.wait_settled(7, timeout=60)
        assert watch.stop() == 0, watch.log()

    states = {r.path.name: r.state for r in rig.rows()}
    assert states == {
        **{e.name: "done" for e in exports},
        **{f"{e.stem}_trace.csv": "attachment" for e in exports},
        stray.name: "failed",
    }, rig.describe()
    assert len(rig.sandbox.store.runs()) == 3
    archived = sorted(p.name for p in rig.archive.rglob("*") if p.is_file())
    assert archived == sorted([e.name for e in exports] + [f"{e.stem}_trace.csv" for e in exports])
    assert sorted(p.name for p in rig.failed.iterdir()) == [stray.name, stray.name + ".error.json"]
    report = json.loads((rig.failed / (stray.name + ".error.json")).read_text(encoding="utf-8"))
    assert "No parser" in report["reason"] or "no parser" in report["reason"]
    assert list(rig.inbox.rglob("*.*")) == []
