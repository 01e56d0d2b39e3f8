"""Charts fit to publish (issue 18 item 5): titles that say the question, honest axis cuts,
every depletion and the dockings that end a breach named, callouts clear of the ticks, the
seat line only when it tells something, ports by name, one colour per consumable, a human
name for a swept parameter, --dpi and SVG text."""

from __future__ import annotations

import colorsys
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import DATA, EPOCH, Cli, base_dict, build, cargo_flight, day

import sim
from sim.engine.record import Event
from sim.plots import crew_chart, margin_chart, overlay_chart, timeline_chart, write_run_charts
from sim.plots.fan import fan_chart
from sim.plots.margin import DATA_TOP
from sim.plots.style import CONSUMABLE_COLORS, consumable_styles, headline, save
from sim.plots.sweep import param_label, sweep_chart
from sim.results.rundata import RunData, load_run

MINIMAL = str(DATA / "minimal.yaml")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def minimal() -> sim.Result:
    """Food below reserve on 2026-03-27 and out on 2026-05-11; Site 31 down 30 days."""
    return sim.simulate(sim.load_scenario(MINIMAL))


def twice_data() -> dict[str, Any]:
    """3 crew on 150 kg of food (reserve 45 days, 135 kg): out on day 50; S1 docks on day 82
    with 150 kg (50 days: the breach ends), out again on day 132; S2 docks on day 202 with
    600 kg."""
    data = base_dict(crew=3, stock_kg=150, horizon_days=300)
    data["flights"] = [cargo_flight("S1", 80, 150), cargo_flight("S2", 200, 600)]
    return data


@pytest.fixture(scope="module")
def twice() -> sim.Result:
    return sim.simulate(build(twice_data()))


@pytest.fixture(scope="module")
def segmented() -> sim.Result:
    """Food held per segment (the RS short), propellant held by the RS for the station."""
    data = base_dict(crew=3, stock_kg=300, horizon_days=200)
    data["station"]["docked"][0]["crew"] = {"RS": 2, "USOS": 1}
    data["station"]["consumables"] = [
        {
            "id": "food",
            "per_crew_day": 1.0,
            "reserve_days": 45,
            "segments": {"RS": {"initial": {"kg": 100}}, "USOS": {"initial": {"kg": 80}}},
        },
        {
            "id": "propellant",
            "held_by": "RS",
            "fixed_per_day": 1.0,
            "initial": {"kg": 60},
            "reserve_days": 45,
        },
    ]
    return sim.simulate(build(data))


def annotations(ax: Any, prefix: str) -> list[Any]:
    return [t for t in ax.texts if (t.get_gid() or "").startswith(prefix)]


def gids(ax: Any, prefix: str) -> dict[str, Any]:
    artists = [*ax.lines, *ax.collections, *ax.patches]
    return {a.get_gid(): a for a in artists if (a.get_gid() or "").startswith(prefix)}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- titles and sources ----------------------------------------------------------------------
def test_headline_is_the_first_clause_of_the_description_without_asides() -> None:
    text = (
        "Site 31 (the only pad for Soyuz and Progress to the ISS) is down 180 days from the "
        "2025-11-27 incident (back 2026-05-26); the late-2025 manifest otherwise as planned."
    )
    assert headline(text, "site31-repair-180d") == (
        "Site 31 is down 180 days from the 2025-11-27 incident"
    )
    short = "Site 31 down 365 days; when Russian food falls to 30 days the RS is evacuated."
    assert (
        headline(short, "x")
        == "Site 31 down 365 days; when Russian food falls to 30 days the RS is evacuated"
    )
    assert headline("What if? Question: does it matter?", "x") == "What if?"
    assert headline("", "the-slug") == "the-slug"
    long = headline("word " * 60, "x", width=50)
    assert len(long) <= 50 and long.endswith("…")


