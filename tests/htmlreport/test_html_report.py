"""`iss-sim report` and `run/montecarlo --html`: one self-contained HTML file with the
tables, the charts inline, the scenario's sources and a comparison of several runs; every
string from a scenario or a result file escaped; written atomically and never over a file
iss-sim did not write (unless --force)."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DATA, MINIMAL_TEXT, Cli, edits

from sim.htmlreport import is_report
from sim.htmlreport.page import Safe, tag

MINIMAL = DATA / "minimal.yaml"

HOSTILE = edits(
    (
        "description: One pad, two ports, one consumable; for unit tests.",
        "description: \"<script>alert('d')</script> & <b>bold</b>\"",
    ),
    (
        "assumption: every number here is invented for testing",
        "assumption: '\"></td><script>alert(2)</script><img src=x onerror=alert(3)>'",
    ),
    ("  - id: Progress 1\n", '  - id: "<img src=x onerror=alert(4)>"\n'),
    (
        "    site: Baikonur\n",
        "    site: Baikonur\n    source: \"<iframe src='https://example.com'>\"\n",
    ),
)
"""The minimal scenario with markup in its description, an assumption, a source and a
flight id (which shows up in tables, the timeline chart and metric keys)."""


class _Tags(HTMLParser):
    """Every element and attribute of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def parsed(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    tags.close()
    return tags


def dangers(html: str) -> list[str]:
    """What could run or fetch something in ``html``: script-like elements, event handler
    attributes, references to anything but the page itself or a data URI, CSS imports."""
    page = parsed(html)
    bad = [t for t in page.tags if t in ("script", "iframe", "object", "embed", "link", "base")]
    bad += [k for k, _ in page.attrs if k.startswith("on")]
    refs = [v for k, v in page.attrs if k in ("src", "href", "xlink:href", "action", "poster")]
    bad += [v for v in refs if not v.startswith(("#", "data:"))]
    css = " ".join(page.styles) + " ".join(v for k, v in page.attrs if k == "style")
    bad += [u for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css) if not u.startswith("#")]
    bad += re.findall(r"@import[^;]*", css)
    return bad


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run folders of the minimal scenario, of a variant with more food, and of the hostile
    scenario (each made once for the module), with their scenario files kept beside them."""
    from sim.cli import main

    base = tmp_path_factory.mktemp("html")
    out: dict[str, Path] = {}
    for name, text in (
        ("minimal", MINIMAL_TEXT),
        (
            "fed",
            edits(("name: minimal", "name: fed"), ("initial: {kg: 300}", "initial: {kg: 1200}")),
        ),
        ("hostile", edits(("name: minimal", "name: hostile"), text=HOSTILE)),
    ):
        scenario = base / f"{name}.yaml"
        scenario.write_text(text, encoding="utf-8")
        folder = base / f"{name}-run"
        assert main(["run", str(scenario), "-o", str(folder), "-q"]) == 0
        out[name] = folder
    return out


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports without their run charts (for the tests of files, not of pages): fast."""
    import sim.htmlreport.build as build

    monkeypatch.setattr(build, "_run_charts", lambda r, salts, anchor: [])


def report(cli: Cli, *args: str | Path) -> tuple[int, str, str]:
    return cli("report", *args)


