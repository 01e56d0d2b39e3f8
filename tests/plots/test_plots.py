"""Charts: the drawn data is the run's data, every chart renders, and ``iss-sim plot``."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import DATA, EPOCH, Cli, base_dict, build

import sim
from sim.cli import main
from sim.plots import (
    crew_chart,
    margin_chart,
    overlay_chart,
    timeline_chart,
    write_overlay_charts,
    write_run_charts,
)
from sim.plots.margin import DATA_TOP
from sim.plots.style import save, to_dates
from sim.results.rundata import RunData, RunDataError, load_run

MINIMAL = str(DATA / "minimal.yaml")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def result() -> sim.Result:
    return sim.simulate(sim.load_scenario(MINIMAL))


@pytest.fixture(scope="module")
def other() -> sim.Result:
    """The minimal scenario renamed, with a shorter pad repair."""
    overrides = ["name=minimal-quick", "pads.baikonur-31.outages.0.repair_days=5"]
    return sim.simulate(sim.load_scenario(MINIMAL, overrides))


@pytest.fixture(scope="module")
def uncrewed() -> sim.Result:
    """Crew forced home on day 50 with no relief: days of supply are inf afterwards; two
    consumables with different reserve lines."""
    data = base_dict(crew=3, stock_kg=300, horizon_days=200)
    data["vehicles"][0]["docked_life_days"] = 50
    water = {"id": "water", "per_crew_day": 2.0, "initial": {"kg": 900}, "reserve_days": 30}
    data["station"]["consumables"].append(water)
    return sim.simulate(build(data))


def lines(fig: Any, prefix: str) -> dict[str, Any]:
    """Lines of the figure's first axes whose gid starts with ``prefix``, by gid."""
    return {ln.get_gid(): ln for ln in fig.axes[0].lines if (ln.get_gid() or "").startswith(prefix)}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- the drawn data is the run's data ------------------------------------------------------
@pytest.mark.parametrize("fixture", ["result", "uncrewed"])
def test_margin_lines_are_the_days_of_supply_series(fixture: str, request) -> None:
    res: sim.Result = request.getfixturevalue(fixture)
    fig = margin_chart(res)
    drawn = lines(fig, "days:")
    ids = [c.id for c in res.scenario.station.consumables]
    assert sorted(drawn) == sorted(f"days:{c}" for c in ids)
    x = to_dates(res.epoch, res.series["day"])
    for c in ids:
        line, y = drawn[f"days:{c}"], res.series[f"{c}_days"]
        assert np.array_equal(line.get_xdata(), x)
        finite = np.isfinite(y)
        np.testing.assert_array_equal(np.asarray(line.get_ydata())[finite], y[finite])
        # inf (nothing consumed) is drawn above the axis, which stays finite and from 0
        assert (np.asarray(line.get_ydata())[~finite] > fig.axes[0].get_ylim()[1]).all()
    low, high = fig.axes[0].get_ylim()
    assert low == 0 and np.isfinite(high)
    assert line.get_label() == ids[-1]


def test_margin_reserve_lines_outages_and_first_breach(result: sim.Result) -> None:
    fig = margin_chart(result)
    ax = fig.axes[0]
    (reserve,) = lines(fig, "reserve").values()
    assert set(reserve.get_ydata()) == {45.0}
    assert "reserve (45 days)" in ax.get_legend_handles_labels()[1]
    labels = ax.get_legend_handles_labels()[1]
    assert {"baikonur-31 down", "launch", "docking"} <= set(labels)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "first below reserve" in texts and "2026-03-27" in texts
    assert "food runs out" in texts and "2026-05-11" in texts
    assert ax.get_title(loc="left") == "Days of supply — One pad, two ports, one consumable"


