"""Committed-baseline regression inside pytest: every shipped scenario against
``baselines/<stem>.json``, with the project's own comparison (what `iss-sim check` does).

After an intended change of results: ``iss-sim check --update``, review the diff of
baselines/, commit it with the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, shipped_scenarios

import sim
from sim.comparison.compare import Tolerances, baseline_of, compare_metrics, load_side

BASELINES = ROOT / "baselines"


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_scenario_matches_its_committed_baseline(path: Path) -> None:
    baseline = BASELINES / f"{path.stem}.json"
    if not baseline.is_file():
        pytest.fail(
            f"no baseline {baseline} for scenarios/{path.name}: "
            "run `iss-sim check --update` and commit it",
            pytrace=False,
        )
    summary = baseline_of(sim.simulate(sim.load_scenario(path)).summary())
    new = {"scenario": summary["scenario"], **summary["metrics"]}
    side = load_side(baseline)
    assert not side.sweep, f"{baseline}: a sweep, not a baseline summary"
    old = {"scenario": side.scenario, **side.runs[side.scenario]}
    report = compare_metrics(path.stem, old, new, Tolerances())
    if not report.ok:
        pytest.fail(report.to_table(f"baseline {path.stem}"), pytrace=False)
    # the comparison really covered the metrics (not an empty report that is trivially ok)
    assert len(report.rows) == len(old) == len(new)


def test_every_committed_baseline_has_its_scenario() -> None:
    stems = {p.stem for p in shipped_scenarios()}
    stale = sorted(p.name for p in BASELINES.glob("*.json") if p.stem not in stems)
    assert stale == [], f"baselines without a scenarios/<stem>.yaml: {stale}"
