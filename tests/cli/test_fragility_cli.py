"""``iss-sim fragility``: the files it writes, its atomic folder, exit codes and messages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import Cli, WriteScenario, base_dict, cargo_flight, day

from sim.experiments.fragility import FragilityResult

TURNAROUND = "pads.pad.turnaround_days"


def world(write_scenario: WriteScenario) -> Path:
    """Freighter A slips U(0, 10) days from day 1; B (1,200 kg, day 12) waits the pad's
    turnaround T after A, so it docks on day 3 + s + T: the day-55 reserve crossing breaks
    for T > 52 - s (see tests/experiments/test_fragility.py)."""
    data = base_dict(crew=3, stock_kg=300, horizon_days=400)
    data["name"] = "turnaround"
    data["station"]["ports"].append({"id": "cargo2", "segment": "USOS", "kind": "CBM"})
    data["vehicles"][1]["ports"] = ["cargo", "cargo2"]
    data["flights"] = [cargo_flight("A", 1, 0), cargo_flight("B", 12, 1200)]
    data["uncertainty"] = {"slip_days": {"A": {"uniform": [0, 10]}}}
    return write_scenario(data, "turnaround.yaml")


ARGS = ["--param", TURNAROUND, "-n", 12, "--lo", 30, "--hi", 110, "--criterion", "reserve"]


def test_outputs_text_csv_json_and_chart(tmp_path: Path, write_scenario: WriteScenario,
                                         cli: Cli) -> None:  # fmt: skip
    out = tmp_path / "frag"
    code, text, err = cli("fragility", world(write_scenario), *ARGS, "depletion", "-o", out)
    assert code == 0 and err == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "fragility.csv", "fragility.json", "fragility.png",
    ]  # fmt: skip
    assert "turnaround: P(breach | pads.pad.turnaround_days = d) for d in [30, 110]" in text
    assert "pad turnaround (days)" in text and "P(below reserve)" in text
    data = json.loads((out / "fragility.json").read_text())
    runs = data["runs"]
    assert runs["grid"] == 12 * 81 and runs["grid_per_replication"] == 81
    assert f"runs: {runs['bisection']:,} by bisection" in text
    assert f"a grid over every value would take {12 * 81:,} (81 per replication)" in text
    assert "monotone on all 12 replications checked" in text
    assert data["criteria"] == ["reserve", "depletion"] and data["replications"] == 12
    assert data["monotonicity"]["monotone"] is True
    for c in ("reserve", "depletion"):  # where monotone, the curve is the runs' own share
        assert all(x["curve"] == x["runs"] for x in data["monotonicity"]["curve_vs_runs"][c])
    with (out / "fragility.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["d", "criterion", "breached", "replications", "probability",
                             "ci95_low", "ci95_high"]  # fmt: skip
    assert len(rows) == 2 * 81
    reserve = [r for r in rows if r["criterion"] == "reserve"]
    assert [float(r["probability"]) for r in reserve] == data["curves"]["reserve"]["probability"]
    assert reserve[0]["breached"] == "0" and reserve[-1]["breached"] == "12"  # 30 / 110 days
    assert (out / "fragility.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_json_default_folder_and_replacing_its_own_folder(
    tmp_path: Path, write_scenario: WriteScenario, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = world(write_scenario)
    monkeypatch.chdir(tmp_path)
    code, text, _ = cli("fragility", path, *ARGS, "--json", "--check", 3)
    assert code == 0
    folder = tmp_path / "results" / "turnaround-fragility"
    assert json.loads(text) == json.loads((folder / "fragility.json").read_text())
    assert json.loads(text)["monotonicity"]["replications_checked"] == 3
    (folder / "fragility.png").unlink()  # replaced whole: the chart comes back
    assert cli("fragility", path, *ARGS, "-q")[0] == 0
    assert (folder / "fragility.png").exists()
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary left


def test_a_folder_it_did_not_write_is_kept_unless_forced(
    tmp_path: Path, write_scenario: WriteScenario, cli: Cli
) -> None:
    path, out = world(write_scenario), tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    code, text, err = cli("fragility", path, *ARGS, "-o", out)
    assert code == 2 and text == "" and "Traceback" not in err and str(out) in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]  # refused before any run
    assert cli("fragility", path, *ARGS, "-o", out, "--force")[0] == 0
    assert (out / "fragility.json").exists() and not (out / "notes.txt").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--param", "pads.pad.turnaround_dayz"], "did you mean 'turnaround_days'"),
        (["--param", "name"], "fragility needs a numeric parameter (days, kg, a count); name"),
        (["--param", TURNAROUND, "--lo", 9, "--hi", 3], "lo 9 must be below hi 3"),
        (["--param", TURNAROUND, "--step", 0], "step must be above 0"),
        (["--param", TURNAROUND, "--lo", -5], "--param:1:"),
        (["--param", TURNAROUND, "-n", 0], "-n must be from 1 to"),
        (["--param", TURNAROUND, "--check", -1], "--check must be 0 or more"),
        (["--param", TURNAROUND, "--criterion", "any"], "invalid choice: 'any'"),
        (["--param", TURNAROUND, "--set", "pads.pad.nope=1"], "--set:1:"),
    ],
)
def test_bad_input_exits_2_with_one_located_line(
    tmp_path: Path, write_scenario: WriteScenario, cli: Cli, argv: list[str], message: str
) -> None:
    out = tmp_path / "never"
    code, text, err = (
        cli("fragility", world(write_scenario), *argv, "-n", 2, "-o", out)
        if ("-n" not in argv)
        else cli("fragility", world(write_scenario), *argv, "-o", out)
    )
    assert code == 2, err
    assert message in err and "Traceback" not in err and text == ""
    assert not out.exists()


def test_a_missing_scenario_file_exits_2(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("fragility", tmp_path / "nope.yaml", "--param", TURNAROUND)
    assert code == 2 and "nope.yaml" in err and "Traceback" not in err


def test_not_monotone_warns_on_stderr_and_in_the_text(
    tmp_path: Path, write_scenario: WriteScenario, cli: Cli
) -> None:
    # the critical tests' port-blocking world: the reserve holds for a repair up to 22
    # days, breaks for 23..39 (B waits for A's port), holds again from 40
    data = base_dict(crew=3, stock_kg=300, horizon_days=400)
    data["pads"][0].update(ready_days=0.5, outages=[{"start": day(0), "repair_days": 30}])
    data["pads"].append({"id": "pad2", "site": "Other", "families": ["rocket"]})
    data["flights"] = [cargo_flight("A", 1, 0), cargo_flight("B", 40, 1200, pad="pad2")]
    path = write_scenario(data)
    argv = ["fragility", path, "--param", "pads.pad.outages.0.repair_days", "-n", 2, "--hi",
            100, "--criterion", "reserve", "-o", tmp_path / "f"]  # fmt: skip
    code, text, err = cli(*argv)
    assert code == 0  # a warning, not a failure
    assert "NOT MONOTONE: below reserve on 2 of 2 replications checked" in text
    assert "the curve is 100.0 points off the runs at 25" in text
    assert err.startswith("warning: reserve is not monotone") and "breached at 25" in err
    data = json.loads((tmp_path / "f" / "fragility.json").read_text())
    seeds = (
        [x["seed"] for x in data["non_monotone"]]
        if "non_monotone" in data
        else [x["seed"] for x in data["monotonicity"]["non_monotone"]]
    )
    assert all(str(s) in text for s in seeds) and len(seeds) == 2
    code, _, err = cli(*argv, "-q", "--force")
    assert code == 0 and err == ""


def test_ctrl_c_while_writing_exits_130_and_keeps_the_old_folder(
    tmp_path: Path, write_scenario: WriteScenario, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, out = world(write_scenario), tmp_path / "f"
    assert cli("fragility", path, *ARGS, "--check", 0, "-o", out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(self: FragilityResult, d: Path) -> None:
        (d / "fragility.json").write_text("half")
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write

    monkeypatch.setattr(FragilityResult, "write_files", broken)
    code, _, err = cli("fragility", path, *ARGS, "--lo", 40, "-o", out)
    assert code == 130 and "interrupted" in err and len(err.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
