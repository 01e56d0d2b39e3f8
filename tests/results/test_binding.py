"""What binds: the first reserve breach and the delivery that would have prevented it."""

from __future__ import annotations

from conftest import ROOT, base_dict, cargo_flight, day

import sim
from sim.results.binding import binding
from sim.results.report import run_summary


def _late_delivery(outage: bool = True) -> dict:
    # 300 kg at 3 kg/day: below 45 days on day 55. A freighter planned to launch on day 40
    # (dock day 42); with the pad down from day 30 for 50 days it launches on day 80
    data = base_dict(crew=3, stock_kg=300, horizon_days=200)
    if outage:
        data["pads"][0]["outages"] = [{"start": day(30), "repair_days": 50}]
    data["flights"] = [cargo_flight("Progress 1", 40, 90)]
    return data


def test_the_late_delivery_is_named_with_how_late_and_why() -> None:
    res = sim.simulate(sim.Scenario.model_validate(_late_delivery()))
    b = binding(res, "food")
    assert b is not None
    assert (b.breach_day, b.flight, b.planned_dock_day, b.dock_day) == (
        55.0,
        "Progress 1",
        42.0,
        82.0,
    )
    assert b.why == "pad was down from 2026-01-31 for 50 days"
    assert b.sentence(res) == (
        "food below 45 days on 2026-02-25; the delivery due first, Progress 1, docked "
        "2026-03-24, 40 days late (pad was down from 2026-01-31 for 50 days)"
    )
    assert "binds first: food below 45 days on 2026-02-25" in run_summary(res)


def test_no_breach_means_nothing_binds_and_a_plan_too_thin_is_said_to_be() -> None:
    calm = sim.simulate(sim.Scenario.model_validate(base_dict(stock_kg=1e5)))
    assert binding(calm, "food") is None and "binds first" not in run_summary(calm)
    # on time, the delivery docks on day 42 (174 + 90 = 264 kg, 88 days): below 45 days on
    # day 85, and no other delivery was planned before then
    res = sim.simulate(sim.Scenario.model_validate(_late_delivery(outage=False)))
    b = binding(res, "food")
    assert b is not None and b.breach_day == 85.0 and b.flight is None
    assert b.sentence(res) == (
        "food below 45 days on 2026-03-27; no delivery of food was planned to dock before then"
    )


def test_a_delivery_lost_at_launch_is_said_to_be_lost() -> None:
    data = _late_delivery(outage=False)
    data["uncertainty"] = {"launch_failures": {"rocket": {"failure_probability": 1.0}}}
    res = sim.simulate(sim.Scenario.model_validate(data))
    b = binding(res, "food")
    assert b is not None and b.flight == "Progress 1" and b.dock_day is None
    assert b.why == "it was lost in a launch failure"


def test_the_summary_says_in_words_what_ran_out_with_crew_aboard() -> None:
    text = run_summary(sim.simulate(ROOT / "scenarios" / "site31-repair-180d-sharing-none.yaml"))
    # RS food: 3 RS crew aboard on 2026-05-15; the unmet use is the food.RS shortfall
    assert (
        "RS FOOD RAN OUT on 2026-05-15 with 3 RS crew aboard: 152 kg of use unmet by the "
        "horizon; no crew rule acted (rules.policies)" in text
    )
    assert "RS WATER RAN OUT on 2026-05-30" in text
    calm = run_summary(sim.simulate(ROOT / "scenarios" / "baseline.yaml"))
    assert "RAN OUT" not in calm
