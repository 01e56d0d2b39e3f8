"""When crew vehicles leave: relief + handover against a planned end, and forced returns.

README: a relieved crew vehicle leaves after the handover but not before its planned end;
one that is not relieved leaves at its docked-life limit with its crew (a forced return)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import base_dict, build, crew_flight, day

import sim


def relief_case(planned: dict[str, Any]) -> sim.Result:
    """Lifeboat (docked on day 0, 3 RS crew, docked life 200 days) with a planned end,
    relieved by a flight launched on day 99 that docks on day 100; handover 9 days, so
    relief + handover is day 109. Horizon day 250."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=250)
    data["vehicles"][0]["docked_life_days"] = 200
    data["rules"] = {"handover_days": 9}
    data["station"]["docked"][0].update(planned)
    data["flights"] = [crew_flight("Relief", 99, relieves="Lifeboat")]
    return sim.simulate(build(data))


def lifeboat_events(res: sim.Result) -> list[tuple[float, str]]:
    return [(e[0], e[1]) for e in res.events if e[2] == "Lifeboat"]


@pytest.mark.parametrize(
    ("planned", "leave"),
    [
        ({"undock": day(150)}, 150.0),  # planned end after relief + handover: the plan
        ({"stay_days": 150}, 150.0),
        ({"undock": day(105)}, 109.0),  # planned end before it: relief + handover
        ({"stay_days": 105}, 109.0),
        ({}, 109.0),  # no planned end
    ],
)
def test_relieved_crew_leaves_at_the_later_of_relief_plus_handover_and_planned_end(
    planned: dict[str, Any], leave: float
) -> None:
    res = relief_case(planned)
    assert lifeboat_events(res) == [(0.0, "on_station"), (leave, "undock")]
    m = res.metrics
    assert m["crew.forced_returns"] == 0
    # six aboard from the relief's dock (day 100) until the Lifeboat leaves, else three
    assert m["crew.person_days"] == 3 * 250 + 3 * (leave - 100)
    assert m["crew.min_on_board"] == 3


def test_a_planned_end_after_the_docked_life_limit_is_cut_to_the_limit() -> None:
    res = relief_case({"undock": day(230)})
    assert lifeboat_events(res) == [(0.0, "on_station"), (200.0, "undock")]
    assert res.metrics["crew.forced_returns"] == 0  # relieved: not a forced return


def life_limit_case(crew: dict[str, int]) -> sim.Result:
    """The Lifeboat (crew vehicle, docked life 200 days) with ``crew`` and no relief."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=300)
    data["vehicles"][0]["docked_life_days"] = 200
    data["station"]["docked"][0]["crew"] = crew
    return sim.simulate(build(data))


def test_an_uncrewed_crew_vehicle_at_its_docked_life_limit_is_not_a_forced_return() -> None:
    res = life_limit_case({})
    assert lifeboat_events(res) == [(0.0, "on_station"), (200.0, "undock")]
    assert res.metrics["crew.forced_returns"] == 0


@pytest.mark.parametrize("crew", [{"RS": 2}, {"USOS": 1}, {"RS": 1, "USOS": 2}])
def test_a_crewed_vehicle_at_its_docked_life_limit_is_one_forced_return(
    crew: dict[str, int],
) -> None:
    res = life_limit_case(crew)
    assert lifeboat_events(res) == [(0.0, "on_station"), (200.0, "forced_return")]
    assert res.metrics["crew.forced_returns"] == 1
