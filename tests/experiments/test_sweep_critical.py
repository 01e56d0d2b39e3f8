"""Sweeps and critical values: grids, seeds, parallel identity, exact analytic boundaries."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Cli, WriteScenario, base_dict, cargo_flight, day

import sim
from sim.cli import main
from sim.engine.rng import derive_seed
from sim.experiments.critical import breaches, monotone_warnings
from sim.plots.style import Figure, new_axes
from sim.plots.sweep import sweep_chart
from sim.scenario.specs import parse_values, run_key, value_text

REPAIR = "pads.pad.outages.0.repair_days"


def supply_case(write_scenario: WriteScenario, uncertain: bool = False) -> Path:
    """3 crew at 1 kg/crew-day (3 kg/day), 300 kg, reserve 45 days (135 kg); one 1,200 kg
    freighter planned for day 5 from a pad that is down from day 0 for R days, then needs
    10.5 ready days; it docks 2 days after launch, on day R + 12.5."""
    data = base_dict(crew=3, stock_kg=300, horizon_days=400)
    data["pads"][0].update(ready_days=10.5, outages=[{"start": day(0), "repair_days": 30}])
    data["flights"] = [cargo_flight("Supply", 5, 1200)]
    if uncertain:
        data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [0, 10]}}}
    return write_scenario(data, "supply.yaml")


def lifeboat_case(write_scenario: WriteScenario) -> Path:
    """A capsule (2 RS + 1 USOS) whose docked life ends on day 200; its relief (same crew)
    is planned for day 100 from the pad that is down from day 0 for R days (+10.5 ready
    days) and docks 1 day after launch, on day max(101, R + 11.5). The relief's own life
    ends after the 300-day horizon."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=300)
    data["station"]["docked"][0]["crew"] = {"RS": 2, "USOS": 1}
    data["vehicles"][0]["docked_life_days"] = 200
    data["pads"][0].update(ready_days=10.5, outages=[{"start": day(0), "repair_days": 30}])
    data["flights"] = [
        {
            "id": "Relief",
            "vehicle": "capsule",
            "pad": "pad",
            "launch": day(100),
            "crew": {"RS": 2, "USOS": 1},
            "relieves": "Lifeboat",
        }
    ]
    return write_scenario(data, "lifeboat.yaml")


# -- SPEC --------------------------------------------------------------------------------
def test_spec_lists_and_inclusive_ranges() -> None:
    assert parse_values("30,60,90") == [30, 60, 90]
    assert parse_values(" 1.5, 2.0 ,3") == [1.5, 2, 3]
    assert all(type(v) is int for v in parse_values("30.0,60"))
    r = parse_values("0:720:30")
    assert r[0] == 0 and r[-1] == 720 and len(r) == 25
    assert parse_values("0:3") == [0, 1, 2, 3]
    assert parse_values("10:0:-5") == [10, 5, 0]
    assert parse_values("0:10:4") == [0, 4, 8]  # STOP is included only when on the grid
    assert parse_values("0.1:0.3:0.1") == [0.1, 0.2, 0.3]
    assert parse_values("0:1:0.25") == [0, 0.25, 0.5, 0.75, 1]
    assert parse_values("2026-05-01,2026-08-01") == [date(2026, 5, 1), date(2026, 8, 1)]
    assert parse_values("soyuz,true,1e3") == ["soyuz", True, 1000]


@pytest.mark.parametrize(
    "spec",
    ["", " ", "1,,2", "0:10:0", "0:10:-1", "0:10:x", "1:2:3:4", "1,2:3", "[1,2", "{a: 1}", "nan"],
)
def test_bad_spec_is_one_line_value_error(spec: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_values(spec)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "value",
    [0, 120, -3, 2.5, 1e-07, 1e20, True, None, "soyuz", "a b", "yes", "12", date(2026, 5, 1)],
)
def test_value_text_reads_back_as_the_same_yaml_value(value: Any) -> None:
    assert yaml.safe_load(value_text(value)) == value