@pytest.mark.parametrize(
    ("draw", "what"),
    [
        (margin_chart, "Days of supply"),
        (crew_chart, "Crew on board"),
        (timeline_chart, "Pads and ports"),
    ],
)
def test_run_charts_are_titled_by_the_question_and_say_their_source(minimal, draw, what) -> None:
    fig = draw(minimal)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == f"{what} — One pad, two ports, one consumable"
    assert ax.get_xlabel() == "date (UTC)"
    source = fig.get_supxlabel()
    assert "Scenario minimal" in source and "seed 1" in source and sim.__version__ in source


def test_a_segmented_margin_chart_says_by_segment(segmented) -> None:
    fig = margin_chart(segmented)
    assert fig.get_suptitle().startswith("Days of supply by segment — ")
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "Russian segment (RS)",
        "US segment (USOS)",
    ]
    assert fig.axes[-1].get_xlabel() == "date (UTC)"


# -- margin ----------------------------------------------------------------------------------
def test_each_breach_marker_has_the_colour_of_its_consumables_line(segmented, minimal) -> None:
    for res in (segmented, minimal):
        fig = margin_chart(res)
        checked = 0
        for ax in fig.axes:
            lines = gids(ax, "days:")
            for gid, marker in gids(ax, "breach:").items():
                c = gid.split(":")[1]
                (line,) = [ln for g, ln in lines.items() if g.split(":")[1] == c]
                assert mcolors.same_color(marker.get_markerfacecolor(), line.get_color())
                checked += 1
            for note in annotations(ax, "first_breach:"):
                c = note.get_gid().split(":")[1]
                line = next(ln for g, ln in lines.items() if g.split(":")[1] == c)
                assert mcolors.same_color(note.get_bbox_patch().get_edgecolor(), line.get_color())
                assert c in note.get_text()
        assert checked >= 1


def test_food_and_propellant_have_clearly_different_hues() -> None:
    hue = {c: colorsys.rgb_to_hsv(*mcolors.to_rgb(v))[0] for c, v in CONSUMABLE_COLORS.items()}
    apart = abs(hue["food"] - hue["propellant"])
    assert min(apart, 1 - apart) > 0.25  # a quarter of the colour wheel or more
    styles = consumable_styles(["food", "water", "oxygen", "propellant", "nitrogen", "argon"])
    assert len({color for color, _ in styles.values()}) == 6
    assert styles["food"][0] == CONSUMABLE_COLORS["food"]


def test_every_depletion_has_a_label_with_its_date(twice, segmented) -> None:
    for res in (twice, segmented):
        fig = margin_chart(res)
        labels = " ".join(t.get_text() for ax in fig.axes for t in annotations(ax, "depletion:"))
        out = [e for e in res.events if e.kind == "depleted"]
        assert out
        for e in out:
            assert f"{e.subject} runs out {res.date(e.day)}" in labels
    labels = [t.get_text() for t in annotations(margin_chart(twice).axes[0], "depletion:")]
    assert labels == [
        "food runs out 2026-02-20\nfor 32 days",
        "food runs out 2026-05-13\nfor 70 days",
    ]


def test_callouts_stay_inside_the_data_area_clear_of_ticks_and_each_other(twice, minimal) -> None:
    for res in (twice, minimal):
        fig = margin_chart(res)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            box = ax.get_window_extent(renderer)
            ticks = [
                t.get_window_extent(renderer) for t in ax.get_xticklabels() + ax.get_yticklabels()
            ]
            notes = annotations(ax, "first_breach:") + annotations(ax, "depletion:")
            boxes = [n.get_bbox_patch().get_window_extent(renderer) for n in notes]
            assert boxes
            for i, b in enumerate(boxes):
                assert box.x0 <= b.x0 and b.x1 <= box.x1
                assert box.y0 <= b.y0 and b.y1 <= box.y0 + DATA_TOP * box.height + 1
                assert not any(b.overlaps(t) for t in ticks if t.width)
                assert not any(b.overlaps(other) for other in boxes[i + 1 :])


