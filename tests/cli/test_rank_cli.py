"""`iss-sim rank`: the table and its sentences, the JSON, the result folder written
atomically (and only over one of ours), and exit 2 with a located error for bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import Cli, WriteScenario, base_dict, cargo_flight, day

from sim.experiments.rank import RankResult
from sim.results.folders import leftovers


def world(write_scenario: WriteScenario) -> Path:
    """3 kg/day of food from 660 kg, reserve 135 kg; freighters A (150 kg, docks day 100)
    and B (300 kg, docks day 200); no breach unless one is lost."""
    data = base_dict(crew=3, stock_kg=660, horizon_days=260)
    data["flights"] = [cargo_flight("A", 98, 150), cargo_flight("B", 198, 300)]
    return write_scenario(data, "world.yaml")


def test_rank_prints_the_table_and_writes_the_folder(
    write_scenario: WriteScenario, cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "ranked"
    code, text, _ = cli("rank", world(write_scenario), "-o", out, "--slip", "30")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["rank.csv", "rank.json", "rank.png"]
    assert (out / "rank.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = text.split("What matters")[0]
    assert table.index("  1     A ") < table.index("  2     B ")
    assert f"Losing A brings a first food breach on {day(175).isoformat()}" in text
    assert f"wrote {out}/ (rank.csv, rank.json, rank.png): 5 runs" in text
    data = json.loads((out / "rank.json").read_text())
    assert data["slips_days"] == [30.0] and data["seed"] == 7
    with (out / "rank.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    breach = [r for r in rows if r["metric"] == "food.first_below_reserve_date"]
    assert [(r["subject"], r["variant"], r["delta"], r["note"]) for r in breach] == [
        ("A", "lost", "", "new"),
        ("A", "slip+30", "", ""),
        ("B", "lost", "", "new"),
        ("B", "slip+30", "", "new"),
    ]
    assert not leftovers(out)


def test_json_goes_to_stdout_and_the_top_limits_the_table(
    write_scenario: WriteScenario, cli: Cli, tmp_path: Path
) -> None:
    path = world(write_scenario)
    code, text, _ = cli("rank", path, "-o", tmp_path / "j", "--json", "-q")
    assert code == 0
    data = json.loads(text)
    assert [r["label"] for r in data["ranking"]] == ["A", "B"]
    assert data["ranking"][0]["variants"]["lost"]["sentence"].startswith("Losing A ")
    code, text, _ = cli("rank", path, "-o", tmp_path / "j", "--top", "1", "-q")
    assert code == 0 and "  1     A " in text and "  2     B " not in text
    code, text, _ = cli("rank", path, "-o", tmp_path / "j", "--top", "0", "-q")
    assert code == 0 and "  1     A " not in text and "1. Losing A " in text  # sentences stay


def test_the_default_folder_is_results_name_rank(
    write_scenario: WriteScenario, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = world(write_scenario)
    monkeypatch.chdir(tmp_path)
    assert cli("rank", path, "-q")[0] == 0
    assert (tmp_path / "results" / "analytic-rank" / "rank.json").exists()
    assert cli("rank", path, "-q", "--slip", "10")[0] == 0  # our folder: replaced
    data = json.loads((tmp_path / "results" / "analytic-rank" / "rank.json").read_text())
    assert data["slips_days"] == [10.0]


def test_a_foreign_folder_is_refused_unless_forced(
    write_scenario: WriteScenario, cli: Cli, tmp_path: Path
) -> None:
    path = world(write_scenario)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    code, _, err = cli("rank", path, "-o", foreign)
    assert code == 2 and "not written by iss-sim" in err and "--force" in err
    assert (foreign / "notes.txt").read_text() == "keep"
    assert cli("rank", path, "-o", foreign, "--force", "-q")[0] == 0
    assert (foreign / "rank.json").exists() and not (foreign / "notes.txt").exists()


def test_a_bad_set_exits_2_with_a_located_error_and_keeps_the_folder(
    write_scenario: WriteScenario, cli: Cli, tmp_path: Path
) -> None:
    path = world(write_scenario)
    out = tmp_path / "ranked"
    assert cli("rank", path, "-o", out, "-q")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _, err = cli("rank", path, "-o", out, "--set", "flights.A.vehicle=freightr")
    assert code == 2
    assert "--set:1:" in err and "did you mean 'freighter'" in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not leftovers(out)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--slip", "0"], "a slip must be a positive number of days"),
        (["--slip", "30", "--slip", "30"], "a slip is given twice"),
        (["--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_bad_options_exit_2_in_one_line(
    write_scenario: WriteScenario, cli: Cli, tmp_path: Path, args: list[str], says: str
) -> None:
    code, _, err = cli("rank", world(write_scenario), "-o", tmp_path / "never", *args)
    assert code == 2
    assert err.strip().splitlines() == [f"iss-sim rank: {err.split(': ', 1)[1].strip()}"]
    assert says in err
    assert not (tmp_path / "never").exists()


def test_the_result_reads_back_as_a_result_folder(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    from sim.experiments.rank import rank
    from sim.results.folders import is_result_folder

    result: RankResult = rank(world(write_scenario))
    result.write(tmp_path / "r")
    assert is_result_folder(tmp_path / "r")
