"""Which flight matters: each flight lost or slipped against the base run, on a world whose
breach dates and minimum days of supply are computed by hand, and the ranking of them.

The analytic world (:func:`analytic`): 3 crew at 1 kg/crew-day (3 kg/day), 660 kg of food
(220 days), reserve 45 days (135 kg), horizon day 260. Freighter A launches day 98 and
docks day 100 with 150 kg; B launches day 198 and docks day 200 with 300 kg; C (day 235)
brings no food. The pad is down from day 0 for 60 days.

Base run: 660 - 300 + 150 = 510 kg at day 100, 510 - 300 = 210 kg (70 days) just before
B docks at day 200, then 510 kg; 330 kg at the horizon. Lowest supply 70 days (day 200);
no reserve breach.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteScenario, base_dict, cargo_flight, crew_flight, day

from sim.experiments.rank import RankResult, Subject, rank
from sim.experiments.report import rank_text
from sim.plots.rank import rank_chart
from sim.plots.style import Figure
from sim.results.changes import Change, article

FOOD_BREACH = "food.first_below_reserve_date"
FOOD_MIN = "food.min_days_of_supply"


def analytic() -> dict[str, Any]:
    data = base_dict(crew=3, stock_kg=660, horizon_days=260)
    data["pads"][0]["outages"] = [{"start": day(0), "repair_days": 60}]
    data["flights"] = [
        cargo_flight("A", 98, 150),
        cargo_flight("B", 198, 300),
        cargo_flight("C", 235, 0),
    ]
    return data


@pytest.fixture
def ranked(write_scenario: WriteScenario) -> RankResult:
    return rank(write_scenario(analytic()))


def subject(result: RankResult, label: str) -> Subject:
    return next(s for s in result.subjects if s.label == label)


def change(result: RankResult, label: str, variant: str) -> Change:
    row = result.row(subject(result, label), variant)
    assert row is not None and row.change is not None
    return row.change


def test_the_base_run_is_as_computed_by_hand(ranked: RankResult) -> None:
    assert ranked.base[FOOD_MIN] == pytest.approx(70.0)
    assert ranked.base[FOOD_BREACH] is None
    assert ranked.seed == 7
    assert ranked.runs == 1 + 3 * 3 + 2  # base, 3 flights x 3 variants, 2 repair slips


def test_losing_a_freighter_moves_the_breach_by_the_days_computed_by_hand(
    ranked: RankResult,
) -> None:
    # without A: 660 - 3t = 135 on day 175; 60 kg (20 days) just before B docks on day 200
    lost_a = change(ranked, "A", "lost")
    assert lost_a.value[FOOD_BREACH] == day(175).isoformat()
    assert lost_a.get(FOOD_BREACH).note == "new"  # type: ignore[union-attr]
    assert lost_a.value[FOOD_MIN] == pytest.approx(20.0)
    assert lost_a.get(FOOD_MIN).delta == pytest.approx(-50.0)  # type: ignore[union-attr]
    assert lost_a.first_breach_earlier() == 260 - 175  # a new breach counts from the horizon
    # without B: 510 - 3(t - 100) = 135 on day 225; 30 kg (10 days) at the horizon
    lost_b = change(ranked, "B", "lost")
    assert lost_b.value[FOOD_BREACH] == day(225).isoformat()
    assert lost_b.get(FOOD_MIN).delta == pytest.approx(-60.0)  # type: ignore[union-attr]
    # A 90 days late docks on day 190 with 90 kg left: the breach of the loss, 30 days' low
    late_a = change(ranked, "A", "slip+90")
    assert late_a.value[FOOD_BREACH] == day(175).isoformat()
    assert late_a.value[FOOD_MIN] == pytest.approx(30.0)
    # A 30 days late docks on day 130 with 270 kg: the same stock from then on, no change
    assert not change(ranked, "A", "slip+30").changed()
    # B 30 days late docks on day 230: breached on day 225, 120 kg (40 days) on day 230
    late_b = change(ranked, "B", "slip+30")
    assert late_b.value[FOOD_BREACH] == day(225).isoformat()
    assert late_b.value[FOOD_MIN] == pytest.approx(40.0)
    # B 90 days late launches after the horizon: left out of the run, as if lost
    assert change(ranked, "B", "slip+90").value[FOOD_MIN] == pytest.approx(10.0)


def test_a_longer_repair_delays_the_first_launch_by_the_days_computed_by_hand(
    ranked: RankResult,
) -> None:
    # 60 + 90 = 150 days: A launches day 150, docks 152 with 660 - 456 = 204 kg (68 days)
    assert change(ranked, "pad repair", "slip+90").get(FOOD_MIN).delta == pytest.approx(-2.0)  # type: ignore[union-attr]
    assert not change(ranked, "pad repair", "slip+30").changed()  # back on day 90, before A
    assert ranked.row(subject(ranked, "pad repair"), "lost") is None  # a repair is not lost


def test_the_ranking_puts_the_breach_moved_earliest_first(ranked: RankResult) -> None:
    # A's loss brings the breach 85 days before the horizon, B's 35; the repair costs 2 days
    # of supply without a breach; C brings nothing
    assert [s.label for s in ranked.subjects] == ["A", "B", "pad repair", "C"]
    assert ranked.worst(subject(ranked, "A")).variant == "lost"  # type: ignore[union-attr]
    assert ranked.supplies_first()[:2] == ranked.subjects[:2]
    assert ranked.crew_first() == []


def test_the_sentence_says_what_a_briefing_would(ranked: RankResult) -> None:
    lost_a = change(ranked, "A", "lost")
    assert lost_a.sentence("Losing A") == (
        f"Losing A brings a first food breach on {day(175).isoformat()} (none by "
        f"{day(260).isoformat()}) and cuts its lowest supply by 50.0 days (70.0 -> 20.0 days)"
    )
    assert change(ranked, "C", "lost").sentence("Losing C") == (
        "Losing C changes none of the margins"
    )
    text = rank_text(ranked, top=2)
    assert "Losing A brings a first food breach" in text
    assert "pad repair" not in text.split("What matters")[0]  # top 2 only in the table
    assert (article("RS food"), article("USOS water"), article("oxygen")) == ("an", "a", "an")


def test_a_moved_breach_is_said_with_both_dates(write_scenario: WriteScenario) -> None:
    # 600 kg: the base run breaches on day (600 - 135) / 3 = 155 before B; losing A moves
    # it to day 155 - 50 = 105 (A's 150 kg are 50 days)
    data = analytic()
    data["station"]["consumables"][0]["initial"]["kg"] = 450
    result = rank(write_scenario(data))
    lost_a = change(result, "A", "lost")
    assert result.base[FOOD_BREACH] == day(155).isoformat()
    assert lost_a.value[FOOD_BREACH] == day(105).isoformat()
    assert lost_a.sentence("Losing A").startswith(
        f"Losing A moves the first food breach 50 days earlier ({day(155).isoformat()} -> "
        f"{day(105).isoformat()})"
    )
    assert lost_a.breach_cell() == "first 50 d earlier (food)"


def two_segments() -> dict[str, Any]:
    """RS 3 and USOS 4 crew, food per segment with no sharing, freighters to each segment."""
    data = base_dict(crew=3, stock_kg=1, horizon_days=300)
    data["station"]["consumables"] = [
        {
            "id": "food",
            "per_crew_day": 1.0,
            "reserve_days": 30,
            "segments": {"RS": {"initial": {"kg": 400}}, "USOS": {"initial": {"kg": 500}}},
        }
    ]
    data["rules"] = {"sharing": {"food": "none"}}
    data["station"]["docked"][0]["crew"] = {"RS": 3, "USOS": 4}
    data["vehicles"][0]["seats"] = 7
    rs = copy.deepcopy(data["vehicles"][1])
    rs.update(id="rs-freighter", ports=["p2"])
    data["vehicles"].append(rs)
    data["flights"] = [
        cargo_flight("U1", 40, 300),
        {**cargo_flight("R1", 60, 200), "vehicle": "rs-freighter"},
        cargo_flight("U2", 120, 400),
        {**cargo_flight("R2", 150, 300), "vehicle": "rs-freighter"},
    ]
    return data


def test_slipping_a_freighter_never_helps_a_margin_without_sharing(
    write_scenario: WriteScenario,
) -> None:
    result = rank(write_scenario(two_segments()), slips=(10, 30, 90))
    seen = 0
    for s in result.subjects:
        for row in result.rows[s]:
            assert row.change is not None
            for d in row.change.deltas:
                if d.metric.endswith("min_days_of_supply") and d.delta is not None:
                    assert d.delta <= 1e-9, (s.label, row.variant, d)
                if d.unit == "date" and d.delta is not None:
                    assert d.delta <= 0, (s.label, row.variant, d)  # never later
                assert d.note != "gone", (s.label, row.variant, d)
            seen += row.change.changed()
    assert seen >= 8  # most variants do cost something


def uncertain() -> dict[str, Any]:
    data = analytic()
    data["uncertainty"] = {"slip_days": {"freighter": {"uniform": [0, 20]}}}
    return data


def test_common_random_numbers_make_a_rank_identical_and_paired(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario(uncertain())
    first = rank(path)
    assert rank(path).to_json() == first.to_json()
    assert rank(path, workers=2).to_csv() == first.to_csv()
    # the draws are keyed by name: losing C (no cargo) changes nothing, though every
    # flight's slip is random
    assert not change(first, "C", "lost").changed()
    assert first.base != rank(write_scenario({**uncertain(), "seed": 8})).base


def test_bad_slips_are_refused(write_scenario: WriteScenario) -> None:
    path = write_scenario(analytic())
    for slips in ((0,), (-5,), (30, 30)):
        with pytest.raises(ValueError):
            rank(path, slips=slips)


def test_the_chart_draws_a_bar_per_variant(ranked: RankResult) -> None:
    fig = rank_chart(ranked)
    assert isinstance(fig, Figure)
    left, right = fig.axes[:2]
    labels = [t.get_text() for t in left.get_yticklabels()]
    assert labels[0].startswith("A (") and len(labels) == 3  # C changes nothing: not drawn
    assert fig.get_suptitle().startswith("Which flight matters?")
    widths = sorted(round(p.get_width(), 6) for p in right.patches)
    assert widths[0] == -60.0  # losing B: 60 days of supply


def test_rank_json_and_csv_hold_every_variant_and_metric(
    ranked: RankResult, tmp_path: Path
) -> None:
    ranked.write_files(tmp_path)
    data = ranked.to_json()
    assert [r["label"] for r in data["ranking"]] == ["A", "B", "pad repair", "C"]
    assert set(data["ranking"][0]["variants"]) == {"lost", "slip+30", "slip+90"}
    rows = (tmp_path / "rank.csv").read_text().splitlines()
    metrics = {r.split(",")[5] for r in rows[1:]}
    assert {FOOD_BREACH, FOOD_MIN, "crew.forced_returns"} <= metrics
    assert len(rows) - 1 == 11 * len(change(ranked, "A", "lost").deltas)


def test_a_crew_forced_home_ranks_before_any_supply_margin(
    write_scenario: WriteScenario,
) -> None:
    # the docked Lifeboat's life ends on day 200; its relief is planned for day 100
    data = analytic()
    data["vehicles"][0]["docked_life_days"] = 200
    data["flights"].append(crew_flight("Relief", 100, relieves="Lifeboat"))
    result = rank(write_scenario(data))
    assert result.subjects[0].label == "Relief"
    assert result.crew_first() == [result.subjects[0]]
    lost = change(result, "Relief", "lost")
    assert lost.forced_home == (("Lifeboat", day(200).isoformat()),)
    assert lost.first_forced_earlier() == 260 - 200
    assert lost.sentence("Losing Relief").startswith(
        f"Losing Relief forces Lifeboat home on {day(200).isoformat()} at its docked-life "
        "limit with no relief (none in the base run)"
    )
    assert "What matters most for the crew:" in rank_text(result)