def test_margin_different_reserves_get_one_line_each_and_a_note_on_inf(uncrewed) -> None:
    fig = margin_chart(uncrewed)
    reserves = {gid: set(ln.get_ydata()) for gid, ln in lines(fig, "reserve").items()}
    assert reserves == {"reserve:food": {45.0}, "reserve:water": {30.0}}
    assert any("∞" in t.get_text() for t in fig.axes[0].texts)
    only_water = margin_chart(uncrewed, consumables=["water"])
    assert list(lines(only_water, "days:")) == ["days:water"]
    with pytest.raises(ValueError, match="unknown consumable"):
        margin_chart(uncrewed, consumables=["fuel"])


def synthetic(food_days: list[float], crew: list[float], seats: list[float]) -> RunData:
    """A hand-made run over 40 days: rows at days 0, 10, 20, 30, 40."""
    n = len(food_days)
    day = np.linspace(0.0, 40.0, n)
    series = {"day": day, "crew_RS": np.array(crew), "crew_USOS": np.zeros(n)}
    series |= {"crew": np.array(crew), "seats": np.array(seats)}
    series |= {"food_kg": np.array(food_days) * 3, "food_days": np.array(food_days)}
    epoch, horizon = date(2026, 1, 1), date(2026, 2, 10)
    return RunData("made-up", epoch, horizon, {"food": 45.0}, {}, series, [], [])


def test_a_spike_does_not_squash_the_axis_and_the_cut_is_noted() -> None:
    fig = margin_chart(synthetic([100, 120, 5000, 110, 90], [3] * 5, [3] * 5))
    assert fig.axes[0].get_ylim()[1] == pytest.approx(365 / DATA_TOP)  # the event rows above
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "axis cut at 365 days" in legend
    fig = margin_chart(synthetic([1000, 990, 980, 970, 960], [3] * 5, [3] * 5))
    assert fig.axes[0].get_ylim()[1] == pytest.approx(1000 * 1.05 / DATA_TOP)  # no cut


def test_crew_without_a_lifeboat_seat_is_hatched() -> None:
    fig = crew_chart(synthetic([100] * 5, [3, 3, 4, 4, 3], [3, 3, 3, 3, 3]))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "crew without a lifeboat seat" in legend


def test_crew_chart_stacks_to_the_crew_and_shows_seats_and_forced_returns(result) -> None:
    fig = crew_chart(result)
    ax, s = fig.axes[0], result.series
    assert np.array_equal(lines(fig, "crew_total")["crew_total"].get_ydata(), s["crew"])
    assert np.array_equal(s["seats"], s["crew"]) and "seats" not in lines(fig, "seats")
    rs_poly, us_poly = ax.collections[:2]  # the stack: RS from 0, USOS on top of it
    top = us_poly.get_paths()[0].vertices[:, 1]
    assert top.max() == s["crew"].max() and set(top) <= set(s["crew"]) | set(s["crew_RS"])
    assert rs_poly.get_paths()[0].vertices[:, 1].max() == s["crew_RS"].max()
    assert {"RS crew", "USOS crew", "forced return"} <= set(ax.get_legend_handles_labels()[1])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "a lifeboat seat for each person throughout" in legend
    assert any("Soyuz A forced home" in t.get_text() for t in ax.texts)
    assert ax.get_ylim()[0] == 0


def test_timeline_has_a_row_per_pad_and_port_and_labels_wide_bars(result) -> None:
    fig = timeline_chart(result)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["pad baikonur-31", "port rs-port", "port us-port"]
    labels = {t.get_text() for t in ax.texts}
    assert {"Soyuz A", "Soyuz B", "Progress 1"} <= labels  # long stays: wide bars
    assert ax.get_title(loc="left") == "Pads and ports — One pad, two ports, one consumable"


def test_timeline_names_a_short_stay_beside_its_bar() -> None:
    data = base_dict(horizon_days=2000)
    data["vehicles"][0]["docked_life_days"] = 3  # a 3-day bar on a 2000-day axis
    fig = timeline_chart(sim.simulate(build(data)))
    (name,) = [t for t in fig.axes[0].texts if t.get_text() == "Lifeboat"]
    end = mdates.date2num(to_dates(EPOCH, [3.0])[0])
    assert name.get_horizontalalignment() == "left"
    assert mdates.date2num(name.get_position()[0]) > end


