"""The altitude chart draws the run's altitude and marks every reboost by its payer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

import sim
from sim.plots import altitude_chart, write_run_charts
from sim.results.rundata import load_run


@pytest.fixture(scope="module")
def long_repair() -> sim.Result:
    return sim.simulate(ROOT / "scenarios" / "site31-repair-730d.yaml")


def test_the_line_is_the_runs_altitude_and_every_reboost_is_marked(long_repair: sim.Result) -> None:
    fig = altitude_chart(long_repair)
    ax = fig.axes[0]
    line = next(ln for ln in ax.get_lines() if ln.get_gid() == "altitude")
    assert np.array_equal(np.asarray(line.get_ydata(), float), long_repair.series["altitude_km"])
    boosts = [e for e in long_repair.events if e.kind == "reboost"]
    by_vehicle = sum(e.vehicle is not None for e in boosts)
    marks = {c.get_label(): len(c.get_offsets()) for c in ax.collections if c.get_label()}
    assert marks["reboost by a docked vehicle"] == by_vehicle > 0
    assert marks["reboost from station propellant"] == len(boosts) - by_vehicle > 0
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "no reboost possible\nfrom 2027-02-09" in texts
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "floor 370 km" in labels and "reboost at 410 km" in labels


def test_a_result_folder_gets_the_chart_only_when_the_altitude_is_modelled(
    long_repair: sim.Result, tmp_path: Path
) -> None:
    folder = long_repair.write(tmp_path / "run")
    back = load_run(folder)
    assert back.altitude == {"floor_km": 370.0, "reboost_at_km": 410.0}
    names = {p.name for p in write_run_charts(back, tmp_path)}
    assert "altitude.png" in names
    plain = sim.simulate(ROOT / "tests" / "data" / "minimal.yaml")
    assert "altitude_km" not in plain.series
    (tmp_path / "plain").mkdir()
    names = {p.name for p in write_run_charts(plain, tmp_path / "plain")}
    assert names == {"margin.png", "crew.png", "timeline.png"}
