"""The engine on hand-computed cases: stores, pads, ports, crew rotation, randomness."""

from __future__ import annotations

import gc
import itertools
import json
import weakref

import pytest
from conftest import WriteScenario, base_dict, build, cargo_flight, day, edit, time_limit

import sim
from sim.engine.core import Engine


def metrics(data: dict, overrides: list[str] | None = None) -> dict:
    return sim.simulate(build(data, overrides)).metrics


# -- consumables ---------------------------------------------------------------------------
def test_stock_runs_out_on_day_100_and_crosses_reserve_on_day_55() -> None:
    m = metrics(base_dict(crew=3, stock_kg=300))
    assert m["food.depleted_date"] == day(100).isoformat()
    assert m["food.first_below_reserve_date"] == day(55).isoformat()
    assert m["food.min_days_of_supply"] == 0.0
    assert m["food.min_date"] == day(100).isoformat()
    assert m["food.consumed_kg"] == 300.0
    assert m["food.shortfall_kg"] == 3 * 300  # days 100..400 at 3 kg/day
    assert m["food.days_below_reserve"] == 400 - 55


def test_delivery_docked_on_day_50_moves_depletion_to_day_130() -> None:
    data = base_dict(crew=3, stock_kg=300)
    data["flights"].append(cargo_flight("Freighter 1", 48, 90))  # 2 days transit
    res = sim.simulate(build(data))
    m = res.metrics
    assert m["flight.Freighter 1.dock_date"] == day(50).isoformat()
    assert m["food.delivered_kg"] == 90.0
    assert m["food.depleted_date"] == day(130).isoformat()
    assert m["food.first_below_reserve_date"] == day(85).isoformat()
    # the time series holds the exact crossing rows
    days = list(res.series["day"])
    assert 85.0 in days and 130.0 in days
    kinds = [(e[0], e[1]) for e in res.events if e[1] in ("below_reserve", "depleted")]
    assert kinds == [(85.0, "below_reserve"), (130.0, "depleted")]


def test_crossings_at_the_same_instant_are_all_logged() -> None:
    data = base_dict(crew=3, stock_kg=300)
    food = data["station"]["consumables"][0]
    data["station"]["consumables"] += [dict(food, id="water"), dict(food, id="oxygen")]
    res = sim.simulate(build(data))
    crossings = [(e[0], e[1], e[2]) for e in res.events if e[1] in ("below_reserve", "depleted")]
    assert crossings == [
        (55.0, "below_reserve", "food"),
        (55.0, "below_reserve", "water"),
        (55.0, "below_reserve", "oxygen"),
        (100.0, "depleted", "food"),
        (100.0, "depleted", "water"),
        (100.0, "depleted", "oxygen"),
    ]
    assert list(res.series["day"]).count(55.0) == 1  # one row for the three


def test_days_of_supply_series_is_level_over_use() -> None:
    data = base_dict(crew=3, stock_kg=900)
    data["flights"].append(cargo_flight("F", 10, 100))
    res = sim.simulate(build(data))
    for kg, days, crew in zip(
        res.series["food_kg"], res.series["food_days"], res.series["crew"], strict=True
    ):
        assert days == pytest.approx(kg / crew)


# -- pads --------------------------------------------------------------------------------
def test_outage_delays_a_queued_launch_by_outage_plus_ready_days() -> None:
    data = base_dict()
    data["pads"][0].update(
        ready_days=10, outages=[{"start": day(0), "repair_days": 30}], turnaround_days=15
    )
    data["flights"] = [cargo_flight("A", 5, 10), cargo_flight("B", 5, 10)]
    m = metrics(data)
    assert m["flight.A.launch_date"] == day(40).isoformat()
    assert m["flight.A.slip_days"] == 35.0
    assert m["flight.B.launch_date"] == day(55).isoformat()  # turnaround after A
    assert m["pad.pad.downtime_days"] == 30.0
    assert m["pad.pad.launches"] == 2


