"""``as_of``: flights flown by then are facts at every seed, uncertainty acts only after it,
and a repair under way at ``as_of`` draws only its remaining time (issue 17)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from conftest import EPOCH, WriteScenario, base_dict, build, cargo_flight, day

import sim
from sim.engine import derive_seed, run
from sim.experiments import critical, montecarlo

AS_OF = 100  # days after the test epoch
SEEDS = [derive_seed(17, f"as_of/{i}") for i in range(200)]
UNCERTAIN = {
    "launch_failures": {"rocket": {"failure_probability": 0.4, "stand_down_days": 5}},
    "slip_days": {"freighter": {"uniform": [0, 30]}},
}


def manifest(as_of: bool = True) -> dict[str, Any]:
    """Four freighters, the first two flown by day 100 (as_of), with a 40% launch failure
    risk and 0-30 days of slip on every freighter."""
    data = base_dict(stock_kg=3000, horizon_days=500)
    flown = {"flown": True} if as_of else {}
    data["flights"] = [
        cargo_flight("Old 1", 10, 50, **flown),
        cargo_flight("Old 2", 60, 50, **flown),
        cargo_flight("New 1", 150, 50),
        cargo_flight("New 2", 250, 50),
    ]
    data["uncertainty"] = copy.deepcopy(UNCERTAIN)
    if as_of:
        data["as_of"] = day(AS_OF)
    return data


def launches(sc: sim.Scenario, seeds: list[int]) -> dict[str, list[tuple[float | None, str]]]:
    """By flight: (launch day, outcome) at each seed."""
    out: dict[str, list[tuple[float | None, str]]] = {f.id: [] for f in sc.flights}
    for seed in seeds:
        for craft in run(sc, seed).flights:
            out[craft.id].append((craft.launch, craft.outcome))
    return out


def test_flown_flights_keep_their_dates_and_succeed_at_every_seed() -> None:
    seen = launches(build(manifest()), SEEDS)
    for fid, planned in (("Old 1", 10), ("Old 2", 60)):
        assert set(seen[fid]) == {(float(planned), "docked")}, fid
    # the flights after as_of still slip and fail (else the test above proves nothing)
    for fid in ("New 1", "New 2"):
        days = {d for d, _ in seen[fid]}
        outcomes = [o for _, o in seen[fid]]
        assert len(days) > 100, fid
        assert min(d for d in days if d is not None) > AS_OF
        assert 40 < outcomes.count("failed") < 120, fid  # 40% of 200, loosely
    # without as_of the same seeds slip and fail the old flights too
    free = launches(build(manifest(as_of=False)), SEEDS)
    for fid in ("Old 1", "Old 2"):
        assert len({d for d, _ in free[fid]}) > 100
        assert any(o == "failed" for _, o in free[fid])


def test_as_of_moves_no_draw_of_the_flights_after_it() -> None:
    """The flights after as_of see the same keyed draws with and without it (when the flown
    ones are the same), so a nowcast stays paired with its base."""
    data = manifest()
    data["uncertainty"]["launch_failures"]["rocket"]["failure_probability"] = 0.0
    data["uncertainty"]["slip_days"] = {
        "New 1": {"uniform": [0, 30]},
        "New 2": {"uniform": [0, 30]},
    }
    with_as_of = launches(build(data), SEEDS[:40])
    del data["as_of"]
    for f in data["flights"]:
        f.pop("flown", None)
    without = launches(build(data), SEEDS[:40])
    assert with_as_of == without


def test_a_flown_flight_never_fails_even_when_every_launch_does() -> None:
    data = manifest()
    data["uncertainty"]["launch_failures"]["rocket"]["failure_probability"] = 1.0
    seen = launches(build(data), SEEDS[:20])
    assert {o for _, o in seen["Old 1"] + seen["Old 2"]} == {"docked"}
    assert {o for _, o in seen["New 1"]} == {"failed"}


def test_a_failure_on_record_by_as_of_keeps_its_date_and_grounds_past_as_of() -> None:
    """A failure of day 60 (outcome: failed) with a 10-200-day stand-down: it never slips,
    and, the stand-down being uncertain and under way at as_of (day 100), the family stays
    grounded past day 100 at every seed; the freighter of day 150 waits for it."""
    data = manifest()
    old2 = data["flights"][1]
    del old2["flown"]
    old2["outcome"] = "failed"
    old2["stand_down_days"] = {"uniform": [10, 200]}
    data["uncertainty"]["launch_failures"]["rocket"]["failure_probability"] = 0.0
    sc = build(data)
    grounded = []
    for seed in SEEDS[:60]:
        rec = run(sc, seed)
        (fail,) = [e for e in rec.events if e.kind == "launch_failure"]
        assert (fail.subject, fail.day) == ("Old 2", 60.0)
        assert fail.days is not None and fail.days >= AS_OF - 60
        grounded.append(fail.days)
        new1 = next(c for c in rec.flights if c.id == "New 1")
        assert new1.launch is not None and new1.launch >= 60 + fail.days - 1e-9
    assert len(set(grounded)) == 60 and max(grounded) <= 200


def outage_scenario(as_of: int | None, repair: Any) -> sim.Scenario:
    data = base_dict(stock_kg=3000, horizon_days=600)
    data["pads"][0]["outages"] = [{"start": EPOCH, "repair_days": repair}]
    data["pads"][0]["outages"].append({"start": day(200), "repair_days": {"uniform": [0, 50]}})
    data["flights"] = [cargo_flight("Next", 120, 50)]
    data["uncertainty"] = {}
    if as_of is not None:
        data["as_of"] = day(as_of)
    return build(data)


def repairs(sc: sim.Scenario, seeds: list[int]) -> np.ndarray:
    """(seed, outage) -> repair days drawn."""
    return np.array([[o.repair_days for o in run(sc, s).outages] for s in seeds])


def test_a_repair_under_way_at_as_of_never_ends_before_it() -> None:
    # uniform on [10, 300] days from day 0; as_of = day 100, so the repair is >= 100, and
    # (uniform) the remaining time is uniform on [100, 300]: mean 200
    seeds = [derive_seed(3, f"r/{i}") for i in range(1000)]
    plain = repairs(outage_scenario(None, {"uniform": [10, 300]}), seeds)
    known = repairs(outage_scenario(AS_OF, {"uniform": [10, 300]}), seeds)
    assert (plain[:, 0] < AS_OF).mean() > 0.25  # unconditioned, a third end before day 100
    assert known[:, 0].min() >= AS_OF
    assert known[:, 0].mean() == pytest.approx(200, abs=6)
    assert known[:, 0].max() <= 300
    # the same quantile: a draw never moves down, and the order of the draws is kept
    assert (known[:, 0] >= plain[:, 0]).all()
    assert (np.argsort(known[:, 0], kind="stable") == np.argsort(plain[:, 0], kind="stable")).all()
    # an outage that starts after as_of draws as it did
    assert (known[:, 1] == plain[:, 1]).all()
    # and the flight after as_of waits for the pad at every seed
    for s in seeds[:50]:
        rec = run(outage_scenario(AS_OF, {"uniform": [10, 300]}), s)
        (craft,) = rec.flights
        assert craft.launch is not None and craft.launch >= rec.outages[0].repair_days - 1e-9


@pytest.mark.parametrize(
    "repair",
    [
        {"triangular": [20, 60, 400]},
        {"lognormal": {"median": 60, "sigma": 1}},
        {"normal": {"mean": 80, "sd": 60, "min": 0, "max": 500}},
        {"choice": [30, 90, 150, 400]},
    ],
    ids=["triangular", "lognormal", "normal", "choice"],
)
def test_every_distribution_is_drawn_conditional_on_the_time_already_spent(repair: Any) -> None:
    seeds = [derive_seed(5, f"r/{i}") for i in range(300)]
    known = repairs(outage_scenario(AS_OF, repair), seeds)[:, 0]
    assert known.min() >= AS_OF
    if "choice" in repair:  # the two values past day 100, equally likely as before
        assert set(known) == {150.0, 400.0}
        assert 0.4 < (known == 150.0).mean() < 0.6
    else:
        assert len(set(known)) > 200


def test_a_fixed_repair_is_a_fact_whatever_as_of() -> None:
    # 30 days: it ended before as_of, and it stays 30
    assert set(repairs(outage_scenario(AS_OF, 30), SEEDS[:5])[:, 0]) == {30.0}


def test_montecarlo_respects_as_of() -> None:
    mc = montecarlo(build(manifest()), 60)
    for fid, planned in (("Old 1", 10), ("Old 2", 60)):  # dates are days after the epoch
        assert set(mc.values(f"flight.{fid}.launch_date")) == {planned}
        assert set(mc.values(f"flight.{fid}.slip_days")) == {0.0}
        assert set(mc.texts[f"flight.{fid}.outcome"]) == {"docked"}
    assert len(set(mc.values("flight.New 1.slip_days"))) > 50
    assert "failed" in mc.texts["flight.New 1.outcome"]


def test_critical_respects_as_of(write_scenario: WriteScenario) -> None:
    """Every launch fails (p = 1) but the two flown by as_of: their 300 kg keep the food
    above 45 days to the 150-day horizon (600 kg against 450 used), whatever the repair of
    a later outage; without as_of they fail too and the reserve is breached on day 55."""
    data = manifest()
    data["horizon"] = day(150)
    data["station"]["consumables"][0]["initial"] = {"kg": 300}
    for f in data["flights"][:2]:
        f["cargo"] = {"food": 150}
    data["flights"] = data["flights"][:2]
    data["uncertainty"]["launch_failures"]["rocket"]["failure_probability"] = 1.0
    data["pads"][0]["outages"] = [{"start": day(120), "repair_days": 5}]
    param = "pads.pad.outages.0.repair_days"
    result = critical(write_scenario(data), param, lo=0, hi=300, criterion="reserve")
    assert result.status == "holds_through_hi"
    del data["as_of"]
    for f in data["flights"]:
        del f["flown"]
    result = critical(write_scenario(data, "free.yaml"), param, lo=0, hi=300)
    assert result.status == "fails_at_lo"
    assert [(b.subject, b.date) for b in result.binding][:1] == [("food", day(55).isoformat())]
