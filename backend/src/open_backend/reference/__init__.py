"""Reference pages of docs/ generated from the code: ``python -m open_backend.reference [--check]``.

* :mod:`.configuration` writes ``docs/configuration.md`` from :class:`~open_backend.settings.Settings`;
* :mod:`.graphql` writes ``docs/graphql-api.md`` from ``docs/schema.graphql`` and the examples of
  :mod:`.graphql_examples`.

Tests fail when a generated page is out of date.
"""
