"""Overlay and fan charts of stocks per segment: a panel per segment of a consumable held
per segment, each drawing that segment's series; pooled and held-by stocks keep one panel.

The world: 3 RS and 4 USOS crew at 1 kg/crew-day; food split RS 90 kg / USOS 400 kg (reserve
10 days), water one station pool, propellant held by RS for the station; a Progress brings
food to the RS (a large load at day 72, after which the USOS is the worse off),
freighters food and water to the USOS (slips drawn per replication in the
Monte Carlo cases).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import EPOCH, build, day

import sim
from sim.experiments import MonteCarloResult, montecarlo, replication_seed
from sim.experiments.fansketch import FINE_DAYS, FanSketch, fan_counts
from sim.experiments.replications import sample_days
from sim.plots import fan_chart, overlay_chart, write_overlay_charts
from sim.plots.style import panel_rows, save
from sim.results.rundata import load_run

H = 200  # horizon, days
SEGMENT_TITLES = ["Russian segment (RS) — food", "US segment (USOS) — food"]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def cargo(fid: str, vehicle: str, launch_day: float, **kg: float) -> dict[str, Any]:
    return {"id": fid, "vehicle": vehicle, "pad": "pad", "launch": day(launch_day), "cargo": kg}


ON_NEED = {"below_days": 15, "donor_keeps_days": 20, "max_kg_per_day": 3}


def world(name: str, food_sharing: Any = "none", slips: bool = False) -> dict[str, Any]:
    """The segmented world of this module, food shared by ``food_sharing``."""
    data: dict[str, Any] = {
        "name": name,
        "epoch": EPOCH,
        "horizon": day(H),
        "seed": 11,
        "rules": {"sharing": {"food": food_sharing}},
        "station": {
            "ports": [
                {"id": "rs-port", "segment": "RS", "kind": "docking", "refuel": True},
                {"id": "rs-aft", "segment": "RS", "kind": "docking"},
                {"id": "us-port", "segment": "USOS", "kind": "CBM"},
                {"id": "us-port-2", "segment": "USOS", "kind": "CBM"},
            ],
            "consumables": [
                {
                    "id": "food",
                    "per_crew_day": 1.0,
                    "reserve_days": 10,
                    "segments": {
                        "RS": {"initial": {"kg": 90}},
                        "USOS": {"initial": {"kg": 400}},
                    },
                },
                {"id": "water", "per_crew_day": 1.0, "initial": {"kg": 700}, "reserve_days": 10},
                {
                    "id": "propellant",
                    "held_by": "RS",
                    "fixed_per_day": 1.0,
                    "initial": {"kg": 150},
                    "reserve_days": 10,
                    "refuel": True,
                },
            ],
            "docked": [
                {
                    "id": "Ark",
                    "vehicle": "ark",
                    "port": "us-port",
                    "docked": EPOCH,
                    "crew": {"RS": 3, "USOS": 4},
                }
            ],
        },
        "pads": [{"id": "pad", "site": "Test", "families": ["rocket"]}],
        "vehicles": [
            {
                "id": "ark",
                "family": "rocket",
                "role": "crew",
                "seats": 7,
                "docked_life_days": 10_000,
                "ports": ["us-port"],
            },
            {
                "id": "freighter",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 10_000,
                "stay_days": 20,
                "ports": ["us-port-2"],
            },
            {
                "id": "progress",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 10_000,
                "stay_days": 20,
                "ports": ["rs-aft"],
            },
        ],
        "flights": [
            cargo("P1", "progress", 15, food=60),
            cargo("P2", "progress", 70, food=400),
            cargo("F1", "freighter", 40, food=150, water=300),
            cargo("F2", "freighter", 100, food=150, water=300),
        ],
    }
    if slips:
        slip = {"triangular": [0, 10, 40]}
        data["uncertainty"] = {"slip_days": {"freighter": slip, "progress": slip}}
    return data


@pytest.fixture(scope="module")
def apart() -> sim.Result:
    """Food never shared: the RS runs down on its own."""
    return sim.simulate(build(world("apart")))


@pytest.fixture(scope="module")
def on_need() -> sim.Result:
    return sim.simulate(build(world("on-need", ON_NEED)))


@pytest.fixture(scope="module")
def pooled() -> sim.Result:
    """Food one station pool: no segment stocks of food at all."""
    return sim.simulate(build(world("pooled", "pooled")))


def visible(fig: Any) -> list[Any]:
    return [ax for ax in fig.axes if ax.get_visible()]


def overlay_lines(ax: Any) -> list[Any]:
    return [ln for ln in ax.lines if (ln.get_gid() or "").startswith("overlay:")]


def assert_drawn(line: Any, y: np.ndarray) -> None:
    """The line's y data is ``y`` where finite (inf is drawn far above the axes)."""
    drawn, finite = np.asarray(line.get_ydata()), np.isfinite(y)
    np.testing.assert_array_equal(drawn[finite], y[finite])
    assert (drawn[~finite] > line.axes.get_ylim()[1]).all()


