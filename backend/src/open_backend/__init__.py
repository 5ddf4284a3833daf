"""OPEN's platform backend: a GraphQL gateway on Starlette over SQLModel on PostgreSQL or SQLite.

:func:`open_backend.app.create_app` builds the ASGI application; :mod:`open_backend.settings`
reads its configuration; :mod:`open_backend.db` holds the data model, engine and migrations.
"""