def test_outage_in_the_future_blocks_launches_inside_it() -> None:
    data = base_dict()
    data["pads"][0].update(ready_days=3, outages=[{"start": day(20), "repair_days": 10}])
    data["flights"] = [cargo_flight("Before", 19, 1), cargo_flight("During", 25, 1)]
    m = metrics(data)
    assert m["flight.Before.slip_days"] == 0.0
    assert m["flight.During.launch_date"] == day(33).isoformat()


def test_launches_from_one_pad_are_never_closer_than_turnaround() -> None:
    data = base_dict(horizon_days=700)
    data["pads"][0]["turnaround_days"] = 15.7
    data["flights"] = [cargo_flight(f"F{i}", d, 1) for i, d in enumerate([3, 5, 5, 30, 31, 90])]
    res = sim.simulate(build(data))
    launches = sorted(res.scenario.days(f.launch) for f in res.scenario.flights)
    actual = sorted(e[0] for e in res.events if e[1] == "launch")
    assert len(actual) == len(launches)
    gaps = [b - a for a, b in itertools.pairwise(actual)]
    assert min(gaps) >= 15.7 - 1e-9
    assert actual[0] == 3.0


def test_pad_preference_list_takes_the_pad_with_the_earliest_launch() -> None:
    data = base_dict()
    data["pads"][0]["outages"] = [{"start": day(0), "repair_days": 100}]
    data["pads"].append(
        {
            "id": "backup",
            "site": "Elsewhere",
            "families": ["rocket"],
            "ready_days": 0,
            "outages": [{"start": day(0), "repair_days": 60}],
        }
    )
    data["flights"] = [cargo_flight("F", 10, 1, pad=["pad", "backup"])]
    m = metrics(data)
    assert m["flight.F.launch_date"] == day(60).isoformat()
    assert m["pad.backup.launches"] == 1 and m["pad.pad.launches"] == 0
    # when the first pad is as early, it wins
    data["pads"][1]["outages"][0]["repair_days"] = 100
    m = metrics(data)
    assert m["pad.pad.launches"] == 1


# -- ports -------------------------------------------------------------------------------
def test_vehicle_waits_for_a_free_port_and_the_wait_is_recorded() -> None:
    data = base_dict()
    data["flights"] = [cargo_flight("First", 0, 10), cargo_flight("Second", 10, 10)]
    m = metrics(data)
    # First docks on day 2 and stays 30 days; Second arrives on day 12, docks on day 32
    assert m["flight.Second.dock_date"] == day(32).isoformat()
    assert m["flight.Second.port_wait_days"] == 20.0
    assert m["flight.First.port_wait_days"] == 0.0


# -- crew rotation -----------------------------------------------------------------------
def _lifeboat_data(life: float = 200.0) -> dict:
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=400)
    data["vehicles"][0]["docked_life_days"] = life
    return data


def _relief(launch_day: float) -> dict:
    """A 3-seat crew flight (1 day transit) that relieves the docked Lifeboat."""
    return {
        "id": "Relief",
        "vehicle": "capsule",
        "pad": "pad",
        "launch": day(launch_day),
        "crew": {"RS": 3},
        "relieves": "Lifeboat",
    }


def test_unrelieved_crew_vehicle_is_forced_home_at_its_docked_life_limit() -> None:
    data = _lifeboat_data()
    data["flights"] = [_relief(launch_day=250)]
    res = sim.simulate(build(data))
    m = res.metrics
    assert m["crew.forced_returns"] == 1
    assert [e[0] for e in res.events if e[1] == "forced_return"] == [200.0]
    # RS is uncrewed from day 200 until Relief docks on day 251
    assert m["crew.rs_uncrewed_days"] == 51.0
    assert m["crew.station_uncrewed_days"] == 51.0
    assert m["crew.min_on_board"] == 0


