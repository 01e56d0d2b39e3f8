"""Paired comparison (sim.experiments.paired): B - A replication by replication, exactly."""

from __future__ import annotations

import pytest
from conftest import base_dict, build, cargo_flight

from sim.experiments import MonteCarloResult, montecarlo, paired
from sim.experiments.stats import Z95


def ensemble(name: str, column: list[float], key: str = "food.end_kg") -> MonteCarloResult:
    """A hand-made ensemble: one number metric ``key`` over len(column) replications."""
    data = base_dict()
    data["name"] = name
    return MonteCarloResult.from_table(build(data), {key: column})


def test_zero_differences_count_neither_as_less_nor_as_greater() -> None:
    # B - A per replication: -1, 0, 0, 2, 0, -3, 0, 0
    a = ensemble("a", [10, 10, 10, 10, 10, 10, 10, 10])
    b = ensemble("b", [9, 10, 10, 12, 10, 7, 10, 10])
    pr = paired(a, b)
    assert pr.difference("food.end_kg").tolist() == [-1, 0, 0, 2, 0, -3, 0, 0]
    d = pr.summary(quantiles=[50])["difference_b_minus_a"]["food.end_kg"]
    assert d["p_b_less"] == 2 / 8  # -1 and -3 only
    assert d["p_b_greater"] == 1 / 8  # 2 only
    assert d["n"] == 8 and d["mean"] == -0.25 and d["p50"] == 0.0
    # sample variance: (0.75² + 5 * 0.25² + 2.25² + 2.75²) / 7 = 13.5 / 7
    half = Z95 * (13.5 / 7) ** 0.5 / 8**0.5
    assert d["ci95"] == [round(-0.25 - half, 6), round(-0.25 + half, 6)]


def test_all_differences_zero_give_zero_probabilities_both_ways() -> None:
    pr = paired(ensemble("a", [5, 6, 7]), ensemble("b", [5, 6, 7]))
    d = pr.summary()["difference_b_minus_a"]["food.end_kg"]
    assert (d["p_b_less"], d["p_b_greater"], d["mean"], d["ci95"]) == (0.0, 0.0, 0.0, [0.0, 0.0])


def test_a_real_ensemble_paired_with_itself_is_never_less_nor_greater() -> None:
    data = base_dict()
    data["flights"] = [cargo_flight("F1", 20, 100)]
    data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [0, 10]}}}
    a, b = montecarlo(build(data), 6), montecarlo(build(data), 6)
    summary = paired(a, b).summary()["difference_b_minus_a"]
    assert summary  # metrics were compared
    slip = summary["flight.F1.slip_days"]
    assert (slip["n"], slip["p_b_less"], slip["p_b_greater"]) == (6, 0.0, 0.0)
    assert all(e["p_b_less"] == 0.0 and e["p_b_greater"] == 0.0 for e in summary.values())


def test_paired_needs_the_same_seeds() -> None:
    a = ensemble("a", [1, 2])
    b = ensemble("b", [1, 2, 3])
    with pytest.raises(ValueError) as info:
        paired(a, b)
    assert str(info.value) == ("paired ensembles need the same replication seeds (same seed and n)")
