"""Field-level differences between two versions of a dossier's content."""

from __future__ import annotations

from typing import Any


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by path: `company.siret`, `funding.sources[2].amount_eur`."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict | list) for i in value):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix: value}


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Changed, added and removed fields, in path order."""
    old, new = flatten(before or {}), flatten(after)
    changes = []
    for path in sorted(old.keys() | new.keys()):
        if path not in old:
            changes.append({"path": path, "change": "added", "before": None, "after": new[path]})
        elif path not in new:
            changes.append({"path": path, "change": "removed", "before": old[path],
                            "after": None})
        elif old[path] != new[path]:
            changes.append({"path": path, "change": "changed", "before": old[path],
                            "after": new[path]})
    return changes
