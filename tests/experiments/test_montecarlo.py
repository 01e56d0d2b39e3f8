"""`iss-sim montecarlo` and sim.montecarlo: failure rates, common random numbers, executors,
re-running one replication, paired differences and --until-ci."""

from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT, Cli, WriteScenario, base_dict, build, cargo_flight, crew_flight

import sim
from sim.cli import main
from sim.engine.rng import Streams
from sim.experiments import MonteCarloResult, extend, montecarlo, paired, replication_seed
from sim.experiments.executors import ProcessExecutor, SerialExecutor, chunked
from sim.experiments.fansketch import FINE_DAYS
from sim.experiments.replications import sample_days

UNCERTAIN = str(ROOT / "scenarios" / "baseline-uncertain.yaml")
SLIPS = {"slip_days": {"freighter": {"triangular": [0, 5, 20]}}}


def with_flights(*flights: dict[str, Any], uncertainty: dict[str, Any] | None = None) -> dict:
    data = base_dict()
    data["flights"] = list(flights)
    if uncertainty is not None:
        data["uncertainty"] = uncertainty
    return data


def test_launch_failure_rate_is_within_four_standard_errors() -> None:
    p, n = 0.3, 400
    data = with_flights(
        cargo_flight("F1", 20, 100),
        uncertainty={"launch_failures": {"rocket": {"failure_probability": p}}},
    )
    mc = montecarlo(build(data), n)
    failed = np.array([v == "failed" for v in mc.texts["flight.F1.outcome"]])
    assert len(failed) == n
    assert abs(failed.mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert mc.probabilities()["launch.p_any_failure"] == failed.mean()
    # a failed flight delivers nothing: delivered food is 100 kg exactly when it docked
    delivered = mc.values("food.delivered_kg")
    assert set(delivered[failed]) == {0.0} and set(delivered[~failed]) == {100.0}


def test_fans_sample_the_exact_days_of_supply_weekly() -> None:
    # 300 kg at 3 kg/day: 100 days of supply at epoch, falling 1 per day; +100 kg (33.3 days)
    # when F1 docks on day 22; empty on day 133 + 1/3, with no supply after
    sc = build(with_flights(cargo_flight("F1", 20, 100)))
    mc = montecarlo(sc, 2)
    assert list(mc.grid[:5]) == [0, 7, 14, 21, 28]
    expected = [100, 93, 86, 79, 100 + 100 / 3 - 28, 100 + 100 / 3 - 35]
    series = sim.simulate(sc, replication_seed(sc.seed, 0)).series
    days = np.empty((1, len(mc.grid)), dtype=np.float32)
    sample_days(series["day"], [series["food_days"]], mc.grid, days)
    assert days[0, :6] == pytest.approx(expected, abs=1e-4)
    assert days[0, 20] == 0.0  # day 140: depleted, never negative
    # both replications agree (nothing uncertain): every percentile is that value, to a bin
    q = mc.fan_quantiles((0, 50, 100))["food"]
    assert np.all(np.abs(q - days[0]) < FINE_DAYS)
    assert q[:, 20].tolist() == [0.0, 0.0, 0.0]  # out of stock: exactly 0
    assert np.array_equal(mc.fan_out_share("food"), (days[0] <= 0).astype(float))


def test_common_random_numbers_pair_flights_whose_inputs_agree() -> None:
    uncertainty = {
        **SLIPS,
        "launch_failures": {"rocket": {"failure_probability": 0.2, "stand_down_days": 10}},
    }
    flights = [cargo_flight("F1", 20, 100), cargo_flight("F2", 100, 100)]
    a = build(with_flights(*flights, cargo_flight("F3", 200, 100), uncertainty=uncertainty))
    b = build(with_flights(*flights, cargo_flight("F3", 200, 250), uncertainty=uncertainty))
    ra, rb = montecarlo(a, 60), montecarlo(b, 60)
    assert ra.seeds == rb.seeds
    for f in ("F1", "F2", "F3"):
        key = f"flight.{f}.launch_date"
        assert np.array_equal(ra.values(key), rb.values(key), equal_nan=True)
        assert ra.texts[f"flight.{f}.outcome"] == rb.texts[f"flight.{f}.outcome"]
    slips = ra.values("flight.F1.slip_days")
    assert len(set(slips)) > 30  # the slips do vary between replications
    docked = np.array([o == "docked" for o in ra.texts["flight.F3.outcome"]])
    diff = paired(ra, rb).difference("food.delivered_kg")
    assert set(diff[docked]) == {150.0} and set(diff[~docked]) == {0.0}


def test_extend_continues_the_replication_indexes() -> None:
    sc = build(with_flights(cargo_flight("F1", 20, 100), uncertainty=SLIPS))
    whole = montecarlo(sc, 50)
    grown = extend(montecarlo(sc, 30), 20)
    assert grown.seeds == whole.seeds == [replication_seed(sc.seed, i) for i in range(50)]
    assert grown.csv_text() == whole.csv_text()
    assert grown.sketch.equals(whole.sketch)


def test_chunking_and_executors_do_not_change_results() -> None:
    sc = build(with_flights(cargo_flight("F1", 20, 100), uncertainty=SLIPS))
    one = montecarlo(sc, 25, chunk_size=25)
    assert chunked(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    with SerialExecutor() as serial:
        assert montecarlo(sc, 25, serial, chunk_size=4).csv_text() == one.csv_text()
    with ProcessExecutor(2) as pool:
        many = montecarlo(sc, 25, pool, chunk_size=3)
    assert many.csv_text() == one.csv_text() and many.sketch.equals(one.sketch)
    for key in one.keys:
        assert np.array_equal(many.values(key), one.values(key), equal_nan=True), key


# -- the CLI on baseline-uncertain: identical bytes for every executor --------------------
N_SMALL = 40
FILES = ("montecarlo.json", "replications.csv")


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mc") / "serial"
    assert main(["montecarlo", UNCERTAIN, "-n", str(N_SMALL), "-o", str(out)]) == 0
    return out


def test_serial_run_writes_json_csv_and_fan(serial_run: Path) -> None:
    assert sorted(p.name for p in serial_run.iterdir()) == [
        "fan.png",
        "montecarlo.json",
        "replications.csv",
    ]
    assert (serial_run / "fan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads((serial_run / "montecarlo.json").read_text())
    assert data["replications"] == N_SMALL and data["quantiles"] == [5, 50, 95]
    for key in ("food.p_below_reserve", "food.p_depleted", "crew.p_rs_uncrewed"):
        assert 0 <= data["probabilities"][key] <= 1
    assert "crew.p_forced_return" in data["probabilities"]
    stats = data["metrics"]["food.min_days_of_supply"]
    assert stats["p5"] <= stats["p50"] <= stats["p95"] and stats["std"] >= 0
    assert data["metrics"]["pad.baikonur-31.downtime_days"]["std"] > 0  # repair varies


def test_two_processes_give_identical_bytes(serial_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "two"
    argv = ["montecarlo", UNCERTAIN, "-n", str(N_SMALL), "-o", str(out), "--workers", "2"]
    assert main(argv) == 0
    for name in FILES:
        assert (out / name).read_bytes() == (serial_run / name).read_bytes(), name


def test_dask_local_cluster_gives_identical_bytes(serial_run: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    out = tmp_path / "dask"
    argv = ["montecarlo", UNCERTAIN, "-n", N_SMALL, "-o", out, "--executor", "dask"]
    assert main([str(a) for a in [*argv, "--workers", 2]]) == 0
    for name in FILES:
        assert (out / name).read_bytes() == (serial_run / name).read_bytes(), name


def test_one_replication_rerun_alone_reproduces_its_row(
    serial_run: Path, tmp_path: Path, cli: Cli
) -> None:
    with (serial_run / "replications.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["replication"]) for r in rows] == list(range(N_SMALL))
    row = rows[7]
    code, out, _ = cli("run", UNCERTAIN, "--seed", row["seed"], "--json", "-o", tmp_path / "one")
    assert code == 0
    metrics = json.loads(out)
    assert list(row)[2:] == list(metrics)
    for key, value in metrics.items():
        cell = row[key]
        if value is None:
            assert cell == "", key
        elif isinstance(value, (str, int)):
            assert cell == str(value), key
        else:
            assert float(cell) == value, key


# -- paired comparison --------------------------------------------------------------------
def test_paired_difference_of_an_extra_cargo_flight_is_exact(
    tmp_path: Path, cli: Cli, write_scenario: WriteScenario
) -> None:
    a = with_flights(cargo_flight("F1", 20, 100), uncertainty=SLIPS)
    b = copy.deepcopy(a)
    b["name"] = "extra"
    b["flights"].append(cargo_flight("F9", 150, 50))
    pa, pb = write_scenario(a, "a.yaml"), write_scenario(b, "b.yaml")
    out = tmp_path / "paired"
    code, text, _ = cli("montecarlo", pa, pb, "-n", 30, "-o", out)
    assert code == 0
    data = json.loads((out / "paired.json").read_text())
    (comp,) = data["comparisons"]
    assert (comp["a"], comp["b"]) == ("analytic", "extra")
    d = comp["difference_b_minus_a"]["food.delivered_kg"]
    assert d["mean"] == 50.0 and d["ci95"] == [50.0, 50.0] and d["n"] == 30
    assert comp["difference_b_minus_a"]["flight.F1.launch_date"]["ci95"] == [0.0, 0.0]
    assert "food.delivered_kg" in text and "[exact]" in text
    assert (out / "analytic" / "replications.csv").exists()
    assert (out / "extra" / "fan.png").exists()


def test_paired_sweep_over_param_values(
    tmp_path: Path, cli: Cli, write_scenario: WriteScenario
) -> None:
    path = write_scenario(with_flights(cargo_flight("F1", 20, 100), uncertainty=SLIPS), "a.yaml")
    out = tmp_path / "sweep"
    argv = ["montecarlo", path, "-n", 20, "-o", out]
    code, _, _ = cli(*argv, "--param", "flights.F1.cargo.food", "--values", "100,160")
    assert code == 0
    (comp,) = json.loads((out / "paired.json").read_text())["comparisons"]
    assert (comp["a"], comp["b"]) == ("food=100", "food=160")
    assert comp["difference_b_minus_a"]["food.delivered_kg"]["ci95"] == [60.0, 60.0]


# -- precision --------------------------------------------------------------------------------
def test_until_ci_stops_when_the_width_is_reached(
    tmp_path: Path, cli: Cli, write_scenario: WriteScenario
) -> None:
    path = write_scenario(with_flights(cargo_flight("F1", 20, 100), uncertainty=SLIPS), "a.yaml")
    out = tmp_path / "ci"
    metric = "flight.F1.slip_days"
    argv = ["montecarlo", path, "-o", out, "--until-ci", f"{metric}=2", "--batch", 25]
    code, text, _ = cli(*argv)
    assert code == 0
    info = json.loads((out / "montecarlo.json").read_text())["until_ci"]
    n = info["replications"]
    assert info["reached"] and info["achieved_width"] < 2 and n % 25 == 0
    assert f"after {n:,} replications" in text
    with (out / "replications.csv").open(newline="") as fh:
        slips = np.array([float(r[metric]) for r in csv.DictReader(fh)])
    assert len(slips) == n

    def width(v: np.ndarray) -> float:
        return 2 * 1.959963984540054 * float(np.std(v, ddof=1)) / math.sqrt(len(v))

    assert width(slips) < 2 <= width(slips[: n - 25])  # one batch earlier was not enough


def test_until_ci_respects_the_cap(tmp_path: Path, cli: Cli, write_scenario: WriteScenario) -> None:
    path = write_scenario(with_flights(cargo_flight("F1", 20, 100), uncertainty=SLIPS), "a.yaml")
    out = tmp_path / "cap"
    argv = ["--until-ci", "flight.F1.slip_days=0.01", "--batch", 20, "--max-n", 50]
    code, text, _ = cli("montecarlo", path, "-o", out, *argv)
    assert code == 0
    info = json.loads((out / "montecarlo.json").read_text())["until_ci"]
    assert info["replications"] == 50 and not info["reached"]
    assert "cap of 50 replications reached" in text


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--quantiles", "5,abc,95", "'abc' is not a number"),
        ("--quantiles", "5,150", "150 is outside 0..100"),
        ("--quantiles", "", "'' is not a number"),
        ("--until-ci", "food.min_days_of_supply", "METRIC=WIDTH"),
        ("--until-ci", "food.min_days_of_suply=1", "did you mean 'food.min_days_of_supply'"),
        ("--until-ci", "flight.F1.outcome=1", "is text"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    tmp_path: Path, option: str, value: str, message: str, cli: Cli, write_scenario: WriteScenario
) -> None:
    path = write_scenario(with_flights(cargo_flight("F1", 20, 100)), "a.yaml")
    code, _, err = cli("montecarlo", path, "-n", 5, option, value, "-o", tmp_path)
    assert code == 2
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "montecarlo.json").exists()


def test_public_api() -> None:
    assert sim.montecarlo is montecarlo and "montecarlo" in sim.__all__


# -- probabilities: exact shares --------------------------------------------------------------
def _ensemble(table: list[list[float]], keys: list[str]) -> MonteCarloResult:
    """A hand-made ensemble of len(table) replications of the analytic scenario."""
    columns = {
        k: [None if math.isnan(row[j]) else row[j] for row in table] for j, k in enumerate(keys)
    }
    return MonteCarloResult.from_table(build(base_dict()), columns)


def test_p_forced_return_is_the_share_of_replications_with_at_least_one() -> None:
    # forced returns per replication: 0, 1, 0, 1, 1, 2, 0, nan (no value: not forced)
    mc = _ensemble([[0], [1], [0], [1], [1], [2], [0], [np.nan]], ["crew.forced_returns"])
    assert mc.indicators()["crew.p_forced_return"].tolist() == [
        *(False, True, False, True, True, True, False, False)
    ]
    assert mc.probabilities()["crew.p_forced_return"] == 4 / 8


def _relief_ensemble(p_fail: float, n: int) -> MonteCarloResult:
    """Lifeboat (docked life 200 days) relieved by a flight launching on day 99 that fails
    with probability p_fail: a failure means exactly one forced return (day 200), a success
    none (handover, then the horizon on day 250)."""
    data = base_dict(crew=3, stock_kg=1e6, horizon_days=250)
    data["vehicles"][0]["docked_life_days"] = 200
    data["flights"] = [crew_flight("Relief", 99, relieves="Lifeboat")]
    data["uncertainty"] = {"launch_failures": {"rocket": {"failure_probability": p_fail}}}
    return montecarlo(build(data), n)


def test_p_forced_return_of_a_real_ensemble_is_the_exact_share_of_failed_reliefs() -> None:
    n, p = 12, 0.5
    mc = _relief_ensemble(p, n)
    # the launch of replication i fails when its keyed draw "launch/Relief" is below p
    fails = [Streams(replication_seed(7, i)).uniform("launch/Relief") < p for i in range(n)]
    assert 0 < sum(fails) < n  # some replications with one forced return, some with none
    forced = mc.values("crew.forced_returns")
    assert forced.tolist() == [1.0 if f else 0.0 for f in fails]
    assert mc.probabilities()["crew.p_forced_return"] == sum(fails) / n


@pytest.mark.parametrize(("p_fail", "expected"), [(1.0, 1.0), (0.0, 0.0)])
def test_p_forced_return_when_every_or_no_replication_has_exactly_one(
    p_fail: float, expected: float
) -> None:
    mc = _relief_ensemble(p_fail, 3)
    assert mc.values("crew.forced_returns").tolist() == [expected] * 3
    assert mc.probabilities()["crew.p_forced_return"] == expected


def test_every_probability_carries_its_wilson_interval(tmp_path: Path) -> None:
    from sim.experiments.stats import wilson_interval

    mc = montecarlo(sim.load_scenario(UNCERTAIN), 60)
    summary = mc.summary()
    flags = mc.indicators()
    assert summary["probability_ci95"].keys() == summary["probabilities"].keys()
    for key, (lo, hi) in summary["probability_ci95"].items():
        p = summary["probabilities"][key]
        assert lo <= p <= hi
        expected = wilson_interval(int(flags[key].sum()), 60)
        assert (lo, hi) == (round(expected[0], 6) + 0.0, round(expected[1], 6) + 0.0)
    pair = paired(mc, mc).summary()
    entry = pair["probabilities"]["food.p_below_reserve"]
    assert entry["difference"] == 0.0 and entry["ci95"][0] < 0 < entry["ci95"][1]
    assert entry["ci95_method"].startswith("Newcombe")
