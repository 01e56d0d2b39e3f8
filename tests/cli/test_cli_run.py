"""`iss-sim run`: the summary, the JSON, the result folder and its atomic writing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import DATA, ROOT, Cli

import sim
from sim.cli import main

MINIMAL = str(DATA / "minimal.yaml")


def test_run_prints_a_summary_and_writes_the_folder(tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "run"
    code, text, _ = cli("run", MINIMAL, "-o", str(out))
    assert code == 0
    assert "food" in text and "2026-05-11" in text  # minimum (depletion) date
    assert "forced returns" in text and "Soyuz A" in text
    assert sorted(p.name for p in out.iterdir()) == [
        "events.csv",
        "flights.csv",
        "summary.json",
        "timeseries.csv",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "minimal"
    assert summary["seed"] == 1
    assert summary["version"] == sim.__version__
    assert len(summary["scenario_file_sha256"]) == 64
    assert summary["metrics"]["food.depleted_date"] == "2026-05-11"
    with (out / "flights.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["Progress 1", "Soyuz B"]
    assert rows[0]["launch"] == "2026-02-10"  # 30-day outage + 10 ready days


def test_run_json_and_overrides_and_seed(tmp_path: Path, capsys) -> None:
    args = ["run", MINIMAL, "-o", str(tmp_path / "r"), "--json", "--seed", "5"]
    args += ["--set", "pads.baikonur-31.outages.0.repair_days=0"]
    assert main(args) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["flight.Progress 1.launch_date"] == "2026-01-11"  # ready 10 days after 0
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["seed"] == 5


def test_run_default_folder_is_results_slash_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", MINIMAL]) == 0
    assert (tmp_path / "results" / "minimal" / "summary.json").exists()


def test_bad_scenario_exits_2_with_a_located_line_and_writes_nothing(
    tmp_path: Path, capsys
) -> None:
    out = tmp_path / "never"
    code = main(["run", MINIMAL, "-o", str(out), "--set", "flights.Soyuz B.vehicle=soyuzz"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--set:1:" in err and "did you mean 'soyuz'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_file_exits_2_in_one_line(capsys) -> None:
    assert main(["run", "does/not/exist.yaml"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "file not found" in err[0]


def test_failed_write_leaves_the_previous_folder_intact(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "run"
    assert main(["run", MINIMAL, "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(self, d: Path) -> None:
        (d / "summary.json").write_text("half")
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write

    monkeypatch.setattr(sim.Result, "write_files", broken)
    assert main(["run", MINIMAL, "-o", str(out), "--seed", "9"]) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no temp folder left


def test_readme_commands_name_real_files() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "iss-sim run scenarios/site31-repair-180d.yaml" in readme
    assert (ROOT / "scenarios" / "site31-repair-180d.yaml").exists()
    assert 'pip install ".[test,dask]" && pytest' in readme


@pytest.mark.parametrize("argv", [["--version"], ["run", "--help"]])
def test_version_and_help_exit_0(argv: list[str], capsys) -> None:
    assert main(argv) == 0
    assert capsys.readouterr().out
