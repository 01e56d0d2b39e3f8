"""Segment stocks, cargo by segment and sharing rules, against dates computed by hand.

The analytic case of issue 14: RS 3 crew and USOS 4 crew, food 1 kg per crew-day, RS
stock 90 kg, USOS 400 kg, reserve 10 days, no flights.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from conftest import EPOCH, build, cargo_flight, day

import sim
from sim.results import metrics as mk
from sim.scenario import ScenarioError

H = 400  # horizon, days


def two_segments(
    rs_kg: float = 90.0,
    usos_kg: float = 400.0,
    sharing: Any = "none",
    reserve: float = 10.0,
) -> dict[str, Any]:
    """One vehicle docked with 3 RS + 4 USOS crew; food split RS/USOS at 1 kg/crew-day."""
    return {
        "name": "segments",
        "epoch": EPOCH,
        "horizon": day(H),
        "rules": {"sharing": {"food": sharing}},
        "station": {
            "ports": [
                {"id": "rs-port", "segment": "RS", "kind": "docking", "refuel": True},
                {"id": "rs-zenith", "segment": "RS", "kind": "docking"},
                {"id": "us-port", "segment": "USOS", "kind": "CBM"},
            ],
            "consumables": [
                {
                    "id": "food",
                    "per_crew_day": 1.0,
                    "reserve_days": reserve,
                    "segments": {
                        "RS": {"initial": {"kg": rs_kg}},
                        "USOS": {"initial": {"kg": usos_kg}},
                    },
                },
                {
                    "id": "propellant",
                    "held_by": "RS",
                    "fixed_per_day": 1.0,
                    "initial": {"kg": 1000},
                    "reserve_days": 10,
                    "refuel": True,
                },
            ],
            "docked": [
                {
                    "id": "Ark",
                    "vehicle": "ark",
                    "port": "us-port",
                    "docked": EPOCH,
                    "crew": {"RS": 3, "USOS": 4},
                }
            ],
        },
        "pads": [{"id": "pad", "site": "Test", "families": ["rocket"]}],
        "vehicles": [
            {
                "id": "ark",
                "family": "rocket",
                "role": "crew",
                "seats": 7,
                "docked_life_days": 10_000,
                "ports": ["us-port"],
            },
            {
                "id": "tanker",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 10_000,
                "stay_days": 30,
                "refuel": True,
                "ports": ["rs-port", "rs-zenith"],
            },
            {
                "id": "freighter",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 10_000,
                "stay_days": 30,
                "ports": ["us-port", "rs-zenith"],
            },
        ],
        "flights": [],
    }


def run(data: dict[str, Any], overrides: list[str] | None = None) -> sim.Result:
    return sim.simulate(build(data, overrides))


def date_of(n: float) -> str:
    return day(math.floor(n)).isoformat()


def seg(m: dict[str, Any], segment: str, stat: str) -> Any:
    return m[mk.segment_key("food", segment, stat)]


def balance(m: dict[str, Any], key: str, initial: float) -> float:
    """initial + delivered + in - out - consumed (the end stock it implies)."""
    return (
        initial
        + m[f"{key}.delivered_kg"]
        + m.get(f"{key}.transferred_in_kg", 0.0)
        - m.get(f"{key}.transferred_out_kg", 0.0)
        - m[f"{key}.consumed_kg"]
    )


def test_no_sharing_each_segment_runs_down_on_its_own() -> None:
    m = run(two_segments()).metrics
    # RS: 90 kg at 3 kg/day -> 10 days left (30 kg) on day 20, empty on day 30
    assert seg(m, "RS", "first_below_reserve_date") == date_of(20)
    assert seg(m, "RS", "depleted_date") == date_of(30)
    # USOS: 400 kg at 4 kg/day -> 10 days left on day 90, empty on day 100
    assert seg(m, "USOS", "first_below_reserve_date") == date_of(90)
    assert seg(m, "USOS", "depleted_date") == date_of(100)
    # the station keys are the worst segment at each instant
    assert m["food.first_below_reserve_date"] == date_of(20)
    assert m["food.depleted_date"] == date_of(30)
    assert m["food.min_days_of_supply"] == 0.0
    assert m["food.min_date"] == date_of(30)
    # below the line: RS from day 20, USOS from day 90 -> some segment from day 20 on
    assert seg(m, "RS", "days_below_reserve") == pytest.approx(H - 20)
    assert seg(m, "USOS", "days_below_reserve") == pytest.approx(H - 90)
    assert m["food.days_below_reserve"] == pytest.approx(H - 20)
    # shortfall: RS 3 kg/day from day 30, USOS 4 kg/day from day 100; masses are totals
    assert seg(m, "RS", "shortfall_kg") == pytest.approx(3 * (H - 30))
    assert m["food.shortfall_kg"] == pytest.approx(3 * (H - 30) + 4 * (H - 100))
    assert m["food.consumed_kg"] == pytest.approx(490)
    assert seg(m, "RS", "transferred_in_kg") == 0.0


def test_on_need_holds_the_recipient_on_the_line_until_the_donor_reaches_its_floor() -> None:
    rule = {"below_days": 10, "donor_keeps_days": 10, "max_kg_per_day": 3}
    res = run(two_segments(sharing=rule))
    m = res.metrics
    # RS reaches 10 days (30 kg) on day 20; USOS gives 3 kg/day (RS's use), holding RS on
    # the line (a touch, not a breach). USOS (320 kg) then falls 7 kg/day to its floor of
    # 10 days (40 kg): 280 / 7 = 40 days later, day 60; 120 kg moved.
    transfers = [e for e in res.events if e.kind == "transfer"]
    assert len(transfers) == 1
    t = transfers[0]
    assert (t.day, t.donor, t.segment, t.subject) == (pytest.approx(20), "USOS", "RS", "food")
    assert t.days == pytest.approx(40)
    assert t.kg == pytest.approx(120)
    # then both sit at 10 days and fall: below the reserve on day 60, empty on day 70
    for s in ("RS", "USOS"):
        assert seg(m, s, "first_below_reserve_date") == date_of(60)
        assert seg(m, s, "depleted_date") == date_of(70)
    assert seg(m, "RS", "transferred_in_kg") == pytest.approx(120)
    assert seg(m, "USOS", "transferred_out_kg") == pytest.approx(120)
    assert seg(m, "RS", "days_below_reserve") == pytest.approx(H - 60)
    assert m["food.first_below_reserve_date"] == date_of(60)
    assert m["food.days_below_reserve"] == pytest.approx(H - 60)


def test_on_need_capped_below_the_recipients_use_slows_its_fall() -> None:
    rule = {"below_days": 20, "donor_keeps_days": 50, "max_kg_per_day": 1}
    m = run(two_segments(sharing=rule)).metrics
    # RS at 20 days (60 kg) on day 10; 1 kg/day in, so it falls 2 kg/day: reserve (30 kg)
    # on day 25, empty on day 40. USOS (360 kg) falls 5 kg/day to its floor of 50 days
    # (200 kg) on day 42: 32 kg moved; then 4 kg/day: reserve on day 82, empty on day 92.
    assert seg(m, "RS", "first_below_reserve_date") == date_of(25)
    assert seg(m, "RS", "depleted_date") == date_of(40)
    assert seg(m, "RS", "transferred_in_kg") == pytest.approx(32)
    # empty RS still uses what flows in: short 2 kg/day to day 42, 3 kg/day after
    assert seg(m, "RS", "shortfall_kg") == pytest.approx(2 * 2 + 3 * (H - 42))
    assert seg(m, "RS", "consumed_kg") == pytest.approx(90 + 32)
    assert seg(m, "USOS", "first_below_reserve_date") == date_of(82)
    assert seg(m, "USOS", "depleted_date") == date_of(92)
    assert seg(m, "USOS", "min_days_of_supply") == 0.0


def test_on_need_refills_a_recipient_under_the_line_at_the_full_rate() -> None:
    rule = {"below_days": 20, "donor_keeps_days": 10, "max_kg_per_day": 6}
    m = run(two_segments(rs_kg=30, sharing=rule, reserve=5)).metrics
    # RS starts at 10 days, under the 20-day line: 6 kg/day in, net +3 kg/day, back on the
    # line (60 kg) on day 10; then held (3 kg/day). USOS falls 10 kg/day to day 10 (300 kg),
    # then 7 kg/day to its floor of max(10, 20) days = 80 kg: day 10 + 220/7.
    stop = 10 + 220 / 7
    moved = 60 + 3 * (stop - 10)
    assert seg(m, "RS", "transferred_in_kg") == pytest.approx(moved)
    assert seg(m, "USOS", "transferred_out_kg") == pytest.approx(moved)
    # then RS 60 kg at 3 kg/day: 5 days (15 kg) after 15 days, empty after 20; USOS 80 kg
    # at 4 kg/day: the same days
    for s in ("RS", "USOS"):
        assert seg(m, s, "first_below_reserve_date") == date_of(stop + 15)
        assert seg(m, s, "depleted_date") == date_of(stop + 20)
    assert seg(m, "RS", "min_days_of_supply") == 0.0
    # RS's lowest point before the refill was its start, 10 days
    assert m["food.RS.min_date"] == date_of(stop + 20)


def test_transfers_are_exact_rows_of_the_time_series() -> None:
    rule = {"below_days": 10, "donor_keeps_days": 10, "max_kg_per_day": 3}
    res = run(two_segments(sharing=rule))
    s = res.series
    for t, rs, usos in [(20, 30, 320), (40, 30, 180), (60, 30, 40)]:
        assert float(_at(s, "food_RS_kg", t)) == pytest.approx(rs)
        assert float(_at(s, "food_USOS_kg", t)) == pytest.approx(usos)
    assert float(_at(s, "food_kg", 40)) == pytest.approx(210)
    assert float(_at(s, "food_RS_days", 40)) == pytest.approx(10)
    assert float(_at(s, "food_days", 80)) == pytest.approx(0)  # the worst segment


def _at(series: dict[str, Any], col: str, t: float) -> float:
    import numpy as np

    return float(np.interp(t, series["day"], series[col]))


def test_pooled_reproduces_one_pool_exactly() -> None:
    split = two_segments(sharing="pooled")
    pool = copy.deepcopy(split)
    food = pool["station"]["consumables"][0]
    del food["segments"]
    food["initial"] = {"kg": 490}
    pool["rules"] = {}
    flights = [
        cargo_flight("F1", 50, 80),
        cargo_flight("F2", 70, 100),
    ]
    split["flights"] = pool["flights"] = flights
    a, b = run(split).metrics, run(pool).metrics
    food_keys = [k for k in b if k.startswith("food.")]
    assert len(food_keys) == len(mk.CONSUMABLE_STATS)
    assert {k: a[k] for k in food_keys} == {k: b[k] for k in food_keys}
    assert not any(k.startswith("food.RS.") for k in a)  # one pool: no segment stocks


def test_cargo_goes_to_the_segment_of_its_port_unless_split() -> None:
    data = two_segments()
    data["flights"] = [
        cargo_flight("F1", 0, 50),
        cargo_flight("F2", 5, 0, cargo={"food": {"RS": 20, "USOS": 5}}),
    ]
    m = run(data).metrics
    # F1 docks at us-port? The Ark holds it: F1 takes rs-zenith, an RS port -> RS
    assert seg(m, "RS", "delivered_kg") == pytest.approx(50 + 20)
    assert seg(m, "USOS", "delivered_kg") == pytest.approx(5)
    assert m["food.delivered_kg"] == pytest.approx(75)


def test_refuel_cargo_is_transferred_only_at_a_refuel_port() -> None:
    data = two_segments()
    data["flights"] = [
        {
            "id": "T1",
            "vehicle": "tanker",
            "pad": "pad",
            "launch": day(0),
            "cargo": {"propellant": 300},
        },
        {
            "id": "T2",
            "vehicle": "tanker",
            "pad": "pad",
            "launch": day(1),
            "cargo": {"propellant": 200},
        },
    ]
    m = run(data).metrics
    # T1 takes rs-port (refuel); T2 finds it busy and docks at rs-zenith (no transfer)
    assert m["propellant.delivered_kg"] == pytest.approx(300)
    assert m["propellant.undelivered_kg"] == pytest.approx(200)
    assert m["propellant.RS.delivered_kg"] == pytest.approx(300)
    # held by RS for the whole station: fixed use only here, 1 kg/day
    assert m["propellant.consumed_kg"] == pytest.approx(H)


def test_crew_use_the_stock_of_their_own_segment() -> None:
    data = two_segments(rs_kg=300, usos_kg=300)
    data["station"]["docked"][0]["crew"] = {"RS": 1, "USOS": 6}
    m = run(data).metrics
    assert seg(m, "RS", "depleted_date") == date_of(300)  # 1 kg/day
    assert seg(m, "USOS", "depleted_date") == date_of(50)  # 6 kg/day


def test_segment_rates_may_differ() -> None:
    data = two_segments(rs_kg=300, usos_kg=300)
    food = data["station"]["consumables"][0]
    food["segments"]["RS"]["per_crew_day"] = 2.0
    food["segments"]["USOS"]["fixed_per_day"] = 1.0
    m = run(data).metrics
    assert seg(m, "RS", "depleted_date") == date_of(50)  # 3 crew x 2 kg
    assert seg(m, "USOS", "depleted_date") == date_of(60)  # 4 crew x 1 kg + 1 kg


def test_initial_days_of_supply_per_segment_use_that_segments_rates() -> None:
    data = two_segments()
    food = data["station"]["consumables"][0]
    food["segments"]["RS"]["initial"] = {"days": 30, "crew": 3}
    food["segments"]["RS"]["per_crew_day"] = 2.0
    m = run(data).metrics
    assert seg(m, "RS", "depleted_date") == date_of(30)
    assert seg(m, "RS", "consumed_kg") == pytest.approx(180)


@pytest.mark.parametrize(
    "rule",
    [
        "none",
        {"below_days": 10, "donor_keeps_days": 10, "max_kg_per_day": 3},
        {"below_days": 30, "donor_keeps_days": 5, "max_kg_per_day": 50},
        {"below_days": 20, "donor_keeps_days": 50, "max_kg_per_day": 1},
    ],
    ids=["none", "hold", "refill", "capped"],
)
def test_mass_balance_per_segment_and_station_with_transfers(rule: Any) -> None:
    data = two_segments(sharing=rule)
    data["flights"] = [
        cargo_flight("F1", 25, 40),
        cargo_flight("F2", 80, 0, cargo={"food": {"RS": 70, "USOS": 30}}),
    ]
    res = run(data)
    m = res.metrics
    assert balance(m, "food.RS", 90) == pytest.approx(seg(m, "RS", "end_kg"), abs=1e-6)
    assert balance(m, "food.USOS", 400) == pytest.approx(seg(m, "USOS", "end_kg"), abs=1e-6)
    assert balance(m, "food", 490) == pytest.approx(m["food.end_kg"], abs=1e-6)
    moved = sum(e.kg or 0.0 for e in res.events if e.kind == "transfer")
    inflow = seg(m, "RS", "transferred_in_kg") + seg(m, "USOS", "transferred_in_kg")
    outflow = seg(m, "RS", "transferred_out_kg") + seg(m, "USOS", "transferred_out_kg")
    assert moved == pytest.approx(inflow, abs=1e-6)
    assert inflow == pytest.approx(outflow, abs=1e-6)
    for s in ("RS", "USOS"):
        assert seg(m, s, "end_kg") >= 0


def test_sharing_none_is_never_better_than_pooled() -> None:
    for rs, usos in [(90, 400), (400, 90), (250, 250)]:
        none = run(two_segments(rs, usos, "none")).metrics
        pooled = run(two_segments(rs, usos, "pooled")).metrics
        assert none["food.min_days_of_supply"] <= pooled["food.min_days_of_supply"]


def test_sharing_can_be_set_on_the_command_line() -> None:
    data = two_segments(sharing={"below_days": 10, "donor_keeps_days": 10, "max_kg_per_day": 3})
    m = run(data, ["rules.sharing.food=none"]).metrics
    assert seg(m, "RS", "depleted_date") == date_of(30)


@pytest.mark.parametrize(
    ("edit", "where", "says"),
    [
        (
            lambda d: d["rules"]["sharing"].update(fuel="none"),
            "rules.sharing.fuel",
            "unknown consumable 'fuel'",
        ),
        (
            lambda d: d["rules"]["sharing"].update(propellant="none"),
            "rules.sharing.propellant",
            "held by RS",
        ),
        (
            lambda d: d["station"]["consumables"][0]["segments"].update(EU={"initial": {"kg": 1}}),
            "station.consumables.food.segments.EU",
            "",
        ),
        (
            lambda d: d["station"]["consumables"][0]["segments"].pop("USOS"),
            "station.consumables.food",
            "missing USOS",
        ),
        (
            lambda d: d["flights"].append(
                {
                    "id": "F",
                    "vehicle": "freighter",
                    "pad": "pad",
                    "launch": day(3),
                    "cargo": {"propellant": 10},
                }
            ),
            "flights.F.cargo.propellant",
            "freighter cannot refuel",
        ),
        (
            lambda d: d["flights"].append(
                {
                    "id": "F",
                    "vehicle": "freighter",
                    "pad": "pad",
                    "launch": day(3),
                    "cargo": {"propellant": {"RS": 10}},
                }
            ),
            "flights.F.cargo.propellant",
            "held by RS",
        ),
        (
            lambda d: d["flights"].append(
                {
                    "id": "T",
                    "vehicle": "tanker",
                    "pad": "pad",
                    "launch": day(3),
                    "ports": ["rs-zenith"],
                    "cargo": {"propellant": 10},
                }
            ),
            "flights.T.cargo.propellant",
            "none of the ports",
        ),
    ],
    ids=[
        "unknown-consumable",
        "not-split",
        "unknown-segment",
        "missing-segment",
        "no-refuel-vehicle",
        "split-of-held",
        "no-refuel-port",
    ],
)
def test_bad_segment_inputs_are_located_errors(edit: Any, where: str, says: str) -> None:
    data = two_segments()
    edit(data)
    with pytest.raises(ScenarioError) as err:
        build(data)
    text = str(err.value)
    assert where in text
    assert says in text


def test_a_split_stock_that_nobody_uses_is_an_error_as_a_pool_is() -> None:
    data = two_segments()
    food = data["station"]["consumables"][0]
    food["per_crew_day"] = 0
    with pytest.raises(ScenarioError) as err:
        build(data)
    assert "per_crew_day and fixed_per_day are both 0" in str(err.value)
    food["segments"]["USOS"]["fixed_per_day"] = 0.1  # some use somewhere: fine
    build(data)
