"""Fans as histograms (sim.experiments.fansketch): percentiles within one bin of the exact
ones, the share out of stock exact, and nothing depending on how the counts were added."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

import sim
from sim.experiments import montecarlo, replication_seed
from sim.experiments.fansketch import (
    CAP_DAYS,
    FINE_DAYS,
    SPLIT_DAYS,
    FanSketch,
    fan_counts,
)
from sim.experiments.replications import fan_series, sample_days

UNCERTAIN = ROOT / "scenarios" / "baseline-uncertain.yaml"
QS = (0, 2.5, 5, 25, 50, 75, 95, 99, 100)


def exact_percentiles(a: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Percentiles over axis 0 as the fans had them before the sketch (inf kept as inf)."""
    a = a.astype(float)
    a[np.isposinf(a)] = 1e300
    q = np.percentile(a, list(qs), axis=0)
    q[q >= 1e299] = np.inf
    return q


def tolerance(a: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """One bin width at the upper order statistic of each percentile (bins are only wider
    further up): 1/16 day below 512 days, 1 day above."""
    s = np.sort(a.astype(float), axis=0)
    n = len(a)
    k1 = np.minimum(np.floor((n - 1) * np.array(qs) / 100).astype(int) + 1, n - 1)
    return np.where(s[k1] < SPLIT_DAYS, FINE_DAYS, 1.0)


def check_close(sketch: FanSketch, fans: np.ndarray) -> None:
    for j in range(fans.shape[1]):
        got, want = sketch.percentiles(j, QS), exact_percentiles(fans[:, j, :], QS)
        assert np.array_equal(np.isinf(got), np.isinf(want)), j
        fin = np.isfinite(want)
        err = np.abs(got[fin] - want[fin])
        assert (err < tolerance(fans[:, j, :], QS)[fin]).all(), (j, err.max())
        zeros = np.mean(fans[:, j, :] <= 0.0, axis=0)
        assert np.array_equal(sketch.zero_share(j), zeros)  # exact, not within a bin


def synthetic(n: int, seed: int) -> np.ndarray:
    """(n, 2 series, 6 times) days of supply with zeros, bin edges, the coarse range, the
    cap and +inf."""
    rng = np.random.default_rng(seed)
    fans = np.empty((n, 2, 6), dtype=np.float32)
    fans[:, 0, 0] = rng.uniform(0, 365, n)
    fans[:, 0, 1] = np.where(rng.random(n) < 0.3, 0.0, rng.gamma(2.0, 20.0, n))
    fans[:, 0, 2] = rng.integers(0, 64, n) / 16  # exactly on bin edges
    fans[:, 0, 3] = rng.uniform(400, 3000, n)  # across 512 days: fine, then 1-day bins
    fans[:, 0, 4] = np.where(rng.random(n) < 0.5, np.inf, rng.uniform(100, 200, n))
    fans[:, 0, 5] = 42.0  # all the same
    fans[:, 1] = fans[:, 0, ::-1]
    fans[: n // 10, 1, 2] = CAP_DAYS * 2  # above the cap: counted, read as the cap
    return fans


@pytest.mark.parametrize("n", [1, 2, 3, 17, 400])
def test_percentiles_are_within_one_bin_of_numpys(n: int) -> None:
    fans = synthetic(n, n)
    fans[:, 1, 2] = np.minimum(fans[:, 1, 2], CAP_DAYS - 1)  # exact numbers to compare
    sketch = FanSketch(2, 6)
    sketch.add(fan_counts(fans))
    assert sketch.n == n
    check_close(sketch, fans)
    assert sketch.percentiles(0, (0, 50, 100))[:, 5].tolist() == pytest.approx([42] * 3, abs=0.07)


def test_values_past_the_cap_read_as_the_cap_and_nan_as_nan() -> None:
    fans = np.full((10, 1, 2), 5.0, dtype=np.float32)
    fans[:6, 0, 0] = CAP_DAYS * 3
    fans[0, 0, 1] = np.nan
    sketch = FanSketch(1, 2)
    sketch.add(fan_counts(fans))
    q = sketch.percentiles(0, (0, 50, 100))
    assert q[1:, 0].tolist() == [CAP_DAYS, CAP_DAYS] and abs(q[0, 0] - 5.0) < FINE_DAYS
    assert np.isnan(q[:, 1]).all()  # numpy.percentile gives NaN for a NaN too


def test_counts_do_not_depend_on_how_they_were_added() -> None:
    fans = synthetic(300, 7)
    one = FanSketch(2, 6)
    one.add(fan_counts(fans))
    for cuts in ([1, 2, 3], [150], list(range(10, 300, 10)), [299]):
        other = FanSketch(2, 6)
        for part in np.split(fans[::-1], cuts):  # other order, other chunks
            other.add(fan_counts(part))
        assert other.equals(one)
        for j in range(2):
            assert np.array_equal(other.percentiles(j, QS), one.percentiles(j, QS))
    assert not one.copy().equals(FanSketch(2, 6))


def test_memory_is_bounded_by_the_range_not_the_count() -> None:
    rng = np.random.default_rng(1)
    sketch = FanSketch(1, 10)
    sizes = []
    for _ in range(20):
        sketch.add(fan_counts(rng.uniform(10, 100, (5000, 1, 10)).astype(np.float32)))
        sizes.append(sketch.nbytes)
    assert sketch.n == 100_000
    assert sizes[-1] == sizes[0]  # 90 days of 1/16 day bins per cell, whole blocks
    assert sizes[-1] <= 10 * 7 * 256 * 4 + 400  # 10 to 100 days: bins 160 to 1600


def test_an_ensembles_fans_match_the_exact_fans_of_its_replications() -> None:
    n = 24
    sc = sim.load_scenario(UNCERTAIN)
    mc = montecarlo(sc, n, chunk_size=5)
    columns = [f"{c}_days" if s is None else f"{c}_{s}_days" for c, s in fan_series(sc)]
    fans = np.empty((n, len(columns), len(mc.grid)), dtype=np.float32)
    depleted = []
    for i in range(n):
        res = sim.simulate(sc, replication_seed(sc.seed, i))
        sample_days(res.series["day"], [res.series[c] for c in columns], mc.grid, fans[i])
        depleted.append(res.metrics["food.depleted_date"] is not None)
    assert (fans == 0).any() and np.isinf(fans).any()  # the cases that are counted apart
    check_close(mc.sketch, fans)
    quantiles = mc.fan_quantiles((5, 50, 95))
    assert np.array_equal(quantiles["food"], mc.sketch.percentiles(0, (5, 50, 95)))
    assert np.array_equal(mc.fan_out_share("food"), np.mean(fans[:, 0, :] <= 0, axis=0))
    assert mc.probabilities()["food.p_depleted"] == np.mean(depleted)  # P(runs out)
