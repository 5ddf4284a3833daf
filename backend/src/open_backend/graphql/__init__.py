"""The GraphQL API (Strawberry), organised by domain.

Each domain folder (``dags``, ``organizations``, ``api_keys``, ``auth``, ``users``,
``task_types``) has ``types.py``, ``queries.py``, ``inputs.py`` and one module per mutation in
``mutations/``. Resolvers are thin: they check access (``permission_classes`` on the field) and
call a service of :mod:`open_backend.services`, which holds the logic.

Shared pieces: :mod:`.context` (the typed ``Info``), :mod:`.permissions`, :mod:`.errors` (what
clients see of failures), :mod:`.transaction` (one commit per mutation), :mod:`.connection`
(cursor pagination), :mod:`.loaders`, :mod:`.limits`; :mod:`.schema` assembles the schema and
:mod:`.view` serves it at ``/graphql``.
"""
