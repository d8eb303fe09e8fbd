"""Reads a knowledge YAML file and checks it against a JSON schema.

A bad entry must stop the process at start-up with a message naming the file and
the entry, never surface mid-conversation as a KeyError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml


class KnowledgeError(ValueError):
    """A knowledge file is missing, unreadable or does not match its schema."""


def _entry_label(document: dict[str, Any], path: list[Any]) -> str:
    if len(path) >= 2 and isinstance(path[1], int):
        entries = document.get(path[0]) or []
        entry = entries[path[1]] if path[1] < len(entries) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        label = f"{path[0]}[{path[1]}]"
        return f"{label} (id {ident!r})" if ident else label
    return "/".join(str(p) for p in path) or "the document"


def load_document(path: Path, schema: dict[str, Any]) -> dict[str, Any]:
    """Parse `path` and validate it; raise KnowledgeError naming file and entry."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(document, dict):
        raise KnowledgeError(f"{path}: expected a mapping at the top level")
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = _entry_label(document, list(first.absolute_path))
        field = first.absolute_path[-1] if len(first.absolute_path) > 2 else None
        detail = f"field {field!r}: {first.message}" if field else first.message
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise KnowledgeError(f"{path}: {where}: {detail}{more}")
    return document


def check_unique_ids(path: Path, key: str, entries: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry["id"] in seen:
            raise KnowledgeError(f"{path}: {key}[{index}] (id {entry['id']!r}): duplicate id")
        seen.add(entry["id"])