# -- sweep -------------------------------------------------------------------------------
def test_rows_are_the_product_of_the_value_lists_first_param_slowest(
    write_scenario: WriteScenario,
) -> None:
    path = supply_case(write_scenario)
    res = sim.sweep(path, {REPAIR: [0, 30, 60], "flights.Supply.cargo.food": [600, 1200]})
    assert res.params == [REPAIR, "flights.Supply.cargo.food"]
    assert [tuple(r.params.values()) for r in res.runs] == [
        (0, 600),
        (0, 1200),
        (30, 600),
        (30, 1200),
        (60, 600),
        (60, 1200),
    ]
    for r in res.runs:
        assert r.metrics["food.delivered_kg"] == r.params["flights.Supply.cargo.food"]
        launch = max(5, r.params[REPAIR] + 10.5)
        assert r.metrics["flight.Supply.launch_date"] == day(int(launch)).isoformat()
    assert res.scenario == "analytic" and res.reserve_days == {"food": 45}


def test_run_seed_depends_only_on_the_run_parameters(write_scenario: WriteScenario) -> None:
    path = supply_case(write_scenario, uncertain=True)
    a = sim.sweep(path, {REPAIR: [30, 60]})
    b = sim.sweep(path, {REPAIR: [90, 60, 0, 30]})
    seeds_a = {r.params[REPAIR]: r.seed for r in a.runs}
    seeds_b = {r.params[REPAIR]: r.seed for r in b.runs}
    assert seeds_a[30] == seeds_b[30] == derive_seed(7, f"sweep/{REPAIR}=30")
    assert seeds_a[60] == seeds_b[60]
    assert len(set(seeds_b.values())) == 4
    metrics_a = {r.params[REPAIR]: r.metrics for r in a.runs}
    assert all(
        metrics_a[r.params[REPAIR]] == r.metrics for r in b.runs if r.params[REPAIR] in (30, 60)
    )
    # the key is canonical: paths sorted, whatever order they are given in
    assert run_key({"b.x": 1, "a.y": date(2026, 1, 2)}) == "sweep/a.y=2026-01-02;b.x=1"


