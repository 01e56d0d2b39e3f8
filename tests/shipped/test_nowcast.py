"""scenarios/nowcast.yaml (issue 17): what is known by as_of is the same in every
replication, and equal to actual-2026; only what comes after it is drawn."""

from __future__ import annotations

from functools import cache

import numpy as np
from conftest import ROOT

import sim
from sim.engine import RunRecord, run
from sim.experiments import replication_seed

NOWCAST = ROOT / "scenarios" / "nowcast.yaml"
ACTUAL = ROOT / "scenarios" / "actual-2026.yaml"


@cache
def scenario(path: str) -> sim.Scenario:
    return sim.load_scenario(path)


@cache
def record(path: str, seed: int | None = None) -> RunRecord:
    return run(scenario(path), seed)


def as_of_day() -> float:
    sc = scenario(str(NOWCAST))
    assert sc.as_of is not None
    return sc.days(sc.as_of)


SEEDS = [replication_seed(20260527, i) for i in range(40)]


def test_the_past_is_the_same_in_every_replication_and_equals_actual_2026() -> None:
    t = as_of_day()
    actual = record(str(ACTUAL))

    def past(rec: RunRecord) -> tuple[list[tuple[object, ...]], np.ndarray]:
        events = [(e.day, e.kind, e.subject, e.port) for e in rec.events if e.day <= t]
        rows = np.column_stack([v for k, v in sorted(rec.series.items())])
        return events, rows[rec.series["day"] <= t]

    want_events, want_rows = past(actual)
    assert len(want_events) > 25 and len(want_rows) > 10
    for seed in SEEDS:
        events, rows = past(record(str(NOWCAST), seed))
        assert events == want_events, seed
        assert np.array_equal(rows, want_rows), seed
    flown = {f.id for f in scenario(str(NOWCAST)).flights if f.flown}
    assert len(flown) == 5
    for seed in SEEDS:
        for craft in record(str(NOWCAST), seed).flights:
            if craft.id in flown:
                twin = next(c for c in actual.flights if c.id == craft.id)
                assert (craft.launch, craft.dock, craft.port, craft.outcome) == (
                    twin.launch,
                    twin.dock,
                    twin.port,
                    twin.outcome,
                ), craft.id


def test_the_future_is_drawn() -> None:
    t = as_of_day()
    launches = {
        seed: {c.id: c.launch for c in record(str(NOWCAST), seed).flights} for seed in SEEDS
    }
    for fid in ("Soyuz MS-29", "CRS-35", "Crew-13", "Progress MS-35"):
        days = {v[fid] for v in launches.values()}
        assert len(days) > 20, fid
        assert all(d is None or d > t for d in days), fid
    # the H3 grounding, under way at as_of (156 days in), never ends before it
    repairs = [
        o.repair_days
        for seed in SEEDS
        for o in record(str(NOWCAST), seed).outages
        if o.pad == "tanegashima"
    ]
    start = next(o.start_day for o in record(str(NOWCAST)).outages if o.pad == "tanegashima")
    assert len(set(repairs)) == len(SEEDS)
    assert min(repairs) >= t - start
