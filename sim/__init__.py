"""ISS logistics scenario simulator: crew rotation and resupply margins under pad outages.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/baseline.yaml")      # doctest: +SKIP
>>> result = sim.simulate(scenario)                              # doctest: +SKIP
>>> result.metrics["food.min_days_of_supply"]                    # doctest: +SKIP
"""

from sim._version import __version__
from sim.compare import CompareReport, compare
from sim.critical import CriticalResult, critical
from sim.errors import Problem, ScenarioError
from sim.experiments import SweepResult, sweep
from sim.model import Scenario
from sim.montecarlo import MonteCarloResult, montecarlo
from sim.results import Result, simulate
from sim.scenario import load_scenario, parse_scenario, scenario_digest

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