def legend_texts(fig: Any) -> list[str]:
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    assert len(legends) == 1
    return [t.get_text() for t in legends[0].get_texts()]


# -- overlay ---------------------------------------------------------------------------------
def test_panel_rows_give_a_split_consumable_a_row_and_pair_the_others() -> None:
    assert panel_rows(["a", "b", "c", "d"], {"b"}) == [
        [("a", None), ("c", None)],
        [("b", "RS"), ("b", "USOS")],
        [("d", None)],
    ]
    assert panel_rows(["a"], set()) == [[("a", None)]]


def test_the_world_has_segment_stocks_that_differ(apart, on_need, pooled) -> None:
    """What the chart tests below rely on: in every run that splits food, each segment is
    the worst one at some time, and sharing changes the RS series."""
    for res in (apart, on_need):
        s = res.series
        assert (s["food_RS_days"] < s["food_USOS_days"]).any()
        assert (s["food_RS_days"] > s["food_USOS_days"]).any()
        np.testing.assert_array_equal(s["food_days"], np.minimum(s["food_RS_days"],
                                                                 s["food_USOS_days"]))  # fmt: skip
    assert not np.array_equal(apart.series["food_RS_days"], on_need.series["food_RS_days"])
    assert "food_RS_days" not in pooled.series


def test_overlay_of_a_segmented_consumable_has_a_panel_per_segment(apart, on_need) -> None:
    runs = [apart, on_need]
    fig = overlay_chart(runs, "food")
    axes = visible(fig)
    assert len(axes) == 2  # RS, USOS
    assert [ax.get_title(loc="left") for ax in axes] == SEGMENT_TITLES
    colors: dict[int, set[str]] = {0: set(), 1: set()}
    for ax, seg in zip(axes, ["RS", "USOS"], strict=True):
        drawn = overlay_lines(ax)
        assert [ln.get_gid() for ln in drawn] == [f"overlay:food:{seg}:{i}" for i in (0, 1)]
        assert [ln.get_label() for ln in drawn] == ["apart", "on-need"]
        for i, (ln, res) in enumerate(zip(drawn, runs, strict=True)):
            np.testing.assert_array_equal(ln.get_xdata(), overlay_lines(axes[0])[i].get_xdata())
            assert_drawn(ln, res.series[f"food_{seg}_days"])
            colors[i].add(ln.get_color())
        assert [t.get_position()[1] for t in ax.texts if "reserve" in t.get_text()] == [10.0]
        assert 10.0 in {ln.get_ydata()[0] for ln in ax.lines if ln.get_linestyle() == "--"}
    assert all(len(c) == 1 for c in colors.values())  # a run keeps its colour in every panel
    assert colors[0] != colors[1]
    assert legend_texts(fig)[:2] == ["apart", "on-need"]
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[1])


@pytest.mark.parametrize("consumable", ["water", "propellant"])
def test_pooled_and_held_by_consumables_keep_one_panel(apart, on_need, consumable) -> None:
    fig = overlay_chart([apart, on_need], consumable)
    (ax,) = visible(fig)
    drawn = overlay_lines(ax)
    assert [ln.get_gid() for ln in drawn] == [f"overlay:{consumable}:{i}" for i in (0, 1)]
    for ln, res in zip(drawn, [apart, on_need], strict=True):
        assert_drawn(ln, res.series[f"{consumable}_days"])
    assert ax.get_title(loc="left").startswith(f"Days of supply of {consumable}: apart vs on-need")