def test_callouts_that_would_collide_or_leave_the_axes_are_moved_clear() -> None:
    run = synthetic([100, 60, 0, 0, 0], [3] * 5, [3] * 5)
    run.series["water_days"] = np.array([100, 60, 30, 0.0, 0.0])
    run.series["water_kg"] = run.series["water_days"]
    run.reserve_days["water"] = 45.0
    run.events = [
        Event(15.0, "below_reserve", "food"),
        Event(18.0, "below_reserve", "water"),
        Event(20.0, "depleted", "food"),
        Event(21.0, "depleted", "water"),  # a day apart: the labels would overlap
        Event(39.5, "depleted", "food"),  # at the right edge: the label would leave the axes
    ]
    fig = margin_chart(run)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    box = ax.get_window_extent(renderer)
    notes = annotations(ax, "first_breach:") + annotations(ax, "depletion:")
    boxes = [n.get_bbox_patch().get_window_extent(renderer) for n in notes]
    assert len(boxes) == 4
    for i, b in enumerate(boxes):
        assert box.x0 <= b.x0 and b.x1 <= box.x1 and box.y0 <= b.y0
        assert not any(b.overlaps(other) for other in boxes[i + 1 :])


def test_the_docking_that_ends_a_breach_is_named_in_the_rows_above_the_data(twice) -> None:
    fig = margin_chart(twice)
    ax = fig.axes[0]
    names = {t.get_text() for t in annotations(ax, "name:")}
    assert names == {"S1", "S2"}  # both lift the food from below the reserve
    food = gids(ax, "days:")["days:food"].get_color()
    assert mcolors.same_color(
        gids(ax, "ends_breach:")["ends_breach:S1"].get_markerfacecolor(), food
    )
    for rug in gids(ax, "rug:").values():  # launches and dockings above the data
        assert set(rug.get_ydata()) and min(rug.get_ydata()) > DATA_TOP


def synthetic(food_days: list[float], crew: list[float], seats: list[float]) -> RunData:
    """A hand-made run over 40 days: rows at days 0, 10, 20, 30, 40."""
    n = len(food_days)
    series = {"day": np.linspace(0.0, 40.0, n), "crew_RS": np.array(crew, dtype=float)}
    series |= {"crew_USOS": np.zeros(n), "crew": np.array(crew, dtype=float)}
    series |= {"seats": np.array(seats, dtype=float), "food_days": np.array(food_days)}
    series["food_kg"] = series["food_days"] * 3
    return RunData("made-up", EPOCH, day(40), {"food": 45.0}, {}, series, [], [])


def test_the_axis_cut_stated_is_the_one_drawn_and_no_line_runs_through_the_markers() -> None:
    fig = margin_chart(synthetic([100, 120, 5000, 110, 90], [3] * 5, [3] * 5))
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "axis cut at 365 days" in legend
    assert ax.get_yticks()[-1] == 365 and ax.get_yticklabels()[-1].get_text() == "365"
    assert set(gids(ax, "data_top")["data_top"].get_ydata()) == {365}
    assert ax.get_ylim()[1] * DATA_TOP == pytest.approx(365)
    fig.canvas.draw()
    clip = gids(ax, "days:")["days:food"].get_clip_box()  # the line stops at the cut
    assert clip.y1 == pytest.approx(ax.transData.transform((0, 365))[1])


def test_a_line_above_the_cut_throughout_is_said_so() -> None:
    run = synthetic([100, 120, 90, 110, 100], [3] * 5, [3] * 5)
    other = {"water": [150.0] * 5, "propellant": [5000.0, 4900, 4800, 4700, 4600]}
    other["oxygen"] = [np.inf] * 5  # never consumed: the ∞ note says it, not "above the cut"
    for c, days in other.items():
        run.series[f"{c}_days"] = np.array(days)
        run.series[f"{c}_kg"] = np.array(days)
        run.reserve_days[c] = 45.0
    fig = margin_chart(run)
    legend = " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
    assert "propellant: above the cut throughout (lowest 4600 d)" in legend.replace("\n", " ")
    assert "oxygen:" not in legend and "∞ (nothing consumed)" in legend


