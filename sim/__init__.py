"""ISS logistics scenario simulator: crew rotation and resupply margins under pad outages.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/baseline.yaml")      # doctest: +SKIP
>>> result = sim.simulate(scenario)                              # doctest: +SKIP
>>> result.metrics["food.min_days_of_supply"]                    # doctest: +SKIP
"""

from sim._version import __version__
from sim.compare.comparison import CompareReport, compare
from sim.experiments.critical import CriticalResult, critical
from sim.experiments.montecarlo import MonteCarloResult, montecarlo
from sim.experiments.sweep import SweepResult, sweep
from sim.results.result import Result, simulate
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import load_scenario, parse_scenario, scenario_digest
from sim.scenario.model import Scenario

__all__ = [
    "CompareReport",
    "CriticalResult",
    "MonteCarloResult",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "critical",
    "load_scenario",
    "montecarlo",
    "parse_scenario",
    "scenario_digest",
    "simulate",
    "sweep",
]
