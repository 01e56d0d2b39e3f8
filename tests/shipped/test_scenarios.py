"""The shipped scenarios: they load, run, keep the engine's invariants, and make sense."""

from __future__ import annotations

import itertools
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, shipped_scenarios

import sim

SCENARIOS = shipped_scenarios()
REPAIR_VARIANTS = sorted(
    (int(m.group(1)), p)
    for p in SCENARIOS
    if (m := re.fullmatch(r"site31-repair-(\d+)d\.yaml", p.name))
)


@cache
def run(path: Path) -> sim.Result:
    return sim.simulate(sim.load_scenario(path))


def test_the_expected_scenarios_are_shipped() -> None:
    names = {p.name for p in SCENARIOS}
    for n in (30, 60, 96, 120, 180, 270, 365, 540, 730):
        assert f"site31-repair-{n}d.yaml" in names
    for name in (
        "baseline.yaml",
        "dragon-advanced.yaml",
        "site31-2y-dragon-advanced.yaml",
        "vostochny-progress.yaml",
        "actual-2026.yaml",
    ):
        assert name in names
    listed = (ROOT / "scenarios" / "README.md").read_text()
    for p in SCENARIOS:
        assert p.name in listed, f"{p.name} is not described in scenarios/README.md"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_invariants(path: Path) -> None:
    res = run(path)
    sc, m = res.scenario, res.metrics
    # mass balance of every consumable
    for c in sc.station.consumables:
        balance = c.initial_kg() + m[f"{c.id}.delivered_kg"] - m[f"{c.id}.consumed_kg"]
        assert balance == pytest.approx(m[f"{c.id}.end_kg"], abs=1e-5)
        assert m[f"{c.id}.end_kg"] >= 0
    # crew on board never exceeds the seats of the docked crew vehicles
    assert (res.series["crew"] <= res.series["seats"]).all()
    # two vehicles never share a port
    occupant = {d.port: d.id for d in sc.station.docked}
    for e in res.events:
        if e.kind == "dock":
            assert occupant.get(e.port) is None, f"{e.subject} docked at busy {e.port}"
            occupant[e.port] = e.subject
        elif e.kind in ("undock", "forced_return"):
            assert occupant.get(e.port) == e.subject
            occupant[e.port] = None
    # launches from one pad are never closer than its turnaround
    for pad in sc.pads:
        times = sorted(
            e.day for e in res.events if e.kind in ("launch", "launch_failure") and e.pad == pad.id
        )
        assert all(b - a >= pad.turnaround_days - 1e-6 for a, b in itertools.pairwise(times))
    # every scenario is deterministic: no uncertainty section in the shipped what-ifs
    assert sc.uncertainty is None or path.name.startswith("baseline-uncertain")


_NOT_DATA = {"source", "assumption", "note", "description", "name", "id", "extends", "remove"}
_IDENTITY = {"epoch", "horizon", "seed"}


def uncited(node: object, path: tuple = (), cited: bool = False) -> list[tuple]:
    """Paths of numbers and dates written in ``node`` that are not inside a mapping (or a
    parent mapping) carrying ``source:`` or ``assumption:``."""
    out: list[tuple] = []
    if isinstance(node, dict):
        here = cited or "source" in node or "assumption" in node
        for key, value in node.items():
            if key in _NOT_DATA or (not path and key in _IDENTITY):
                continue
            if (isinstance(value, (int, float)) and not isinstance(value, bool)) or isinstance(
                value, date
            ):
                if not here:
                    out.append((*path, key))
            else:
                out += uncited(value, (*path, key), here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += uncited(value, (*path, i), cited)
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_number_cites_a_source_or_says_it_is_an_assumption(path: Path) -> None:
    assert uncited(yaml.safe_load(path.read_text())) == []


def test_the_citation_check_finds_an_uncited_number() -> None:
    data = {
        "pads": [
            {"id": "a", "turnaround_days": 15.7, "source": "fact base"},
            {"id": "b", "outages": [{"start": date(2026, 1, 1), "repair_days": 30}]},
        ]
    }
    assert uncited(data) == [
        ("pads", 1, "outages", 0, "start"),
        ("pads", 1, "outages", 0, "repair_days"),
    ]


def test_actual_2026_derives_progress_ms33_launch_from_the_repair_alone() -> None:
    path = ROOT / "scenarios" / "actual-2026.yaml"
    res = run(path)
    flight = next(f for f in res.scenario.flights if f.id == "Progress MS-33")
    assert flight.launch < date(2026, 1, 1), "MS-33 must keep a pre-incident planned date"
    launched = date.fromisoformat(res.metrics["flight.Progress MS-33.launch_date"])
    assert abs((launched - date(2026, 3, 22)).days) <= 7


def test_longer_repairs_never_improve_margins_or_crew() -> None:
    assert len(REPAIR_VARIANTS) >= 9
    results = [run(p).metrics for _, p in REPAIR_VARIANTS]
    consumables = [c.id for c in run(REPAIR_VARIANTS[0][1]).scenario.station.consumables]
    for short, long in itertools.pairwise(results):
        for c in consumables:
            assert long[f"{c}.min_days_of_supply"] <= short[f"{c}.min_days_of_supply"] + 1e-6
            assert long[f"{c}.shortfall_kg"] >= short[f"{c}.shortfall_kg"] - 1e-6
        assert long["crew.rs_uncrewed_days"] >= short["crew.rs_uncrewed_days"]
        assert long["crew.station_uncrewed_days"] >= short["crew.station_uncrewed_days"]
        assert long["crew.forced_returns"] >= short["crew.forced_returns"]


def test_evacuation_variant_abandons_the_station_instead_of_running_dry() -> None:
    res = run(ROOT / "scenarios" / "site31-repair-365d-evacuation.yaml")
    m = res.metrics
    assert m["crew.evacuations"] >= 1
    assert m["crew.station_uncrewed_days"] > 0
    for c in res.scenario.station.consumables:
        if c.per_crew_day > 0:  # the crew left before any crew consumable ran out
            assert m[f"{c.id}.depleted_date"] is None, c.id
            assert m[f"{c.id}.min_days_of_supply"] >= 30 - 1e-6, c.id
    plain = run(ROOT / "scenarios" / "site31-repair-365d.yaml").metrics
    assert plain["crew.evacuations"] == 0 and plain["water.depleted_date"] is not None


def test_thirty_day_repair_crosses_no_reserve() -> None:
    m = run(ROOT / "scenarios" / "site31-repair-30d.yaml").metrics
    for c in run(ROOT / "scenarios" / "site31-repair-30d.yaml").scenario.station.consumables:
        assert m[f"{c.id}.first_below_reserve_date"] is None, c.id


def test_variants_only_override_the_baseline() -> None:
    for path in SCENARIOS:
        if path.name == "baseline.yaml":
            continue
        head = path.read_text()
        assert re.search(r"^extends:\s*\S+\.yaml", head, re.M), path.name
