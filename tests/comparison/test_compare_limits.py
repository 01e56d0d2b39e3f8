"""Caps with clear errors: numbers too large to compare, grids and ensembles too large to
run. Each is exit code 2 with one line, never an OverflowError or a MemoryError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, Cli

import sim
from sim.experiments.montecarlo import MAX_REPLICATIONS

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _summary(tmp_path: Path, name: str, value: str) -> Path:
    path = tmp_path / name
    path.write_text('{"scenario": "s", "metrics": {"food.end_kg": ' + value + "}}")
    return path


@pytest.mark.parametrize("digits", [401, 5001])
def test_a_metric_too_large_to_compare_is_unusable_input(
    tmp_path: Path, cli: Cli, digits: int
) -> None:
    old = _summary(tmp_path, "old.json", "1")
    new = _summary(tmp_path, "new.json", "9" * digits)
    code, _, err = cli("compare", old, new)
    assert code == 2 and "Traceback" not in err
    assert ("too large to compare" in err) or ("not usable JSON" in err)
    assert len(err) < 400


def test_equal_infinite_floats_compare_as_the_same(tmp_path: Path, cli: Cli) -> None:
    old = _summary(tmp_path, "old.json", "1e400")  # json reads it as inf
    new = _summary(tmp_path, "new.json", "1e400")
    code, out, _ = cli("compare", old, new)
    assert code == 0 and "no change" in out


def test_a_sweep_grid_over_the_cap_is_refused_before_anything_runs(cli: Cli) -> None:
    code, _, err = cli(
        "sweep", BASELINE, "--param", "pads.baikonur-31.outages.0.repair_days",
        "--values", "0:99998", "--param", "seed", "--values", "0:99998",
    )  # fmt: skip
    assert code == 2 and "the grid has 9,999,800,001 points" in err


def test_an_ensemble_over_the_cap_is_refused(cli: Cli) -> None:
    code, _, err = cli("montecarlo", BASELINE, "-n", 10**9)
    assert code == 2 and f"-n must be from 1 to {MAX_REPLICATIONS:,}" in err
    with pytest.raises(ValueError, match="replications must be from 0"):
        sim.montecarlo(sim.load_scenario(BASELINE), MAX_REPLICATIONS + 1)


def test_comparing_two_sweeps_matches_runs_by_their_parameters(tmp_path: Path, cli: Cli) -> None:
    def sweep_json(path: Path, order: list[int], bump: int | None) -> Path:
        runs = [
            {"params": {"x.repair_days": i}, "seed": i,
             "metrics": {"m": float(i) + (0.5 if i == bump else 0.0)}}
            for i in order
        ]  # fmt: skip
        path.write_text(json.dumps({"scenario": "s", "params": ["x.repair_days"], "runs": runs}))
        return path

    n = 3000
    old = sweep_json(tmp_path / "a.json", list(range(n)), None)
    new = sweep_json(tmp_path / "b.json", list(reversed(range(n))), 1234)
    report = sim.compare(old, new)
    assert [(r.case, r.key) for r in report.failures] == [("s[repair_days=1234]", "m")]
    assert len(report.cases) == n
