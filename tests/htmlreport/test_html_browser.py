"""The report in a real headless browser (Debian's chromium): it loads with no console
message at all (no error, no blocked script or fetch: the page has no script and its
Content-Security-Policy fetches nothing), the scenario's markup stays text in the DOM, and
the screenshot shows a page, not a blank. Skipped where no browser is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from conftest import Cli

BROWSER = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless browser: install Debian's chromium (apt-get install chromium) to "
    "run the HTML report in a real browser",
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


def browse(page: Path, tmp: Path, shot: Path) -> tuple[str, str]:
    """Open ``page`` in the browser: its DOM after loading, and what the browser logged
    (the screenshot goes to ``shot``)."""
    assert BROWSER is not None
    profile = tmp / f"profile-{shot.stem}"
    argv = [BROWSER, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}"]
    argv += ["--window-size=1280,2000", "--dump-dom", page.resolve().as_uri()]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def console(log: str) -> list[str]:
    """The console messages and uncaught errors in a browser's log."""
    return [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_the_report_loads_cleanly_and_shows_a_page(tmp_path: Path, cli: Cli) -> None:
    from test_html_report import HOSTILE

    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    folder = tmp_path / "run"
    assert cli("run", scenario, "-o", folder, "--html", "-q")[0] == 0
    page = folder / "report.html"
    shot = tmp_path / "report.png"
    dom, log = browse(page, tmp_path, shot)

    assert console(log) == [], "\n".join(console(log))
    # the browser built the page: its tables and charts, and the markup as text only
    assert "<table" in dom and dom.count("<svg") == 3 and "Consumables" in dom
    assert "<script" not in dom.lower() and "<iframe" not in dom.lower()
    assert "&lt;script&gt;alert('d')&lt;/script&gt;" in dom  # the description, as text

    pixels = np.asarray(mpimg.imread(shot))[..., :3]
    assert pixels.shape[:2] == (2000, 1280)
    rgb = (pixels * 255).astype(np.uint32)
    colours = np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])
    assert len(colours) > 50  # text, tables, lines: not one flat colour
    inked = np.mean(pixels.min(axis=2) < 0.9)
    assert inked > 0.03, f"only {inked:.1%} of the screenshot is not white"

    # and the check sees what it must: a fetch attempt in the same page is a console line
    bad = tmp_path / "fetches.html"
    bad.write_text(
        page.read_text(encoding="utf-8").replace(
            "</main>", '<img src="http://127.0.0.1:9/x.png" alt="x"></main>'
        ),
        encoding="utf-8",
    )
    _, log = browse(bad, tmp_path, tmp_path / "fetches.png")
    assert any("127.0.0.1:9" in line for line in console(log)), log[-2000:]
