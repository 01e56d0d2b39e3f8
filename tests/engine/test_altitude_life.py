"""Altitude with reboosts, and oxygen made from water: against dates computed by hand
(the cases of issue 15)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from conftest import base_dict, build, cargo_flight, day

import sim
from sim.scenario import ScenarioError


def date_of(n: float) -> str:
    return day(math.floor(n)).isoformat()


def orbit_world(
    propellant_kg: float = 0.0, reboost: dict[str, float] | None = None, horizon: int = 900
) -> dict[str, Any]:
    """420 km, 0.05 km/day, floor 400 km; propellant with no other use; 10 kg per km."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=horizon)
    data["station"]["consumables"].append(
        {
            "id": "propellant",
            "held_by": "RS",
            "refuel": True,
            "fixed_per_day": 0,
            "per_crew_day": 0,
            "initial": {"kg": propellant_kg},
            "reserve_days": 0,
        }
    )
    data["station"]["altitude"] = {
        "initial_km": 420,
        "decay_km_per_day": 0.05,
        "min_altitude_km": 400,
        "kg_per_km": 10,
        **({"reboost": reboost} if reboost else {}),
    }
    return data


def run(data: dict[str, Any], overrides: list[str] | None = None) -> sim.Result:
    return sim.simulate(build(data, overrides))


def test_without_propellant_or_boost_the_floor_is_reached_on_day_400() -> None:
    res = run(orbit_world())
    m = res.metrics
    # (420 - 400) / 0.05 = day 400; then 500 days under it to the 900-day horizon
    assert m["station.first_below_min_altitude_date"] == date_of(400)
    assert m["station.days_below_min_altitude"] == pytest.approx(500)
    assert m["station.min_altitude_km"] == pytest.approx(420 - 0.05 * 900)
    assert m["station.reboosts"] == 0
    below = [e for e in res.events if e.kind == "below_min_altitude"]
    assert [e.day for e in below] == [pytest.approx(400)]


def test_reboosts_at_the_line_until_the_propellant_is_gone() -> None:
    res = run(orbit_world(200, {"at_km": 410, "by_km": 10}))
    m = res.metrics
    # 420 -> 410 on day 200: +10 km for 100 kg; again on day 400: the last 100 kg; on day
    # 600 it is at 410 with nothing left (no_reboost) and reaches the floor on day 800
    boosts = [e for e in res.events if e.kind == "reboost"]
    assert [e.day for e in boosts] == [pytest.approx(200), pytest.approx(400)]
    assert [e.kg for e in boosts] == [pytest.approx(100), pytest.approx(100)]
    assert all(e.km == pytest.approx(10) and e.vehicle is None for e in boosts)
    stuck = [e for e in res.events if e.kind == "no_reboost"]
    assert [e.day for e in stuck] == [pytest.approx(600)]
    assert m["propellant.end_kg"] == pytest.approx(0)
    assert m["propellant.depleted_date"] == date_of(400)
    assert m["station.reboost_propellant_kg"] == pytest.approx(200)
    assert m["station.reboosts"] == 2
    assert m["station.first_below_min_altitude_date"] == date_of(800)
    assert m["station.days_below_min_altitude"] == pytest.approx(100)
    # the series is the altitude, linear between rows: 410 just before each reboost
    s = res.series
    at_200 = s["altitude_km"][s["day"] == 200]
    assert list(at_200) == [pytest.approx(410), pytest.approx(420)]


def test_a_partial_reboost_spends_what_is_left() -> None:
    m = run(orbit_world(150, {"at_km": 410, "by_km": 10})).metrics
    # day 200: 10 km (100 kg); day 400: the last 50 kg buy 5 km -> 415 km; 410 again on
    # day 500, nothing left: floor on day 700
    assert m["station.reboost_propellant_kg"] == pytest.approx(150)
    assert m["station.first_below_min_altitude_date"] == date_of(700)


def boost_world(vehicle_km: float, station_kg: float) -> dict[str, Any]:
    data = orbit_world(station_kg, {"at_km": 410, "by_km": 10})
    data["vehicles"][1]["boost"] = {"km": vehicle_km}
    data["vehicles"][1]["stay_days"] = 1000
    data["flights"] = [cargo_flight("Tug", 10, 0.0)]
    return data


