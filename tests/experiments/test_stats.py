"""Ensemble statistics (sim.experiments.stats), against hand computations."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from sim.experiments.stats import (
    Z95,
    check_quantiles,
    halfwidth,
    json_number,
    json_quantiles,
    metric_stats,
)

EPOCH = date(2026, 1, 1)


def test_z95_is_the_two_sided_95_percent_normal_quantile() -> None:
    assert Z95 == 1.959963984540054
    # Phi(z) = (1 + erf(z / sqrt 2)) / 2 = 0.975
    assert (1 + math.erf(Z95 / math.sqrt(2))) / 2 == pytest.approx(0.975, abs=1e-15)


def test_halfwidth_is_z_times_the_sample_sd_over_root_n() -> None:
    # 1, 2, 3, 4: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5,
    # sample variance (ddof=1) 5 / 3, so the half-width is 1.959963984540054 * sqrt(5/3) / 2
    v = np.array([1.0, 2.0, 3.0, 4.0])
    expected = 1.959963984540054 * math.sqrt(5 / 3) / math.sqrt(4)
    assert halfwidth(v) == pytest.approx(expected, rel=1e-15)
    assert halfwidth(v) == pytest.approx(1.2651513119, rel=1e-10)
    # ddof=0 would give 1.959963984540054 * sqrt(5/4) / 2 = 1.0956...: not this
    assert halfwidth(v) != pytest.approx(1.959963984540054 * math.sqrt(5 / 4) / 2, rel=1e-6)


def test_halfwidth_uses_only_finite_values() -> None:
    v = np.array([1.0, np.nan, 2.0, np.inf, 3.0, -np.inf, 4.0])
    assert halfwidth(v) == halfwidth(np.array([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize("values", [[], [5.0], [5.0, np.nan], [np.inf, 1.0, np.nan]])
def test_halfwidth_below_two_finite_values_is_infinite(values: list[float]) -> None:
    assert halfwidth(np.array(values, dtype=float)) == math.inf


def test_halfwidth_of_two_equal_values_is_zero() -> None:
    assert halfwidth(np.array([3.0, 3.0])) == 0.0


def test_metric_stats_of_a_tiny_number_array() -> None:
    # finite 1, 2, 4 (one null): mean 7/3; squared deviations 16/9 + 1/9 + 25/9 = 42/9,
    # sample variance 21/9 = 7/3, sd sqrt(7/3) = 1.5275252..., half-width Z95 sd / sqrt 3
    v = np.array([1.0, 2.0, np.nan, 4.0])
    got = metric_stats(v, "number", [0.0, 50.0, 100.0, 25.0], EPOCH)
    sd = math.sqrt(7 / 3)
    assert got == {
        "kind": "number",
        "n": 3,
        "null": 1,
        "mean": 2.333333,
        "std": 1.527525,
        "ci95_halfwidth": round(Z95 * sd / math.sqrt(3), 6),
        "p0": 1.0,
        "p50": 2.0,
        "p100": 4.0,
        "p25": 1.5,  # linear interpolation between 1 and 2
    }
    assert got["ci95_halfwidth"] == 1.728526


def test_metric_stats_of_dates_reports_iso_dates_and_days() -> None:
    # days 10 and 21 after the epoch: mean 15.5 -> rounds to day 16 (half to even), sd
    # sqrt(60.5) = 7.778175 days
    got = metric_stats(np.array([10.0, 21.0]), "date", [50.0], EPOCH)
    assert got == {
        "kind": "date",
        "n": 2,
        "null": 0,
        "mean": "2026-01-17",
        "std_days": 7.778175,
        "ci95_halfwidth_days": round(Z95 * math.sqrt(60.5) / math.sqrt(2), 6),
        "p50": "2026-01-17",
    }


def test_metric_stats_with_one_value_and_with_none() -> None:
    one = metric_stats(np.array([2.5]), "number", [50.0], EPOCH)
    assert one == {
        "kind": "number",
        "n": 1,
        "null": 0,
        "mean": 2.5,
        "std": 0.0,
        "ci95_halfwidth": None,  # inf is not JSON
        "p50": 2.5,
    }
    none = metric_stats(np.array([np.nan, np.nan]), "number", [50.0], EPOCH)
    assert none == {"kind": "number", "n": 0, "null": 2}


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (1.23456789, 1.234568),
        (2.0000004, 2.0),
        (-1.5, -1.5),
        (1e-7, 0.0),
        (12345678.25, 12345678.25),
        (math.inf, None),
        (-math.inf, None),
        (math.nan, None),
    ],
)
def test_json_number(x: float, expected: float | None) -> None:
    assert json_number(x) == expected


@pytest.mark.parametrize("x", [-0.0, -1e-9, -4e-7])
def test_json_number_has_no_negative_zero(x: float) -> None:
    got = json_number(x)
    assert got == 0.0 and math.copysign(1.0, got) == 1.0  # "0.0" in JSON, not "-0.0"


def test_check_quantiles_accepts_percentages_as_floats() -> None:
    got = check_quantiles([5, 50, "95", 0, 100, 2.5])
    assert got == [5.0, 50.0, 95.0, 0.0, 100.0, 2.5]
    assert all(type(q) is float for q in got)
    assert check_quantiles([]) == []


@pytest.mark.parametrize(
    ("qs", "shown"), [([5, -1], "-1"), ([100.5], "100.5"), ([50, 101, -3], "101")]
)
def test_check_quantiles_refuses_values_outside_0_100(qs: list[float], shown: str) -> None:
    with pytest.raises(ValueError) as info:
        check_quantiles(qs)
    assert str(info.value) == f"quantiles are percentages from 0 to 100, got {shown}"


def test_json_quantiles() -> None:
    got = json_quantiles([5.0, 50, 2.5, 99.9])
    assert got == [5, 50, 2.5, 99.9]
    assert [type(q) for q in got] == [int, int, float, float]


# -- intervals of probabilities -----------------------------------------------------------
def test_wilson_interval_matches_the_textbook_values() -> None:
    from sim.experiments.stats import wilson_interval

    # Wilson 95% for 5/10: 0.2366-0.7634; for 0/1000: 0-0.0038 (not an empty [0, 0])
    lo, hi = wilson_interval(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    lo, hi = wilson_interval(0, 1000)
    assert lo == 0.0 and round(hi, 4) == 0.0038
    lo, hi = wilson_interval(1000, 1000)
    assert round(lo, 4) == 0.9962 and hi == 1.0
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_paired_interval_is_symmetric_contains_the_estimate_and_never_collapses() -> None:
    from sim.experiments.stats import paired_difference_interval

    rng = np.random.default_rng(4)
    a = rng.random(400) < 0.3
    b = a | (rng.random(400) < 0.1)  # b happens whenever a does, and a little more
    lo, hi = paired_difference_interval(a, b)
    d = float(np.mean(b) - np.mean(a))
    assert lo < d < hi and lo > 0  # b is more likely: the whole interval is above 0
    back = paired_difference_interval(b, a)
    assert back == pytest.approx((-hi, -lo))
    # no discordant replication: a Wald interval of the 0/1 differences would be [0, 0]
    same_lo, same_hi = paired_difference_interval(a, a)
    assert same_lo < 0 < same_hi and same_hi - same_lo < 0.05


def test_paired_interval_is_narrower_than_the_independent_one_when_outcomes_agree() -> None:
    from sim.experiments.stats import paired_difference_interval, wilson_interval

    n = 500
    a = np.zeros(n, bool)
    a[:200] = True
    b = a.copy()
    b[200:210] = True  # 10 discordant of 500
    lo, hi = paired_difference_interval(a, b)
    la, ua = wilson_interval(200, n)
    lb, ub = wilson_interval(210, n)
    independent = math.hypot(0.42 - lb, ua - 0.4) + math.hypot(ub - 0.42, 0.4 - la)
    assert hi - lo < 0.5 * independent
    assert lo > 0  # 10 to 0 discordant: B is more likely