# -- crew ------------------------------------------------------------------------------------
def test_the_seat_line_is_drawn_only_when_the_seats_differ_from_the_crew() -> None:
    fig = crew_chart(synthetic([100] * 5, [3] * 5, [3] * 5))
    ax = fig.axes[0]
    assert "seats" not in gids(ax, "seats")
    assert "a lifeboat seat for each person throughout" in [
        t.get_text() for t in ax.get_legend().get_texts()
    ]
    fig = crew_chart(synthetic([100] * 5, [3] * 5, [3, 3, 6, 6, 3]))
    assert "seats" in gids(fig.axes[0], "seats")


def test_the_seat_gap_and_the_outages_are_drawn_over_the_crew(minimal) -> None:
    fig = crew_chart(synthetic([100] * 5, [3, 3, 3, 3, 3], [3, 0, 0, 3, 3]))  # as MS-22
    ax = fig.axes[0]
    stack = max(c.get_zorder() for c in ax.collections[:2])
    (gap,) = gids(ax, "unseated").values()
    assert gap.get_zorder() > stack
    top = gap.get_paths()[0].vertices[:, 1].max()
    assert top == 3  # from the seats (0) up to the crew
    ax = crew_chart(minimal).axes[0]
    spans = list(gids(ax, "outage").values())
    assert spans and all(s.get_zorder() > stack for s in spans)
    (span,) = spans
    ys = span.get_path().vertices[:, 1]
    assert (ys.min(), ys.max()) == (0, 1)  # the whole height, in axes fractions


def test_evacuations_decrews_and_uncrewed_stretches_are_marked() -> None:
    run = synthetic([100] * 5, [3, 3, 0, 0, 3], [3, 3, 0, 0, 3])
    run.events = [
        Event(12.0, "decrew", "Soyuz A", consumable="food", segment="RS", days=45.0),
        Event(20.0, "evacuation", "station", consumable="food", segment="RS"),
    ]
    fig = crew_chart(run)
    ax = fig.axes[0]
    assert {"decrew:Soyuz A", "evacuation:station"} <= set(gids(ax, "").keys())
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "Soyuz A home early (food RS below 45 days)" in texts
    assert "station evacuated (food (RS) below the evacuation line)" in texts
    assert "RS uncrewed 2026-01-21 to 2026-01-31 (10 d)" in texts
    assert "uncrewed:RS" in gids(ax, "uncrewed:")


# -- timeline --------------------------------------------------------------------------------
def test_ports_and_pads_are_named_and_older_folders_still_read(tmp_path: Path, minimal) -> None:
    data = base_dict()
    data["station"]["ports"][0]["name"] = "Poisk (MRM-2) zenith"
    data["pads"][0].update(name="Test Site 1", outages=[{"start": day(0), "repair_days": 10}])
    res = sim.simulate(build(data))
    rows = [t.get_text() for t in timeline_chart(res).axes[0].get_yticklabels()]
    assert rows == ["pad Test Site 1", "port Poisk (MRM-2) zenith"]
    folder = res.write(tmp_path / "named")
    run = load_run(folder)
    assert run.port_names["p1"] == "Poisk (MRM-2) zenith" and run.pad_name("pad") == "Test Site 1"
    assert run.description == "" and run.seed == 7 and run.version == sim.__version__
    summary = json.loads((folder / "summary.json").read_text())
    for key in ("description", "pads", "ports", "seed", "version"):  # as written before
        del summary[key]
    (folder / "summary.json").write_text(json.dumps(summary))
    old = load_run(folder)
    assert (old.port_names, old.pad_names, old.seed, old.version) == ({}, {}, None, None)
    rows = [t.get_text() for t in timeline_chart(old).axes[0].get_yticklabels()]
    assert rows == ["pad pad", "port p1"]
    assert "Scenario analytic; iss-sim" in margin_chart(old).get_supxlabel()