def test_workers_1_and_2_write_byte_identical_outputs(
    tmp_path: Path, capsys, write_scenario: WriteScenario
) -> None:
    path = supply_case(write_scenario, uncertain=True)
    grid = [
        "--param",
        REPAIR,
        "--values",
        "0:50:5",
        "--param",
        "rules.handover_days",
        "--values",
        "3,7",
    ]
    outs = {}
    for n in ("1", "2"):
        folder = tmp_path / f"w{n}"
        assert main(["sweep", str(path), *grid, "-o", str(folder), "--workers", n]) == 0
        outs[n] = folder
    text = capsys.readouterr().out
    assert "analytic: 22 runs" in text and "food min d" in text
    for name in ("sweep.csv", "sweep.json"):
        assert (outs["1"] / name).read_bytes() == (outs["2"] / name).read_bytes()
    assert (outs["1"] / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (outs["2"] / "sweep.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 11 * 2
    header = list(rows[0])
    assert header[:3] == [REPAIR, "rules.handover_days", "seed"]
    assert header[3] == "food.min_days_of_supply"
    assert rows[0]["food.depleted_date"] in ("", "2026-04-11")  # None is an empty cell
    doc = json.loads((outs["2"] / "sweep.json").read_text())
    assert list(doc)[:3] == ["scenario", "scenario_sha256", "params"]
    assert doc["params"] == [REPAIR, "rules.handover_days"]
    first = doc["runs"][0]
    assert first["params"] == {REPAIR: 0, "rules.handover_days": 3}
    assert first["seed"] == int(rows[0]["seed"])
    assert first["seed"] == derive_seed(7, f"sweep/{REPAIR}=0;rules.handover_days=3")
    # slips are drawn from each run's own seed: not all runs slip alike
    assert len({r["metrics"]["flight.Supply.slip_days"] for r in doc["runs"]}) > 1


def test_sweep_chart_draws_two_parameters_and_the_reserve_line(
    write_scenario: WriteScenario,
) -> None:
    res = sim.sweep(
        supply_case(write_scenario), {REPAIR: [0, 40, 80], "rules.handover_days": [3, 7]}
    )
    fig = sweep_chart(res)
    assert isinstance(fig, Figure)
    fig2, ax = new_axes()
    assert sweep_chart(res, ["food.min_days_of_supply"], ax=ax) is fig2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["3", "7", "reserve (45 days)"]
    assert ax.get_ylim()[0] == 0
    with pytest.raises(ValueError, match="no metric"):
        sweep_chart(res, ["food.min_dos"])


def test_sweep_bad_path_exits_2_with_did_you_mean_and_no_traceback(
    tmp_path: Path, capsys, write_scenario: WriteScenario
) -> None:
    path = supply_case(write_scenario)
    out = tmp_path / "never"
    code = main(
        [
            "sweep",
            str(path),
            "--param",
            "pads.pad.outages.0.repair_dayz",
            "--values",
            "1,2",
            "-o",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--param:1:" in err and "did you mean 'repair_days'" in err
    assert "Traceback" not in err and not out.exists()
    code = main(["sweep", str(path), "--param", "pads.pda.outages.0.repair_days", "--values", "1"])
    assert code == 2 and "did you mean 'pad'" in capsys.readouterr().err


def test_sweep_bad_value_later_in_the_list_is_located(write_scenario: WriteScenario) -> None:
    with pytest.raises(sim.ScenarioError, match=r"--param:1:.*>= 0"):
        sim.sweep(supply_case(write_scenario), {REPAIR: [5, -10]}, workers=2)


def test_sweep_bad_spec_exits_2_in_one_line(capsys, write_scenario: WriteScenario) -> None:
    path = supply_case(write_scenario)
    assert main(["sweep", str(path), "--param", REPAIR, "--values", "0:10:0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "STEP must not be 0" in err[0]
    assert main(["sweep", str(path), "--param", REPAIR, "--values", "1", "--metric", "fod"]) == 2


# -- critical ----------------------------------------------------------------------------
def test_critical_reserve_is_the_hand_computed_repair(write_scenario: WriteScenario) -> None:
    # Food falls to the 135 kg reserve line on day (300 - 135) / 3 = 55 unless the
    # freighter docks first. It docks on day R + 10.5 + 2 = R + 12.5 (for R >= 0 the
    # pad-ready day R + 10.5 is after the planned day 5), so the reserve holds while
    # R + 12.5 < 55, i.e. R < 42.5: the largest whole repair is 42 days. At 43 it docks on
    # day 55.5, half a day after food crossed the reserve on day 55. (After docking,
    # 1,500 - 3 t kg stays above 135 kg until the 400-day horizon.)
    res = sim.critical(supply_case(write_scenario), REPAIR, hi=400)
    assert (res.status, res.value, res.first_failing) == ("found", 42, 43)
    assert [(b.kind, b.subject, b.date) for b in res.binding] == [
        ("reserve", "food", day(55).isoformat())
    ]
    assert res.warnings == [] and res.evaluations < 20


def test_critical_depletion_is_the_hand_computed_repair(write_scenario: WriteScenario) -> None:
    # 300 kg at 3 kg/day is gone on day 100; docking on day R + 12.5 < 100 => R <= 87.
    res = sim.critical(supply_case(write_scenario), REPAIR, hi=400, criterion="depletion")
    assert (res.value, res.first_failing) == (87, 88)
    assert res.binding[0].date == day(100).isoformat()


def test_critical_uncrewed_lifeboat_is_the_hand_computed_repair(
    write_scenario: WriteScenario,
) -> None:
    # The relief docks on day R + 11.5 (R >= 89; day 101 before): it relieves the
    # lifeboat while R + 11.5 < 200, i.e. R <= 188. At 189 it docks on day 200.5: the
    # lifeboat is forced home on day 200 and both segments are uncrewed for half a day.
    res = sim.critical(lifeboat_case(write_scenario), REPAIR, hi=400, criterion="uncrewed")
    assert (res.value, res.first_failing) == (188, 189)
    assert {(b.kind, b.subject, b.date) for b in res.binding} == {
        ("forced_return", "Lifeboat", day(200).isoformat()),
        ("uncrewed", "RS", day(200).isoformat()),
        ("uncrewed", "USOS", day(200).isoformat()),
    }
    # reserve never binds here: no critical value inside the range
    held = sim.critical(lifeboat_case(write_scenario), REPAIR, hi=400, criterion="reserve")
    assert (held.status, held.value, held.first_failing, held.binding) == (
        "holds_through_hi",
        400,
        None,
        [],
    )


def test_critical_reports_failing_already_at_lo(write_scenario: WriteScenario) -> None:
    res = sim.critical(supply_case(write_scenario), REPAIR, lo=50, hi=60, criterion="any")
    assert (res.status, res.value, res.first_failing) == ("fails_at_lo", None, 50)
    assert (
        res.binding[0]
        == breaches(
            sim.simulate(sim.load_scenario(supply_case(write_scenario), [f"{REPAIR}=50"])), "any"
        )[0]
    )


def test_non_monotone_criterion_warns_and_reports_the_first_boundary(
    write_scenario: WriteScenario,
) -> None:
    # One cargo port. Freighter A (no cargo) launches on day R + 0.5 and docks 2 days later
    # for 30 days; freighter B (1,200 kg, another pad) arrives on day 42. If A docks first
    # (R <= 39) B waits until R + 32.5, past the day-55 reserve crossing when R >= 23;
    # if A docks later (R >= 40) B docks at once. Holds 0..22, fails 23..39, holds 40+.
    data = base_dict(crew=3, stock_kg=300, horizon_days=400)
    data["pads"][0].update(ready_days=0.5, outages=[{"start": day(0), "repair_days": 30}])
    data["pads"].append({"id": "pad2", "site": "Other", "families": ["rocket"]})
    data["flights"] = [cargo_flight("A", 1, 0), cargo_flight("B", 40, 1200, pad="pad2")]
    res = sim.critical(write_scenario(data), REPAIR, hi=100)
    assert (res.value, res.first_failing) == (22, 23)
    assert len(res.warnings) == 1 and "not monotone" in res.warnings[0]


def test_monotone_warnings_flags_each_switch_back_to_holding() -> None:
    assert monotone_warnings([(0, True), (5, True), (9, False), (12, False)]) == []
    assert monotone_warnings([(0, False), (1, False)]) == []
    w = monotone_warnings([(3, True), (0, True), (1, False), (2, True), (4, False), (5, True)])
    assert len(w) == 2 and "fails at 1 but holds again at 2" in w[0]


def test_critical_cli_text_json_and_errors(capsys, write_scenario: WriteScenario, cli: Cli) -> None:
    path = str(supply_case(write_scenario))
    code, text, _ = cli("critical", path, "--param", REPAIR, "--hi", "400")
    assert code == 0
    assert "largest value that holds: 42" in text
    assert f"binds first at 43: food below reserve on {day(55)}" in text
    assert main(["critical", path, "--param", REPAIR, "--json", "--criterion", "depletion"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["value"] == 87 and doc["binding"][0]["subject"] == "food"
    code, _, err = cli("critical", path, "--param", "pads.pad.outages.0.repair")
    assert code == 2
    assert "did you mean 'repair_days'" in err and "Traceback" not in err
    assert main(["critical", path, "--param", REPAIR, "--lo", "9", "--hi", "3"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    ("param", "kind"),
    [("flights.CRS-35.launch", "is a date"), ("pads.baikonur-31.site", "is text")],
)
def test_critical_on_a_parameter_that_is_not_a_number_says_so(cli, param: str, kind: str) -> None:
    from conftest import ROOT

    code, _, err = cli("critical", ROOT / "scenarios" / "baseline.yaml", "--param", param)
    assert code == 2
    assert f"critical needs a numeric parameter (days, kg, a count); {param} {kind}" in err
    assert "got the number 0" not in err


def test_critical_says_which_delivery_binds_at_the_first_failing_value(cli) -> None:
    import json

    from conftest import ROOT

    code, out, _ = cli(
        "critical", ROOT / "scenarios" / "sharing-pooled.yaml",
        "--param", "pads.baikonur-31.outages.0.repair_days", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert (data["value"], data["first_failing"]) == (104, 105)
    assert data["binds"] == (
        "food below 45 days on 2026-04-01; the delivery due first, Progress MS-33, docked "
        "2026-04-02, 100 days late (baikonur-31 was down from 2025-11-27 for 105 days)"
    )
