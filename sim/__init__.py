"""ISS logistics scenario simulator: crew rotation and resupply margins under pad outages.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/baseline.yaml")      # doctest: +SKIP
>>> result = sim.simulate(scenario)                              # doctest: +SKIP
>>> result.metrics["food.min_days_of_supply"]                    # doctest: +SKIP
"""

from sim._version import __version__
from sim.compare import CompareReport, compare
from sim.experiments import (
    CriticalResult,
    MonteCarloResult,
    SweepResult,
    critical,
    montecarlo,
    sweep,
)
from sim.results import Result, simulate
from sim.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_digest,
)

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
