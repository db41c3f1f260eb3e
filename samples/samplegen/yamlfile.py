"""Reading a content file strictly: every error names the file and where in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: 10 times faster


class ContentError(ValueError):
    """The sample content is wrong: the message names the file, the place and the key."""


def load(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc


def mapping(value: object, where: str, required: Sequence[str], optional: Sequence[str] = ()) -> dict[str, Any]:
    """``value`` as a mapping with exactly the keys allowed: a missing or unknown key is an error."""
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: expected a mapping, got {type(value).__name__}")
    missing = [k for k in required if k not in value]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")
    unknown = [str(k) for k in value if k not in required and k not in optional]
    if unknown:
        raise ContentError(f"{where}: unknown key {', '.join(unknown)} (allowed: {', '.join([*required, *optional])})")
    return dict(value)


def table(value: object, where: str) -> dict[str, Any]:
    """A mapping of names (facility ids, roles) to entries, in file order."""
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: expected a mapping, got {type(value).__name__}")
    return {str(k): v for k, v in value.items()}


def text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ContentError(f"{where}: expected text, got {type(value).__name__} {value!r} (quote it)")
    return value


def texts(value: object, where: str) -> list[str]:
    if not isinstance(value, list):
        raise ContentError(f"{where}: expected a list, got {type(value).__name__}")
    return [text(v, f"{where}[{n}]") for n, v in enumerate(value)]


def items(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ContentError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ContentError(f"{where}: expected a number, got {value!r}")
    return value


def integer(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ContentError(f"{where}: expected a whole number, got {value!r}")
    return value


def date(value: object, where: str) -> dt.date:
    """A date written 2024-02-07 (quoted or not)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ContentError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")
