"""Fragility curves: each replication's critical value by hand, exact agreement with a
brute-force grid of Monte Carlo ensembles on the same seeds, the monotonicity check, and
the Wilson intervals of the library."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT, WriteScenario, base_dict, cargo_flight, day
from scipy.stats import binomtest

import sim
from sim.experiments.executors import ProcessExecutor
from sim.experiments.fragility import breached, fragility, grid_values, param_label
from sim.experiments.montecarlo import replication_seed
from sim.plots.fragility import fragility_chart
from sim.plots.style import Figure
from sim.results import metrics as mk

TURNAROUND = "pads.pad.turnaround_days"
REPAIR = "pads.pad.outages.0.repair_days"


def turnaround_world(slip: dict[str, Any] | None = None) -> dict[str, Any]:
    """3 crew eat 1 kg/crew-day of 300 kg food (reserve 45 days = 135 kg, crossed on day 55;
    empty on day 100). Freighter A (no cargo) is planned for day 1 and slips s ~ U(0, 10)
    days: it launches on day 1 + s. Freighter B (1,200 kg, planned day 12) must wait the
    pad's turnaround T after A: it launches on day max(12, 1 + s + T) and docks 2 days
    later (two cargo ports: it never waits for one). So B docks on day 3 + s + T for T >= 11
    and the reserve breaks iff 3 + s + T > 55: the critical turnaround of a replication is
    the smallest whole T > 52 - s, floor(52 - s) + 1; depletion's is floor(97 - s) + 1."""
    data = base_dict(crew=3, stock_kg=300, horizon_days=400)
    data["station"]["ports"].append({"id": "cargo2", "segment": "USOS", "kind": "CBM"})
    data["vehicles"][1]["ports"] = ["cargo", "cargo2"]
    data["flights"] = [cargo_flight("A", 1, 0), cargo_flight("B", 12, 1200)]
    data["uncertainty"] = {"slip_days": {"A": slip or {"uniform": [0, 10]}}}
    return data


def slips(path: Path, seeds: list[int]) -> np.ndarray:
    """Freighter A's slip (days) in the run of each seed."""
    sc = sim.load_scenario(path)
    return np.array([sim.simulate(sc, seed=s).metrics["flight.A.slip_days"] for s in seeds])


