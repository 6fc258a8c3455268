"""The AsyncAPI document, read for tests: payload validators and the console's send operations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
DOC_PATH = ROOT / "resources" / "asyncapi.yaml"
# The seed's six example messages, copied so that a clone of the project stands alone.
SEED = ROOT / "tests" / "resources" / "seed_examples"
URI = "urn:volunteer-console:asyncapi"


def load_doc() -> dict[str, Any]:
    return yaml.safe_load(DOC_PATH.read_text(encoding="utf-8"))


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def validator(doc: dict[str, Any], schema_ref: str) -> jsonschema.Draft202012Validator:
    registry: Registry = Registry().with_resource(
        URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator({"$ref": URI + schema_ref}, registry=registry)


def sent_by_console(doc: dict[str, Any]) -> dict[str, tuple[str, str, re.Pattern[str]]]:
    """action -> (payload $ref, exchange, routing key pattern), read from the send operations."""
    out = {}
    for op in doc["operations"].values():
        if op["action"] != "send":
            continue
        channel = resolve(doc, op["channel"]["$ref"])
        binding = channel["bindings"]
        if "$ref" in binding:
            binding = resolve(doc, binding["$ref"])
        exchange = binding["amqp"]["exchange"]["name"]
        key = re.compile(
            "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^.*#]+", re.escape(channel["address"])) + "$"
        )
        for msg_ref in op["messages"]:
            message = resolve(doc, resolve(doc, msg_ref["$ref"])["$ref"])
            out[message["name"]] = (message["payload"]["$ref"], exchange, key)
    return out
