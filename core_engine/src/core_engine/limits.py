"""Explicit limits on DAG definitions, checked at build time.

Every limit is a module constant so the backend, the editor and the docs quote the same numbers.
A definition that exceeds one is rejected with a :class:`~core_engine.errors.ValidationIssue`
naming the limit, never truncated.
"""

from __future__ import annotations

import re
from typing import Final

#: Most nodes one DAG may declare (mapped instances created at run time are not counted).
MAX_NODES: Final = 2_000_000

#: Longest node id, in characters.
MAX_NODE_ID_LENGTH: Final = 128

#: Node ids: a letter, digit or underscore, then letters, digits and ``_ . : -``.
NODE_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:\-]*")

#: Most instances one mapped node may expand to at run time.
MAX_MAP_INSTANCES: Final = 100_000

#: Most attempts a retry policy may allow (first attempt included).
MAX_ATTEMPTS: Final = 100

#: Longest backoff delay a retry policy may request, in seconds (one day).
MAX_BACKOFF_SECONDS: Final = 86_400.0

#: Longest node or run timeout, in seconds (seven days).
MAX_TIMEOUT_SECONDS: Final = 7 * 86_400.0

#: Most tags on one node, and the longest tag, in characters.
MAX_TAGS: Final = 32
MAX_TAG_LENGTH: Final = 64