def test_each_replication_s_critical_value_is_the_hand_computed_one(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario(turnaround_world())
    r = fragility(path, TURNAROUND, 30, lo=0, hi=120, criteria=["reserve", "depletion", "uncrewed"])
    assert r.seeds == [replication_seed(7, i) for i in range(30)]  # montecarlo's seeds
    s = slips(path, r.seeds)
    assert len(set(s.tolist())) == 30 and np.all((s > 0) & (s < 10))
    assert [r.values[k] for k in r.critical["reserve"]] == [math.floor(52 - x) + 1 for x in s]
    assert [r.values[k] for k in r.critical["depletion"]] == [math.floor(97 - x) + 1 for x in s]
    assert r.critical["uncrewed"] == [0] * 30  # all crew are RS: USOS is never crewed
    # the curve is the empirical CDF of those values, at every d of the grid
    p, _, _ = r.curve("reserve")
    expected = [np.mean(np.floor(52 - s) + 1 <= d) for d in r.values]
    assert p.tolist() == pytest.approx(expected, abs=0)
    assert r.quantile("reserve", 0.5) == sorted(math.floor(52 - x) + 1 for x in s)[14]
    assert r.non_monotone == [] and r.warnings == []
    assert all(a == b for c in r.criteria for a, b in r.direct[c])  # the runs agree
    assert r.largest_gap("reserve") == (0.0, None)
    # cost: a bisection over 121 values (2 + log2(120) runs, shared by the criteria where
    # their steps coincide) instead of 121 runs
    assert r.runs <= r.n * (2 + 2 * math.ceil(math.log2(120))) and r.grid_runs == 30 * 121
    assert r.check_runs > 0 and r.checked == list(range(30))  # all, by default


def test_the_curve_is_exactly_a_brute_force_ensemble_at_each_value(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario(turnaround_world())
    r = fragility(path, TURNAROUND, 25, lo=0, hi=120, criteria=["reserve", "depletion"])
    for d in (0, 44, 47, 50, 53, 90, 95, 120):
        k = r.values.index(d)
        mc = sim.montecarlo(sim.load_scenario(path, [f"{TURNAROUND}={d}"]), 25)
        probs = mc.probabilities()
        assert r.curve("reserve")[0][k] == probs["consumables.p_any_below_reserve"], d
        assert r.curve("depletion")[0][k] == probs["consumables.p_any_depleted"], d
    assert 0 < r.curve("reserve")[0][r.values.index(47)] < 1  # the range is informative


def test_shipped_uncertain_baseline_matches_brute_force_where_monotone() -> None:
    """The Site 31 repair replaces the scenario's repair distribution by each value; every
    other draw (slips, failures) stays the replication's own."""
    path = ROOT / "scenarios" / "baseline-uncertain.yaml"
    param = "pads.baikonur-31.outages.0.repair_days"
    r = fragility(path, param, 6, lo=280, hi=380, step=10, criteria=["depletion"], check=6)
    assert r.values == list(range(280, 381, 10)) and r.non_monotone == []
    for d in (280, 330, 360, 380):
        mc = sim.montecarlo(sim.load_scenario(path, [f"{param}={d}"]), 6)
        p = mc.probabilities()["consumables.p_any_depleted"]
        assert r.curve("depletion")[0][r.values.index(d)] == p


def port_blocking_world() -> dict[str, Any]:
    """Not monotone (as in the critical tests): freighter A (no cargo) launches on day
    R + 0.5 and holds the one cargo port for 30 days from R + 2.5; B (1,200 kg, another
    pad) arrives on day 42. The reserve (day 55) holds for R <= 22, breaks for 23..39 (B
    waits for A), holds again from 40 (A docks after B)."""
    data = base_dict(crew=3, stock_kg=300, horizon_days=400)
    data["pads"][0].update(ready_days=0.5, outages=[{"start": day(0), "repair_days": 30}])
    data["pads"].append({"id": "pad2", "site": "Other", "families": ["rocket"]})
    data["flights"] = [cargo_flight("A", 1, 0), cargo_flight("B", 40, 1200, pad="pad2")]
    data["uncertainty"] = {"slip_days": {"B": {"uniform": [0, 0.5]}}}
    return data


def test_a_non_monotone_criterion_is_reported_with_the_checked_seeds(
    write_scenario: WriteScenario,
) -> None:
    r = fragility(write_scenario(port_blocking_world()), REPAIR, 3, hi=100, criteria=["reserve"],
                  check=2)  # fmt: skip
    assert r.check_values == [0, 12, 25, 38, 50, 62, 75, 88, 100]
    assert r.critical["reserve"] == [None, None, None]  # bisection saw only the ends
    seeds = [replication_seed(7, i) for i in range(3)]
    assert [(x.replication, x.seed, x.breaches_at, x.holds_at) for x in r.non_monotone] == [
        (0, seeds[0], 25, 50),
        (1, seeds[1], 25, 50),
    ]
    (warning,) = r.warnings
    assert "not monotone" in warning and "2 of 2 checked" in warning
    assert str(seeds[0]) in warning and str(seeds[1]) in warning and str(seeds[2]) not in warning
    assert r.to_json()["monotonicity"]["monotone"] is False
    assert r.largest_gap("reserve") == (1.0, 25)  # the curve says 0 of 2, the runs 2 of 2
    assert (
        fragility(write_scenario(port_blocking_world()), REPAIR, 3, hi=100, check=0).warnings == []
    )


def test_intervals_are_scipy_s_wilson_intervals(write_scenario: WriteScenario) -> None:
    r = fragility(write_scenario(turnaround_world()), TURNAROUND, 20, lo=40, hi=55,
                  criteria=["reserve"])  # fmt: skip
    p, low, high = r.curve("reserve")
    counts = r.counts("reserve")
    assert counts[0] == 0 and counts[-1] == 20  # 0 at 40, every replication by 55
    for k in range(len(r.values)):
        ci = binomtest(int(counts[k]), 20).proportion_ci(0.95, method="wilson")
        assert (p[k], low[k], high[k]) == (counts[k] / 20, ci.low, ci.high)
    assert high[0] > 0 and low[-1] < 1  # not empty at 0 or n of n


def test_results_do_not_depend_on_the_executor(write_scenario: WriteScenario) -> None:
    path = write_scenario(turnaround_world())
    serial = fragility(path, TURNAROUND, 12, lo=30, hi=110, check=5)
    with ProcessExecutor(2) as ex:
        pooled = fragility(path, TURNAROUND, 12, lo=30, hi=110, check=5, executor=ex)
    assert pooled.to_json() == serial.to_json()


def test_breached_has_the_ensemble_probabilities_meaning(write_scenario: WriteScenario) -> None:
    sc = sim.load_scenario(write_scenario(turnaround_world()), [f"{TURNAROUND}=60"])
    metrics = sim.simulate(sc, seed=1).metrics
    assert breached(metrics, mk.stock_segments(sc)) == {
        "reserve": True,  # B docks on day 63 or later: after the day-55 crossing
        "depletion": False,
        "uncrewed": True,  # as crew.p_usos_uncrewed: all crew are RS, USOS has none
    }


def test_grid_values_and_labels() -> None:
    assert grid_values(30, 40, 4) == [30, 34, 38, 40]
    assert grid_values(0, 1, 0.25) == [0, 0.25, 0.5, 0.75, 1]
    assert all(type(v) is int for v in grid_values(0, 10, 1))  # "120", not "120.0"
    for lo, hi, step, msg in [(5, 5, 1, "below hi"), (0, 9, 0, "above 0"),
                              (0, 1e9, 1, "at most")]:  # fmt: skip
        with pytest.raises(ValueError, match=msg):
            grid_values(lo, hi, step)
    site31 = param_label("pads.baikonur-31.outages.0.repair_days")
    assert (site31.axis, site31.noun) == ("Site 31 repair (days)", "Site 31 repair length")
    assert param_label("pads.slc-40.turnaround_days").axis == "slc-40 turnaround (days)"
    assert param_label("rules.something").axis == "rules.something"  # the path, no unit


def test_bad_arguments_are_value_errors_or_located(write_scenario: WriteScenario) -> None:
    path = write_scenario(turnaround_world())
    with pytest.raises(ValueError, match="replications must be from 1"):
        fragility(path, TURNAROUND, 0)
    with pytest.raises(ValueError, match="unknown criterion 'any'"):
        fragility(path, TURNAROUND, 2, criteria=["any"])
    with pytest.raises(sim.ScenarioError, match=r"--param:1:.*did you mean 'turnaround_days'"):
        fragility(path, "pads.pad.turnaround_dayz", 2)
    with pytest.raises(sim.ScenarioError, match=r"--param:1:"):
        fragility(path, TURNAROUND, 2, lo=-5, hi=10)  # below the schema's 0
    with pytest.raises(ValueError, match="fragility needs a numeric parameter"):
        fragility(path, "name", 2)


def test_chart_has_a_curve_and_band_per_criterion(write_scenario: WriteScenario) -> None:
    path = write_scenario(turnaround_world())
    r = fragility(path, TURNAROUND, 8, lo=0, hi=120)
    fig = fragility_chart(r)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    gids = {a.get_gid() for a in [*ax.lines, *ax.collections]}
    assert {f"{kind}:{c}" for kind in ("curve", "band", "runs") for c in r.criteria} <= gids
    assert ax.get_xlabel() == "pad turnaround (days)"
    assert "how likely is a breach, by pad turnaround?" in ax.get_title(loc="left")
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "N = 8 replications, ensemble seed 7" in texts and sim.__version__ in texts
    for c in r.criteria:  # the runs at the check values sit on the curve (monotone)
        (runs,) = [a for a in ax.lines if a.get_gid() == f"runs:{c}"]
        k = [r.values.index(v) for v in r.check_values]
        assert runs.get_ydata().tolist() == r.curve(c)[0][k].tolist()
    # with only some replications checked their share is not the curve's: no markers
    sample = fragility_chart(fragility(path, TURNAROUND, 8, lo=0, hi=120, check=2))
    assert not [a for a in sample.axes[0].lines if str(a.get_gid()).startswith("runs:")]
