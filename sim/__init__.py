"""ISS logistics scenario simulator: crew rotation and resupply margins under pad outages.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/baseline.yaml")      # doctest: +SKIP
>>> result = sim.simulate(scenario)                              # doctest: +SKIP
>>> result.metrics["food.min_days_of_supply"]                    # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sim._version import __version__

if TYPE_CHECKING:
    from sim.comparison import CompareReport, compare
    from sim.experiments import (
        CriticalResult,
        FragilityResult,
        MonteCarloResult,
        RankResult,
        SweepResult,
        critical,
        fragility,
        montecarlo,
        rank,
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

_HOME = {
    "CompareReport": "sim.comparison",
    "compare": "sim.comparison",
    "CriticalResult": "sim.experiments",
    "FragilityResult": "sim.experiments",
    "MonteCarloResult": "sim.experiments",
    "RankResult": "sim.experiments",
    "SweepResult": "sim.experiments",
    "critical": "sim.experiments",
    "fragility": "sim.experiments",
    "montecarlo": "sim.experiments",
    "rank": "sim.experiments",
    "sweep": "sim.experiments",
    "Result": "sim.results",
    "simulate": "sim.results",
    "Problem": "sim.scenario",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
    "parse_scenario": "sim.scenario",
    "scenario_digest": "sim.scenario",
}
"""Where each public name lives: imported on first use (PEP 562), so that ``import sim``
(and the ``iss-sim`` command, which installs its signal handlers first) starts fast."""


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        try:  # a subpackage, e.g. sim.engine
            return importlib.import_module(f"sim.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"sim.{name}":
                raise
            raise AttributeError(f"module 'sim' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "CompareReport",
    "CriticalResult",
    "FragilityResult",
    "MonteCarloResult",
    "Problem",
    "RankResult",
    "Result",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "critical",
    "fragility",
    "load_scenario",
    "montecarlo",
    "parse_scenario",
    "rank",
    "scenario_digest",
    "simulate",
    "sweep",
]
