"""``iss-sim schema``: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, out
from sim.scenario.schema import scenario_json_schema


def register(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (as committed in schema/)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write it to FILE instead of stdout (e.g. schema/scenario.schema.json)",
    )
    p.set_defaults(handler=handle)


def schema_text() -> str:
    """The schema as ``iss-sim schema`` prints it (and schema/scenario.schema.json holds)."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def handle(args: argparse.Namespace) -> ExitCode:
    text = schema_text()
    if args.output is None:
        out(text.rstrip("\n"))
        return ExitCode.OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc}") from None
    return ExitCode.OK