def test_overview_gives_a_segmented_consumable_a_row_of_two_panels(apart, on_need) -> None:
    fig = overlay_chart([apart, on_need])
    axes = visible(fig)
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles == [*SEGMENT_TITLES, "water", "propellant"]  # 2 x 2: food RS | USOS
    by_title = dict(zip(titles, axes, strict=True))
    for seg, title in zip(["RS", "USOS"], SEGMENT_TITLES, strict=True):
        for ln, res in zip(overlay_lines(by_title[title]), [apart, on_need], strict=True):
            assert_drawn(ln, res.series[f"food_{seg}_days"])
    for ln, res in zip(overlay_lines(by_title["water"]), [apart, on_need], strict=True):
        assert_drawn(ln, res.series["water_days"])
    assert legend_texts(fig)[:2] == ["apart", "on-need"]
    # each panel of the upper row carries its dates only if nothing is drawn below it
    assert all(t.get_visible() for t in axes[-1].get_xticklabels())


def test_a_run_with_one_station_stock_is_drawn_in_both_panels_and_named(apart, pooled) -> None:
    fig = overlay_chart([apart, pooled], "food")
    rs_panel, us_panel = visible(fig)
    for ax in (rs_panel, us_panel):
        ln = overlay_lines(ax)[1]
        assert_drawn(ln, pooled.series["food_days"])
        assert "one station stock: pooled" in ax.get_title(loc="right")
    assert_drawn(overlay_lines(us_panel)[0], apart.series["food_USOS_days"])
    overview = overlay_chart([apart, pooled])
    notes = " ".join(legend_texts(overview))
    assert "food: one station stock in pooled" in notes


def test_on_one_axes_the_worst_segment_is_drawn_and_said(apart, on_need) -> None:
    fig, ax = plt.subplots()
    assert overlay_chart([apart, on_need], "food", ax=ax) is fig
    for ln, res in zip(overlay_lines(ax), [apart, on_need], strict=True):
        assert_drawn(ln, res.series["food_days"])
    assert "worst segment at each instant" in ax.get_title(loc="right")


def test_overlay_of_result_folders_reads_the_segments(tmp_path: Path, apart, on_need) -> None:
    runs = [load_run(res.write(tmp_path / res.scenario.name)) for res in (apart, on_need)]
    fig = overlay_chart(runs, "food")
    axes = visible(fig)
    assert [ax.get_title(loc="left") for ax in axes] == SEGMENT_TITLES
    for ln, res in zip(overlay_lines(axes[0]), [apart, on_need], strict=True):
        np.testing.assert_allclose(ln.get_ydata(), res.series["food_RS_days"], atol=1e-6)
    (tmp_path / "charts").mkdir()
    paths = write_overlay_charts(runs, tmp_path / "charts")
    assert [p.name for p in paths] == [
        "overlay.png",
        "overlay-food.png",
        "overlay-water.png",
        "overlay-propellant.png",
    ]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_a_long_list_of_runs_shortens_the_title_not_the_figure(apart) -> None:
    runs = [copy.copy(apart) for _ in range(9)]
    fig = overlay_chart(runs, "food")
    title = fig.get_suptitle()
    assert len(title) <= 100 and "(9 runs)" in title and "…" in title


# -- fan -------------------------------------------------------------------------------------
N = 12


@pytest.fixture(scope="module")
def ensemble() -> MonteCarloResult:
    return montecarlo(build(world("fans", "none", slips=True)), N)


def sampled(mc: MonteCarloResult, column: str) -> np.ndarray:
    """(replications, grid) days of supply of ``column``, from each replication re-run."""
    out = np.empty((mc.n, 1, len(mc.grid)))
    for r in range(mc.n):
        res = sim.simulate(mc.scenario, replication_seed(mc.seed, r))
        sample_days(res.series["day"], [res.series[column]], mc.grid, out[r])
    return out[:, 0, :]