def test_relieved_crew_vehicle_leaves_at_relief_dock_plus_handover() -> None:
    data = _lifeboat_data()
    data["horizon"] = day(250)  # before the relief's own 200-day limit
    data["rules"] = {"handover_days": 9}
    data["flights"] = [_relief(launch_day=99)]
    res = sim.simulate(build(data))
    m = res.metrics
    undock = [e[0] for e in res.events if e[1] == "undock" and e[2] == "Lifeboat"]
    assert undock == [100.0 + 9]
    assert m["crew.forced_returns"] == 0
    assert m["crew.rs_uncrewed_days"] == 0.0
    # six on board during the handover
    assert res.series["crew"].max() == 6
    assert m["crew.max_stay_days"] == 250 - 100  # the relief is still up at the horizon


def test_failed_relief_means_forced_return() -> None:
    data = _lifeboat_data()
    data["uncertainty"] = {"launch_failures": {"rocket": {"failure_probability": 1.0}}}
    data["flights"] = [_relief(launch_day=99)]
    m = metrics(data)
    assert m["flight.Relief.outcome"] == "failed"
    assert m["crew.forced_returns"] == 1
    assert m["crew.rs_uncrewed_days"] == 200.0  # day 200 to the horizon


def test_failure_loses_cargo_and_grounds_the_family_for_its_stand_down() -> None:
    data = base_dict()
    data["uncertainty"] = {
        "launch_failures": {"rocket": {"failure_probability": 0.0, "stand_down_days": 40}}
    }
    data["flights"] = [cargo_flight("Lost", 10, 50), cargo_flight("Next", 20, 50)]
    m = metrics(data, ["uncertainty.launch_failures.rocket.failure_probability=1"])
    assert m["flight.Lost.outcome"] == "failed" and m["flight.Next.outcome"] == "failed"
    assert m["flight.Next.launch_date"] == day(50).isoformat()  # 10 + 40 days stand-down
    assert m["food.delivered_kg"] == 0.0


def test_no_uncertainty_section_means_no_failures_even_with_poor_reliability() -> None:
    data = base_dict()
    data["vehicles"][1]["reliability"] = 0.0
    data["flights"] = [cargo_flight("F", 10, 50)]
    assert metrics(data)["flight.F.outcome"] == "docked"
    data["uncertainty"] = {}
    assert metrics(data)["flight.F.outcome"] == "failed"


def test_slip_distribution_delays_launch() -> None:
    data = base_dict()
    data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [5, 5]}, "G": 2}}
    data["flights"] = [cargo_flight("F", 10, 1), cargo_flight("G", 30, 1)]
    m = metrics(data)
    assert m["flight.F.slip_days"] == 5.0
    assert m["flight.G.slip_days"] == 2.0  # the flight's own entry wins


def test_repair_distribution_is_drawn_from_the_seed() -> None:
    data = base_dict()
    data["pads"][0]["outages"] = [{"start": day(0), "repair_days": {"uniform": [10, 90]}}]
    data["flights"] = [cargo_flight("F", 1, 1)]
    a = metrics(data)
    b = metrics(data)
    assert a == b
    assert 10 <= a["pad.pad.downtime_days"] <= 90
    seeds = {metrics(data, [f"seed={s}"])["pad.pad.downtime_days"] for s in range(8)}
    assert len(seeds) > 4  # different seeds, different draws


# -- invariants and reproducibility ------------------------------------------------------
def test_longer_repair_never_improves_a_margin() -> None:
    data = base_dict(crew=3, stock_kg=400, horizon_days=500)
    data["pads"][0]["ready_days"] = 5
    data["flights"] = [cargo_flight(f"F{i}", 20 + 60 * i, 120) for i in range(6)]
    previous = None
    for repair in range(0, 400, 25):
        m = metrics(data, [f"pads.pad.outages=[{{start: {day(0)}, repair_days: {repair}}}]"])
        if previous is not None:
            assert m["food.min_days_of_supply"] <= previous["food.min_days_of_supply"]
            # level is pointwise lower when deliveries come later: shortfall cannot shrink
            # and the first breach cannot come later (days below reserve need not grow:
            # bunched deliveries after a long outage can lift the stock for longer)
            assert m["food.shortfall_kg"] >= previous["food.shortfall_kg"] - 1e-6
            assert m["food.first_below_reserve_date"] <= previous["food.first_below_reserve_date"]
        previous = m


