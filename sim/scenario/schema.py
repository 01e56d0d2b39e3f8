"""The JSON Schema of scenario files, as an editor sees them (before ``extends`` is merged).

The pydantic model describes a *merged* scenario, so it requires ``epoch``, ``station``
and so on. A file with ``extends`` writes only what differs from its base, so this schema
is two schemas chosen by ``if``/``then``/``else`` on the ``extends`` key:

- without ``extends`` (``$defs/Scenario``): the model's schema, every required key required;
- with ``extends`` (``$defs/PartialScenario``): the same keys, types and ranges, derived
  from it by following how :func:`sim.scenario.yamlsource.merge` merges:

  * a mapping merges key by key, so no key of it is required (``Partial<Name>``);
  * a list whose items have an ``id`` merges item by item: each item needs its ``id`` and
    may be ``{id: X, remove: true}`` (``$defs/Removal``), which deletes the inherited item
    (an item with an optional id, an outage, is complete when it has none);
  * any other list (e.g. outages without ids) replaces the base's, so its items must be
    complete: they keep the full schema.

Unknown keys stay errors everywhere (``additionalProperties: false``), in both halves.
Cross references and the rules the model checks in code (``stay_days`` or ``undock``, the
two forms of ``initial``) are not in the schema; ``iss-sim validate`` checks them.
"""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.model import Scenario

__all__ = ["SCHEMA_ID", "scenario_json_schema"]

SCHEMA_ID = "urn:iss-logistics-sim:schema:scenario"
"""The schema's ``$id``: a URN, stable and not tied to where the project is hosted."""

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_REF = "#/$defs/"
_PARTIAL = "Partial"

JSON = dict[str, Any]


def scenario_json_schema() -> JSON:
    """The schema of a scenario file: the full model, or a partial one with ``extends``."""
    model = Scenario.model_json_schema()
    defs: dict[str, JSON] = model.pop("$defs")
    if "Scenario" in defs or "Removal" in defs or any(n.startswith(_PARTIAL) for n in defs):
        raise ValueError(f"model $defs clash with the names this schema adds: {sorted(defs)}")
    defs["Scenario"] = model
    walker = _Partial(defs)
    variant = walker.object(model)
    variant["properties"]["extends"] = {
        "type": "string",
        "minLength": 1,
        "description": "base scenario file, relative to this one; this file is merged over it",
    }
    variant["required"] = ["extends"]
    variant["description"] = (
        "A scenario that extends another: every key is optional and is merged over the "
        "base (mappings key by key, lists of items with an id item by item)."
    )
    defs[_PARTIAL + "Scenario"] = variant
    if walker.id_schema is None:
        raise ValueError("no list of the model merges by id")
    defs["Removal"] = {
        "type": "object",
        "description": "deletes the inherited item with this id",
        "properties": {"id": walker.id_schema, "remove": {"const": True}},
        "required": ["id", "remove"],
        "additionalProperties": False,
    }
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "ISS logistics scenario",
        "description": (
            "A scenario file of iss-logistics-sim. With `extends`, only what differs from "
            "the base file (see README.md, Merging); without it, a whole scenario."
        ),
        "type": "object",
        "if": {"required": ["extends"]},
        "then": {"$ref": _REF + _PARTIAL + "Scenario"},
        "else": {"$ref": _REF + "Scenario"},
        "$defs": dict(sorted({**defs, **walker.made}.items())),
    }


class _Partial:
    """Derives ``Partial<Name>`` definitions: the schema of a value merged over a base's."""

    def __init__(self, defs: dict[str, JSON]) -> None:
        self.defs = defs
        self.made: dict[str, JSON] = {}
        self._forms: dict[str, tuple[bool, str]] = {}  # name -> (by id, $ref of its partial)
        self.id_schema: JSON | None = None

    def node(self, node: Any) -> Any:
        """The partial form of a schema node in a position that merges with the base."""
        if not isinstance(node, dict):
            return node
        out = dict(node)
        if "$ref" in node:
            out["$ref"] = self.ref(node["$ref"], by_id=False)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node:
                out[key] = [self.node(n) for n in node[key]]
        if "properties" in node or isinstance(node.get("additionalProperties"), dict):
            out = self.object(out)
        if "items" in node:
            out["items"] = self.items(node["items"])
        return out

    def object(self, node: JSON) -> JSON:
        """A mapping merges key by key: every key optional, each value partial."""
        out = copy.deepcopy(node)
        out.pop("required", None)
        if "properties" in out:
            out["properties"] = {k: self.node(v) for k, v in out["properties"].items()}
        if isinstance(out.get("additionalProperties"), dict):  # dict[str, X]: by key too
            out["additionalProperties"] = self.node(out["additionalProperties"])
        return out

    def ref(self, ref: str, by_id: bool) -> str:
        """The ``$ref`` of the partial form of a definition (itself when no different)."""
        name = ref.removeprefix(_REF)
        if name in self._forms:
            if self._forms[name][0] != by_id:
                raise ValueError(f"{name} is both a list item with an id and a mapping value")
            return self._forms[name][1]
        self._forms[name] = (by_id, ref)  # a cycle would refer to the full form meanwhile
        full = self.defs[name]
        partial = self.by_id(full) if by_id else self.object(full)
        if partial != full:
            how = (
                "an item merged over the inherited one with its id; every key but id optional"
                if by_id
                else "merged over the base key by key; every key optional"
            )
            partial["description"] = f"{full.get('description', name)} With extends: {how}."
            self.made[_PARTIAL + name] = partial
            self._forms[name] = (by_id, _REF + _PARTIAL + name)
        return self._forms[name][1]

    def by_id(self, node: JSON) -> JSON:
        """An item of a list merged by id: partial, but its id (a string) is required."""
        out = self.object(node)
        out["properties"]["id"] = self._id(node["properties"]["id"])
        out["required"] = ["id"]
        return out

    def items(self, items: Any) -> Any:
        """Items of a list: by id when they have one, else the list replaces the base's."""
        target = self.defs[items["$ref"].removeprefix(_REF)] if "$ref" in items else items
        if "id" not in target.get("properties", {}):
            return items  # replaced wholesale: the items must be complete
        if "$ref" in items:
            merged: JSON = {**items, "$ref": self.ref(items["$ref"], by_id=True)}
        else:
            merged = self.by_id(items)
        if "id" not in target.get("required", []):  # a list of items without ids replaces
            merged = {"if": {"required": ["id"]}, "then": merged, "else": items}
        # if/then/else rather than anyOf: an editor reports the one branch that applies
        return {"if": {"required": ["remove"]}, "then": {"$ref": _REF + "Removal"}, "else": merged}

    def _id(self, schema: JSON) -> JSON:
        """The id's schema without ``null`` (an optional id is a string when given)."""
        kinds = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
        if len(kinds) != 1:
            raise ValueError(f"an id must be one kind of value: {schema}")
        found = {k: v for k, v in kinds[0].items() if k != "title"}
        if self.id_schema is not None and self.id_schema != found:
            raise ValueError(f"ids differ: {self.id_schema} and {found}")
        self.id_schema = found
        return found