def test_a_docked_boost_vehicle_pays_from_its_own_budget_first() -> None:
    res = run(boost_world(vehicle_km=15, station_kg=1000))
    boosts = [(e.day, e.vehicle, e.km, e.kg) for e in res.events if e.kind == "reboost"]
    # day 200: the tug's 10 km; day 400: its last 5 km, then 5 km of station propellant;
    # then station propellant alone (100 kg each on days 600 and 800)
    assert boosts[:3] == [
        (pytest.approx(200), "Tug", pytest.approx(10), 0.0),
        (pytest.approx(400), "Tug", pytest.approx(5), 0.0),
        (pytest.approx(400), None, pytest.approx(5), pytest.approx(50)),
    ]
    assert [b[:2] for b in boosts[3:]] == [(pytest.approx(600), None), (pytest.approx(800), None)]
    m = res.metrics
    assert m["station.vehicle_reboost_km"] == pytest.approx(15)
    assert m["station.reboost_propellant_kg"] == pytest.approx(250)
    assert m["propellant.consumed_kg"] == pytest.approx(250)
    assert m["station.reboosts"] == 5


def test_a_boost_vehicle_docking_lifts_a_stranded_station_at_once() -> None:
    data = orbit_world(0, {"at_km": 410, "by_km": 10})
    data["vehicles"][1]["boost"] = {"kg": 100}  # 10 km at 10 kg/km
    data["flights"] = [cargo_flight("Tug", 248, 0.0)]  # docks day 250, 2.5 km under the line
    res = run(data)
    boosts = [(e.day, e.vehicle, e.km) for e in res.events if e.kind == "reboost"]
    assert boosts == [(pytest.approx(250), "Tug", pytest.approx(10))]
    # 407.5 -> 417.5 km; the line again on day 400 with nothing to pay: floor on day 600
    stuck = [e.day for e in res.events if e.kind == "no_reboost"]
    assert stuck == [pytest.approx(200), pytest.approx(400)]
    assert res.metrics["station.first_below_min_altitude_date"] == date_of(600)


def test_a_delivery_of_propellant_to_a_stranded_station_reboosts_at_once() -> None:
    data = orbit_world(0, {"at_km": 410, "by_km": 10})
    data["station"]["ports"][2]["refuel"] = True
    data["vehicles"][1]["refuel"] = True
    flight = cargo_flight("Tanker", 298, 0.0)
    flight["cargo"] = {"propellant": 100.0}  # docks day 300 at 405 km
    data["flights"] = [flight]
    res = run(data)
    boosts = [(e.day, e.kg) for e in res.events if e.kind == "reboost"]
    assert boosts == [(pytest.approx(300), pytest.approx(100))]
    # 405 -> 415 km; 410 on day 400, nothing left: the floor on day 600 (day 400 without)
    assert res.metrics["station.first_below_min_altitude_date"] == date_of(600)


def test_a_reboost_paid_in_part_under_the_line_waits_for_the_next_delivery() -> None:
    data = orbit_world(0, {"at_km": 410, "by_km": 10})
    data["station"]["ports"][2]["refuel"] = True
    data["vehicles"][1]["refuel"] = True
    first = cargo_flight("Tanker-1", 298, 0.0)
    first["cargo"] = {"propellant": 20.0}  # docks day 300 at 405 km: 2 km -> 407 km
    second = cargo_flight("Tanker-2", 318, 0.0)
    second["cargo"] = {"propellant": 1000.0}  # docks on day 330, when a port frees
    data["flights"] = [first, second]
    res = run(data)
    docked = {e.subject: e.day for e in res.events if e.kind == "dock"}
    assert docked == {"Tanker-1": pytest.approx(300), "Tanker-2": pytest.approx(330)}
    boosts = [(e.day, e.kg, e.km) for e in res.events if e.kind == "reboost"]
    # at 407 - 0.05 * 30 = 405.5 km, under the line, the second tanker pays at once for
    # the 10 km the rule asks, not when the floor would be reached (day 440)
    assert boosts[:2] == [
        (pytest.approx(300), pytest.approx(20), pytest.approx(2)),
        (pytest.approx(330), pytest.approx(100), pytest.approx(10)),
    ]


def test_a_faster_decay_never_raises_the_minimum_altitude() -> None:
    mins = [
        run(
            orbit_world(200, {"at_km": 410, "by_km": 10}),
            [f"station.altitude.decay_km_per_day={d}"],
        ).metrics["station.min_altitude_km"]
        for d in (0.02, 0.05, 0.08, 0.11)
    ]
    assert mins == sorted(mins, reverse=True) and mins[0] > mins[-1]


