"""Reading scenario files: ``extends`` chains, ``--set`` overrides, one-line errors.

``extends: other.yaml`` deep-merges the file over its parent (mappings merge
key by key, lists and scalars replace); ``--set dotted.path=value`` overrides
are applied last, their values parsed as YAML. Validation is pydantic's (the
models are in config.py); the first problem becomes one :class:`ConfigError`
line: ``path: rule, got value``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.config import ConfigError, ScenarioConfig


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; everything else in ``override`` replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        raise ConfigError(f"{path}: malformed YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a scenario must be a mapping, got {type(data).__name__}")
    return data


def resolve_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read ``path`` and everything it ``extends``, merged, as plain data."""
    path = path.resolve()
    if path in _seen:
        raise ConfigError(f"extends: circular chain through {path.name}")
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(f"extends: must be a file name, got {parent!r}")
    parent_path = path.parent / parent
    if not parent_path.exists():
        raise ConfigError(f"extends: file '{parent}' not found next to {path.name}")
    return deep_merge(resolve_raw(parent_path, (*_seen, path)), data)


def apply_override(data: dict[str, Any], assignment: str) -> dict[str, Any]:
    """Apply one ``dotted.path=value`` override; the value is parsed as YAML."""
    if "=" not in assignment:
        raise ConfigError(f"--set: must look like dotted.path=value, got '{assignment}'")
    dotted, text = assignment.split("=", 1)
    keys = [k for k in dotted.strip().split(".") if k]
    if not keys:
        raise ConfigError(f"--set: empty field path in '{assignment}'")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ConfigError(f"--set {dotted}: value is not valid YAML, got '{text}'") from None
    return _set_path(data, keys, value, dotted)


def _set_path(node: Any, keys: list[str], value: Any, dotted: str) -> Any:
    if not keys:
        return value
    key, rest = keys[0], keys[1:]
    if isinstance(node, list):
        if not key.isdigit() or int(key) >= len(node):
            raise ConfigError(f"--set {dotted}: '{key}' is not an index of a {len(node)}-item list")
        copy = list(node)
        copy[int(key)] = _set_path(node[int(key)], rest, value, dotted)
        return copy
    copy = dict(node) if isinstance(node, dict) else {}
    copy[key] = _set_path(copy.get(key, {} if rest else None), rest, value, dotted)
    return copy


def format_validation_error(exc: ValidationError) -> str:
    """One line for the first problem: ``path: rule, got value``."""
    error = exc.errors(include_url=False)[0]
    path = ".".join(str(p) for p in error["loc"]) or "scenario"
    message = error["msg"].removeprefix("Value error, ")
    if ": " in message and message.split(": ", 1)[0].replace(".", "").replace("_", "").isalnum():
        head, rest = message.split(": ", 1)
        if " " not in head:  # the validator named a sub-path itself
            path = f"{path}.{head}" if path != "scenario" else head
            message = rest
    if error["type"] == "extra_forbidden":
        return f"{path}: unknown key (not part of the scenario schema)"
    if error["type"] == "missing":
        return f"{path}: required field is missing"
    if "got" in message:
        return f"{path}: {message}"
    return f"{path}: {message}, got {error.get('input')!r}"


def validate_scenario(data: dict[str, Any]) -> ScenarioConfig:
    try:
        return ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None


def load_scenario(path: str | Path, overrides: tuple[str, ...] = ()) -> ScenarioConfig:
    """Load, merge ``extends``, apply ``--set`` overrides and validate."""
    data = resolve_raw(Path(path))
    for assignment in overrides:
        data = apply_override(data, assignment)
    return validate_scenario(data)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors."""
    schema = ScenarioConfig.model_json_schema()
    schema["properties"]["extends"] = {"type": "string", "description": "parent scenario file"}
    return schema


def dump_scenario(config: ScenarioConfig) -> str:
    """The resolved scenario as YAML (stable key order, JSON-compatible values)."""
    return yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