def test_overlay_has_one_line_per_run_labelled_by_scenario(result, other) -> None:
    fig = overlay_chart([result, other], "food")
    drawn = [ln for ln in fig.axes[0].lines if (ln.get_gid() or "").startswith("overlay:")]
    assert [ln.get_label() for ln in drawn] == ["minimal", "minimal-quick"]
    for ln, res in zip(drawn, [result, other], strict=True):
        np.testing.assert_array_equal(ln.get_ydata(), res.series["food_days"])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["minimal", "minimal-quick"]


def test_overlay_small_multiples_and_duplicate_names(tmp_path: Path, result, uncrewed) -> None:
    fig = overlay_chart([result, uncrewed])
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert titles == ["food", "water"]
    key = fig.axes[1].get_legend()  # beside the top right panel, below the figure's title
    assert [t.get_text() for t in key.get_texts()][:2] == ["minimal", "analytic"]
    for name in ("a", "b"):
        result.write(tmp_path / name)
    runs = [load_run(tmp_path / "a"), load_run(tmp_path / "b")]
    fig = overlay_chart(runs, "food")
    assert [ln.get_label() for ln in lines(fig, "overlay:").values()] == [
        "minimal (a)",
        "minimal (b)",
    ]


def test_charts_draw_into_a_given_axes(result) -> None:
    fig, axes = plt.subplots(2, 2)
    for ax, draw in zip(axes.flat, [margin_chart, crew_chart, timeline_chart], strict=False):
        assert draw(result, ax=ax) is fig
    assert overlay_chart([result], ax=axes[1, 1]) is fig


# -- images ----------------------------------------------------------------------------------
@pytest.mark.parametrize("draw", [margin_chart, crew_chart, timeline_chart])
def test_every_chart_renders_a_png_of_its_figure_size(draw, result, tmp_path: Path) -> None:
    fig = draw(result)
    width, height = np.round(fig.get_size_inches() * 120).astype(int)
    path = save(fig, tmp_path / "chart.png")
    assert png_size(path) == (width, height)
    pixels = plt.imread(path)
    assert pixels.shape[:2] == (height, width) and pixels.std() > 0.05  # not blank


def test_overlay_files_render(tmp_path: Path, result, other) -> None:
    paths = write_overlay_charts([result, other], tmp_path)
    assert [p.name for p in paths] == ["overlay.png", "overlay-food.png"]
    assert png_size(paths[1]) == (1200, 660)
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_write_run_charts_in_svg(tmp_path: Path, result) -> None:
    paths = write_run_charts(result, tmp_path, fmt="svg")
    assert [p.name for p in paths] == ["margin.svg", "crew.svg", "timeline.svg"]
    for p in paths:
        text = p.read_text()
        assert text.startswith("<?xml") and "<svg" in text and "minimal" in text