def test_decay_changes_take_effect_on_their_date() -> None:
    data = orbit_world()
    data["station"]["altitude"]["decay_changes"] = [{"start": day(100), "km_per_day": 0.1}]
    m = run(data).metrics
    # 420 - 5 = 415 on day 100, then 0.1 km/day: the floor on day 250
    assert m["station.first_below_min_altitude_date"] == date_of(250)


# -- life support ----------------------------------------------------------------------------
def life_world(
    generator_down_from: float | None = None, water_kg: float = 1000.0
) -> dict[str, Any]:
    """3 RS crew; gross oxygen 0.84 and water 3.5 kg/crew-day; RS recovers 80% of water; an
    RS generator of 9 kg O2/day; stored O2 100 kg."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=200)
    data["station"]["consumables"] += [
        {"id": "water", "per_crew_day": 3.5, "initial": {"kg": water_kg}, "reserve_days": 10},
        {"id": "oxygen", "per_crew_day": 0.84, "initial": {"kg": 100}, "reserve_days": 10},
    ]
    gen: dict[str, Any] = {"id": "Elektron", "segment": "RS", "max_kg_per_day": 9}
    if generator_down_from is not None:
        gen["outages"] = [{"start": day(generator_down_from), "days": 1000}]
    data["station"]["life_support"] = {"recovery": {"RS": 0.8}, "generators": [gen]}
    return data


def test_a_running_generator_leaves_stored_oxygen_untouched() -> None:
    res = run(life_world())
    m = res.metrics
    assert m["oxygen.end_kg"] == pytest.approx(100)
    assert m["oxygen.consumed_kg"] == pytest.approx(0)
    # water: 3 x 3.5 x (1 - 0.8) = 2.1 kg/day to drink + 9/8 x 2.52 = 2.835 kg/day of feed
    assert m["water.consumed_kg"] == pytest.approx(200 * (2.1 + 9 / 8 * 2.52))
    assert m["generator.Elektron.generated_kg"] == pytest.approx(200 * 2.52)
    assert m["oxygen.min_days_of_supply"] is None  # never drawn: infinite days


def test_with_the_generator_down_stored_oxygen_runs_out_on_day_10_plus_100_over_2_52() -> None:
    res = run(life_world(generator_down_from=10))
    m = res.metrics
    out = 10 + 100 / 2.52
    assert m["oxygen.depleted_date"] == date_of(out)
    # reserve 10 days = 25.2 kg: reached 10 days before it runs out
    assert m["oxygen.first_below_reserve_date"] == date_of(out - 10)
    assert m["oxygen.shortfall_kg"] == pytest.approx(2.52 * (200 - out))
    # feed water only while it ran (10 days)
    assert m["water.consumed_kg"] == pytest.approx(200 * 2.1 + 10 * 9 / 8 * 2.52)
    assert m["generator.Elektron.down_days"] == pytest.approx(190)
    assert m["generator.Elektron.generated_kg"] == pytest.approx(10 * 2.52)
    kinds = [(e.kind, e.subject, e.day) for e in res.events if e.kind.startswith("generator")]
    assert kinds == [("generator_down", "Elektron", pytest.approx(10))]
    # oxygen days of supply in the series: infinite while made, 100/2.52 at day 10
    s = res.series
    assert s["oxygen_days"][s["day"] == 10][-1] == pytest.approx(100 / 2.52)


def test_a_generator_without_feed_water_stops_and_the_stock_takes_over() -> None:
    # 100 kg of water at 2.1 + 2.835 kg/day lasts 100 / 4.935 days; then O2 from the stock
    res = run(life_world(water_kg=100.0))
    m = res.metrics
    dry = 100 / (2.1 + 9 / 8 * 2.52)
    assert m["water.depleted_date"] == date_of(dry)
    assert m["oxygen.depleted_date"] == date_of(dry + 100 / 2.52)
    assert m["generator.Elektron.generated_kg"] == pytest.approx(dry * 2.52)


def test_spare_capacity_covers_the_other_segment_one_atmosphere() -> None:
    data = life_world()
    data["station"]["docked"][0]["crew"] = {"RS": 1, "USOS": 2}
    data["station"]["life_support"]["recovery"]["USOS"] = 0.98
    m = run(data).metrics
    # the RS generator makes all 3 x 0.84: water 1 x 3.5 x 0.2 + 2 x 3.5 x 0.02 + 9/8 x 2.52
    assert m["oxygen.consumed_kg"] == pytest.approx(0)
    assert m["water.consumed_kg"] == pytest.approx(200 * (0.7 + 0.14 + 9 / 8 * 2.52))


def test_mass_balance_with_reboosts_and_life_support() -> None:
    data = orbit_world(500, {"at_km": 410, "by_km": 10})
    life = life_world(generator_down_from=50)
    data["station"]["consumables"] += life["station"]["consumables"][1:]
    data["station"]["life_support"] = life["station"]["life_support"]
    m = run(data).metrics
    for c in ("food", "water", "oxygen", "propellant"):
        init = {"food": 1e6, "water": 1000, "oxygen": 100, "propellant": 500}[c]
        end = init + m[f"{c}.delivered_kg"] - m[f"{c}.consumed_kg"]
        assert m[f"{c}.end_kg"] == pytest.approx(end), c


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda d: d["station"]["altitude"].update(propellant="fuel"), "unknown consumable 'fuel'"),
        (
            lambda d: d["station"]["altitude"].update(reboost={"at_km": 390, "by_km": 5}),
            "under the floor",
        ),
        (lambda d: d["vehicles"][1].update(boost={"km": 3, "kg": 4}), "km or as kg"),
        (lambda d: d["vehicles"][1].update(boost={"km": 3, "ports": ["p1"]}), "cannot dock at"),
    ],
)
def test_bad_altitude_inputs_are_located_errors(edit: Any, says: str) -> None:
    data = copy.deepcopy(orbit_world(100, {"at_km": 410, "by_km": 10}))
    edit(data)
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert says in str(err.value)


def test_bad_life_support_inputs_are_located_errors() -> None:
    data = life_world()
    data["station"]["life_support"]["oxygen"] = "air"
    with pytest.raises(ScenarioError) as err:
        build(data)
    text = str(err.value)
    assert "station.life_support.oxygen" in text and "unknown consumable 'air'" in text


def test_the_longest_docked_boost_vehicle_pays_first() -> None:
    data = boost_world(vehicle_km=8, station_kg=0)
    data["station"]["ports"].append({"id": "cargo2", "segment": "USOS", "kind": "CBM"})
    data["vehicles"][1]["ports"] = ["cargo", "cargo2"]
    data["flights"] = [cargo_flight("Late", 50, 0.0), cargo_flight("Early", 10, 0.0)]
    res = run(data)
    boosts = [(e.day, e.vehicle, e.km) for e in res.events if e.kind == "reboost"]
    # day 200: Early (docked day 12) gives its 8 km, Late (day 52) the other 2; day 400:
    # Late's last 6 km, then nothing (no propellant): a 6-km reboost
    assert boosts == [
        (pytest.approx(200), "Early", pytest.approx(8)),
        (pytest.approx(200), "Late", pytest.approx(2)),
        (pytest.approx(400), "Late", pytest.approx(6)),
    ]


def test_random_generator_failures_follow_their_keyed_draws_and_only_when_uncertain() -> None:
    data = life_world()
    data["station"]["life_support"]["generators"][0]["failures"] = {
        "up_days": 30,
        "repair_days": {"uniform": [5, 15]},
    }
    # without an uncertainty section the generator never fails
    assert run(data).metrics["generator.Elektron.down_days"] == 0
    data["uncertainty"] = {}
    res = run(data)
    downs = [e.day for e in res.events if e.kind == "generator_down"]
    ups = [e.day for e in res.events if e.kind == "generator_up"]
    # up 30 days, down 5-15, up 30, ...: each stretch as the streams draw it
    streams = sim.engine.rng.Streams(res.seed)
    t, expect_down, expect_up = 0.0, [], []
    k = 0
    while True:
        t += 30
        if t >= 200:
            break
        expect_down.append(t)
        t += 5 + 10 * streams.uniform("generator/Elektron/repair", k)
        if t >= 200:
            break
        expect_up.append(t)
        k += 1
    assert downs == pytest.approx(expect_down) and ups == pytest.approx(expect_up)
    down = sum(min(u, 200) - d for d, u in zip(downs, [*ups, 200], strict=False))
    assert res.metrics["generator.Elektron.down_days"] == pytest.approx(down)
    # the stored O2 pays 2.52 kg/day only while the generator is down
    assert res.metrics["oxygen.consumed_kg"] == pytest.approx(min(100, 2.52 * down))
    again = run(data)
    assert [e.day for e in again.events] == [e.day for e in res.events]  # same seed, same run