def test_fans_hold_each_segment_of_a_split_stock(ensemble) -> None:
    mc = ensemble
    assert mc.fan_series == [
        ("food", None),
        ("water", None),
        ("propellant", None),
        ("food", "RS"),
        ("food", "USOS"),
    ]
    assert mc.sketch.shape == (5, len(mc.grid)) and mc.sketch.n == N
    quantiles = mc.segment_fan_quantiles((5, 50, 95))
    assert list(quantiles) == [("food", "RS"), ("food", "USOS")]
    for j, column in [(0, "food_days"), (3, "food_RS_days"), (4, "food_USOS_days")]:
        exact = np.percentile(sampled(mc, column), (5, 50, 95), axis=0)
        np.testing.assert_allclose(mc.sketch.percentiles(j, (5, 50, 95)), exact, atol=FINE_DAYS)
    rs = sampled(mc, "food_RS_days")
    assert not np.all(rs == rs[0])  # the slips make replications differ
    np.testing.assert_allclose(quantiles["food", "RS"][1], np.median(rs, axis=0), atol=FINE_DAYS)
    assert list(mc.fan_quantiles()) == ["food", "water", "propellant"]  # as before


def test_fan_has_a_panel_per_segment_with_that_segments_percentiles(ensemble) -> None:
    mc = ensemble
    fig = fan_chart(mc)
    axes = visible(fig)
    assert len(axes) == 4  # food RS | food USOS, water | propellant
    titles = [ax.get_title(loc="left") for ax in axes]
    p = mc.probabilities()

    def odds(key: str) -> str:
        below, out = p[f"{key}.p_below_reserve"], p[f"{key}.p_depleted"]
        return f"P(below reserve) {below:.0%}, P(runs out) {out:.0%}"

    assert titles == [
        f"Russian segment (RS) — food\n{odds('food.RS')}",
        f"US segment (USOS) — food\n{odds('food.USOS')}",
        f"water\n{odds('water')}",
        f"propellant\n{odds('propellant')}",
    ]
    for ax, seg in zip(axes[:2], ["RS", "USOS"], strict=True):
        (median,) = [ln for ln in ax.lines if ln.get_gid() == f"fan:food:{seg}"]
        days = sampled(mc, f"food_{seg}_days")
        np.testing.assert_allclose(median.get_ydata(), np.median(days, axis=0), atol=FINE_DAYS)
        (band,) = [c for c in ax.collections if c.get_gid() == f"band:food:{seg}"]
        low = np.percentile(days, 5, axis=0)
        edge = band.get_paths()[0].vertices[1 : len(mc.grid) + 1, 1]
        np.testing.assert_allclose(edge, low, atol=FINE_DAYS)
        assert 10.0 in {ln.get_ydata()[0] for ln in ax.lines if ln.get_linestyle() == "--"}
    (water,) = [ln for ln in axes[2].lines if ln.get_gid() == "fan:water"]
    np.testing.assert_allclose(water.get_ydata(), mc.fan_quantiles()["water"][1])


def test_fan_on_one_axes_and_without_segment_fans_draws_the_worst_segment(ensemble) -> None:
    fig, ax = plt.subplots()
    assert fan_chart(ensemble, ax=ax) is fig
    assert sorted(ln.get_gid() for ln in ax.lines if (ln.get_gid() or "").startswith("fan:")) == [
        "fan:food",
        "fan:propellant",
        "fan:water",
    ]
    old = copy.copy(ensemble)  # fans as sampled before segment stocks: one per consumable
    columns = ["food_days", "water_days", "propellant_days"]
    old.sketch = FanSketch(3, len(ensemble.grid))
    old.sketch.add(fan_counts(np.stack([sampled(ensemble, c) for c in columns], axis=1)))
    assert old.segment_fan_quantiles() == {}
    titles = [a.get_title(loc="left") for a in visible(fan_chart(old))]
    assert [t.split("\n")[0] for t in titles] == ["food", "water", "propellant"]


def test_fan_png_renders(ensemble, tmp_path: Path) -> None:
    path = save(fan_chart(ensemble), tmp_path / "fan.png")
    pixels = plt.imread(path)
    assert pixels.shape[:2] == (2 * 3.2 * 120 + 0.6 * 120, 12 * 120)
