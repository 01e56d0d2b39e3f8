"""One-file HTML reports of result folders (``iss-sim report``, ``run --html``,
``montecarlo --html``): summary tables, every chart inline as SVG, the scenario's sources
and assumptions, and a comparison of several runs, with no script and nothing to fetch.

Owns the page (:mod:`~sim.htmlreport.page`: every text escaped, only markup built there
inserted as it is), its sections (:mod:`~sim.htmlreport.build`), reading folders
(:mod:`~sim.htmlreport.folders`), provenance (:mod:`~sim.htmlreport.provenance`), inline
charts (:mod:`~sim.htmlreport.charts`) and writing the file
(:mod:`~sim.htmlreport.output`). It may import every package below the commands
(results, experiments, comparison, plots); nothing imports it but the CLI, and matplotlib
is imported only where a chart is drawn.
"""

from sim.htmlreport.build import folder_report, page, report_into
from sim.htmlreport.folders import ReportError, load_part
from sim.htmlreport.output import REPORT_NAME, check_report_target, is_report, write_report

__all__ = [
    "REPORT_NAME",
    "ReportError",
    "check_report_target",
    "folder_report",
    "is_report",
    "load_part",
    "page",
    "report_into",
    "write_report",
]
