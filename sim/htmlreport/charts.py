"""Charts for the page: each drawn by :mod:`sim.plots` and put inline, as SVG whose text
stays text (``svg.fonttype: none``), or as a PNG data URI where the SVG would be too big.
Nothing refers to a file or a network address."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from html import escape

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from sim.htmlreport.page import Safe, join, tag

__all__ = ["MAX_SVG_BYTES", "chart", "png_figure", "svg_text"]

MAX_SVG_BYTES = 3_000_000
"""Past this size a chart is put in as a PNG (a series of many thousand points)."""

_HEAD = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def svg_text(fig: Figure, salt: str) -> str:
    """``fig`` as an ``<svg>`` element (no XML prolog, no metadata) and close it; ``salt``
    makes its element ids its own, so that several charts on one page never share one."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = _METADATA.sub("", _HEAD.sub("", buf.getvalue(), count=1), count=1)
    if not text.startswith("<svg"):
        raise ValueError("matplotlib wrote no <svg> element")
    seen: dict[str, int] = {}
    return _TAG.sub(lambda m: _own_ids(m.group(0), salt, seen), text)


_TAG = re.compile(r"<[^<>]+>")  # a tag: text and attribute values have < and > escaped
_ID = re.compile(r'(\sid=")([^"]*")')
_REF = re.compile(r'((?:xlink:)?href="#|url\(#)')


def _own_ids(tag_text: str, salt: str, seen: dict[str, int]) -> str:
    """The ids a tag defines and the ids it refers to, prefixed with ``salt``: every
    figure numbers its groups from 1 (``axes_1``), and ids must be unique on a page. An
    id given twice in one chart (a chart's ``gid`` on each of its panels) gets ``-2``,
    ``-3``...: the elements that are referred to (clip paths, markers) have unique ids."""

    def own(m: re.Match[str]) -> str:
        name = m.group(2)[:-1]
        seen[name] = count = seen.get(name, 0) + 1
        return f'{m.group(1)}{salt}-{name}{"" if count == 1 else f"-{count}"}"'

    tag_text = _ID.sub(own, tag_text)
    return _REF.sub(lambda m: f"{m.group(1)}{salt}-", tag_text)


def _png_uri(fig: Figure, dpi: int = 110) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def chart(draw: Callable[[], Figure], salt: str, caption: str, alt: str) -> Safe:
    """A ``<figure>`` with the chart ``draw()`` makes, inline SVG (PNG if too big), and its
    caption (text)."""
    fig = draw()
    svg = svg_text(fig, salt)
    if len(svg.encode()) <= MAX_SVG_BYTES:
        body = Safe(
            svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt, quote=True)}" ', 1)
        )
    else:
        body = tag("img", src=_png_uri(draw()), alt=alt)
    return tag("figure", body, tag("figcaption", caption), id=salt)


def png_figure(png: bytes, salt: str, caption: str, alt: str) -> Safe:
    """A ``<figure>`` with a PNG file's bytes as a data URI (a chart that was saved as a
    PNG and cannot be drawn again, e.g. a Monte Carlo fan read back from its folder)."""
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return tag("figure", join([tag("img", src=uri, alt=alt), tag("figcaption", caption)]), id=salt)
