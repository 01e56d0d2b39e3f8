"""``iss-sim schema``: the JSON Schema of the scenario format, for editors."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sim.commands import ExitCode, out
from sim.scenario.model import Scenario


def register(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ISS logistics scenario"
    out(json.dumps(schema, indent=2))
    return ExitCode.OK
