"""Persistence: the data model, column types, engine and sessions, and schema migrations."""
