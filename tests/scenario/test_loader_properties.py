"""Property test of the scenario loader: a mutated scenario loads or fails *cleanly*.

Start from tests/data/minimal.yaml as plain data, apply random mutations (delete a key,
replace a value with junk, rename a key, duplicate a list item), dump it back to YAML and
load it. Either the loader returns a Scenario (which the engine must then run without
raising), or it raises ScenarioError whose every problem is located (file, line >= 1,
col >= 1) and says something. No other exception may escape.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from conftest import DATA, time_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim

MINIMAL_TEXT = (DATA / "minimal.yaml").read_text("utf-8")
BASE: dict[str, Any] = yaml.safe_load(MINIMAL_TEXT)

JUNK: list[Any] = [
    None,
    "junk",
    -1,
    float("inf"),
    [],
    {},
    {"nested": {"deeper": [1, "two", None]}},
    True,
]

# Overrides a user might pass with --set: good ones, and ones that must fail cleanly.
OVERRIDES = [
    "seed=7",
    "flights.0.launch=2026-02-01",
    "flights.Soyuz B.launch=2026-06-01",
    "pads.baikonur-31.outages.0.repair_days={uniform: [10, 20]}",
    "pads.baikonur-31.outages.0.repair_days={triangular: [30, 20, 10]}",
    "flights.Soyuz X.launch=2026-06-01",
    "seed",
    "seed=[1",
    "flights.7.crew.RS=1",
    "name.deeper=1",
    "rules.handover_days=-2",
]

SIMULATE_SECONDS = 10


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a node below ``node`` (dict keys and list indexes)."""
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, child in items:
        path = (*prefix, key)
        yield path
        yield from _paths(child, path)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for seg in path[:-1]:
        node = node[seg]
    return node


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any] | Any:
    """The minimal scenario with 1 to 4 random mutations applied."""
    data: Any = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        key = path[-1]
        kind = draw(st.sampled_from(["delete", "junk", "rename", "duplicate"]))
        if kind == "delete":
            del parent[key]
        elif kind == "junk":
            parent[key] = copy.deepcopy(draw(st.sampled_from(JUNK)))
        elif kind == "rename" and isinstance(parent, dict):
            new = key + draw(st.sampled_from(["x", "_", "s", "2", " "]))
            parent[new] = parent.pop(key)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    return data


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=mutated(),
    overrides=st.lists(st.sampled_from(OVERRIDES), max_size=2),
)
def test_mutated_scenario_loads_or_fails_cleanly(data: Any, overrides: list[str]) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    n_lines = len(text.splitlines())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = sim.load_scenario(path, overrides)
        except sim.ScenarioError as exc:
            assert exc.problems, "a ScenarioError must list at least one problem"
            for p in exc.problems:
                assert p.mark.file in (str(path), "--set"), p
                assert p.mark.line >= 1, p
                assert p.mark.col >= 1, p
                assert p.message.strip(), p
                if p.mark.file == str(path):
                    assert p.mark.line <= n_lines + 1, (p, text)
                else:
                    assert p.mark.line <= len(overrides), p
            assert len(str(exc).splitlines()) == len(exc.problems)
            return
    assert isinstance(scenario, sim.Scenario)
    with time_limit(SIMULATE_SECONDS):
        result = sim.simulate(scenario)
    assert isinstance(result, sim.Result)


def test_unmutated_minimal_loads_and_runs() -> None:
    """The starting point of the property itself is valid (otherwise the test is vacuous)."""
    text = yaml.safe_dump(copy.deepcopy(BASE), sort_keys=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "minimal.yaml"
        path.write_text(text, encoding="utf-8")
        scenario = sim.load_scenario(path)
    with time_limit(SIMULATE_SECONDS):
        result = sim.simulate(scenario)
    assert result.scenario.name == "minimal"
