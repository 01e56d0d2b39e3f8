"""Scenarios: what a scenario file may say, and reading it.

Owns the typed model (:mod:`~sim.scenario.model`), uncertain numbers
(:mod:`~sim.scenario.dists`), located YAML with ``extends`` merging and ``--set`` overrides
(:mod:`~sim.scenario.yamlsource`), loading (:mod:`~sim.scenario.loader`), cross-reference
checks (:mod:`~sim.scenario.checks`), the one error type for bad input
(:mod:`~sim.scenario.errors`), ``--param``/``--values`` specs (:mod:`~sim.scenario.specs`)
and the JSON Schema of scenario files as written, ``extends`` and all
(:mod:`~sim.scenario.schema`). It imports nothing else of the package: everything else
starts from a validated :class:`~sim.scenario.model.Scenario`.
"""

from sim.scenario.errors import Mark, Problem, ScenarioError
from sim.scenario.loader import (
    ScenarioSource,
    load_scenario,
    parse_scenario,
    read_source,
    scenario_digest,
)
from sim.scenario.model import SEGMENTS, Scenario, Segment

__all__ = [
    "SEGMENTS",
    "Mark",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioSource",
    "Segment",
    "load_scenario",
    "parse_scenario",
    "read_source",
    "scenario_digest",
]
