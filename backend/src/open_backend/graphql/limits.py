"""Limits on GraphQL documents, checked before anything executes.

They bound the work one request can ask for; the frontend's largest operation stays far below
each. A document over a limit is refused with ``VALIDATION_FAILED`` and runs nothing. The size
of the request body itself is limited by ``OPEN_MAX_REQUEST_BYTES`` (HTTP 413), and list sizes
by :data:`open_backend.services.pagination.MAX_PAGE_SIZE`.
"""

from __future__ import annotations

from typing import Final

#: Deepest selection nesting of an operation, counted from 0 at its root fields (``dags { edges {
#: node { versions { edges { node { createdBy { id } } } } } } }`` reaches 7). Introspection
#: fields do not count.
MAX_QUERY_DEPTH: Final = 10

#: Most aliased fields in one document: aliases multiply the work of one field.
MAX_ALIASES: Final = 30

#: Most lexical tokens in one document: bounds parsing work (definitions travel as variables,
#: which are not tokens of the document).
MAX_TOKENS: Final = 3_000

#: Distinct documents whose parse and validation results are kept (each cache, least recently
#: used first out): clients send a few fixed documents, so repeated requests skip both steps;
#: a stream of unique documents only cycles the caches.
DOCUMENT_CACHE_SIZE: Final = 256