# -- overlay and fan -------------------------------------------------------------------------
def test_overlay_cut_is_honest_outages_are_named_and_depletions_marked(minimal, twice) -> None:
    spike = synthetic([100, 120, 5000, 110, 90], [3] * 5, [3] * 5)
    ax = overlay_chart([spike, synthetic([90] * 5, [3] * 5, [3] * 5)], "food").axes[0]
    assert "axis cut at 365 days" in ax.get_title(loc="right")
    assert ax.get_yticks()[-1] == 365
    assert set(gids(ax, "data_top")["data_top"].get_ydata()) == {365}
    fig = overlay_chart([minimal, twice], "food")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("outage_name:")]
    assert names == [" baikonur-31 down"]  # the minimal run's pad (no name: its id)
    crosses = gids(ax, "depleted:")
    assert len(crosses["depleted:food:0"].get_xdata()) == 1
    assert len(crosses["depleted:food:1"].get_xdata()) == 2


def test_the_fan_says_p_runs_out_marks_the_weeks_out_of_stock_and_cuts_honestly() -> None:
    data = twice_data()
    data["flights"][1]["cargo"] = {"food": 90_000}  # 10,000 days: far above the cut
    data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [0, 5]}}}
    mc = sim.experiments.montecarlo(build(data), 4)
    ax = fan_chart(mc).axes[0]
    assert ax.get_title(loc="left").endswith("P(below reserve) 100%, P(runs out) 100%")
    assert ax.get_ylim()[1] == 365 and ax.get_yticks()[-1] == 365
    assert any("axis cut at 365 d" in t.get_text() for t in ax.texts)
    (out,) = gids(ax, "out:food").values()
    assert out.get_paths()  # the weeks when every replication is out of food


def test_the_fan_is_clipped_at_its_panels_top_not_at_the_cut() -> None:
    # below the cut the axis stops at the band's top: a value above it (a median of
    # infinite days while nothing is consumed) must end at the axes' edge, not run on
    # up to 365 days over the panels above
    data = twice_data()
    data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [0, 5]}}}
    fig = fan_chart(sim.experiments.montecarlo(build(data), 4))
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_ylim()[1] < 365  # not cut
    artists = [*gids(ax, "fan:").values(), *gids(ax, "band:").values()]
    assert len(artists) == 2
    for artist in artists:
        box = artist.get_clip_box()  # a rectangle clip path: matplotlib keeps it as a box
        assert box.y1 == pytest.approx(ax.bbox.y1)


def test_a_fan_of_a_stock_nobody_uses_says_so_in_its_panel() -> None:
    # food held per segment; all three crew are RS: nobody eats the USOS food
    data = twice_data()
    data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [0, 5]}}}
    food = data["station"]["consumables"][0]
    food["segments"] = {"RS": {"initial": food.pop("initial")}, "USOS": {"initial": {"kg": 50}}}
    fig = fan_chart(sim.experiments.montecarlo(build(data), 4))
    said = {a.get_title(loc="left").split("\n")[0]: annotations(a, "never_used:") for a in fig.axes}
    assert [t.get_text().split("\n")[0] for t in said["US segment (USOS) — food"]] == [
        "no food drawn from this stock at any week in at least 95% of"
    ]
    assert said["Russian segment (RS) — food"] == []  # used: its band is drawn


# -- sweep -----------------------------------------------------------------------------------
def test_sweep_names_the_parameter_with_its_unit() -> None:
    assert param_label("pads.baikonur-31.outages.0.repair_days") == "Site 31 repair (days)"
    assert param_label("station.consumables.food.reserve_days") == "food reserve (days of supply)"
    assert param_label("station.mystery.knob") == "station.mystery.knob"
    assert param_label("flights.Progress MS-33.launch") == "Progress MS-33 launch date"
    assert param_label("rules.handover_days") == "crew handover (days)"
    assert param_label("vehicles.soyuz-ms.transit_days") == "soyuz-ms transit (days)"