# -- result folders --------------------------------------------------------------------------
def test_load_run_round_trips_a_result_folder(tmp_path: Path, uncrewed, result) -> None:
    for res in (result, uncrewed):
        folder = res.write(tmp_path / res.scenario.name)
        run, mem = load_run(folder), RunData.from_result(res)
        assert (run.scenario, run.epoch, run.horizon) == (mem.scenario, mem.epoch, mem.horizon)
        assert run.reserve_days == mem.reserve_days and run.source == str(folder)
        assert list(run.series) == list(mem.series)
        for key, values in mem.series.items():
            np.testing.assert_allclose(run.series[key], values, rtol=0, atol=1e-6)
        assert [e[1:] for e in run.events] == [e[1:] for e in mem.events]
        np.testing.assert_allclose([e[0] for e in run.events], [e[0] for e in mem.events])
        assert run.flights == mem.flights
        assert run.metrics == mem.metrics
        assert run.outages() == mem.outages() and run.port_visits() == mem.port_visits()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: (d / "summary.json").write_text('{"scenario": '),
            "summary.json:1:14: not valid",
        ),
        (lambda d: (d / "summary.json").write_text("[1]"), "expected a JSON object"),
        (
            lambda d: (d / "summary.json").write_bytes(b"\xff\xfe"),
            "summary.json: not UTF-8 text (byte 1)",
        ),
        (lambda d: (d / "timeseries.csv").unlink(), "timeseries.csv: missing"),
        (lambda d: (d / "timeseries.csv").write_text("date,day\n"), "missing column(s) crew_RS"),
        (lambda d: (d / "events.csv").write_text("day,kind\n"), "missing column(s) date"),
        (lambda d: _replace(d / "timeseries.csv", "300.0", "lots"), ":2: column 'food_kg'"),
        (lambda d: _replace(d / "summary.json", '"2026-12-31"', '"soon"'), "'horizon' is not"),
    ],
    ids=["json", "not-object", "binary", "no-series", "columns", "events", "number", "date"],
)
def test_load_run_names_the_file_and_the_problem(tmp_path: Path, result, damage, message) -> None:
    folder = result.write(tmp_path / "run")
    damage(folder)
    with pytest.raises(RunDataError) as info:
        load_run(folder)
    assert message in str(info.value) and "\n" not in str(info.value)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# -- the CLI ---------------------------------------------------------------------------------
def test_run_plot_writes_three_pngs_into_the_folder(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["run", MINIMAL, "-o", str(out), "--plot"]) == 0
    assert "charts: margin.png, crew.png, timeline.png" in capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert {"margin.png", "crew.png", "timeline.png", "summary.json"} <= set(names)
    assert png_size(out / "margin.png") == (1200, 660)
    assert png_size(out / "crew.png") == (1200, 660)
    assert png_size(out / "timeline.png")[0] == 1320
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # written in the same atomic step


def test_run_format_svg_writes_svgs(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", MINIMAL, "-o", str(out), "--plot", "--format", "svg"]) == 0
    svgs = sorted(p.name for p in out.glob("*.svg"))
    assert svgs == ["crew.svg", "margin.svg", "timeline.svg"] and not list(out.glob("*.png"))
    assert "<svg" in (out / "margin.svg").read_text()


def test_plot_one_folder_redraws_from_the_files(tmp_path: Path, result, capsys) -> None:
    folder = result.write(tmp_path / "run")
    assert main(["plot", str(folder)]) == 0
    assert {"margin.png", "crew.png", "timeline.png"} <= {p.name for p in folder.iterdir()}
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp left
    assert main(["plot", str(folder), "-o", str(tmp_path / "pics"), "--format", "svg"]) == 0
    assert sorted(p.name for p in (tmp_path / "pics").iterdir()) == [
        "crew.svg",
        "margin.svg",
        "timeline.svg",
    ]
    assert "wrote margin.png, crew.png, timeline.png" in capsys.readouterr().out


def test_plot_several_folders_overlays_into_results_compare(
    tmp_path: Path, result, other, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    a, b = result.write(tmp_path / "a"), other.write(tmp_path / "b")
    (tmp_path / "results" / "compare").mkdir(parents=True)
    (tmp_path / "results" / "compare" / "keep.txt").write_text("others' files stay")
    assert main(["plot", str(a), str(b)]) == 0
    written = sorted(p.name for p in (tmp_path / "results" / "compare").iterdir())
    assert written == ["keep.txt", "overlay-food.png", "overlay.png"]


@pytest.mark.parametrize("case", ["missing", "corrupt"])
def test_plot_on_a_bad_folder_exits_2_with_one_line(
    tmp_path: Path, result, case: str, cli: Cli
) -> None:
    folder = tmp_path / "run"
    if case == "corrupt":
        result.write(folder)
        (folder / "summary.json").write_text("{ not json")
    code, _, err = cli("plot", str(folder))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("iss-sim plot: ") and str(folder) in err
    if case == "corrupt":
        assert "summary.json" in err and "not valid JSON" in err
        assert not list(folder.glob("*.png"))
