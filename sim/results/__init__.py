"""Results: what a run produced, read from the engine's typed record only.

Owns :class:`~sim.results.result.Result` and :func:`~sim.results.result.simulate`, every
metric and probability key with its unit (:mod:`~sim.results.metrics`), writing result
folders atomically (:mod:`~sim.results.folders`), reading them back
(:mod:`~sim.results.rundata`) and run summaries as text (:mod:`~sim.results.report`). It may
import :mod:`sim.engine` (the record) and :mod:`sim.scenario`; never the experiments, the
comparison or the plots, which build on it.
"""

from sim.results.folders import write_atomically
from sim.results.metrics import Metric
from sim.results.result import Result, from_record, simulate
from sim.results.rundata import RunData, RunDataError, load_run

__all__ = [
    "Metric",
    "Result",
    "RunData",
    "RunDataError",
    "from_record",
    "load_run",
    "simulate",
    "write_atomically",
]