# -- what a run's report holds ---------------------------------------------------------------
def test_run_report_has_the_tables_charts_and_provenance(
    runs: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    target = tmp_path / "r.html"
    code, out, err = report(cli, runs["minimal"], "-o", target)
    assert code == 0, err
    assert f"wrote {target}" in out
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and is_report(target)
    assert not dangers(html)
    # the summary as tables: consumables with min days, first below reserve, depletion
    assert "Consumables" in html and "min days of supply" in html and "first below reserve" in html
    assert "2026-05-11" in html  # food runs out
    assert "FOOD RAN OUT on 2026-05-11 with 3 crew aboard" in html  # the consequence line
    assert "Forced returns (docked-life limit, no relief): Soyuz A." in html
    assert '<tr class="bad">' in html  # the depleted row is marked
    assert "crew.min_on_board" in html and "What binds first" in html
    # margin, crew and timeline charts, inline SVG with their text as text
    assert html.count("<svg") == 3 and "<text" in html and "days of supply" in html
    assert "<?xml" not in html  # prologs stripped: the SVG is part of the page
    # provenance: the file is unchanged, and its one note is listed with its place
    assert "is unchanged since the run" in html
    assert "every number here is invented for testing" in html
    assert "minimal.yaml:7" in html


def test_every_string_from_a_scenario_or_result_is_escaped(
    runs: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    target = tmp_path / "hostile.html"
    assert report(cli, runs["hostile"], "-o", target)[0] == 0
    html = target.read_text(encoding="utf-8")
    assert not dangers(html)
    assert "<script" not in html.lower() and "<iframe" not in html.lower()
    assert "<b>" not in html and "b" not in parsed(html).tags
    # the text is all there, as text
    assert "&lt;script&gt;alert(&#x27;d&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(4)&gt;" in html  # in the flights table
    assert "&lt;iframe src=&#x27;https://example.com&#x27;&gt;" in html  # a source note
    svg = html[html.index("<svg") :]
    assert "&lt;img src=x onerror=alert(4)&gt;" in svg  # the timeline's label, escaped too


def test_page_parts_escape_text_and_refuse_bad_names() -> None:
    assert tag("td", "<b>&") == "<td>&lt;b&gt;&amp;</td>"
    assert tag("a", "x", href='"><script>') == '<a href="&quot;&gt;&lt;script&gt;">x</a>'
    assert tag("p", Safe("<b>ok</b>")) == "<p><b>ok</b></p>"  # markup built here only
    with pytest.raises(ValueError):
        tag("script x", "y")
    with pytest.raises(ValueError):
        tag("p", "y", **{"onclick=x": "1"})


# -- provenance: unchanged, changed, missing, overridden -----------------------------------
def _copy_run(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_provenance_says_when_the_scenario_file_changed_or_is_missing(
    tmp_path: Path, cli: Cli, no_charts: None
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(MINIMAL_TEXT, encoding="utf-8")
    folder = tmp_path / "run"
    assert cli("run", scenario, "-o", folder, "-q")[0] == 0

    scenario.write_text(MINIMAL_TEXT + "# edited\n", encoding="utf-8")
    assert report(cli, folder, "-o", tmp_path / "changed.html")[0] == 0
    html = (tmp_path / "changed.html").read_text()
    assert "has CHANGED since the run" in html and "so none are listed" in html
    assert "every number here is invented" not in html  # no notes from a changed file
    assert "What binds first" not in html  # nor the sentences that need the scenario
    assert "2026-05-11" in html  # the tables come from the folder alone

    scenario.unlink()
    assert report(cli, folder, "-o", tmp_path / "missing.html")[0] == 0
    html = (tmp_path / "missing.html").read_text()
    assert "is not here" in html and "cannot be listed" in html

    scenario.write_text(MINIMAL_TEXT, encoding="utf-8")
    over = tmp_path / "over"
    assert cli("run", scenario, "-o", over, "-q", "--set", "seed=5")[0] == 0
    assert report(cli, over, "-o", tmp_path / "over.html")[0] == 0
    html = (tmp_path / "over.html").read_text()
    assert "resolves to a different scenario" in html and "--set overrides" in html
    assert "every number here is invented" in html  # listed, with that warning


# -- several folders: the comparison ---------------------------------------------------------
def test_several_runs_get_a_comparison_sorted_by_severity(
    runs: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    target = tmp_path / "cmp.html"
    code, _, err = report(cli, runs["minimal"], runs["fed"], "-o", target)
    assert code == 0, err
    html = target.read_text(encoding="utf-8")
    assert "Comparison of the runs" in html and "fed minus minimal" in html
    start = html.index('<h2 id="comparison">')
    section = html[start : html.index("<section><h2 id=", start)]
    diff = section[section.index("fed minus minimal") :]
    keys = re.findall(r"<tr[^>]*><td><code>([^<]+)</code></td>", diff)
    # depletion first, then the breach, the margin, the masses (no crew-safety change)
    assert keys[:2] == ["food.depleted_date", "food.shortfall_kg"]
    assert keys.index("food.first_below_reserve_date") < keys.index("food.min_days_of_supply")
    assert keys.index("food.min_days_of_supply") < keys.index("food.consumed_kg")
    assert "no longer happens" in diff  # fed runs out no more
    assert html.count("<svg") == 1 + 3 + 3  # the overlay, then each run's three charts
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # charts of several runs never share an element id


# -- Monte Carlo -------------------------------------------------------------------------------
def test_montecarlo_html_and_report_of_its_folder(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "mc"
    code, out, err = cli("montecarlo", MINIMAL, "-n", "4", "-o", folder, "--html")
    assert code == 0, err
    assert "report.html" in out
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Monte Carlo: minimal" in html and "P(below reserve)" in html
    assert "<svg" in html and "data:image/png" not in html  # the fan drawn as SVG
    assert "is unchanged since the ensemble" in html
    assert not dangers(html)
    # from the folder alone the fan is its fan.png, inlined
    assert report(cli, folder, "-o", tmp_path / "again.html")[0] == 0
    again = (tmp_path / "again.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in again and "<svg" not in again


def test_paired_montecarlo_html(tmp_path: Path, cli: Cli, write_scenario) -> None:
    fed = write_scenario(MINIMAL_TEXT.replace("initial: {kg: 300}", "initial: {kg: 400}"), "b.yaml")
    folder = tmp_path / "paired"
    code, _, err = cli("montecarlo", MINIMAL, fed, "-n", "3", "-o", folder, "--html")
    assert code == 0, err
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Paired Monte Carlo" in html and "B − A" in html
    assert html.count(">Monte Carlo: minimal<") == 2 and html.count("<svg") == 2


def test_run_html_is_the_report_of_its_folder(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "run"
    code, out, _ = cli("run", MINIMAL, "-o", folder, "--html", "--plot")
    assert code == 0 and "report: report.html" in out
    assert (folder / "margin.png").is_file() and (folder / "report.html").is_file()
    assert report(cli, folder, "-o", tmp_path / "same.html")[0] == 0
    assert (folder / "report.html").read_bytes() == (tmp_path / "same.html").read_bytes()


# -- what may be replaced, and errors ---------------------------------------------------------
def test_a_file_not_written_by_iss_sim_is_kept_unless_force(
    runs: dict[str, Path], tmp_path: Path, cli: Cli, no_charts: None
) -> None:
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my notes</p>", encoding="utf-8")
    code, _, err = report(cli, runs["minimal"], "-o", notes)
    assert code == 2 and "not written by iss-sim" in err and "--force" in err
    assert notes.read_text() == "<p>my notes</p>"
    assert report(cli, runs["minimal"], "-o", notes, "--force")[0] == 0
    assert is_report(notes)
    assert report(cli, runs["minimal"], "-o", notes)[0] == 0  # ours now: replaced freely
    assert [p.name for p in tmp_path.iterdir()] == ["notes.html"]  # no temporary left


def test_folders_links_stale_temporaries_and_the_mode(
    runs: dict[str, Path], tmp_path: Path, cli: Cli, no_charts: None
) -> None:
    code, _, err = report(cli, runs["minimal"], "-o", tmp_path, "--force")
    assert code == 2 and "is a folder" in err
    real = tmp_path / "real.html"
    real.write_text("x")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    code, _, err = report(cli, runs["minimal"], "-o", link, "--force")
    assert code == 2 and "symbolic link" in err and real.read_text() == "x"
    dead = tmp_path / f".out.html.tmp-{2**22 + 12345}-abcd"  # a pid that cannot exist
    dead.write_text("half")
    old = os.umask(0o022)
    try:
        assert report(cli, runs["minimal"], "-o", tmp_path / "out.html")[0] == 0
    finally:
        os.umask(old)
    assert not dead.exists()
    assert (tmp_path / "out.html").stat().st_mode & 0o777 == 0o644  # as any file written


def test_default_output_is_the_folder_or_results_compare(
    runs: dict[str, Path],
    tmp_path: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    no_charts: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert report(cli, runs["minimal"], runs["fed"])[0] == 0
    assert is_report(tmp_path / "results" / "compare" / "report.html")
    one = _copy_run(runs["fed"], tmp_path / "fed")
    assert report(cli, one)[0] == 0 and is_report(one / "report.html")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "no such result folder"),
        (lambda d: d.write_text("x"), "not a folder"),
        (lambda d: d.mkdir(), "not a result folder (no summary.json, montecarlo.json"),
        (lambda d: (d.mkdir(), (d / "sweep.json").write_text("{}")), "a sweep folder"),
        (lambda d: (d.mkdir(), (d / "rank.json").write_text("{}")), "a rank folder (rank.json)"),
        (lambda d: (d.mkdir(), (d / "summary.json").write_text("{\n  oops")), "summary.json:2:3"),
        (lambda d: (d.mkdir(), (d / "montecarlo.json").write_text('{"scenario": 1}')),
         "montecarlo.json: 'scenario' must be a string"),
    ],
)  # fmt: skip
def test_unusable_folders_are_located_errors(tmp_path: Path, cli: Cli, setup, message) -> None:
    folder = tmp_path / "bad"
    setup(folder)
    code, out, err = report(cli, folder, "-o", tmp_path / "r.html")
    assert code == 2 and out == ""
    assert err.startswith("iss-sim report: ") and message in err and str(folder) in err
    assert "Traceback" not in err and not (tmp_path / "r.html").exists()


def test_summary_json_names_what_the_report_reads(runs: dict[str, Path]) -> None:
    summary = json.loads((runs["minimal"] / "summary.json").read_text())
    assert Path(summary["scenario_file"]).name == "minimal.yaml"
    assert len(summary["scenario_file_sha256"]) == 64 and len(summary["scenario_sha256"]) == 64


def test_odd_values_in_a_montecarlo_json_are_shown_not_trusted(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "mc"
    folder.mkdir()
    meta = {
        "scenario": "<b>odd</b>",
        "replications": 3,
        "epoch": "2026-01-01",
        "horizon": "<i>later</i>",
        "reserve_days": {"food": 45, "<script>": 1},
        "quantiles": [5, "x", 95],
        "probabilities": {"food.p_below_reserve": "high", "crew.p_forced_return": 0.5},
        "probability_ci95": {"food.p_below_reserve": "ab", "crew.p_forced_return": [0.1]},
        "metrics": {"crew.min_on_board": {"kind": "number", "mean": "<b>", "p5": [1]}},
        "until_ci": {"metric": "<script>x</script>"},
        "scenario_file": "/nowhere/<script>.yaml",
    }
    (folder / "montecarlo.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "fan.png").write_text("not a png")
    code, _, err = report(cli, folder, "-o", tmp_path / "r.html")
    assert code == 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert not dangers(html) and "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;odd&lt;/b&gt;" in html and "is not here" in html
    assert "no fan.png to show" in html  # a file that is not a PNG is left out
