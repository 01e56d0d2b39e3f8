"""Experiments: many runs of a scenario, and what they say together.

Owns sweeps over a grid of parameter values (:mod:`~sim.experiments.sweep`), the critical
value of a parameter by bisection (:mod:`~sim.experiments.critical`), fragility curves
(P(breach) per parameter value from one ensemble, :mod:`~sim.experiments.fragility`),
Monte Carlo ensembles
(:mod:`~sim.experiments.montecarlo`, worker side :mod:`~sim.experiments.replications`;
held in memory that grows by well under 1.5 KB a replication: typed metric columns
:mod:`~sim.experiments.columns`, fan histograms :mod:`~sim.experiments.fansketch` and
``replications.csv`` on disk, :mod:`~sim.experiments.spool`),
their statistics (:mod:`~sim.experiments.stats`), paired comparisons on common random
numbers (:mod:`~sim.experiments.paired`), which flight matters
(:mod:`~sim.experiments.rank`), precision on demand
(:mod:`~sim.experiments.precision`), the executors every batch runs on
(:mod:`~sim.experiments.executors`) and their text reports (:mod:`~sim.experiments.report`).
It may import :mod:`sim.scenario`, :mod:`sim.engine` and :mod:`sim.results`; result objects
write data files, and their charts are drawn by :mod:`sim.plots`.
"""

from sim.experiments.critical import Breach, Criterion, CriticalResult, breaches, critical
from sim.experiments.fragility import FragilityResult, fragility
from sim.experiments.montecarlo import MonteCarloResult, extend, montecarlo, replication_seed
from sim.experiments.paired import PairedResult, paired
from sim.experiments.precision import ci_width, until_ci
from sim.experiments.rank import RankResult, rank
from sim.experiments.sweep import SweepResult, SweepRun, sweep

__all__ = [
    "Breach",
    "Criterion",
    "CriticalResult",
    "FragilityResult",
    "MonteCarloResult",
    "PairedResult",
    "RankResult",
    "SweepResult",
    "SweepRun",
    "breaches",
    "ci_width",
    "critical",
    "extend",
    "fragility",
    "montecarlo",
    "paired",
    "rank",
    "replication_seed",
    "sweep",
    "until_ci",
]
