"""Run metrics from the time series (sim.results.metrics): time-held values, not rows.

The series has two rows at a jump (README, timeseries.csv: before and after it); the row
before a change is zero-length (its day equals the next row's), so a metric over time
must weigh rows by how long they hold, and a minimum must skip zero-length rows."""

from __future__ import annotations

from typing import Any

import numpy as np
from conftest import base_dict, build, day

import sim
from sim.engine import run
from sim.results import metrics as mk
from sim.results.result import _series


def swap_data() -> dict[str, Any]:
    """Lifeboat (3 RS) undocks on day 100 as planned; New (3 RS, launched day 99, 1 day
    transit) docks on day 100 at the other port: the crew is swapped at one instant."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=200)
    data["station"]["docked"][0]["undock"] = day(100)
    data["flights"] = [
        {"id": "New", "vehicle": "capsule", "pad": "pad", "launch": day(99), "crew": {"RS": 3}}
    ]
    return data


def test_a_swap_at_one_instant_leaves_no_one_uncrewed() -> None:
    res = sim.simulate(build(swap_data()))
    assert [e[:2] for e in res.events if e[0] == 100.0] == [(100.0, "undock"), (100.0, "dock")]
    assert res.series["day"].tolist() == [0.0, 100.0, 100.0, 200.0, 200.0]
    assert res.series["crew"].tolist() == [3.0] * 5
    m = res.metrics
    assert (m["crew.min_on_board"], m["crew.station_uncrewed_days"]) == (3, 0.0)
    assert m["crew.person_days"] == 600.0


def test_min_on_board_skips_a_zero_length_row_with_fewer_crew() -> None:
    """The engine's own series of the swap, with the instant between the Lifeboat's undock
    and New's dock written as a zero-length row of 0 crew (as a series logging every
    change at an instant would have it): nobody is ever aboard 0 crew for any time, so
    the minimum on board is still 3, and no uncrewed time or person-day changes."""
    rec = run(build(swap_data()))
    series = _series(rec)
    i = int(np.flatnonzero(series["day"] == 100.0)[0]) + 1  # after the 'before' row
    doctored = {
        k: np.insert(v, i, 0.0 if k.startswith("crew") else v[i]) for k, v in series.items()
    }
    doctored["day"][i] = 100.0
    assert doctored["day"].tolist() == [0.0, 100.0, 100.0, 100.0, 200.0, 200.0]
    assert doctored["crew"].tolist() == [3.0, 3.0, 0.0, 3.0, 3.0, 3.0]
    m = mk.compute(rec, doctored, mk.flight_rows(rec))
    assert m["crew.min_on_board"] == 3
    assert m["crew.station_uncrewed_days"] == 0.0
    assert m["crew.rs_uncrewed_days"] == 0.0
    assert m["crew.person_days"] == 600.0


def test_min_on_board_counts_a_held_dip() -> None:
    """Control: when the Lifeboat leaves on day 100 and New docks on day 101, 0 crew is
    held for a day and is the minimum."""
    data = swap_data()
    data["flights"][0]["launch"] = day(100)
    m = sim.simulate(build(data)).metrics
    assert (m["crew.min_on_board"], m["crew.station_uncrewed_days"]) == (0, 1.0)
    assert m["crew.person_days"] == 3 * 100 + 3 * 99


def test_simulate_and_montecarlo_take_a_path_or_a_scenario(tmp_path) -> None:
    from conftest import ROOT

    path = ROOT / "scenarios" / "baseline-uncertain.yaml"
    sc = sim.load_scenario(path)
    assert sim.simulate(str(path)).metrics == sim.simulate(sc).metrics
    assert sim.simulate(path, seed=5).metrics == sim.simulate(sc, seed=5).metrics
    a, b = sim.montecarlo(str(path), 20), sim.montecarlo(sc, 20)
    assert a.csv_text() == b.csv_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    import pytest

    with pytest.raises(sim.ScenarioError):
        sim.simulate(bad)
    with pytest.raises(sim.ScenarioError):
        sim.montecarlo(bad, 3)
