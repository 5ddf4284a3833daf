"""``{name}`` placeholders in strings, filled from a node's parameters (``http`` configs).

A name is a Python identifier; other braces are left alone. Text values are inserted as they
are, other JSON values as JSON text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

#: ``{name}``: a placeholder.
PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingParameter(ValueError):
    """A placeholder names a parameter the node does not have."""


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def fill(template: str, params: Mapping[str, Any], where: str, escape: Callable[[str], str] = str) -> str:
    """``template`` with every placeholder replaced by its parameter, as text passed to ``escape``.

    Raises:
        MissingParameter: a placeholder names no parameter; ``where`` says which field.
    """

    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name not in params:
            known = ", ".join(sorted(params)) or "none"
            raise MissingParameter(
                f"{where} uses the placeholder {{{name}}}, but the node has no parameter {name!r} "
                f"(its parameters: {known})"
            )
        return escape(_as_text(params[name]))

    return PLACEHOLDER.sub(one, template)


def fill_body(value: Any, params: Mapping[str, Any], where: str = "body") -> Any:
    """``value`` with placeholders filled in its strings; a lone placeholder becomes the value."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole is not None and whole[1] in params:
            return params[whole[1]]
        return fill(value, params, where)
    if isinstance(value, list):
        return [fill_body(item, params, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: fill_body(item, params, f"{where}.{key}") for key, item in value.items()}
    return value
