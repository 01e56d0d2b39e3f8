"""Outputs never lose data: -o replaces only folders iss-sim wrote, a scenario name stays
inside results/, and a process killed (SIGKILL or SIGTERM) at any moment while writing
over an existing folder leaves the complete old or the complete new folder, no
temporaries once the next command ran, and no worker processes.

The kill tests run ``python -m sim`` in subprocesses. Instants inside the swap are reached
with the test-only hook ``ISS_SIM_TEST_PAUSE_AT`` (see sim/results/folders.py); other
instants are drawn from a seeded RNG. ``ISS_SIM_SOAK=1`` runs a longer randomized version
(marker ``soak``).
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT, Cli

import sim.cli
from sim.cli import main
from sim.results.folders import PAUSE_ENV, leftovers, recover

MINIMAL = str(DATA / "minimal.yaml")
UNCERTAIN = str(ROOT / "scenarios" / "baseline-uncertain.yaml")
LINUX = sys.platform.startswith("linux") and Path("/proc/self/task").is_dir()
needs_proc = pytest.mark.skipif(not LINUX, reason="kills and /proc: Linux only")


# -- folder checks -------------------------------------------------------------------------
FILES = {
    "run": {"summary.json", "timeseries.csv", "flights.csv", "events.csv"},
    "plot": {"summary.json", "timeseries.csv", "flights.csv", "events.csv"}
    | {"margin.png", "crew.png", "timeline.png"},
    "sweep": {"sweep.json", "sweep.csv", "sweep.png"},
    "mc": {"montecarlo.json", "replications.csv", "fan.png"},
}


def _csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows and rows[0], f"{path}: no header"
    assert all(len(r) == len(rows[0]) for r in rows), f"{path}: ragged (cut short?)"
    return len(rows) - 1


def version_of(folder: Path, kind: str) -> Any:
    """Check that ``folder`` is a complete result folder of ``kind`` (exactly its files,
    each parseable) and return what tells the versions apart: the seed (run), the swept
    values (sweep) or the number of replications (montecarlo)."""
    assert folder.is_dir(), f"{folder} is missing"
    assert {p.name for p in folder.iterdir()} == FILES[kind]
    for png in folder.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    if kind in ("run", "plot"):
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["scenario"] == "minimal" and summary["metrics"]
        for name in ("timeseries.csv", "flights.csv", "events.csv"):
            _csv_rows(folder / name)
        return summary["seed"]
    if kind == "sweep":
        data = json.loads((folder / "sweep.json").read_text())
        assert _csv_rows(folder / "sweep.csv") == len(data["runs"])
        return [r["params"]["seed"] for r in data["runs"]]
    data = json.loads((folder / "montecarlo.json").read_text())
    assert _csv_rows(folder / "replications.csv") == data["replications"]
    return data["replications"]


def temporaries(folder: Path) -> list[str]:
    """Swap siblings of ``folder`` and hidden entries inside it."""
    names = [p.name for p in leftovers(folder)]
    names += [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]
    if folder.is_dir():
        names += [p.name for p in folder.iterdir() if p.name.startswith(".")]
    return sorted(set(names))


# -- processes -----------------------------------------------------------------------------
def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    env.pop(PAUSE_ENV, None)
    env.update(extra)
    return env


def start(args: list[str], cwd: Path, err: Path, **env: str) -> subprocess.Popen[bytes]:
    with err.open("wb") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "sim", *args],
            cwd=cwd,
            env=_env(**env),
            stdout=subprocess.DEVNULL,
            stderr=fh,
        )


def wait_for(what: Any, limit: float = 60.0) -> Any:
    """Poll ``what()`` until it is truthy (a bound, not a timing assertion)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def descendants(pid: int) -> set[int]:
    """Child processes of ``pid`` and theirs (from /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for children in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                kids = {int(k) for k in children.read_text().split()}
            except OSError:
                continue
            todo += sorted(kids - found)
            found |= kids
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def kill_and_check(proc: subprocess.Popen[bytes], sig: int, err: Path) -> None:
    """Send ``sig``; the process and every process it started must end; SIGTERM must
    exit 143 with one line on stderr (or 0 if the command had already finished)."""
    kids = descendants(proc.pid)
    proc.send_signal(sig)
    code = proc.wait(timeout=60)
    wait_for(lambda: not any(running(k) for k in kids), limit=30)
    text = err.read_text()
    assert "Traceback" not in text, text
    if sig == signal.SIGTERM and code == -signal.SIGTERM:
        # before main_entry installs the handler or after exit removed it: nothing half-done
        assert text == ""
    elif sig == signal.SIGTERM and code != 0:
        assert code == 143, text
        assert (
            text.strip()
            .splitlines()[-1]
            .endswith("terminated; no output folder was left half-written")
        )
    elif sig == signal.SIGKILL:
        assert code in (0, -signal.SIGKILL)


# -- 1. what -o may replace ----------------------------------------------------------------
def test_o_keeps_a_folder_it_did_not_write_and_names_it(tmp_path: Path, cli: Cli) -> None:
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.tex").write_text("\\documentclass{book}")
    for command in (
        ["run", MINIMAL],
        ["sweep", MINIMAL, "--param", "seed", "--values", "1,2"],
        ["montecarlo", MINIMAL, "-n", "2"],
    ):
        code, _, err = cli(*command, "-o", thesis)
        assert code == 2, err
        assert len(err.splitlines()) == 1 and "Traceback" not in err
        assert f"{thesis}/ is not empty and was not written by iss-sim" in err
        assert "--force" in err
        assert [p.name for p in tmp_path.iterdir()] == ["thesis"]  # no temporaries
        assert [p.name for p in thesis.iterdir()] == ["thesis.tex"]
    code, _, err = cli("run", MINIMAL, "-o", thesis, "--force")
    assert code == 0, err
    assert version_of(thesis, "run") == 1


@pytest.mark.parametrize("content", ["{ not json", '{"scenario": "x"}', "[1, 2]"])
def test_a_marker_file_that_is_not_ours_does_not_count(
    tmp_path: Path, cli: Cli, content: str
) -> None:
    folder = tmp_path / "fake"
    folder.mkdir()
    (folder / "summary.json").write_text(content)
    code, _, err = cli("run", MINIMAL, "-o", folder)
    assert code == 2 and "not written by iss-sim" in err
    assert (folder / "summary.json").read_text() == content


def test_o_replaces_its_own_folders_and_empty_ones(tmp_path: Path, cli: Cli) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("run", MINIMAL, "-o", empty)[0] == 0
    assert version_of(empty, "run") == 1
    assert cli("run", MINIMAL, "-o", empty, "--seed", "4")[0] == 0  # a run folder
    assert version_of(empty, "run") == 4
    assert cli("sweep", MINIMAL, "--param", "seed", "--values", "1,2", "-o", empty)[0] == 0
    assert version_of(empty, "sweep") == [1, 2]
    assert cli("montecarlo", MINIMAL, "-n", "3", "-o", empty)[0] == 0  # a sweep folder
    assert version_of(empty, "mc") == 3
    assert cli("run", MINIMAL, "-o", empty)[0] == 0  # a montecarlo folder
    assert version_of(empty, "run") == 1
    assert temporaries(empty) == []


@pytest.mark.parametrize("force", [False, True])
def test_o_on_a_regular_file_is_an_error_even_with_force(
    tmp_path: Path, cli: Cli, force: bool
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    code, _, err = cli("run", MINIMAL, "-o", notes, *(["--force"] if force else []))
    assert code == 2 and len(err.splitlines()) == 1
    assert f"{notes} is a file, not a folder" in err
    assert notes.read_text() == "my notes"
    code, _, err = cli("plot", str(tmp_path / "nowhere"), "-o", notes)
    assert code == 2 and notes.read_text() == "my notes"


def test_plot_o_replaces_only_charts_it_drew(tmp_path: Path, cli: Cli) -> None:
    run = tmp_path / "run"
    assert cli("run", MINIMAL, "-o", run)[0] == 0
    pics = tmp_path / "pics"
    pics.mkdir()
    (pics / "margin.png").write_bytes(b"my own drawing")
    (pics / "notes.txt").write_text("kept")
    code, _, err = cli("plot", run, "-o", pics)
    assert code == 2 and f"{pics}/ has margin.png not drawn by iss-sim" in err
    assert sorted(p.name for p in pics.iterdir()) == ["margin.png", "notes.txt"]
    assert (pics / "margin.png").read_bytes() == b"my own drawing"
    assert cli("plot", run, "-o", pics, "--force")[0] == 0
    assert cli("plot", run, "-o", pics)[0] == 0  # now the charts are ours: replaced
    names = sorted(p.name for p in pics.iterdir())
    assert names == ["crew.png", "margin.png", "notes.txt", "timeline.png"]
    assert (pics / "notes.txt").read_text() == "kept"


# -- 2. a scenario name is not a path -------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["../escaped", ".", "..", "/abs", "a\\\\b", ".hidden", "tab\\there", "nul\\0x"]
)
def test_a_path_as_scenario_name_is_a_located_error(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    text = Path(MINIMAL).read_text().replace("name: minimal", f'name: "{name}"')
    (tmp_path / "s.yaml").write_text(text)
    line = text.splitlines().index(f'name: "{name}"') + 1
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "keep.txt").write_text("kept")
    for command in (["run"], ["sweep", "--param", "seed", "--values", "1"], ["montecarlo"]):
        code, _, err = cli(command[0], "s.yaml", *command[1:])
        assert code == 2, err
        assert err.startswith(f"s.yaml:{line}:1: name: "), err  # the key
        assert "is an identifier" in err and "not a path" in err
        assert "Traceback" not in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "s.yaml"]
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["keep.txt"]


def test_ordinary_names_still_work(tmp_path: Path, cli: Cli) -> None:
    text = Path(MINIMAL).read_text().replace("name: minimal", 'name: "Site 31 - v2_b.x"')
    (tmp_path / "s.yaml").write_text(text)
    assert cli("validate", tmp_path / "s.yaml")[0] == 0


# -- 3. the swap, instant by instant --------------------------------------------------------
@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["KILL", "TERM"])
@pytest.mark.parametrize("point", ["filled", "ready", "between-renames", "swapped"])
def test_a_kill_inside_the_swap_leaves_old_or_new(tmp_path: Path, point: str, sig: int) -> None:
    out = tmp_path / "r"
    assert main(["run", MINIMAL, "-o", str(out), "--seed", "1"]) == 0
    err = tmp_path / "err.txt"
    args = ["run", MINIMAL, "-o", str(out), "--seed", "2"]
    proc = start(args, tmp_path, err, **{PAUSE_ENV: point})
    wait_for(lambda: f"paused at {point}" in err.read_text())
    kill_and_check(proc, sig, err)
    expected = 2 if point == "swapped" else 1  # the new folder is in place only after
    if sig == signal.SIGTERM:  # cleaned up by the process itself
        assert version_of(out, "run") == expected and temporaries(out) == []
    elif point == "between-renames":  # the one instant NAME is missing: recoverable
        assert not out.exists()
        assert sorted(p.name.split("-")[0] for p in leftovers(out)) == [".r.new", ".r.old"]
    else:
        assert version_of(out, "run") == expected and temporaries(out) != []
    recover(out)  # what the next write does first
    assert version_of(out, "run") == expected and temporaries(out) == []
    proc = start(["run", MINIMAL, "-o", str(out), "--seed", "3"], tmp_path, err)
    assert proc.wait(timeout=60) == 0
    assert version_of(out, "run") == 3 and temporaries(out) == []


def test_the_next_write_finishes_a_cut_swap_it_finds(tmp_path: Path) -> None:
    """Leftovers of a dead process: a cut between the renames gets the old folder back."""
    out = tmp_path / "r"
    assert main(["run", MINIMAL, "-o", str(out), "--seed", "1"]) == 0
    dead = _dead_pid()
    out.rename(tmp_path / f".r.old-{dead}")
    (tmp_path / f".r.new-{dead}").mkdir()
    (tmp_path / f".r.tmp-{dead}").mkdir()
    (tmp_path / f".r.tmp-{dead}" / "half.csv").write_text("a,b\n1")
    recover(out)
    assert version_of(out, "run") == 1 and temporaries(out) == []
    # a live process's temporaries are left alone
    (tmp_path / f".r.tmp-{os.getppid()}").mkdir()
    recover(out)
    assert temporaries(out) == [f".r.tmp-{os.getppid()}"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@needs_proc
def test_ctrl_c_exits_130_in_one_line_and_keeps_the_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert main(["run", MINIMAL, "-o", str(out), "--seed", "1"]) == 0
    err = tmp_path / "err.txt"
    proc = start(
        ["run", MINIMAL, "-o", str(out), "--seed", "2"], tmp_path, err, **{PAUSE_ENV: "ready"}
    )
    wait_for(lambda: "paused at ready" in err.read_text())
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    lines = err.read_text().strip().splitlines()
    assert lines[-1] == "iss-sim run: interrupted; no output folder was left half-written"
    assert "Traceback" not in err.read_text()
    assert version_of(out, "run") == 1 and temporaries(out) == []


def test_ctrl_c_during_start_up_exits_130_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def importing(*_: Any) -> list[Any]:
        raise KeyboardInterrupt  # as if Ctrl-C arrived while the subcommand imports

    monkeypatch.setattr(sim.cli, "commands", importing)
    assert main(["run", MINIMAL]) == 130
    err = capsys.readouterr().err
    assert err == "iss-sim: interrupted; no output folder was left half-written\n"


# -- 4. kills at random moments, every writing command --------------------------------------
def _commands(tmp_path: Path) -> dict[str, tuple[str, list[str], list[str], Any, Any]]:
    """kind -> (checked as, old command, new command, old version, new version)."""
    sweep = ["sweep", MINIMAL, "--param", "seed"]
    mc = ["montecarlo", UNCERTAIN]
    return {
        "run": ("run", ["run", MINIMAL, "--seed", "1"], ["run", MINIMAL, "--seed", "2"], 1, 2),
        "run-plot": (
            "plot",
            ["run", MINIMAL, "--plot", "--seed", "1"],
            ["run", MINIMAL, "--plot", "--seed", "2"],
            1,
            2,
        ),
        "sweep": (
            "sweep",
            [*sweep, "--values", "1,2"],
            [*sweep, "--values", "3,4,5"],
            [1, 2],
            [3, 4, 5],
        ),
        "montecarlo": ("mc", [*mc, "-n", "20"], [*mc, "-n", "60"], 20, 60),
        "montecarlo-workers": (
            "mc",
            [*mc, "-n", "20"],
            [*mc, "-n", "1500", "--workers", "2"],
            20,
            1500,
        ),
    }


def _random_kill(tmp_path: Path, kind: str, sig: int, rng: random.Random) -> None:
    checked, old_cmd, new_cmd, old, new = _commands(tmp_path)[kind]
    out = tmp_path / kind
    assert main([*old_cmd, "-o", str(out)]) == 0
    err = tmp_path / f"{kind}.err"
    proc = start([*new_cmd, "-o", str(out)], tmp_path, err)
    if "--workers" in new_cmd:  # kill while the pool works (when it has started)
        wait_for(lambda: len(descendants(proc.pid)) >= 2 or proc.poll() is not None)
        time.sleep(rng.uniform(0, 0.5))
    else:
        time.sleep(rng.uniform(0.1, 1.6))
    kill_and_check(proc, sig, err)
    recover(out)
    assert version_of(out, checked) in (old, new)
    assert temporaries(out) == []
    # the next command writes over it and leaves no temporaries
    assert main([*old_cmd, "-o", str(out)]) == 0
    assert version_of(out, checked) == old and temporaries(out) == []


KINDS = ["run", "run-plot", "sweep", "montecarlo", "montecarlo-workers"]


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["KILL", "TERM"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_kill_at_a_random_moment_leaves_old_or_new(tmp_path: Path, kind: str, sig: int) -> None:
    _random_kill(tmp_path, kind, sig, random.Random(f"{kind}/{sig}"))


@needs_proc
@pytest.mark.soak
@pytest.mark.skipif(not os.environ.get("ISS_SIM_SOAK"), reason="set ISS_SIM_SOAK=1 (minutes)")
def test_soak_many_kills_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(20260101)
    for i in range(int(os.environ.get("ISS_SIM_SOAK_ROUNDS", "40"))):
        kind = rng.choice(KINDS)
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        folder = tmp_path / str(i)
        folder.mkdir()
        _random_kill(folder, kind, sig, rng)


def test_a_fifo_named_like_a_marker_does_not_block_and_is_not_ours(tmp_path: Path) -> None:
    from conftest import time_limit

    from sim.results.folders import is_result_folder

    folder = tmp_path / "out"
    folder.mkdir()
    os.mkfifo(folder / "summary.json")
    with time_limit(10):
        assert is_result_folder(folder) is False