def test_sweep_chart_labels_colours_markers_and_uncrewed_days() -> None:
    res = sim.sweep(MINIMAL, {"pads.baikonur-31.outages.0.repair_days": [5, 30, 60]})
    fig = sweep_chart(res)
    top, below = fig.axes
    assert below.get_xlabel() == "Site 31 repair (days)"
    assert "Site 31 repair" in fig.get_suptitle()
    (food,) = [ln for ln in top.lines if ln.get_label() == "food"]
    assert mcolors.same_color(food.get_color(), CONSUMABLE_COLORS["food"])
    crew = [ln for ln in below.lines if ln.get_marker() not in ("None", "")]
    assert [ln.get_label() for ln in crew] == ["RS uncrewed", "USOS uncrewed"]
    assert len({ln.get_marker() for ln in crew}) == 2  # coinciding lines stay apart
    assert len({ln.get_linestyle() for ln in crew}) == 2
    assert len(sweep_chart(res, ["food.min_days_of_supply"]).axes) == 1  # asked: only that


# -- files -----------------------------------------------------------------------------------
def test_svg_charts_keep_their_text_as_text(tmp_path: Path, minimal) -> None:
    for path in write_run_charts(minimal, tmp_path, fmt="svg"):
        text = path.read_text()
        assert "<text" in text and "One pad, two ports, one consumable" in text


def test_dpi_sets_the_pixels_of_every_command_that_writes_charts(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("run", MINIMAL, "--plot", "--dpi", "60", "-o", str(tmp_path / "run"))
    assert code == 0, err
    assert png_size(tmp_path / "run" / "margin.png") == (600, 330)  # 10 x 5.5 inches
    code, _, err = cli("plot", str(tmp_path / "run"), "--dpi", "30", "-o", str(tmp_path / "re"))
    assert code == 0, err
    assert png_size(tmp_path / "re" / "margin.png") == (300, 165)
    repair = "pads.baikonur-31.outages.0.repair_days"
    out = tmp_path / "sweep"
    code, _, err = cli(
        "sweep", MINIMAL, "--param", repair, "--values", "5,30", "--dpi", "50", "-o", str(out)
    )
    assert code == 0, err
    assert png_size(out / "sweep.png") == (500, 360)  # 10 x 7.2 inches
    out = tmp_path / "mc"
    code, _, err = cli("montecarlo", MINIMAL, "-n", "2", "--dpi", "40", "-o", str(out), "-q")
    assert code == 0, err
    assert png_size(out / "fan.png")[0] == 6 * 40  # one consumable: one panel, 6 inches
    code, _, err = cli("run", MINIMAL, "--plot", "--dpi", "5", "-o", str(tmp_path / "bad"))
    assert code == 2 and "--dpi" in err and not (tmp_path / "bad").exists()


def test_save_writes_a_png_at_the_dpi_asked(tmp_path: Path, minimal) -> None:
    small = save(margin_chart(minimal), tmp_path / "a.png", dpi=50)
    large = save(margin_chart(minimal), tmp_path / "b.png", dpi=100)
    assert png_size(small) == (500, 275) and png_size(large) == (1000, 550)


def test_rank_and_fragility_charts_take_the_dpi_too(tmp_path: Path, cli: Cli) -> None:
    sizes = {}
    for dpi in ("40", "80"):
        out = tmp_path / f"rank{dpi}"
        code, _, err = cli("rank", MINIMAL, "--dpi", dpi, "-o", str(out), "-q")
        assert code == 0, err
        frag = tmp_path / f"frag{dpi}"
        repair = "pads.baikonur-31.outages.0.repair_days"
        code, _, err = cli("fragility", MINIMAL, "--param", repair, "-n", "3", "--lo", "5",
                           "--hi", "30", "--dpi", dpi, "-o", str(frag), "-q")  # fmt: skip
        assert code == 0, err
        sizes[dpi] = (png_size(out / "rank.png"), png_size(frag / "fragility.png"))
    for small, big in zip(sizes["40"], sizes["80"], strict=True):
        assert big[0] == 2 * small[0]
