"""The engine: one run of a scenario in simpy, from its plan to its typed record.

Owns the simpy processes (:mod:`~sim.engine.core`), the consumable stores with their exact
crossings (:mod:`~sim.engine.stores`), the pad calendars (:mod:`~sim.engine.pads`), the
vehicles of a run (:mod:`~sim.engine.crafts`), the per-scenario plan
(:mod:`~sim.engine.plan`), the keyed random streams (:mod:`~sim.engine.rng`), the time
tolerance (:mod:`~sim.engine.clock`) and the :class:`~sim.engine.record.RunRecord` it
returns. It may import only :mod:`sim.scenario` (the model it runs); everything after the
run reads the record, never the engine's state.
"""

from sim.engine.clock import EPS_DAYS, gc_paused
from sim.engine.core import Engine, run
from sim.engine.record import Event, EventLog, OutageRecord, RunRecord, StoreStats
from sim.engine.rng import Streams, derive_seed

__all__ = [
    "EPS_DAYS",
    "Engine",
    "Event",
    "EventLog",
    "OutageRecord",
    "RunRecord",
    "StoreStats",
    "Streams",
    "derive_seed",
    "gc_paused",
    "run",
]
