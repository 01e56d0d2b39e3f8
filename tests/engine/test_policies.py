"""Crew policies, lifeboat seats and forced outcomes, against dates computed by hand (the
cases of issue 16)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import base_dict, build, cargo_flight, crew_flight, day, time_limit

import sim
from sim.scenario import ScenarioError


def date_of(n: float) -> str:
    return day(math.floor(n)).isoformat()


def run(data: dict[str, Any], overrides: list[str] | None = None, seed: int | None = None) -> Any:
    return sim.simulate(build(data, overrides), seed)


def rs_world(policy: dict[str, Any] | None = None, horizon: int = 100) -> dict[str, Any]:
    """3 RS crew on one capsule; food 90 kg at 1 kg/crew-day, reserve 45 days."""
    data = base_dict(crew=3, stock_kg=90, horizon_days=horizon)
    if policy is not None:
        data["rules"] = {"policies": [policy]}
    return data


DECREW = {"id": "decrew-rs", "when": {"below_days": 10, "segment": "RS"}, "do": "decrew",
          "segment": "RS", "to_crew": 0}  # fmt: skip


def test_decrew_sends_the_crew_home_the_day_the_margin_reaches_the_line() -> None:
    res = run(rs_world(DECREW))
    m = res.metrics
    # 90 kg at 3 kg/day: 10 days (30 kg) left on day 20; the capsule leaves then with all 3
    decrews = [(e.day, e.subject, e.consumable) for e in res.events if e.kind == "decrew"]
    assert decrews == [(pytest.approx(20), "Lifeboat", "food")]
    undock = next(e for e in res.events if e.kind in ("undock", "forced_return"))
    assert (undock.kind, undock.day) == ("undock", pytest.approx(20))
    assert m["food.shortfall_kg"] == 0 and m["food.depleted_date"] is None
    assert m["food.end_kg"] == pytest.approx(30)
    assert m["crew.rs_uncrewed_days"] == pytest.approx(80)
    assert m["crew.decrew_events"] == 1
    # the capsule could have stayed to the horizon (docked life 10,000 days): 3 x 80
    assert m["crew.person_days_lost"] == pytest.approx(240)


def test_without_a_policy_the_same_crew_runs_dry() -> None:
    m = run(rs_world()).metrics
    assert m["food.depleted_date"] == date_of(30) and m["crew.decrew_events"] == 0


def test_decrew_to_a_crew_size_sends_vehicles_until_it_is_reached() -> None:
    data = rs_world({**DECREW, "to_crew": 3}, horizon=200)
    data["station"]["consumables"][0]["initial"] = {"kg": 300}
    data["flights"] = [crew_flight("Second", 4)]  # 3 more RS crew dock on day 5
    res = run(data)
    # from day 5, 6 crew eat 6 kg/day: 285 - 6 (d - 5) = 60 (10 days) on day 42.5; the one
    # docked first (longest_docked) goes home, the newer one stays with its 3
    assert [(e.day, e.subject) for e in res.events if e.kind == "decrew"] == [
        (pytest.approx(42.5), "Lifeboat")
    ]
    assert res.metrics["crew.min_on_board"] == 3


def two_segment_world(policy: dict[str, Any]) -> dict[str, Any]:
    """A Soyuz-like capsule (2 RS + 1 USOS) and a Dragon-like one (4 USOS); RS food runs low."""
    data = base_dict(crew=3, stock_kg=1, horizon_days=200)
    data["station"]["consumables"] = [
        {"id": "food", "per_crew_day": 1.0, "reserve_days": 10,
         "segments": {"RS": {"initial": {"kg": 60}}, "USOS": {"initial": {"kg": 2000}}}}
    ]  # fmt: skip
    data["station"]["ports"].append({"id": "us", "segment": "USOS", "kind": "IDSS"})
    data["vehicles"].append({"id": "dragon", "family": "rocket", "role": "crew", "seats": 4,
                             "docked_life_days": 10_000, "ports": ["us"]})  # fmt: skip
    data["station"]["docked"][0]["crew"] = {"RS": 2, "USOS": 1}
    data["station"]["docked"].append(
        {"id": "Dragon", "vehicle": "dragon", "port": "us", "docked": day(0), "crew": {"USOS": 4}}
    )
    data["rules"] = {"policies": [policy]}
    return data


def test_evacuating_one_segment_leaves_the_other_crewed() -> None:
    pol = {"id": "evac-rs", "when": {"below_days": 30, "segment": "RS"}, "do": "evacuate",
           "segment": "RS"}  # fmt: skip
    res = run(two_segment_world(pol))
    m = res.metrics
    # RS: 60 kg at 2 kg/day reaches 30 days on day 0 (it starts there): the capsule with
    # its 2 RS + 1 USOS leaves at once; the Dragon's 4 stay
    evac = [(e.day, e.subject) for e in res.events if e.kind == "evacuation"]
    assert evac == [(pytest.approx(0), "RS")]
    assert m["crew.rs_uncrewed_days"] == pytest.approx(200)
    assert m["crew.usos_uncrewed_days"] == 0 and m["crew.min_on_board"] == 4


def test_evacuating_the_station_empties_both_segments() -> None:
    pol = {"id": "evac", "when": {"below_days": 20, "segment": "RS"}, "do": "evacuate"}
    res = run(two_segment_world(pol))
    m = res.metrics
    # RS 60 kg at 2 kg/day: 20 days left on day 10; everyone leaves
    assert [e.day for e in res.events if e.kind == "evacuation"] == [pytest.approx(10)]
    assert m["crew.station_uncrewed_days"] == pytest.approx(190)
    assert m["crew.evacuations"] == 1


def test_a_held_crew_launch_flies_the_instant_a_delivery_lifts_the_margin() -> None:
    pol = {"id": "hold", "when": {"below_days": 45, "consumable": "food"},
           "do": "hold_crew_launches", "resume_above_days": 45}  # fmt: skip
    data = rs_world(pol, horizon=200)
    data["station"]["consumables"][0]["initial"] = {"kg": 600}
    # 600 kg at 3 kg/day: 45 days (135 kg) left on day 155; a crew flight due on day 160
    # waits; a freighter launched day 168 docks day 170 with 300 kg: 600 - 510 + 300 =
    # 390 kg, 130 days: the crew flight launches then, day 170
    data["flights"] = [crew_flight("Relief", 160), cargo_flight("Ferry", 168, 300)]
    res = run(data)
    held = [(e.day, e.subject) for e in res.events if e.kind == "launch_held"]
    assert held == [(pytest.approx(160), "Relief")]
    launch = next(e.day for e in res.events if e.kind == "launch" and e.subject == "Relief")
    assert launch == pytest.approx(170)
    assert res.metrics["crew.held_launches"] == 1
    assert res.metrics["flight.Relief.slip_days"] == pytest.approx(10)


def damaged_world(replacement_day: float | None) -> dict[str, Any]:
    data = rs_world(horizon=300)
    data["station"]["consumables"][0]["initial"] = {"kg": 10_000}
    data["station"]["docked"][0]["damaged"] = day(50)
    if replacement_day is not None:
        data["flights"] = [crew_flight("Spare", replacement_day, crew=0, replace="Lifeboat")]
    return data


def test_a_damaged_lifeboats_crew_is_unseated_until_the_replacement_docks() -> None:
    res = run(damaged_world(replacement_day=100))
    m = res.metrics
    # seats go on day 50; the uncrewed replacement launches day 100, docks day 101: 3 people
    # x 51 days unseated; they take it over, and the damaged one leaves empty after 7 days
    assert m["crew.unseated_person_days"] == pytest.approx(3 * 51)
    assert m["crew.max_unseated"] == 3
    moves = [(e.day, e.subject, e.vehicle) for e in res.events if e.kind == "crew_transfer"]
    assert moves == [(pytest.approx(101), "Spare", "Lifeboat")]
    left = next(e for e in res.events if e.subject == "Lifeboat" and e.kind == "undock")
    assert left.day == pytest.approx(108)
    assert m["crew.min_on_board"] == 3  # nobody left with the damaged vehicle
    spare = next(f for f in res.flights if f["id"] == "Spare")
    assert spare["crew_RS"] == 3
    # the same 3 people aboard all along, until the replacement takes them home at its
    # docked-life limit (10,000 days: never here)
    assert m["crew.person_days"] == pytest.approx(3 * 300)
    assert res.series["crew"].max() == 3


def test_without_a_replacement_they_stay_unseated_to_the_horizon() -> None:
    m = run(damaged_world(replacement_day=None)).metrics
    assert m["crew.unseated_person_days"] == pytest.approx(3 * 250)


def test_a_lifeboat_policy_flies_the_next_crew_flight_empty() -> None:
    data = damaged_world(replacement_day=None)
    data["flights"] = [crew_flight("Next", 80, replace="Lifeboat")]
    data["rules"] = {"policies": [{"id": "spare", "when": {"lifeboat_unusable": True},
                                   "do": "fly_uncrewed", "segment": "RS"}]}  # fmt: skip
    res = run(data)
    assert [e.subject for e in res.events if e.kind == "uncrewed_flight"] == ["Next"]
    m = res.metrics
    # it flew with nobody, took over the 3 stranded crew: unseated from day 50 to 81
    assert m["crew.unseated_person_days"] == pytest.approx(3 * 31)
    assert m["crew.person_days"] == pytest.approx(3 * 300)


@pytest.mark.parametrize("seed", [1, 2, 3, 99])
@pytest.mark.parametrize("uncertain", [False, True])
def test_a_forced_failure_fails_at_any_seed_and_grounds_only_its_family(
    seed: int, uncertain: bool
) -> None:
    data = rs_world(horizon=300)
    data["station"]["consumables"][0]["initial"] = {"kg": 10_000}
    data["pads"].append({"id": "pad2", "site": "Test", "families": ["other"]})
    tug = {"id": "tug", "family": "other", "role": "cargo", "transit_days": 1,
           "docked_life_days": 100, "ports": ["cargo"], "stay_days": 5}  # fmt: skip
    data["vehicles"].append(tug)
    data["flights"] = [
        cargo_flight("Lost", 10, 50, outcome="failed", stand_down_days=40),
        cargo_flight("Next", 20, 50),  # same family: grounded to day 50
        {"id": "Other", "vehicle": "tug", "pad": "pad2", "launch": day(20), "cargo": {"food": 1}},
    ]
    if uncertain:
        data["uncertainty"] = {"launch_failures": {"rocket": {"failure_probability": 0}}}
    res = run(data, seed=seed)
    out = {f["id"]: (f["outcome"], f["launch"]) for f in res.flights}
    assert out["Lost"] == ("failed", day(10).isoformat())
    assert out["Next"] == ("docked", day(50).isoformat())
    assert out["Other"] == ("docked", day(20).isoformat())


def test_per_flight_handover_and_docked_life_from_launch() -> None:
    data = rs_world(horizon=400)
    data["station"]["consumables"][0]["initial"] = {"kg": 10_000}
    data["station"]["docked"][0]["handover_days"] = 17
    data["flights"] = [crew_flight("Relief", 99, relieves="Lifeboat")]
    res = run(data)
    left = next(e.day for e in res.events if e.subject == "Lifeboat" and e.kind == "undock")
    assert left == pytest.approx(100 + 17)  # docks day 100, the relieved stays 17 days
    data["vehicles"][0]["docked_life_days"] = 200
    data["vehicles"][0]["docked_life_from"] = "launch"
    res = run(data)
    relief_end = next(e for e in res.events if e.subject == "Relief" and e.kind != "launch"
                      and e.kind in ("undock", "forced_return"))  # fmt: skip
    assert relief_end.day == pytest.approx(99 + 200)  # counted from launch, not docking


def test_bad_policy_inputs_are_located_errors() -> None:
    data = rs_world({"id": "p", "when": {"below_days": 10, "consumable": "fuel"}, "do": "decrew"})
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert "rules.policies.p.when.consumable" in str(err.value)
    assert "unknown consumable 'fuel'" in str(err.value)
    data = rs_world({"id": "p", "when": {}, "do": "decrew"})
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert "exactly one trigger" in str(err.value)
    data = damaged_world(None)
    data["flights"] = [crew_flight("Spare", 10, crew=0, replace="Nobody")]
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert "flights.Spare.replace" in str(err.value) and "unknown vehicle" in str(err.value)
    data = rs_world()
    data["station"]["docked"][0]["crew"] = {"RS": 4}
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert "rules.allow_unseated" in str(err.value)
    build(data, ["rules.allow_unseated=true"])  # allowed when the scenario says so


def test_a_resume_level_under_the_trigger_cannot_make_the_policy_loop() -> None:
    pol = {"id": "hold", "when": {"below_days": 45, "consumable": "food"},
           "do": "hold_crew_launches", "resume_above_days": 10}  # fmt: skip
    data = rs_world(pol, horizon=200)
    data["flights"] = [crew_flight("Relief", 50)]
    with time_limit(20):
        res = run(data)
    assert [e.kind for e in res.events].count("hold") == 1


def test_an_altitude_policy_acts_where_the_line_is_crossed() -> None:
    data = rs_world({"id": "low", "when": {"altitude_below_km": 410}, "do": "evacuate"})
    data["station"]["consumables"][0]["initial"] = {"kg": 10_000}
    data["station"]["consumables"].append(
        {"id": "propellant", "held_by": "RS", "initial": {"kg": 0}, "reserve_days": 0}
    )
    data["station"]["altitude"] = {"initial_km": 420, "decay_km_per_day": 0.2,
                                   "min_altitude_km": 400, "kg_per_km": 10}  # fmt: skip
    res = run(data)
    # 10 km at 0.2 km/day: day 50
    assert [e.day for e in res.events if e.kind == "evacuation"] == [pytest.approx(50)]
    assert res.metrics["crew.station_uncrewed_days"] == pytest.approx(50)


def test_a_segments_decrew_sends_its_own_vehicles_not_a_cross_flight() -> None:
    pol = {"id": "decrew-rs", "when": {"below_days": 25, "segment": "RS"}, "do": "decrew",
           "segment": "RS", "to_crew": 0}  # fmt: skip
    data = two_segment_world(pol)
    data["station"]["docked"][1]["crew"] = {"RS": 1, "USOS": 3}  # a cosmonaut on the Dragon
    res = run(data)
    # RS food 60 kg for 3 RS crew: 25 days left on day 5; the capsule (2 RS + 1 USOS) goes,
    # the Dragon (1 RS + 3 USOS) stays with its cosmonaut, although RS crew is then 1, not 0
    assert [e.subject for e in res.events if e.kind == "decrew"] == ["Lifeboat"]
    assert res.metrics["crew.rs_uncrewed_days"] == 0
    assert res.metrics["crew.min_on_board"] == 4
