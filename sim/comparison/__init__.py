"""Comparing results: two run or sweep folders metric by metric with tolerances, and the
committed baselines of the shipped scenarios.

Owns the comparison (:mod:`~sim.comparison.compare`), its report as a text table, Markdown
and JUnit XML (:mod:`~sim.comparison.report`), tolerances (:mod:`~sim.comparison.tolerances`) and
the baseline regression that ``iss-sim check`` runs (:mod:`~sim.comparison.baselines`). It
reads result files (``summary.json``, ``sweep.json``) and may import :mod:`sim.results` and
:mod:`sim.scenario`; nothing imports it but the CLI and the public API.
"""

from sim.comparison.compare import CompareReport, Side, compare, compare_metrics, load_side
from sim.comparison.tolerances import CompareError, Tolerance, Tolerances, load_tolerances

__all__ = [
    "CompareError",
    "CompareReport",
    "Side",
    "Tolerance",
    "Tolerances",
    "compare",
    "compare_metrics",
    "load_side",
    "load_tolerances",
]
