"""The form in which task output (results, error texts) is stored: JSON both databases accept.

A task may return anything. What JSON cannot hold, or what PostgreSQL's ``jsonb`` refuses, is
replaced by ``{"$repr": repr(value)}``, the encoding core_engine's digests use for non-JSON
values, so a stored run replays to the digest of its stored projection:

- values of other types (``Decimal``, ``datetime``, sets, objects): ``{"$repr": "Decimal('1.50')"}``;
- non-finite floats (``nan``, ``inf``, ``-inf``), which are not JSON (RFC 8259, section 6):
  ``{"$repr": "nan"}``;
- strings holding the NUL character, which ``jsonb`` cannot store (PostgreSQL documentation,
  section 8.14, "JSON Types"): ``{"$repr": "'a\\\\x00b'"}``;
- dictionary keys that are not strings become their ``str`` (as :func:`json.dumps` would write
  them), or their ``repr`` when that is not a key JSON allows;
- a container that holds itself is stored as the ``repr`` of the whole value, and a value
  nested too deeply for Python's recursion limit as a note saying so.

Tuples become lists, as in any JSON. A value already JSON-safe is returned as it is (the common
case costs one :func:`json.dumps`).
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

#: The key of a stand-in for a value JSON cannot hold: ``{"$repr": "<repr(value)>"}``.
REPR_KEY: Final = "$repr"


def stored_json(value: Any) -> tuple[Any, bytes]:
    """``value`` in its stored form, and that form's compact UTF-8 JSON.

    Returns:
        ``(safe, data)``: ``safe`` is ``value`` itself when it is already storable, else a copy
        with every unstorable part replaced (see the module docstring); ``data`` is the JSON of
        ``safe``, as written to the artifact folder.
    """
    substituted = False

    def fallback(unknown: Any) -> Any:
        nonlocal substituted
        substituted = True
        return {REPR_KEY: _repr(unknown)}

    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=fallback)
    except (ValueError, TypeError, RecursionError):  # nan or inf, a key JSON refuses, a cycle
        return _sanitised_pair(value)
    if "\\u0000" in text:  # a NUL character, which jsonb refuses
        return _sanitised_pair(value)
    if substituted:
        return json.loads(text), text.encode("utf-8")
    return value, text.encode("utf-8")


def storable_text(text: str) -> str:
    """``text`` with NUL characters shown as ``\\x00`` (``jsonb`` cannot store them)."""
    return text.replace("\x00", "\\x00") if "\x00" in text else text


def escape_task_text(payload: dict[str, Any]) -> bool:
    """Apply :func:`storable_text` to the text task code puts into an event payload (a
    ``node_log`` line, an error's type, message and traceback), in place; whether it changed
    any. The other text fields come from validated definitions."""
    escaped = False
    line = payload.get("line")
    if line is not None and "\x00" in line:
        payload["line"] = storable_text(line)
        escaped = True
    error = payload.get("error")
    if error is not None and any("\x00" in text for text in error.values()):
        payload["error"] = {name: storable_text(text) for name, text in error.items()}
        escaped = True
    return escaped


def _sanitised_pair(value: Any) -> tuple[Any, bytes]:
    try:
        safe = _sanitised(value, set())
    except _Cycle:
        safe = {REPR_KEY: _repr(value)}
    except RecursionError:
        safe = {REPR_KEY: f"<{type(value).__name__} nested too deeply to store>"}
    return safe, json.dumps(safe, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _sanitised(value: Any, open_ids: set[int]) -> Any:
    """``value`` with every unstorable part replaced; ``open_ids`` holds the containers being
    walked. Raises :class:`_Cycle` when a container holds itself."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {REPR_KEY: repr(value)}
    if isinstance(value, str):
        return value if "\x00" not in value else {REPR_KEY: repr(value)}
    if isinstance(value, list | tuple | dict):
        if id(value) in open_ids:
            raise _Cycle
        open_ids.add(id(value))
        try:
            if isinstance(value, dict):
                return {_key(key): _sanitised(item, open_ids) for key, item in value.items()}
            return [_sanitised(item, open_ids) for item in value]
        finally:
            open_ids.discard(id(value))
    return {REPR_KEY: _repr(value)}


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key if "\x00" not in key else repr(key)
    if key is None or isinstance(key, bool | int) or (isinstance(key, float) and math.isfinite(key)):
        return json.dumps(key)  # as json.dumps writes such keys: "null", "true", "1", "1.5"
    return repr(key)


def _repr(value: Any) -> str:
    try:
        return storable_text(repr(value))
    except Exception as exc:  # a broken __repr__ must not lose the run
        return f"<{type(value).__name__} whose repr raised {type(exc).__name__}>"


class _Cycle(Exception):
    """A container holds itself."""
