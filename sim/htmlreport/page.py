"""HTML built from parts that are escaped once, here: a plain ``str`` is always text (it
is escaped where it is put into the page), and only :class:`Safe` (made by the functions
of this module) is inserted as it is. So a string from a scenario or a result file cannot
become markup, whatever path it takes into the page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from sim._version import __version__

__all__ = [
    "GENERATOR",
    "Cell",
    "Safe",
    "document",
    "join",
    "render",
    "slug",
    "table",
    "tag",
]

GENERATOR = f'<meta name="generator" content="iss-sim {html.escape(__version__)}">'
"""The tag that marks a file as a report written by iss-sim (near its start): only such a
file is replaced without ``--force``."""


class Safe(str):
    """HTML markup built by this module: inserted into the page as it is."""

    __slots__ = ()


Cell = str | Safe | None
"""Text (escaped), markup (:class:`Safe`), or None (nothing)."""


def render(part: Cell) -> Safe:
    """``part`` as markup: text escaped (quotes too), markup as it is, None as nothing."""
    if part is None:
        return Safe("")
    if isinstance(part, Safe):
        return part
    return Safe(html.escape(str(part), quote=True))


def join(parts: Iterable[Cell], sep: str = "\n") -> Safe:
    """Several parts, one after the other (``sep`` is markup written by the caller)."""
    return Safe(sep.join(render(p) for p in parts))


_NAME = re.compile(r"[a-z][a-z0-9-]*")


def tag(name: str, *children: Cell, **attrs: str | None) -> Safe:
    """``<name attr="value">children</name>``: every value and child text escaped; an
    attribute given as None is left out, ``cls`` is written ``class``."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a tag name: {name!r}")
    parts = [name]
    for key, value in attrs.items():
        if value is None:
            continue
        attr = "class" if key == "cls" else key.replace("_", "-")
        if not _NAME.fullmatch(attr):
            raise ValueError(f"not an attribute name: {attr!r}")
        parts.append(f'{attr}="{html.escape(value, quote=True)}"')
    head = " ".join(parts)
    if name in ("meta", "br", "img", "col"):
        return Safe(f"<{head}>")
    return Safe(f"<{head}>{join(children, '')}</{name}>")


def slug(*texts: str) -> str:
    """An id for an anchor: lower-case letters, digits and dashes only."""
    raw = "-".join(texts).lower()
    return re.sub(r"[^a-z0-9]+", "-", raw).strip("-") or "section"


def table(
    heads: Sequence[Cell],
    rows: Iterable[Sequence[Cell]],
    *,
    numeric: Sequence[int] = (),
    nowrap: Sequence[int] = (),
    row_classes: Sequence[str | None] | None = None,
    cls: str | None = None,
    cols: Sequence[str] = (),
) -> Safe:
    """A table: a header row, then ``rows``; the columns at ``numeric`` align right; row
    ``i`` gets the class ``row_classes[i]`` (e.g. ``bad``, ``warn``); the cells of the
    columns at ``nowrap`` do not wrap (dates); ``cols``: a class for each column (widths)."""
    kinds = {i: "num" for i in numeric} | {i: "nw" for i in nowrap if i not in numeric}
    head = tag("tr", *(tag("th", h, cls=kinds.get(i)) for i, h in enumerate(heads)))
    body = []
    for r, cells in enumerate(rows):
        kind = row_classes[r] if row_classes is not None and r < len(row_classes) else None
        tds = [tag("td", c, cls=kinds.get(i)) for i, c in enumerate(cells)]
        body.append(tag("tr", *tds, cls=kind))
    group = tag("colgroup", *(tag("col", cls=c) for c in cols)) if cols else None
    whole = tag("table", group, tag("thead", head), tag("tbody", *body), cls=cls)
    return tag("div", whole, cls="scroll")


_CSS = """
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bad: #b3261e;
        --bad-bg: #fdecea; --warn: #8a5a00; --warn-bg: #fff4d6; --ok: #1a7f37;
        --ok-bg: #e9f7ee; --head: #f3f5f7; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #ffffff;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; }
header.top { margin-bottom: 10px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 36px 0 8px; padding-top: 12px; border-top: 3px solid #0b3d91; }
h3 { font-size: 17px; margin: 22px 0 6px; }
p, li { max-width: 75em; }
.muted, .meta dt { color: var(--muted); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
.meta dt, .meta dd { margin: 0; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nw { white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
th small { font-weight: normal; color: var(--muted); }
tr.bad td { background: var(--bad-bg); }
tr.warn td { background: var(--warn-bg); }
tr.sub td:first-child { padding-left: 26px; }
.box { border-left: 5px solid; padding: 8px 14px; margin: 10px 0; border-radius: 3px; }
.box.bad { border-color: var(--bad); background: var(--bad-bg); }
.box.warn { border-color: #d4a017; background: var(--warn-bg); }
.box.ok { border-color: var(--ok); background: var(--ok-bg); }
.box p { margin: 3px 0; }
.box.bad p { color: #7a1410; font-weight: 600; }
figure { margin: 14px 0 22px; }
figure svg, figure img { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 2px; }
nav.toc ul { margin: 4px 0; padding-left: 20px; columns: 2; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #0b3d91; }
table.notes { table-layout: fixed; width: 100%; }
table.notes td { overflow-wrap: anywhere; }
table.notes ul { margin: 0; padding-left: 18px; }
table.notes col.path { width: 22%; } table.notes col.where { width: 14%; }
table.notes col.source { width: 32%; } table.notes col.assumption { width: 32%; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 8px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media print { details { display: block; } h2 { break-before: page; } }
"""


def document(title: str, body: Sequence[Cell]) -> str:
    """A whole page: no script, no external resource; ``title`` is text."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            GENERATOR,
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # nothing may be fetched: a report opens the same offline as online
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">",
            tag("title", title),
            f"<style>{_CSS}</style>",
            "</head>",
            "<body><main>",
            join(body),
            "</main></body>",
            "</html>",
            "",
        ]
    )