def test_same_seed_gives_byte_identical_summary(tmp_path) -> None:
    data = base_dict()
    data["uncertainty"] = {
        "slip_days": {"freighter": {"triangular": [0, 3, 30]}},
        "launch_failures": {"rocket": {"failure_probability": 0.3}},
    }
    data["flights"] = [cargo_flight(f"F{i}", 10 + 40 * i, 30) for i in range(6)]
    sc = build(data)
    sim.simulate(sc).write(tmp_path / "a")
    sim.simulate(sc).write(tmp_path / "b")
    for name in ("summary.json", "timeseries.csv", "flights.csv", "events.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = sim.simulate(sc, seed=12345).metrics
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["seed"] == 7
    assert other != sim.simulate(sc).metrics


def test_cost_grows_with_events_not_days() -> None:
    data = base_dict(horizon_days=400)
    data["flights"] = [cargo_flight(f"F{i}", 10 + 30 * i, 30) for i in range(10)]
    short = sim.simulate(build(data)).processed_events
    long = sim.simulate(build(data, [f"horizon={day(800)}"])).processed_events
    assert short > 20
    assert abs(long - short) / short < 0.10


def test_a_flight_holds_a_process_only_from_ready_to_undock() -> None:
    data = base_dict(horizon_days=400)
    data["vehicles"][1]["stay_days"] = 20
    data["flights"] = [cargo_flight(f"F{i}", 10 + 30 * i, 30) for i in range(10)]
    eng = Engine(build(data))
    # F<i> is ready on day 10 + 30 i, docks 2 days later and undocks 20 days after that
    expected = {5: set(), 11: {"F0"}, 25: {"F0"}, 35: set(), 41: {"F1"}, 300: {"F9"}}
    for until, ids in expected.items():
        eng.env.run(until=until)
        assert {k for k in eng.procs if k.startswith("F")} == ids, until
    eng.env.run(until=400)
    assert all(c.undock is not None for c in eng.crafts.values() if c.id.startswith("F"))


def test_flights_ready_together_launch_in_manifest_order() -> None:
    data = base_dict(horizon_days=100)
    data["pads"][0]["turnaround_days"] = 5
    data["flights"] = [cargo_flight(n, 10, 1) for n in ("B", "A", "C")]
    m = metrics(data)
    assert [m[f"flight.{n}.launch_date"] for n in ("B", "A", "C")] == [
        day(10).isoformat(),
        day(15).isoformat(),
        day(20).isoformat(),
    ]


# -- cargo vehicles making room ------------------------------------------------------------
def _crowded_port(min_stay: float | None) -> dict:
    data = base_dict(stock_kg=1e6)
    data["vehicles"][1]["stay_days"] = 100
    if min_stay is not None:
        data["vehicles"][1]["min_stay_days"] = min_stay
    data["flights"] = [cargo_flight("Old", 0, 10), cargo_flight("New", 10, 10)]
    return data


def test_without_min_stay_an_arrival_waits_for_the_full_stay() -> None:
    m = metrics(_crowded_port(None))
    # Old docks on day 2 for 100 days; New arrives on day 12 and waits until day 102
    assert m["flight.New.dock_date"] == day(102).isoformat()
    assert m["flight.New.port_wait_days"] == 90.0


def test_a_cargo_vehicle_past_its_min_stay_leaves_early_to_make_room() -> None:
    res = sim.simulate(build(_crowded_port(30)))
    m = res.metrics
    # Old may leave from day 2 + 30 = 32: New, waiting since day 12, docks then
    assert m["flight.New.dock_date"] == day(32).isoformat()
    assert m["flight.New.port_wait_days"] == 20.0
    old_undock = [e[0] for e in res.events if e[1] == "undock" and e[2] == "Old"]
    assert old_undock == [32.0]
    assert [e[2] for e in res.events if e[1] == "port_yield"] == ["Old"]


def test_an_arrival_after_the_min_stay_takes_the_port_at_once() -> None:
    data = _crowded_port(5)
    m = metrics(data)
    assert m["flight.New.dock_date"] == day(12).isoformat()
    assert m["flight.New.port_wait_days"] == 0.0


def test_min_stay_is_refused_on_a_crew_vehicle() -> None:
    data = base_dict()
    data["vehicles"][0]["min_stay_days"] = 10
    with pytest.raises(sim.ScenarioError, match="only cargo vehicles leave early"):
        build(data)


# -- evacuation rule -------------------------------------------------------------------------
def test_crew_evacuates_when_a_crew_consumable_falls_below_the_line() -> None:
    data = base_dict(crew=3, stock_kg=300)
    data["rules"] = {"evacuate_below_days": 30}
    res = sim.simulate(build(data))
    m = res.metrics
    # 300 kg at 3 kg/day: 30 days of supply left on day 70; the crew leaves then
    assert m["crew.evacuations"] == 1
    assert m["crew.first_evacuation_date"] == day(70).isoformat()
    assert [e[0] for e in res.events if e[1] == "undock" and e[2] == "Lifeboat"] == [70.0]
    assert m["food.depleted_date"] is None and m["food.end_kg"] == 90.0
    assert m["crew.station_uncrewed_days"] == 400 - 70
    assert m["crew.forced_returns"] == 0


def test_no_evacuation_rule_means_the_crew_stays_to_depletion() -> None:
    m = metrics(base_dict(crew=3, stock_kg=300))
    assert m["crew.evacuations"] == 0 and m["crew.first_evacuation_date"] is None
    assert m["food.depleted_date"] == day(100).isoformat()


def test_a_delivery_before_the_line_prevents_the_evacuation() -> None:
    data = base_dict(crew=3, stock_kg=300)
    data["rules"] = {"evacuate_below_days": 30}
    data["flights"] = [cargo_flight("Freighter", 58, 900)]  # docks day 60, before day 70
    # 300 - 180 + 900 = 1,020 kg on day 60 at 3 kg/day = 340 days: the line comes on day 370
    m = metrics(data)
    assert m["crew.evacuations"] == 1
    assert m["crew.first_evacuation_date"] == day(370).isoformat()
    data["horizon"] = day(360)
    assert metrics(data)["crew.evacuations"] == 0


def test_fixed_use_alone_does_not_evacuate_the_crew() -> None:
    data = base_dict(crew=3, stock_kg=1e6)
    data["station"]["consumables"].append(
        {"id": "propellant", "fixed_per_day": 10, "initial": {"kg": 100}, "reserve_days": 45}
    )
    data["rules"] = {"evacuate_below_days": 30}
    m = metrics(data)
    assert m["crew.evacuations"] == 0 and m["propellant.depleted_date"] == day(10).isoformat()


def test_a_closed_run_is_freed_at_once_without_the_cyclic_collector() -> None:
    """Processes still pending at the horizon refer to the engine; close() releases them,
    so a finished run's objects go as soon as the last reference does (simulate closes)."""
    data = base_dict(horizon_days=100)
    data["flights"] = [cargo_flight("F", 90, 10)]  # still docked at the horizon
    sc = build(data)
    gc.disable()
    try:
        kept = Engine(sc).run()
        kept_ref = weakref.ref(kept)
        del kept
        assert kept_ref() is not None  # held by its pending processes' generators
        closed = Engine(sc).run()
        closed.close()
        closed_ref = weakref.ref(closed)
        del closed
        assert closed_ref() is None
    finally:
        gc.enable()


# -- regressions -------------------------------------------------------------------------


def test_two_launches_on_one_pad_the_same_day_are_a_turnaround_apart(
    write_scenario: WriteScenario,
) -> None:
    """Regression: PadState.earliest once looped forever when a booking was exactly
    turnaround_days before the candidate time."""
    s = sim.load_scenario(write_scenario(edit("launch: 2026-05-01", "launch: 2026-01-10")))
    with time_limit(10):
        result = sim.simulate(s)
    # the pad is down until day 30 (+10 ready days), then 15 turnaround days apart
    assert [f["launch"] for f in result.flights] == ["2026-02-10", "2026-02-25"]
